/**
 * Expression coverage: every expression of every policy executed, booleans seen true and false.
 */
import { evaluateValidatingAdmissionPolicies, registerForCoverage, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from './admission';
import { CelCoverage } from './coverage';

const policy: ValidatingAdmissionPolicy = {
  metadata: { name: 'replicas' },
  spec: {
    matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] }] },
    matchConditions: [{ name: 'labelled', expression: "has(object.metadata.labels) && 'app' in object.metadata.labels" }],
    variables: [
      { name: 'replicas', expression: 'object.spec.?replicas.orValue(1)' },
      { name: 'big', expression: 'variables.replicas > 10' },
    ],
    validations: [{ expression: '!variables.big', messageExpression: "'too many replicas: ' + string(variables.replicas)" }],
  },
};
const binding: ValidatingAdmissionPolicyBinding = { metadata: { name: 'b' }, spec: { policyName: 'replicas', validationActions: ['Deny'] } };
const deployment = (labels: Record<string, string>, replicas?: number): Parameters<typeof evaluateValidatingAdmissionPolicies>[2] => ({
  operation: 'CREATE',
  kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
  resource: { group: 'apps', version: 'v1', resource: 'deployments' },
  namespace: 'default',
  name: 'd',
  object: { metadata: { name: 'd', labels }, spec: replicas === undefined ? {} : { replicas } },
});
const cluster = { namespaces: [{ metadata: { name: 'default' } }] };

test('registration shows expressions that never ran', () => {
  const coverage = new CelCoverage();
  registerForCoverage(coverage, [policy]);
  expect(coverage.unexecuted().map((e) => e.path)).toEqual([
    'spec.matchConditions[0].expression', 'spec.variables[0].expression', 'spec.variables[1].expression',
    'spec.validations[0].expression', 'spec.validations[0].messageExpression',
  ]);
  evaluateValidatingAdmissionPolicies([policy], [binding], deployment({}), cluster, { coverage });
  expect(coverage.unexecuted()).toHaveLength(4);
  expect(() => coverage.assertComplete()).toThrow(/never evaluated: ValidatingAdmissionPolicy\/replicas spec.variables\[0\].expression/);
});

test('both outcomes, including boolean variables', () => {
  const coverage = new CelCoverage();
  registerForCoverage(coverage, [policy]);
  const verdicts = [
    evaluateValidatingAdmissionPolicies([policy], [binding], deployment({}), cluster, { coverage }),
    evaluateValidatingAdmissionPolicies([policy], [binding], deployment({ app: 'x' }, 3), cluster, { coverage }),
  ];
  expect(verdicts.map((v) => v.allowed)).toEqual([true, true]);
  expect(() => coverage.assertComplete()).not.toThrow();
  expect(coverage.missingOutcomes().map((e) => `${e.path}:${e.missing.join(',')}`)).toEqual([
    'spec.variables[1].expression:true',
    'spec.validations[0].expression:false',
  ]);
  const denied = evaluateValidatingAdmissionPolicies([policy], [binding], deployment({ app: 'x' }, 30), cluster, { coverage });
  expect(denied.message).toBe("ValidatingAdmissionPolicy 'replicas' with binding 'b' denied request: too many replicas: 30");
  expect(() => coverage.assertComplete({ bothOutcomes: true })).not.toThrow();
  const report = coverage.report();
  expect(report.find((e) => e.path === 'spec.variables[0].expression')).toMatchObject({ evaluations: 4, otherCount: 4 });
});
