/**
 * The rules on what `TenantNamespace` rendered, after escape-hatch patches: the objects that keep
 * a tenant's pods restricted, isolated and bounded must still do so. Pure: the construct calls
 * {@link checkTenantNamespace} at synth with its rendered objects and what it generated.
 *
 * @module
 */
import { checkGeneratedNetworkPolicy, ExpectedPolicy } from './network-policy-rule';
import { LATEST_PSS_VERSION, parsePssVersion, RESTRICTED_FLOOR } from './pod-security';
import { RuleId, Violation } from './types';
import { asArray, asObject, JsonObject, JsonValue } from '../kubernetes/json';
import { Quantity } from '../kubernetes/quantity';

/** The Pod Security Admission label prefix. */
const PSA = 'pod-security.kubernetes.io';
const PSA_MODES = ['enforce', 'audit', 'warn'] as const;

/** What `TenantNamespace` generated: the bounds its rendered objects are held to. */
export interface ExpectedTenantNamespace {
  /** The namespace's name. */
  readonly namespace: string;
  /** The tenant's name (the `tenant` label). */
  readonly tenant: string;
  /** The ResourceQuota's `hard` map as generated, when there is a quota. */
  readonly quotaHard?: Readonly<Record<string, string>>;
  /** The generated LimitRange item (type Container): its `max` values are the tenant's maximums. */
  readonly containerLimits: { readonly max: Readonly<Record<string, string>> };
  /** The default-deny policy. */
  readonly defaultDeny: ExpectedPolicy;
  /** The DNS egress policy. */
  readonly dnsEgress: ExpectedPolicy;
}

/** The rendered objects (plain manifests, as synthesized). */
export interface RenderedTenantNamespace {
  /** The Namespace. */
  readonly namespace: JsonObject;
  /** The ResourceQuota, when there is one. */
  readonly quota?: JsonObject;
  /** The LimitRange. */
  readonly limitRange: JsonObject;
  /** The default-deny NetworkPolicy. */
  readonly defaultDeny: JsonObject;
  /** The DNS egress NetworkPolicy. */
  readonly dnsEgress: JsonObject;
  /** The ServiceAccount for Ray pods. */
  readonly serviceAccount: JsonObject;
}

function violation(rule: RuleId, path: string, value: JsonValue | undefined, message: string, bound: string | undefined, fix: string): Violation {
  return { rule, path, ...(value !== undefined ? { value } : {}), message, ...(bound !== undefined ? { bound } : {}), fix };
}

const REMOVE_PATCH = 'remove the escape-hatch patch';

/**
 * Every way the rendered objects fall short of what the namespace promises:
 *
 * - Namespace: its name, no `metadata.namespace`, the `tenant` label, and the Pod Security
 *   Admission labels `enforce`, `audit` and `warn` = `restricted` at a version from the floor
 *   (`v1.23`) to the newest the library implements, or `latest`;
 * - every other object in the namespace (`metadata.namespace` present and equal);
 * - the default-deny: exactly `podSelector: {}`, both policy types, no rules; the DNS policy:
 *   exactly the generated one (a rule may be removed, none added or widened);
 * - the ServiceAccount: `automountServiceAccountToken: false`;
 * - the LimitRange: a `Container` item whose `max` is present and not above the tenant's maximum
 *   for every resource generated, and whose `min`, `default` and `defaultRequest` are not above it;
 * - the ResourceQuota: every generated key present and not above the generated value, no scopes.
 */
export function checkTenantNamespace(rendered: RenderedTenantNamespace, expected: ExpectedTenantNamespace): Violation[] {
  return [
    ...checkNamespaceObject(rendered.namespace, expected),
    ...inNamespace(rendered, expected),
    ...checkGeneratedNetworkPolicy(rendered.defaultDeny, expected.defaultDeny),
    ...checkGeneratedNetworkPolicy(rendered.dnsEgress, expected.dnsEgress),
    ...checkServiceAccount(rendered.serviceAccount),
    ...checkLimitRange(rendered.limitRange, expected),
    ...(rendered.quota && expected.quotaHard ? checkQuota(rendered.quota, expected.quotaHard) : []),
  ];
}

function checkNamespaceObject(ns: JsonObject, expected: ExpectedTenantNamespace): Violation[] {
  const out: Violation[] = [];
  const meta = asObject(ns.metadata) ?? {};
  const labels = asObject(meta.labels) ?? {};
  const at = (path: string) => `Namespace ${expected.namespace}: ${path}`;
  if (meta.name !== expected.namespace) {
    out.push(violation('enforce-tenant-isolation', at('metadata.name'), meta.name, 'the Namespace was renamed: the tenant\'s quota, limits and '
      + 'policies are in the namespace the tenant profile names, which would then have no Pod Security labels', expected.namespace, REMOVE_PATCH));
  }
  if (meta.namespace !== undefined) {
    out.push(violation('enforce-tenant-isolation', at('metadata.namespace'), meta.namespace, 'a Namespace is cluster-scoped and has no namespace',
      undefined, REMOVE_PATCH));
  }
  if (labels.tenant !== expected.tenant) {
    out.push(violation('enforce-tenant-isolation', at('metadata.labels.tenant'), labels.tenant,
      'the namespace\'s tenant label names another tenant, or none', expected.tenant, `set metadata.labels.tenant: ${expected.tenant}`));
  }
  const floor = `v1.${RESTRICTED_FLOOR.minor}`;
  for (const mode of PSA_MODES) {
    const level = labels[`${PSA}/${mode}`];
    if (level !== 'restricted') {
      out.push(violation('pod-security', at(`metadata.labels["${PSA}/${mode}"]`), level,
        `Pod Security Admission must ${mode} the restricted level${mode === 'enforce' ? ': any other level admits pods the library refuses' : ''}`,
        'restricted', `set the label ${PSA}/${mode}: restricted (${REMOVE_PATCH})`));
    }
    const version = labels[`${PSA}/${mode}-version`];
    const parsed = typeof version === 'string' ? parsePssVersion(version) : undefined;
    if (parsed === undefined || (version !== 'latest' && parsed.minor < RESTRICTED_FLOOR.minor)) {
      out.push(violation('pod-security', at(`metadata.labels["${PSA}/${mode}-version"]`), version,
        parsed === undefined
          ? 'not a Pod Security Standards version the library implements (a missing version means latest, which moves with the cluster)'
          : `older than ${floor}, the oldest version whose restricted level checks everything the library relies on`,
        `${floor} to ${LATEST_PSS_VERSION}, or latest`, 'set the version with podSecurityVersion, not a patch'));
    }
  }
  return out;
}

function inNamespace(r: RenderedTenantNamespace, expected: ExpectedTenantNamespace): Violation[] {
  const objects: [string, JsonObject | undefined][] = [
    ['ResourceQuota', r.quota], ['LimitRange', r.limitRange], ['ServiceAccount', r.serviceAccount],
  ];
  const out: Violation[] = [];
  for (const [kind, obj] of objects) {
    if (!obj) continue;
    const meta = asObject(obj.metadata) ?? {};
    if (meta.namespace === expected.namespace) continue;
    out.push(violation('enforce-tenant-isolation', `${kind} ${String(meta.name)}: metadata.namespace`, meta.namespace,
      meta.namespace === undefined
        ? `the ${kind} has no namespace: it would land wherever kubectl or Argo CD defaults to, and leave the tenant's namespace without it`
        : `the ${kind} is not in the tenant's namespace`,
      expected.namespace, `keep it in ${expected.namespace} (${REMOVE_PATCH})`));
  }
  return out;
}

function checkServiceAccount(sa: JsonObject): Violation[] {
  if (sa.automountServiceAccountToken === false) return [];
  const name = String(asObject(sa.metadata)?.name);
  return [violation('enforce-tenant-isolation', `ServiceAccount ${name}: automountServiceAccountToken`, sa.automountServiceAccountToken,
    'Ray pods would get an API token mounted: anyone who runs code in the cluster (the dashboard runs what it is sent) could call the API server',
    'false', `set automountServiceAccountToken: false (${REMOVE_PATCH})`)];
}

/** A quantity, or undefined (with a violation) when the value is not one. */
function quantity(raw: unknown, path: string, out: Violation[]): Quantity | undefined {
  const q = Quantity.tryParse(raw);
  if (q && !q.isNegative()) return q;
  out.push(violation('enforce-tenant-isolation', path, raw as JsonValue, 'not a Kubernetes quantity', undefined, REMOVE_PATCH));
  return undefined;
}

function checkLimitRange(lr: JsonObject, expected: ExpectedTenantNamespace): Violation[] {
  const out: Violation[] = [];
  const name = String(asObject(lr.metadata)?.name);
  const items = Array.from(asArray(asObject(lr.spec)?.limits), (x, i) => ({ item: asObject(x), i }))
    .filter((x): x is { item: JsonObject; i: number } => x.item !== undefined && x.item.type === 'Container');
  const tenantMax = expected.containerLimits.max;
  if (items.length === 0) {
    out.push(violation('enforce-tenant-isolation', `LimitRange ${name}: spec.limits`, asObject(lr.spec)?.limits,
      'the LimitRange has no Container limits: containers could be admitted above the tenant\'s maximum', `a Container item with max ${JSON.stringify(tenantMax)}`,
      REMOVE_PATCH));
    return out;
  }
  for (const [resource, maxText] of Object.entries(tenantMax)) {
    const bound = Quantity.parse(maxText);
    const given = items.map(({ item, i }) => ({ raw: asObject(item.max)?.[resource], path: `LimitRange ${name}: spec.limits[${i}].max.${resource}` }));
    if (given.every((g) => g.raw === undefined)) {
      out.push(violation('enforce-tenant-isolation', given[0].path, undefined,
        `the LimitRange's ${resource} maximum was removed: containers could be admitted with any ${resource} limit`, `<= ${maxText}`, REMOVE_PATCH));
    }
    for (const { item, i } of items) {
      for (const field of ['max', 'min', 'default', 'defaultRequest'] as const) {
        const raw = asObject(item[field])?.[resource];
        if (raw === undefined) continue;
        const path = `LimitRange ${name}: spec.limits[${i}].${field}.${resource}`;
        const q = quantity(raw, path, out);
        if (q && q.greaterThan(bound)) {
          out.push(violation('enforce-tenant-isolation', path, raw as JsonValue, `the LimitRange's ${field} ${resource} is above the tenant's maximum`,
            `<= ${maxText}`, REMOVE_PATCH));
        }
      }
    }
  }
  return out;
}

function checkQuota(quota: JsonObject, hard: Readonly<Record<string, string>>): Violation[] {
  const out: Violation[] = [];
  const name = String(asObject(quota.metadata)?.name);
  const spec = asObject(quota.spec) ?? {};
  const rendered = asObject(spec.hard) ?? {};
  for (const [key, text] of Object.entries(hard)) {
    const path = `ResourceQuota ${name}: spec.hard["${key}"]`;
    const raw = rendered[key];
    if (raw === undefined || raw === null) {
      out.push(violation('enforce-tenant-isolation', path, undefined, `the quota on ${key} was removed: the tenant's pods would not be capped on it`,
        `<= ${text}`, REMOVE_PATCH));
      continue;
    }
    const q = quantity(raw, path, out);
    if (q && q.greaterThan(Quantity.parse(text))) {
      out.push(violation('enforce-tenant-isolation', path, raw as JsonValue, `the quota on ${key} was raised above what the TenantNamespace was given`,
        `<= ${text}`, 'change the quota prop, not a patch'));
    }
  }
  for (const field of ['scopes', 'scopeSelector'] as const) {
    if (spec[field] === undefined || spec[field] === null) continue;
    out.push(violation('enforce-tenant-isolation', `ResourceQuota ${name}: spec.${field}`, spec[field],
      'a scoped quota counts only the pods in its scope: the others would not be capped', undefined, REMOVE_PATCH));
  }
  return out;
}
