import { TENANT_LABEL } from './tenant-definition';
import { JsonObject, JsonValue, Violation } from './types';
import { asObject } from '../kubernetes/json';
import { isDns1123Subdomain, isLabelValue } from '../kubernetes/names';

const RULE = 'generate-network-policies' as const;

/**
 * `generate-network-policies`: the RayCluster carries what a generated NetworkPolicy needs — a
 * valid name (the policy selects the cluster's pods by `ray.io/cluster=<name>`) and a valid, non-empty
 * `tenant` label (the policy is the tenant's). Without them the seed's generate rule produces no
 * policy and the cluster runs unprotected.
 */
export function checkNetworkPolicyInputs(rayCluster: JsonObject): Violation[] {
  const out: Violation[] = [];
  const metadata = asObject(rayCluster.metadata) ?? {};
  const name = metadata.name;
  if (typeof name !== 'string' || name.length === 0) {
    out.push({ rule: RULE, path: 'metadata.name', value: name as JsonValue, message: 'the RayCluster has no name to select its pods by', fix: 'set metadata.name' });
  } else if (!isDns1123Subdomain(name)) {
    out.push({ rule: RULE, path: 'metadata.name', value: name, message: `the name ${JSON.stringify(name)} is not a DNS-1123 subdomain`, fix: 'use lowercase letters, digits, "-" and "."' });
  } else if (name.length > 63) {
    out.push({
      rule: RULE,
      path: 'metadata.name',
      value: name,
      message: 'the name is longer than 63 characters, so it cannot be the value of the ray.io/cluster label that selects the pods',
      bound: '<= 63 characters',
      fix: 'shorten metadata.name',
    });
  }
  const tenant = asObject(metadata.labels)?.[TENANT_LABEL];
  if (tenant === undefined || tenant === null || tenant === '') {
    out.push({
      rule: RULE,
      path: 'metadata.labels.tenant',
      value: tenant as JsonValue,
      message: 'the RayCluster has no "tenant" label, so no tenant NetworkPolicy can be generated for it',
      fix: 'add metadata.labels.tenant: <tenant name>',
    });
  } else if (!isLabelValue(tenant)) {
    out.push({
      rule: RULE,
      path: 'metadata.labels.tenant',
      value: tenant,
      message: `the tenant label ${JSON.stringify(tenant)} is not a valid label value`,
      fix: 'use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
    });
  }
  return out;
}
