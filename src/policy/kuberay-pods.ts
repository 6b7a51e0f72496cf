/**
 * A pure model of the Pods the KubeRay operator builds from a RayCluster.
 *
 * Security rules must judge what really runs: the Pods KubeRay creates, including the containers
 * and volumes it injects, not only the templates the user wrote. This module mirrors, for the
 * fields that matter to security and isolation, what KubeRay **v1.7.0** does in
 * `ray-operator/controllers/ray/common/pod.go` (`DefaultHeadPodTemplate`,
 * `DefaultWorkerPodTemplate`, `BuildPod`, `BuildAutoscalerContainer`, `mergeAutoscalerOverrides`,
 * `BuildCollectorContainer`, `configureTLS`, `configureTokenAuth`, `labelPod`, `addEmptyDir`),
 * `ray-operator/controllers/ray/raycluster_controller.go` (`buildHeadPod`, `buildWorkerPod`) and
 * `ray-operator/controllers/ray/utils/util.go` (`CheckName`, `CheckLabel`, `PodGenerateName`,
 * `GetHeadGroupServiceAccountName`, `GetWorkerGroupDesiredReplicas`).
 *
 * Modelled: labels, annotations KubeRay sets, namespace, `serviceAccountName`, container order,
 * injected containers (`wait-gcs-ready`, `autoscaler`, `ray-history-collector`,
 * `wait-for-tls-ip-san`) with their image, pull policy, securityContext, resources, volume mounts
 * and the env vars that reference Secrets or are security-relevant, the volumes KubeRay adds
 * (`/dev/shm`, the shared `/tmp/ray` log volume, the mTLS Secret, the projected service-account
 * token), the `metrics` port, and the template's own pod-level fields (hostNetwork, securityContext,
 * nodeSelector, affinity, tolerations, volumes…), which KubeRay keeps as written.
 *
 * Not modelled (no bearing on the security rules): the rewritten Ray `command`/`args` and
 * `rayStartParams`, most KubeRay-generated env vars of the Ray container (`RAY_ADDRESS`,
 * `KUBERAY_GEN_RAY_START_CMD`…), liveness/readiness probes, controller owner references, batch
 * scheduler labels and `schedulerName`, per-replica multi-host labels, the embedded GCS
 * fault-tolerance PVC, and sidecars configured on the operator itself (`headSidecarContainers`).
 *
 * Feature-gated injections (history-server collector, mTLS) are modelled as if their gate were on:
 * with the gate off, KubeRay v1.7.0 refuses a RayCluster that sets the field
 * (`ValidateRayClusterSpec`), so no Pod is built at all.
 *
 * Source read: the newest stored copy of `pod.go` (not pinned to the v1.7.0 commit, but it has every
 * v1.7.0 feature: `tlsOptions`, `historyServerOptions.collectorOptions`, `authOptions.enableK8sTokenAuth`,
 * matching the v1.7.0 CRD), `validation.go` of the same generation, and `util.go` helpers.
 * Two constant strings were not readable and are marked where used (the mTLS volume and Secret names).
 *
 * Every function here is pure: the input is never mutated and every result is a fresh deep copy.
 *
 * @module
 */

import type { PodSource } from './pod-security/visit';
import { JsonObject, JsonValue } from './types';

/** The two kinds of Ray node. */
export type RayNodeType = 'head' | 'worker';

/** Where each part of a built pod comes from in the RayCluster document: the pod-security engine's {@link PodSource}. */
export type { PodSource } from './pod-security/visit';

/** A container KubeRay adds to a pod, and why. */
export interface InjectedContainer {
  /** The container list it is in. */
  readonly list: 'containers' | 'initContainers';
  /** Its name in the pod. */
  readonly name: string;
  /** Why it is there, e.g. `KubeRay injects wait-gcs-ready into every worker pod`. */
  readonly reason: string;
  /** The path the user must change to change its settings, e.g. `spec.autoscalerOptions.securityContext`. */
  readonly settingsFrom?: string;
}

/** One pod KubeRay would build: a template pod for the head or for one worker group. */
export interface RayPod {
  /** `head` or `worker`. */
  readonly nodeType: RayNodeType;
  /** `headgroup`, or the worker group's `groupName`. */
  readonly group: string;
  /** `spec.headGroupSpec` or `spec.workerGroupSpecs[i]`. */
  readonly groupPath: string;
  /** A v1 Pod: `{ apiVersion: 'v1', kind: 'Pod', metadata: {name, generateName, namespace, labels, annotations}, spec }`. */
  readonly pod: JsonObject;
  /** Where each part of `pod` comes from; `containerPaths` covers every container, user and injected. */
  readonly source: PodSource;
  /** The containers KubeRay added, in the order they appear. */
  readonly injected: InjectedContainer[];
  /**
   * Replica counts of the group, in replicas (each replica is `numOfHosts` pods). Head: 1/1/1/1.
   * A suspended worker group has 0/0/0 (it is left out of KubeRay's min/max/desired counts).
   */
  readonly replicas: {
    /** `minReplicas`. */
    readonly min: number;
    /** `maxReplicas`. */
    readonly max: number;
    /** `replicas`, as KubeRay clamps it into [min, max]. */
    readonly desired: number;
    /** Pods per replica (`numOfHosts`, multi-host TPU groups). */
    readonly numOfHosts: number;
  };
}

/** Operator settings that change the pods KubeRay builds. */
export interface BuildRayPodsOptions {
  /** Operator env ENABLE_INIT_CONTAINER_INJECTION. @default true */
  readonly initContainerInjection?: boolean;
}

/** The KubeRay release this model follows. */
export const MODELLED_KUBERAY_VERSION = 'v1.7.0';

/** Name of the init container KubeRay injects into worker pods (`DefaultWorkerPodTemplate`). */
export const WAIT_GCS_READY_CONTAINER = 'wait-gcs-ready';
/** Name of the autoscaler sidecar (`AutoscalerContainerName` in pod.go). */
export const AUTOSCALER_CONTAINER = 'autoscaler';
/** Name of the history-server collector sidecar (`utils.CollectorContainerName`). */
export const HISTORY_COLLECTOR_CONTAINER = 'ray-history-collector';
/** Name of the mTLS init container (`configureTLS`). */
export const TLS_INIT_CONTAINER = 'wait-for-tls-ip-san';

/** Label keys KubeRay sets on every Ray pod (`utils/constant.go`). */
export const RAY_LABELS = {
  /** `ray.io/is-ray-node: yes` (a template may override it). */
  isRayNode: 'ray.io/is-ray-node',
  /** `ray.io/cluster: <name>` (always KubeRay's; NetworkPolicies select by it). */
  cluster: 'ray.io/cluster',
  /** `ray.io/node-type: head|worker` (always KubeRay's). */
  nodeType: 'ray.io/node-type',
  /** `ray.io/group: headgroup|<groupName>` (always KubeRay's). */
  group: 'ray.io/group',
  /** `ray.io/identifier: <cluster>-<type>` (a template may override it). */
  identifier: 'ray.io/identifier',
  /** `app.kubernetes.io/name: kuberay` (a template may override it). */
  appName: 'app.kubernetes.io/name',
  /** `app.kubernetes.io/created-by: kuberay-operator` (a template may override it). */
  createdBy: 'app.kubernetes.io/created-by',
} as const;

/**
 * The pod labels KubeRay's `labelPod` lets a template override. `ray.io/node-type`, `ray.io/group`
 * and `ray.io/cluster` are always KubeRay's; the others only default to KubeRay's value.
 */
export const OVERRIDABLE_RAY_LABELS: readonly string[] = [
  RAY_LABELS.isRayNode,
  RAY_LABELS.identifier,
  RAY_LABELS.appName,
  RAY_LABELS.createdBy,
];

const HEAD_GROUP = 'headgroup';
const RAY_CONTAINER_INDEX = 0;
const MAX_INT32 = 2147483647;
const METRICS_PORT_NAME = 'metrics';
const METRICS_PORT = 8080;
const SHARED_MEMORY_VOLUME = 'shared-mem';
const SHARED_MEMORY_PATH = '/dev/shm';
const RAY_LOG_VOLUME = 'ray-logs';
const RAY_LOG_PATH = '/tmp/ray';
/** `utils.RayTLSVolumeName`; the exact string was not readable in the stored source (see module notes). */
const TLS_VOLUME = 'ray-tls';
const TLS_MOUNT_PATH = '/etc/ray/tls';
/** `utils.RayTokenVolumeName`, as in the upstream manual-auth sample. */
const TOKEN_VOLUME = 'ray-token';
const TOKEN_MOUNT_PATH = '/var/run/secrets/ray.io/serviceaccount';

type Obj = { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// Small JSON helpers
// ---------------------------------------------------------------------------------------------

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy of a JSON value; `undefined` members are dropped, non-JSON values become null. */
function clone(v: unknown): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : clone(x)));
  if (typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x !== undefined) out[k] = clone(x);
    }
    return out;
  }
  return null;
}

function cloneObj(v: unknown): Obj {
  return isObj(v) ? (clone(v) as Obj) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function int(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : dflt;
}

/** A string map from a labels/annotations object: strings kept, numbers/booleans stringified, the rest dropped. */
function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  }
  return out;
}

/** The array at `obj[key]`, creating an empty one when it is missing or not an array. */
function arrayAt(obj: Obj, key: string): JsonValue[] {
  const v = obj[key];
  if (Array.isArray(v)) return v;
  const fresh: JsonValue[] = [];
  obj[key] = fresh;
  return fresh;
}

function namedIndex(list: JsonValue[] | undefined, name: string): number {
  if (!list) return -1;
  return list.findIndex((x) => isObj(x) && x.name === name);
}

function hasEnv(container: Obj, name: string): boolean {
  return Array.isArray(container.env) && namedIndex(container.env, name) >= 0;
}

// ---------------------------------------------------------------------------------------------
// Name and label helpers (utils/util.go)
// ---------------------------------------------------------------------------------------------

const STARTS_WITH_PUNCT = /^\p{P}/u;

/** Mirrors `utils.CheckName`: keep the last 50 chars; a leading digit or punctuation becomes `r`. */
export function checkName(s: string): string {
  let out = s.length > 50 ? s.slice(s.length - 50) : s;
  if (out.length === 0) return out;
  if (/^[0-9]/.test(out)) out = 'r' + out.slice(1);
  if (STARTS_WITH_PUNCT.test(out)) out = 'r' + out.slice(1);
  return out;
}

/** Mirrors `utils.CheckLabel`: keep the last 63 chars; a leading punctuation becomes `r`. */
export function checkLabel(s: string): string {
  let out = s.length > 63 ? s.slice(s.length - 63) : s;
  if (out.length > 0 && STARTS_WITH_PUNCT.test(out)) out = 'r' + out.slice(1);
  return out;
}

/** Mirrors `utils.PodGenerateName`: the first 50 chars of the prefix, then `-head-`/`-worker-`, lower case. */
function podGenerateName(prefix: string, nodeType: RayNodeType): string {
  return `${prefix.slice(0, 50)}-${nodeType}-`.toLowerCase();
}

/**
 * The RayCluster's pod-level labels KubeRay sets (for NetworkPolicy selection). Mirrors the base
 * map of `labelPod` in pod.go.
 *
 * Only `ray.io/cluster`, `ray.io/node-type` and `ray.io/group` are guaranteed: `labelPod` lets the
 * pod template (and the group's `labels`) override the others ({@link OVERRIDABLE_RAY_LABELS}),
 * so a selector must not rely on `ray.io/is-ray-node`, `ray.io/identifier` or `app.kubernetes.io/*`
 * to isolate tenants.
 */
export function rayPodLabels(clusterName: string, nodeType: RayNodeType, group: string): Record<string, string> {
  return {
    [RAY_LABELS.isRayNode]: 'yes',
    [RAY_LABELS.cluster]: clusterName,
    [RAY_LABELS.nodeType]: nodeType,
    [RAY_LABELS.group]: group,
    [RAY_LABELS.identifier]: checkLabel(`${clusterName}-${nodeType}`),
    [RAY_LABELS.appName]: 'kuberay',
    [RAY_LABELS.createdBy]: 'kuberay-operator',
  };
}

/**
 * Mirrors `labelPod` (pod.go) after `mergeLabels`: the template's labels, then the group's
 * top-level `labels` (which win), override KubeRay's base labels except the three protected keys.
 */
function labelPod(clusterName: string, nodeType: RayNodeType, group: string, userLabels: Record<string, string>): Record<string, string> {
  const labels = rayPodLabels(clusterName, nodeType, group);
  for (const [k, v] of Object.entries(userLabels)) {
    if (k === RAY_LABELS.nodeType || k === RAY_LABELS.group || k === RAY_LABELS.cluster) continue;
    labels[k] = v;
  }
  return labels;
}

// ---------------------------------------------------------------------------------------------
// Cluster-wide facts
// ---------------------------------------------------------------------------------------------

interface ClusterFacts {
  readonly name: string;
  readonly namespace?: string;
  readonly annotations: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly spec: Obj;
  /** `utils.IsAutoscalingEnabled`: `spec.enableInTreeAutoscaling == true`. */
  readonly autoscaling: boolean;
  /** `autoscalerOptions.version == v2` (a Ray-version-based default is not modelled). */
  readonly autoscalerV2: boolean;
  /** `utils.IsTLSEnabled`: `spec.tlsOptions.enabled == true`. */
  readonly tls: boolean;
  /** `utils.IsAuthEnabled`: `spec.authOptions.mode == token`. */
  readonly auth: boolean;
  /** `utils.IsK8sAuthEnabled`: `spec.authOptions.enableK8sTokenAuth == true`. */
  readonly k8sAuth: boolean;
  /** Secret holding the Ray auth token: `authOptions.secretName`, else `CheckName(cluster name)`. */
  readonly authSecretName: string;
  /** `spec.historyServerOptions.collectorOptions`, when set. */
  readonly collector?: Obj;
  /** `utils.IsGCSFaultToleranceEnabled`: annotation `ray.io/ft-enabled=true` or `gcsFaultToleranceOptions` set. */
  readonly gcsFT: boolean;
  /** Value of the RayCluster label `ray.io/originated-from-crd` (RayJob, RayService…). */
  readonly creatorCrd?: string;
}

function clusterFacts(rc: JsonObject): ClusterFacts {
  const metadata = isObj(rc.metadata) ? rc.metadata : {};
  const spec = isObj(rc.spec) ? rc.spec : {};
  const name = str(metadata.name) ?? '';
  const annotations = stringMap(metadata.annotations);
  const autoscalerOptions = isObj(spec.autoscalerOptions) ? spec.autoscalerOptions : {};
  const authOptions = isObj(spec.authOptions) ? spec.authOptions : {};
  const tlsOptions = isObj(spec.tlsOptions) ? spec.tlsOptions : {};
  const history = isObj(spec.historyServerOptions) ? spec.historyServerOptions : {};
  const secretName = str(authOptions.secretName);
  const labels = stringMap(metadata.labels);
  return {
    name,
    namespace: str(metadata.namespace) || undefined,
    annotations,
    labels,
    spec,
    autoscaling: spec.enableInTreeAutoscaling === true,
    autoscalerV2: autoscalerOptions.version === 'v2',
    tls: tlsOptions.enabled === true,
    auth: authOptions.mode === 'token',
    k8sAuth: authOptions.enableK8sTokenAuth === true,
    authSecretName: secretName ? secretName : checkName(name),
    collector: isObj(history.collectorOptions) ? history.collectorOptions : undefined,
    gcsFT: (annotations['ray.io/ft-enabled'] ?? '').toLowerCase() === 'true' || isObj(spec.gcsFaultToleranceOptions),
    creatorCrd: labels['ray.io/originated-from-crd'],
  };
}

// ---------------------------------------------------------------------------------------------
// Pieces of containers and volumes KubeRay adds
// ---------------------------------------------------------------------------------------------

function resources(requestsCpu: string, requestsMemory: string, limitsCpu: string, limitsMemory: string): Obj {
  return {
    limits: { cpu: limitsCpu, memory: limitsMemory },
    requests: { cpu: requestsCpu, memory: requestsMemory },
  };
}

/** Mirrors `SetContainerTokenAuthEnvVars` (pod.go): auth mode env, token from a Secret or the projected SA token. */
function setTokenAuth(container: Obj, facts: ClusterFacts): void {
  const env = arrayAt(container, 'env');
  if (!hasEnv(container, 'RAY_AUTH_MODE')) env.push({ name: 'RAY_AUTH_MODE', value: 'token' });
  if (facts.k8sAuth) {
    if (!hasEnv(container, 'RAY_ENABLE_K8S_TOKEN_AUTH')) env.push({ name: 'RAY_ENABLE_K8S_TOKEN_AUTH', value: 'true' });
    const mounts = arrayAt(container, 'volumeMounts');
    if (namedIndex(mounts, TOKEN_VOLUME) < 0) mounts.push({ name: TOKEN_VOLUME, mountPath: TOKEN_MOUNT_PATH, readOnly: true });
  } else if (!hasEnv(container, 'RAY_AUTH_TOKEN')) {
    env.push({
      name: 'RAY_AUTH_TOKEN',
      valueFrom: { secretKeyRef: { name: facts.authSecretName, key: 'auth_token' } },
    });
  }
}

/** Mirrors `SetContainerTLSConfig` (pod.go): TLS env vars and the read-only TLS Secret mount. */
function setTLSConfig(container: Obj): void {
  const env = arrayAt(container, 'env');
  const tlsEnv: Array<[string, string]> = [
    ['RAY_USE_TLS', '1'],
    ['RAY_TLS_SERVER_CERT', `${TLS_MOUNT_PATH}/tls.crt`],
    ['RAY_TLS_SERVER_KEY', `${TLS_MOUNT_PATH}/tls.key`],
    ['RAY_TLS_CA_CERT', `${TLS_MOUNT_PATH}/ca.crt`],
  ];
  for (const [name, value] of tlsEnv) {
    if (!hasEnv(container, name)) env.push({ name, value });
  }
  const mounts = arrayAt(container, 'volumeMounts');
  const mounted = mounts.some((m) => isObj(m) && (m.name === TLS_VOLUME || m.mountPath === TLS_MOUNT_PATH));
  if (!mounted) mounts.push({ name: TLS_VOLUME, mountPath: TLS_MOUNT_PATH, readOnly: true });
}

/**
 * Mirrors `addEmptyDir` (pod.go): unless the container already mounts `mountPath`, add an
 * emptyDir volume named `volumeName` (if the pod has no volume of that name) and mount it.
 * A memory-backed emptyDir is sized to the container's memory limit, else its memory request.
 */
function addEmptyDir(spec: Obj, container: Obj, volumeName: string, mountPath: string, memory: boolean): void {
  const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
  if (mounts.some((m) => isObj(m) && m.mountPath === mountPath)) return;
  const volumes = arrayAt(spec, 'volumes');
  if (namedIndex(volumes, volumeName) < 0) {
    const emptyDir: Obj = {};
    if (memory) {
      emptyDir.medium = 'Memory';
      const res = isObj(container.resources) ? container.resources : {};
      const limits = isObj(res.limits) ? res.limits : {};
      const requests = isObj(res.requests) ? res.requests : {};
      const size = limits.memory !== undefined ? limits.memory : requests.memory;
      if (size !== undefined) emptyDir.sizeLimit = clone(size);
    }
    volumes.push({ name: volumeName, emptyDir });
  }
  arrayAt(container, 'volumeMounts').push({ name: volumeName, mountPath, readOnly: false });
}

/**
 * Mirrors `BuildAutoscalerContainer` then `mergeAutoscalerOverrides` (pod.go). The image defaults
 * to the Ray container's; resources default to 500m/512Mi requests and limits; the securityContext
 * comes only from `spec.autoscalerOptions.securityContext` (none otherwise). Auth and TLS settings
 * are applied before the user's overrides, as upstream does.
 */
function buildAutoscalerContainer(facts: ClusterFacts, rayImage: JsonValue | undefined): Obj {
  const startCmd = 'ray kuberay-autoscaler --cluster-name $(RAY_CLUSTER_NAME) --cluster-namespace $(RAY_CLUSTER_NAMESPACE)';
  const container: Obj = {
    name: AUTOSCALER_CONTAINER,
    imagePullPolicy: 'IfNotPresent',
    env: [
      { name: 'RAY_CLUSTER_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['ray.io/cluster']" } } },
      { name: 'RAY_CLUSTER_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'RAY_HEAD_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'KUBERAY_CRD_VER', value: 'v1' },
      { name: 'KUBERAY_GEN_AUTOSCALER_START_CMD', value: startCmd },
    ],
    resources: resources('500m', '512Mi', '500m', '512Mi'),
  };
  if (rayImage !== undefined) container.image = clone(rayImage);
  if (facts.auth) setTokenAuth(container, facts);
  if (facts.tls) setTLSConfig(container);

  const opts = isObj(facts.spec.autoscalerOptions) ? facts.spec.autoscalerOptions : undefined;
  if (opts) {
    if (isObj(opts.resources)) container.resources = clone(opts.resources);
    if (typeof opts.image === 'string') container.image = opts.image;
    if (typeof opts.imagePullPolicy === 'string') container.imagePullPolicy = opts.imagePullPolicy;
    if (Array.isArray(opts.env) && opts.env.length > 0) arrayAt(container, 'env').push(...(clone(opts.env) as JsonValue[]));
    if (Array.isArray(opts.envFrom) && opts.envFrom.length > 0) arrayAt(container, 'envFrom').push(...(clone(opts.envFrom) as JsonValue[]));
    if (Array.isArray(opts.volumeMounts) && opts.volumeMounts.length > 0) {
      arrayAt(container, 'volumeMounts').push(...(clone(opts.volumeMounts) as JsonValue[]));
    }
    if (isObj(opts.securityContext)) container.securityContext = clone(opts.securityContext);
    if (Array.isArray(opts.command) && opts.command.length > 0) container.command = clone(opts.command);
    if (Array.isArray(opts.args) && opts.args.length > 0) container.args = clone(opts.args);
  }
  return container;
}

/**
 * Mirrors `BuildCollectorContainer` (pod.go): image, pull policy (default IfNotPresent),
 * resources (default requests 50m/64Mi, limits 200m/256Mi) and env from
 * `spec.historyServerOptions.collectorOptions`. It never has a container securityContext: the CRD
 * has no field for one. KubeRay's own env vars (pod IP, role, events port…) are not modelled, the
 * user's `env` and the auth env are.
 */
function buildCollectorContainer(facts: ClusterFacts, collector: Obj): Obj {
  const container: Obj = {
    name: HISTORY_COLLECTOR_CONTAINER,
    imagePullPolicy: typeof collector.imagePullPolicy === 'string' ? collector.imagePullPolicy : 'IfNotPresent',
    resources: isObj(collector.resources) ? clone(collector.resources) : resources('50m', '64Mi', '200m', '256Mi'),
  };
  if (typeof collector.image === 'string') container.image = collector.image;
  if (Array.isArray(collector.env) && collector.env.length > 0) container.env = clone(collector.env);
  if (facts.auth) setTokenAuth(container, facts);
  return container;
}

/**
 * Mirrors the `wait-gcs-ready` init container of `DefaultWorkerPodTemplate` (pod.go): the Ray
 * container's image, pull policy, securityContext, env and volumeMounts (deep copies), and fixed
 * resources of 200m/256Mi (requests and limits).
 */
function buildWaitGcsReady(ray: Obj): Obj {
  const c: Obj = { name: WAIT_GCS_READY_CONTAINER };
  if (ray.image !== undefined) c.image = clone(ray.image);
  if (ray.imagePullPolicy !== undefined) c.imagePullPolicy = clone(ray.imagePullPolicy);
  if (isObj(ray.securityContext)) c.securityContext = clone(ray.securityContext);
  if (Array.isArray(ray.env)) c.env = clone(ray.env);
  if (Array.isArray(ray.volumeMounts)) c.volumeMounts = clone(ray.volumeMounts);
  c.resources = resources('200m', '256Mi', '200m', '256Mi');
  return c;
}

/**
 * Mirrors the init container `configureTLS` (pod.go) prepends when `spec.tlsOptions.enabled`:
 * the Ray container's image, pull policy and securityContext, the TLS Secret mounted read-only,
 * and fixed resources of 50m/64Mi (requests and limits).
 */
function buildTLSInit(ray: Obj): Obj {
  const c: Obj = { name: TLS_INIT_CONTAINER };
  if (ray.image !== undefined) c.image = clone(ray.image);
  if (ray.imagePullPolicy !== undefined) c.imagePullPolicy = clone(ray.imagePullPolicy);
  if (isObj(ray.securityContext)) c.securityContext = clone(ray.securityContext);
  c.env = [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }];
  c.volumeMounts = [{ name: TLS_VOLUME, mountPath: TLS_MOUNT_PATH, readOnly: true }];
  c.resources = resources('50m', '64Mi', '50m', '64Mi');
  return c;
}

/**
 * Secret behind the mTLS volume. KubeRay names it `<RayHeadSecretPrefix|RayWorkerSecretPrefix>-<cluster>`;
 * the prefixes were not readable in the stored source, so the documented Certificate names
 * (`ray-head-cert-<cluster>`, `ray-worker-cert-<cluster>`) stand in. Only the volume type matters
 * to the security rules.
 */
function tlsSecretName(clusterName: string, nodeType: RayNodeType): string {
  return `ray-${nodeType}-cert-${clusterName}`;
}

// ---------------------------------------------------------------------------------------------
// Building one pod
// ---------------------------------------------------------------------------------------------

interface GroupInput {
  readonly nodeType: RayNodeType;
  readonly group: string;
  readonly groupPath: string;
  readonly groupSpec: Obj;
}

function buildPod(facts: ClusterFacts, input: GroupInput, injection: boolean): RayPod {
  const { nodeType, group, groupPath, groupSpec } = input;
  const isHead = nodeType === 'head';
  const metadataPath = `${groupPath}.template.metadata`;
  const specPath = `${groupPath}.template.spec`;
  const rayPath = `${specPath}.containers[${RAY_CONTAINER_INDEX}]`;

  const template = isObj(groupSpec.template) ? groupSpec.template : {};
  const templateMeta = isObj(template.metadata) ? template.metadata : {};
  const spec = cloneObj(template.spec);
  const injected: InjectedContainer[] = [];

  // Containers and their source paths, kept index for index.
  const containers = arrayAt(spec, 'containers');
  const containerPaths = containers.map((_, i) => `${specPath}.containers[${i}]`);
  const hadInit = Array.isArray(spec.initContainers);
  const initContainers: JsonValue[] = hadInit ? (spec.initContainers as JsonValue[]) : [];
  const initPaths = initContainers.map((_, i) => `${specPath}.initContainers[${i}]`);
  const ephemeralPaths = Array.isArray(spec.ephemeralContainers)
    ? spec.ephemeralContainers.map((_, i) => `${specPath}.ephemeralContainers[${i}]`)
    : undefined;
  const first = containers[RAY_CONTAINER_INDEX];
  const ray: Obj | undefined = isObj(first) ? first : undefined;

  const pushInit = (c: Obj, path: string, info: InjectedContainer, prepend: boolean): void => {
    if (prepend) {
      initContainers.unshift(c);
      initPaths.unshift(path);
    } else {
      initContainers.push(c);
      initPaths.push(path);
    }
    injected.push(info);
  };

  // DefaultWorkerPodTemplate: wait-gcs-ready, unless ENABLE_INIT_CONTAINER_INJECTION=false.
  if (!isHead && injection && ray) {
    pushInit(buildWaitGcsReady(ray), rayPath, {
      list: 'initContainers',
      name: WAIT_GCS_READY_CONTAINER,
      reason: 'KubeRay injects wait-gcs-ready into every worker pod; it copies the Ray container\'s image and securityContext',
      settingsFrom: `${rayPath}.securityContext`,
    }, false);
  }

  // Labels: mergeLabels(template labels, group labels) then labelPod.
  const userLabels = { ...stringMap(templateMeta.labels), ...stringMap(groupSpec.labels) };
  const labels = labelPod(facts.name, nodeType, group, userLabels);
  // BuildPod: pods of a RayService's cluster get ray.io/serve (false on the head until it serves).
  if (facts.creatorCrd === 'RayService') labels['ray.io/serve'] = isHead ? 'false' : 'true';

  // Annotations: initTemplateAnnotations and configureGCSFaultTolerance.
  const annotations = stringMap(templateMeta.annotations);
  if ((facts.annotations['ray.io/overwrite-container-cmd'] ?? '').toLowerCase() === 'true') {
    annotations['ray.io/overwrite-container-cmd'] = 'true';
  }
  if (isHead) annotations['ray.io/ft-enabled'] = String(facts.gcsFT);

  // DefaultHeadPodTemplate: the autoscaler sidecar and its service account.
  let autoscaler: Obj | undefined;
  if (isHead && facts.autoscaling) {
    const sa = str(spec.serviceAccountName);
    spec.serviceAccountName = checkName(sa ? sa : facts.name);
    autoscaler = buildAutoscalerContainer(facts, ray?.image);
    containers.push(autoscaler);
    containerPaths.push('spec.autoscalerOptions');
    injected.push({
      list: 'containers',
      name: AUTOSCALER_CONTAINER,
      reason: 'KubeRay injects the autoscaler sidecar into the head pod because spec.enableInTreeAutoscaling is true; '
        + 'its securityContext comes only from spec.autoscalerOptions.securityContext',
      settingsFrom: 'spec.autoscalerOptions.securityContext',
    });
    if (facts.autoscalerV2) spec.restartPolicy = 'Never';
  } else if (!isHead && facts.autoscaling && facts.autoscalerV2) {
    spec.restartPolicy = 'Never';
  }

  if (ray) {
    // A `metrics` port (8080) on the Ray container unless it already has one of that name.
    const ports = arrayAt(ray, 'ports');
    if (namedIndex(ports, METRICS_PORT_NAME) < 0) ports.push({ name: METRICS_PORT_NAME, containerPort: METRICS_PORT });
  }

  // configureTokenAuth: env on the Ray container and wait-gcs-ready; projected SA token volume for K8s auth.
  if (facts.auth) {
    if (ray) setTokenAuth(ray, facts);
    if (facts.k8sAuth) {
      const volumes = arrayAt(spec, 'volumes');
      if (namedIndex(volumes, TOKEN_VOLUME) < 0) {
        volumes.push({ name: TOKEN_VOLUME, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } });
      }
    }
    for (const c of initContainers) if (isObj(c) && c.name === WAIT_GCS_READY_CONTAINER) setTokenAuth(c, facts);
  }

  // configureTLS: the TLS Secret volume, TLS settings on the Ray container and wait-gcs-ready, and
  // the wait-for-tls-ip-san init container prepended (skipped when one of that name exists).
  if (facts.tls && ray) {
    const volumes = arrayAt(spec, 'volumes');
    if (namedIndex(volumes, TLS_VOLUME) < 0) {
      volumes.push({ name: TLS_VOLUME, secret: { secretName: tlsSecretName(facts.name, nodeType) } });
    }
    setTLSConfig(ray);
    for (const c of initContainers) if (isObj(c) && c.name === WAIT_GCS_READY_CONTAINER) setTLSConfig(c);
    if (namedIndex(initContainers, TLS_INIT_CONTAINER) < 0) {
      pushInit(buildTLSInit(ray), rayPath, {
        list: 'initContainers',
        name: TLS_INIT_CONTAINER,
        reason: 'KubeRay injects wait-for-tls-ip-san into every Ray pod because spec.tlsOptions.enabled is true; '
          + 'it copies the Ray container\'s image and securityContext',
        settingsFrom: `${rayPath}.securityContext`,
      }, true);
    }
  }

  // The history-server collector sidecar (gate RayClusterHistoryServer).
  let collector: Obj | undefined;
  if (facts.collector) {
    collector = buildCollectorContainer(facts, facts.collector);
    containers.push(collector);
    containerPaths.push('spec.historyServerOptions.collectorOptions');
    injected.push({
      list: 'containers',
      name: HISTORY_COLLECTOR_CONTAINER,
      reason: 'KubeRay injects the ray-history-collector sidecar into every Ray pod because '
        + 'spec.historyServerOptions.collectorOptions is set; it has no securityContext field, so only the pod-level '
        + 'securityContext applies to it',
      settingsFrom: `${specPath}.securityContext`,
    });
  }

  // BuildPod: /dev/shm for the object store (unless plasma-directory is set), and the /tmp/ray
  // log volume shared with the autoscaler and with the collector.
  if (ray) {
    const rayStartParams = isObj(groupSpec.rayStartParams) ? groupSpec.rayStartParams : {};
    if (rayStartParams['plasma-directory'] === undefined) {
      addEmptyDir(spec, ray, SHARED_MEMORY_VOLUME, SHARED_MEMORY_PATH, true);
    }
    if (autoscaler) {
      addEmptyDir(spec, ray, RAY_LOG_VOLUME, RAY_LOG_PATH, false);
      addEmptyDir(spec, autoscaler, RAY_LOG_VOLUME, RAY_LOG_PATH, false);
    }
    if (collector) {
      addEmptyDir(spec, ray, RAY_LOG_VOLUME, RAY_LOG_PATH, false);
      addEmptyDir(spec, collector, RAY_LOG_VOLUME, RAY_LOG_PATH, false);
    }
  } else {
    if (autoscaler) addEmptyDir(spec, autoscaler, RAY_LOG_VOLUME, RAY_LOG_PATH, false);
    if (collector) addEmptyDir(spec, collector, RAY_LOG_VOLUME, RAY_LOG_PATH, false);
  }

  if (initContainers.length > 0 || hadInit) spec.initContainers = initContainers;

  // buildHeadPod / buildWorkerPod: generateName from PodGenerateName; real pods add 5 random chars.
  const generateName = isHead
    ? podGenerateName(facts.name, 'head')
    : podGenerateName(`${facts.name}-${group}`, 'worker');
  const metadata: Obj = {
    name: generateName.replace(/-$/, ''),
    generateName,
    labels,
    annotations,
  };
  if (facts.namespace) metadata.namespace = facts.namespace;

  const paths: { containers?: string[]; initContainers?: string[]; ephemeralContainers?: string[] } = { containers: containerPaths };
  if (initPaths.length > 0) paths.initContainers = initPaths;
  if (ephemeralPaths) paths.ephemeralContainers = ephemeralPaths;

  return {
    nodeType,
    group,
    groupPath,
    pod: { apiVersion: 'v1', kind: 'Pod', metadata, spec },
    source: { metadataPath, specPath, containerPaths: paths },
    injected,
    replicas: isHead ? { min: 1, max: 1, desired: 1, numOfHosts: 1 } : workerReplicas(groupSpec),
  };
}

/**
 * Mirrors `GetWorkerGroupDesiredReplicas` (utils/util.go) with the CRD defaults applied
 * (`replicas` 0, `minReplicas` 0, `maxReplicas` 2147483647, `numOfHosts` 1): desired is `replicas`
 * clamped to [min, max] (a missing or too-small `replicas` gives min). A suspended group (`suspend:
 * true`) has no pods, so all three counts are 0.
 */
function workerReplicas(groupSpec: Obj): { min: number; max: number; desired: number; numOfHosts: number } {
  const hosts = int(groupSpec.numOfHosts, 1);
  const numOfHosts = hosts >= 1 ? hosts : 1;
  if (groupSpec.suspend === true) return { min: 0, max: 0, desired: 0, numOfHosts };
  const min = int(groupSpec.minReplicas, 0);
  const max = int(groupSpec.maxReplicas, MAX_INT32);
  const replicas = int(groupSpec.replicas, 0);
  let desired: number;
  if (replicas < min) desired = min;
  else if (replicas > max) desired = max;
  else desired = replicas;
  return { min, max, desired, numOfHosts };
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
  const input: JsonObject = isObj(rayCluster) ? rayCluster : {};
  const facts = clusterFacts(input);
  const spec = facts.spec;
  const pods: RayPod[] = [];

  const head = isObj(spec.headGroupSpec) ? spec.headGroupSpec : {};
  pods.push(buildPod(facts, { nodeType: 'head', group: HEAD_GROUP, groupPath: 'spec.headGroupSpec', groupSpec: head }, injection));

  const groups = Array.isArray(spec.workerGroupSpecs) ? spec.workerGroupSpecs : [];
  groups.forEach((g, i) => {
    if (!isObj(g)) return;
    pods.push(buildPod(facts, {
      nodeType: 'worker',
      group: str(g.groupName) ?? '',
      groupPath: `spec.workerGroupSpecs[${i}]`,
      groupSpec: g,
    }, injection));
  });
  return pods;
}
