import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { checkDocument, checkManifests, DocumentResult, RULE_IDS } from '../../src/policy/engine';
import { TenantDefinition } from '../../src/policy/tenant-definition';
import { compliantTemplate } from '../support/compliant';
import { sharedPath } from '../support/manifests';

/**
 * RayJob, RayService and RayCronJob: the engine judges what KubeRay builds from them — the
 * embedded cluster's pods, the submitter pod in its mode, the SidecarMode container, the serve
 * Service — with every path inside the outer object.
 */
const bounds = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };
const tenants: TenantDefinition[] = [{ name: 'team-a', bounds }];
const annotations = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };

const template = (name: string): any => compliantTemplate(name);
const clusterSpec = () => ({
  rayVersion: '2.52.0',
  authOptions: { mode: 'token' },
  headGroupSpec: { template: template('ray-head') },
  workerGroupSpecs: [{ groupName: 'w', template: template('ray-worker') }],
});
const job = (spec: any = {}): any => ({
  apiVersion: 'ray.io/v1',
  kind: 'RayJob',
  metadata: { name: 'job', namespace: 'team-a', labels: { tenant: 'team-a' }, annotations },
  spec: { entrypoint: 'python x.py', rayClusterSpec: clusterSpec(), ...spec },
});
const service = (spec: any = {}): any => ({
  apiVersion: 'ray.io/v1',
  kind: 'RayService',
  metadata: { name: 'svc', namespace: 'team-a', labels: { tenant: 'team-a' }, annotations },
  spec: { serveConfigV2: 'applications: []\n', rayClusterConfig: clusterSpec(), ...spec },
});
const statuses = (d: DocumentResult) => Object.fromEntries(RULE_IDS.map((r) => [r, d.rules[r].status]));
const paths = (d: DocumentResult, rule: 'enforce-tenant-isolation' | 'pod-security') => [...new Set(d.rules[rule].violations.map((v) => v.path.split(' ')[0]))];

describe('RayJob', () => {
  test('a compliant HTTPMode job passes every rule (no submitter pod: the operator submits)', () => {
    const r = checkDocument(job({ submissionMode: 'HTTPMode' }), { tenants });
    expect(statuses(r)).toEqual({ 'enforce-tenant-isolation': 'pass', 'generate-network-policies': 'pass', 'pod-security': 'pass' });
    expect(r.warnings).toEqual([]);
  });

  test('K8sJobMode without a submitter template: KubeRay\'s default submitter fails isolation and pod security, named', () => {
    const r = checkDocument(job(), { tenants });
    expect(paths(r, 'enforce-tenant-isolation')).toEqual([
      'spec.submitterPodTemplate.metadata.labels.tenant',
      'spec.submitterPodTemplate.spec.nodeSelector',
      'spec.submitterPodTemplate.spec.tolerations',
      'spec.submitterPodTemplate.spec.containers[0]',
    ]);
    expect(r.rules['pod-security'].violations.every((v) => v.context === 'the submitter pod')).toBe(true);
    expect(r.rules['pod-security'].violations.map((v) => v.check)).toEqual(expect.arrayContaining(['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']));
  });

  test('K8sJobMode with a pinned, restricted, bounded submitter template passes', () => {
    const submitterPodTemplate = template('submitter');
    submitterPodTemplate.spec.restartPolicy = 'Never';
    expect(statuses(checkDocument(job({ submitterPodTemplate }), { tenants }))).toEqual({
      'enforce-tenant-isolation': 'pass', 'generate-network-policies': 'pass', 'pod-security': 'pass',
    });
  });

  test('a privileged head inside rayClusterSpec fails with that path', () => {
    const doc = job({ submissionMode: 'HTTPMode' });
    doc.spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].securityContext.privileged = true;
    const r = checkDocument(doc, { tenants });
    expect(r.rules['pod-security'].violations.map((v) => v.path)).toContain('spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].securityContext.privileged');
  });

  test('SidecarMode is refused under restricted: KubeRay appends a submitter container without a securityContext', () => {
    const r = checkDocument(job({ submissionMode: 'SidecarMode' }), { tenants });
    const v = r.rules['pod-security'].violations.filter((x) => x.path.startsWith('spec.submissionMode'));
    expect(v.length).toBeGreaterThan(0);
    expect(v[0].path).toMatch(/^spec\.submissionMode\.securityContext\..*KubeRay appends to the head pod in SidecarMode: it has no securityContext and no field sets one/);
  });

  test('tenancy is judged on the embedded cluster: another tenant\'s node selector fails at its path inside rayClusterSpec', () => {
    const doc = job({ submissionMode: 'HTTPMode' });
    doc.spec.rayClusterSpec.workerGroupSpecs[0].template.spec.nodeSelector.tenant = 'team-b';
    expect(paths(checkDocument(doc, { tenants }), 'enforce-tenant-isolation')).toEqual(['spec.rayClusterSpec.workerGroupSpecs[0].template.spec.nodeSelector.tenant']);
  });

  test('clusterSelector mode: no cluster is created; the job\'s own labels and namespace are still judged', () => {
    const doc = job({ submissionMode: 'HTTPMode', clusterSelector: { 'ray.io/cluster': 'shared' } });
    delete doc.spec.rayClusterSpec;
    delete doc.metadata.namespace;
    expect(paths(checkDocument(doc, { tenants }), 'enforce-tenant-isolation')).toEqual(['metadata.namespace']);
  });

  test('without token authentication: a warning, the verdict stays pass', () => {
    const doc = job({ submissionMode: 'HTTPMode' });
    delete doc.spec.rayClusterSpec.authOptions;
    const r = checkDocument(doc, { tenants });
    expect(statuses(r)['pod-security']).toBe('pass');
    expect(r.warnings).toEqual([expect.objectContaining({ path: 'spec.rayClusterSpec.authOptions.mode', message: expect.stringMatching(/token authentication is off/) })]);
  });

  test('what KubeRay refuses is a warning naming the field (a submitter template in SidecarMode)', () => {
    const r = checkDocument(job({ submissionMode: 'SidecarMode', submitterPodTemplate: template('s') }), { tenants });
    expect(r.warnings.map((w) => w.path)).toContain('spec.submitterPodTemplate');
  });
});

describe('RayService', () => {
  test('compliant: passes', () => {
    expect(statuses(checkDocument(service(), { tenants }))).toEqual({ 'enforce-tenant-isolation': 'pass', 'generate-network-policies': 'pass', 'pod-security': 'pass' });
  });

  test('a serveService of type LoadBalancer fails isolation (unless the tenant allows exposure)', () => {
    const doc = service({ serveService: { spec: { type: 'LoadBalancer' } } });
    expect(paths(checkDocument(doc, { tenants }), 'enforce-tenant-isolation')).toEqual(['spec.serveService.spec.type']);
    expect(statuses(checkDocument(doc, { tenants: [{ ...tenants[0], allowExposure: true }] }))['enforce-tenant-isolation']).toBe('pass');
  });

  test('NewClusterWithIncrementalUpgrade creates a Gateway: exposure', () => {
    const doc = service({ upgradeStrategy: { type: 'NewClusterWithIncrementalUpgrade', clusterUpgradeOptions: { gatewayClassName: 'public' } } });
    doc.spec.rayClusterConfig.enableInTreeAutoscaling = true;
    expect(paths(checkDocument(doc, { tenants }), 'enforce-tenant-isolation')).toContain('spec.upgradeStrategy.type');
  });

  test('the embedded cluster is judged at spec.rayClusterConfig', () => {
    const doc = service();
    doc.spec.rayClusterConfig.headGroupSpec.template.spec.hostNetwork = true;
    expect(checkDocument(doc, { tenants }).rules['pod-security'].violations.map((v) => v.path)).toContain('spec.rayClusterConfig.headGroupSpec.template.spec.hostNetwork');
  });
});

describe('RayCronJob', () => {
  test('the job template is judged at spec.jobTemplate, against the cron\'s own tenant', () => {
    const doc: any = {
      apiVersion: 'ray.io/v1',
      kind: 'RayCronJob',
      metadata: { name: 'nightly', namespace: 'team-a', labels: { tenant: 'team-a' }, annotations },
      spec: { schedule: '0 2 * * *', jobTemplate: { entrypoint: 'python x.py', submissionMode: 'HTTPMode', rayClusterSpec: clusterSpec() } },
    };
    expect(statuses(checkDocument(doc, { tenants }))).toEqual({ 'enforce-tenant-isolation': 'pass', 'generate-network-policies': 'pass', 'pod-security': 'pass' });
    doc.spec.jobTemplate.rayClusterSpec.headGroupSpec.template.spec.containers[0].securityContext.privileged = true;
    expect(checkDocument(doc, { tenants }).rules['pod-security'].violations.map((v) => v.path))
      .toContain('spec.jobTemplate.rayClusterSpec.headGroupSpec.template.spec.containers[0].securityContext.privileged');
    expect(checkDocument(doc, { tenants }).warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/only the label ray.io\/cronjob-name/));
  });
});

describe('KubeRay v1.7.0\'s RayJob, RayService and RayCronJob samples (acceptance)', () => {
  const dir = sharedPath('kuberay', 'samples-jobs');
  const files = dir ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort() : [];
  const load = (f: string) => parseAllDocuments(fs.readFileSync(path.join(dir!, f), 'utf8')).map((d) => d.toJS()).filter((d) => d);
  (dir ? test : test.skip)('every sample is read; at baseline only the sandbox job fails pod security (as its RayCluster twin does)', () => {
    expect(files).toHaveLength(43);
    const failing = files.filter((f) => checkManifests(load(f), { pssLevel: 'baseline' }).documents.some((d) => d.rules['pod-security'].status === 'fail'));
    expect(failing).toEqual(['ray-job.sandbox.yaml']);
  });
  (dir ? test : test.skip)('every Ray-kind sample is judged by all three rules (none is skipped), and none passes restricted', () => {
    for (const f of files) {
      for (const d of checkManifests(load(f)).documents.filter((x) => ['RayJob', 'RayService', 'RayCronJob'].includes(x.kind))) {
        expect({ f, kind: d.kind, statuses: RULE_IDS.map((r) => d.rules[r].status) }).toEqual({ f, kind: d.kind, statuses: ['fail', 'fail', 'fail'] });
      }
    }
  });
});
