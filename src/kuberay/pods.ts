/**
 * A pure model of the Pods the KubeRay operator builds from a RayCluster.
 *
 * Security rules must judge what really runs: the Pods KubeRay creates, including the containers
 * and volumes it injects, not only the templates the user wrote. {@link buildRayPods} mirrors, for
 * the fields that matter to security and isolation, what KubeRay **v1.7.0** does in
 * `ray-operator/controllers/ray/common/pod.go` (`DefaultHeadPodTemplate`,
 * `DefaultWorkerPodTemplate`, `BuildPod`), `raycluster_controller.go` (`buildHeadPod`,
 * `buildWorkerPod`) and `utils/util.go`. Each step of {@link buildPod} is one upstream function,
 * in its own module of this folder:
 *
 * | step | upstream | module |
 * |---|---|---|
 * | the template, deep-copied | `DefaultHeadPodTemplate` / `DefaultWorkerPodTemplate` | `pod-build.ts` |
 * | `wait-gcs-ready` | `DefaultWorkerPodTemplate` | `wait-gcs-ready.ts` |
 * | labels and annotations | `mergeLabels`, `labelPod`, `initTemplateAnnotations`, `configureGCSFaultTolerance` | here |
 * | the autoscaler sidecar and its service account | `DefaultHeadPodTemplate`, `BuildAutoscalerContainer`, `mergeAutoscalerOverrides` | `autoscaler.ts` |
 * | the `metrics` port | `BuildPod` | `volumes.ts` |
 * | token auth | `configureTokenAuth`, `SetContainerTokenAuthEnvVars` | `auth.ts` |
 * | mTLS | `configureTLS`, `SetContainerTLSConfig` | `tls.ts` |
 * | the history collector | `BuildCollectorContainer` | `collector.ts` |
 * | `/dev/shm` and `/tmp/ray` | `BuildPod`, `addEmptyDir` | `volumes.ts` |
 * | replica counts | `GetWorkerGroupDesiredReplicas` | `replicas.ts` |
 *
 * Modelled: labels, annotations KubeRay sets, namespace, `serviceAccountName`, container order,
 * injected containers (`wait-gcs-ready`, `autoscaler`, `ray-history-collector`,
 * `wait-for-tls-ip-san`) with their image, pull policy, securityContext, resources, volume mounts
 * and the env vars that reference Secrets or are security-relevant, the volumes KubeRay adds, the
 * `metrics` port, and the template's own pod-level fields (hostNetwork, securityContext,
 * nodeSelector, affinity, tolerations, volumes…), which KubeRay keeps as written.
 *
 * Not modelled (no bearing on the security rules): the rewritten Ray `command`/`args` and
 * `rayStartParams`, most KubeRay-generated env vars of the Ray container, liveness/readiness
 * probes, owner references, batch scheduler labels and `schedulerName`, per-replica multi-host
 * labels, the embedded GCS fault-tolerance PVC, and sidecars configured on the operator itself
 * (`headSidecarContainers`).
 *
 * Feature-gated injections (history-server collector, mTLS) are modelled as if their gate were on:
 * with the gate off, KubeRay v1.7.0 refuses a RayCluster that sets the field
 * (`ValidateRayClusterSpec`), so no Pod is built at all.
 *
 * Every function here is pure: the input is never mutated and every result is a fresh deep copy.
 *
 * @module
 */
import { configureTokenAuth } from './auth';
import { injectAutoscaler } from './autoscaler';
import { ClusterFacts, clusterFacts } from './cluster-facts';
import { injectCollector } from './collector';
import { HEAD_GROUP_NAME, KUBERAY_ORIGIN_LABELS } from './constants';
import { labelPod, podGenerateName } from './naming';
import { GroupInput, PodBuild, RayPod, startPod } from './pod-build';
import { workerReplicas } from './replicas';
import { configureTLS } from './tls';
import { addMetricsPort, addSharedVolumes } from './volumes';
import { injectWaitGcsReady } from './wait-gcs-ready';
import { asArray, asObject, asString, isMap, JsonMap, JsonObject, stringMap } from '../kubernetes/json';

/** Operator settings that change the pods KubeRay builds. */
export interface BuildRayPodsOptions {
  /** Operator env ENABLE_INIT_CONTAINER_INJECTION. @default true */
  readonly initContainerInjection?: boolean;
}

/**
 * Labels: `mergeLabels(template labels, group labels)` then `labelPod`; pods of a RayService's
 * cluster also get `ray.io/serve` (`false` on the head until it serves).
 */
function podLabels(build: PodBuild): Record<string, string> {
  const templateMeta = asObject(asObject(build.groupSpec.template)?.metadata) ?? {};
  const userLabels = { ...stringMap(templateMeta.labels), ...stringMap(build.groupSpec.labels) };
  const labels = labelPod(build.facts.name, build.nodeType, build.group, userLabels);
  if (build.facts.creatorCrd === 'RayService') labels[KUBERAY_ORIGIN_LABELS.serve] = build.nodeType === 'head' ? 'false' : 'true';
  return labels;
}

/** Annotations: `initTemplateAnnotations` and `configureGCSFaultTolerance`. */
function podAnnotations(build: PodBuild): Record<string, string> {
  const templateMeta = asObject(asObject(build.groupSpec.template)?.metadata) ?? {};
  const annotations = stringMap(templateMeta.annotations);
  if ((build.facts.annotations['ray.io/overwrite-container-cmd'] ?? '').toLowerCase() === 'true') {
    annotations['ray.io/overwrite-container-cmd'] = 'true';
  }
  if (build.nodeType === 'head') annotations['ray.io/ft-enabled'] = String(build.facts.gcsFT);
  return annotations;
}

/** Builds one group's pod, step by step as KubeRay does. */
function buildPod(facts: ClusterFacts, input: GroupInput, injection: boolean): RayPod {
  const build = startPod(facts, input);
  injectWaitGcsReady(build, injection);
  const labels = podLabels(build);
  const annotations = podAnnotations(build);
  injectAutoscaler(build);
  addMetricsPort(build);
  configureTokenAuth(build);
  configureTLS(build);
  injectCollector(build);
  addSharedVolumes(build);
  if (build.initContainers.length > 0 || build.hadInit) build.spec.initContainers = build.initContainers;

  // buildHeadPod / buildWorkerPod: generateName from PodGenerateName; real pods add 5 random chars.
  const generateName = input.nodeType === 'head'
    ? podGenerateName(facts.name, 'head')
    : podGenerateName(`${facts.name}-${input.group}`, 'worker');
  const metadata: JsonMap = { name: generateName.replace(/-$/, ''), generateName, labels, annotations };
  if (facts.namespace) metadata.namespace = facts.namespace;

  const specPath = build.specPath;
  const ephemeral = build.spec.ephemeralContainers;
  const paths: { containers?: string[]; initContainers?: string[]; ephemeralContainers?: string[] } = { containers: build.containerPaths };
  if (build.initPaths.length > 0) paths.initContainers = build.initPaths;
  if (Array.isArray(ephemeral)) paths.ephemeralContainers = ephemeral.map((_, i) => `${specPath}.ephemeralContainers[${i}]`);

  return {
    nodeType: input.nodeType,
    group: input.group,
    groupPath: input.groupPath,
    pod: { apiVersion: 'v1', kind: 'Pod', metadata, spec: build.spec },
    source: { metadataPath: `${input.groupPath}.template.metadata`, specPath, containerPaths: paths },
    injected: build.injected,
    replicas: input.nodeType === 'head' ? { min: 1, max: 1, desired: 1, numOfHosts: 1 } : workerReplicas(input.groupSpec),
  };
}

/**
 * The pods KubeRay v1.7.0 would build for a RayCluster: one per head, one per worker group (a
 * template pod, not one per replica). Never throws on malformed input: missing/odd fields give a
 * best-effort pod. Does not mutate its input (deep copy).
 *
 * Order: the head pod first, then one pod per worker group in `spec.workerGroupSpecs` order
 * (entries that are not objects are skipped; `groupPath` keeps the original index). A template
 * without a Ray container at `containers[0]` (which KubeRay refuses) gets nothing that is derived
 * from the Ray container (`wait-gcs-ready`, `wait-for-tls-ip-san`, `/dev/shm`, the metrics port).
 */
export function buildRayPods(rayCluster: JsonObject, options?: BuildRayPodsOptions): RayPod[] {
  const injection = options?.initContainerInjection !== false;
  const facts = clusterFacts(isMap(rayCluster) ? rayCluster : {});
  const spec = facts.spec;
  const pods: RayPod[] = [];
  const head = isMap(spec.headGroupSpec) ? spec.headGroupSpec : {};
  pods.push(buildPod(facts, { nodeType: 'head', group: HEAD_GROUP_NAME, groupPath: 'spec.headGroupSpec', groupSpec: head }, injection));
  asArray(spec.workerGroupSpecs).forEach((g, i) => {
    if (!isMap(g)) return;
    pods.push(buildPod(facts, { nodeType: 'worker', group: asString(g.groupName) ?? '', groupPath: `spec.workerGroupSpecs[${i}]`, groupSpec: g }, injection));
  });
  return pods;
}
