import { checkDocument } from '../../src/policy/engine';
import { compliantCluster } from '../support/compliant';

/**
 * One failing case per hand mutation of the security core that once survived the suite. Each test
 * names the mutation it kills; weaken the rule that way and the test goes red.
 */
const compliant = (): any => compliantCluster();
const tenants = [{ name: 'team-a', taintEffect: 'NoSchedule', bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' } }];
const violations = (doc: any, rule: 'enforce-tenant-isolation' | 'generate-network-policies', withTenants = true) =>
  checkDocument(doc, withTenants ? { tenants } : {}).rules[rule].violations.map((v) => `${v.path}: ${v.message}`);
const head = (doc: any) => doc.spec.headGroupSpec.template.spec;

test('the base case passes both tenant rules', () => {
  expect(violations(compliant(), 'enforce-tenant-isolation')).toEqual([]);
  expect(violations(compliant(), 'generate-network-policies')).toEqual([]);
});

test('mutant "a toleration operator Exists with the tenant\'s key is no longer flagged"', () => {
  const doc = compliant();
  head(doc).tolerations.push({ key: 'tenant', operator: 'Exists' });
  expect(violations(doc, 'enforce-tenant-isolation')).toEqual([
    'spec.headGroupSpec.template.spec.tolerations[1]: a toleration "tenant" with operator Exists tolerates every tenant\'s taint',
  ]);
});

test('mutant "node-affinity terms checked with some instead of every": one term of another tenant breaks the pinning', () => {
  const doc = compliant();
  delete head(doc).nodeSelector;
  const terms = [
    { matchExpressions: [{ key: 'tenant', operator: 'In', values: ['team-a'] }] },
    { matchExpressions: [{ key: 'tenant', operator: 'In', values: ['team-b'] }] },
  ];
  head(doc).affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
  expect(violations(doc, 'enforce-tenant-isolation')).toEqual([
    'spec.headGroupSpec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: a required node affinity term does not restrict pods to tenant In [team-a]',
  ]);
  terms.pop();
  expect(violations(doc, 'enforce-tenant-isolation')).toEqual([]);
});

test('mutant "the toleration effect is ignored": the tenant\'s key and value with another effect do not tolerate its NoSchedule taint', () => {
  const doc = compliant();
  head(doc).tolerations[0].effect = 'NoExecute';
  expect(violations(doc, 'enforce-tenant-isolation')).toEqual([
    'spec.headGroupSpec.template.spec.tolerations: pods do not tolerate the tenant\'s taint tenant=team-a:NoSchedule',
  ]);
  delete head(doc).tolerations[0].effect; // no effect matches every effect
  expect(violations(doc, 'enforce-tenant-isolation')).toEqual([]);
});

test('mutant "the cluster-name length limit raised to 253": a 64-character name cannot be the ray.io/cluster label', () => {
  const doc = compliant();
  doc.metadata.name = 'a'.repeat(64);
  expect(violations(doc, 'generate-network-policies')).toEqual([
    'metadata.name: the name is longer than 63 characters, so it cannot be the value of the ray.io/cluster label that selects the pods',
  ]);
  doc.metadata.name = 'a'.repeat(63);
  expect(violations(doc, 'generate-network-policies')).toEqual([]);
});

test('mutant "the tenant label-value check is off": a tenant label that is no label value fails', () => {
  const doc = compliant();
  doc.metadata.labels.tenant = 'team a!';
  expect(violations(doc, 'generate-network-policies', false)).toEqual([
    'metadata.labels.tenant: the tenant label "team a!" is not a valid label value',
  ]);
});

// The mutant "the NetworkPolicy namespace check is off" is killed beside the rule's other tests:
// test/network/patched-policies.test.ts and test/policy/network-policies.test.ts (a missing or other namespace).
