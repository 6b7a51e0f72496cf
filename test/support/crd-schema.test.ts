import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CrdValidator, loadCrdValidator } from './crd-schema';
import { sharedPath } from './manifests';

// Through sharedPath: absent, they skip visibly; in CI (SECURE_RAY_REQUIRE_SHARED=1) absence fails.
const KUBERAY_CRD = sharedPath('kuberay', 'crd', 'ray.io_rayclusters.yaml') ?? '';
const KUBERAY_SAMPLES = sharedPath('kuberay', 'samples') ?? '';
const KYVERNO_CLUSTER_POLICY_CRD = sharedPath('kyverno', 'crd', 'kyverno.io_clusterpolicies.yaml') ?? '';
const KYVERNO_TEST_CRD = sharedPath('kyverno', 'cli', 'cli.kyverno.io_tests.yaml') ?? '';

const withKubeRay = KUBERAY_CRD && KUBERAY_SAMPLES ? describe : describe.skip;
const withKyverno = KYVERNO_CLUSTER_POLICY_CRD && KYVERNO_TEST_CRD ? describe : describe.skip;

/** Compiling a 1 MB CRD takes a second or two; give slow machines room. */
const LOAD_TIMEOUT_MS = 60_000;

type Json = any;

/** A small valid RayCluster; each call returns a fresh copy. */
function rayCluster(): Json {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name: 'team-a-ray', namespace: 'team-a', labels: { 'tenant.example.com/name': 'team-a' } },
    spec: {
      rayVersion: '2.52.0',
      headGroupSpec: {
        rayStartParams: { 'dashboard-host': '0.0.0.0' },
        template: {
          spec: {
            containers: [{
              name: 'ray-head',
              image: 'rayproject/ray:2.52.0',
              ports: [{ containerPort: 6379, name: 'gcs' }],
              resources: { limits: { cpu: '1', memory: '2Gi' } },
            }],
          },
        },
      },
      workerGroupSpecs: [{
        groupName: 'workers',
        rayStartParams: {},
        template: { spec: { containers: [{ name: 'ray-worker', image: 'rayproject/ray:2.52.0' }] } },
      }],
    },
  };
}

function paths(errors: ReadonlyArray<{ path: string }>): string[] {
  return errors.map(e => e.path);
}

withKubeRay('KubeRay v1.7.0 RayCluster CRD', () => {
  let v: CrdValidator;
  beforeAll(() => {
    v = loadCrdValidator(KUBERAY_CRD)!;
  }, LOAD_TIMEOUT_MS);

  test('loads the storage version v1, and caches the compiled validator', () => {
    expect(v).toBeDefined();
    expect(v.version).toBe('v1');
    expect(v.apiVersion).toBe('ray.io/v1');
    expect(v.kind).toBe('RayCluster');
    expect(loadCrdValidator(KUBERAY_CRD)).toBe(v);
    expect(loadCrdValidator(KUBERAY_CRD, { version: 'v1', rejectUnknownFields: true })).toBe(v);
    expect(v.ignoredFormats).toEqual([]);
    expect(v.droppedPatterns).toEqual([]);
  });

  test('the 3 CEL rules (x-kubernetes-validations) are listed as not evaluated', () => {
    expect(v.celRuleCount).toBe(3);
    expect(v.celRules.map(r => `${r.path}: ${r.rule}`)).toEqual([
      'spec.gcsFaultToleranceOptions.backend: self == oldSelf',
      'spec.managedBy: self == oldSelf',
      "spec.managedBy: self in ['ray.io/kuberay-operator', 'kueue.x-k8s.io/multikueue']",
    ]);
  });

  test('every RayCluster in the 47 upstream sample files is valid (unknown fields rejected)', () => {
    const files = fs.readdirSync(KUBERAY_SAMPLES).filter(f => f.endsWith('.yaml')).sort();
    expect(files).toHaveLength(47);
    const failures: Record<string, unknown> = {};
    let clusters = 0;
    for (const file of files) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(KUBERAY_SAMPLES, file), 'utf8'));
      for (const doc of docs) {
        expect(doc.errors).toEqual([]);
        const manifest = doc.toJS() as Json;
        if (manifest?.kind !== 'RayCluster') {
          continue;
        }
        clusters++;
        const errors = v.validate(manifest);
        if (errors.length > 0) {
          failures[`${file} ${manifest.metadata?.name}`] = errors;
        }
      }
    }
    expect(failures).toEqual({});
    expect(clusters).toBe(47);
    // How fast it validates is measured by the benchmark (npm run bench: crdSchemaMsPerCluster).
  });

  test('a small RayCluster is valid, and the input is not modified', () => {
    const manifest = rayCluster();
    const before = JSON.stringify(manifest);
    expect(v.validate(manifest)).toEqual([]);
    expect(JSON.stringify(manifest)).toBe(before);
  });

  test('applies the schema defaults, in array items too', () => {
    const defaulted = v.applyDefaults(rayCluster()) as Json;
    // workerGroupSpecs[].minReplicas/maxReplicas are `required` but defaulted: valid without them.
    expect(defaulted.spec.workerGroupSpecs[0]).toMatchObject({
      replicas: 0, minReplicas: 0, maxReplicas: 2147483647, numOfHosts: 1, priority: 0,
    });
    expect(defaulted.spec.headGroupSpec.template.spec.containers[0].ports[0]).toEqual({
      containerPort: 6379, name: 'gcs', protocol: 'TCP',
    });
    // Set values win over defaults.
    const manifest = rayCluster();
    manifest.spec.workerGroupSpecs[0].maxReplicas = 5;
    expect((v.applyDefaults(manifest) as Json).spec.workerGroupSpecs[0].maxReplicas).toBe(5);
    expect(manifest.spec.workerGroupSpecs[0].replicas).toBeUndefined();
  });

  test('a typo is rejected, with its path and a suggestion', () => {
    const manifest = rayCluster();
    manifest.spec.headGroupSpec.rayStartParam = { 'num-cpus': '0' };
    expect(v.validate(manifest)).toEqual([{
      path: 'spec.headGroupSpec.rayStartParam',
      message: 'unknown field "rayStartParam" (did you mean "rayStartParams"?)',
    }]);
    // The API server would prune it silently; so does the lax mode.
    const lax = loadCrdValidator(KUBERAY_CRD, { rejectUnknownFields: false })!;
    expect(lax).not.toBe(v);
    expect(lax.validate(manifest)).toEqual([]);
  }, LOAD_TIMEOUT_MS);

  test('unknown fields at the root and deep in the pod template are rejected', () => {
    const manifest = rayCluster();
    manifest.sepc = {};
    manifest.spec.headGroupSpec.template.spec.containers[0].securityContex = {};
    expect(paths(v.validate(manifest))).toEqual([
      'sepc',
      'spec.headGroupSpec.template.spec.containers[0].securityContex',
    ]);
  });

  test('a wrong type is rejected', () => {
    const manifest = rayCluster();
    manifest.spec.workerGroupSpecs[0].replicas = 'two';
    expect(v.validate(manifest)).toEqual([{
      path: 'spec.workerGroupSpecs[0].replicas',
      message: 'must be of type integer (got string "two")',
    }]);
  });

  test('int-or-string quantities accept integers and strings, nothing else', () => {
    const withCpu = (cpu: unknown): Json => {
      const manifest = rayCluster();
      manifest.spec.headGroupSpec.template.spec.containers[0].resources.limits.cpu = cpu;
      return manifest;
    };
    expect(v.validate(withCpu(1))).toEqual([]);
    expect(v.validate(withCpu('1'))).toEqual([]);
    expect(v.validate(withCpu('500m'))).toEqual([]);
    const cpuPath = 'spec.headGroupSpec.template.spec.containers[0].resources.limits.cpu';
    expect(v.validate(withCpu(true))).toEqual([{ path: cpuPath, message: 'must be of type integer or string (got boolean true)' }]);
    expect(paths(v.validate(withCpu('one core')))).toEqual([cpuPath]); // the quantity pattern
  });

  test('null is accepted where nullable, rejected elsewhere (pruned in lax mode)', () => {
    const manifest = rayCluster();
    manifest.status = { lastUpdateTime: null }; // the CRD's one `nullable: true` field
    expect(v.validate(manifest)).toEqual([]);
    manifest.status.state = null;
    expect(v.validate(manifest)).toEqual([{ path: 'status.state', message: 'must be of type string (got null)' }]);
    const lax = loadCrdValidator(KUBERAY_CRD, { rejectUnknownFields: false })!;
    expect(lax.validate(manifest)).toEqual([]);
    expect((lax.applyDefaults(manifest) as Json).status).toEqual({ lastUpdateTime: null });
  }, LOAD_TIMEOUT_MS);

  test('enums, int32 range, required fields and duplicate list-map keys', () => {
    const manifest = rayCluster();
    manifest.spec.authOptions = { mode: 'tokens' };
    manifest.spec.workerGroupSpecs[0].replicas = 3_000_000_000;
    delete manifest.spec.workerGroupSpecs[0].groupName;
    manifest.spec.headGroupSpec.template.spec.containers.push({ name: 'ray-head', image: 'busybox' });
    manifest.spec.headGroupSpec.template.spec.containers[0].ports.push({ containerPort: 6379, protocol: 'TCP' });
    expect(v.validate(manifest)).toEqual(expect.arrayContaining([
      { path: 'spec.authOptions.mode', message: 'Unsupported value (got string "tokens"): supported values: "disabled", "token"' },
      { path: 'spec.workerGroupSpecs[0].replicas', message: 'must be a valid int32 (got number 3000000000)' },
      { path: 'spec.workerGroupSpecs[0].groupName', message: 'Required value' },
      { path: 'spec.headGroupSpec.template.spec.containers[1]', message: 'Duplicate value: {"name":"ray-head"}' },
      {
        path: 'spec.headGroupSpec.template.spec.containers[0].ports[1]',
        message: 'Duplicate value: {"containerPort":6379,"protocol":"TCP"}',
      },
    ]));
    expect(v.validate(manifest)).toHaveLength(5);
  });

  test('root apiVersion, kind and metadata are checked', () => {
    const manifest = rayCluster();
    manifest.apiVersion = 'ray.io/v1alpha1';
    manifest.metadata.name = 'Team_A';
    manifest.metadata.labels.replicas = 2;
    manifest.metadata.uid = '0000'; // unknown metadata fields are allowed
    expect(paths(v.validate(manifest))).toEqual(['apiVersion', 'metadata.labels.replicas', 'metadata.name']);
    delete manifest.kind;
    expect(v.validate(manifest)).toContainEqual({ path: 'kind', message: 'Required value' });
    manifest.kind = 'RayCluster';
    manifest.apiVersion = 'ray.io/v1';
    manifest.metadata = { name: 'ok', labels: { 'bad key!': 'x', 'ok-key': 'bad value!' }, annotations: { 'example.com/any': 'any value!' } };
    expect(v.validate(manifest)).toEqual([
      { path: 'metadata.labels.ok-key', message: expect.stringMatching(/^must match .* \(got string "bad value!"\)$/) },
      { path: 'metadata.labels["bad key!"]', message: expect.stringMatching(/^invalid key: must match .* \(got string "bad key!"\)$/) },
    ]);
    expect(v.validate('not an object')).toEqual([{ path: '', message: 'must be of type object (got string "not an object")' }]);
  });

  test('the deprecated v1alpha1 version can be chosen', () => {
    const alpha = loadCrdValidator(KUBERAY_CRD, { version: 'v1alpha1' })!;
    expect(alpha.apiVersion).toBe('ray.io/v1alpha1');
    const manifest = { ...rayCluster(), apiVersion: 'ray.io/v1alpha1' };
    expect(alpha.validate(manifest)).toEqual([]);
    manifest.spec.authOptions = { mode: 'token' }; // not in v1alpha1
    expect(paths(alpha.validate(manifest))).toEqual(['spec.authOptions']);
    expect(() => loadCrdValidator(KUBERAY_CRD, { version: 'v2' })).toThrow(/no version v2 \(have: v1, v1alpha1\)/);
  }, LOAD_TIMEOUT_MS);
});

withKyverno('Kyverno v1.19.0 CRDs', () => {
  let cpol: CrdValidator;
  beforeAll(() => {
    cpol = loadCrdValidator(KYVERNO_CLUSTER_POLICY_CRD)!;
  }, LOAD_TIMEOUT_MS);

  function clusterPolicy(): Json {
    return {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'raycluster-tenant-isolation' },
      spec: {
        rules: [{
          name: 'tenant-matches-namespace',
          match: { any: [{ resources: { kinds: ['ray.io/v1/RayCluster'] } }] },
          context: [{ name: 'nsLabels', apiCall: { urlPath: '/api/v1/namespaces/{{request.namespace}}', jmesPath: 'metadata.labels' } }],
          validate: { failureAction: 'Enforce', message: 'tenant mismatch', pattern: { metadata: { labels: { tenant: '{{ nsLabels.tenant }}' } } } },
        }],
      },
    };
  }

  test('a ClusterPolicy is valid, and gets the defaults the API server would add', () => {
    expect(cpol.version).toBe('v1');
    expect(cpol.validate(clusterPolicy())).toEqual([]);
    const defaulted = cpol.applyDefaults(clusterPolicy()) as Json;
    expect(defaulted.spec).toMatchObject({ validationFailureAction: 'Audit', background: true, admission: true });
    expect(defaulted.spec.rules[0].validate.allowExistingViolations).toBe(true);
    expect(defaulted.spec.rules[0].context[0].apiCall.method).toBe('GET');
  });

  test('typos, bad enums, oneOf and not are reported', () => {
    const policy = clusterPolicy();
    const rule = policy.spec.rules[0];
    rule.validate.failureActon = 'Enforce';
    rule.validate.failureAction = 'enforce';
    rule.match.all = [];
    rule.context[0].variable = { value: 1 };
    rule.validate.pattern.anything = { goes: ['here'] }; // x-kubernetes-preserve-unknown-fields
    expect(cpol.validate(policy)).toEqual([
      {
        path: 'spec.rules[0].context[0]',
        message: 'exactly one of configMap, apiCall, imageRegistry, variable, globalReference must be set (more than one is)',
      },
      { path: 'spec.rules[0].match', message: 'must not set both any and all' },
      { path: 'spec.rules[0].validate.failureAction', message: 'Unsupported value (got string "enforce"): supported values: "Audit", "Enforce"' },
      { path: 'spec.rules[0].validate.failureActon', message: 'unknown field "failureActon" (did you mean "failureAction"?)' },
    ]);
  });

  test('the CLI Test file', () => {
    const testCrd = loadCrdValidator(KYVERNO_TEST_CRD)!;
    expect(testCrd.apiVersion).toBe('cli.kyverno.io/v1alpha1');
    const file: Json = {
      apiVersion: 'cli.kyverno.io/v1alpha1',
      kind: 'Test',
      metadata: { name: 'raycluster-tenant-isolation' },
      policies: ['policy.yaml'],
      resources: ['rayclusters.yaml'],
      values: { namespaces: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { tenant: 'team-a' } } }] },
      results: [{ policy: 'raycluster-tenant-isolation', rule: 'tenant-matches-namespace', kind: 'RayCluster', resources: ['team-a/good'], result: 'pass' }],
    };
    expect(testCrd.validate(file)).toEqual([]);
    file.results[0].result = 'passed';
    expect(paths(testCrd.validate(file))).toEqual(['results[0].result']);
  }, LOAD_TIMEOUT_MS);
});

describe('dialect translation (a synthetic CRD)', () => {
  let dir: string;
  let crdFile: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-schema-test-'));
    crdFile = path.join(dir, 'widgets.yaml');
    fs.writeFileSync(crdFile, SYNTHETIC_CRD);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const widget = (spec: Json): Json => ({ apiVersion: 'example.com/v2', kind: 'Widget', metadata: { name: 'w' }, spec });

  test('a missing file gives undefined', () => {
    expect(loadCrdValidator(path.join(dir, 'absent.yaml'))).toBeUndefined();
  });

  test('storage version, CEL count, ignored formats, dropped Go-only patterns', () => {
    const v = loadCrdValidator(crdFile)!;
    expect(v.version).toBe('v2');
    expect(v.celRules).toEqual([{ path: 'spec.size', rule: 'self >= 0', message: 'no negative sizes' }]);
    expect(v.ignoredFormats).toEqual(['hostname']);
    expect(v.droppedPatterns).toEqual(['spec.goOnly: (?i)^abc$']);
  });

  test('int-or-string without anyOf, nullable enum, exclusiveMinimum, list-type set', () => {
    const v = loadCrdValidator(crdFile)!;
    expect(v.validate(widget({ port: 8080, size: 1, mode: null, tags: ['a', 'b'], host: 'not a hostname' }))).toEqual([]);
    expect(v.validate(widget({ port: 'http' }))).toEqual([]);
    expect(v.validate(widget({ port: 1.5, size: 0, mode: 'other', tags: ['a', 'a'] }))).toEqual([
      { path: 'spec.mode', message: 'Unsupported value (got string "other"): supported values: "fast", "slow", null' },
      { path: 'spec.port', message: 'must be of type integer or string (got number 1.5)' },
      { path: 'spec.size', message: 'must be > 0 (got number 0)' },
      { path: 'spec.tags[1]', message: 'Duplicate value: "a"' },
    ]);
  });

  test('embedded resources allow apiVersion/kind/metadata and require apiVersion and kind', () => {
    const v = loadCrdValidator(crdFile)!;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { x: 1 } };
    expect(v.validate(widget({ template: pod }))).toEqual([]);
    expect(v.validate(widget({ template: { metadata: { labels: { a: 1 } } } }))).toEqual([
      { path: 'spec.template.apiVersion', message: 'Required value' },
      { path: 'spec.template.kind', message: 'Required value' },
      { path: 'spec.template.metadata.labels.a', message: 'must be of type string (got number 1)' },
    ]);
  });

  test('preserve-unknown-fields keeps an object open; properties are still checked', () => {
    const v = loadCrdValidator(crdFile)!;
    expect(v.validate(widget({ extra: { known: 'x', anything: { else: true } } }))).toEqual([]);
    expect(paths(v.validate(widget({ extra: { known: 1 } })))).toEqual(['spec.extra.known']);
  });

  test('defaults: in properties, additionalProperties and items; non-nullable null gets the default', () => {
    const v = loadCrdValidator(crdFile)!;
    const defaulted = v.applyDefaults(widget({ limits: { a: {}, b: { value: 3 } }, items: [{}, { weight: null }] })) as Json;
    expect(defaulted.spec).toEqual({
      replicas: 1,
      limits: { a: { value: 10 }, b: { value: 3 } },
      items: [{ weight: 5 }, { weight: 5 }],
    });
    expect(v.validate(widget({ items: [{ weight: null }] }))).toEqual([]);
    // A default is not applied to the root metadata, and apiVersion/kind are never defaulted.
    expect((v.applyDefaults({}) as Json)).toEqual({});
    expect(paths(v.validate({}))).toEqual(['apiVersion', 'kind', 'spec']);
  });
});

const SYNTHETIC_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: false
    schema:
      openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
  - name: v2
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        required: [spec]
        properties:
          apiVersion: { type: string }
          kind: { type: string }
          metadata: { type: object }
          spec:
            type: object
            properties:
              replicas: { type: integer, format: int32, default: 1 }
              port: { x-kubernetes-int-or-string: true }
              size:
                type: integer
                minimum: 0
                exclusiveMinimum: true
                x-kubernetes-validations: [{ rule: self >= 0, message: no negative sizes }]
              mode: { type: string, enum: [fast, slow], nullable: true }
              tags: { type: array, items: { type: string }, x-kubernetes-list-type: set }
              host: { type: string, format: hostname }
              goOnly: { type: string, pattern: '(?i)^abc$' }
              template: { type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true }
              extra:
                type: object
                x-kubernetes-preserve-unknown-fields: true
                properties:
                  known: { type: string }
              limits:
                type: object
                additionalProperties:
                  type: object
                  properties:
                    value: { type: integer, default: 10 }
              items:
                type: array
                items:
                  type: object
                  properties:
                    weight: { type: integer, default: 5 }
`;
