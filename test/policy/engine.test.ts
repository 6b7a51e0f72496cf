import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { checkDocument, checkManifests, DocumentResult, RULE_IDS } from '../../src/policy/engine';
import { compliantCluster } from '../support/compliant';
import { sharedPath } from '../support/manifests';

function load(file: string): unknown[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
}
const statuses = (d: DocumentResult) => Object.fromEntries(RULE_IDS.map((r) => [r, d.rules[r].status]));

/** A RayCluster that passes the two tenant rules (bounds from annotations). */
function compliant(): any {
  return compliantCluster({
    resources: { limits: { cpu: '4', memory: '8Gi' }, requests: { cpu: '1', memory: '2Gi' } },
    annotations: { minCpu: '1', maxCpu: '4', minMemory: '2Gi', maxMemory: '8Gi' },
  });
}

describe('engine: what each kind gets', () => {
  test('a compliant RayCluster passes all three rules', () => {
    expect(statuses(checkDocument(compliant()))).toEqual({ 'enforce-tenant-isolation': 'pass', 'generate-network-policies': 'pass', 'pod-security': 'pass' });
  });
  test('a Pod gets pod-security only; other kinds skip every rule', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    expect(statuses(checkDocument(pod))).toEqual({ 'enforce-tenant-isolation': 'skip', 'generate-network-policies': 'skip', 'pod-security': 'fail' });
    expect(statuses(checkDocument({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }))).toEqual({ 'enforce-tenant-isolation': 'skip', 'generate-network-policies': 'skip', 'pod-security': 'skip' });
  });
  test.each([null, 42, 'text', [], {}])('malformed input %j: no kind, every rule skips', (doc) => {
    const r = checkDocument(doc);
    expect([r.kind, r.name, r.namespace]).toEqual(['', '', '']);
    expect(statuses(r)).toEqual({ 'enforce-tenant-isolation': 'skip', 'generate-network-policies': 'skip', 'pod-security': 'skip' });
  });
  test.each([
    { kind: 'RayCluster', apiVersion: 'ray.io/v1' },
    { kind: 'RayCluster', apiVersion: 'ray.io/v1', spec: { headGroupSpec: 7, workerGroupSpecs: 'x' } },
  ])('a malformed RayCluster %j is judged, not thrown on: the missing label, bounds, name and head group fail', (doc) => {
    const r = checkDocument(doc);
    const paths = (id: keyof typeof r.rules) => r.rules[id].violations.map((v) => v.path);
    expect(paths('enforce-tenant-isolation')).toEqual([
      'metadata.labels.tenant', 'metadata.annotations.minCpu', 'metadata.annotations.maxCpu', 'metadata.annotations.minMemory',
      'metadata.annotations.maxMemory', 'spec.headGroupSpec',
    ]);
    expect(paths('generate-network-policies')).toEqual(['metadata.name', 'metadata.labels.tenant']);
    // The pod KubeRay would build has no container: nothing for the Pod Security Standard to refuse.
    expect(r.rules['pod-security'].status).toBe('pass');
  });
});

describe('enforce-tenant-isolation', () => {
  const rule = (doc: any, options = {}) => checkDocument(doc, options).rules['enforce-tenant-isolation'].violations.map((v) => `${v.path}: ${v.message}`);

  test('tenant definitions win over self-written annotations', () => {
    const doc = compliant();
    doc.metadata.annotations.maxCpu = '64';
    doc.spec.headGroupSpec.template.spec.containers[0].resources.limits.cpu = '32';
    expect(rule(doc)).toEqual([]);
    const out = rule(doc, { tenants: [{ name: 'team-a', bounds: { minCpu: '1', maxCpu: '4', minMemory: '2Gi', maxMemory: '8Gi' } }] });
    expect(out).toEqual(['spec.headGroupSpec.template.spec.containers[0].resources.limits.cpu: container "ray-head": CPU limit 32 exceeds the tenant\'s maxCpu 4']);
  });
  test('an undefined tenant fails when definitions are given', () => {
    expect(rule(compliant(), { tenants: [] })).toContainEqual(expect.stringContaining('tenant "team-a" is not defined in the tenants file'));
  });
  test('missing and unparseable bounds fail', () => {
    const doc = compliant();
    delete doc.metadata.annotations.minMemory;
    doc.metadata.annotations.maxCpu = 'four';
    expect(rule(doc)).toEqual([
      'metadata.annotations.maxCpu: the tenant bound maxCpu "four" is not a Kubernetes quantity (metadata.annotations.maxCpu)',
      'metadata.annotations.minMemory: the tenant bound minMemory is missing (metadata.annotations.minMemory)',
    ]);
  });
  test('a missing limit fails (the seed lets it pass as 0)', () => {
    const doc = compliant();
    delete doc.spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.memory;
    expect(rule(doc)).toEqual(['spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.memory: container "ray-worker" has no memory limit']);
  });
  test('init containers are judged too', () => {
    const doc = compliant();
    doc.spec.workerGroupSpecs[0].template.spec.initContainers = [{ name: 'init', image: 'x', resources: { limits: { cpu: '8', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }];
    expect(rule(doc)).toEqual([
      'spec.workerGroupSpecs[0].template.spec.initContainers[0].resources.limits.cpu: container "init": CPU limit 8 exceeds the tenant\'s maxCpu 8',
      'spec.workerGroupSpecs[0].template.spec.initContainers[0].resources.requests.memory: container "init": memory request 1Gi is below the tenant\'s minMemory 2Gi',
    ].map((s) => s.replace('maxCpu 8', 'maxCpu 4')));
  });
  test('a required node affinity for the tenant only pins pods; one that allows another tenant does not', () => {
    const doc = compliant();
    const spec = doc.spec.headGroupSpec.template.spec;
    delete spec.nodeSelector;
    spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'tenant', operator: 'In', values: ['team-a'] }] }] } } };
    expect(rule(doc)).toEqual([]);
    spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values.push('team-b');
    expect(rule(doc)).toEqual(['spec.headGroupSpec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: a required node affinity term does not restrict pods to tenant In [team-a]']);
  });
  test('tolerations: extra ones are fine, wildcards and other tenants\' are not', () => {
    const doc = compliant();
    const tol = doc.spec.headGroupSpec.template.spec.tolerations;
    tol.push({ key: 'example.com/spot', operator: 'Exists', effect: 'NoSchedule' });
    expect(rule(doc)).toEqual([]);
    tol.push({ operator: 'Exists' }, { key: 'tenant', operator: 'Equal', value: 'team-b' });
    expect(rule(doc)).toEqual([
      'spec.headGroupSpec.template.spec.tolerations[2]: a toleration with operator Exists and no key tolerates every taint, including other tenants\' nodes',
      'spec.headGroupSpec.template.spec.tolerations[3]: the toleration tenant=team-b tolerates another tenant\'s nodes',
    ]);
  });
  test('the autoscaler sidecar: KubeRay default resources are judged when autoscalerOptions.resources is unset', () => {
    const doc = compliant();
    doc.spec.enableInTreeAutoscaling = true;
    expect(rule(doc)).toEqual([
      'spec.autoscalerOptions.resources.requests.cpu: the autoscaler sidecar (KubeRay\'s default resources; spec.autoscalerOptions.resources is unset): CPU request 500m is below the tenant\'s minCpu 1',
      'spec.autoscalerOptions.resources.requests.memory: the autoscaler sidecar (KubeRay\'s default resources; spec.autoscalerOptions.resources is unset): memory request 512Mi is below the tenant\'s minMemory 2Gi',
    ]);
  });
  test('the injected wait-gcs-ready container is held against the tenant maximum', () => {
    const doc = compliant();
    doc.metadata.annotations = { minCpu: '100m', maxCpu: '100m', minMemory: '128Mi', maxMemory: '8Gi' };
    for (const t of [doc.spec.headGroupSpec.template, doc.spec.workerGroupSpecs[0].template]) t.spec.containers[0].resources = { limits: { cpu: '100m', memory: '1Gi' }, requests: { cpu: '100m', memory: '1Gi' } };
    expect(rule(doc)).toEqual(['spec.workerGroupSpecs[0].template.spec: the "wait-gcs-ready" container KubeRay injects: CPU limit 200m exceeds the tenant\'s maxCpu 100m']);
  });
});

describe('the seed\'s four examples (acceptance)', () => {
  const dir = sharedPath('seeds', 'examples');
  (dir ? test : test.skip)('verdicts: 1 passes both, 2 fails isolation, 3 and 4 fail both; all fail pod-security', () => {
    const files = fs.readdirSync(dir!).sort();
    expect(files).toEqual(['1-passes-both.yaml', '2-fails-tenant-isolation.yaml', '3-fails-network-policy.yaml', '4-fails-both.yaml']);
    const verdicts = files.map((f) => statuses(checkManifests(load(path.join(dir!, f))).documents[0]));
    expect(verdicts).toEqual([
      { 'enforce-tenant-isolation': 'pass', 'generate-network-policies': 'pass', 'pod-security': 'fail' },
      { 'enforce-tenant-isolation': 'fail', 'generate-network-policies': 'pass', 'pod-security': 'fail' },
      // The seed calls 3 a network-policy failure only; it has no tenant label, which isolation requires too.
      { 'enforce-tenant-isolation': 'fail', 'generate-network-policies': 'fail', 'pod-security': 'fail' },
      { 'enforce-tenant-isolation': 'fail', 'generate-network-policies': 'fail', 'pod-security': 'fail' },
    ]);
  });
  (dir ? test : test.skip)('example 1 fails pod-security with the admission controller\'s words, for the head and the workers', () => {
    const v = checkManifests(load(path.join(dir!, '1-passes-both.yaml'))).documents[0].rules['pod-security'].violations;
    expect(v.map((x) => x.message)).toContainEqual('allowPrivilegeEscalation != false (container "ray-head" must set securityContext.allowPrivilegeEscalation=false)');
    expect(v.map((x) => x.message)).toContainEqual('allowPrivilegeEscalation != false (containers "wait-gcs-ready", "ray-worker" must set securityContext.allowPrivilegeEscalation=false)');
    expect(v.every((x) => x.path.startsWith('spec.'))).toBe(true);
  });
});

describe('KubeRay\'s samples (acceptance)', () => {
  const dir = sharedPath('kuberay', 'samples');
  (dir ? test : test.skip)('all 47 files are read; only py-spy and sandbox break Baseline', () => {
    const files = fs.readdirSync(dir!).filter((f) => f.endsWith('.yaml')).sort();
    expect(files).toHaveLength(47);
    const failing: string[] = [];
    let clusters = 0;
    for (const f of files) {
      const report = checkManifests(load(path.join(dir!, f)), { pssLevel: 'baseline' });
      for (const d of report.documents.filter((x) => x.kind === 'RayCluster')) {
        clusters++;
        if (d.rules['pod-security'].status === 'fail') failing.push(f);
      }
    }
    expect(clusters).toBe(47);
    expect(failing).toEqual(['ray-cluster.py-spy.yaml', 'ray-cluster.sandbox.yaml']);
  });
  (dir ? test : test.skip)('the restricted sample passes restricted, injected containers included', () => {
    const report = checkManifests(load(path.join(dir!, 'ray-cluster.pod-security.yaml')));
    const rc = report.documents.find((d) => d.kind === 'RayCluster')!;
    expect(rc.rules['pod-security'].violations).toEqual([]);
  });
});

describe('the rules never change their input', () => {
  // The constructs keep one render per synthesis and hand it to the rules without copying it, so a
  // rule that wrote to its input would corrupt what is synthesized. Frozen input makes any write a
  // TypeError here (the compiled code is strict).
  const deepFreeze = (v: any): any => {
    if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
      Object.freeze(v);
      Object.values(v).forEach(deepFreeze);
    }
    return v;
  };
  const dir = sharedPath('kuberay', 'samples');
  const files = dir ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f)) : [];
  const docs = [compliant(), ...files.flatMap(load)];

  test('every rule on frozen documents: no write, the same verdicts as on unfrozen copies', () => {
    const expected = checkManifests(docs.map((d) => JSON.parse(JSON.stringify(d))), { tenants: [{ name: 'team-a' }] });
    const frozen = checkManifests(docs.map(deepFreeze), { tenants: [{ name: 'team-a' }] });
    expect(frozen).toEqual(expected);
    expect(frozen.summary.documents).toBe(docs.length);
  });
});
