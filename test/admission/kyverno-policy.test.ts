import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments, stringify } from 'yaml';
import {
  ADMISSION_RULES, CONTAINER_LISTS, KyvernoFailureAction, KyvernoPolicyType, kyvernoTestFile, TenantAdmissionPolicy, tenantAdmissionPolicyManifest,
  tenantRuleNames,
} from '../../src/admission';
import { checkManifests } from '../../src/policy/engine';
import { TenantProfile } from '../../src/tenant';
import { PropsError } from '../../src/validation';
import { OWN_CASES, ownResources, POLICY_NAME, SEED_CASES, SEED_FILES, TEAM_A, TEAM_B, TENANTS } from '../fixtures/admission/cases';
import { loadCrdValidator } from '../support/crd-schema';
import { errorOf, sharedPath } from '../support/manifests';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'admission');
const UPDATE = process.env.UPDATE_ADMISSION_FIXTURES === '1';

const policy = tenantAdmissionPolicyManifest({ tenants: TENANTS, name: POLICY_NAME });
const rules: any[] = policy.spec.rules;
const rule = (name: string) => {
  const r = rules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name} among ${rules.map((x) => x.name).join(', ')}`);
  return r;
};
const A = tenantRuleNames('team-a');
const TENANT_RULES_A = [ADMISSION_RULES.knownTenant, A.namespace, A.placement, A.resources];

function readYaml(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
}

/** Compares a generated file with the one in test/fixtures/admission (or rewrites it with UPDATE_ADMISSION_FIXTURES=1). */
function expectFixture(file: string, content: string): void {
  const full = path.join(FIXTURES, file);
  if (UPDATE) fs.writeFileSync(full, content);
  expect({ file, content: fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : '<missing>' })
    .toEqual({ file, content }); // on a diff: UPDATE_ADMISSION_FIXTURES=1 npx jest test/admission.test.ts, then read the diff
}

const own = ownResources();
const testFile = kyvernoTestFile({
  name: 'secure-ray-tenant-guardrails',
  policyType: KyvernoPolicyType.CLUSTER_POLICY,
  policyName: POLICY_NAME,
  policyFiles: ['policy.yaml'],
  resourceFiles: ['resources.yaml', ...SEED_FILES],
  cases: [...SEED_CASES, ...OWN_CASES.map((c, i) => ({ resource: `${own[i].metadata.namespace}/${c.name}`, results: c.results }))],
});

describe('TenantAdmissionPolicy: the ClusterPolicy', () => {
  test('kyverno.io/v1 ClusterPolicy, background, every validate rule Enforce at rule level', () => {
    expect([policy.apiVersion, policy.kind, policy.metadata.name, policy.spec.background]).toEqual(['kyverno.io/v1', 'ClusterPolicy', POLICY_NAME, true]);
    expect(policy.spec).not.toHaveProperty('validationFailureAction'); // deprecated; the rule-level field wins
    const validate = rules.filter((r) => r.validate);
    expect(validate.length).toBeGreaterThan(0);
    for (const r of validate) expect([r.name, r.validate.failureAction]).toEqual([r.name, 'Enforce']);
    expect(tenantAdmissionPolicyManifest({ tenants: TENANTS, failureAction: KyvernoFailureAction.AUDIT }).spec.rules.filter((r: any) => r.validate)
      .every((r: any) => r.validate.failureAction === 'Audit')).toBe(true);
  });

  test('rules: global ones, then three per tenant; every rule matches only ray.io/v1/RayCluster; names <= 63', () => {
    expect(rules.map((r) => r.name)).toEqual([
      'require-known-tenant',
      'tenant-team-a-namespace', 'tenant-team-a-placement', 'tenant-team-a-resources',
      'tenant-team-b-namespace', 'tenant-team-b-placement', 'tenant-team-b-resources',
      'restricted-security-context', 'autoscaler-security-context', 'generate-network-policy',
    ]);
    for (const r of rules) {
      expect(r.match.any.map((m: any) => m.resources.kinds)).toEqual([['ray.io/v1/RayCluster']]);
      expect(r.name.length).toBeLessThanOrEqual(63);
    }
    expect(rule(A.resources).match.any[0].resources.selector).toEqual({ matchLabels: { tenant: 'team-a' } });
    const long = new TenantProfile({ name: 'x'.repeat(63), bounds: TEAM_A.bounds });
    const names = tenantAdmissionPolicyManifest({ tenants: [long] }).spec.rules.map((r: any) => r.name);
    expect(names.every((n: string) => n.length <= 63)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  test('validate rules match CREATE and UPDATE only: on DELETE the object is null, and a deletion (Argo CD prune, RayJob clean-up) is never refused', () => {
    const validate = rules.filter((r) => r.validate);
    expect(validate.length).toBe(9);
    for (const r of validate) expect({ rule: r.name, operations: r.match.any.map((m: any) => m.resources.operations) }).toEqual({ rule: r.name, operations: [['CREATE', 'UPDATE']] });
    // generate rules keep Kyverno's default (the trigger's deletion removes what was generated, with synchronize)
    for (const r of rules.filter((x) => x.generate)) expect(r.match.any[0].resources).not.toHaveProperty('operations');
  });

  test('generate rules skip the RayClusters the library made (secure-ray.io/managed-by): they come with their own <name>-isolation', () => {
    const p = tenantAdmissionPolicyManifest({ tenants: TENANTS, apiServer: { cidr: '10.0.0.1/32' } });
    const gens = p.spec.rules.filter((r: any) => r.generate);
    expect(gens.length).toBe(2);
    for (const g of gens) {
      expect(g.exclude).toEqual({ any: [{ resources: { kinds: ['ray.io/v1/RayCluster'], selector: { matchLabels: { 'secure-ray.io/managed-by': 'cdk8s-secure-ray' } } } }] });
    }
    // the construct's RayCluster carries the marker the rule excludes
    const chart = new Chart(Testing.app(), 'c');
    const { SecureTenantRayCluster } = jest.requireActual('../../src/secure-tenant-ray-cluster');
    new SecureTenantRayCluster(chart, 'ray', { tenant: TEAM_A, name: 'x' });
    const rc = Testing.synth(chart).find((m: any) => m.kind === 'RayCluster');
    expect(rc.metadata.labels).toMatchObject(gens[0].exclude.any[0].resources.selector.matchLabels);
    // validate rules judge the library's clusters too
    for (const r of p.spec.rules.filter((x: any) => x.validate)) expect(r).not.toHaveProperty('exclude');
  });

  test('unknown or missing tenant label is denied (not left without a NetworkPolicy)', () => {
    expect(rule(ADMISSION_RULES.knownTenant).validate.deny.conditions.any).toEqual([
      { key: "{{ request.object.metadata.labels.tenant || '' }}", operator: 'NotIn', value: ['team-a', 'team-b'] },
    ]);
  });

  test('bounds are literals from the tenant profiles, not the RayCluster\'s annotations', () => {
    const text = JSON.stringify(rule(A.resources));
    expect(text).not.toContain('annotations');
    const b = JSON.stringify(rule(tenantRuleNames('team-b').resources));
    for (const bound of ['"GreaterThan","value":"4"', '"LessThan","value":"1"', '"GreaterThan","value":"8Gi"', '"LessThan","value":"2Gi"']) expect(text).toContain(bound);
    for (const bound of ['"GreaterThan","value":"2"', '"LessThan","value":"500m"', '"GreaterThan","value":"4Gi"', '"LessThan","value":"1Gi"']) expect(b).toContain(bound);
    expect(rule(A.namespace).validate.pattern).toEqual({ metadata: { namespace: 'ray-namespace' } });
  });

  test('foreach covers head and worker containers AND init containers, and the autoscaler\'s resources', () => {
    const lists = rule(A.resources).validate.foreach.map((f: any) => f.list);
    expect(lists.slice(0, 4)).toEqual([...CONTAINER_LISTS]);
    expect(lists).toContain('request.object.spec.headGroupSpec.template.spec.initContainers');
    expect(lists).toContain('request.object.spec.workerGroupSpecs[].template.spec.initContainers[]');
    const autoscaler = rule(A.resources).validate.foreach[4];
    expect(autoscaler.list).toContain('request.object.spec.autoscalerOptions.resources ||');
    expect(autoscaler.list).toContain('"500m"'); // KubeRay's default when unset
    expect(autoscaler.preconditions.all[0].key).toBe('{{ request.object.spec.enableInTreeAutoscaling || `false` }}');
    expect(rule(ADMISSION_RULES.restricted).validate.foreach.map((f: any) => f.list)).toEqual([
      ...CONTAINER_LISTS, '[request.object.spec.headGroupSpec]', 'request.object.spec.workerGroupSpecs',
    ]);
    expect(rule(A.placement).validate.foreach.map((f: any) => f.list)).toEqual(['[request.object.spec.headGroupSpec]', 'request.object.spec.workerGroupSpecs']);
  });

  test('toleration: the tenant\'s one required (extra ones allowed); wildcard and other tenants\' refused', () => {
    const keys = rule(A.placement).validate.foreach[1].deny.conditions.any.map((c: any) => `${c.operator} ${c.value} ${c.key}`);
    expect(keys).toEqual(expect.arrayContaining([
      "LessThan 1 {{ length(element.template.spec.tolerations[?key == 'tenant' && value == 'team-a' && (operator == 'Equal' || !operator) && (!effect || effect == 'NoSchedule')] || `[]`) }}",
      "GreaterThan 0 {{ length(element.template.spec.tolerations[?operator == 'Exists' && (!key || key == 'tenant')] || `[]`) }}",
      'NotEquals team-a {{ element.template.spec.nodeSelector."tenant" || \'\' }}',
    ]));
  });

  test('autoscaler rule: only with enableInTreeAutoscaling; judges spec.autoscalerOptions.securityContext', () => {
    const r = rule(ADMISSION_RULES.autoscaler);
    expect(r.preconditions).toEqual({ all: [{ key: '{{ request.object.spec.enableInTreeAutoscaling || `false` }}', operator: 'Equals', value: true }] });
    const keys = r.validate.deny.conditions.any.map((c: any) => c.key).join('\n');
    for (const f of ['allowPrivilegeEscalation', 'capabilities.drop', 'privileged', 'runAsNonRoot', 'seccompProfile.type']) {
      expect(keys).toContain(`request.object.spec.autoscalerOptions.securityContext.${f}`);
    }
  });

  test('generate rule: the construct\'s NetworkPolicy per RayCluster, synchronized, for known tenants only', () => {
    const g = rule(ADMISSION_RULES.networkPolicy);
    expect(g.preconditions.all).toEqual([{ key: "{{ request.object.metadata.labels.tenant || '' }}", operator: 'In', value: ['team-a', 'team-b'] }]);
    expect({ ...g.generate, data: undefined }).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      name: '{{ request.object.metadata.name }}-isolation',
      namespace: '{{ request.object.metadata.namespace }}',
      synchronize: true,
      data: undefined,
    });
    // Same shape as RayClusterNetworkPolicy renders by default (with the name as a variable).
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const { SecureTenantRayCluster } = jest.requireActual('../../src/secure-tenant-ray-cluster');
    new SecureTenantRayCluster(chart, 'ray', { tenant: TEAM_A, name: 'x' });
    const np = Testing.synth(chart).find((m: any) => m.kind === 'NetworkPolicy');
    const rendered = JSON.parse(JSON.stringify(np.spec).split('"x"').join('"{{ request.object.metadata.name }}"'));
    expect(g.generate.data.spec).toEqual(rendered);
  });

  test('with apiServer: autoscaling clusters get a second generate rule with API-server egress', () => {
    const p = tenantAdmissionPolicyManifest({ tenants: TENANTS, apiServer: { cidr: '10.0.0.1/32' } });
    const gens = p.spec.rules.filter((r: any) => r.generate);
    expect(gens.map((r: any) => [r.name, r.preconditions.all[1].value])).toEqual([['generate-network-policy', false], ['generate-network-policy-autoscaler', true]]);
    expect(gens[1].generate.data.spec.egress[2]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] });
  });

  test('construct: cluster-scoped ClusterPolicy with no namespace, even in a namespaced chart', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'x' });
    new TenantAdmissionPolicy(chart, 'policy', { tenants: TENANTS, name: POLICY_NAME });
    const [m] = Testing.synth(chart);
    expect(m.metadata).not.toHaveProperty('namespace');
    expect(m).toEqual(policy);
  });

  test.each([
    ['no tenants', { tenants: [] }, 'TenantAdmissionPolicy.tenants: expected a non-empty list'],
    ['a duplicate tenant', { tenants: [TEAM_A, TEAM_A] }, 'tenant "team-a" is listed twice'],
    ['not a profile', { tenants: [{ name: 'a' }] }, 'TenantAdmissionPolicy.tenants[0]: expected a TenantProfile'],
    ['bad failure action', { tenants: TENANTS, failureAction: 'enforce' }, 'is not Enforce or Audit'],
  ])('PropsError: %s', (_, props, message) => {
    expect(errorOf(() => tenantAdmissionPolicyManifest(props as any))).toContain(message);
    expect(() => tenantAdmissionPolicyManifest(props as any)).toThrow(PropsError);
  });

  test('snapshot', () => {
    expect(policy).toMatchSnapshot();
  });
});

describe('schemas (Kyverno v1.19.0 CRDs in ../shared)', () => {
  const crd = sharedPath('kyverno', 'crd', 'kyverno.io_clusterpolicies.yaml');
  const cli = sharedPath('kyverno', 'cli', 'cli.kyverno.io_tests.yaml');
  const maybe = (file: string | undefined) => (file ? test : test.skip);

  maybe(crd)('the ClusterPolicy validates against the ClusterPolicy CRD, unknown fields rejected', () => {
    const v = loadCrdValidator(crd!, { rejectUnknownFields: true })!;
    expect(v.validate(policy)).toEqual([]);
    expect(v.validate(tenantAdmissionPolicyManifest({ tenants: TENANTS, apiServer: { cidr: '10.0.0.1/32', port: 443 }, failureAction: KyvernoFailureAction.AUDIT }))).toEqual([]);
  });

  maybe(crd)('the schema check can fail: a typo\'d field and a lowercase failure action are rejected', () => {
    const v = loadCrdValidator(crd!, { rejectUnknownFields: true })!;
    const typo = JSON.parse(JSON.stringify(policy));
    typo.spec.rules[0].validate.failureActon = typo.spec.rules[0].validate.failureAction;
    delete typo.spec.rules[0].validate.failureAction;
    expect(v.validate(typo)).toEqual([expect.objectContaining({ path: 'spec.rules[0].validate.failureActon', message: expect.stringContaining('unknown field') })]);
    const lower = JSON.parse(JSON.stringify(policy));
    lower.spec.rules[1].validate.failureAction = 'enforce';
    expect(v.validate(lower).map((e) => e.path)).toEqual(['spec.rules[1].validate.failureAction']);
  });

  maybe(cli)('the kyverno-test.yaml validates against the CLI Test schema', () => {
    const v = loadCrdValidator(cli!, { rejectUnknownFields: true })!;
    expect(v.validate(testFile)).toEqual([]);
    expect(v.validate({ ...testFile, results: [{ policy: POLICY_NAME, kind: 'RayCluster', result: 'passed' }] })).not.toEqual([]);
  });
});

describe('the Kyverno CLI test: files and expected verdicts', () => {
  test('policy.yaml, resources.yaml and kyverno-test.yaml in test/fixtures/admission are up to date', () => {
    expectFixture('policy.yaml', stringify(policy, { lineWidth: 0 }));
    expectFixture('resources.yaml', own.map((r) => stringify(r, { lineWidth: 0 })).join('---\n'));
    expectFixture('kyverno-test.yaml', stringify(testFile, { lineWidth: 0 }));
  });

  test('every resource of the test file has expected results, and every expected resource is in a file', () => {
    const named = own.map((r) => `${r.metadata.namespace}/${r.metadata.name}`);
    expect(new Set(named).size).toBe(OWN_CASES.length);
    const inResults = new Set(testFile.results.flatMap((r: any) => r.resources));
    for (const n of named) expect(inResults.has(n)).toBe(true);
  });

  const examples = sharedPath('seeds', 'examples');
  (examples ? test : test.skip)('the seed examples are the resources the seed cases name', () => {
    const docs = SEED_FILES.flatMap((f) => readYaml(path.resolve(FIXTURES, f)));
    expect(docs.map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toEqual(SEED_CASES.map((c) => c.resource));
  });

  /** The engine's verdicts vs the Kyverno verdicts we wrote down. */
  function agreement(docs: any[], cases: { resource: string; results: Record<string, string> }[]) {
    const report = checkManifests(docs, { tenants: TENANTS.map((t) => t.toDefinition()) });
    return report.documents.map((d, i) => {
      const expected = cases[i].results;
      const kyvernoTenantFail = TENANT_RULES_A.some((r) => expected[r] === 'fail');
      const kyvernoSecurityFail = expected[ADMISSION_RULES.restricted] === 'fail' || expected[ADMISSION_RULES.autoscaler] === 'fail';
      return {
        resource: `${d.namespace}/${d.name}`,
        tenantRules: { engine: d.rules['enforce-tenant-isolation'].status, kyverno: kyvernoTenantFail ? 'fail' : 'pass' },
        // engine's generate-network-policies failure => the policy denies the cluster (no label) and generates nothing
        networkPolicy: d.rules['generate-network-policies'].status === 'fail'
          ? expected[ADMISSION_RULES.knownTenant] === 'fail' && expected[ADMISSION_RULES.networkPolicy] === 'skip' : true,
        // the policy's security rules are a subset of the engine's pod-security rule
        securitySubset: !kyvernoSecurityFail || d.rules['pod-security'].status === 'fail',
      };
    });
  }

  test('own cases: the verdicts in the Kyverno test agree with the engine', () => {
    const rows = agreement(own, OWN_CASES.map((c) => ({ resource: c.name, results: c.results })));
    for (const row of rows) {
      const agreed = { engine: row.tenantRules.kyverno, kyverno: row.tenantRules.kyverno };
      expect(row).toEqual({ resource: row.resource, tenantRules: agreed, networkPolicy: true, securitySubset: true });
    }
    // and the cases exercise both verdicts
    expect(new Set(rows.map((r) => r.tenantRules.engine))).toEqual(new Set(['pass', 'fail']));
  });

  (examples ? test : test.skip)('seed examples: the verdicts in the Kyverno test agree with the engine', () => {
    const docs = SEED_FILES.flatMap((f) => readYaml(path.resolve(FIXTURES, f)));
    const rows = agreement(docs, SEED_CASES);
    expect(rows.map((r) => [r.resource, r.tenantRules.engine, r.tenantRules.kyverno, r.networkPolicy, r.securitySubset])).toEqual([
      ['ray-namespace/ray-tenant-team-a', 'pass', 'pass', true, true],
      ['ray-namespace/ray-test-invalid', 'fail', 'fail', true, true],
      ['ray-namespace/ray-test-no-tenant', 'fail', 'fail', true, true],
      ['ray-namespace/ray-test-fail-both', 'fail', 'fail', true, true],
    ]);
  });

  test('team-b exists so that other tenants\' rules do not match team-a\'s clusters', () => {
    const b = tenantRuleNames(TEAM_B.name);
    for (const r of testFile.results) expect([b.namespace, b.placement, b.resources]).not.toContain(r.rule);
  });
});
