/**
 * Kubernetes NetworkPolicy semantics (`networking.k8s.io/v1`), as a pure function: may this peer
 * reach that peer on this port? No cdk8s, no IO; policies are plain JSON as written in manifests.
 *
 * Semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/), in the
 * modules this one composes:
 * - `policies.ts`: which objects are Kubernetes NetworkPolicies the API server would hold (only
 *   `networking.k8s.io/v1`; invalid ones and earlier duplicates are dropped), and `policyTypes`
 *   (when absent: `Ingress` always, `Egress` when the policy has at least one egress rule).
 * - `judge.ts`: selection, rules, peers, ports (numbers, `endPort`, names resolved on the
 *   destination pod), the union of policies, both sides of a connection, external peers, and
 *   `hostNetwork` pods (never reported as isolated: Kubernetes leaves them undefined).
 * - `shapes.ts`: which peers every policy treats alike (the matrix is computed per pair of shapes).
 *
 * Not modelled: Services (policies see pod addresses after translation), the node's own traffic to
 * its pods (kubelet probes; a pod cannot block its node), where pods are scheduled, and CNI quirks
 * (e.g. Cilium ignores ipBlocks for in-cluster addresses; a plugin without `endPort` support
 * applies only `port`).
 *
 * @module
 */
import { connectionVerdict } from './judge';
import { compilePolicies } from './policies';
import { compileSelector } from './selector';
import { shapesOf } from './shapes';
import { NamespaceInfo, NetworkPolicyJson, Peer, PodPeer, Protocol, Verdict } from './types';
import { isObject } from '../kubernetes/json';

/** True when the policy selects the pod (same namespace, `spec.podSelector` matches; absent = all). */
export function selectsPod(p: NetworkPolicyJson, pod: PodPeer): boolean {
  const md = isObject(p.metadata) ? p.metadata : {};
  const ns = typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : 'default';
  if (ns !== pod.namespace) return false;
  const spec = isObject(p.spec) ? p.spec : {};
  const sel = spec.podSelector;
  return sel === undefined || sel === null ? true : isObject(sel) && compileSelector(sel).matches(pod.labels);
}

/**
 * May `from` open a connection to `to` on `port`/`protocol`? Judges the source's egress and the
 * destination's ingress under `policies` (every NetworkPolicy of the cluster). Objects whose
 * `kind` is set and is not `NetworkPolicy`, or whose `apiVersion` is set and is not
 * `networking.k8s.io/v1`, are ignored; so are policies the API server would refuse, and every
 * policy but the last of each namespace/name.
 */
export function evaluate(
  policies: readonly NetworkPolicyJson[],
  namespaces: readonly NamespaceInfo[],
  from: Peer,
  to: Peer,
  port: number,
  protocol: Protocol | string = 'TCP',
): Verdict {
  const set = compilePolicies(policies);
  const shapes = shapesOf(set, namespaces, [from, to]);
  return connectionVerdict(set, shapes.facts[shapes.shapeOf[0]], shapes.facts[shapes.shapeOf[1]], port, protocol.toUpperCase());
}
