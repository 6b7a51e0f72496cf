/**
 * The submitter of a RayJob as the KubeRay v1.7.0 operator builds it: the script that submits the
 * job (`ray job submit …`), the container that runs it, the batch/v1 Job and its pod in
 * K8sJobMode, and the container SidecarMode appends to the head pod.
 *
 * Read from KubeRay tag v1.7.0 (commit 59d663aeec13760646da3db9c1cf8cfe883e30b7):
 * - `ray-operator/controllers/ray/rayjob_controller.go`: `getSubmitterTemplate`,
 *   `getSubmitterContainer`, `configureSubmitterContainer`, `createNewK8sJob`;
 * - `ray-operator/controllers/ray/common/job.go`: `BuildJobSubmitCommand`, `getRuntimeEnvJson`,
 *   `getMetadataJSONForSubmitCommand`, `GetSubmitterTemplate`, `GetDefaultSubmitterContainer`;
 * - `ray-operator/controllers/ray/common/pod.go`: `SetContainerTokenAuthEnvVars`, `AddRayTokenVolume`
 *   (`auth.ts`, shared with the RayCluster's pods).
 *
 * Pure: nothing here mutates its input.
 *
 * @module
 */

import { addRayTokenVolume, setContainerTokenAuthEnvVars } from './auth';
import { clusterFacts } from './cluster-facts';
import { INJECTED_CONTAINERS, INJECTED_RESOURCES, KUBERAY_COMPONENT_NAME, KUBERAY_ORIGIN_LABELS, RAY_LABELS, RAY_PORTS } from './constants';
import { containerCommand, featureGates, KubeRayOperatorOptions, randomSuffix } from './operator';
import { arrayAt, findContainerPort, InjectedContainer, rayContainerOf, resourcesJson } from './pod-build';
import { runtimeEnvJson } from './runtime-env';
import { goJsonMarshal, goQuote } from '../kubernetes/go-format';
import { asArray, asObject, asString, cloneJson, cloneMap, isMap, JsonMap, JsonObject, stringMap } from '../kubernetes/json';
import type { PodSource } from '../kubernetes/pod';

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

/** The RayJob as the submitter reads it. */
export interface SubmitterJob {
  /** The RayJob's name. */
  readonly name: string;
  /** Its namespace, when the manifest sets one. */
  readonly namespace?: string;
  /** Its `spec`. */
  readonly spec: JsonObject;
}

/** The RayCluster the submitter talks to. */
export interface SubmitterCluster {
  /** Its name. */
  readonly name: string;
  /** Its spec, when known (a selected cluster that was not given is not). */
  readonly spec: JsonMap | undefined;
}

/** Mirrors `GetDefaultSubmitterContainer`: `ray-job-submitter`, the head Ray container's image, limits 1 CPU/1Gi, requests 500m/200Mi. */
function defaultSubmitterContainer(rayClusterSpec: unknown): JsonMap {
  const c: JsonMap = { name: INJECTED_CONTAINERS.submitter };
  const image = rayContainerOf(asObject(asObject(rayClusterSpec)?.headGroupSpec)?.template)?.image;
  if (image !== undefined) c.image = cloneJson(image);
  c.resources = resourcesJson(INJECTED_RESOURCES.submitter);
  return c;
}

/** A Masterminds/semver version: the numbers and whether it is a pre-release. */
function parseSemver(s: string): { v: number[]; pre: boolean } | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(s.trim());
  if (!m) return undefined;
  return { v: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] !== undefined };
}

/**
 * Mirrors `BuildJobSubmitCommand(rayJob, mode)` for K8sJobMode and SidecarMode: the bash script
 * (as one argument list, joined with spaces by the caller) that waits for the dashboard's GCS
 * health endpoint, checks `ray job status` (K8sJobMode, or SidecarMode with the
 * SidecarSubmitterRestart gate), runs `ray job submit … -- <entrypoint>`, then follows the logs.
 * Returns KubeRay's error instead when `spec.metadata` is set and `rayVersion` is below 2.6.0 or
 * does not parse.
 */
export function buildJobSubmitCommand(spec: JsonObject, mode: 'K8sJobMode' | 'SidecarMode', status: SubmitStatus,
  options?: KubeRayOperatorOptions): SubmitCommand | SubmitCommandError {
  let address: string;
  let port: number = RAY_PORTS.dashboard;
  if (mode === 'SidecarMode') {
    const head = rayContainerOf(asObject(asObject(spec.rayClusterSpec)?.headGroupSpec)?.template);
    port = findContainerPort(head, 'dashboard', RAY_PORTS.dashboard);
    address = `http://127.0.0.1:${port}`;
  } else {
    address = status.dashboardURL.startsWith('http://') ? status.dashboardURL : `http://${status.dashboardURL}`;
  }
  const jobId = status.jobId;
  const entrypoint = (asString(spec.entrypoint) ?? '').trim();
  const healthURL = mode === 'SidecarMode' ? `http://localhost:${port}/api/gcs_healthz` : `${address}/api/gcs_healthz`;
  const health = `python -c "import urllib.request; r=urllib.request.urlopen('${healthURL}', timeout=10); exit(0 if b'success' in r.read() else 1)"`;
  const cmd: string[] = ['until', health, '>/dev/null', '2>&1', ';', 'do', 'echo',
    goQuote(`Waiting for Ray Dashboard GCS to become healthy at ${address} ...`), ';', 'sleep', '2', ';', 'done', ';'];
  const needsStatusCheck = mode === 'K8sJobMode' || featureGates(options).SidecarSubmitterRestart;
  if (needsStatusCheck) cmd.push('if', '!', 'ray', 'job', 'status', '--address', address, jobId, '>/dev/null', '2>&1', ';', 'then');
  cmd.push('ray', 'job', 'submit', '--address', address);
  if (needsStatusCheck) cmd.push('--no-wait');
  const runtimeEnv = asString(spec.runtimeEnvYAML) ?? '';
  if (runtimeEnv.length > 0) {
    const converted = runtimeEnvJson(runtimeEnv);
    if ('error' in converted) return converted;
    cmd.push('--runtime-env-json', goQuote(converted.json));
  }
  const metadata = stringMap(spec.metadata);
  if (Object.keys(metadata).length > 0) {
    const rv = asString(asObject(spec.rayClusterSpec)?.rayVersion) ?? '';
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
  const resources = asString(spec.entrypointResources) ?? '';
  if (resources.length > 0) cmd.push('--entrypoint-resources', goQuote(resources));
  cmd.push('--', entrypoint, ';');
  if (needsStatusCheck) cmd.push('fi', ';', 'ray', 'job', 'logs', '--address', address, '--follow', jobId);
  return { command: cmd };
}

/**
 * Mirrors `configureSubmitterContainer`: the command (`/bin/bash -ce --` and the script) when the
 * container has none or in SidecarMode; then `PYTHONUNBUFFERED=1`, `RAY_DASHBOARD_ADDRESS` and
 * `RAY_JOB_SUBMISSION_ID` appended (even if present), and the token-auth env when the cluster has
 * `authOptions.mode: token` (`SetContainerTokenAuthEnvVars`, as on the cluster's own pods).
 */
function configureSubmitterContainer(container: JsonMap, spec: JsonObject, mode: 'K8sJobMode' | 'SidecarMode', status: SubmitStatus,
  cluster: SubmitterCluster, options?: KubeRayOperatorOptions): string | undefined {
  const built = buildJobSubmitCommand(spec, mode, status, options);
  if ('error' in built) return built.error;
  if (asArray(container.command).length === 0 || mode === 'SidecarMode') {
    container.command = containerCommand('e', options);
    container.args = [built.command.join(' ')];
  }
  const env = arrayAt(container, 'env');
  env.push({ name: 'PYTHONUNBUFFERED', value: '1' });
  env.push({ name: 'RAY_DASHBOARD_ADDRESS', value: status.dashboardURL });
  env.push({ name: 'RAY_JOB_SUBMISSION_ID', value: status.jobId });
  const facts = clusterFacts({ metadata: { name: cluster.name }, spec: cluster.spec ?? {} });
  if (facts.auth) setContainerTokenAuthEnvVars(container, facts);
  return undefined;
}

/** The note after the path of the SidecarMode submitter, telling where (not) to change it. */
export const SIDECAR_SUBMITTER_PATH = 'spec.submissionMode (the ray-job-submitter container KubeRay appends to the head pod in SidecarMode: '
  + 'it has no securityContext and no field sets one; only the pod-level spec.rayClusterSpec.headGroupSpec.template.spec.securityContext applies)';

const DEFAULT_SUBMITTER_PATH = 'spec.submitterPodTemplate.spec.containers[0] (KubeRay\'s default ray-job-submitter container: '
  + 'set spec.submitterPodTemplate to choose its securityContext)';

/** Why the SidecarMode submitter is in the head pod, and where (not) to change it. */
export function sidecarSubmitterInjected(): InjectedContainer {
  return {
    list: 'containers',
    name: INJECTED_CONTAINERS.submitter,
    reason: 'KubeRay appends the ray-job-submitter container to the head pod because spec.submissionMode is SidecarMode; '
      + 'it has no securityContext and no field sets one (use K8sJobMode with spec.submitterPodTemplate to control the submitter)',
    settingsFrom: 'spec.submissionMode',
  };
}

/**
 * Mirrors `getSubmitterContainer` for SidecarMode: KubeRay's default submitter container, built
 * from the cluster spec before it is appended to the head pod, configured for SidecarMode, with
 * `restartPolicy: OnFailure` under the SidecarSubmitterRestart gate.
 */
export function buildSidecarSubmitter(job: SubmitterJob, status: SubmitStatus, cluster: SubmitterCluster,
  options?: KubeRayOperatorOptions): { readonly container: JsonMap } | { readonly error: string } {
  const container = defaultSubmitterContainer(cluster.spec);
  const err = configureSubmitterContainer(container, job.spec, 'SidecarMode', status, cluster, options);
  if (err) return { error: err };
  if (featureGates(options).SidecarSubmitterRestart) container.restartPolicy = 'OnFailure';
  return { container };
}

/** Mirrors `getSubmitterTemplate` and `createNewK8sJob`: the K8sJobMode submitter Job and its pod. */
export function buildSubmitterJob(job: SubmitterJob, status: SubmitStatus, cluster: SubmitterCluster, options?: KubeRayOperatorOptions):
{ readonly job: JsonMap; readonly pod: SubmitterPod } | { readonly error: string } {
  const userTemplate = asObject(job.spec.submitterPodTemplate);
  const template: JsonMap = userTemplate
    ? cloneMap(userTemplate)
    : { spec: { containers: [defaultSubmitterContainer(cluster.spec)], restartPolicy: 'Never' } };
  const podSpec = isMap(template.spec) ? template.spec : (template.spec = {});
  const first = asArray(podSpec.containers)[0];
  if (!isMap(first)) {
    return { error: 'spec.submitterPodTemplate.spec.containers[0] is missing: KubeRay indexes it and fails (the reconcile panics and is retried)' };
  }
  const err = configureSubmitterContainer(first, job.spec, 'K8sJobMode', status, cluster, options);
  if (err) return { error: err };
  if (asObject(cluster.spec?.authOptions)?.enableK8sTokenAuth === true) addRayTokenVolume(podSpec);
  const tmd = isMap(template.metadata) ? template.metadata : (template.metadata = {});
  tmd.labels = {
    ...stringMap(tmd.labels),
    [KUBERAY_ORIGIN_LABELS.crName]: job.name,
    [KUBERAY_ORIGIN_LABELS.crd]: 'RayJob',
    [RAY_LABELS.createdBy]: KUBERAY_COMPONENT_NAME,
  };
  const backoff = asObject(job.spec.submitterConfig)?.backoffLimit;
  const jobMeta: JsonMap = {
    name: job.name,
    labels: {
      [KUBERAY_ORIGIN_LABELS.crName]: job.name,
      [KUBERAY_ORIGIN_LABELS.crd]: 'RayJob',
      [RAY_LABELS.createdBy]: KUBERAY_COMPONENT_NAME,
    },
  };
  if (job.namespace) jobMeta.namespace = job.namespace;
  const batchJob: JsonMap = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: jobMeta,
    spec: { backoffLimit: typeof backoff === 'number' ? backoff : 2, template: cloneJson(template) },
  };
  const podMeta: JsonMap = { ...cloneMap(tmd), name: `${job.name}-${randomSuffix(options)}`, generateName: `${job.name}-` };
  if (job.namespace) podMeta.namespace = job.namespace;
  else delete podMeta.namespace;
  const pod: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: podMeta, spec: cloneJson(podSpec) };
  const source: PodSource = userTemplate
    ? { metadataPath: 'spec.submitterPodTemplate.metadata', specPath: 'spec.submitterPodTemplate.spec' }
    : {
      metadataPath: 'spec.submitterPodTemplate.metadata',
      specPath: 'spec.submitterPodTemplate.spec',
      containerPaths: { containers: [DEFAULT_SUBMITTER_PATH] },
    };
  const injected: InjectedContainer[] = userTemplate ? [] : [{
    list: 'containers',
    name: INJECTED_CONTAINERS.submitter,
    reason: 'KubeRay runs its default ray-job-submitter pod because spec.submitterPodTemplate is not set; the container has no '
      + 'securityContext and the pod none either',
    settingsFrom: 'spec.submitterPodTemplate',
  }];
  return { job: batchJob, pod: { template: userTemplate ? 'user' : 'default', pod, source, injected } };
}
