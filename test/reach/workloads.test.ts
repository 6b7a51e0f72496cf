/**
 * RayJobs and RayServices in the reachability model: the pods KubeRay builds for them (the job's
 * cluster `<job>-xxxxx`, its K8sJobMode submitter, the service's cluster), the synthetic KubeRay
 * operator, judged against the REAL output of `SecureTenantRayJob` and `SecureTenantRayService`
 * (synthesized here).
 *
 * The world: tenant team-a in namespace team-a with a RayJob `batch` (its own cluster, K8sJobMode),
 * a RayCluster `shared` with a RayJob `nightly` on it (clusterSelector, K8sJobMode), a RayService
 * `hello` whose Serve port the namespace `web` may call; a Namespace `web` with a client pod; tenant
 * team-b in team-b with a RayJob also named `batch` and a RayService also named `hello`.
 */
import { ApiObject, Testing } from 'cdk8s';
import { NetworkPeer, RayPort, SecureTenantRayCluster, SecureTenantRayJob, SecureTenantRayService, TenantProfile } from '../../src';
import { Environment, environmentFromManifests, evaluate, NO, Peer, peerId, reachModel, RAY_PROBES } from '../../src/reach';
import { newChart } from '../support/manifests';

const bounds = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };
const teamA = new TenantProfile({ name: 'team-a', bounds, defaultCpu: '1', defaultMemory: '2Gi' });
const teamB = new TenantProfile({ name: 'team-b', bounds, defaultCpu: '1', defaultMemory: '2Gi' });
const ENTRYPOINT = 'python /home/ray/job.py';
const SERVE_CONFIG = { applications: [{ name: 'hello', import_path: 'hello:app', route_prefix: '/' }] };

/** The synthesized manifests of the world (fresh copies: a test may patch them). */
function manifests(): any[] {
  const { chart } = newChart();
  new SecureTenantRayJob(chart, 'batch', { tenant: teamA, name: 'batch', entrypoint: ENTRYPOINT });
  const shared = new SecureTenantRayCluster(chart, 'shared', { tenant: teamA, name: 'shared' });
  new SecureTenantRayJob(chart, 'nightly', { tenant: teamA, name: 'nightly', entrypoint: ENTRYPOINT, cluster: shared });
  const hello = new SecureTenantRayService(chart, 'hello', { tenant: teamA, name: 'hello', serveConfig: SERVE_CONFIG });
  hello.connections.allowFrom(NetworkPeer.namespace('web'), RayPort.SERVE);
  new SecureTenantRayJob(chart, 'b-batch', { tenant: teamB, name: 'batch', entrypoint: ENTRYPOINT });
  new SecureTenantRayService(chart, 'b-hello', { tenant: teamB, name: 'hello', serveConfig: SERVE_CONFIG });
  new ApiObject(chart, 'web', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } });
  new ApiObject(chart, 'web-client', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'client', namespace: 'web', labels: { app: 'client' } },
    spec: { containers: [{ name: 'c', image: 'curlimages/curl' }] },
  });
  return Testing.synth(chart);
}

type Role =
  | 'job-head' | 'job-worker' | 'submitter' // team-a RayJob batch
  | 'shared-head' | 'shared-worker' | 'nightly-submitter' // team-a RayCluster shared, RayJob nightly on it
  | 'svc-head' | 'svc-worker' // team-a RayService hello
  | 'b-job-head' | 'b-job-worker' | 'b-submitter' | 'b-svc-head' | 'b-svc-worker' // team-b
  | 'web-client' | 'tenant-pod' | 'operator' | 'kube-dns';

const IDS: Record<Role, string> = {
  'job-head': 'team-a/batch-xxxxx-head',
  'job-worker': 'team-a/batch-xxxxx-workers-worker',
  'submitter': 'team-a/batch-submitter',
  'shared-head': 'team-a/shared-head',
  'shared-worker': 'team-a/shared-workers-worker',
  'nightly-submitter': 'team-a/nightly-submitter',
  'svc-head': 'team-a/hello-xxxxx-head',
  'svc-worker': 'team-a/hello-xxxxx-workers-worker',
  'b-job-head': 'team-b/batch-xxxxx-head',
  'b-job-worker': 'team-b/batch-xxxxx-workers-worker',
  'b-submitter': 'team-b/batch-submitter',
  'b-svc-head': 'team-b/hello-xxxxx-head',
  'b-svc-worker': 'team-b/hello-xxxxx-workers-worker',
  'web-client': 'web/client',
  'tenant-pod': 'team-a/tenant-pod',
  'operator': 'kuberay-system/kuberay-operator',
  'kube-dns': 'kube-system/kube-dns',
};

function peerOf(env: Environment, role: Role): Peer {
  const p = env.peers.find((x) => peerId(x) === IDS[role]);
  if (!p) throw new Error(`no peer ${IDS[role]} among ${env.peers.map(peerId).join(', ')}`);
  return p;
}

function verdict(env: Environment, from: Role, to: Role, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): string {
  const v = evaluate(env.policies, env.namespaces, peerOf(env, from), peerOf(env, to), port, protocol);
  return `${v.allowed ? 'allow' : 'deny'} (egress ${JSON.stringify(v.egress.by)}, ingress ${JSON.stringify(v.ingress.by)})`;
}

const GCS = 6379;
const DASHBOARD = 8265;
const CLIENT = 10001;
const SERVE = 8000;
const WORKER = 10002;
const RAYLET = 45001;

interface Flow {
  readonly why: string;
  readonly from: Role;
  readonly to: Role;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
  readonly expect: 'allow' | 'deny';
}

const JOB_PODS: Role[] = ['job-head', 'job-worker'];
const SVC_PODS: Role[] = ['svc-head', 'svc-worker'];

const FLOWS: Flow[] = [
  // The K8sJobMode submitter: the head's dashboard (Jobs API) and DNS, nothing else
  { why: 'submitter → head dashboard (ray job submit)', from: 'submitter', to: 'job-head', port: DASHBOARD, expect: 'allow' },
  { why: 'submitter → DNS', from: 'submitter', to: 'kube-dns', port: 53, protocol: 'UDP', expect: 'allow' },
  { why: 'submitter → head GCS', from: 'submitter', to: 'job-head', port: GCS, expect: 'deny' },
  { why: 'submitter → head Ray Client', from: 'submitter', to: 'job-head', port: CLIENT, expect: 'deny' },
  { why: 'submitter → worker (dashboard port)', from: 'submitter', to: 'job-worker', port: DASHBOARD, expect: 'deny' },
  { why: 'submitter → worker (worker port)', from: 'submitter', to: 'job-worker', port: WORKER, expect: 'deny' },
  { why: 'submitter → another workload\'s dashboard (the service)', from: 'submitter', to: 'svc-head', port: DASHBOARD, expect: 'deny' },
  { why: 'submitter → the shared cluster\'s dashboard (another job\'s cluster)', from: 'submitter', to: 'shared-head', port: DASHBOARD, expect: 'deny' },
  { why: 'head → submitter (nothing reaches the submitter)', from: 'job-head', to: 'submitter', port: DASHBOARD, expect: 'deny' },
  // A job on an existing cluster (clusterSelector): its submitter reaches that cluster's dashboard
  { why: 'clusterSelector submitter → selected head dashboard', from: 'nightly-submitter', to: 'shared-head', port: DASHBOARD, expect: 'allow' },
  { why: 'clusterSelector submitter → selected head GCS', from: 'nightly-submitter', to: 'shared-head', port: GCS, expect: 'deny' },
  { why: 'clusterSelector submitter → selected cluster\'s worker', from: 'nightly-submitter', to: 'shared-worker', port: DASHBOARD, expect: 'deny' },
  { why: 'clusterSelector submitter → another job\'s dashboard', from: 'nightly-submitter', to: 'job-head', port: DASHBOARD, expect: 'deny' },
  // The KubeRay operator: the dashboard of job and service heads, the service head's Serve health check
  { why: 'operator → job head dashboard', from: 'operator', to: 'job-head', port: DASHBOARD, expect: 'allow' },
  { why: 'operator → selected cluster head dashboard', from: 'operator', to: 'shared-head', port: DASHBOARD, expect: 'allow' },
  { why: 'operator → service head dashboard', from: 'operator', to: 'svc-head', port: DASHBOARD, expect: 'allow' },
  { why: 'operator → service head Serve (health check)', from: 'operator', to: 'svc-head', port: SERVE, expect: 'allow' },
  { why: 'operator → other tenant\'s service head Serve', from: 'operator', to: 'b-svc-head', port: SERVE, expect: 'allow' },
  { why: 'operator → job head GCS', from: 'operator', to: 'job-head', port: GCS, expect: 'deny' },
  { why: 'operator → job head Serve (a RayJob has no health check)', from: 'operator', to: 'job-head', port: SERVE, expect: 'deny' },
  { why: 'operator → service head GCS', from: 'operator', to: 'svc-head', port: GCS, expect: 'deny' },
  { why: 'operator → job worker', from: 'operator', to: 'job-worker', port: DASHBOARD, expect: 'deny' },
  { why: 'operator → service worker Serve', from: 'operator', to: 'svc-worker', port: SERVE, expect: 'deny' },
  { why: 'operator → submitter', from: 'operator', to: 'submitter', port: DASHBOARD, expect: 'deny' },
  // Declared Serve clients: the web namespace reaches Serve on every service pod, nothing else
  { why: 'web → service head Serve', from: 'web-client', to: 'svc-head', port: SERVE, expect: 'allow' },
  { why: 'web → service worker Serve', from: 'web-client', to: 'svc-worker', port: SERVE, expect: 'allow' },
  { why: 'web → service head dashboard', from: 'web-client', to: 'svc-head', port: DASHBOARD, expect: 'deny' },
  { why: 'web → service worker dashboard port', from: 'web-client', to: 'svc-worker', port: DASHBOARD, expect: 'deny' },
  { why: 'web → service head GCS', from: 'web-client', to: 'svc-head', port: GCS, expect: 'deny' },
  { why: 'web → job head Serve (not declared for the job)', from: 'web-client', to: 'job-head', port: SERVE, expect: 'deny' },
  { why: 'web → other tenant\'s service Serve (declared for team-a only)', from: 'web-client', to: 'b-svc-head', port: SERVE, expect: 'deny' },
  // Within a workload: its pods reach each other
  { why: 'job worker → job head GCS', from: 'job-worker', to: 'job-head', port: GCS, expect: 'allow' },
  { why: 'job head → job worker raylet', from: 'job-head', to: 'job-worker', port: RAYLET, expect: 'allow' },
  { why: 'job worker → job head worker port', from: 'job-worker', to: 'job-head', port: WORKER, expect: 'allow' },
  { why: 'job pods → DNS', from: 'job-worker', to: 'kube-dns', port: 53, protocol: 'UDP', expect: 'allow' },
  { why: 'service worker → service head GCS', from: 'svc-worker', to: 'svc-head', port: GCS, expect: 'allow' },
  { why: 'service head → service worker Serve', from: 'svc-head', to: 'svc-worker', port: SERVE, expect: 'allow' },
  { why: 'service head → service worker raylet', from: 'svc-head', to: 'svc-worker', port: RAYLET, expect: 'allow' },
  // Across workloads of one tenant, in one namespace: nothing
  { why: 'job head → service head GCS', from: 'job-head', to: 'svc-head', port: GCS, expect: 'deny' },
  { why: 'job worker → service worker Serve', from: 'job-worker', to: 'svc-worker', port: SERVE, expect: 'deny' },
  { why: 'service worker → job worker worker port', from: 'svc-worker', to: 'job-worker', port: WORKER, expect: 'deny' },
  { why: 'service head → job head dashboard', from: 'svc-head', to: 'job-head', port: DASHBOARD, expect: 'deny' },
  { why: 'job head → shared cluster head GCS', from: 'job-head', to: 'shared-head', port: GCS, expect: 'deny' },
  { why: 'shared cluster worker → job worker raylet', from: 'shared-worker', to: 'job-worker', port: RAYLET, expect: 'deny' },
  // The tenant's plain pod (labelled tenant=team-a): nothing of the job or the service
  ...([...JOB_PODS, ...SVC_PODS, 'submitter'] as Role[]).flatMap((to): Flow[] => [GCS, DASHBOARD, SERVE, WORKER].map((port) => (
    { why: `tenant-pod → ${to} ${port}`, from: 'tenant-pod' as Role, to, port, expect: 'deny' as const }))),
  // Another tenant (same job and service names, namespace team-b): nothing
  { why: 'other tenant job head → job head GCS', from: 'b-job-head', to: 'job-head', port: GCS, expect: 'deny' },
  { why: 'other tenant job worker → job worker worker port', from: 'b-job-worker', to: 'job-worker', port: WORKER, expect: 'deny' },
  { why: 'other tenant submitter (same label value) → job head dashboard', from: 'b-submitter', to: 'job-head', port: DASHBOARD, expect: 'deny' },
  { why: 'other tenant service head → service head Serve', from: 'b-svc-head', to: 'svc-head', port: SERVE, expect: 'deny' },
  { why: 'other tenant service worker → service worker raylet', from: 'b-svc-worker', to: 'svc-worker', port: RAYLET, expect: 'deny' },
  { why: 'job head → other tenant job head GCS', from: 'job-head', to: 'b-job-head', port: GCS, expect: 'deny' },
];

let env: Environment;
beforeAll(() => { env = environmentFromManifests(manifests()); });

describe('RayJob and RayService flows under the constructs\' NetworkPolicies', () => {
  test.each(FLOWS.map((f) => [f.expect, f.why, f] as const))('%s: %s', (expected, _why, f) => {
    expect(verdict(env, f.from, f.to, f.port, f.protocol)).toMatch(new RegExp(`^${expected} `));
  });

  test('the table has both verdicts, and every job and service pod on both sides', () => {
    expect(FLOWS.map((f) => f.expect)).toContain('allow');
    expect(FLOWS.map((f) => f.expect)).toContain('deny');
    for (const role of [...JOB_PODS, ...SVC_PODS, 'submitter', 'nightly-submitter', 'operator'] as Role[]) {
      expect([role, FLOWS.some((f) => f.from === role)]).toEqual([role, true]);
    }
    for (const role of [...JOB_PODS, ...SVC_PODS, 'submitter', 'shared-head']) expect([role, FLOWS.some((f) => f.to === role)]).toEqual([role, true]);
  });

  test('the matrix\'s default probes show the same: the operator row, the submitter row, the web row', () => {
    const model = reachModel(env.policies, env.namespaces, env.peers, RAY_PROBES);
    const index = (role: Role) => env.peers.findIndex((p) => peerId(p) === IDS[role]);
    const allowed = (from: Role, to: Role) => {
      const o = model.outcomes(model.shapes.shapeOf[index(from)], model.shapes.shapeOf[index(to)]);
      return model.probes.filter((_, i) => o[i] !== NO).map((p) => p.label);
    };
    expect(RAY_PROBES.map((p) => p.label)).toContain('serve');
    expect(allowed('operator', 'svc-head')).toEqual(['dashboard', 'serve']);
    expect(allowed('operator', 'job-head')).toEqual(['dashboard']);
    expect(allowed('submitter', 'job-head')).toEqual(['dashboard']);
    expect(allowed('submitter', 'kube-dns')).toEqual(['dns', 'dns-tcp']);
    expect(allowed('web-client', 'svc-worker')).toEqual(['serve']);
    expect(allowed('tenant-pod', 'svc-head')).toEqual([]);
  });
});

describe('the model reads the policies', () => {
  /** The world with the `batch-submitter` policy's egress replaced by one rule that allows everything. */
  function openSubmitterEgress(): Environment {
    const docs = manifests();
    const policy = docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'batch-submitter' && d.metadata.namespace === 'team-a');
    expect(policy.spec.egress).toHaveLength(2); // the head's dashboard, DNS
    policy.spec.egress = [{}];
    return environmentFromManifests(docs);
  }

  test('a submitter policy patched to allow all egress: the submitter reaches a pod no policy isolates', () => {
    expect(verdict(env, 'submitter', 'web-client', 443)).toMatch(/^deny /);
    expect(verdict(openSubmitterEgress(), 'submitter', 'web-client', 443)).toMatch(/^allow /);
  });

  test('... and its egress to the workers is allowed; the workers\' ingress (their own workload only) still refuses it', () => {
    const before = evaluate(env.policies, env.namespaces, peerOf(env, 'submitter'), peerOf(env, 'job-worker'), WORKER);
    expect([before.egress.allowed, before.ingress.allowed]).toEqual([false, false]);
    const patched = openSubmitterEgress();
    const after = evaluate(patched.policies, patched.namespaces, peerOf(patched, 'submitter'), peerOf(patched, 'job-worker'), WORKER);
    expect([after.egress.allowed, after.ingress.allowed, after.allowed]).toEqual([true, false, false]);
    expect(after.egress.by).toEqual([expect.stringContaining('batch-submitter')]);
  });

  test('... and with the workers\' policy also letting the submitter in, submitter → worker is allowed', () => {
    const docs = manifests();
    const submitter = docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'batch-submitter');
    submitter.spec.egress = [{}];
    const isolation = docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'batch-isolation');
    isolation.spec.ingress.push({ from: [{ podSelector: { matchLabels: { 'secure-ray.io/submitter': 'batch' } } }] });
    const patched = environmentFromManifests(docs);
    expect(verdict(env, 'submitter', 'job-worker', WORKER)).toMatch(/^deny /);
    expect(verdict(patched, 'submitter', 'job-worker', WORKER)).toMatch(/^allow /);
    expect(verdict(patched, 'tenant-pod', 'job-worker', WORKER)).toMatch(/^deny /);
  });
});

describe('the environment of RayJobs and RayServices', () => {
  test('pods of the job\'s and the service\'s clusters (none for clusterSelector), submitters, one tenant-pod per namespace, the operator', () => {
    const ids = env.peers.map(peerId);
    expect(ids).toEqual([
      IDS['job-head'], IDS['job-worker'], IDS.submitter,
      IDS['shared-head'], IDS['shared-worker'], IDS['nightly-submitter'],
      IDS['svc-head'], IDS['svc-worker'],
      IDS['b-job-head'], IDS['b-job-worker'], IDS['b-submitter'],
      IDS['b-svc-head'], IDS['b-svc-worker'],
      'web/client',
      'team-a/tenant-pod', 'team-b/tenant-pod',
      'kuberay-system/kuberay-operator', 'kube-system/kube-dns',
    ]);
    expect(env.rayPods.filter((r) => r.id.startsWith('team-a/')).map((r) => [r.id, r.cluster, r.nodeType, r.group])).toEqual([
      [IDS['job-head'], 'batch-xxxxx', 'head', 'headgroup'],
      [IDS['job-worker'], 'batch-xxxxx', 'worker', 'workers'],
      [IDS['shared-head'], 'shared', 'head', 'headgroup'],
      [IDS['shared-worker'], 'shared', 'worker', 'workers'],
      [IDS['svc-head'], 'hello-xxxxx', 'head', 'headgroup'],
      [IDS['svc-worker'], 'hello-xxxxx', 'worker', 'workers'],
    ]);
    expect(env.notes).toEqual([]);
    const labels = (role: Role) => (peerOf(env, role) as { labels: Record<string, string> }).labels;
    expect(labels('job-head')).toEqual(expect.objectContaining({
      'ray.io/cluster': 'batch-xxxxx', 'ray.io/node-type': 'head', 'secure-ray.io/workload': 'rayjob-batch', 'tenant': 'team-a',
    }));
    expect(labels('svc-worker')).toEqual(expect.objectContaining({ 'ray.io/cluster': 'hello-xxxxx', 'secure-ray.io/workload': 'rayservice-hello' }));
    expect(labels('submitter')).toEqual(expect.objectContaining({ 'secure-ray.io/submitter': 'batch', 'tenant': 'team-a' }));
    expect(labels('operator')).toEqual({ 'app.kubernetes.io/name': 'kuberay-operator' });
    expect(env.namespaces.find((n) => n.name === 'kuberay-system')).toEqual({ name: 'kuberay-system', labels: { 'kubernetes.io/metadata.name': 'kuberay-system' } });
  });

  const rayJob = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'ray.io/v1',
    kind: 'RayJob',
    metadata: { name, namespace: 'ml', labels: { tenant: 'ml-team' } },
    spec: {
      entrypoint: 'python x.py',
      rayClusterSpec: {
        headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] } } },
        workerGroupSpecs: [{
          groupName: 'g',
          replicas: 1,
          minReplicas: 1,
          maxReplicas: 1,
          rayStartParams: {},
          template: { spec: { containers: [{ name: 'ray-worker', image: 'rayproject/ray:2.52.0' }] } },
        }],
      },
      ...extra,
    },
  });

  test('two RayJobs ml/job: one set of pods, from the later one, and a note', () => {
    const later = rayJob('job');
    later.spec.rayClusterSpec.workerGroupSpecs[0].groupName = 'later';
    const e = environmentFromManifests([rayJob('job'), later], { kubeDns: false, operator: false });
    expect(e.peers.map(peerId)).toEqual(['ml/job-xxxxx-head', 'ml/job-xxxxx-later-worker', 'ml/job-submitter', 'ml/tenant-pod']);
    expect(e.notes.map((n) => [n.kind, n.object])).toEqual([['duplicate', 'RayJob ray.io/v1 ml/job']]);
    expect((e.peers[3] as { labels: Record<string, string> }).labels).toEqual({ tenant: 'ml-team' });
  });

  test('a RayJob and a RayCluster of one name are two objects; HTTPMode has no submitter', () => {
    const cluster = { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: { name: 'job', namespace: 'ml' }, spec: rayJob('x').spec.rayClusterSpec };
    const e = environmentFromManifests([cluster, rayJob('job', { submissionMode: 'HTTPMode' })], { kubeDns: false, tenantProbes: false, operator: false });
    expect(e.peers.map(peerId)).toEqual(['ml/job-head', 'ml/job-g-worker', 'ml/job-xxxxx-head', 'ml/job-xxxxx-g-worker']);
    expect(e.notes).toEqual([]);
  });

  test('clusterSelector: the selected RayCluster of the namespace decides the submitter (no dashboard port, no submitter)', () => {
    const job = rayJob('nightly', { clusterSelector: { 'ray.io/cluster': 'shared' } });
    delete (job.spec as Record<string, unknown>).rayClusterSpec;
    const shared = (ports: object[]) => ({
      apiVersion: 'ray.io/v1',
      kind: 'RayCluster',
      metadata: { name: 'shared', namespace: 'ml' },
      spec: { headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0', ports }] } } } },
    });
    const opts = { kubeDns: false, tenantProbes: false, operator: false } as const;
    // KubeRay reads the dashboard address from the selected cluster's head Service: a head that
    // declares ports, none named dashboard, leaves the RayJob in Initializing, with no submitter.
    const noDashboard = shared([{ name: 'gcs-server', containerPort: 6379 }]);
    expect(environmentFromManifests([noDashboard, job], opts).peers.map(peerId)).toEqual(['ml/shared-head']);
    const withDashboard = shared([{ name: 'dashboard', containerPort: 8265 }]);
    expect(environmentFromManifests([noDashboard, job, withDashboard], opts).peers.map(peerId)).toEqual(['ml/nightly-submitter', 'ml/shared-head']);
    // a RayCluster of that name in another namespace is not the selected one
    const elsewhere = { ...noDashboard, metadata: { name: 'shared', namespace: 'other' } };
    expect(environmentFromManifests([elsewhere, job], opts).peers.map(peerId)).toEqual(['other/shared-head', 'ml/nightly-submitter']);
  });

  test('a RayService alone gets a tenant-pod and the operator; a RayCronJob only the operator; other objects neither', () => {
    const svc = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 's', namespace: 'serve' }, spec: { rayClusterConfig: rayJob('x').spec.rayClusterSpec } };
    expect(environmentFromManifests([svc]).peers.map(peerId))
      .toEqual(['serve/s-xxxxx-head', 'serve/s-xxxxx-g-worker', 'serve/tenant-pod', 'kuberay-system/kuberay-operator', 'kube-system/kube-dns']);
    const cron = { apiVersion: 'ray.io/v1', kind: 'RayCronJob', metadata: { name: 'c', namespace: 'cron' }, spec: { schedule: '* * * * *', jobTemplate: rayJob('x').spec } };
    expect(environmentFromManifests([cron]).peers.map(peerId)).toEqual(['kuberay-system/kuberay-operator', 'kube-system/kube-dns']);
    const notRay = { ...svc, apiVersion: 'example.com/v1' };
    expect(environmentFromManifests([notRay]).peers.map(peerId)).toEqual(['kube-system/kube-dns']);
  });

  test('the operator moves with options.operator, is dropped by false, and is not duplicated by a given operator Pod', () => {
    const svc = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 's', namespace: 'serve' }, spec: { rayClusterConfig: rayJob('x').spec.rayClusterSpec } };
    const opts = { kubeDns: false, tenantProbes: false } as const;
    const moved = environmentFromManifests([svc], { ...opts, operator: { namespace: 'ray-ops', podLabels: { app: 'kuberay' } } });
    expect(moved.peers.slice(2)).toEqual([expect.objectContaining({ name: 'kuberay-operator', namespace: 'ray-ops', labels: { app: 'kuberay' } })]);
    expect(moved.namespaces.map((n) => n.name)).toEqual(['serve', 'ray-ops']);
    expect(environmentFromManifests([svc], { ...opts, operator: false }).peers.map(peerId)).toEqual(['serve/s-xxxxx-head', 'serve/s-xxxxx-g-worker']);
    const real = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kuberay-operator-5d9f7-abcde', namespace: 'kuberay-system', labels: { 'app.kubernetes.io/name': 'kuberay-operator', 'pod-template-hash': '5d9f7' } },
      spec: { containers: [{ name: 'op', image: 'kuberay/operator:v1.7.0' }] },
    };
    expect(environmentFromManifests([svc, real], opts).peers.map(peerId))
      .toEqual(['serve/s-xxxxx-head', 'serve/s-xxxxx-g-worker', 'kuberay-system/kuberay-operator-5d9f7-abcde']);
  });
});
