/**
 * Admission rules in CEL, from the platform's tenant definitions: one definition per rule set,
 * emitted as Kubernetes ValidatingAdmissionPolicies or Kyverno ValidatingPolicies. Pure.
 *
 * @module
 */
export * from './rule-set';
export * from './identities';
export { admissionRuleSets } from './platform';
export { podTenancyRuleSet, podPolicyName } from './pod-policy';
export { podLabelRuleSet, podLabelPolicyName, RAY_LABEL_PREFIX, POD_TEMPLATE_RESOURCES } from './pod-labels';
export { rayWorkloadRuleSet, rayPolicyName, RAY_OUTSIDE_CEL } from './ray-policy';
export { PSS_CHECKS_IN_CEL, PSS_CHECKS_OUTSIDE_CEL } from './ray-pod-security';
export { RAY_RESOURCES } from './ray-pods';
export { serviceExposureRuleSet, SERVICE_POLICY_NAME } from './service-exposure';
export { networkPolicyGuardRuleSet, NETWORK_POLICY_POLICY_NAME } from './network-policy-guard';
export { rayClusterNetworkPolicyGenerator, generatedPolicyVariables, GENERATING_POLICY_NAME, NetworkPolicyGeneration, NOT_LIBRARY_MADE } from './generating-policy';
export { validatingAdmissionPolicy, kyvernoValidatingPolicy, CelValidationAction, DESCRIPTION_ANNOTATION } from './emit';
