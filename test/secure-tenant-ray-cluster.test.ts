import { ApiObject, Duration, JsonPatch, Testing } from 'cdk8s';
import {
  AutoscalerVersion, PropsError, RayAuthentication, RayVolume, SecureTenantRayCluster, SecureTenantRayClusterProps, TenantProfile, UpscalingMode,
} from '../src';
import { buildRayPods } from '../src/kuberay';
import { assertHardened } from './support/assertions';
import { errorOf, findObject, Manifest, newChart } from './support/manifests';

const teamA = new TenantProfile({
  name: 'team-a',
  bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi', extendedResources: { 'nvidia.com/gpu': '2' } },
  defaultCpu: '1',
  defaultMemory: '2Gi',
});
const apiServer = { cidr: '172.18.0.2/32', port: 6443 };

function synth(props: Partial<SecureTenantRayClusterProps> = {}, patch?: (c: SecureTenantRayCluster) => void): Manifest[] {
  const { chart } = newChart();
  const cluster = new SecureTenantRayCluster(chart, 'ray', { tenant: teamA, name: 'demo', ...props });
  patch?.(cluster);
  return Testing.synth(chart);
}

/** The synth error, failing when synthesis succeeds. */
function synthError(props: Partial<SecureTenantRayClusterProps> = {}, patch?: (c: SecureTenantRayCluster) => void): string {
  return errorOf(() => synth(props, patch));
}

describe('SecureTenantRayCluster: zero-config', () => {
  const manifests = synth();
  const rc = findObject(manifests, 'RayCluster', 'demo');

  test('renders one RayCluster and one NetworkPolicy', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['RayCluster/demo', 'NetworkPolicy/demo-isolation']);
  });

  test('hardens every container and pins every pod to the tenant', () => {
    assertHardened(rc, teamA);
  });

  test('defaults: one worker group, tenant default resources, the Ray image, head ports', () => {
    expect(rc.spec.rayVersion).toBe('2.52.0');
    expect(rc.spec.workerGroupSpecs.map((g: Manifest) => [g.groupName, g.replicas, g.minReplicas, g.maxReplicas])).toEqual([['workers', 1, 1, 1]]);
    const head = rc.spec.headGroupSpec.template.spec.containers[0];
    expect(head.image).toBe('rayproject/ray:2.52.0');
    expect(head.resources).toEqual({ limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '1', memory: '2Gi' } });
    expect(head.ports.map((p: Manifest) => p.containerPort)).toEqual([6379, 8265, 10001]);
    expect(rc.spec.enableInTreeAutoscaling).toBeUndefined();
    expect(rc.spec.headGroupSpec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('the NetworkPolicy selects the cluster by ray.io/cluster and allows only the cluster and DNS', () => {
    const np = findObject(manifests, 'NetworkPolicy', 'demo-isolation');
    expect(np.metadata.namespace).toBe('team-a');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'ray.io/cluster': 'demo' } });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'ray.io/cluster': 'demo' } } }] }]);
    expect(np.spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: { 'ray.io/cluster': 'demo' } } }] },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
    ]);
  });

  test('the RayCluster is the L1 at construct id Resource (escape hatch)', () => {
    const { chart } = newChart();
    const c = new SecureTenantRayCluster(chart, 'ray', { tenant: teamA });
    expect(c.node.findChild('Resource')).toBe(c.resource);
    expect(ApiObject.of(c.resource).kind).toBe('RayCluster');
    expect(c.name).toMatch(/^test-ray-c8[0-9a-f]+$/);
  });
});

describe('SecureTenantRayCluster: options', () => {
  test('autoscaling: hardened sidecar settings, resources within bounds, API server egress', () => {
    const manifests = synth({
      autoscaling: { idleTimeout: Duration.minutes(2), upscalingMode: UpscalingMode.CONSERVATIVE, version: AutoscalerVersion.V1 },
      network: { apiServer },
      workerGroups: [{ groupName: 'cpu', minReplicas: 0, maxReplicas: 5 }],
    });
    const rc = findObject(manifests, 'RayCluster', 'demo');
    assertHardened(rc, teamA);
    expect(rc.spec.enableInTreeAutoscaling).toBe(true);
    expect(rc.spec.autoscalerOptions).toMatchObject({ idleTimeoutSeconds: 120, upscalingMode: 'Conservative', version: 'v1' });
    expect(rc.spec.autoscalerOptions.resources).toEqual({ limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '500m', memory: '512Mi' } });
    // The head pod's autoscaler needs its token; workers do not.
    expect(rc.spec.headGroupSpec.template.spec.automountServiceAccountToken).toBeUndefined();
    expect(rc.spec.workerGroupSpecs[0]).toMatchObject({ replicas: 0, minReplicas: 0, maxReplicas: 5 });
    expect(findObject(manifests, 'NetworkPolicy', 'demo-isolation').spec.egress).toHaveLength(2);
    const head = findObject(manifests, 'NetworkPolicy', 'demo-head');
    expect(head.spec.podSelector).toEqual({ matchLabels: { 'ray.io/cluster': 'demo', 'ray.io/node-type': 'head' } });
    expect(head.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '172.18.0.2/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
  });

  test('autoscaler default resources move into tight bounds', () => {
    const tight = new TenantProfile({ name: 'tight', bounds: { minCpu: '1', maxCpu: '2', minMemory: '128Mi', maxMemory: '256Mi' } });
    const { chart } = newChart();
    new SecureTenantRayCluster(chart, 'ray', { tenant: tight, name: 'x', autoscaling: {}, network: { apiServer } });
    const rc = findObject(Testing.synth(chart), 'RayCluster', 'x');
    expect(rc.spec.autoscalerOptions.resources.requests).toEqual({ cpu: '1', memory: '256Mi' });
  });

  test('GPU group: nvidia.com/gpu limit and toleration, tenant toleration kept', () => {
    const rc = findObject(synth({ workerGroups: [{ groupName: 'gpu', gpus: 2 }] }), 'RayCluster', 'demo');
    const spec = rc.spec.workerGroupSpecs[0].template.spec;
    expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(2);
    expect(spec.tolerations).toEqual([
      { key: 'tenant', operator: 'Equal', value: 'team-a', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });

  test('sidecars and init containers are hardened and get resources; the Ray container stays first', () => {
    const logs = RayVolume.emptyDir('logs');
    const rc = findObject(synth({
      head: {
        volumes: [logs],
        volumeMounts: [{ volume: logs, mountPath: '/tmp/ray' }],
        sidecars: [{ name: 'fluent-bit', image: 'fluent/fluent-bit:3.2.2', volumeMounts: [{ volume: logs, mountPath: '/tmp/ray', readOnly: true }] }],
        initContainers: [{ name: 'prepare', command: ['sh', '-c', 'true'], resources: { cpu: { request: '500m' } } }],
        env: { RAY_GRAFANA_HOST: 'http://grafana' },
      },
    }), 'RayCluster', 'demo');
    assertHardened(rc, teamA);
    const spec = rc.spec.headGroupSpec.template.spec;
    expect(spec.containers.map((c: Manifest) => c.name)).toEqual(['ray-head', 'fluent-bit']);
    expect(spec.initContainers[0].resources).toEqual({ limits: { cpu: '500m', memory: '2Gi' }, requests: { cpu: '500m', memory: '2Gi' } });
    expect(spec.containers[0].env).toEqual([{ name: 'RAY_GRAFANA_HOST', value: 'http://grafana' }]);
    expect(spec.volumes).toEqual([{ name: 'logs', emptyDir: {} }]);
  });

  test('a full imported template is hardened without losing its fields', () => {
    const rc = findObject(synth({
      head: {
        template: {
          metadata: { labels: { app: 'x' } },
          spec: {
            containers: [{ name: 'head', image: 'example.com/ray:custom', lifecycle: { preStop: { exec: { command: ['ray', 'stop'] } } } }],
            priorityClassName: 'batch',
          },
        },
      },
    }), 'RayCluster', 'demo');
    assertHardened({ ...rc, spec: { ...rc.spec, workerGroupSpecs: [] } }, teamA);
    const t = rc.spec.headGroupSpec.template;
    expect(t.metadata.labels).toEqual({ app: 'x', tenant: 'team-a' });
    expect(t.spec.priorityClassName).toBe('batch');
    expect(t.spec.containers[0]).toMatchObject({ name: 'head', image: 'example.com/ray:custom', lifecycle: { preStop: { exec: { command: ['ray', 'stop'] } } } });
  });

  test('output is deterministic', () => {
    const a = JSON.stringify(synth({ workerGroups: [{ groupName: 'a' }, { groupName: 'b', gpus: 1 }] }));
    const b = JSON.stringify(synth({ workerGroups: [{ groupName: 'a' }, { groupName: 'b', gpus: 1 }] }));
    expect(a).toBe(b);
  });
});

describe('SecureTenantRayCluster: synth-time validation fails on every violation', () => {
  test('a patch that gives a pod a library label (it would join a RayJob\'s or RayService\'s policies)', () => {
    const msg = synthError({}, (c) => c.resource.addJsonPatch(JsonPatch.add('/spec/workerGroupSpecs/0/template/metadata/labels/secure-ray.io~1workload', 'rayjob-etl')));
    expect(msg).toContain('[test/ray] generate-network-policies: spec.workerGroupSpecs[0].template.metadata.labels["secure-ray.io/workload"] = "rayjob-etl"');
    expect(msg).toContain('a secure-ray.io/* label the library did not set');
  });

  test('a patch that gives a group a library label through the group\'s own labels (KubeRay merges them into the pods)', () => {
    const msg = synthError({}, (c) => c.resource.addJsonPatch(JsonPatch.add('/spec/headGroupSpec/labels', { 'secure-ray.io/workload': 'rayservice-x' })));
    expect(msg).toContain('[test/ray] generate-network-policies: spec.headGroupSpec.labels["secure-ray.io/workload"] = "rayservice-x"');
  });

  test('a limit over the tenant max names path, value, bound and fix', () => {
    const msg = synthError({ workerGroups: [{ groupName: 'big', resources: { cpu: { request: '1', limit: '8' } } }] });
    expect(msg).toContain('[test/ray] enforce-tenant-isolation: spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.cpu = "8"');
    expect(msg).toContain('exceeds the tenant\'s maxCpu 4');
    expect(msg).toContain('(bound: <= 4 (maxCpu))');
    expect(msg).toContain('Fix: lower spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.cpu to at most 4');
  });

  test('equal quantities in other notations pass: 4000m = 4, 8192Mi = 8Gi', () => {
    const out = synth({ head: { resources: { cpu: { limit: '4000m' }, memory: { limit: '8192Mi' } } } });
    const head = out.find((m) => m.kind === 'RayCluster')!.spec.headGroupSpec.template.spec.containers[0];
    expect(head.resources.limits).toEqual({ cpu: '4000m', memory: '8192Mi' });
    expect(synthError({ head: { resources: { cpu: { limit: '4001m' } } } })).toContain('limits.cpu = "4001m"');
  });

  test('a request under the tenant min', () => {
    const msg = synthError({ head: { resources: { memory: { request: '256Mi', limit: '1Gi' } } } });
    expect(msg).toContain('spec.headGroupSpec.template.spec.containers[0].resources.requests.memory = "256Mi"');
    expect(msg).toContain('is below the tenant\'s minMemory 512Mi');
  });

  test('a missing request (removed by a patch)', () => {
    const msg = synthError({}, (c) => c.resource.addJsonPatch(JsonPatch.remove('/spec/headGroupSpec/template/spec/containers/0/resources/requests/cpu')));
    expect(msg).toContain('spec.headGroupSpec.template.spec.containers[0].resources.requests.cpu');
    expect(msg).toContain('has no CPU request');
  });

  test('privileged in a template is kept and refused', () => {
    const msg = synthError({ head: { template: { spec: { containers: [{ name: 'ray-head', securityContext: { privileged: true } }] } } } });
    expect(msg).toContain('pod-security: spec.headGroupSpec.template.spec.containers[0].securityContext.privileged');
    expect(msg).toContain('privileged (container "ray-head" must not set securityContext.privileged=true)');
  });

  test('a hostPath volume in a template', () => {
    const msg = synthError({ workerGroups: [{ groupName: 'w', template: { spec: { containers: [{ name: 'ray-worker' }], volumes: [{ name: 'host', hostPath: { path: '/var/run' } }] } } }] });
    expect(msg).toContain('pod-security: spec.workerGroupSpecs[0].template.spec.volumes[0].hostPath');
    expect(msg).toContain('restricted volume types (volume "host" uses restricted volume type "hostPath")');
  });

  test('privilege escalation allowed explicitly', () => {
    const msg = synthError({ head: { template: { spec: { containers: [{ name: 'ray-head', securityContext: { allowPrivilegeEscalation: true } }] } } } });
    expect(msg).toContain('allowPrivilegeEscalation != false (container "ray-head" must set securityContext.allowPrivilegeEscalation=false)');
  });

  test('another tenant\'s nodeSelector is kept and refused', () => {
    const msg = synthError({ workerGroups: [{ groupName: 'w', nodeSelector: { tenant: 'team-b' } }] });
    expect(msg).toContain('enforce-tenant-isolation: spec.workerGroupSpecs[0].template.spec.nodeSelector.tenant = "team-b"');
    expect(msg).toContain('not this tenant\'s nodes');
  });

  test('a JSON patch that makes a container privileged', () => {
    const msg = synthError({}, (c) => c.resource.addJsonPatch(JsonPatch.add('/spec/workerGroupSpecs/0/template/spec/containers/0/securityContext/privileged', true)));
    expect(msg).toContain('spec.workerGroupSpecs[0].template.spec.containers[0].securityContext.privileged');
    // The wait-gcs-ready init container KubeRay injects copies that securityContext: it is named too.
    expect(msg).toContain('containers "wait-gcs-ready", "ray-worker" must not set securityContext.privileged=true');
  });

  test('a patch that unpins the tenant label, and one that weakens the NetworkPolicy', () => {
    const msg = synthError({}, (c) => {
      c.resource.addJsonPatch(JsonPatch.replace('/metadata/labels/tenant', 'team-b'));
      ApiObject.of(c.networkPolicy.resource).addJsonPatch(JsonPatch.replace('/spec/policyTypes', ['Ingress']));
    });
    expect(msg).toContain('spec.headGroupSpec.template.metadata.labels.tenant = "team-a"');
    expect(msg).toContain('the NetworkPolicy must isolate both ingress and egress');
  });

  test('autoscaler settings removed by a patch fail: KubeRay does not copy the Ray container\'s', () => {
    const msg = synthError({ autoscaling: {}, network: { apiServer } }, (c) => c.resource.addJsonPatch(JsonPatch.remove('/spec/autoscalerOptions/securityContext')));
    expect(msg).toContain('spec.autoscalerOptions.securityContext');
    expect(msg).toContain('container "autoscaler"');
  });

  test('all violations surface in one run', () => {
    const msg = synthError({
      head: { resources: { cpu: { limit: '5' } } },
      workerGroups: [{ groupName: 'w', resources: { memory: { request: '100Mi' } }, template: { spec: { containers: [{ name: 'ray-worker', securityContext: { privileged: true } }] } } }],
    });
    const lines = msg.split('\n').filter((l) => l.includes('[test/ray]'));
    expect(lines.some((l) => l.includes('spec.headGroupSpec.template.spec.containers[0].resources.limits.cpu = "5"'))).toBe(true);
    expect(lines.some((l) => l.includes('spec.workerGroupSpecs[0].template.spec.containers[0].resources.requests.memory = "100Mi"'))).toBe(true);
    expect(lines.some((l) => l.includes('spec.workerGroupSpecs[0].template.spec.containers[0].securityContext.privileged'))).toBe(true);
  });
});

describe('SecureTenantRayCluster: bad props fail at construction, naming the prop', () => {
  const cases: [string, Partial<SecureTenantRayClusterProps> | any, RegExp][] = [
    ['tenant not a TenantProfile', { tenant: { name: 'team-a' } }, /props.tenant must be a TenantProfile/],
    ['bad name', { name: 'Bad_Name' }, /test\/ray: name: "Bad_Name" is not a DNS-1123 label/],
    ['negative replicas', { workerGroups: [{ groupName: 'w', replicas: -1 }] }, /workerGroups\[0\]\.replicas: expected an integer >= 0, got number -1/],
    ['min > max', { workerGroups: [{ groupName: 'w', minReplicas: 3, maxReplicas: 2 }] }, /minReplicas 3 is greater than maxReplicas 2/],
    ['duplicate groups', { workerGroups: [{ groupName: 'w' }, { groupName: 'w' }] }, /workerGroups\[1\]\.groupName: duplicate group name "w"/],
    ['bad quantity', { head: { resources: { cpu: { limit: '2 Gi' } } } }, /head\.resources\.cpu\.limit: "2 Gi" is not a Kubernetes quantity/],
    ['negative quantity', { head: { resources: { memory: { request: '-1' } } } }, /head\.resources\.memory\.request: "-1" is negative/],
    ['huge exponent', { head: { resources: { memory: { request: '1e400' } } } }, /head\.resources\.memory\.request: "1e400" is not a Kubernetes quantity/],
    ['wrong type from JavaScript', { workerGroups: 'w' }, /workerGroups: expected an array, got the string "w"/],
    ['empty group name', { workerGroups: [{ groupName: '' }] }, /groupName: "" is not a DNS-1123 label/],
    ['autoscaling without API server egress', { autoscaling: {} }, /network\.apiServer: autoscaling is on/],
    ['unknown upscaling mode', { autoscaling: { upscalingMode: 'Fast' }, network: { apiServer } }, /autoscaling\.upscalingMode: "Fast" is not one of Default, Aggressive, Conservative/],
    ['mount of an unknown volume', { head: { volumeMounts: [{ volume: 'nope', mountPath: '/x' }] } }, /head\.volumeMounts\[0\]\.volume: "nope" is not a volume of this pod/],
    ['a volume that is not a RayVolume', { head: { volumes: [{ name: 'h', hostPath: { path: '/' } }] } }, /head\.volumes\[0\]: expected a RayVolume/],
    ['bad port', { head: { ports: [{ containerPort: 70000 }] } }, /head\.ports\[0\]\.containerPort: expected a port number 1-65535/],
    ['a library label on a pod (it would join a RayJob\'s policies)', { workerGroups: [{ groupName: 'w', podLabels: { 'secure-ray.io/workload': 'rayjob-x' } }] },
      /workerGroups\[0\]\.podLabels: "secure-ray.io\/workload" is a label the library owns/],
    ['a library label in a template', { head: { template: { metadata: { labels: { 'secure-ray.io/submitter': 'x' } } } } },
      /head\.template\.metadata\.labels: "secure-ray.io\/submitter" is a label the library owns/],
  ];
  test.each(cases)('%s', (_, props, pattern) => {
    const { chart } = newChart();
    const msg = errorOf(() => new SecureTenantRayCluster(chart, 'ray', { tenant: teamA, ...props }));
    expect(msg).toMatch(pattern);
  });

  test('errors are PropsError', () => {
    const { chart } = newChart();
    expect(() => new SecureTenantRayCluster(chart, 'ray', { tenant: teamA, name: '' })).toThrow(PropsError);
  });
});

describe('Ray token authentication', () => {
  test('on by default: authOptions.mode token, and the pods KubeRay builds carry the token from its Secret', () => {
    const rc = findObject(synth(), 'RayCluster', 'demo');
    expect(rc.spec.authOptions).toEqual({ mode: 'token' });
    const head = buildRayPods(rc).find((p) => p.nodeType === 'head')!;
    expect((head.pod.spec as any).containers[0].env).toContainEqual({ name: 'RAY_AUTH_TOKEN', valueFrom: { secretKeyRef: { name: 'demo', key: 'auth_token' } } });
  });
  test('the opt-out renders no authOptions (and check warns)', () => {
    const rc = findObject(synth({ authentication: RayAuthentication.NONE }), 'RayCluster', 'demo');
    expect(rc.spec.authOptions).toBeUndefined();
  });
  test('a Ray older than 2.52 with token authentication is a PropsError naming the prop', () => {
    expect(errorOf(() => synth({ rayVersion: '2.46.0' }))).toMatch(/ray: authentication: Ray token authentication needs Ray 2\.52\.0 or newer \(rayVersion is 2\.46\.0\)/);
    expect(() => synth({ rayVersion: '2.46.0', authentication: RayAuthentication.NONE })).not.toThrow();
    expect(errorOf(() => synth({ authentication: 'basic' as any }))).toMatch(/authentication: "basic" is not one of token, none/);
  });
});
