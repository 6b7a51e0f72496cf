/**
 * Pods as the rules see them: the container lists, and where the parts of a pod being judged live
 * in the document the user wrote (a Pod, or a RayCluster KubeRay builds pods from).
 *
 * @module
 */

/** The three container lists of a pod spec, in upstream visiting order. */
export const CONTAINER_KINDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
/** One of {@link CONTAINER_KINDS}. */
export type ContainerKind = typeof CONTAINER_KINDS[number];

/** Where the parts of the pod being judged live in the document the user wrote. */
export interface PodSource {
  /** Path of the pod's metadata, e.g. `metadata` or `spec.headGroupSpec.template.metadata`. */
  readonly metadataPath: string;
  /** Path of the pod's spec, e.g. `spec` or `spec.workerGroupSpecs[0].template.spec`. */
  readonly specPath: string;
  /**
   * Per container list, the path of each container's definition (same length as the list).
   * For injected containers this points at where its settings come from (e.g.
   * `spec.autoscalerOptions`), or is a path plus a note after a space
   * (`spec.autoscalerOptions (injected autoscaler container)`); field names are
   * appended to the path part. Missing entries default to `<specPath>.<list>[i]`.
   */
  readonly containerPaths?: {
    /** Paths of `spec.containers[i]`. */
    readonly containers?: readonly string[];
    /** Paths of `spec.initContainers[i]`. */
    readonly initContainers?: readonly string[];
    /** Paths of `spec.ephemeralContainers[i]`. */
    readonly ephemeralContainers?: readonly string[];
  };
}

/** The source of a plain Pod manifest. */
export const POD_SOURCE: PodSource = { metadataPath: 'metadata', specPath: 'spec' };
