export * from './types';
export * from './quantity';
export * from './tenant-definition';
export * from './engine';
export { checkTenantIsolation, TenantIsolationOptions } from './tenant-isolation';
export { checkNetworkPolicyInputs } from './network-rule';
export { checkPodSecurityOfPod, checkPodSecurityOfRayCluster, PodSecurityRuleOptions } from './pod-security-rule';
export { evaluatePodSecurity, podSecurityForbiddenMessage, PssFinding, PssLevel, PssOptions, LATEST_PSS_VERSION } from './pod-security';
export { buildRayPods, rayPodLabels, RayPod, RayNodeType, InjectedContainer, BuildRayPodsOptions } from './kuberay-pods';
