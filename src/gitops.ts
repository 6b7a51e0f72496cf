/** The ArgoCD annotation that orders a sync. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * The default ArgoCD sync waves: the namespace first, then its guardrails (quota, LimitRange,
 * default-deny, service account), then each cluster's NetworkPolicies, then the RayClusters — so
 * no Ray pod ever starts unprotected.
 */
export const SyncWaves = {
  /** The tenant Namespace. */
  NAMESPACE: -3,
  /** ResourceQuota, LimitRange, default-deny NetworkPolicies, ServiceAccount. */
  GUARDRAILS: -2,
  /** Each cluster's NetworkPolicies. */
  NETWORK_POLICY: -1,
  /** RayClusters and their ConfigMaps. */
  WORKLOAD: 0,
} as const;

/** Sync waves of one cluster's objects. */
export interface ClusterSyncWaves {
  /**
   * Wave of the cluster's NetworkPolicies.
   * @default SyncWaves.NETWORK_POLICY (-1)
   */
  readonly networkPolicy?: number;
  /**
   * Wave of the RayCluster.
   * @default SyncWaves.WORKLOAD (0)
   */
  readonly rayCluster?: number;
}
