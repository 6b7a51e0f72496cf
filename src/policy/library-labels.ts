/**
 * The labels this library puts on the pods it renders, to select them in its NetworkPolicies. The
 * RayCluster construct selects by KubeRay's `ray.io/cluster`; a RayJob's or RayService's cluster
 * has a generated name, so those constructs put their own label on every pod template instead.
 * Like `ray.io/*`, they are only as strong as admission control makes them: a tenant's pod that
 * copies one joins that workload's policies unless admission refuses it.
 *
 * @module
 */

/** The prefix of every label this library owns. */
export const LIBRARY_LABEL_PREFIX = 'secure-ray.io/';

/** Label keys this library owns. */
export const LIBRARY_LABELS = {
  /** `secure-ray.io/workload: <kind>-<name>` on every pod of a RayJob's or RayService's cluster. */
  workload: 'secure-ray.io/workload',
  /** `secure-ray.io/submitter: <rayjob>` on a RayJob's K8sJobMode submitter pod. */
  submitter: 'secure-ray.io/submitter',
} as const;
