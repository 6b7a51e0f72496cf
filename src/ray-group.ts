import { RayVolume, VolumeMount } from './volume';
import { RayClusterSpecHeadGroupSpecTemplate, RayClusterSpecWorkerGroupSpecsTemplate } from '../imports/ray.io';

/** A request and a limit of one resource, as Kubernetes quantities. */
export interface ResourceQuantity {
  /**
   * The request.
   * @default the limit if given, else the tenant's default
   */
  readonly request?: string;
  /**
   * The limit.
   * @default the request
   */
  readonly limit?: string;
}

/** CPU and memory of a container. Values outside the tenant's bounds fail synthesis. */
export interface ContainerResources {
  /**
   * CPU, e.g. `{ request: '1', limit: '2' }`.
   * @default - request = limit = the tenant's defaultCpu
   */
  readonly cpu?: ResourceQuantity;
  /**
   * Memory, e.g. `{ request: '4Gi', limit: '4Gi' }`.
   * @default - request = limit = the tenant's defaultMemory
   */
  readonly memory?: ResourceQuantity;
}

/** The protocol of a container port. */
export enum Protocol {
  /** TCP. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
  /** SCTP. */
  SCTP = 'SCTP',
}

/** A port a container listens on. Host ports are not offered (the restricted standard forbids them). */
export interface ContainerPort {
  /** The port number. */
  readonly containerPort: number;
  /**
   * An IANA service name for the port.
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * The protocol.
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
}

/** An extra container: a sidecar or an init container. It gets the same hardening as the Ray container. */
export interface ContainerOptions {
  /** The container name (DNS-1123 label). */
  readonly name: string;
  /**
   * The image.
   * @default the cluster's Ray image
   */
  readonly image?: string;
  /**
   * The entrypoint.
   * @default the image's
   */
  readonly command?: string[];
  /**
   * Arguments.
   * @default the image's
   */
  readonly args?: string[];
  /**
   * Environment variables.
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * CPU and memory.
   * @default - the tenant's defaults
   */
  readonly resources?: ContainerResources;
  /**
   * Volume mounts.
   * @default - none
   */
  readonly volumeMounts?: VolumeMount[];
  /**
   * Ports.
   * @default - none
   */
  readonly ports?: ContainerPort[];
}

/** What the head group and every worker group share. */
export interface RayGroupOptions {
  /**
   * CPU and memory of the Ray container.
   * @default - the template's, else the tenant's defaults
   */
  readonly resources?: ContainerResources;
  /**
   * GPUs of the Ray container (`nvidia.com/gpu` limit); the pods also tolerate the
   * `nvidia.com/gpu` taint.
   * @default 0
   */
  readonly gpus?: number;
  /**
   * Parameters of `ray start` (values are strings, e.g. `{ 'num-cpus': '0' }`).
   * @default {}
   */
  readonly rayStartParams?: Record<string, string>;
  /**
   * Environment variables of the Ray container.
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Volumes of the pod (only the types the restricted standard allows).
   * @default - none
   */
  readonly volumes?: RayVolume[];
  /**
   * Volume mounts of the Ray container.
   * @default - none
   */
  readonly volumeMounts?: VolumeMount[];
  /**
   * Extra ports of the Ray container.
   * @default - the head: 6379 (gcs-server), 8265 (dashboard), 10001 (client); workers: none
   */
  readonly ports?: ContainerPort[];
  /**
   * Extra containers that run beside the Ray container (it stays at `containers[0]`).
   * @default - none
   */
  readonly sidecars?: ContainerOptions[];
  /**
   * Init containers.
   * @default - none
   */
  readonly initContainers?: ContainerOptions[];
  /**
   * Extra node selector entries (the tenant's is always added).
   * @default - only the tenant's
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Labels of the pods (the tenant label is always added).
   * @default - only the tenant label
   */
  readonly podLabels?: Record<string, string>;
  /**
   * The service account of the pods.
   * @default - the namespace's default account, with the token not mounted
   */
  readonly serviceAccountName?: string;
}

/** The head group. */
export interface HeadGroupOptions extends RayGroupOptions {
  /**
   * A full pod template (the generated KubeRay types) to start from. The construct adds what is
   * absent and never overwrites an explicit value: an insecure one fails synthesis.
   * @default - an empty template
   */
  readonly template?: RayClusterSpecHeadGroupSpecTemplate;
}

/** A worker group. */
export interface WorkerGroupOptions extends RayGroupOptions {
  /** The group name (a DNS-1123 label, unique in the cluster). */
  readonly groupName: string;
  /**
   * The desired number of workers.
   * @default 1 (the minimum with autoscaling)
   */
  readonly replicas?: number;
  /**
   * The fewest workers.
   * @default replicas (0 with autoscaling)
   */
  readonly minReplicas?: number;
  /**
   * The most workers.
   * @default replicas (with autoscaling: max(replicas, minReplicas, 1))
   */
  readonly maxReplicas?: number;
  /**
   * A full pod template (the generated KubeRay types) to start from. The construct adds what is
   * absent and never overwrites an explicit value: an insecure one fails synthesis.
   * @default - an empty template
   */
  readonly template?: RayClusterSpecWorkerGroupSpecsTemplate;
}
