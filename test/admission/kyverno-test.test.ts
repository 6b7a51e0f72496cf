import { KyvernoPolicyType, kyvernoTestFile, KyvernoTestFileOptions } from '../../src/admission';
import { PropsError } from '../../src/validation';
import { errorOf } from '../support/manifests';

const base = { name: 't', policyFiles: ['policies.yaml'], resourceFiles: ['resources.yaml'] };
const cases: KyvernoTestFileOptions['cases'] = [
  { resource: 'ns/b', kind: 'Pod', results: { 'pods-x': 'fail', 'labels-x': 'pass' } },
  { resource: 'ns/a', kind: 'Pod', results: { 'pods-x': 'fail', 'labels-x': 'pass' } },
  { resource: 'ns/c', kind: 'Pod', results: { 'pods-x': 'pass' } },
  { resource: 'ns/rc', results: { 'ray-x': 'pass' } },
];

describe('kyvernoTestFile', () => {
  test('default: ValidatingPolicy results, one per policy, kind and verdict, without rule, sorted', () => {
    const t = kyvernoTestFile({ ...base, cases });
    expect(t).toEqual({
      apiVersion: 'cli.kyverno.io/v1alpha1',
      kind: 'Test',
      metadata: { name: 't' },
      policies: ['policies.yaml'],
      resources: ['resources.yaml'],
      results: [
        { policy: 'labels-x', isValidatingPolicy: true, kind: 'Pod', resources: ['ns/a', 'ns/b'], result: 'pass' },
        { policy: 'pods-x', isValidatingPolicy: true, kind: 'Pod', resources: ['ns/a', 'ns/b'], result: 'fail' },
        { policy: 'pods-x', isValidatingPolicy: true, kind: 'Pod', resources: ['ns/c'], result: 'pass' },
        { policy: 'ray-x', isValidatingPolicy: true, kind: 'RayCluster', resources: ['ns/rc'], result: 'pass' },
      ],
    });
    for (const r of t.results) expect(r).not.toHaveProperty('rule');
    // the order of the cases does not matter
    expect(kyvernoTestFile({ ...base, cases: [...cases].reverse() })).toEqual(t);
    expect(kyvernoTestFile({ ...base, policyType: KyvernoPolicyType.VALIDATING_POLICY, cases })).toEqual(t);
  });

  test('CLUSTER_POLICY: results per rule under the ClusterPolicy\'s name, without isValidatingPolicy', () => {
    const t = kyvernoTestFile({ ...base, policyType: KyvernoPolicyType.CLUSTER_POLICY, policyName: 'guardrails', cases });
    expect(t.results).toEqual([
      { policy: 'guardrails', rule: 'labels-x', kind: 'Pod', resources: ['ns/a', 'ns/b'], result: 'pass' },
      { policy: 'guardrails', rule: 'pods-x', kind: 'Pod', resources: ['ns/a', 'ns/b'], result: 'fail' },
      { policy: 'guardrails', rule: 'pods-x', kind: 'Pod', resources: ['ns/c'], result: 'pass' },
      { policy: 'guardrails', rule: 'ray-x', kind: 'RayCluster', resources: ['ns/rc'], result: 'pass' },
    ]);
  });

  test('userInfoFile becomes the Test\'s userinfo field; absent, there is none', () => {
    expect(kyvernoTestFile({ ...base, userInfoFile: 'user-info.yaml', cases }).userinfo).toBe('user-info.yaml');
    expect(kyvernoTestFile({ ...base, cases })).not.toHaveProperty('userinfo');
  });

  test.each([
    ['a ClusterPolicy test without policyName', { policyType: KyvernoPolicyType.CLUSTER_POLICY }, /^kyvernoTestFile.policyName: the ClusterPolicy's name is required/],
    ['policyName with ValidatingPolicies', { policyName: 'x' }, /^kyvernoTestFile.policyName: only used with KyvernoPolicyType.CLUSTER_POLICY/],
    ['an unknown policy type', { policyType: 'Policy' }, /^kyvernoTestFile.policyType: "Policy" is not one of ValidatingPolicy, ClusterPolicy/],
    ['an empty userInfoFile', { userInfoFile: ' ' }, /^kyvernoTestFile.userInfoFile: expected a file path/],
    ['a verdict the CLI does not know', { cases: [{ resource: 'a', results: { p: 'passed' } }] }, /cases\[0\].results.p: "passed" is not one of pass, fail/],
    ['a resource listed twice for a policy', { cases: [{ resource: 'a', results: { p: 'pass' } }, { resource: 'a', kind: 'Pod', results: { p: 'fail' } }] },
      /^kyvernoTestFile: a is listed twice for p/],
  ])('PropsError: %s', (_, over, message) => {
    const options = { ...base, cases, ...over } as any;
    expect(() => kyvernoTestFile(options)).toThrow(PropsError);
    expect(errorOf(() => kyvernoTestFile(options))).toMatch(message);
  });
});
