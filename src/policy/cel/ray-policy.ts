/**
 * The per-tenant Ray policy: RayClusters, RayJobs, RayServices and RayCronJobs in the tenant's
 * namespace judged at `kubectl apply` by the engine's rules (`enforce-tenant-isolation`, the
 * restricted part of `pod-security`, `generate-network-policies`) as far as CEL expresses them,
 * so a bad object is refused instead of leaving KubeRay with pods that are never admitted.
 *
 * @module
 */
import { GPU_RESOURCE } from '../../kuberay/constants';
import { TENANT_LABEL, TenantDefinition, tenantNamespace } from '../tenant-definition';
import { celString } from './expr';
import { AdmissionIdentities } from './identities';
import { foreignTolerationsNamed, nodeSelectorTermsOf, noForeignTolerationExpr, noWildcardTolerationExpr, pinnedExpr, toleratesTenantExpr } from './pod-placement';
import { allowedExtendedText, boundsOf, extendedOk, noGpuTolerationExpr, nvidiaOk, requestsGpu, withinBounds } from './pod-resources';
import { exposureValidations } from './ray-exposure';
import { labelValidation, labelVariables } from './ray-labels';
import { PSS_CHECKS_OUTSIDE_CEL, restrictedPodSecurityValidations } from './ray-pod-security';
import { RAY_RESOURCES, rayPodVariables } from './ray-pods';
import { CelRuleSet, CelValidation } from './rule-set';

/** The name of a tenant's Ray policy. */
export function rayPolicyName(tenant: string): string {
  return `secure-ray-ray-${tenant}`;
}

const WHAT = "object.kind + ' ' + object.metadata.?name.orValue(object.metadata.?generateName.orValue(''))";

/**
 * What the Ray policy leaves outside CEL, in words: the README, the policy's description and the
 * differential test name the same things.
 */
export const RAY_OUTSIDE_CEL: readonly string[] = [
  `the Pod Security Standard checks ${PSS_CHECKS_OUTSIDE_CEL.join(', ')}, and every policy version but latest (Pod Security Admission enforces them on the pods)`,
  'what KubeRay refuses by itself (names too long for KubeRay, invalid submission settings, feature gates): it then creates nothing, and the engine reports it',
  'the operator\'s settings: ENABLE_INIT_CONTAINER_INJECTION off (no wait-gcs-ready), feature gates off, batch-scheduler plugins; the policy assumes the defaults',
  'Ray objects outside the tenants\' namespaces, and who may create them: RBAC',
];

/**
 * A Ray object's pods (`variables.pods`, {@link rayPodVariables}): the tenant label each pod will
 * carry, placement, tolerations, every container's bounds (KubeRay's fixed containers: limits
 * only), extended resources, `NVIDIA_VISIBLE_DEVICES` and the GPU taint. The predicates are the
 * pod policy's, applied to each pod.
 */
function tenancyValidations(def: TenantDefinition): CelValidation[] {
  const b = boundsOf(def);
  const ns = tenantNamespace(def);
  const tols = 'p.spec.?tolerations.orValue([])';
  const fixed = 'c.?injected.orValue(false) == true';
  const cpu = withinBounds('c', 'cpu', b.minCpu, b.maxCpu, fixed);
  const memory = withinBounds('c', 'memory', b.minMemory, b.maxMemory, fixed);
  const extended = extendedOk('c', b.extended);
  const nvidia = nvidiaOk('c');
  const pods = (ok: string) => `variables.pods.all(p, ${ok})`;
  const podNames = (ok: string) => `variables.pods.filter(p, !(${ok})).map(p, string(p.name)).join(', ')`;
  const containers = (ok: string) => `variables.pods.filter(p, !p.containers.all(c, ${ok}))`
    + `.map(p, p.name + ': ' + p.containers.filter(c, !(${ok})).map(c, string(c.?name.orValue(''))).join(', ')).join('; ')`;
  const taintKey = def.taintKey ?? TENANT_LABEL;
  const nodeLabel = `${def.nodeLabelKey ?? TENANT_LABEL}=${def.nodeLabelValue ?? def.name}`;
  const taint = `${taintKey}=${def.taintValue ?? def.name}${def.taintEffect ? `:${def.taintEffect}` : ''}`;
  const pinned = `(${pinnedExpr(def, 'p.spec', nodeSelectorTermsOf('p.spec'))})`;
  return [
    {
      expression: pods(`p.tenant == ${celString(def.name)}`),
      messageExpression: head(`: the pods KubeRay creates must carry the label tenant=${def.name} (a group's labels override its template's); these do not: `)
        + ` + variables.pods.filter(p, p.tenant != ${celString(def.name)}).map(p, p.name + ' (tenant=' + p.tenant + ')').join(', ')`,
      message: `the pods of Ray objects in namespace ${ns} must carry the label tenant=${def.name}`,
      reason: 'Forbidden',
    },
    {
      expression: pods(pinned),
      messageExpression: head(`: pods must run on tenant ${def.name}'s nodes only (a nodeSelector ${nodeLabel}, or a required node affinity every term of which requires it); these do not: `)
        + ` + ${podNames(pinned)}`,
      message: `the pods of Ray objects in namespace ${ns} must run on tenant ${def.name}'s nodes only: a nodeSelector ${nodeLabel}`,
      reason: 'Forbidden',
    },
    {
      expression: pods(toleratesTenantExpr(def, tols)),
      messageExpression: head(`: pods must tolerate tenant ${def.name}'s taint ${taint} (operator Equal); these do not: `) + ` + ${podNames(toleratesTenantExpr(def, tols))}`,
      message: `the pods of Ray objects in namespace ${ns} must tolerate tenant ${def.name}'s taint ${taint}`,
      reason: 'Forbidden',
    },
    {
      expression: pods(noWildcardTolerationExpr(def, tols)),
      messageExpression: head(`: a toleration with operator Exists of the key ${taintKey} or of every key tolerates every tenant's nodes; in: `)
        + ` + ${podNames(noWildcardTolerationExpr(def, tols))}`,
      message: `the pods of Ray objects in namespace ${ns} may not tolerate with operator Exists the taint key ${taintKey} or every key`,
      reason: 'Forbidden',
    },
    {
      expression: pods(noForeignTolerationExpr(def, tols)),
      messageExpression: head(': pods may not tolerate another tenant\'s taint: ')
        + ` + variables.pods.filter(p, !(${noForeignTolerationExpr(def, tols)})).map(p, p.name + ': ' + ${foreignTolerationsNamed(def, tols)}.join(', ')).join('; ')`,
      message: `the pods of Ray objects in namespace ${ns} may only tolerate ${taintKey}=${def.taintValue ?? def.name}`,
      reason: 'Forbidden',
    },
    {
      expression: pods(`p.containers.all(c, ${cpu})`),
      messageExpression: head(`: every container (KubeRay's injected ones included) needs a CPU request >= ${b.minCpu} and a limit <= ${b.maxCpu}, the request <= the limit; these do not: `)
        + ` + ${containers(cpu)}`,
      message: `every container of the pods of Ray objects in namespace ${ns} needs a CPU request >= ${b.minCpu} and a limit <= ${b.maxCpu}, the request <= the limit`,
      reason: 'Forbidden',
    },
    {
      expression: pods(`p.containers.all(c, ${memory})`),
      messageExpression: head(`: every container (KubeRay's injected ones included) needs a memory request >= ${b.minMemory} and a limit <= ${b.maxMemory}, the request <= the limit; these do not: `)
        + ` + ${containers(memory)}`,
      message: `every container of the pods of Ray objects in namespace ${ns} needs a memory request >= ${b.minMemory} and a limit <= ${b.maxMemory}, the request <= the limit`,
      reason: 'Forbidden',
    },
    {
      expression: pods(`p.containers.all(c, ${extended})`),
      messageExpression: head(`: containers may use these extended resources only: ${allowedExtendedText(b)}; these ask for more: `) + ` + ${containers(extended)}`,
      message: `containers of Ray objects in namespace ${ns} may use these extended resources only: ${allowedExtendedText(b)}`,
      reason: 'Forbidden',
    },
    {
      expression: pods(`p.containers.all(c, ${nvidia})`),
      messageExpression: head(': NVIDIA_VISIBLE_DEVICES without a nvidia.com/gpu request would show the node\'s GPUs (wait-gcs-ready copies the Ray container\'s env, not its GPUs); in: ')
        + ` + ${containers(nvidia)}`,
      message: `a container of a Ray object in namespace ${ns} sets NVIDIA_VISIBLE_DEVICES without requesting ${GPU_RESOURCE}`,
      reason: 'Forbidden',
    },
    {
      expression: pods(`p.containers.exists(c, ${requestsGpu('c')}) || ${noGpuTolerationExpr(tols)}`),
      messageExpression: head(`: pods that request no ${GPU_RESOURCE} may not tolerate the GPU taint (they would take places on GPU nodes): `)
        + ` + ${podNames(`p.containers.exists(c, ${requestsGpu('c')}) || ${noGpuTolerationExpr(tols)}`)}`,
      message: `pods of Ray objects in namespace ${ns} that request no ${GPU_RESOURCE} may not tolerate the GPU taint`,
      reason: 'Forbidden',
    },
  ];
}

/** What KubeRay adds that no field makes safe: the SidecarMode submitter, the default submitter pod, the history collector. */
function injectedValidations(ns: string): CelValidation[] {
  return [
    {
      expression: "!variables.isJob || variables.submissionMode != 'SidecarMode'",
      messageExpression: head(': submissionMode SidecarMode makes KubeRay append a ray-job-submitter container without securityContext to the head pod '
        + '(no field sets one; Pod Security Admission refuses the pod); use K8sJobMode with a submitterPodTemplate'),
      message: `RayJobs in namespace ${ns} may not use SidecarMode: KubeRay's submitter container in the head pod has no securityContext`,
      reason: 'Forbidden',
    },
    {
      expression: "!variables.isJob || variables.submissionMode != 'K8sJobMode' || variables.jobSpec.?submitterPodTemplate.hasValue()",
      messageExpression: head(': without spec.submitterPodTemplate KubeRay runs its default submitter pod, neither pinned to the tenant\'s nodes nor restricted; '
        + 'set submitterPodTemplate (it is judged like the cluster\'s pods), or use HTTPMode'),
      message: `RayJobs in namespace ${ns} in K8sJobMode need a submitterPodTemplate: KubeRay's default submitter pod is neither pinned nor restricted`,
      reason: 'Forbidden',
    },
    {
      expression: '!variables.clusterSpec.?historyServerOptions.?collectorOptions.hasValue()',
      messageExpression: head(': historyServerOptions.collectorOptions makes KubeRay inject the ray-history-collector sidecar into every pod; '
        + 'it has no securityContext field, so the restricted Pod Security Standard refuses the pods'),
      message: `Ray objects in namespace ${ns} may not set historyServerOptions.collectorOptions: its sidecar has no securityContext`,
      reason: 'Forbidden',
    },
  ];
}

function head(text: string): string {
  return `${WHAT} + ${celString(text)}`;
}

/**
 * Ray objects created or changed in the tenant's namespace (a RayCluster, the embedded cluster of
 * a RayJob, RayService or RayCronJob, a RayJob's submitter):
 *
 * - the object carries `tenant: <tenant>` (objects the KubeRay operator creates — a RayCronJob's
 *   RayJob, its RayCluster — may carry none: KubeRay gives them only its own labels) and a name of
 *   at most 63 characters (the value of `ray.io/cluster`);
 * - every pod KubeRay will create — head, one per worker group, the K8sJobMode submitter from
 *   `submitterPodTemplate` — with the containers it injects: the tenant label as KubeRay merges it,
 *   pinning, tolerations, bounds, extended resources, `NVIDIA_VISIBLE_DEVICES`, the GPU taint, and
 *   the restricted Pod Security Standard ({@link restrictedPodSecurityValidations});
 * - no SidecarMode, no K8sJobMode without `submitterPodTemplate`, no history collector;
 * - no exposure unless the tenant may ({@link exposureValidations});
 * - `secure-ray.io/*` labels (and `ray.io/*` on a submitter template) only from the platform and
 *   the KubeRay operator ({@link labelValidation}).
 *
 * An UPDATE is judged when the labels or the spec change, except a RayCluster change of its worker
 * groups' replica counts or scale strategy only (the autoscaler's): a cluster admitted before its
 * tenant's bounds were tightened still scales down.
 */
export function rayWorkloadRuleSet(def: TenantDefinition, identities: AdmissionIdentities): CelRuleSet {
  const ns = tenantNamespace(def);
  const tenant = celString(def.name);
  const workers = (obj: string) => `${obj}.?spec.?workerGroupSpecs.orValue([]).map(g, [g.?template.orValue({}), g.?labels.orValue({})])`;
  const judged = 'oldObject == null || object.metadata.?labels.orValue({}) != oldObject.metadata.?labels.orValue({})'
    + " || (object.kind != 'RayCluster' ? object.?spec.orValue({}) != oldObject.?spec.orValue({})"
    + ` : (${workers('object')} != ${workers('oldObject')}`
    + " || object.?spec.orValue({}).exists(k, k != 'workerGroupSpecs' && !(k in oldObject.?spec.orValue({}) && oldObject.spec[k] == object.spec[k]))"
    + " || oldObject.?spec.orValue({}).exists(k, k != 'workerGroupSpecs' && !(k in object.?spec.orValue({})))))";
  return {
    name: rayPolicyName(def.name),
    title: `Ray objects of tenant ${def.name}`,
    description: `RayClusters, RayJobs, RayServices and RayCronJobs in namespace ${ns}, judged when applied as the engine judges them: the tenant label, `
      + 'and on every pod KubeRay will create (head, worker groups, the K8sJobMode submitter, the containers KubeRay injects) the tenant label, '
      + 'placement, tolerations, CPU/memory/extended-resource bounds, NVIDIA_VISIBLE_DEVICES and the restricted Pod Security Standard; '
      + 'no SidecarMode, no default submitter, no history collector'
      + (def.allowExposure === true ? '' : ', no exposure (head Service, Ingress, serveService, incremental-upgrade Gateway)')
      + '; secure-ray.io/ labels only from the platform and the KubeRay operator. '
      + `Outside CEL: ${RAY_OUTSIDE_CEL.join('; ')}. Generated by cdk8s-secure-ray.`,
    resourceRules: [RAY_RESOURCES],
    namespaces: [ns],
    matchConditions: [{ name: 'created-or-judged-fields-changed', expression: judged }],
    variables: [
      ...rayPodVariables(),
      ...labelVariables(identities),
      { name: 'byOperator', expression: `request.userInfo.username == ${celString(identities.kubeRayOperator)}` },
    ],
    validations: [
      {
        expression: `object.metadata.?labels[?${celString(TENANT_LABEL)}].orValue(variables.byOperator ? ${tenant} : '') == ${tenant}`,
        messageExpression: `${WHAT} + ${celString(` in namespace ${ns} must carry the label tenant=${def.name}`)}`
          + ` + (object.metadata.?labels[?${celString(TENANT_LABEL)}].hasValue() ? ', not tenant=' + string(object.metadata.labels[${celString(TENANT_LABEL)}]) : '')`,
        message: `Ray objects in namespace ${ns} must carry the label tenant=${def.name}`,
        reason: 'Forbidden',
      },
      {
        expression: "size(object.metadata.?name.orValue('')) <= 63",
        messageExpression: `${WHAT} + ': the name is longer than 63 characters, so it cannot be the value of the ray.io/cluster label NetworkPolicies select the pods by'`,
        message: 'the name of a Ray object is at most 63 characters (the value of the ray.io/cluster label)',
        reason: 'Forbidden',
      },
      ...tenancyValidations(def),
      ...restrictedPodSecurityValidations(),
      ...injectedValidations(ns),
      ...(def.allowExposure === true ? [] : exposureValidations(def.name, ns)),
      labelValidation(ns),
    ],
    readsRequest: true,
  };
}
