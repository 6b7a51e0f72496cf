/**
 * A pure model of what the KubeRay v1.7.0 operator builds from a RayJob: the RayCluster it
 * creates (whose pods `buildRayPods` builds), the submitter (a batch/v1 Job and its pod in
 * K8sJobMode, a container appended to the head pod in SidecarMode, nothing in HTTPMode and
 * InteractiveMode), the RayCluster's head Service and the RayJob's own head Service, and the
 * reasons KubeRay would refuse the RayJob.
 *
 * Read from KubeRay tag v1.7.0 (commit 59d663aeec13760646da3db9c1cf8cfe883e30b7):
 * - `ray-operator/controllers/ray/rayjob_controller.go`: `Reconcile` (which state creates what),
 *   `validateRayJob`, `initRayJobStatusIfNeed` (job id and cluster name), `getOrCreateRayClusterInstance`,
 *   `constructRayClusterForRayJob`, `createK8sJobIfNeed`, `reconcileServices`;
 * - `ray-operator/controllers/ray/common/job.go`: `BuildHeadServiceForRayJob`;
 * - `ray-operator/controllers/ray/utils/util.go`: `GenerateRayClusterName`, `GenerateRayJobId`,
 *   `FetchHeadServiceURL`, `ManagedByExternalController`, `HasSubmitter`.
 *
 * The submitter itself is built in `submitter.ts`, the validation in `validate-workloads.ts`
 * (`ValidateRayJobMetadata`, `ValidateRayJobSpec`), the Services in `services.ts`.
 *
 * Names KubeRay randomizes are deterministic placeholders: the RayCluster is
 * `<rayjob>-xxxxx` (upstream `<rayjob>-` plus `rand.String(5)`), the job id (unless `spec.jobId`
 * is set) `<rayjob>-xxxxx`, the submitter pod `<rayjob>-xxxxx` (named by the Job controller). See
 * {@link KubeRayOperatorOptions.randomSuffix}.
 *
 * Not modelled: owner references, status, the batch-scheduler metadata a `--batch-scheduler`
 * plugin adds to the RayCluster and the submitter template (group `submittergroup`), the labels the
 * Job controller adds to its pods (`batch.kubernetes.io/job-name`, `controller-uid`…), API-server
 * defaults, and what happens after the job ends (shutdown, deletion rules, retries: each retry
 * builds a new RayCluster like the first).
 *
 * Pure: the input is never mutated, results are fresh copies, and malformed input gives a
 * best-effort model plus refusals, never an exception.
 *
 * @module
 */

import { KUBERAY_ORIGIN_LABELS, RAY_LABELS, RAY_PORTS } from './constants';
import { KubeRayNote, KubeRayRefusal } from './findings';
import { KubeRayOperatorOptions, managedByNote, objectName, randomSuffix } from './operator';
import { arrayAt, RayPod } from './pod-build';
import { buildRayPods } from './pods';
import { rebaseFinding, rebaseInjected, rebaseRayPod, rebaseSource } from './rebase';
import { buildClusterHeadService, buildOwnerHeadService, dashboardURL, unselectedHeadServiceNotes } from './services';
import {
  buildSidecarSubmitter, buildSubmitterJob, SIDECAR_SUBMITTER_PATH, sidecarSubmitterInjected, SubmitStatus, SubmitterCluster, SubmitterPod,
} from './submitter';
import { validateRayJobMetadata, validateRayJobSpec } from './validate-workloads';
import { asMap, asObject, asString, cloneMap, isMap, JsonMap, JsonObject, stringMap } from '../kubernetes/json';

/** The four submission modes of v1.7.0 (`JobSubmissionMode` in `apis/ray/v1/rayjob_types.go`). */
export type RayJobSubmissionMode = 'K8sJobMode' | 'HTTPMode' | 'InteractiveMode' | 'SidecarMode';

/**
 * What submits the job: `k8s-job` (a batch/v1 Job runs a submitter pod), `sidecar` (a container
 * in the head pod), or `none` (HTTPMode: the operator POSTs the job itself; InteractiveMode: the
 * user submits; an unknown mode: nothing is ever submitted).
 */
export type RayJobSubmitterKind = 'k8s-job' | 'sidecar' | 'none';

/** What KubeRay v1.7.0 builds from one RayJob. */
export interface RayJobModel {
  /** The RayJob's name (`<generateName>xxxxx` when it only has `generateName`). */
  readonly name: string;
  /** The RayJob's namespace, when the manifest sets one. */
  readonly namespace?: string;
  /** `spec.submissionMode` after the CRD default (`K8sJobMode`); an unknown value is kept as written. */
  readonly submissionMode: string;
  /** What submits the job. */
  readonly submitter: RayJobSubmitterKind;
  /** True in clusterSelector mode: no RayCluster is created, the one named by `spec.clusterSelector["ray.io/cluster"]` is used. */
  readonly clusterSelector: boolean;
  /** The RayCluster used: the one created (`<rayjob>-xxxxx`) or the selected one. */
  readonly clusterName: string;
  /** The job id KubeRay submits with (`spec.jobId`, else `<rayjob>-xxxxx`); undefined in InteractiveMode without `spec.jobId`. */
  readonly jobId?: string;
  /** The RayCluster KubeRay creates (undefined in clusterSelector mode, or when KubeRay fails to build it). */
  readonly rayCluster?: JsonObject;
  /** Its pods as `buildRayPods` builds them, every path pointing into the RayJob (`spec.rayClusterSpec…`). */
  readonly rayPods: RayPod[];
  /** The head Service the RayCluster controller creates for that cluster. */
  readonly clusterHeadService?: JsonObject;
  /** The RayJob's own head Service `<rayjob>-head-svc` (selects the cluster's head pod). */
  readonly headService?: JsonObject;
  /** The dashboard address KubeRay records (`status.dashboardURL`) and gives the K8sJobMode submitter. */
  readonly dashboardURL?: string;
  /** The batch/v1 Job of K8sJobMode. */
  readonly submitterJob?: JsonObject;
  /** Its pod. */
  readonly submitterPod?: SubmitterPod;
  /** Why KubeRay would refuse the RayJob (then it creates none of the above). */
  readonly refusals: KubeRayRefusal[];
  /** Facts that change what runs or when, without a refusal. */
  readonly notes: KubeRayNote[];
}

/** Options of {@link buildRayJob}. */
export interface BuildRayJobOptions extends KubeRayOperatorOptions {
  /**
   * In clusterSelector mode, the RayCluster the selector names (its manifest). The K8sJobMode
   * submitter takes its head image, its token auth and its dashboard address from it; without it
   * those are unknown (no image; the default head Service name and port are assumed).
   */
  readonly selectedCluster?: JsonObject;
}

/** A minimal RayCluster document: name, namespace and spec. */
function clusterRef(name: string, namespace: string | undefined, spec: JsonMap | undefined): JsonObject {
  return { metadata: { name, ...(namespace ? { namespace } : {}) }, spec: spec ?? {} };
}

/** The facts the builder reads. */
interface JobInput {
  readonly doc: JsonObject;
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: JsonMap;
  readonly mode: string;
}

function jobInput(rayJob: unknown, options?: KubeRayOperatorOptions): JobInput {
  const doc: JsonObject = isMap(rayJob) ? rayJob : {};
  const md = asObject(doc.metadata);
  const spec = asMap(doc.spec) ?? {};
  const namespace = asString(md?.namespace);
  const mode = spec.submissionMode === undefined || spec.submissionMode === null ? 'K8sJobMode' : (asString(spec.submissionMode) ?? String(spec.submissionMode));
  return {
    doc,
    name: objectName(doc, options),
    ...(namespace ? { namespace } : {}),
    labels: stringMap(md?.labels),
    annotations: stringMap(md?.annotations),
    spec,
    mode,
  };
}

/** Mirrors `constructRayClusterForRayJob`, including the SidecarMode submitter. */
function constructRayCluster(job: JobInput, clusterName: string, status: SubmitStatus, options?: KubeRayOperatorOptions):
{ rayCluster: JsonMap; sidecarIndex?: number } | { error: string } {
  const labels: Record<string, string> = {
    ...job.labels,
    [KUBERAY_ORIGIN_LABELS.crName]: job.name,
    [KUBERAY_ORIGIN_LABELS.crd]: 'RayJob',
    [KUBERAY_ORIGIN_LABELS.jobSubmissionMode]: job.mode,
  };
  const annotations: Record<string, string> = { ...job.annotations };
  if (job.mode === 'SidecarMode') annotations[KUBERAY_ORIGIN_LABELS.disableProvisionedHeadRestart] = 'true';
  const spec = cloneMap(job.spec.rayClusterSpec);
  const metadata: JsonMap = { name: clusterName, labels };
  if (job.namespace) metadata.namespace = job.namespace;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  const rayCluster: JsonMap = { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata, spec };
  if (job.mode !== 'SidecarMode') return { rayCluster };

  const built = buildSidecarSubmitter(job, status, { name: clusterName, spec }, options);
  if ('error' in built) return built;
  const sidecar = built.container;
  const head = isMap(spec.headGroupSpec) ? spec.headGroupSpec : (spec.headGroupSpec = {});
  const template = isMap(head.template) ? head.template : (head.template = {});
  const podSpec = isMap(template.spec) ? template.spec : (template.spec = {});
  const containers = arrayAt(podSpec, 'containers');
  containers.push(sidecar);
  podSpec.restartPolicy = 'Never';
  return { rayCluster, sidecarIndex: containers.length - 1 };
}

/** The RayPods of the created cluster with paths into the RayJob, and the SidecarMode submitter pointed at `spec.submissionMode`. */
function jobRayPods(rayCluster: JsonMap, sidecarIndex: number | undefined, options?: KubeRayOperatorOptions): RayPod[] {
  const pods = buildRayPods(rayCluster, { initContainerInjection: options?.initContainerInjection });
  return pods.map((p) => {
    const rebased = rebaseRayPod(p, 'spec.rayClusterSpec');
    if (p.nodeType !== 'head' || sidecarIndex === undefined) return rebased;
    const containers = [...(rebased.source.containerPaths?.containers ?? [])];
    containers[sidecarIndex] = SIDECAR_SUBMITTER_PATH;
    const info = sidecarSubmitterInjected();
    const firstContainer = rebased.injected.findIndex((i) => i.list === 'containers');
    const injected = [...rebased.injected];
    injected.splice(firstContainer < 0 ? injected.length : firstContainer, 0, info);
    return { ...rebased, source: { ...rebased.source, containerPaths: { ...rebased.source.containerPaths, containers } }, injected };
  });
}

/**
 * What KubeRay v1.7.0 builds from a RayJob. Never throws; does not mutate `rayJob`.
 *
 * - RayCluster (unless clusterSelector mode): `<rayjob>-xxxxx` in the RayJob's namespace, labels
 *   = the RayJob's labels plus `ray.io/originated-from-cr-name`, `ray.io/originated-from-crd:
 *   RayJob`, `ray.io/job-submission-mode`; annotations = the RayJob's (plus
 *   `ray.io/disable-provisioned-head-restart: "true"` in SidecarMode); spec = a deep copy of
 *   `spec.rayClusterSpec` (later edits of it are ignored by KubeRay).
 * - clusterSelector mode: the RayCluster named by the key `ray.io/cluster` (the only key read) in
 *   the RayJob's namespace; no RayCluster and no head Service is created.
 * - K8sJobMode: a batch/v1 Job `<rayjob>` (backoffLimit `submitterConfig.backoffLimit`, default 2)
 *   whose pod is the user's `submitterPodTemplate` or KubeRay's default (see
 *   {@link SubmitterPod}); labels `ray.io/originated-from-cr-name`, `ray.io/originated-from-crd:
 *   RayJob`, `app.kubernetes.io/created-by: kuberay-operator` on the Job and the pod template.
 * - SidecarMode: the `ray-job-submitter` container appended to the head pod (no securityContext,
 *   head image, limits 1/1Gi, requests 500m/200Mi), head pod `restartPolicy: Never`; its
 *   `RAY_DASHBOARD_ADDRESS` is empty (the status has no dashboard URL yet when the cluster is built).
 * - HTTPMode, InteractiveMode: no submitter pod.
 * - Every mode but clusterSelector: Service `<rayjob>-head-svc`, created once the job runs.
 */
export function buildRayJob(rayJob: JsonObject, options?: BuildRayJobOptions): RayJobModel {
  const job = jobInput(rayJob, options);
  const suffix = randomSuffix(options);
  const notes: KubeRayNote[] = [];
  const refusals: KubeRayRefusal[] = [
    ...validateRayJobMetadata(job.name),
    ...validateRayJobSpec(job.spec, job.annotations, options),
  ];

  const managedBy = managedByNote('RayJob', job.spec.managedBy);
  if (managedBy) notes.push(managedBy);

  if (job.spec.suspend === true) {
    notes.push({
      path: 'spec.suspend',
      message: 'spec.suspend is true: KubeRay creates nothing (or deletes the RayCluster and the submitter Job) until it is false, '
        + 'then builds what this model shows (Kueue resumes RayJobs this way)',
    });
  }
  if (asObject(job.spec.rayClusterSpec)?.suspend === true) {
    notes.push({ path: 'spec.rayClusterSpec.suspend', message: 'spec.rayClusterSpec.suspend is true: the RayCluster is created suspended and runs no pod until it is resumed' });
  }

  const selector = stringMap(job.spec.clusterSelector);
  const selectorMode = Object.keys(selector).length > 0;
  const clusterName = selectorMode ? (selector[RAY_LABELS.cluster] ?? '') : `${job.name}-${suffix}`;
  const specJobId = asString(job.spec.jobId) ?? '';
  const jobId = job.mode === 'InteractiveMode' ? (specJobId || undefined) : (specJobId || `${job.name}-${suffix}`);

  let submitter: RayJobSubmitterKind = 'none';
  if (job.mode === 'K8sJobMode') {submitter = 'k8s-job';} else if (job.mode === 'SidecarMode') {submitter = 'sidecar';} else if (job.mode === 'HTTPMode') {
    notes.push({ path: 'spec.submissionMode', message: 'HTTPMode: no submitter pod; the operator POSTs the job to the dashboard (/api/jobs/) itself' });
  } else if (job.mode === 'InteractiveMode') {
    notes.push({
      path: 'spec.submissionMode',
      message: 'InteractiveMode: nothing is submitted; the RayJob waits until spec.jobId is set, and only then creates its head Service',
    });
  } else {
    notes.push({ path: 'spec.submissionMode', message: `unknown submissionMode "${job.mode}": KubeRay creates the RayCluster and its head Service but never submits the job` });
  }

  const result: {
    rayCluster?: JsonObject;
    rayPods: RayPod[];
    clusterHeadService?: JsonObject;
    headService?: JsonObject;
    dashboardURL?: string;
    submitterJob?: JsonObject;
    submitterPod?: SubmitterPod;
  } = { rayPods: [] };

  // The cluster the submitter and the dashboard URL come from.
  let cluster: SubmitterCluster;
  let url: string | undefined;
  if (selectorMode) {
    const sel = options?.selectedCluster;
    const selName = asString(asObject(sel?.metadata)?.name);
    const usable = isMap(sel) && (selName === undefined || selName === clusterName) ? sel : undefined;
    cluster = { name: clusterName, spec: asMap(usable?.spec) };
    notes.push({
      path: 'spec.clusterSelector',
      message: `clusterSelector mode: KubeRay uses the existing RayCluster "${clusterName}" in the RayJob's namespace and creates no RayCluster `
        + 'and no head Service (only the key ray.io/cluster is read)',
    });
    if (usable) {
      url = dashboardURL(clusterRef(clusterName, job.namespace, cluster.spec), options);
    } else {
      url = `${clusterName}-head-svc.${job.namespace ?? 'default'}.svc.${options?.clusterDomain || 'cluster.local'}:${RAY_PORTS.dashboard}`;
      if (submitter === 'k8s-job') {
        notes.push({
          path: 'spec.clusterSelector',
          message: 'the selected RayCluster was not given: the submitter\'s default image, its token auth and the dashboard address come from it; '
            + 'the default head Service name and dashboard port are assumed',
        });
      }
    }
  } else {
    cluster = { name: clusterName, spec: asMap(job.spec.rayClusterSpec) };
    url = dashboardURL(clusterRef(clusterName, job.namespace, cluster.spec), options);
  }
  // status.dashboardURL (FetchHeadServiceURL) must be found before the RayJob leaves Initializing.
  if (url === undefined) {
    notes.push({
      path: selectorMode ? 'spec.clusterSelector' : 'spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].ports',
      message: 'the RayCluster\'s head Service has no port named "dashboard" (the head container declares ports, none named dashboard): '
        + 'KubeRay cannot read the dashboard URL, so the RayJob never leaves Initializing: no submitter Job and no RayJob head Service',
    });
  } else {
    result.dashboardURL = url;
  }
  const running = url !== undefined;

  if (!selectorMode && isMap(job.spec.rayClusterSpec)) {
    // The SidecarMode submitter is built while the status has no dashboard URL yet.
    const built = constructRayCluster(job, clusterName, { dashboardURL: '', jobId: jobId ?? '' }, options);
    if ('error' in built) {
      notes.push({ path: 'spec', message: `KubeRay fails to build the RayCluster (constructRayClusterForRayJob): ${built.error}; it retries and creates nothing` });
    } else {
      result.rayCluster = built.rayCluster;
      result.rayPods = jobRayPods(built.rayCluster, built.sidecarIndex, options);
      result.clusterHeadService = buildClusterHeadService(built.rayCluster, options);
      if (running) result.headService = buildOwnerHeadService('RayJob', job.name, job.namespace, built.rayCluster, options);
      notes.push(...unselectedHeadServiceNotes([result.clusterHeadService, result.headService], result.rayPods,
        'spec.rayClusterSpec.headGroupSpec.template.metadata.labels'));
    }
  }

  if (submitter === 'k8s-job' && running) {
    const built = buildSubmitterJob(job, { dashboardURL: url ?? '', jobId: jobId ?? '' }, cluster, options);
    if ('error' in built) {
      notes.push({ path: 'spec.submitterPodTemplate', message: `KubeRay fails to build the submitter Job: ${built.error}` });
    } else {
      result.submitterJob = built.job;
      result.submitterPod = built.pod;
    }
  }

  return {
    name: job.name,
    ...(job.namespace ? { namespace: job.namespace } : {}),
    submissionMode: job.mode,
    submitter,
    clusterSelector: selectorMode,
    clusterName,
    ...(jobId !== undefined ? { jobId } : {}),
    ...result,
    refusals,
    notes,
  };
}

/** A {@link RayJobModel} with every path rebased from `spec` to `specPath` (a RayCronJob's `spec.jobTemplate`). */
export function rebaseRayJobModel(model: RayJobModel, specPath: string): RayJobModel {
  const submitterPod = model.submitterPod
    ? {
      ...model.submitterPod,
      source: rebaseSource(model.submitterPod.source, specPath),
      injected: model.submitterPod.injected.map((i) => rebaseInjected(i, specPath)),
    }
    : undefined;
  return {
    ...model,
    rayPods: model.rayPods.map((p) => rebaseRayPod(p, specPath)),
    ...(submitterPod ? { submitterPod } : {}),
    refusals: model.refusals.map((r) => rebaseFinding(r, specPath)),
    notes: model.notes.map((n) => ({ ...rebaseFinding(n, specPath), message: n.message })),
  };
}
