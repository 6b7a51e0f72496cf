/**
 * The pods KubeRay builds from a Ray object, in CEL over the object of an admission request: the
 * CEL twin of `policy/workload.ts` (which spec holds the cluster, which pods KubeRay adds beside
 * it) and of `kuberay/pods.ts` (the containers KubeRay injects), as far as CEL reaches.
 *
 * Each pod is a map `{name, spec, tenant, containers}`: `spec` is the pod template's spec as the
 * user wrote it (KubeRay keeps its pod-level fields), `tenant` the `tenant` label the pod will
 * carry (a group's `labels` merged over the template's, as KubeRay's `mergeLabels` does), and
 * `containers` every container and init container that will run, the injected ones included:
 *
 * - the autoscaler sidecar of the head (`enableInTreeAutoscaling: true`): resources from
 *   `autoscalerOptions.resources`, else KubeRay's default 500m/512Mi; securityContext and env only
 *   from `autoscalerOptions`;
 * - `wait-gcs-ready` in every worker pod: fixed 200m/256Mi, the Ray container's securityContext
 *   and env (an `NVIDIA_VISIBLE_DEVICES` of the Ray container is copied into a container without
 *   GPUs);
 * - `wait-for-tls-ip-san` in every pod with `tlsOptions.enabled`: fixed 50m/64Mi, the Ray
 *   container's securityContext.
 *
 * The injected containers KubeRay fixes carry `injected: true`, a key no container of a manifest
 * can have (the CRD's structural schema prunes unknown fields), so only their limits are held to
 * the tenant's maximum. A RayJob's (or a RayCronJob's job template's) K8sJobMode submitter pod,
 * when `submitterPodTemplate` is given, is one more pod (`submitter`), judged as written.
 *
 * Assumed, not read (outside CEL): the operator's `ENABLE_INIT_CONTAINER_INJECTION` is on (its
 * default) and the feature gates are at their defaults; the history-server collector is refused
 * outright elsewhere (its container has no securityContext field).
 *
 * @module
 */
import { FixedResources, INJECTED_CONTAINERS, INJECTED_RESOURCES } from '../../kuberay/constants';
import { TENANT_LABEL } from '../tenant-definition';
import { celString } from './expr';
import { CelNamedExpression, CelResourceRule } from './rule-set';

/** The Ray kinds, created or changed. */
export const RAY_RESOURCES: CelResourceRule = {
  apiGroups: ['ray.io'],
  apiVersions: ['v1'],
  resources: ['rayclusters', 'rayjobs', 'rayservices', 'raycronjobs'],
  operations: ['CREATE', 'UPDATE'],
};

/** The name KubeRay gives the head group (`ray.io/group` of the head pod), and the name of the submitter pod here. */
export const POD_NAMES = { head: 'headgroup', submitter: 'submitter' } as const;

/**
 * The embedded RayCluster spec of `obj` (`object` or `oldObject`): a RayCluster's `spec`, a
 * RayService's `spec.rayClusterConfig`, a RayJob's `spec.rayClusterSpec`, a RayCronJob's
 * `spec.jobTemplate.rayClusterSpec`; `{}` when there is none (a RayJob in clusterSelector mode).
 */
export function clusterSpecOf(obj: string): string {
  return `(${obj}.kind == 'RayCluster' ? ${obj}.?spec.orValue({}) : ${obj}.kind == 'RayService' ? ${obj}.?spec.?rayClusterConfig.orValue({})`
    + ` : ${obj}.kind == 'RayJob' ? ${obj}.?spec.?rayClusterSpec.orValue({}) : ${obj}.?spec.?jobTemplate.?rayClusterSpec.orValue({}))`;
}

/** The RayJob spec of `obj`: a RayJob's `spec`, a RayCronJob's `spec.jobTemplate`; `{}` for the other kinds. */
export function jobSpecOf(obj: string): string {
  return `(${obj}.kind == 'RayJob' ? ${obj}.?spec.orValue({}) : ${obj}.kind == 'RayCronJob' ? ${obj}.?spec.?jobTemplate.orValue({}) : {})`;
}

/** The groups of a cluster spec `spec` (head first when there is one), as a list expression (parenthesized). */
export function groupsOf(spec: string): string {
  return `((${spec}.?headGroupSpec.hasValue() ? [${spec}.headGroupSpec] : []) + ${spec}.?workerGroupSpecs.orValue([]))`;
}

/** A resources map literal of requests and limits. */
function resourcesLiteral(r: FixedResources): string {
  const side = (x: { readonly cpu: string; readonly memory: string }) => `{'cpu': ${celString(x.cpu)}, 'memory': ${celString(x.memory)}}`;
  return `{'limits': ${side(r.limits)}, 'requests': ${side(r.requests)}}`;
}

/** The containers and init containers of group `g`'s template. */
function templateContainers(g: string): string {
  return `${g}.?template.?spec.?containers.orValue([]) + ${g}.?template.?spec.?initContainers.orValue([])`;
}

/** A fixed injected container that copies the Ray container's (`containers[0]`) securityContext, and its env when `env`. */
function copyingRayContainer(g: string, name: string, resources: string, env: boolean): string {
  const ray = `${g}.template.spec.containers[0]`;
  return `(size(${g}.?template.?spec.?containers.orValue([])) > 0 ? [{'name': dyn(${celString(name)}), 'injected': dyn(true), 'resources': dyn(${resources}),`
    + ` 'securityContext': dyn(${ray}.?securityContext.orValue({}))${env ? `, 'env': dyn(${ray}.?env.orValue([]))` : ''}}] : [])`;
}

/** The `tenant` label of group `g`'s pods: the group's `labels` merged over the template's. */
function tenantLabelOf(g: string): string {
  const t = celString(TENANT_LABEL);
  return `string(${g}.?labels[?${t}].orValue(${g}.?template.?metadata.?labels[?${t}].orValue('')))`;
}

/**
 * The variables that describe a Ray object's pods, in order: `clusterSpec`, `jobSpec`, `isJob`,
 * `submissionMode`, `autoscaling`, `tls`, `pods`.
 */
export function rayPodVariables(): CelNamedExpression[] {
  const tlsResources = resourcesLiteral(INJECTED_RESOURCES.tlsInit);
  const tlsInit = (g: string) => `(variables.tls ? ${copyingRayContainer(g, INJECTED_CONTAINERS.tlsInit, tlsResources, false)} : [])`;
  const waitResources = resourcesLiteral(INJECTED_RESOURCES.waitGcsReady);
  const waitGcsReady = (g: string) => copyingRayContainer(g, INJECTED_CONTAINERS.waitGcsReady, waitResources, true);
  const options = 'variables.clusterSpec.?autoscalerOptions';
  const autoscaler = `{'name': dyn(${celString(INJECTED_CONTAINERS.autoscaler)}), 'resources': dyn(${options}.?resources.orValue(${resourcesLiteral(INJECTED_RESOURCES.autoscaler)})),`
    + ` 'securityContext': dyn(${options}.?securityContext.orValue({})), 'env': dyn(${options}.?env.orValue([]))}`;
  const pod = (name: string, g: string, containers: string) => `{'name': dyn(${name}), 'spec': dyn(${g}.?template.?spec.orValue({})),`
    + ` 'tenant': dyn(${tenantLabelOf(g)}), 'containers': dyn(${containers})}`;
  const head = 'variables.clusterSpec.headGroupSpec';
  const headPod = pod(celString(POD_NAMES.head), head, `${templateContainers(head)} + ${tlsInit(head)} + (variables.autoscaling ? [${autoscaler}] : [])`);
  const workerPod = pod("string(g.?groupName.orValue(''))", 'g', `${templateContainers('g')} + ${waitGcsReady('g')} + ${tlsInit('g')}`);
  const t = 'variables.jobSpec.submitterPodTemplate';
  const submitterPod = `{'name': dyn(${celString(POD_NAMES.submitter)}), 'spec': dyn(${t}.?spec.orValue({})),`
    + ` 'tenant': dyn(string(${t}.?metadata.?labels[?${celString(TENANT_LABEL)}].orValue(''))),`
    + ` 'containers': dyn(${t}.?spec.?containers.orValue([]) + ${t}.?spec.?initContainers.orValue([]))}`;
  return [
    { name: 'clusterSpec', expression: clusterSpecOf('object') },
    { name: 'jobSpec', expression: jobSpecOf('object') },
    { name: 'isJob', expression: "object.kind in ['RayJob', 'RayCronJob']" },
    { name: 'submissionMode', expression: "string(variables.jobSpec.?submissionMode.orValue('K8sJobMode'))" },
    { name: 'autoscaling', expression: 'variables.clusterSpec.?enableInTreeAutoscaling.orValue(false) == true' },
    { name: 'tls', expression: 'variables.clusterSpec.?tlsOptions.?enabled.orValue(false) == true' },
    {
      name: 'pods',
      expression: `(variables.clusterSpec.?headGroupSpec.hasValue() ? [${headPod}] : [])`
        + ` + variables.clusterSpec.?workerGroupSpecs.orValue([]).map(g, ${workerPod})`
        + ` + (variables.isJob && variables.submissionMode == 'K8sJobMode' && variables.jobSpec.?submitterPodTemplate.hasValue() ? [${submitterPod}] : [])`,
    },
  ];
}
