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

/** The KubeRay release this model follows (`utils.KUBERAY_VERSION`). */
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

/**
 * Labels and annotations KubeRay puts on the objects it creates for a RayJob, a RayService or a
 * RayCronJob (the RayCluster, the submitter Job, the Services, the RayJob of a RayCronJob).
 */
export const KUBERAY_ORIGIN_LABELS = {
  /** Label `ray.io/originated-from-crd: RayJob|RayService` on the RayCluster (switches on RayService pod behaviour; `RayOriginatedFromCRDLabelKey`). */
  crd: 'ray.io/originated-from-crd',
  /** Label `ray.io/originated-from-cr-name: <name>`: the RayJob/RayService that created the object (`RayOriginatedFromCRNameLabelKey`). */
  crName: 'ray.io/originated-from-cr-name',
  /** Label `ray.io/serve`: `true|false` on the pods of a RayService's cluster, `<name>-serve` on serve Services (`RayClusterServingServiceLabelKey`). */
  serve: 'ray.io/serve',
  /** Label `ray.io/job-submission-mode` on a RayJob's RayCluster (`RayJobSubmissionModeLabelKey`). */
  jobSubmissionMode: 'ray.io/job-submission-mode',
  /** Label `ray.io/cronjob-name`, the only label of a RayCronJob's RayJob (`RayCronJobNameLabelKey`). */
  cronJobName: 'ray.io/cronjob-name',
  /** Annotation `ray.io/cronjob-scheduled-timestamp` on a RayCronJob's RayJob (`RayCronJobTimestampAnnotationKey`). */
  cronJobScheduledTimestamp: 'ray.io/cronjob-scheduled-timestamp',
  /** Annotation `ray.io/disable-provisioned-head-restart: "true"` on a SidecarMode RayJob's RayCluster (`DisableProvisionedHeadRestartAnnotationKey`). */
  disableProvisionedHeadRestart: 'ray.io/disable-provisioned-head-restart',
  /** Annotation on a RayService's RayCluster: hash of its spec (`HashWithoutReplicasAndWorkersToDeleteKey`). */
  hashWithoutReplicas: 'ray.io/hash-without-replicas-and-workers-to-delete',
  /** Annotation on a RayService's RayCluster: the number of worker groups (`NumWorkerGroupsKey`). */
  numWorkerGroups: 'ray.io/num-worker-groups',
  /** Annotation on a RayService's RayCluster: the KubeRay version that created it (`KubeRayVersion`). */
  kubeRayVersion: 'ray.io/kuberay-version',
} as const;

/** `utils.ComponentName`: the value of `app.kubernetes.io/created-by` KubeRay writes. */
export const KUBERAY_COMPONENT_NAME = 'kuberay-operator';

/** `utils.ApplicationName`: the value of `app.kubernetes.io/name` KubeRay writes. */
export const KUBERAY_APPLICATION_NAME = 'kuberay';

/** `utils.KubeRayController`: the `managedBy` value meaning "this operator". */
export const KUBERAY_CONTROLLER = 'ray.io/kuberay-operator';

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
  /**
   * The job submitter (`utils.SubmitterContainerName`): the container SidecarMode appends to a
   * RayJob's head pod, and the one of KubeRay's default K8sJobMode submitter pod.
   */
  submitter: 'ray-job-submitter',
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
  /** KubeRay's default submitter container (`GetDefaultSubmitterContainer`): requests 500m/200Mi, limits 1/1Gi. */
  submitter: fixed('500m', '200Mi', '1', '1Gi'),
} as const;

/**
 * Ray's ports as KubeRay configures them: the head's defaults (`utils.DefaultGcsServerPort`,
 * `DefaultDashboardPort`, `DefaultClientPort`, `DefaultServingPort`, `DefaultMetricsPort`) and the
 * ports KubeRay pins.
 */
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

/** The extended resource of NVIDIA GPUs, and the key of the taint GPU nodes usually carry. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

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

/** `utils.MaxRayClusterNameLength`. */
export const MAX_RAY_CLUSTER_NAME_LENGTH = 53;
/** `utils.MaxRayJobNameLength` (53 - 6: the RayCluster adds `-` and 5 random characters). */
export const MAX_RAY_JOB_NAME_LENGTH = MAX_RAY_CLUSTER_NAME_LENGTH - 6;
/** `utils.MaxRayServiceNameLength` (53 - 6). */
export const MAX_RAY_SERVICE_NAME_LENGTH = MAX_RAY_CLUSTER_NAME_LENGTH - 6;
/** `utils.MaxRayCronJobNameLength` (47 - 11: the RayJob adds `-` and up to 10 digits). */
export const MAX_RAY_CRON_JOB_NAME_LENGTH = MAX_RAY_JOB_NAME_LENGTH - 11;
