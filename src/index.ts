/**
 * cdk8s-secure-ray: the public API. Everything a user needs is exported here by name; every
 * other module is internal and may change without notice.
 *
 * @module
 */

// Tenants.
export { TenantProfile, TenantProfileProps, TenantTaint, TaintEffect, ContainerBounds, TenantToleration, PROTECTED_NODE_LABEL_KEY } from './tenant';
export { PropsError } from './validation';

// The workload constructs (RayCluster, RayJob, RayService) and their options.
export { SecureTenantRayCluster, SecureTenantRayClusterProps } from './secure-tenant-ray-cluster';
export { SecureTenantRayJob, SecureTenantRayJobProps, SubmissionMode, SubmitterOptions } from './secure-tenant-ray-job';
export { SecureTenantRayService, SecureTenantRayServiceProps, ServiceUpgradeStrategy } from './secure-tenant-ray-service';
export { WorkloadSyncWaves } from './cluster/workload';
export { RayClusterConfig, RayAuthentication, DEFAULT_RAY_VERSION, RAY_UID, RAY_GID } from './cluster/config';
export {
  ResourceQuantity, ContainerResources, Protocol, ContainerPort, ContainerOptions, RayGroupOptions, HeadGroupOptions, WorkerGroupOptions,
} from './ray-group';
export { RayVolume, EmptyDirMedium, EmptyDirOptions, ConfigVolumeOptions, KeyToPath, PersistentVolumeClaimVolumeOptions, VolumeMount } from './volume';
export { AutoscalingOptions, UpscalingMode, AutoscalerVersion } from './autoscaling';
export { SYNC_WAVE_ANNOTATION, SyncWaves, ClusterSyncWaves } from './gitops';

// Network isolation.
export { NetworkOptions, DnsOptions, ApiServerEgress, KubeRayOperatorLocation } from './network/options';
export { NetworkMode, PinnedPortsOptions } from './network/pinned-ports';
export { PinnedPortPlan } from './policy/pinned-ports';
export { NetworkPeer } from './network/peer';
export { RayPort, PortProtocol, PortTarget } from './network/port';
export { ClusterConnections, DeclaredConnection } from './network/connections';
export type { RayClusterNetworkPolicy } from './network/cluster-network-policy';

// Guardrails: the tenant's namespace and the admission policy.
export { TenantNamespace, TenantNamespaceProps, TenantNamespaceSyncWaves, DEFAULT_POD_SECURITY_VERSION, MIN_POD_SECURITY_VERSION } from './namespace';
export { TenantQuota, ContainerEphemeralStorage } from './quota';
export {
  TenantAdmission, TenantAdmissionProps, AdmissionEngine, AdmissionAction, ServiceAccountRef, PlatformIdentities, tenantAdmissionManifests,
  NetworkPolicyGenerationOptions,
} from './admission/tenant-admission';
export {
  TenantAdmissionPolicy, TenantAdmissionPolicyProps, KyvernoClusterPolicyOptions, KyvernoFailureAction, tenantAdmissionPolicyManifest,
} from './admission/kyverno-policy';
export { kyvernoTestFile, KyvernoTestFileOptions, KyvernoTestCase, KyvernoResult, KyvernoPolicyType } from './admission/kyverno-test';

// The policy engine (shared by the constructs, the `secure-ray` CLI and the validation plugin).
export {
  checkManifests, checkDocument, documentFailed, RULE_IDS, CheckOptions, CheckReport, DocumentResult, RuleResult, RuleStatus, Warning,
} from './policy/engine';
export { RuleId, Violation, JsonObject, JsonValue } from './policy/types';
export { TenantDefinition } from './policy/tenant-definition';
export { PssLevel } from './policy/pod-security';
export { formatViolation } from './policy/format';
export { SecureRayValidation, SecureRayValidationProps, SecureRayValidationPropsError, PluginValidationContext } from './plugin';
