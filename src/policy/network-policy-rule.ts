/**
 * `generate-network-policies` on what a construct rendered: the NetworkPolicies of a cluster and,
 * in pinned-ports mode, the `rayStartParams` the policy's ports depend on. Pure: the constructs
 * call these at synth on their (possibly patched) output.
 *
 * @module
 */
import { PinnedPortPlan, pinnedStartParams } from './pinned-ports';
import { Violation } from './types';
import { RAY_LABELS } from '../kuberay/constants';
import { asArray, asObject, childPath, JsonObject, JsonValue } from '../kubernetes/json';

const RULE = 'generate-network-policies' as const;

/**
 * A cluster's isolation NetworkPolicy as rendered must still select the cluster's pods
 * (`ray.io/cluster=<name>`), isolate both directions and live in the cluster's namespace.
 */
export function checkClusterNetworkPolicy(cluster: JsonObject, policy: JsonObject): Violation[] {
  const spec = asObject(policy.spec) ?? {};
  const clusterMeta = asObject(cluster.metadata) ?? {};
  const policyMeta = asObject(policy.metadata) ?? {};
  const where = (path: string) => `NetworkPolicy ${String(policyMeta.name)}: ${path}`;
  const out: Violation[] = [];
  const selected = asObject(asObject(spec.podSelector)?.matchLabels)?.[RAY_LABELS.cluster];
  if (selected !== clusterMeta.name) {
    out.push({
      rule: RULE,
      path: where(childPath('spec.podSelector.matchLabels', RAY_LABELS.cluster)),
      value: selected,
      bound: String(clusterMeta.name),
      message: 'the NetworkPolicy does not select the cluster\'s pods',
      fix: 'remove the patch that changed the policy\'s podSelector',
    });
  }
  const types = asArray(spec.policyTypes);
  if (!types.includes('Ingress') || !types.includes('Egress')) {
    out.push({
      rule: RULE,
      path: where('spec.policyTypes'),
      value: spec.policyTypes,
      bound: '[Ingress, Egress]',
      message: 'the NetworkPolicy must isolate both ingress and egress',
      fix: 'set spec.policyTypes: [Ingress, Egress]',
    });
  }
  if (policyMeta.namespace !== clusterMeta.namespace) {
    out.push({
      rule: RULE,
      path: where('metadata.namespace'),
      value: policyMeta.namespace,
      bound: String(clusterMeta.namespace),
      message: 'the NetworkPolicy is not in the RayCluster\'s namespace',
      fix: 'keep the policy in the cluster\'s namespace',
    });
  }
  return out;
}

/** In pinned-ports mode the rendered `rayStartParams` must still pin what the policy opens. */
export function checkPinnedPorts(cluster: JsonObject, plan: PinnedPortPlan): Violation[] {
  const spec = asObject(cluster.spec) ?? {};
  const groups = [
    { path: 'spec.headGroupSpec', group: asObject(spec.headGroupSpec), head: true },
    ...Array.from(asArray(spec.workerGroupSpecs), (g, i) => ({ path: `spec.workerGroupSpecs[${i}]`, group: asObject(g), head: false })),
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
