/** The ArgoCD annotation that orders a sync. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * The default ArgoCD sync waves: the admission policies first, then the namespace, then its
 * guardrails (quota, LimitRange, default-deny, service account), then each cluster's
 * NetworkPolicies, then the RayClusters — so no Ray pod ever starts unprotected. (Waves order one
 * Argo CD Application; order the platform's Application before the tenants' ones.)
 */
export const SyncWaves = {
  /** The admission policies and their bindings (`TenantAdmission`). */
  ADMISSION: -4,
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
