/**
 * KubeRay's constants, as the model follows them: the release, the labels it puts on pods, the
 * containers and volumes it injects with their default resources, and the Ray ports it pins.
 * Everything else in the project that needs one of these imports it from here.
 *
 * Upstream: `ray-operator/controllers/ray/utils/constant.go` and `common/pod.go` of KubeRay
 * v1.7.0. A KubeRay version bump starts with the diff of those two files.
 *
 * @module
 */

/** The KubeRay release this model follows. */
export const MODELLED_KUBERAY_VERSION = 'v1.7.0';

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

/** The labels KubeRay always sets itself on the pods it builds (a template cannot override them). */
export const PROTECTED_RAY_LABELS: readonly string[] = [RAY_LABELS.cluster, RAY_LABELS.nodeType, RAY_LABELS.group];

/** Labels and annotations KubeRay puts on objects it creates for a RayJob or RayService. */
export const KUBERAY_ORIGIN_LABELS = {
  /** `ray.io/originated-from-crd: RayJob|RayService` on the RayCluster (switches on RayService pod behaviour). */
  crd: 'ray.io/originated-from-crd',
  /** `ray.io/originated-from-cr-name: <name>`. */
  crName: 'ray.io/originated-from-cr-name',
  /** `ray.io/serve: true|false` on the pods of a RayService's cluster. */
  serve: 'ray.io/serve',
} as const;

/** KubeRay's name of the head group (`ray.io/group` of the head pod). */
export const HEAD_GROUP_NAME = 'headgroup';

/** KubeRay requires the Ray container at this index of `containers`. */
export const RAY_CONTAINER_INDEX = 0;

/** Names of the containers KubeRay injects. */
export const INJECTED_CONTAINERS = {
  /** The init container of every worker pod (`DefaultWorkerPodTemplate`). */
  waitGcsReady: 'wait-gcs-ready',
  /** The autoscaler sidecar of the head pod (`AutoscalerContainerName`). */
  autoscaler: 'autoscaler',
  /** The history-server collector sidecar (`utils.CollectorContainerName`). */
  historyCollector: 'ray-history-collector',
  /** The mTLS init container (`configureTLS`). */
  tlsInit: 'wait-for-tls-ip-san',
} as const;

/** Requests and limits of a container, as quantity strings. */
export interface FixedResources {
  /** CPU and memory limits. */
  readonly limits: { readonly cpu: string; readonly memory: string };
  /** CPU and memory requests. */
  readonly requests: { readonly cpu: string; readonly memory: string };
}

function fixed(requestsCpu: string, requestsMemory: string, limitsCpu = requestsCpu, limitsMemory = requestsMemory): FixedResources {
  return Object.freeze({
    limits: Object.freeze({ cpu: limitsCpu, memory: limitsMemory }),
    requests: Object.freeze({ cpu: requestsCpu, memory: requestsMemory }),
  });
}

/**
 * The resources of the containers KubeRay injects, when the user does not (or cannot) set them.
 * `wait-gcs-ready` and `wait-for-tls-ip-san` are fixed; the autoscaler's are the default of
 * `spec.autoscalerOptions.resources`; the collector's the default of its `resources`.
 */
export const INJECTED_RESOURCES = {
  /** `wait-gcs-ready`: 200m/256Mi, requests = limits, fixed. */
  waitGcsReady: fixed('200m', '256Mi'),
  /** The autoscaler sidecar by default: 500m/512Mi, requests = limits. */
  autoscaler: fixed('500m', '512Mi'),
  /** The history collector by default: requests 50m/64Mi, limits 200m/256Mi. */
  historyCollector: fixed('50m', '64Mi', '200m', '256Mi'),
  /** `wait-for-tls-ip-san`: 50m/64Mi, requests = limits, fixed. */
  tlsInit: fixed('50m', '64Mi'),
} as const;

/** Ray's ports as KubeRay configures them (the head's defaults and the ports KubeRay pins). */
export const RAY_PORTS = {
  /** GCS server, on the head. */
  gcs: 6379,
  /** Dashboard and Jobs API, on the head. */
  dashboard: 8265,
  /** Ray Client server, on the head. */
  client: 10001,
  /** Ray Serve HTTP proxy. */
  serve: 8000,
  /** Metrics export (KubeRay pins it and adds a `metrics` container port). */
  metrics: 8080,
  /** Dashboard agent HTTP (KubeRay pins it; the kubelet probes call it). */
  dashboardAgent: 52365,
} as const;

/** The name of the metrics container port KubeRay adds to the Ray container. */
export const METRICS_PORT_NAME = 'metrics';

/** Volumes KubeRay adds to Ray pods, with where it mounts them. */
export const RAY_VOLUMES = {
  /** The memory-backed `/dev/shm` of the object store (unless `plasma-directory` is set). */
  sharedMemory: { name: 'shared-mem', mountPath: '/dev/shm' },
  /** The `/tmp/ray` log volume shared with the autoscaler and the collector. */
  logs: { name: 'ray-logs', mountPath: '/tmp/ray' },
  /** The mTLS Secret `ray-<head|worker>-secret-<cluster>` (`utils.RayTLSVolumeName`; see {@link TLS_SECRET_PREFIXES}). */
  tls: { name: 'ray-tls', mountPath: '/etc/ray/tls' },
  /** The projected service-account token for Kubernetes token auth (`utils.RayTokenVolumeName`). */
  token: { name: 'ray-token', mountPath: '/var/run/secrets/ray.io/serviceaccount' },
} as const;

/**
 * The prefixes of the Secrets cert-manager fills for mTLS (`spec.tlsOptions.enabled`), one per node
 * type: the Secret is `<prefix>-<cluster>` (`utils.GetTLSSecretName`). Not the Certificates, which
 * are `ray-head-cert-<cluster>` and `ray-worker-cert-<cluster>`.
 */
export const TLS_SECRET_PREFIXES = {
  /** `utils.RayHeadSecretPrefix`. */
  head: 'ray-head-secret',
  /** `utils.RayWorkerSecretPrefix`. */
  worker: 'ray-worker-secret',
} as const;

/** The largest int32: the CRD default of `maxReplicas`. */
export const MAX_INT32 = 2147483647;
