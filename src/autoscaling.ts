import { Duration } from 'cdk8s';
import { ContainerResources } from './ray-group';

/** How fast the Ray autoscaler scales up. */
export enum UpscalingMode {
  /** Scale up as needed, bounded. */
  DEFAULT = 'Default',
  /** Scale up without bounds. */
  AGGRESSIVE = 'Aggressive',
  /** Scale up only for pending tasks, slowly. */
  CONSERVATIVE = 'Conservative',
}

/** The Ray autoscaler version. */
export enum AutoscalerVersion {
  /** Autoscaler v1. */
  V1 = 'v1',
  /** Autoscaler v2 (KubeRay sets `restartPolicy: Never` on workers). */
  V2 = 'v2',
}

/**
 * In-tree autoscaling: KubeRay adds an `autoscaler` sidecar to the head pod. It gets its own
 * hardened securityContext (KubeRay does not copy the Ray container's) and resources within the
 * tenant's bounds. The sidecar talks to the Kubernetes API server, so the cluster's NetworkPolicy
 * must allow that egress (see `NetworkOptions.apiServer`).
 */
export interface AutoscalingOptions {
  /**
   * How long an idle worker lives before it is removed.
   * @default Duration.seconds(60)
   */
  readonly idleTimeout?: Duration;
  /**
   * Upscaling speed.
   * @default UpscalingMode.DEFAULT
   */
  readonly upscalingMode?: UpscalingMode;
  /**
   * Autoscaler version.
   * @default AutoscalerVersion.V2
   */
  readonly version?: AutoscalerVersion;
  /**
   * The sidecar's CPU and memory.
   * @default - KubeRay's 500m/512Mi, moved into the tenant's bounds
   */
  readonly resources?: ContainerResources;
}
