import { buildRayPods, INJECTED_CONTAINERS, RayPod } from '../kuberay';
import { BOUND_ANNOTATIONS, BoundName, TENANT_LABEL, TenantDefinition } from './tenant-definition';
import { JsonObject, JsonValue, Violation } from './types';
import { asArray, asObject, asString, childPath } from '../kubernetes/json';
import { Quantity } from '../kubernetes/quantity';

const RULE = 'enforce-tenant-isolation' as const;

/** Options of {@link checkTenantIsolation}. */
export interface TenantIsolationOptions {
  /**
   * The platform's tenant definitions by name. When given, a RayCluster's bounds, node label and
   * taint come from its tenant's definition (they win over the RayCluster's own annotations), and a
   * tenant that is not defined fails.
   * @default - bounds from the RayCluster's `minCpu`/`maxCpu`/`minMemory`/`maxMemory` annotations
   */
  readonly tenants?: ReadonlyMap<string, TenantDefinition>;
  /**
   * The pods KubeRay builds from the RayCluster, when the caller has them already.
   * @default - built here with `buildRayPods`
   */
  readonly pods?: readonly RayPod[];
}

interface Bounds { readonly minCpu: Quantity; readonly maxCpu: Quantity; readonly minMemory: Quantity; readonly maxMemory: Quantity }

const RESOURCES = [
  { key: 'cpu', min: 'minCpu', max: 'maxCpu', noun: 'CPU' },
  { key: 'memory', min: 'minMemory', max: 'maxMemory', noun: 'memory' },
] as const;

/**
 * `enforce-tenant-isolation`: what the seed's Kyverno rule meant, on every pod template (head and
 * every worker group), every container and init container, and the containers KubeRay injects:
 *
 * - the RayCluster has a `tenant` label and each template carries the same label;
 * - pods are pinned to the tenant's nodes: a nodeSelector `<key>: <value>`, or a required node
 *   affinity whose every term requires `<key> In [<value>]` (that tenant only);
 * - pods tolerate the tenant's taint, and no toleration matches other tenants' taints;
 * - every container has CPU and memory limits <= the tenant's max and requests >= its min, with
 *   requests <= limits; missing values fail. Quantities are compared exactly.
 *
 * Bounds come from the tenant definition when one is given, else from the RayCluster's
 * annotations; missing or unparseable bounds fail.
 */
export function checkTenantIsolation(rayCluster: JsonObject, options: TenantIsolationOptions = {}): Violation[] {
  const out: Violation[] = [];
  const metadata = asObject(rayCluster.metadata) ?? {};
  const labels = asObject(metadata.labels);
  const annotations = asObject(metadata.annotations);
  const tenantValue = labels?.[TENANT_LABEL];
  const tenant = asString(tenantValue);
  if (tenant === undefined || tenant === '') {
    out.push({
      rule: RULE,
      path: 'metadata.labels.tenant',
      value: tenantValue,
      message: 'the RayCluster has no "tenant" label, so it cannot be tied to a tenant\'s nodes and bounds',
      fix: 'add metadata.labels.tenant: <tenant name>',
    });
  }
  const def = tenant !== undefined ? options.tenants?.get(tenant) : undefined;
  if (tenant && options.tenants && !def) {
    out.push({
      rule: RULE,
      path: 'metadata.labels.tenant',
      value: tenant,
      message: `tenant "${tenant}" is not defined in the tenants file`,
      bound: `one of: ${[...options.tenants.keys()].join(', ') || '(none)'}`,
      fix: 'use a defined tenant, or ask the platform team to define it',
    });
  }
  if (def?.namespace !== undefined && metadata.namespace !== undefined && metadata.namespace !== def.namespace) {
    out.push({
      rule: RULE,
      path: 'metadata.namespace',
      value: metadata.namespace as JsonValue,
      message: `tenant "${tenant}" may only use namespace "${def.namespace}"`,
      bound: def.namespace,
      fix: `set metadata.namespace: ${def.namespace}`,
    });
  }

  const bounds = readBounds(def, tenant, annotations, out);
  const nodeKey = def?.nodeLabelKey ?? TENANT_LABEL;
  const nodeValue = def?.nodeLabelValue ?? tenant;
  const taintKey = def?.taintKey ?? TENANT_LABEL;
  const taintValue = def?.taintValue ?? tenant;

  const spec = asObject(rayCluster.spec) ?? {};
  const groups: { path: string; group: JsonObject | undefined }[] = [
    { path: 'spec.headGroupSpec', group: asObject(spec.headGroupSpec) },
    // Array.from, not map: a sparse array (from JavaScript callers) must not leave holes here.
    ...Array.from(asArray(spec.workerGroupSpecs), (g, i) => ({ path: `spec.workerGroupSpecs[${i}]`, group: asObject(g) })),
  ];
  for (const { path, group } of groups) {
    if (!group) {
      out.push({ rule: RULE, path, message: 'the group is missing or not an object', fix: 'define the group with a pod template' });
      continue;
    }
    const tpath = `${path}.template`;
    const template = asObject(group.template) ?? {};
    const podSpec = asObject(template.spec) ?? {};
    const tlabels = asObject(asObject(template.metadata)?.labels);
    if (tenant && tlabels?.[TENANT_LABEL] !== tenant) {
      out.push({
        rule: RULE,
        path: `${tpath}.metadata.labels.tenant`,
        value: tlabels?.[TENANT_LABEL],
        message: tlabels?.[TENANT_LABEL] === undefined ? 'the pod template has no "tenant" label'
          : `the pod template's tenant label differs from the RayCluster's ("${tenant}")`,
        bound: tenant,
        fix: `set ${tpath}.metadata.labels.tenant: ${tenant}`,
      });
    }
    if (nodeValue) checkPinning(podSpec, `${tpath}.spec`, nodeKey, nodeValue, out);
    if (taintValue !== undefined) checkTolerations(podSpec, `${tpath}.spec`, taintKey, taintValue, def?.taintEffect, out);
    for (const list of ['initContainers', 'containers'] as const) {
      asArray(podSpec[list]).forEach((c, i) => {
        const container = asObject(c) ?? {};
        checkResources(asObject(container.resources), `${tpath}.spec.${list}[${i}].resources`, `container "${asString(container.name) ?? i}"`, bounds, true, out);
      });
    }
  }

  // The containers KubeRay injects run in the same pods: the autoscaler's resources are the
  // user's to set (spec.autoscalerOptions.resources); the others are fixed by the operator and only
  // their limits are held against the tenant's maximum.
  if (bounds) {
    for (const pod of options.pods ?? buildRayPods(rayCluster)) {
      for (const injected of pod.injected) {
        const list = asArray(asObject(pod.pod.spec)?.[injected.list]);
        const container = list.map(asObject).find((c) => c && c.name === injected.name);
        if (!container) continue;
        if (injected.name === INJECTED_CONTAINERS.autoscaler) {
          const userResources = asObject(asObject(spec.autoscalerOptions)?.resources);
          checkResources(userResources ?? asObject(container.resources), 'spec.autoscalerOptions.resources',
            userResources ? 'the autoscaler sidecar' : 'the autoscaler sidecar (KubeRay\'s default resources; spec.autoscalerOptions.resources is unset)', bounds, true, out);
        } else {
          checkResources(asObject(container.resources), `${pod.groupPath}.template.spec`,
            `the "${injected.name}" container KubeRay injects`, bounds, false, out);
        }
      }
    }
  }
  return out;
}

function readBounds(def: TenantDefinition | undefined, tenant: string | undefined, annotations: JsonObject | undefined,
  out: Violation[]): Bounds | undefined {
  const parsed: Partial<Record<BoundName, Quantity>> = {};
  let ok = true;
  for (const name of BOUND_ANNOTATIONS) {
    const raw = def ? def.bounds?.[name] : annotations?.[name];
    const where = def ? `tenant "${tenant}" in the tenants file` : `metadata.annotations.${name}`;
    const path = def ? 'metadata.labels.tenant' : `metadata.annotations.${name}`;
    const q = Quantity.tryParse(raw);
    if (raw === undefined || raw === null) {
      out.push({
        rule: RULE,
        path,
        message: `the tenant bound ${name} is missing (${where})`,
        fix: def ? `define bounds.${name} for tenant "${tenant}"` : `add the annotation ${name}, or pass --tenants with the platform's tenant definitions`,
      });
      ok = false;
    } else if (!q || q.isNegative()) {
      out.push({
        rule: RULE,
        path,
        value: raw as JsonValue,
        message: `the tenant bound ${name} ${JSON.stringify(raw)} is not a Kubernetes quantity (${where})`,
        fix: `write ${name} as a quantity such as '2', '500m' or '4Gi'`,
      });
      ok = false;
    } else {
      parsed[name] = q;
    }
  }
  return ok ? parsed as Bounds : undefined;
}

function checkPinning(podSpec: JsonObject, path: string, key: string, value: string, out: Violation[]): void {
  const selected = asObject(podSpec.nodeSelector)?.[key];
  if (selected === value) return;
  if (selected !== undefined) {
    out.push({
      rule: RULE,
      path: childPath(`${path}.nodeSelector`, key),
      value: selected,
      message: `the nodeSelector pins pods to nodes labelled ${key}=${String(selected)}, not this tenant's nodes`,
      bound: value,
      fix: `set ${childPath(`${path}.nodeSelector`, key)}: ${value}`,
    });
    return;
  }
  const nodeAffinity = asObject(asObject(podSpec.affinity)?.nodeAffinity);
  const terms = asArray(asObject(nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution)?.nodeSelectorTerms);
  const termPins = (t: JsonValue | undefined) => asArray(asObject(t)?.matchExpressions).some((e) => {
    const x = asObject(e);
    const values = asArray(x?.values);
    return x?.key === key && x.operator === 'In' && values.length > 0 && values.every((v) => v === value);
  });
  if (terms.length > 0 && terms.every(termPins)) return;
  out.push({
    rule: RULE,
    path: terms.length > 0 ? `${path}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms` : `${path}.nodeSelector`,
    message: terms.length > 0
      ? `a required node affinity term does not restrict pods to ${key} In [${value}]`
      : `pods are not pinned to the tenant's nodes (no nodeSelector ${key}: ${value})`,
    bound: `${key}=${value}`,
    fix: `set ${path}.nodeSelector.${key}: ${value}`,
  });
}

function checkTolerations(podSpec: JsonObject, path: string, key: string, value: string, effect: string | undefined, out: Violation[]): void {
  let tolerated = false;
  asArray(podSpec.tolerations).forEach((t, i) => {
    const tol = asObject(t) ?? {};
    const op = tol.operator ?? 'Equal';
    const tkey = asString(tol.key) ?? '';
    const matchesEffect = tol.effect === undefined || tol.effect === '' || effect === undefined || tol.effect === effect;
    if (op === 'Exists' && (tkey === '' || tkey === key)) {
      out.push({
        rule: RULE,
        path: `${path}.tolerations[${i}]`,
        value: t,
        message: tkey === '' ? 'a toleration with operator Exists and no key tolerates every taint, including other tenants\' nodes'
          : `a toleration "${key}" with operator Exists tolerates every tenant's taint`,
        bound: `${key}=${value}`,
        fix: `tolerate exactly { key: ${key}, operator: Equal, value: ${value} }`,
      });
    } else if (tkey === key && op === 'Equal' && tol.value !== value) {
      out.push({
        rule: RULE,
        path: `${path}.tolerations[${i}]`,
        value: t,
        message: `the toleration ${key}=${String(tol.value)} tolerates another tenant's nodes`,
        bound: `${key}=${value}`,
        fix: `remove it; tolerate ${key}=${value}`,
      });
    } else if (tkey === key && op === 'Equal' && tol.value === value && matchesEffect) {
      tolerated = true;
    }
  });
  if (!tolerated) {
    out.push({
      rule: RULE,
      path: `${path}.tolerations`,
      message: `pods do not tolerate the tenant's taint ${key}=${value}${effect ? `:${effect}` : ''}`,
      bound: `${key}=${value}`,
      fix: `add { key: ${key}, operator: Equal, value: ${value}${effect ? `, effect: ${effect}` : ''} } to ${path}.tolerations`,
    });
  }
}

function checkResources(resources: JsonObject | undefined, path: string, who: string, bounds: Bounds | undefined,
  full: boolean, out: Violation[]): void {
  for (const r of RESOURCES) {
    const limitPath = `${path}.limits.${r.key}`;
    const requestPath = `${path}.requests.${r.key}`;
    const rawLimit = asObject(resources?.limits)?.[r.key];
    const rawRequest = asObject(resources?.requests)?.[r.key];
    const limit = quantityAt(rawLimit, full ? limitPath : path, who, `${r.noun} limit`, out);
    const request = full ? quantityAt(rawRequest, requestPath, who, `${r.noun} request`, out) : undefined;
    if (full && rawLimit === undefined) {
      out.push({
        rule: RULE,
        path: limitPath,
        message: `${who} has no ${r.noun} limit`,
        bound: bounds ? `<= ${bounds[r.max].toString()} (${r.max})` : undefined,
        fix: `set ${limitPath}${bounds ? ` to at most ${bounds[r.max].toString()}` : ''}`,
      });
    }
    if (full && rawRequest === undefined) {
      out.push({
        rule: RULE,
        path: requestPath,
        message: `${who} has no ${r.noun} request`,
        bound: bounds ? `>= ${bounds[r.min].toString()} (${r.min})` : undefined,
        fix: `set ${requestPath}${bounds ? ` to at least ${bounds[r.min].toString()}` : ''}`,
      });
    }
    if (bounds && limit && limit.greaterThan(bounds[r.max])) {
      out.push({
        rule: RULE,
        path: full ? limitPath : path,
        value: rawLimit as JsonValue,
        message: `${who}: ${r.noun} limit ${String(rawLimit)} exceeds the tenant's ${r.max} ${bounds[r.max].toString()}`,
        bound: `<= ${bounds[r.max].toString()} (${r.max})`,
        fix: full ? `lower ${limitPath} to at most ${bounds[r.max].toString()}, or ask the platform team to raise ${r.max}`
          : `raise the tenant's ${r.max} to at least ${String(rawLimit)} (KubeRay fixes this container's resources)`,
      });
    }
    if (bounds && request && request.lessThan(bounds[r.min])) {
      out.push({
        rule: RULE,
        path: requestPath,
        value: rawRequest as JsonValue,
        message: `${who}: ${r.noun} request ${String(rawRequest)} is below the tenant's ${r.min} ${bounds[r.min].toString()}`,
        bound: `>= ${bounds[r.min].toString()} (${r.min})`,
        fix: `raise ${requestPath} to at least ${bounds[r.min].toString()}`,
      });
    }
    if (limit && request && request.greaterThan(limit)) {
      out.push({
        rule: RULE,
        path: requestPath,
        value: rawRequest as JsonValue,
        message: `${who}: ${r.noun} request ${String(rawRequest)} is greater than its limit ${String(rawLimit)}`,
        bound: `<= ${String(rawLimit)} (the limit)`,
        fix: `set ${requestPath} to at most the limit`,
      });
    }
  }
}

function quantityAt(raw: unknown, path: string, who: string, what: string, out: Violation[]): Quantity | undefined {
  if (raw === undefined) return undefined;
  const q = Quantity.tryParse(raw);
  if (!q || q.isNegative()) {
    out.push({
      rule: RULE,
      path,
      value: raw as JsonValue,
      message: `${who}: ${what} ${JSON.stringify(raw)} is not a valid Kubernetes quantity`,
      fix: 'write a quantity such as \'500m\', \'2\' or \'4Gi\'',
    });
    return undefined;
  }
  return q;
}
