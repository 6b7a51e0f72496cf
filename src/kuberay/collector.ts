/**
 * The history-server collector sidecar (`spec.historyServerOptions.collectorOptions`, gate
 * RayClusterHistoryServer): mirrors `BuildCollectorContainer` (common/pod.go).
 *
 * @module
 */
import { setContainerTokenAuthEnvVars } from './auth';
import { ClusterFacts } from './cluster-facts';
import { INJECTED_CONTAINERS, INJECTED_RESOURCES } from './constants';
import { addContainer, PodBuild, resourcesJson } from './pod-build';
import { cloneJson, isMap, JsonMap } from '../kubernetes/json';

/**
 * The container: image, pull policy (default IfNotPresent), resources (default requests 50m/64Mi,
 * limits 200m/256Mi) and env from the collector options. It never has a container
 * securityContext: the CRD has no field for one. KubeRay's own env vars (pod IP, role, events
 * port…) are not modelled; the user's `env` and the auth env are.
 */
export function buildCollectorContainer(facts: ClusterFacts, collector: JsonMap): JsonMap {
  const container: JsonMap = {
    name: INJECTED_CONTAINERS.historyCollector,
    imagePullPolicy: typeof collector.imagePullPolicy === 'string' ? collector.imagePullPolicy : 'IfNotPresent',
    resources: isMap(collector.resources) ? cloneJson(collector.resources) : resourcesJson(INJECTED_RESOURCES.historyCollector),
  };
  if (typeof collector.image === 'string') container.image = collector.image;
  if (Array.isArray(collector.env) && collector.env.length > 0) container.env = cloneJson(collector.env);
  if (facts.auth) setContainerTokenAuthEnvVars(container, facts);
  return container;
}

/** Appends the collector to every Ray pod of a cluster that configures it. */
export function injectCollector(build: PodBuild): void {
  const options = build.facts.collector;
  if (!options) return;
  const collector = buildCollectorContainer(build.facts, options);
  build.collector = collector;
  addContainer(build, collector, 'spec.historyServerOptions.collectorOptions', {
    list: 'containers',
    name: INJECTED_CONTAINERS.historyCollector,
    reason: 'KubeRay injects the ray-history-collector sidecar into every Ray pod because '
      + 'spec.historyServerOptions.collectorOptions is set; it has no securityContext field, so only the pod-level '
      + 'securityContext applies to it',
    settingsFrom: `${build.specPath}.securityContext`,
  });
}
