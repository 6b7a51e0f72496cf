/**
 * The autoscaler sidecar of the head pod (`spec.enableInTreeAutoscaling: true`): mirrors the
 * autoscaler part of `DefaultHeadPodTemplate`, `BuildAutoscalerContainer` and
 * `mergeAutoscalerOverrides` (common/pod.go).
 *
 * @module
 */
import { setContainerTokenAuthEnvVars } from './auth';
import { ClusterFacts } from './cluster-facts';
import { INJECTED_CONTAINERS, INJECTED_RESOURCES } from './constants';
import { checkName } from './naming';
import { addContainer, arrayAt, PodBuild, resourcesJson } from './pod-build';
import { setContainerTLSConfig } from './tls';
import { asString, cloneJson, isMap, JsonMap, JsonValue } from '../kubernetes/json';

/**
 * Mirrors `BuildAutoscalerContainer` then `mergeAutoscalerOverrides`. The image defaults to the
 * Ray container's; resources default to 500m/512Mi requests and limits; the securityContext comes
 * only from `spec.autoscalerOptions.securityContext` (none otherwise). Auth and TLS settings are
 * applied before the user's overrides, as upstream does.
 */
export function buildAutoscalerContainer(facts: ClusterFacts, rayImage: JsonValue | undefined): JsonMap {
  const startCmd = 'ray kuberay-autoscaler --cluster-name $(RAY_CLUSTER_NAME) --cluster-namespace $(RAY_CLUSTER_NAMESPACE)';
  const container: JsonMap = {
    name: INJECTED_CONTAINERS.autoscaler,
    imagePullPolicy: 'IfNotPresent',
    env: [
      { name: 'RAY_CLUSTER_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['ray.io/cluster']" } } },
      { name: 'RAY_CLUSTER_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'RAY_HEAD_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'KUBERAY_CRD_VER', value: 'v1' },
      { name: 'KUBERAY_GEN_AUTOSCALER_START_CMD', value: startCmd },
    ],
    resources: resourcesJson(INJECTED_RESOURCES.autoscaler),
  };
  if (rayImage !== undefined) container.image = cloneJson(rayImage);
  if (facts.auth) setContainerTokenAuthEnvVars(container, facts);
  if (facts.tls) setContainerTLSConfig(container);
  mergeAutoscalerOverrides(container, facts.spec.autoscalerOptions);
  return container;
}

/** Mirrors `mergeAutoscalerOverrides`: `spec.autoscalerOptions` over the built container. */
function mergeAutoscalerOverrides(container: JsonMap, options: unknown): void {
  if (!isMap(options)) return;
  if (isMap(options.resources)) container.resources = cloneJson(options.resources);
  if (typeof options.image === 'string') container.image = options.image;
  if (typeof options.imagePullPolicy === 'string') container.imagePullPolicy = options.imagePullPolicy;
  for (const list of ['env', 'envFrom', 'volumeMounts'] as const) {
    const given = options[list];
    if (Array.isArray(given) && given.length > 0) arrayAt(container, list).push(...(cloneJson(given) as JsonValue[]));
  }
  if (isMap(options.securityContext)) container.securityContext = cloneJson(options.securityContext);
  if (Array.isArray(options.command) && options.command.length > 0) container.command = cloneJson(options.command);
  if (Array.isArray(options.args) && options.args.length > 0) container.args = cloneJson(options.args);
}

/**
 * The autoscaler part of `DefaultHeadPodTemplate`: the head pod's service account (the template's,
 * else one named after the cluster, which KubeRay creates with its Role) and the sidecar; with
 * autoscaler v2, `restartPolicy: Never` on every Ray pod.
 */
export function injectAutoscaler(build: PodBuild): void {
  const facts = build.facts;
  if (!facts.autoscaling) return;
  if (build.nodeType === 'head') {
    const sa = asString(build.spec.serviceAccountName);
    build.spec.serviceAccountName = checkName(sa ? sa : facts.name);
    const autoscaler = buildAutoscalerContainer(facts, build.ray?.image);
    build.autoscaler = autoscaler;
    addContainer(build, autoscaler, 'spec.autoscalerOptions', {
      list: 'containers',
      name: INJECTED_CONTAINERS.autoscaler,
      reason: 'KubeRay injects the autoscaler sidecar into the head pod because spec.enableInTreeAutoscaling is true; '
        + 'its securityContext comes only from spec.autoscalerOptions.securityContext',
      settingsFrom: 'spec.autoscalerOptions.securityContext',
    });
  }
  if (facts.autoscalerV2) build.spec.restartPolicy = 'Never';
}
