import { AutoscalingOptions } from '../autoscaling';
import { HeadGroupOptions, WorkerGroupOptions } from '../ray-group';

/** The Ray version used when none is given (KubeRay v1.7.0's samples use it). */
export const DEFAULT_RAY_VERSION = '2.52.0';
/** UID of the `ray` user in the rayproject/ray images. */
export const RAY_UID = 1000;
/** GID of the `users` group in the rayproject/ray images. */
export const RAY_GID = 100;

/** How clients authenticate to a Ray cluster's dashboard and Jobs API. */
export enum RayAuthentication {
  /**
   * Ray token authentication (`authOptions.mode: token`, KubeRay 1.5.1+, Ray 2.52+): KubeRay creates a
   * Secret `<cluster>` with the token, gives it to the Ray pods and the RayJob submitter, and sends
   * it from the operator; a client outside needs the token from that Secret.
   */
  TOKEN = 'token',
  /**
   * None: anything that reaches the dashboard port can submit jobs and run code in the cluster;
   * only the NetworkPolicies guard it. `secure-ray check` warns about such clusters.
   */
  NONE = 'none',
}

/**
 * The Ray cluster KubeRay runs: what a `RayCluster`'s spec, a `RayJob`'s `rayClusterSpec` and a
 * `RayService`'s `rayClusterConfig` have in common. Rendered by one piece of code for all three.
 */
export interface RayClusterConfig {
  /**
   * The Ray version.
   * @default DEFAULT_RAY_VERSION ('2.52.0')
   */
  readonly rayVersion?: string;
  /**
   * The image of the Ray containers (and of the autoscaler sidecar).
   * @default `rayproject/ray:<rayVersion>`
   */
  readonly image?: string;
  /**
   * The head group.
   * @default - a head with the tenant's default resources
   */
  readonly head?: HeadGroupOptions;
  /**
   * The worker groups.
   * @default - one group `workers` with one replica
   */
  readonly workerGroups?: WorkerGroupOptions[];
  /**
   * In-tree autoscaling.
   * @default - no autoscaling
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * The UID the pods run as.
   * @default RAY_UID (1000, the `ray` user of rayproject/ray images)
   */
  readonly runAsUser?: number;
  /**
   * The GID the pods run as, and their fsGroup.
   * @default RAY_GID (100)
   */
  readonly runAsGroup?: number;
  /**
   * How clients authenticate to the dashboard and Jobs API. Turning it off costs the only guard
   * besides the NetworkPolicies: anything that reaches the dashboard port can run code.
   * @default RayAuthentication.TOKEN
   */
  readonly authentication?: RayAuthentication;
}
