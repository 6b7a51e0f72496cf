/**
 * The labels NetworkPolicies select pods by, on Ray objects, in CEL. The KubeRay operator creates
 * a Ray object's pods (and, for a RayJob, the submitter Job whose pods the Job controller
 * creates), and the pod-label policy trusts those identities: so the labels must be guarded where
 * they are written, on the Ray object.
 *
 * - `secure-ray.io/*` (the library's labels: `secure-ray.io/workload` on a workload's pod
 *   templates, `secure-ray.io/submitter` on its submitter template, `secure-ray.io/managed-by` on
 *   its RayClusters) on the object, its groups' templates and `labels`, and its submitter
 *   template: only from the platform (which applies the library's manifests) and the KubeRay
 *   operator (which creates RayClusters from RayJobs and RayServices, RayJobs from RayCronJobs,
 *   copying what was guarded here).
 * - `ray.io/*` on a submitter template, by the same identities: KubeRay copies that template's
 *   labels to the submitter pods unchanged (it overrides `ray.io/cluster`, `ray.io/node-type` and
 *   `ray.io/group` on the cluster's own pods, not there), so a submitter labelled
 *   `ray.io/cluster: <another cluster>` would join that cluster's policies. On the cluster's
 *   templates `ray.io/*` stays the tenant's: KubeRay overrides the three labels policies select by,
 *   and Ray's node labels (`ray.io/market-type`, `ray.io/accelerator-type`…) are the tenant's to set.
 *
 * On UPDATE only a change counts: an object whose guarded labels are unchanged is never refused
 * for them (the autoscaler's replica updates, Kueue's unsuspension, a tenant's edit of another
 * field).
 *
 * @module
 */
import { LIBRARY_LABEL_PREFIX } from '../library-labels';
import { celString, celStringList } from './expr';
import { AdmissionIdentities } from './identities';
import { RAY_LABEL_PREFIX } from './pod-labels';
import { clusterSpecOf, groupsOf, jobSpecOf } from './ray-pods';
import { CelNamedExpression, CelValidation } from './rule-set';

/** The labels of `map` (a map expression) with one of the prefixes, as `key=value` strings. */
function guarded(map: string, prefixes: readonly string[]): string {
  const matches = prefixes.map((p) => `k.startsWith(${celString(p)})`).join(' || ');
  return `${map}.filter(k, ${matches}).map(k, k + '=' + string(${map}[k]))`;
}

/**
 * The guarded labels of a Ray object, as a list of lists of `key=value` (its own labels, its
 * submitter template's, then each group's template labels, then each group's `labels`), from its
 * cluster spec and job spec expressions.
 */
function guardedLabels(metadataLabels: string, clusterSpec: string, jobSpec: string): string {
  const lib = [LIBRARY_LABEL_PREFIX];
  const groups = groupsOf(clusterSpec);
  return `[${guarded(metadataLabels, lib)}, ${guarded(`${jobSpec}.?submitterPodTemplate.?metadata.?labels.orValue({})`, [RAY_LABEL_PREFIX, LIBRARY_LABEL_PREFIX])}]`
    + ` + ${groups}.map(g, ${guarded('g.?template.?metadata.?labels.orValue({})', lib)})`
    + ` + ${groups}.map(g, ${guarded('g.?labels.orValue({})', lib)})`;
}

/** The identities that may write guarded labels on Ray objects: the KubeRay operator and the platform. */
export function trustedWriterExpr(identities: AdmissionIdentities): string {
  const users = [identities.kubeRayOperator, ...identities.platformUsers];
  return `request.userInfo.username in ${celStringList(users)}`
    + (identities.platformGroups.length > 0 ? ` || request.userInfo.?groups.orValue([]).exists(g, g in ${celStringList(identities.platformGroups)})` : '');
}

/** The variables: `guardedLabels`, `oldGuardedLabels`, `trustedWriter` (needs `clusterSpec` and `jobSpec`). */
export function labelVariables(identities: AdmissionIdentities): CelNamedExpression[] {
  return [
    { name: 'guardedLabels', expression: guardedLabels('object.metadata.?labels.orValue({})', 'variables.clusterSpec', 'variables.jobSpec') },
    {
      name: 'oldGuardedLabels',
      expression: `oldObject == null ? [] : ${guardedLabels('oldObject.metadata.?labels.orValue({})', clusterSpecOf('oldObject'), jobSpecOf('oldObject'))}`,
    },
    { name: 'trustedWriter', expression: trustedWriterExpr(identities) },
  ];
}

/** The validation: guarded labels set, changed or removed only by the trusted identities. */
export function labelValidation(namespace: string): CelValidation {
  const list = (v: string) => `${v}.map(l, l.join(', ')).filter(s, s != '').join(', ')`;
  return {
    expression: 'variables.trustedWriter || (oldObject == null ? variables.guardedLabels.all(l, size(l) == 0) : variables.guardedLabels == variables.oldGuardedLabels)',
    messageExpression: `request.userInfo.username + ' may not set, change or remove the labels ' + ${list('variables.guardedLabels')}`
      + ` + (oldObject == null ? '' : ' (before: ' + ${list('variables.oldGuardedLabels')} + ')')`
      + ' + \' of \' + object.kind + \' \' + object.metadata.?name.orValue(object.metadata.?generateName.orValue(\'\'))'
      + ` + ${celString(`: only the platform and the KubeRay operator write ${LIBRARY_LABEL_PREFIX} labels on Ray objects and their pod templates, `
        + `and ${RAY_LABEL_PREFIX} labels on a submitter template (NetworkPolicies select pods by them)`)}`,
    message: `in namespace ${namespace}, only the platform and the KubeRay operator set, change or remove ${LIBRARY_LABEL_PREFIX} labels on Ray objects `
      + `and their pod templates, and ${RAY_LABEL_PREFIX} labels on a submitter template`,
    reason: 'Forbidden',
  };
}
