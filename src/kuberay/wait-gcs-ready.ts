/**
 * The `wait-gcs-ready` init container of worker pods: mirrors `DefaultWorkerPodTemplate`
 * (common/pod.go), unless the operator runs with `ENABLE_INIT_CONTAINER_INJECTION=false`.
 *
 * @module
 */
import { INJECTED_CONTAINERS, INJECTED_RESOURCES } from './constants';
import { addInitContainer, PodBuild, resourcesJson } from './pod-build';
import { cloneJson, isMap, JsonMap } from '../kubernetes/json';

/**
 * The container: the Ray container's image, pull policy, securityContext, env and volumeMounts
 * (deep copies), and fixed resources of 200m/256Mi (requests and limits).
 */
export function buildWaitGcsReady(ray: JsonMap): JsonMap {
  const c: JsonMap = { name: INJECTED_CONTAINERS.waitGcsReady };
  if (ray.image !== undefined) c.image = cloneJson(ray.image);
  if (ray.imagePullPolicy !== undefined) c.imagePullPolicy = cloneJson(ray.imagePullPolicy);
  if (isMap(ray.securityContext)) c.securityContext = cloneJson(ray.securityContext);
  if (Array.isArray(ray.env)) c.env = cloneJson(ray.env);
  if (Array.isArray(ray.volumeMounts)) c.volumeMounts = cloneJson(ray.volumeMounts);
  c.resources = resourcesJson(INJECTED_RESOURCES.waitGcsReady);
  return c;
}

/** Appends `wait-gcs-ready` to a worker pod's init containers (when the pod has a Ray container). */
export function injectWaitGcsReady(build: PodBuild, injection: boolean): void {
  if (build.nodeType !== 'worker' || !injection || !build.ray) return;
  addInitContainer(build, buildWaitGcsReady(build.ray), build.rayPath, {
    list: 'initContainers',
    name: INJECTED_CONTAINERS.waitGcsReady,
    reason: 'KubeRay injects wait-gcs-ready into every worker pod; it copies the Ray container\'s image and securityContext',
    settingsFrom: `${build.rayPath}.securityContext`,
  }, false);
}
