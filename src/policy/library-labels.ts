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

/**
 * The label this library puts on every RayCluster it renders: `secure-ray.io/managed-by:
 * cdk8s-secure-ray`. Such a cluster's NetworkPolicies are the library's own, so the admission-time
 * generators (the Kyverno GeneratingPolicy, the legacy ClusterPolicy's generate rule) skip it —
 * two writers of one `<cluster>-isolation` policy would overwrite each other. KubeRay copies a
 * RayJob's or RayService's labels to the RayCluster it creates, so a workload construct that sets
 * it on the RayJob or RayService marks that cluster too. A tenant gains nothing by setting it on a
 * hand-made cluster: no policy is generated, and the namespace's default-deny leaves its pods cut
 * off from each other (the admission policy also refuses the label from a tenant).
 */
export const LIBRARY_MANAGED_LABEL = { key: 'secure-ray.io/managed-by', value: 'cdk8s-secure-ray' } as const;
