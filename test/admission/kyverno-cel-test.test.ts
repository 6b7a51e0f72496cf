import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { KyvernoResult, kyvernoTestFile } from '../../src/admission';
import { celPolicies, CelCase, Identity, IDENTITIES, NAMESPACE_TENANTS, policyOf } from '../fixtures/admission-cel/cases';
import { AdmissionRequestInput, ClusterState, evaluateKyvernoValidatingPolicies } from '../support/cel';
import { loadCrdValidator } from '../support/crd-schema';
import { sharedPath } from '../support/manifests';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'admission-cel');
const UPDATE = process.env.UPDATE_ADMISSION_FIXTURES === '1';

const policies = celPolicies();

/**
 * The namespaces as the Kyverno CLI sees them without a cluster or a values file: a Namespace with
 * only the `kubernetes.io/metadata.name` label (pkg/cel/matching/predicates/namespace, v1.17+).
 */
const CLUSTER: ClusterState = {
  namespaces: Object.keys(NAMESPACE_TENANTS).map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } })),
};

/** The resource (plural) of each kind in the fixture, as the CLI's REST mapper (or its guess for CRDs) gives it. */
const RESOURCES: Readonly<Record<string, string>> = {
  Pod: 'pods',
  Service: 'services',
  NetworkPolicy: 'networkpolicies',
  Deployment: 'deployments',
  RayCluster: 'rayclusters',
  RayJob: 'rayjobs',
  RayService: 'rayservices',
  RayCronJob: 'raycronjobs',
};

/** A CREATE of the object by the identity, as the CLI sends it (`AdmissionRequestShape` with no `operation`). */
function createRequest(object: any, userInfo: Identity['userInfo']): AdmissionRequestInput {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const resource = RESOURCES[object.kind];
  if (resource === undefined) throw new Error(`no resource for kind ${object.kind}`);
  return {
    operation: 'CREATE',
    kind: { group, version, kind: object.kind },
    resource: { group, version, resource },
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    object,
    userInfo: { username: userInfo.username, groups: [...userInfo.groups] },
  };
}

/**
 * Each ValidatingPolicy's verdict on the object, as the CLI reports it (vpol engine `handlePolicy`):
 * `fail` when a validation is false, `error` when one errs, `skip` when the policy matches but a
 * match condition is false, else `pass`; a policy that does not match is left out.
 */
function verdicts(object: any, userInfo: Identity['userInfo']): { results: Record<string, KyvernoResult>; errors: readonly string[] } {
  const v = evaluateKyvernoValidatingPolicies(policies, createRequest(object, userInfo), CLUSTER);
  const results: Record<string, KyvernoResult> = {};
  const keys = [...new Set([...v.invocations.map((i) => i.policy), ...v.denials.map((d) => d.policy)])];
  for (const key of keys) {
    const denials = v.denials.filter((d) => d.policy === key);
    const skipped = v.evaluations.some((e) => e.policy === key && e.kind === 'matchCondition' && e.value === false);
    results[key.replace(/^ValidatingPolicy\//, '')] = denials.some((d) => d.evaluation !== 'deny') ? 'error' : denials.length > 0 ? 'fail' : skipped ? 'skip' : 'pass';
  }
  return { results, errors: v.errors };
}

const resourceName = (o: any) => `${o.metadata.namespace}/${o.metadata.name}`;
const inDir = (id: Identity, file: string) => path.join(id.dir, file);
const policyFile = (id: Identity) => path.relative(id.dir, 'policies.yaml');

function userInfoFile(id: Identity): any {
  return { apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'UserInfo', metadata: { name: id.name }, userInfo: { username: id.userInfo.username, groups: [...id.userInfo.groups] } };
}

function testFile(id: Identity): any {
  return kyvernoTestFile({
    name: `secure-ray-admission-${id.name}`,
    policyFiles: [policyFile(id)],
    resourceFiles: ['resources.yaml'],
    userInfoFile: 'user-info.yaml',
    cases: id.cases.map((c) => ({ resource: resourceName(c.object), kind: c.object.kind, results: verdicts(c.object, id.userInfo).results })),
  });
}

const yamlDocs = (docs: readonly any[]) => docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
function readYaml(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(path.join(FIXTURES, file), 'utf8')).map((d) => d.toJS());
}

/** Compares a generated file with the one in test/fixtures/admission-cel (or rewrites it with UPDATE_ADMISSION_FIXTURES=1). */
function expectFixture(file: string, content: string): void {
  const full = path.join(FIXTURES, file);
  if (UPDATE) {
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  expect({ file, content: fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : '<missing>' })
    .toEqual({ file, content }); // on a diff: UPDATE_ADMISSION_FIXTURES=1 npx jest test/admission/kyverno-cel-test.test.ts, then read the diff
}

const tests = new Map(IDENTITIES.map((id) => [id, testFile(id)]));

describe('test/fixtures/admission-cel: a Kyverno CLI test of the ValidatingPolicies', () => {
  test('the policies, and per identity the resources, the user info and kyverno-test.yaml, are up to date', () => {
    expectFixture('policies.yaml', yamlDocs(policies));
    for (const id of IDENTITIES) {
      expectFixture(inDir(id, 'resources.yaml'), yamlDocs(id.cases.map((c) => c.object)));
      expectFixture(inDir(id, 'user-info.yaml'), stringify(userInfoFile(id), { lineWidth: 0 }));
      expectFixture(inDir(id, 'kyverno-test.yaml'), stringify(tests.get(id), { lineWidth: 0 }));
    }
  });

  test('the folder holds only the generated files (and cases.ts)', () => {
    const files = (fs.readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' }) as string[])
      .filter((f) => fs.statSync(path.join(FIXTURES, f)).isFile()).sort();
    const expected = ['cases.ts', 'policies.yaml', ...IDENTITIES.flatMap((id) => ['kyverno-test.yaml', 'resources.yaml', 'user-info.yaml'].map((f) => inDir(id, f)))];
    expect(files).toEqual(expected.sort());
  });

  test('the policies are the ValidatingPolicies of both tenants, platform-wide then per tenant', () => {
    expect(policies.map((p) => `${p.apiVersion} ${p.kind}/${p.metadata.name}`)).toEqual([
      'secure-ray-network-policies', 'secure-ray-services',
      'secure-ray-pods-team-a', 'secure-ray-pod-labels-team-a', 'secure-ray-ray-team-a',
      'secure-ray-pods-team-b', 'secure-ray-pod-labels-team-b', 'secure-ray-ray-team-b',
    ].map((n) => `policies.kyverno.io/v1 ValidatingPolicy/${n}`));
  });

  describe.each(IDENTITIES.map((id) => [id.dir, id] as const))('%s', (_, id) => {
    test.each(id.cases.map((c) => [`${resourceName(c.object)}: ${c.why}`, c] as const))('%s', (__, c: CelCase) => {
      const { results, errors } = verdicts(c.object, id.userInfo);
      expect(errors).toEqual([]);
      expect(Object.keys(results).length).toBeGreaterThan(0); // some policy judges it, or it would not belong here
      const failing = Object.keys(results).filter((p) => results[p] !== 'pass');
      expect(failing.sort()).toEqual((c.fails ?? []).map((f) => policyOf(f, c.object.metadata.namespace)).sort());
      for (const p of failing) expect({ policy: p, result: results[p] }).toEqual({ policy: p, result: 'fail' });
    });
  });

  test('who asks matters for labels only: the pod KubeRay builds passes from the operator, fails from a person; placement binds both', () => {
    const [developer, operator] = IDENTITIES;
    const verdictOf = (id: Identity, resource: string, policy: string) => tests.get(id).results
      .find((r: any) => r.policy === policy && r.resources.includes(resource))?.result;
    expect(verdictOf(developer, 'ray-namespace/kuberay-head-by-hand', 'secure-ray-pod-labels-team-a')).toBe('fail');
    expect(verdictOf(developer, 'ray-namespace/kuberay-head-by-hand', 'secure-ray-pods-team-a')).toBe('pass');
    expect(verdictOf(operator, 'ray-namespace/analytics-head', 'secure-ray-pod-labels-team-a')).toBe('pass');
    expect(verdictOf(operator, 'ray-namespace/analytics-cpu-worker-moved', 'secure-ray-pods-team-a')).toBe('fail');
  });

  describe.each(IDENTITIES.map((id) => [id.dir, id] as const))('the Test in %s', (_, id) => {
    const t = () => readYaml(inDir(id, 'kyverno-test.yaml'))[0];

    test('cli.kyverno.io/v1alpha1 Test: its policy, resource and user info files exist', () => {
      const test_ = t();
      expect(Object.keys(test_)).toEqual(['apiVersion', 'kind', 'metadata', 'policies', 'resources', 'userinfo', 'results']);
      expect([test_.apiVersion, test_.kind, test_.metadata.name]).toEqual(['cli.kyverno.io/v1alpha1', 'Test', `secure-ray-admission-${id.name}`]);
      for (const f of [...test_.policies, ...test_.resources, test_.userinfo]) {
        expect({ f, exists: fs.existsSync(path.join(FIXTURES, id.dir, f)) }).toEqual({ f, exists: true });
      }
      const info = readYaml(inDir(id, test_.userinfo));
      expect(info).toEqual([{ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'UserInfo', metadata: { name: id.name }, userInfo: { username: id.userInfo.username, groups: id.userInfo.groups } }]);
    });

    test('results: { policy, isValidatingPolicy: true, kind, resources, result }, no rule; only pass and fail', () => {
      const results: any[] = t().results;
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) {
        expect(Object.keys(r)).toEqual(['policy', 'isValidatingPolicy', 'kind', 'resources', 'result']);
        expect(r.isValidatingPolicy).toBe(true);
        expect(r).not.toHaveProperty('rule');
        expect(['pass', 'fail']).toContain(r.result);
      }
      expect(new Set(results.map((r) => r.result))).toEqual(new Set(id.cases.some((c) => c.fails) ? ['pass', 'fail'] : ['pass']));
    });

    test('every policy named is in the policy file; every resource named is in the resource file with that kind, and every resource is named', () => {
      const test_ = t();
      const policyNames = new Set(test_.policies.flatMap((f: string) => readYaml(path.join(id.dir, f))).map((p: any) => p.metadata.name));
      const docs = test_.resources.flatMap((f: string) => readYaml(path.join(id.dir, f)));
      const kinds = new Map<string, string>(docs.map((d: any) => [resourceName(d), d.kind]));
      expect(kinds.size).toBe(docs.length); // the CLI finds a result's resources by namespace/name only
      const named = new Set<string>();
      for (const r of test_.results) {
        expect({ policy: r.policy, known: policyNames.has(r.policy) }).toEqual({ policy: r.policy, known: true });
        for (const res of r.resources) {
          expect({ resource: res, kind: kinds.get(res) }).toEqual({ resource: res, kind: r.kind });
          named.add(res);
        }
      }
      expect([...kinds.keys()].filter((k) => !named.has(k))).toEqual([]);
    });

    test('one verdict per policy and resource; a tenant\'s policies judge only its namespace', () => {
      const seen = new Set<string>();
      for (const r of t().results) {
        for (const res of r.resources) {
          expect(seen.has(`${r.policy} ${res}`)).toBe(false);
          seen.add(`${r.policy} ${res}`);
          const tenant = NAMESPACE_TENANTS[res.split('/')[0]];
          if (/-team-[ab]$/.test(r.policy)) expect(r.policy.endsWith(`-${tenant}`)).toBe(true);
        }
      }
    });
  });
});

describe('schemas (Kyverno v1.19.0 in ../shared)', () => {
  const cli = sharedPath('kyverno', 'cli', 'cli.kyverno.io_tests.yaml');
  const vpol = sharedPath('kyverno', 'crd-cel', 'policies.kyverno.io_validatingpolicies.yaml');
  const maybe = (file: string | undefined) => (file ? test : test.skip);

  maybe(cli)('every kyverno-test.yaml validates against the CLI Test schema, unknown fields rejected; a misspelt flag does not', () => {
    const v = loadCrdValidator(cli!, { rejectUnknownFields: true })!;
    for (const id of IDENTITIES) expect({ dir: id.dir, errors: v.validate(tests.get(id)) }).toEqual({ dir: id.dir, errors: [] });
    const t = tests.get(IDENTITIES[0]);
    const typo = { ...t, results: [{ ...t.results[0], isValidatingPolicy: undefined, isValidatingPolicies: true }] };
    delete typo.results[0].isValidatingPolicy;
    expect(v.validate(typo)).toEqual([expect.objectContaining({ path: 'results[0].isValidatingPolicies', message: expect.stringContaining('unknown field') })]);
  });

  maybe(vpol)('the policies validate against the ValidatingPolicy CRD (v1), unknown fields rejected; a typo does not', () => {
    const v = loadCrdValidator(vpol!, { version: 'v1', rejectUnknownFields: true })!;
    for (const p of readYaml('policies.yaml')) expect({ policy: p.metadata.name, errors: v.validate(p) }).toEqual({ policy: p.metadata.name, errors: [] });
    const typo = JSON.parse(JSON.stringify(policies[0]));
    typo.spec.validationAction = typo.spec.validationActions;
    delete typo.spec.validationActions;
    expect(v.validate(typo).map((e) => e.path)).toEqual(['spec.validationAction']);
  });
});
