import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import {
  checkDocument, NetworkPeer, PortTarget, PropsError, RayAuthentication, RayPort, SecureTenantRayCluster, SecureTenantRayJob, SecureTenantRayJobProps,
  SubmissionMode, TenantProfile,
} from '../src';
import { buildRayJob } from '../src/kuberay';
import { assertHardened } from './support/assertions';
import { loadCrdValidator } from './support/crd-schema';
import { errorOf, findObject, Manifest, newChart, ofKind, sharedPath } from './support/manifests';

const teamA = new TenantProfile({
  name: 'team-a',
  bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' },
  defaultCpu: '1',
  defaultMemory: '2Gi',
});
const teamB = new TenantProfile({
  name: 'team-b',
  bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' },
  defaultCpu: '1',
  defaultMemory: '2Gi',
});
const ENTRYPOINT = 'python /home/ray/samples/sum_of_squares.py';
const OPERATOR_PEER = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kuberay-system' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kuberay-operator' } },
};
const DNS_RULE = {
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
};

function synth(props: Partial<SecureTenantRayJobProps> = {}, patch?: (j: SecureTenantRayJob) => void): Manifest[] {
  const { chart } = newChart();
  const job = new SecureTenantRayJob(chart, 'job', { tenant: teamA, name: 'sum', entrypoint: ENTRYPOINT, ...props });
  patch?.(job);
  return Testing.synth(chart);
}

function synthError(props: Partial<SecureTenantRayJobProps> = {}, patch?: (j: SecureTenantRayJob) => void): string {
  return errorOf(() => synth(props, patch));
}

function propsError(props: Partial<SecureTenantRayJobProps>): string {
  const { chart } = newChart();
  try {
    new SecureTenantRayJob(chart, 'job', { tenant: teamA, name: 'sum', entrypoint: ENTRYPOINT, ...props });
  } catch (e) {
    expect(e).toBeInstanceOf(PropsError);
    return (e as Error).message;
  }
  throw new Error('expected a PropsError');
}

/** The RayJob's embedded cluster, shaped like a RayCluster for assertHardened. */
function asCluster(job: Manifest): Manifest {
  return { metadata: job.metadata, spec: job.spec.rayClusterSpec };
}

/** Every pod KubeRay would build from the RayJob (cluster pods and the submitter), judged as Pods by the engine. */
function judgeBuiltPods(job: Manifest, tenant: TenantProfile): { pods: number; violations: string[] } {
  const model = buildRayJob(job);
  const pods = [...model.rayPods.map((p) => p.pod), ...(model.submitterPod ? [model.submitterPod.pod] : [])];
  const violations = pods.flatMap((pod) => {
    const r = checkDocument({ ...pod, metadata: { ...(pod.metadata as object), namespace: tenant.namespace } }, {
      tenants: [tenant.toDefinition()], pssLevel: 'restricted', pssVersion: 'latest',
    });
    return Object.values(r.rules).flatMap((x) => x.violations.map((v) => `${v.rule} ${v.path}: ${v.message}`));
  });
  return { pods: pods.length, violations };
}

describe('SecureTenantRayJob: K8sJobMode (the default)', () => {
  const manifests = synth();
  const job = findObject(manifests, 'RayJob', 'sum');
  const selector = { 'secure-ray.io/workload': 'rayjob-sum' };

  test('renders the RayJob and its three NetworkPolicies, policies in an earlier sync wave', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'NetworkPolicy/sum-head', 'NetworkPolicy/sum-isolation', 'NetworkPolicy/sum-submitter', 'RayJob/sum',
    ]);
    for (const np of ofKind(manifests, 'NetworkPolicy')) expect(np.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(job.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
  });

  test('the job spec: entrypoint, K8sJobMode, the cluster deleted when the job ends', () => {
    expect(job.spec).toMatchObject({ entrypoint: ENTRYPOINT, submissionMode: 'K8sJobMode', shutdownAfterJobFinishes: true });
    expect(job.spec.clusterSelector).toBeUndefined();
    expect(job.spec.suspend).toBeUndefined();
    // the marker: KubeRay copies it to the cluster it creates, and the admission-time generators skip that cluster
    expect(job.metadata).toMatchObject({ namespace: 'team-a', labels: { 'tenant': 'team-a', 'secure-ray.io/managed-by': 'cdk8s-secure-ray' } });
  });

  test('the cluster it creates is hardened like a SecureTenantRayCluster, token auth on', () => {
    assertHardened(asCluster(job), teamA);
    expect(job.spec.rayClusterSpec.authOptions).toEqual({ mode: 'token' });
    for (const t of [job.spec.rayClusterSpec.headGroupSpec.template, ...job.spec.rayClusterSpec.workerGroupSpecs.map((g: Manifest) => g.template)]) {
      expect(t.metadata.labels).toEqual({ ...selector, tenant: 'team-a' });
    }
  });

  test('the submitter pod template: pinned, restricted, bounded, no token, never restarted', () => {
    const t = job.spec.submitterPodTemplate;
    expect(t.metadata.labels).toEqual({ 'secure-ray.io/submitter': 'sum', 'tenant': 'team-a' });
    expect(t.spec.restartPolicy).toBe('Never');
    expect(t.spec.automountServiceAccountToken).toBe(false);
    expect(t.spec.nodeSelector).toEqual({ tenant: 'team-a' });
    expect(t.spec.tolerations).toEqual([{ key: 'tenant', operator: 'Equal', value: 'team-a', effect: 'NoSchedule' }]);
    expect(t.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 100, fsGroup: 100, seccompProfile: { type: 'RuntimeDefault' } });
    expect(t.spec.containers).toHaveLength(1);
    const c = t.spec.containers[0];
    expect(c.name).toBe('ray-job-submitter');
    expect(c.image).toBe('rayproject/ray:2.52.0');
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    // KubeRay's default submitter limits (1 CPU, 1Gi), request = limit
    expect(c.resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } });
  });

  test('the submitter\'s default resources are moved into the tenant\'s bounds', () => {
    const big = new TenantProfile({ name: 'big', bounds: { minCpu: '2', maxCpu: '8', minMemory: '4Gi', maxMemory: '16Gi' } });
    const small = new TenantProfile({ name: 'small', bounds: { minCpu: '100m', maxCpu: '500m', minMemory: '128Mi', maxMemory: '512Mi' } });
    const { chart } = newChart();
    const resources = [big, small].map((tenant) => {
      const j = new SecureTenantRayJob(chart, tenant.name, { tenant, entrypoint: ENTRYPOINT });
      return j.renderedManifest().spec as Manifest;
    }).map((spec) => spec.submitterPodTemplate.spec.containers[0].resources);
    expect(resources).toEqual([
      { limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '2', memory: '4Gi' } },
      { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '500m', memory: '512Mi' } },
    ]);
  });

  test('every pod KubeRay builds from it (head, workers, submitter with the injected env) passes the tenant and restricted checks', () => {
    const { pods, violations } = judgeBuiltPods(job, teamA);
    expect(pods).toBe(3);
    expect(violations).toEqual([]);
  });

  test('the isolation policy selects the job\'s pods by the workload label (the cluster\'s name is generated)', () => {
    const np = findObject(manifests, 'NetworkPolicy', 'sum-isolation');
    expect(np.spec.podSelector).toEqual({ matchLabels: selector });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: selector } }] }]);
    expect(np.spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: selector } }] }, DNS_RULE]);
  });

  test('the head lets in the submitter and the operator on the dashboard port, nothing else', () => {
    const np = findObject(manifests, 'NetworkPolicy', 'sum-head');
    expect(np.spec.podSelector).toEqual({ matchLabels: { ...selector, 'ray.io/node-type': 'head' } });
    expect(np.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'secure-ray.io/submitter': 'sum' } } }], ports: [{ port: 8265, protocol: 'TCP' }] },
      { from: [OPERATOR_PEER], ports: [{ port: 8265, protocol: 'TCP' }] },
    ]);
    expect(np.spec.egress).toEqual([]);
  });

  test('the submitter reaches the head\'s dashboard and DNS, and nothing reaches it', () => {
    const np = findObject(manifests, 'NetworkPolicy', 'sum-submitter');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'secure-ray.io/submitter': 'sum' } });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress ?? []).toEqual([]);
    expect(np.spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: { ...selector, 'ray.io/node-type': 'head' } } }], ports: [{ port: 8265, protocol: 'TCP' }] },
      DNS_RULE,
    ]);
  });
});

describe('SecureTenantRayJob: options', () => {
  test('runtimeEnv is rendered as runtimeEnvYAML; deadline, ttl, suspend', () => {
    const job = findObject(synth({ runtimeEnv: { pip: ['numpy==2.1.0'], env_vars: { A: '1' } }, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 30, suspend: true }), 'RayJob', 'sum');
    expect(job.spec.runtimeEnvYAML).toBe('pip:\n  - numpy==2.1.0\nenv_vars:\n  A: "1"\n');
    expect(job.spec).toMatchObject({ activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 30, suspend: true });
  });

  test('HTTPMode: no submitter pod and no submitter policy; the operator still reaches the dashboard', () => {
    const manifests = synth({ submissionMode: SubmissionMode.HTTP });
    const job = findObject(manifests, 'RayJob', 'sum');
    expect(job.spec.submissionMode).toBe('HTTPMode');
    expect(job.spec.submitterPodTemplate).toBeUndefined();
    expect(manifests.map((m) => m.metadata.name).sort()).toEqual(['sum', 'sum-head', 'sum-isolation']);
    expect(findObject(manifests, 'NetworkPolicy', 'sum-head').spec.ingress).toEqual([{ from: [OPERATOR_PEER], ports: [{ port: 8265, protocol: 'TCP' }] }]);
    expect(judgeBuiltPods(job, teamA)).toEqual({ pods: 2, violations: [] });
  });

  test('InteractiveMode needs no entrypoint', () => {
    const job = findObject(synth({ submissionMode: SubmissionMode.INTERACTIVE, entrypoint: undefined }), 'RayJob', 'sum');
    expect(job.spec.entrypoint).toBeUndefined();
    expect(job.spec.submissionMode).toBe('InteractiveMode');
  });

  test('submitter resources and image', () => {
    const job = findObject(synth({ submitter: { image: 'registry.example/ray:2.52.0', resources: { cpu: { request: '500m', limit: '1' }, memory: { request: '512Mi', limit: '1Gi' } } } }), 'RayJob', 'sum');
    const c = job.spec.submitterPodTemplate.spec.containers[0];
    expect(c.image).toBe('registry.example/ray:2.52.0');
    expect(c.resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '512Mi' } });
  });

  test('the operator\'s location is configurable', () => {
    const manifests = synth({ network: { operator: { namespace: 'ray-system', podLabels: { app: 'kuberay' } } } });
    expect(findObject(manifests, 'NetworkPolicy', 'sum-head').spec.ingress[1].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ray-system' } }, podSelector: { matchLabels: { app: 'kuberay' } },
    }]);
  });

  test('declared connections open the head port to the declared peer only', () => {
    const manifests = synth({}, (j) => j.connections.allowFrom(NetworkPeer.namespace('monitoring'), RayPort.METRICS));
    const np = findObject(manifests, 'NetworkPolicy', 'sum-isolation');
    expect(np.spec.ingress[1]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  test('a derived name is a DNS-1035 label of at most 47 characters', () => {
    const { chart } = newChart('a-chart-with-a-rather-long-name-indeed');
    const j = new SecureTenantRayJob(chart, 'a-job-with-an-equally-long-construct-id', { tenant: teamA, entrypoint: ENTRYPOINT });
    expect(j.name.length).toBeLessThanOrEqual(47);
    expect(j.name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe('SecureTenantRayJob on an existing cluster (clusterSelector)', () => {
  function onCluster(jobProps: Partial<SecureTenantRayJobProps> = {}): Manifest[] {
    const { chart } = newChart();
    const cluster = new SecureTenantRayCluster(chart, 'shared', { tenant: teamA, name: 'shared', runAsUser: 2000 });
    new SecureTenantRayJob(chart, 'job', { tenant: teamA, name: 'nightly', entrypoint: ENTRYPOINT, cluster, ...jobProps });
    return Testing.synth(chart);
  }

  test('selects the cluster by name, creates no cluster, does not own it', () => {
    const manifests = onCluster();
    const job = findObject(manifests, 'RayJob', 'nightly');
    expect(job.spec.clusterSelector).toEqual({ 'ray.io/cluster': 'shared' });
    expect(job.spec.rayClusterSpec).toBeUndefined();
    expect(job.spec.shutdownAfterJobFinishes).toBe(false);
    expect(job.spec.submitterPodTemplate.spec.securityContext.runAsUser).toBe(2000);
    expect(judgeBuiltPods(job, teamA)).toEqual({ pods: 1, violations: [] });
  });

  test('the cluster lets the job\'s submitter and the operator reach its dashboard', () => {
    const manifests = onCluster();
    expect(findObject(manifests, 'NetworkPolicy', 'shared-head').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'secure-ray.io/submitter': 'nightly' } } }], ports: [{ port: 8265, protocol: 'TCP' }] },
      { from: [OPERATOR_PEER], ports: [{ port: 8265, protocol: 'TCP' }] },
    ]);
    expect(findObject(manifests, 'NetworkPolicy', 'nightly-submitter').spec.egress[0]).toEqual({
      to: [{ podSelector: { matchLabels: { 'ray.io/cluster': 'shared', 'ray.io/node-type': 'head' } } }], ports: [{ port: 8265, protocol: 'TCP' }],
    });
  });

  test('two jobs on one cluster let the operator in once', () => {
    const { chart } = newChart();
    const cluster = new SecureTenantRayCluster(chart, 'shared', { tenant: teamA, name: 'shared' });
    new SecureTenantRayJob(chart, 'a', { tenant: teamA, name: 'a', entrypoint: ENTRYPOINT, cluster });
    new SecureTenantRayJob(chart, 'b', { tenant: teamA, name: 'b', entrypoint: ENTRYPOINT, cluster });
    const head = findObject(Testing.synth(chart), 'NetworkPolicy', 'shared-head');
    expect(head.spec.ingress.filter((r: Manifest) => JSON.stringify(r.from) === JSON.stringify([OPERATOR_PEER]))).toHaveLength(1);
    expect(head.spec.ingress).toHaveLength(3);
  });

  test('the operator\'s access is the cluster policy\'s own, not a connection declared in the user\'s name', () => {
    const { chart } = newChart();
    const cluster = new SecureTenantRayCluster(chart, 'shared', { tenant: teamA, name: 'shared' });
    new SecureTenantRayJob(chart, 'a', { tenant: teamA, name: 'a', entrypoint: ENTRYPOINT, cluster });
    expect(cluster.connections.ingressTo(PortTarget.HEAD)).toEqual([]);
    const cluster2 = new SecureTenantRayCluster(chart, 'other', { tenant: teamA, name: 'other' });
    new SecureTenantRayJob(chart, 'b', { tenant: teamA, name: 'b', entrypoint: ENTRYPOINT, cluster: cluster2, network: { operator: { namespace: 'ray-system' } } });
    new SecureTenantRayJob(chart, 'c', { tenant: teamA, name: 'c', entrypoint: ENTRYPOINT, cluster: cluster2 });
    // two operator locations: two rules (one per location), plus two submitters
    expect(findObject(Testing.synth(chart), 'NetworkPolicy', 'other-head').spec.ingress).toHaveLength(4);
  });

  test('a cluster of another tenant is refused', () => {
    const { chart } = newChart();
    const cluster = new SecureTenantRayCluster(chart, 'theirs', { tenant: teamB, name: 'theirs' });
    expect(() => new SecureTenantRayJob(chart, 'job', { tenant: teamA, entrypoint: ENTRYPOINT, cluster }))
      .toThrow(/cluster "theirs" belongs to tenant "team-b".*a job of tenant "team-a" may only run on its own tenant's clusters/);
  });

  test('cluster props, shutdown and suspend do not apply', () => {
    const { chart } = newChart();
    const cluster = new SecureTenantRayCluster(chart, 'shared', { tenant: teamA, name: 'shared' });
    const make = (p: Partial<SecureTenantRayJobProps>, id: string) => () =>
      new SecureTenantRayJob(chart, id, { tenant: teamA, entrypoint: ENTRYPOINT, cluster, ...p });
    expect(make({ workerGroups: [] }, 'a')).toThrow(/workerGroups: the job runs on the existing cluster "shared"; cluster props do not apply/);
    expect(make({ shutdownAfterJobFinishes: true }, 'b')).toThrow(/shutdownAfterJobFinishes: the job runs on an existing cluster it does not own/);
    expect(make({ suspend: true }, 'c')).toThrow(/suspend: KubeRay cannot suspend a job on an existing cluster/);
    expect(make({ cluster: {} as SecureTenantRayCluster }, 'd')).toThrow(/cluster: expected a SecureTenantRayCluster/);
  });
});

describe('SecureTenantRayJob: bad props are PropsErrors that name the prop', () => {
  test.each<[string, Partial<SecureTenantRayJobProps>, RegExp]>([
    ['SidecarMode', { submissionMode: SubmissionMode.SIDECAR }, /submissionMode: SidecarMode appends a submitter container to the head pod/],
    ['an unknown mode', { submissionMode: 'BatchMode' as SubmissionMode }, /submissionMode/],
    ['no entrypoint', { entrypoint: undefined }, /entrypoint: required in K8sJobMode/],
    ['a blank entrypoint', { entrypoint: '   ' }, /entrypoint/],
    ['ttl without shutdown', { shutdownAfterJobFinishes: false, ttlSecondsAfterFinished: 60 }, /ttlSecondsAfterFinished: needs shutdownAfterJobFinishes/],
    ['suspend without shutdown', { shutdownAfterJobFinishes: false, suspend: true }, /suspend: needs shutdownAfterJobFinishes/],
    ['a zero deadline', { activeDeadlineSeconds: 0 }, /activeDeadlineSeconds/],
    ['a negative ttl', { ttlSecondsAfterFinished: -1 }, /ttlSecondsAfterFinished/],
    ['a runtimeEnv that is not an object', { runtimeEnv: 'pip: [x]' as unknown as Record<string, unknown> }, /runtimeEnv: expected an object/],
    ['a submitter in HTTPMode', { submissionMode: SubmissionMode.HTTP, submitter: { image: 'x' } }, /submitter: only K8sJobMode has a submitter pod/],
    ['a submitter image with spaces', { submitter: { image: ' ray ' } }, /submitter.image/],
    ['a name of 48 characters', { name: 'a'.repeat(48) }, /name: .*at most 47 characters/],
    ['a name with a dot', { name: 'sum.job' }, /name:/],
    ['the selector label on a pod', { head: { podLabels: { 'secure-ray.io/workload': 'x' } } }, /head.podLabels: "secure-ray.io\/workload" is a label the library owns/],
    ['the selector label in a template', { workerGroups: [{ groupName: 'w', template: { metadata: { labels: { 'secure-ray.io/workload': 'x' } } } }] },
      /workerGroups\[0\].template.metadata.labels: "secure-ray.io\/workload" is a label the library owns/],
    ['another library label on a pod', { head: { podLabels: { 'secure-ray.io/submitter': 'sum' } } }, /head.podLabels: "secure-ray.io\/submitter" is a label the library owns/],
  ])('%s', (_, props, message) => {
    expect(propsError(props)).toMatch(message);
  });
});

describe('SecureTenantRayJob: what a patch breaks fails synthesis', () => {
  test('removing the submitter\'s securityContext', () => {
    const err = synthError({}, (j) => j.resource.addJsonPatch(JsonPatch.remove('/spec/submitterPodTemplate/spec/containers/0/securityContext')));
    expect(err).toMatch(/spec\.submitterPodTemplate\.spec\.containers\[0\]\.securityContext/);
    expect(err).toMatch(/allowPrivilegeEscalation/);
  });

  test('moving the submitter off the tenant\'s nodes', () => {
    const err = synthError({}, (j) => j.resource.addJsonPatch(JsonPatch.replace('/spec/submitterPodTemplate/spec/nodeSelector', { pool: 'shared' })));
    expect(err).toMatch(/spec\.submitterPodTemplate\.spec\.nodeSelector/);
  });

  test('switching to SidecarMode (the injected container is not restricted)', () => {
    const err = synthError({ submissionMode: SubmissionMode.HTTP }, (j) => j.resource.addJsonPatch(JsonPatch.replace('/spec/submissionMode', 'SidecarMode')));
    expect(err).toMatch(/ray-job-submitter/);
  });

  test('removing the workload label from the head template (its pods would leave their policies)', () => {
    const err = synthError({}, (j) => j.resource.addJsonPatch(JsonPatch.remove('/spec/rayClusterSpec/headGroupSpec/template/metadata/labels/secure-ray.io~1workload')));
    expect(err).toMatch(/spec\.rayClusterSpec\.headGroupSpec\.template\.metadata\.labels\["secure-ray\.io\/workload"\]/);
  });

  test('a patch that gives the submitter the workload label (it would join the cluster\'s isolation policy)', () => {
    const err = synthError({}, (j) => j.resource.addJsonPatch(JsonPatch.add('/spec/submitterPodTemplate/metadata/labels/secure-ray.io~1workload', 'rayjob-sum')));
    expect(err).toMatch(/spec\.submitterPodTemplate\.metadata\.labels\["secure-ray\.io\/workload"\] = "rayjob-sum".*a secure-ray\.io\/\* label the library did not set/);
  });

  test('a group\'s own labels (KubeRay merges them over the template\'s) that move the workers to another workload\'s policies', () => {
    const err = synthError({}, (j) => j.resource.addJsonPatch(JsonPatch.add('/spec/rayClusterSpec/workerGroupSpecs/0/labels', { 'secure-ray.io/workload': 'rayjob-other' })));
    expect(err).toMatch(/spec\.rayClusterSpec\.workerGroupSpecs\[0\]\.labels\["secure-ray\.io\/workload"\] = "rayjob-other".*the label the workload's NetworkPolicies select/);
  });

  test('a group label that adds another library label (the head would gain a submitter\'s access)', () => {
    const err = synthError({}, (j) => j.resource.addJsonPatch(JsonPatch.add('/spec/rayClusterSpec/headGroupSpec/labels', { 'secure-ray.io/submitter': 'other' })));
    expect(err).toMatch(/spec\.rayClusterSpec\.headGroupSpec\.labels\["secure-ray\.io\/submitter"\] = "other".*a secure-ray\.io\/\* label the library did not set/);
  });

  test('renaming the RayJob by patch (it would slip past the app-level name check)', () => {
    const err = synthError({}, (j) => j.resource.addJsonPatch(JsonPatch.replace('/metadata/name', 'etl')));
    expect(err).toMatch(/metadata\.name = "etl": the RayJob's name was changed after construction.*\(bound: sum\)/);
  });

  test('removing the submitter template (KubeRay\'s default submitter is neither pinned nor restricted)', () => {
    const err = synthError({}, (j) => j.resource.addJsonPatch(JsonPatch.remove('/spec/submitterPodTemplate')));
    expect(err).toMatch(/enforce-tenant-isolation: .*submitter/);
    expect(err).toMatch(/pod-security: .*ray-job-submitter/);
  });

  test('removing the submitter label', () => {
    const err = synthError({}, (j) => j.resource.addJsonPatch(JsonPatch.remove('/spec/submitterPodTemplate/metadata/labels/secure-ray.io~1submitter')));
    expect(err).toMatch(/spec\.submitterPodTemplate\.metadata\.labels\["secure-ray\.io\/submitter"\]/);
  });

  test('exposing the head (NodePort)', () => {
    const err = synthError({}, (j) => j.resource.addJsonPatch(JsonPatch.replace('/spec/rayClusterSpec/headGroupSpec/serviceType', 'NodePort')));
    expect(err).toMatch(/serviceType/);
  });

  test('token authentication off is a choice (authentication: NONE), and check warns about it', () => {
    const job = findObject(synth({ authentication: RayAuthentication.NONE }), 'RayJob', 'sum');
    expect(job.spec.rayClusterSpec.authOptions).toBeUndefined();
    const r = checkDocument(job, { tenants: [teamA.toDefinition()], pssLevel: 'restricted', pssVersion: 'latest' });
    expect(r.warnings.map((w) => w.path)).toContain('spec.rayClusterSpec.authOptions.mode');
  });

  test('opening the submitter policy to everything', () => {
    const err = synthError({}, (j) => ApiObject.of(j.networkPolicy!.submitterResources[0]).addJsonPatch(JsonPatch.replace('/spec/egress', [{}])));
    expect(err).toMatch(/sum-submitter/);
  });

  test('letting anyone into the head', () => {
    const err = synthError({}, (j) => ApiObject.of(j.networkPolicy!.node.findChild('Head'))
      .addJsonPatch(JsonPatch.add('/spec/ingress/-', { from: [{ namespaceSelector: {} }] })));
    expect(err).toMatch(/NetworkPolicy/);
  });
});

const RAYJOB_CRD = sharedPath('kuberay', 'crd', 'ray.io_rayjobs.yaml');
(RAYJOB_CRD ? describe : describe.skip)('every RayJob validates against the KubeRay v1.7.0 CRD (defaults applied, unknown fields rejected)', () => {
  const { chart } = newChart();
  const cluster = new SecureTenantRayCluster(chart, 'shared', { tenant: teamA, name: 'shared' });
  const variants: [string, Partial<SecureTenantRayJobProps>][] = [
    ['k8s-job', { runtimeEnv: { pip: ['numpy'] }, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 10, suspend: true }],
    ['http', { submissionMode: SubmissionMode.HTTP }],
    ['interactive', { submissionMode: SubmissionMode.INTERACTIVE, entrypoint: undefined }],
    ['on-cluster', { cluster }],
  ];
  for (const [name, props] of variants) new SecureTenantRayJob(chart, name, { tenant: teamA, name, entrypoint: ENTRYPOINT, ...props });
  const jobs = ofKind(Testing.synth(chart), 'RayJob');

  test.each(jobs.map((j) => [j.metadata.name, j]))('%s', (_, job) => {
    expect(loadCrdValidator(RAYJOB_CRD!)!.validate(job)).toEqual([]);
  });

  test('the validator rejects a typo (so the test above can fail)', () => {
    const job = JSON.parse(JSON.stringify(jobs[0]));
    job.spec.submitterPodTemplate.spec.containerz = [];
    expect(loadCrdValidator(RAYJOB_CRD!)!.validate(job).map((e) => e.path)).toContain('spec.submitterPodTemplate.spec.containerz');
  });
});
