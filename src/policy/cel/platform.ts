/**
 * Every admission rule set of a platform, from its tenant definitions and identities.
 *
 * @module
 */
import { TenantDefinition, tenantNamespace } from '../tenant-definition';
import { AdmissionIdentities } from './identities';
import { networkPolicyGuardRuleSet } from './network-policy-guard';
import { podLabelRuleSet } from './pod-labels';
import { podTenancyRuleSet } from './pod-policy';
import { rayWorkloadRuleSet } from './ray-policy';
import { CelRuleSet } from './rule-set';
import { serviceExposureRuleSet } from './service-exposure';

/**
 * The rule sets, in a stable order: NetworkPolicies (every tenant namespace), Services (the
 * namespaces of tenants without exposure; none when every tenant may expose), then per tenant
 * its pods, its pod labels and its Ray objects. Throws when two tenants share a name or a namespace (the
 * namespace decides which bounds apply).
 */
export function admissionRuleSets(tenants: readonly TenantDefinition[], identities: AdmissionIdentities): CelRuleSet[] {
  const names = new Set<string>();
  const namespaces = new Set<string>();
  for (const t of tenants) {
    const ns = tenantNamespace(t);
    if (names.has(t.name)) throw new Error(`tenant "${t.name}" is defined twice`);
    if (namespaces.has(ns)) throw new Error(`namespace "${ns}" belongs to two tenants; the namespace decides which bounds apply`);
    names.add(t.name);
    namespaces.add(ns);
  }
  const closed = tenants.filter((t) => t.allowExposure !== true).map(tenantNamespace);
  return [
    networkPolicyGuardRuleSet([...namespaces], identities),
    ...(closed.length > 0 ? [serviceExposureRuleSet(closed)] : []),
    ...tenants.flatMap((t) => [podTenancyRuleSet(t), podLabelRuleSet(t, identities), rayWorkloadRuleSet(t, identities)]),
  ];
}
