/**
 * KubeRay's name and label helpers (`ray-operator/controllers/ray/utils/util.go`) and the base
 * labels of `labelPod` (`common/pod.go`).
 *
 * @module
 */
import { KUBERAY_APPLICATION_NAME, KUBERAY_COMPONENT_NAME, RAY_LABELS, PROTECTED_RAY_LABELS } from './constants';

/** The two kinds of Ray node. */
export type RayNodeType = 'head' | 'worker';

const STARTS_WITH_PUNCT = /^\p{P}/u;

/** Mirrors `utils.CheckName`: keep the last 50 chars; a leading digit or punctuation becomes `r`. */
export function checkName(s: string): string {
  let out = s.length > 50 ? s.slice(s.length - 50) : s;
  if (out.length === 0) return out;
  if (/^[0-9]/.test(out)) out = 'r' + out.slice(1);
  if (STARTS_WITH_PUNCT.test(out)) out = 'r' + out.slice(1);
  return out;
}

/** Mirrors `utils.CheckLabel`: keep the last 63 chars; a leading punctuation becomes `r`. */
export function checkLabel(s: string): string {
  let out = s.length > 63 ? s.slice(s.length - 63) : s;
  if (out.length > 0 && STARTS_WITH_PUNCT.test(out)) out = 'r' + out.slice(1);
  return out;
}

/** Mirrors `utils.PodGenerateName`: the first 50 chars of the prefix, then `-head-`/`-worker-`, lower case. */
export function podGenerateName(prefix: string, nodeType: RayNodeType): string {
  return `${prefix.slice(0, 50)}-${nodeType}-`.toLowerCase();
}

/**
 * The RayCluster's pod-level labels KubeRay sets (for NetworkPolicy selection). Mirrors the base
 * map of `labelPod` in pod.go.
 *
 * Only `ray.io/cluster`, `ray.io/node-type` and `ray.io/group` are guaranteed: `labelPod` lets the
 * pod template (and the group's `labels`) override the others (`OVERRIDABLE_RAY_LABELS`), so a
 * selector must not rely on `ray.io/is-ray-node`, `ray.io/identifier` or `app.kubernetes.io/*`
 * to isolate tenants.
 */
export function rayPodLabels(clusterName: string, nodeType: RayNodeType, group: string): Record<string, string> {
  return {
    [RAY_LABELS.isRayNode]: 'yes',
    [RAY_LABELS.cluster]: clusterName,
    [RAY_LABELS.nodeType]: nodeType,
    [RAY_LABELS.group]: group,
    [RAY_LABELS.identifier]: checkLabel(`${clusterName}-${nodeType}`),
    [RAY_LABELS.appName]: KUBERAY_APPLICATION_NAME,
    [RAY_LABELS.createdBy]: KUBERAY_COMPONENT_NAME,
  };
}

/**
 * Mirrors `labelPod` (pod.go) after `mergeLabels`: the user's labels (the template's, then the
 * group's top-level `labels`, which win) override KubeRay's base labels except the protected keys.
 */
export function labelPod(clusterName: string, nodeType: RayNodeType, group: string, userLabels: Record<string, string>): Record<string, string> {
  const labels = rayPodLabels(clusterName, nodeType, group);
  for (const [k, v] of Object.entries(userLabels)) {
    if (PROTECTED_RAY_LABELS.includes(k)) continue;
    labels[k] = v;
  }
  return labels;
}
