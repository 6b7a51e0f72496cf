import { AutoscalingOptions } from '../autoscaling';
import { HeadGroupOptions, WorkerGroupOptions } from '../ray-group';

/** The Ray version used when none is given (KubeRay v1.7.0's samples use it). */
export const DEFAULT_RAY_VERSION = '2.52.0';
/** UID of the `ray` user in the rayproject/ray images. */
export const RAY_UID = 1000;
/** GID of the `users` group in the rayproject/ray images. */
export const RAY_GID = 100;

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
}
