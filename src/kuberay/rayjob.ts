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
 *   `constructRayClusterForRayJob`, `createK8sJobIfNeed`, `getSubmitterTemplate`,
 *   `getSubmitterContainer`, `configureSubmitterContainer`, `createNewK8sJob`, `reconcileServices`;
 * - `ray-operator/controllers/ray/common/job.go`: `BuildHeadServiceForRayJob`, `BuildJobSubmitCommand`,
 *   `getRuntimeEnvJson`, `getMetadataJSONForSubmitCommand`, `GetSubmitterTemplate`,
 *   `GetDefaultSubmitterContainer`;
 * - `ray-operator/controllers/ray/common/pod.go`: `SetContainerTokenAuthEnvVars`, `AddRayTokenVolume`;
 * - `ray-operator/controllers/ray/utils/util.go`: `GenerateRayClusterName`, `GenerateRayJobId`,
 *   `FetchHeadServiceURL`, `GetContainerCommand`, `ManagedByExternalController`, `HasSubmitter`;
 * - `ray-operator/controllers/ray/utils/validation.go`: `ValidateRayJobMetadata`, `ValidateRayJobSpec`.
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

import { parse as parseYaml } from 'yaml';
import {
  arr, arrayAt, clone, cloneObj, containerCommand, featureGates, findContainerPort, goJsonMarshal, goQuote, hasNamed, isObj,
  KUBERAY_COMPONENT_NAME, KUBERAY_CONTROLLER, KUBERAY_OWNER_KEYS, KubeRayNote, KubeRayOperatorOptions, KubeRayRefusal, Obj,
  objectName, objOf, randomSuffix, rayContainerOf, rebaseFinding, rebaseInjected, rebaseRayPod, rebaseSource,
  str, stringMap, SUBMITTER_CONTAINER,
} from './common';
import { buildClusterHeadService, buildOwnerHeadService, DEFAULT_DASHBOARD_PORT, dashboardURL, unmatchedSelectorKeys } from './services';
import { validateRayJobMetadata, validateRayJobSpec } from './validation';
import { checkName } from './naming';
import { InjectedContainer, RayPod } from './pod-build';
import { buildRayPods } from './pods';
import type { PodSource } from '../kubernetes/pod';
import type { JsonObject } from '../kubernetes/json';

/** The four submission modes of v1.7.0 (`JobSubmissionMode` in `apis/ray/v1/rayjob_types.go`). */
export type RayJobSubmissionMode = 'K8sJobMode' | 'HTTPMode' | 'InteractiveMode' | 'SidecarMode';

/**
 * What submits the job: `k8s-job` (a batch/v1 Job runs a submitter pod), `sidecar` (a container
 * in the head pod), or `none` (HTTPMode: the operator POSTs the job itself; InteractiveMode: the
 * user submits; an unknown mode: nothing is ever submitted).
 */
export type RayJobSubmitterKind = 'k8s-job' | 'sidecar' | 'none';

/** The submitter pod of K8sJobMode. */
export interface SubmitterPod {
  /** `user` when `spec.submitterPodTemplate` is the base, `default` when KubeRay's default template is. */
  readonly template: 'user' | 'default';
  /** A v1 Pod: the Job's pod template as KubeRay sets it (`metadata.name` is a placeholder). */
  readonly pod: JsonObject;
  /** Where each part comes from in the RayJob: `spec.submitterPodTemplate…`. */
  readonly source: PodSource;
  /** The containers KubeRay invented (the default `ray-job-submitter`), with why and where to change them. */
  readonly injected: InjectedContainer[];
}

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

/** Parses YAML as Go's yaml.v2 does (YAML 1.1: `yes`/`on` are booleans). */
export function parseYaml11(text: string): unknown {
  return parseYaml(text, { version: '1.1' });
}

const SUBMITTER_RESOURCES: Obj = { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '200Mi' } };

/** Mirrors `GetDefaultSubmitterContainer`: `ray-job-submitter`, the head Ray container's image, limits 1 CPU/1Gi, requests 500m/200Mi. */
function defaultSubmitterContainer(rayClusterSpec: unknown): Obj {
  const c: Obj = { name: SUBMITTER_CONTAINER };
  const image = rayContainerOf(objOf(objOf(rayClusterSpec)?.headGroupSpec)?.template)?.image;
  if (image !== undefined) c.image = clone(image);
  c.resources = clone(SUBMITTER_RESOURCES);
  return c;
}

/**
 * Mirrors `SetContainerTokenAuthEnvVars(clusterName, container, authOptions)`: `RAY_AUTH_MODE=token`
 * and either `RAY_ENABLE_K8S_TOKEN_AUTH=true` plus the projected token mount, or `RAY_AUTH_TOKEN`
 * from the Secret (`authOptions.secretName`, else `CheckName(clusterName)`, key `auth_token`);
 * each only when the container does not have it already.
 */
export function setContainerTokenAuthEnv(container: Obj, clusterName: string, authOptions: unknown): void {
  const auth = objOf(authOptions);
  const env = arrayAt(container, 'env');
  if (!hasNamed(env, 'RAY_AUTH_MODE')) env.push({ name: 'RAY_AUTH_MODE', value: 'token' });
  if (auth?.enableK8sTokenAuth === true) {
    if (!hasNamed(env, 'RAY_ENABLE_K8S_TOKEN_AUTH')) env.push({ name: 'RAY_ENABLE_K8S_TOKEN_AUTH', value: 'true' });
    const mounts = arrayAt(container, 'volumeMounts');
    if (!hasNamed(mounts, 'ray-token')) mounts.push({ name: 'ray-token', mountPath: '/var/run/secrets/ray.io/serviceaccount', readOnly: true });
  } else {
    const secretName = str(auth?.secretName) ? (auth?.secretName as string) : checkName(clusterName);
    if (!hasNamed(env, 'RAY_AUTH_TOKEN')) {
      env.push({ name: 'RAY_AUTH_TOKEN', valueFrom: { secretKeyRef: { name: secretName, key: 'auth_token' } } });
    }
  }
}

/** Mirrors `AddRayTokenVolume`: the projected service-account token volume `ray-token`, unless a volume of that name exists. */
function addRayTokenVolume(podSpec: Obj): void {
  const volumes = arrayAt(podSpec, 'volumes');
  if (!hasNamed(volumes, 'ray-token')) volumes.push({ name: 'ray-token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } });
}

/** A Masterminds/semver version: the numbers and whether it is a pre-release. */
function parseSemver(s: string): { v: number[]; pre: boolean } | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(s.trim());
  if (!m) return undefined;
  return { v: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] !== undefined };
}

/** The inputs of {@link buildJobSubmitCommand} that come from the RayJob's status. */
export interface SubmitStatus {
  /** `status.dashboardURL`: `<head Service>.<namespace>.svc.<domain>:<port>` (empty while a SidecarMode cluster is built). */
  readonly dashboardURL: string;
  /** `status.jobId`: the submission id. */
  readonly jobId: string;
}

/** The submit script as an argument list (joined with spaces into the container's single argument). */
export interface SubmitCommand {
  /** The words of the bash script. */
  readonly command: string[];
}

/** KubeRay's error when it cannot build the submit script. */
export interface SubmitCommandError {
  /** The error. */
  readonly error: string;
}

/**
 * Mirrors `BuildJobSubmitCommand(rayJob, mode)` for K8sJobMode and SidecarMode: the bash script
 * (as one argument list, joined with spaces by the caller) that waits for the dashboard's GCS
 * health endpoint, checks `ray job status` (K8sJobMode, or SidecarMode with the
 * SidecarSubmitterRestart gate), runs `ray job submit … -- <entrypoint>`, then follows the logs.
 * Returns KubeRay's error instead when `spec.metadata` is set and `rayVersion` is below 2.6.0 or
 * does not parse.
 */
export function buildJobSubmitCommand(spec: Obj, mode: 'K8sJobMode' | 'SidecarMode', status: SubmitStatus,
  options?: KubeRayOperatorOptions): SubmitCommand | SubmitCommandError {
  let address: string;
  let port = DEFAULT_DASHBOARD_PORT;
  if (mode === 'SidecarMode') {
    const head = rayContainerOf(objOf(objOf(spec.rayClusterSpec)?.headGroupSpec)?.template);
    port = findContainerPort(head, 'dashboard', DEFAULT_DASHBOARD_PORT);
    address = `http://127.0.0.1:${port}`;
  } else {
    address = status.dashboardURL.startsWith('http://') ? status.dashboardURL : `http://${status.dashboardURL}`;
  }
  const jobId = status.jobId;
  const entrypoint = (str(spec.entrypoint) ?? '').trim();
  const healthURL = mode === 'SidecarMode' ? `http://localhost:${port}/api/gcs_healthz` : `${address}/api/gcs_healthz`;
  const health = `python -c "import urllib.request; r=urllib.request.urlopen('${healthURL}', timeout=10); exit(0 if b'success' in r.read() else 1)"`;
  const cmd: string[] = ['until', health, '>/dev/null', '2>&1', ';', 'do', 'echo',
    goQuote(`Waiting for Ray Dashboard GCS to become healthy at ${address} ...`), ';', 'sleep', '2', ';', 'done', ';'];
  const needsStatusCheck = mode === 'K8sJobMode' || featureGates(options).SidecarSubmitterRestart;
  if (needsStatusCheck) cmd.push('if', '!', 'ray', 'job', 'status', '--address', address, jobId, '>/dev/null', '2>&1', ';', 'then');
  cmd.push('ray', 'job', 'submit', '--address', address);
  if (needsStatusCheck) cmd.push('--no-wait');
  const runtimeEnv = str(spec.runtimeEnvYAML) ?? '';
  if (runtimeEnv.length > 0) {
    let json: string;
    try {
      json = goJsonMarshal(clone(parseYaml11(runtimeEnv) ?? null));
    } catch (e) {
      return { error: `failed to convert runtimeEnvYAML to JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
    }
    cmd.push('--runtime-env-json', goQuote(json));
  }
  const metadata = stringMap(spec.metadata);
  if (Object.keys(metadata).length > 0) {
    const rv = str(objOf(spec.rayClusterSpec)?.rayVersion) ?? '';
    if (rv.length > 0) {
      const v = parseSemver(rv);
      if (!v) return { error: `failed to parse Ray version: ${rv}` };
      if (v.pre || v.v[0] < 2 || (v.v[0] === 2 && v.v[1] < 6)) return { error: 'the Ray version must be at least 2.6.0 to use the metadata field' };
    }
    cmd.push('--metadata-json', goQuote(goJsonMarshal(metadata)));
  }
  if (jobId.length > 0) cmd.push('--submission-id', jobId);
  if (typeof spec.entrypointNumCpus === 'number' && spec.entrypointNumCpus > 0) cmd.push('--entrypoint-num-cpus', spec.entrypointNumCpus.toFixed(6));
  if (typeof spec.entrypointNumGpus === 'number' && spec.entrypointNumGpus > 0) cmd.push('--entrypoint-num-gpus', spec.entrypointNumGpus.toFixed(6));
  const resources = str(spec.entrypointResources) ?? '';
  if (resources.length > 0) cmd.push('--entrypoint-resources', goQuote(resources));
  cmd.push('--', entrypoint, ';');
  if (needsStatusCheck) cmd.push('fi', ';', 'ray', 'job', 'logs', '--address', address, '--follow', jobId);
  return { command: cmd };
}

/**
 * Mirrors `configureSubmitterContainer`: the command (`/bin/bash -ce --` and the script) when the
 * container has none or in SidecarMode; then `PYTHONUNBUFFERED=1`, `RAY_DASHBOARD_ADDRESS` and
 * `RAY_JOB_SUBMISSION_ID` appended (even if present), and the token-auth env when the cluster has
 * `authOptions.mode: token`.
 */
function configureSubmitterContainer(container: Obj, spec: Obj, mode: 'K8sJobMode' | 'SidecarMode', status: SubmitStatus,
  cluster: { name: string; spec: Obj | undefined }, options?: KubeRayOperatorOptions): string | undefined {
  const built = buildJobSubmitCommand(spec, mode, status, options);
  if ('error' in built) return built.error;
  if (arr(container.command).length === 0 || mode === 'SidecarMode') {
    container.command = containerCommand('e', options);
    container.args = [built.command.join(' ')];
  }
  const env = arrayAt(container, 'env');
  env.push({ name: 'PYTHONUNBUFFERED', value: '1' });
  env.push({ name: 'RAY_DASHBOARD_ADDRESS', value: status.dashboardURL });
  env.push({ name: 'RAY_JOB_SUBMISSION_ID', value: status.jobId });
  const auth = objOf(cluster.spec?.authOptions);
  if (auth?.mode === 'token') setContainerTokenAuthEnv(container, cluster.name, auth);
  return undefined;
}

/** The note after the path of the SidecarMode submitter, telling where (not) to change it. */
export const SIDECAR_SUBMITTER_PATH = 'spec.submissionMode (the ray-job-submitter container KubeRay appends to the head pod in SidecarMode: '
  + 'it has no securityContext and no field sets one; only the pod-level spec.rayClusterSpec.headGroupSpec.template.spec.securityContext applies)';

const DEFAULT_SUBMITTER_PATH = 'spec.submitterPodTemplate.spec.containers[0] (KubeRay\'s default ray-job-submitter container: '
  + 'set spec.submitterPodTemplate to choose its securityContext)';

/** A minimal RayCluster document: name, namespace and spec. */
function clusterRef(name: string, namespace: string | undefined, spec: Obj | undefined): JsonObject {
  return { metadata: { name, ...(namespace ? { namespace } : {}) }, spec: spec ?? {} };
}

/** The facts the builder reads. */
interface JobInput {
  readonly doc: JsonObject;
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: Obj;
  readonly mode: string;
}

function jobInput(rayJob: unknown, options?: KubeRayOperatorOptions): JobInput {
  const doc: JsonObject = isObj(rayJob) ? rayJob : {};
  const md = objOf(doc.metadata);
  const spec = objOf(doc.spec) ?? {};
  const namespace = str(md?.namespace);
  const mode = spec.submissionMode === undefined || spec.submissionMode === null ? 'K8sJobMode' : (str(spec.submissionMode) ?? String(spec.submissionMode));
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
{ rayCluster: Obj; sidecarIndex?: number } | { error: string } {
  const labels: Record<string, string> = {
    ...job.labels,
    [KUBERAY_OWNER_KEYS.originatedFromCrName]: job.name,
    [KUBERAY_OWNER_KEYS.originatedFromCrd]: 'RayJob',
    [KUBERAY_OWNER_KEYS.jobSubmissionMode]: job.mode,
  };
  const annotations: Record<string, string> = { ...job.annotations };
  if (job.mode === 'SidecarMode') annotations[KUBERAY_OWNER_KEYS.disableProvisionedHeadRestart] = 'true';
  const spec = cloneObj(job.spec.rayClusterSpec);
  const metadata: Obj = { name: clusterName, labels };
  if (job.namespace) metadata.namespace = job.namespace;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  const rayCluster: Obj = { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata, spec };
  if (job.mode !== 'SidecarMode') return { rayCluster };

  // getSubmitterContainer: built from the cluster spec before the sidecar is appended.
  const sidecar = defaultSubmitterContainer(spec);
  const err = configureSubmitterContainer(sidecar, job.spec, 'SidecarMode', status, { name: clusterName, spec }, options);
  if (err) return { error: err };
  if (featureGates(options).SidecarSubmitterRestart) sidecar.restartPolicy = 'OnFailure';
  const head = isObj(spec.headGroupSpec) ? spec.headGroupSpec : (spec.headGroupSpec = {});
  const template = isObj(head.template) ? head.template : (head.template = {});
  const podSpec = isObj(template.spec) ? template.spec : (template.spec = {});
  const containers = arrayAt(podSpec, 'containers');
  containers.push(sidecar);
  podSpec.restartPolicy = 'Never';
  return { rayCluster, sidecarIndex: containers.length - 1 };
}

/** The RayPods of the created cluster with paths into the RayJob, and the SidecarMode submitter pointed at `spec.submissionMode`. */
function jobRayPods(rayCluster: Obj, sidecarIndex: number | undefined, options?: KubeRayOperatorOptions): RayPod[] {
  const pods = buildRayPods(rayCluster, { initContainerInjection: options?.initContainerInjection });
  return pods.map((p) => {
    const rebased = rebaseRayPod(p, 'spec.rayClusterSpec');
    if (p.nodeType !== 'head' || sidecarIndex === undefined) return rebased;
    const containers = [...(rebased.source.containerPaths?.containers ?? [])];
    containers[sidecarIndex] = SIDECAR_SUBMITTER_PATH;
    const info: InjectedContainer = {
      list: 'containers',
      name: SUBMITTER_CONTAINER,
      reason: 'KubeRay appends the ray-job-submitter container to the head pod because spec.submissionMode is SidecarMode; '
        + 'it has no securityContext and no field sets one (use K8sJobMode with spec.submitterPodTemplate to control the submitter)',
      settingsFrom: 'spec.submissionMode',
    };
    const firstContainer = rebased.injected.findIndex((i) => i.list === 'containers');
    const injected = [...rebased.injected];
    injected.splice(firstContainer < 0 ? injected.length : firstContainer, 0, info);
    return { ...rebased, source: { ...rebased.source, containerPaths: { ...rebased.source.containerPaths, containers } }, injected };
  });
}

/** Mirrors `getSubmitterTemplate` and `createNewK8sJob`: the submitter Job and its pod. */
function buildSubmitter(job: JobInput, status: SubmitStatus, cluster: { name: string; spec: Obj | undefined }, options?: KubeRayOperatorOptions):
{ job: Obj; pod: SubmitterPod } | { error: string } {
  const userTemplate = objOf(job.spec.submitterPodTemplate);
  const template: Obj = userTemplate
    ? cloneObj(userTemplate)
    : { spec: { containers: [defaultSubmitterContainer(cluster.spec)], restartPolicy: 'Never' } };
  const podSpec = isObj(template.spec) ? template.spec : (template.spec = {});
  const containers = arr(podSpec.containers);
  const first = containers[0];
  if (!isObj(first)) {
    return { error: 'spec.submitterPodTemplate.spec.containers[0] is missing: KubeRay indexes it and fails (the reconcile panics and is retried)' };
  }
  const err = configureSubmitterContainer(first, job.spec, 'K8sJobMode', status, cluster, options);
  if (err) return { error: err };
  if (objOf(cluster.spec?.authOptions)?.enableK8sTokenAuth === true) addRayTokenVolume(podSpec);
  const tmd = isObj(template.metadata) ? template.metadata : (template.metadata = {});
  tmd.labels = {
    ...stringMap(tmd.labels),
    [KUBERAY_OWNER_KEYS.originatedFromCrName]: job.name,
    [KUBERAY_OWNER_KEYS.originatedFromCrd]: 'RayJob',
    [KUBERAY_OWNER_KEYS.createdBy]: KUBERAY_COMPONENT_NAME,
  };
  const backoff = objOf(job.spec.submitterConfig)?.backoffLimit;
  const jobMeta: Obj = {
    name: job.name,
    labels: {
      [KUBERAY_OWNER_KEYS.originatedFromCrName]: job.name,
      [KUBERAY_OWNER_KEYS.originatedFromCrd]: 'RayJob',
      [KUBERAY_OWNER_KEYS.createdBy]: KUBERAY_COMPONENT_NAME,
    },
  };
  if (job.namespace) jobMeta.namespace = job.namespace;
  const batchJob: Obj = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: jobMeta,
    spec: { backoffLimit: typeof backoff === 'number' ? backoff : 2, template: clone(template) },
  };
  const podMeta: Obj = { ...cloneObj(tmd), name: `${job.name}-${randomSuffix(options)}`, generateName: `${job.name}-` };
  if (job.namespace) podMeta.namespace = job.namespace;
  else delete podMeta.namespace;
  const pod: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: podMeta, spec: clone(podSpec) };
  const source: PodSource = userTemplate
    ? { metadataPath: 'spec.submitterPodTemplate.metadata', specPath: 'spec.submitterPodTemplate.spec' }
    : {
      metadataPath: 'spec.submitterPodTemplate.metadata',
      specPath: 'spec.submitterPodTemplate.spec',
      containerPaths: { containers: [DEFAULT_SUBMITTER_PATH] },
    };
  const injected: InjectedContainer[] = userTemplate ? [] : [{
    list: 'containers',
    name: SUBMITTER_CONTAINER,
    reason: 'KubeRay runs its default ray-job-submitter pod because spec.submitterPodTemplate is not set; the container has no '
      + 'securityContext and the pod none either',
    settingsFrom: 'spec.submitterPodTemplate',
  }];
  return { job: batchJob, pod: { template: userTemplate ? 'user' : 'default', pod, source, injected } };
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
    ...validateRayJobSpec(job.spec, job.annotations, parseYaml11, options),
  ];

  const managedBy = job.spec.managedBy;
  if (typeof managedBy === 'string' && managedBy !== KUBERAY_CONTROLLER) {
    notes.push({
      path: 'spec.managedBy',
      message: `spec.managedBy is ${managedBy}: KubeRay on this cluster skips the RayJob (ManagedByExternalController); `
        + 'MultiKueue dispatches a copy to a worker cluster, where KubeRay builds what this model shows',
    });
  }

  if (job.spec.suspend === true) {
    notes.push({
      path: 'spec.suspend',
      message: 'spec.suspend is true: KubeRay creates nothing (or deletes the RayCluster and the submitter Job) until it is false, '
        + 'then builds what this model shows (Kueue resumes RayJobs this way)',
    });
  }
  if (objOf(job.spec.rayClusterSpec)?.suspend === true) {
    notes.push({ path: 'spec.rayClusterSpec.suspend', message: 'spec.rayClusterSpec.suspend is true: the RayCluster is created suspended and runs no pod until it is resumed' });
  }

  const selector = stringMap(job.spec.clusterSelector);
  const selectorMode = Object.keys(selector).length > 0;
  const clusterName = selectorMode ? (selector['ray.io/cluster'] ?? '') : `${job.name}-${suffix}`;
  const specJobId = str(job.spec.jobId) ?? '';
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
  let cluster: { name: string; spec: Obj | undefined };
  let url: string | undefined;
  if (selectorMode) {
    const sel = options?.selectedCluster;
    const selName = str(objOf(sel?.metadata)?.name);
    const usable = isObj(sel) && (selName === undefined || selName === clusterName) ? sel : undefined;
    cluster = { name: clusterName, spec: objOf(usable?.spec) };
    notes.push({
      path: 'spec.clusterSelector',
      message: `clusterSelector mode: KubeRay uses the existing RayCluster "${clusterName}" in the RayJob's namespace and creates no RayCluster `
        + 'and no head Service (only the key ray.io/cluster is read)',
    });
    if (usable) {
      url = dashboardURL(clusterRef(clusterName, job.namespace, cluster.spec), options);
    } else {
      url = `${clusterName}-head-svc.${job.namespace ?? 'default'}.svc.${options?.clusterDomain || 'cluster.local'}:${DEFAULT_DASHBOARD_PORT}`;
      if (submitter === 'k8s-job') {
        notes.push({
          path: 'spec.clusterSelector',
          message: 'the selected RayCluster was not given: the submitter\'s default image, its token auth and the dashboard address come from it; '
            + 'the default head Service name and dashboard port are assumed',
        });
      }
    }
  } else {
    cluster = { name: clusterName, spec: objOf(job.spec.rayClusterSpec) };
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

  if (!selectorMode && isObj(job.spec.rayClusterSpec)) {
    // The SidecarMode submitter is built while the status has no dashboard URL yet.
    const built = constructRayCluster(job, clusterName, { dashboardURL: '', jobId: jobId ?? '' }, options);
    if ('error' in built) {
      notes.push({ path: 'spec', message: `KubeRay fails to build the RayCluster (constructRayClusterForRayJob): ${built.error}; it retries and creates nothing` });
    } else {
      result.rayCluster = built.rayCluster;
      result.rayPods = jobRayPods(built.rayCluster, built.sidecarIndex, options);
      result.clusterHeadService = buildClusterHeadService(built.rayCluster, options);
      if (running) result.headService = buildOwnerHeadService('RayJob', job.name, job.namespace, built.rayCluster, options);
      const head = result.rayPods.find((p) => p.nodeType === 'head');
      const headLabels = stringMap(objOf(head?.pod.metadata)?.labels);
      for (const svc of [result.clusterHeadService, result.headService]) {
        const missed = unmatchedSelectorKeys(svc, headLabels);
        if (svc && missed.length > 0) {
          notes.push({
            path: 'spec.rayClusterSpec.headGroupSpec.template.metadata.labels',
            message: `the head pod's labels ${missed.join(', ')} differ from the selector of Service ${str(objOf(svc.metadata)?.name) ?? ''}, `
              + 'which therefore selects no pod (the head template or headGroupSpec.labels override them)',
          });
        }
      }
    }
  }

  if (submitter === 'k8s-job' && running) {
    const built = buildSubmitter(job, { dashboardURL: url ?? '', jobId: jobId ?? '' }, cluster, options);
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
