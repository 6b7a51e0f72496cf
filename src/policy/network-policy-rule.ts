/**
 * `generate-network-policies` on what a construct rendered: the NetworkPolicies of a cluster and,
 * in pinned-ports mode, the `rayStartParams` the policy's ports depend on. Pure: the constructs
 * call these at synth on their (possibly patched) output.
 *
 * @module
 */
import { LIBRARY_LABEL_PREFIX } from './library-labels';
import { PinnedPortPlan, pinnedStartParams } from './pinned-ports';
import { Violation } from './types';
import { asArray, asObject, JsonMap, JsonObject, JsonValue } from '../kubernetes/json';

const RULE = 'generate-network-policies' as const;

/** A NetworkPolicy the library generates: its name, namespace and spec (`network-policies.ts`). */
export interface ExpectedPolicy {
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`. */
  readonly namespace: string;
  /** The generated spec. */
  readonly spec: JsonMap;
}

/** JSON with sorted keys: two rules are the same rule when their canonical forms are equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * A generated NetworkPolicy as rendered (after escape-hatch patches) must still be one the library
 * generates: in the cluster's namespace, selecting exactly the generated pods, isolating both
 * directions (or the directions the generated policy isolates), and allowing nothing but the
 * generated rules — intra-cluster, DNS, declared connections, the API server. A rule may be removed (that only narrows what is allowed); a rule
 * added or changed (`{}` allows everyone, `namespaceSelector: {}` every namespace, `0.0.0.0/0`
 * every address) fails, naming it.
 */
export function checkGeneratedNetworkPolicy(rendered: JsonObject, expected: ExpectedPolicy): Violation[] {
  const spec = asObject(rendered.spec) ?? {};
  const meta = asObject(rendered.metadata) ?? {};
  const where = (path: string) => `NetworkPolicy ${expected.name}: ${path}`;
  const out: Violation[] = [];
  if (meta.namespace !== expected.namespace) {
    out.push({
      rule: RULE,
      path: where('metadata.namespace'),
      value: meta.namespace,
      bound: expected.namespace,
      message: meta.namespace === undefined
        ? 'the NetworkPolicy has no namespace: it would land wherever kubectl or Argo CD defaults to, and leave the cluster\'s pods unprotected'
        : 'the NetworkPolicy is not in the cluster\'s namespace',
      fix: 'keep the policy in the cluster\'s namespace (remove the patch)',
    });
  }
  if (canonical(spec.podSelector) !== canonical(expected.spec.podSelector)) {
    out.push({
      rule: RULE,
      path: where('spec.podSelector'),
      value: spec.podSelector,
      bound: canonical(expected.spec.podSelector),
      message: 'the NetworkPolicy does not select exactly the cluster\'s pods',
      fix: 'remove the patch that changed the policy\'s podSelector',
    });
  }
  const types = asArray(spec.policyTypes);
  const required = asArray(expected.spec.policyTypes).filter((t): t is string => typeof t === 'string');
  if (required.some((t) => !types.includes(t))) {
    const both = required.includes('Ingress') && required.includes('Egress');
    out.push({
      rule: RULE,
      path: where('spec.policyTypes'),
      value: spec.policyTypes,
      bound: `[${required.join(', ')}]`,
      message: both ? 'the NetworkPolicy must isolate both ingress and egress' : `the NetworkPolicy must isolate ${required.join(' and ').toLowerCase()}`,
      fix: `set spec.policyTypes: [${required.join(', ')}]`,
    });
  }
  for (const side of ['ingress', 'egress'] as const) {
    const allowed = new Set(asArray(expected.spec[side]).map(canonical));
    const given = spec[side];
    if (given !== undefined && given !== null && !Array.isArray(given)) {
      out.push({ rule: RULE, path: where(`spec.${side}`), value: given, message: `spec.${side} is not a list of rules`, fix: 'remove the patch' });
      continue;
    }
    asArray(given).forEach((r, i) => {
      if (allowed.has(canonical(r))) return;
      out.push({
        rule: RULE,
        path: where(`spec.${side}[${i}]`),
        value: r,
        message: `a rule the library does not generate: it would allow ${describeRule(r, side)}`,
        bound: `only the generated ${side} rules (intra-cluster, DNS, declared connections, the API server)`,
        fix: 'remove the patch; declare connections with cluster.connections.allowFrom/allowTo',
      });
    });
  }
  return out;
}

/** What a rule allows, in words, for the violation. */
function describeRule(rule: JsonValue | undefined, side: 'ingress' | 'egress'): string {
  const r = asObject(rule);
  const peers = r ? r[side === 'ingress' ? 'from' : 'to'] : undefined;
  const who = peers === undefined ? (side === 'ingress' ? 'traffic from everyone' : 'traffic to everyone') : `traffic ${side === 'ingress' ? 'from' : 'to'} ${canonical(peers)}`;
  const ports = r?.ports === undefined ? 'on every port' : `on ${canonical(r.ports)}`;
  return `${who} ${ports}`;
}

/**
 * In pinned-ports mode the rendered `rayStartParams` must still pin what the policy opens.
 * `clusterSpec` is the cluster's spec, at `specPath` in the document (`spec`, `spec.rayClusterSpec`).
 */
export function checkPinnedPorts(clusterSpec: JsonObject, plan: PinnedPortPlan, specPath = 'spec'): Violation[] {
  const spec = clusterSpec;
  const groups = [
    { path: `${specPath}.headGroupSpec`, group: asObject(spec.headGroupSpec), head: true },
    ...Array.from(asArray(spec.workerGroupSpecs), (g, i) => ({ path: `${specPath}.workerGroupSpecs[${i}]`, group: asObject(g), head: false })),
  ];
  const out: Violation[] = [];
  for (const { path, group, head } of groups) {
    const params = asObject(group?.rayStartParams) ?? {};
    for (const [k, v] of Object.entries(pinnedStartParams(plan, head))) {
      if (params[k] !== v) {
        out.push({
          rule: RULE,
          path: `${path}.rayStartParams["${k}"]`,
          value: params[k] as JsonValue | undefined,
          bound: v,
          message: 'pinned-ports mode opens only the pinned ports; this parameter no longer matches, so the NetworkPolicy would block Ray',
          fix: 'remove the patch, or change the port through network.pinnedPorts',
        });
      }
    }
  }
  return out;
}

/**
 * The labels the workload's NetworkPolicies select by, on the pods KubeRay will build from each
 * template: the template's labels merged with the group's own `labels`, which win (KubeRay's
 * `mergeLabels`). Each expected label must be there with its value, and no other `secure-ray.io/*`
 * label may be (a pod carrying one would join the policies of the workload it names). A violation
 * points at the field that set the value: the group's `labels` when it does, else the template's.
 */
export function checkTemplateLabels(templates: readonly PodLabelSource[], labels: Readonly<Record<string, string>>): Violation[] {
  const out: Violation[] = [];
  for (const { path, template, groupLabels, groupLabelsPath } of templates) {
    const fromTemplate = asObject(asObject(asObject(template)?.metadata)?.labels) ?? {};
    const fromGroup = asObject(groupLabels) ?? {};
    const actual: Record<string, JsonValue | undefined> = { ...fromTemplate, ...fromGroup };
    const where = (k: string) => (groupLabelsPath !== undefined && k in fromGroup ? `${groupLabelsPath}["${k}"]` : `${path}.metadata.labels["${k}"]`);
    for (const [k, v] of Object.entries(labels)) {
      if (actual[k] === v) continue;
      out.push({
        rule: RULE,
        path: where(k),
        value: actual[k],
        bound: v,
        message: 'the label the workload\'s NetworkPolicies select these pods by was changed or removed: the pods would be outside their policies',
        fix: 'remove the patch that changed the pods\' labels',
      });
    }
    for (const k of Object.keys(actual)) {
      if (!k.startsWith(LIBRARY_LABEL_PREFIX) || k in labels) continue;
      out.push({
        rule: RULE,
        path: where(k),
        value: actual[k],
        bound: 'absent',
        message: `a ${LIBRARY_LABEL_PREFIX}* label the library did not set: these pods would join the NetworkPolicies of the workload it names`,
        fix: 'remove the label',
      });
    }
  }
  return out;
}

/** Where a pod's labels come from: its template and, for a Ray group, the group's `labels` (which win). */
export interface PodLabelSource {
  /** The template's path, e.g. `spec.workerGroupSpecs[0].template`. */
  readonly path: string;
  /** The pod template. */
  readonly template: JsonValue | undefined;
  /** The group's `labels`, merged over the template's by KubeRay. */
  readonly groupLabels?: JsonValue;
  /** Their path, e.g. `spec.workerGroupSpecs[0].labels`. */
  readonly groupLabelsPath?: string;
}

/** The head and worker groups of a cluster spec: their templates and own labels, with their paths. */
export function clusterTemplates(cluster: JsonObject, specPath: string): PodLabelSource[] {
  const group = (g: JsonValue | undefined, path: string): PodLabelSource => {
    const o = asObject(g);
    return { path: `${path}.template`, template: o?.template, groupLabels: o?.labels, groupLabelsPath: `${path}.labels` };
  };
  const workers = Array.isArray(cluster.workerGroupSpecs) ? cluster.workerGroupSpecs : [];
  return [group(cluster.headGroupSpec, `${specPath}.headGroupSpec`), ...workers.map((w, i) => group(w, `${specPath}.workerGroupSpecs[${i}]`))];
}

/**
 * A workload's `metadata.name` as rendered must be the one it was built with: its NetworkPolicies
 * are named after it (and a RayCluster's select its pods by it, through `ray.io/cluster`), and the
 * app-level check that no two workloads share a name judged that name.
 */
export function checkRenderedName(json: JsonObject, expected: string, kind: string, why: string): Violation[] {
  const name = asObject(json.metadata)?.name;
  if (name === expected) return [];
  return [{
    rule: RULE,
    path: 'metadata.name',
    value: name,
    bound: expected,
    message: `the ${kind}'s name was changed after construction: ${why}`,
    fix: 'set the name with the name prop, not a patch',
  }];
}
