/**
 * Kyverno policies.kyverno.io/v1 ValidatingPolicy, evaluated with ValidatingAdmissionPolicy
 * semantics, and its Kyverno-specific fields.
 */
import { AdmissionRequestInput, ClusterState } from './admission';
import { CelCoverage } from './coverage';
import { HarnessUnsupportedError, PolicySpecError } from './errors';
import { evaluateKyvernoValidatingPolicies, KyvernoValidatingPolicy } from './kyverno';

const cluster: ClusterState = {
  namespaces: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { tenant: 'a' } } }],
};

function vpol(spec: Partial<KyvernoValidatingPolicy['spec']> = {}): KyvernoValidatingPolicy {
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ValidatingPolicy',
    metadata: { name: 'raycluster-tenant' },
    spec: {
      validationActions: ['Deny'],
      matchConstraints: {
        resourceRules: [{ apiGroups: ['ray.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['rayclusters'] }],
        namespaceSelector: { matchExpressions: [{ key: 'tenant', operator: 'Exists' }] },
      },
      variables: [{ name: 'tenant', expression: "object.metadata.?labels[?'tenant'].orValue('')" }],
      validations: [{
        expression: 'variables.tenant == namespaceObject.metadata.labels.tenant',
        messageExpression: "'tenant label ' + variables.tenant + ' does not match namespace tenant ' + namespaceObject.metadata.labels.tenant",
      }],
      ...spec,
    },
  };
}

const rayCluster = (tenant?: string): AdmissionRequestInput => ({
  operation: 'CREATE',
  kind: { group: 'ray.io', version: 'v1', kind: 'RayCluster' },
  resource: { group: 'ray.io', version: 'v1', resource: 'rayclusters' },
  namespace: 'team-a',
  name: 'rc',
  object: { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: { name: 'rc', namespace: 'team-a', labels: tenant === undefined ? {} : { tenant } } },
});

test('allows a matching tenant and denies another, with the messageExpression', () => {
  expect(evaluateKyvernoValidatingPolicies([vpol()], rayCluster('a'), cluster).allowed).toBe(true);
  const v = evaluateKyvernoValidatingPolicies([vpol()], rayCluster('b'), cluster);
  expect(v.allowed).toBe(false);
  expect(v.message).toBe("ValidatingPolicy 'raycluster-tenant' denied request: tenant label b does not match namespace tenant a");
});

test('Audit and Warn actions do not deny', () => {
  const warn = evaluateKyvernoValidatingPolicies([vpol({ validationActions: ['Warn'] })], rayCluster('b'), cluster);
  expect(warn.allowed).toBe(true);
  expect(warn.warnings).toEqual(["Validation failed for ValidatingPolicy 'raycluster-tenant': tenant label b does not match namespace tenant a"]);
  expect(evaluateKyvernoValidatingPolicies([vpol({ validationActions: ['Audit'] })], rayCluster('b'), cluster).auditFailures).toHaveLength(1);
});

test('evaluation.admission.enabled: false takes the policy out of admission', () => {
  expect(evaluateKyvernoValidatingPolicies([vpol({ evaluation: { admission: { enabled: false }, background: { enabled: true } } })], rayCluster('b'), cluster).allowed).toBe(true);
});

test('coverage across requests', () => {
  const coverage = new CelCoverage();
  evaluateKyvernoValidatingPolicies([vpol()], rayCluster('a'), cluster, { coverage });
  expect(() => coverage.assertComplete({ bothOutcomes: true })).toThrow(/never false: ValidatingPolicy\/raycluster-tenant spec.validations\[0\].expression/);
  evaluateKyvernoValidatingPolicies([vpol()], rayCluster('b'), cluster, { coverage });
  expect(() => coverage.assertComplete({ bothOutcomes: true })).not.toThrow();
});

test('Kyverno features the harness does not model fail loudly', () => {
  expect(() => evaluateKyvernoValidatingPolicies([vpol({ autogen: { podControllers: { controllers: ['deployments'] } } })], rayCluster('a'), cluster)).toThrow(HarnessUnsupportedError);
  expect(() => evaluateKyvernoValidatingPolicies([vpol({ evaluation: { mode: 'JSON' } })], rayCluster('a'), cluster)).toThrow(HarnessUnsupportedError);
  expect(() => evaluateKyvernoValidatingPolicies([vpol({ validations: [{ expression: "resource.Get('v1', 'configmaps', 'team-a', 'x') != null" }] })], rayCluster('a'), cluster))
    .toThrow(HarnessUnsupportedError);
  expect(() => evaluateKyvernoValidatingPolicies([vpol({ unknownField: true } as never)], rayCluster('a'), cluster)).toThrow(HarnessUnsupportedError);
});

test('spec errors', () => {
  expect(() => evaluateKyvernoValidatingPolicies([vpol({ validationActions: [] })], rayCluster('a'), cluster)).toThrow(PolicySpecError);
  expect(() => evaluateKyvernoValidatingPolicies([vpol({ validationActions: ['Deny', 'Warn'] })], rayCluster('a'), cluster)).toThrow(PolicySpecError);
});

test('params do not exist in a ValidatingPolicy', () => {
  expect(() => evaluateKyvernoValidatingPolicies([vpol({ validations: [{ expression: 'params == null' }] })], rayCluster('a'), cluster)).toThrow(/undeclared reference to 'params'|Unknown variable: params/);
});
