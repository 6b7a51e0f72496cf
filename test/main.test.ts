import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { buildExampleApp, synthesizeSafely, TENANTS } from '../src/main';
import { assertHardened } from './support/assertions';
import { evaluateValidatingAdmissionPolicies } from './support/cel';
import { loadCrdValidator } from './support/crd-schema';
import { findObject, Manifest, ofKind, sharedPath } from './support/manifests';
import { buildRayPods } from '../src/kuberay';
import { checkManifests } from '../src/policy/engine';

function synthAll(): Record<string, Manifest[]> {
  const app = buildExampleApp(Testing.app());
  const out: Record<string, Manifest[]> = {};
  for (const chart of app.charts) out[chart.node.id] = Testing.synth(chart as Chart);
  return out;
}

const charts = synthAll();
const all = Object.values(charts).flat();

describe('the example app (npm run synth)', () => {
  test.each(Object.keys(charts))('snapshot of %s', (id) => {
    expect(charts[id]).toMatchSnapshot();
  });

  test('has the clusters the issue asks for, found by kind and name', () => {
    expect(Object.keys(charts)).toEqual(['platform', 'team-a', 'team-b']);
    expect(charts.platform.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['network-policies', 'services', 'pods-team-a', 'pod-labels-team-a', 'ray-team-a', 'pods-team-b', 'pod-labels-team-b', 'ray-team-b']
      .flatMap((n) => [`ValidatingAdmissionPolicy/secure-ray-${n}`, `ValidatingAdmissionPolicyBinding/secure-ray-${n}`]));
    const autoscaling = findObject(charts['team-a'], 'RayCluster', 'cpu-autoscaling');
    expect(autoscaling.spec.enableInTreeAutoscaling).toBe(true);
    const podSecurity = findObject(charts['team-a'], 'RayCluster', 'raycluster-pod-security');
    const cm = findObject(charts['team-a'], 'ConfigMap', 'ray-example');
    expect(Object.keys(cm.data)).toEqual(['sum_of_squares.py']);
    const head = podSecurity.spec.headGroupSpec.template.spec;
    expect(head.volumes).toContainEqual({ name: 'ray-example-configmap', configMap: { name: 'ray-example', items: [{ key: 'sum_of_squares.py', path: 'sum_of_squares.py' }] } });
    expect(head.containers[0].volumeMounts).toContainEqual({ name: 'ray-example-configmap', mountPath: '/home/ray/samples' });
    const gpu = findObject(charts['team-b'], 'RayCluster', 'gpu-training');
    expect(gpu.spec.workerGroupSpecs.find((g: Manifest) => g.groupName === 'gpu').template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    for (const rc of ofKind(all, 'RayCluster')) findObject(all, 'NetworkPolicy', `${rc.metadata.name}-isolation`);
  });

  test('every security field of every container, cluster by cluster', () => {
    for (const rc of ofKind(charts['team-a'], 'RayCluster')) assertHardened(rc, TENANTS.teamA);
    for (const rc of ofKind(charts['team-b'], 'RayCluster')) assertHardened(rc, TENANTS.teamB);
  });

  test('each tenant gets its namespace guardrails, applied before its policies and clusters (sync waves)', () => {
    for (const [id, tenant] of [['team-a', TENANTS.teamA], ['team-b', TENANTS.teamB]] as const) {
      const m = charts[id];
      const ns = findObject(m, 'Namespace', tenant.namespace);
      expect(ns.metadata.namespace).toBeUndefined();
      expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.37', 'tenant': tenant.name });
      findObject(m, 'ResourceQuota', 'tenant-quota');
      findObject(m, 'LimitRange', 'tenant-container-limits');
      expect(findObject(m, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      const wave = (o: Manifest) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
      const byKind = (kind: string) => m.filter((o) => o.kind === kind).map(wave);
      const guardrails = [...byKind('ResourceQuota'), ...byKind('LimitRange'), ...byKind('ServiceAccount'), wave(findObject(m, 'NetworkPolicy', 'default-deny'))];
      const clusterPolicies = m.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.labels?.tenant && o.spec.podSelector.matchLabels?.['ray.io/cluster']).map(wave);
      expect(Math.max(wave(ns))).toBeLessThan(Math.min(...guardrails));
      expect(Math.max(...guardrails)).toBeLessThan(Math.min(...clusterPolicies));
      expect(Math.max(...clusterPolicies)).toBeLessThan(Math.min(...byKind('RayCluster')));
    }
  });

  test('the platform\'s admission policies come first and admit what the tenants\' charts apply (as Argo CD) and every pod KubeRay builds from them (as the operator)', () => {
    const wave = (o: Manifest) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    expect(Math.max(...charts.platform.map(wave))).toBeLessThan(Math.min(...[...charts['team-a'], ...charts['team-b']].map(wave)));
    const policies = ofKind(charts.platform, 'ValidatingAdmissionPolicy') as any[];
    const bindings = ofKind(charts.platform, 'ValidatingAdmissionPolicyBinding') as any[];
    // the namespaces as the API server stores them (it adds kubernetes.io/metadata.name)
    const namespaces = ofKind(all, 'Namespace').map((n) => ({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, 'kubernetes.io/metadata.name': n.metadata.name } } }));
    const admitted = (object: Manifest, username: string, resource: string, group = '') => evaluateValidatingAdmissionPolicies(policies, bindings, {
      operation: 'CREATE',
      kind: { group, version: 'v1', kind: object.kind },
      resource: { group, version: 'v1', resource },
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      object,
      userInfo: { username, groups: ['system:serviceaccounts'] },
    }, { namespaces });
    let judged = 0;
    for (const m of [...charts['team-a'], ...charts['team-b']]) {
      if (m.kind !== 'NetworkPolicy') continue;
      judged++;
      expect({ policy: m.metadata.name, ...admitted(m, 'system:serviceaccount:argocd:argocd-application-controller', 'networkpolicies', 'networking.k8s.io') })
        .toMatchObject({ policy: m.metadata.name, allowed: true });
      expect(admitted(m, 'system:serviceaccount:team-a:default', 'networkpolicies', 'networking.k8s.io').allowed).toBe(false);
    }
    for (const rc of ofKind(all, 'RayCluster')) {
      for (const p of buildRayPods(rc)) {
        judged++;
        const v = admitted(p.pod, 'system:serviceaccount:kuberay-system:kuberay-operator', 'pods');
        expect({ pod: `${rc.metadata.name}/${p.group}`, allowed: v.allowed, message: v.message }).toEqual({ pod: `${rc.metadata.name}/${p.group}`, allowed: true, message: undefined });
      }
    }
    expect(judged).toBeGreaterThan(10);
  });

  test('pip installs keep working under restricted: a writable home, no read-only root filesystem', () => {
    for (const rc of ofKind(all, 'RayCluster')) {
      for (const t of [rc.spec.headGroupSpec.template, ...rc.spec.workerGroupSpecs.map((g: Manifest) => g.template)]) {
        expect(t.spec.securityContext.runAsUser).toBe(1000);
        expect(t.spec.containers[0].securityContext.readOnlyRootFilesystem).toBeUndefined();
      }
    }
  });

  test('every object passes the policy engine, judged against the platform tenant definitions', () => {
    const report = checkManifests(all, { tenants: [TENANTS.teamA.toDefinition(), TENANTS.teamB.toDefinition()] });
    const failures = report.documents.filter((d) => Object.values(d.rules).some((r) => r.status === 'fail'));
    expect(failures).toEqual([]);
    expect(report.documents.filter((d) => d.kind === 'RayCluster').every((d) => Object.values(d.rules).every((r) => r.status === 'pass'))).toBe(true);
    expect(report.documents.filter((d) => d.kind === 'RayCluster')).toHaveLength(3);
  });

  test('synthesis is deterministic (two runs, identical bytes)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
    try {
      synthesizeSafely(path.join(dir, 'a'), buildExampleApp);
      synthesizeSafely(path.join(dir, 'b'), buildExampleApp);
      const files = fs.readdirSync(path.join(dir, 'a'));
      expect(files).toEqual(['platform.k8s.yaml', 'team-a.k8s.yaml', 'team-b.k8s.yaml']);
      for (const f of files) expect(fs.readFileSync(path.join(dir, 'b', f), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'a', f), 'utf8'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failing synthesis leaves the previous output as it was', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
    const out = path.join(dir, 'dist');
    try {
      synthesizeSafely(out, buildExampleApp);
      const before = fs.readFileSync(path.join(out, 'team-a.k8s.yaml'), 'utf8');
      expect(() => synthesizeSafely(out, (app: App) => {
        buildExampleApp(app);
        throw new Error('boom');
      })).toThrow('boom');
      expect(fs.readdirSync(out)).toEqual(['platform.k8s.yaml', 'team-a.k8s.yaml', 'team-b.k8s.yaml']);
      expect(fs.readFileSync(path.join(out, 'team-a.k8s.yaml'), 'utf8')).toBe(before);
      expect(fs.readdirSync(dir)).toEqual(['dist']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const crd = sharedPath('kuberay', 'crd', 'ray.io_rayclusters.yaml');
(crd ? describe : describe.skip)('every RayCluster validates against the KubeRay v1.7.0 CRD (defaults applied, unknown fields rejected)', () => {
  test.each(ofKind(all, 'RayCluster').map((rc) => [rc.metadata.name, rc]))('%s', (_, rc) => {
    const validator = loadCrdValidator(crd!)!;
    expect(validator.validate(rc)).toEqual([]);
  });

  test('the validator does reject a typo (so the test above can fail)', () => {
    const validator = loadCrdValidator(crd!)!;
    const rc = JSON.parse(JSON.stringify(ofKind(all, 'RayCluster')[0]));
    rc.spec.headGroupSpec.rayStartParam = {};
    expect(validator.validate(rc).map((e) => e.path)).toContain('spec.headGroupSpec.rayStartParam');
  });
});

for (const [kind, file] of [['RayJob', 'ray.io_rayjobs.yaml'], ['RayService', 'ray.io_rayservices.yaml']] as const) {
  const kindCrd = sharedPath('kuberay', 'crd', file);
  (kindCrd ? describe : describe.skip)(`every ${kind} of the example validates against the KubeRay v1.7.0 CRD`, () => {
    test('the example has one', () => {
      expect(ofKind(all, kind)).toHaveLength(1);
    });
    test.each(ofKind(all, kind).map((o) => [o.metadata.name, o]))('%s', (_, o) => {
      expect(loadCrdValidator(kindCrd!)!.validate(o)).toEqual([]);
    });
  });
}
