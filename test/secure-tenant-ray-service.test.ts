import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import {
  checkDocument, NetworkPeer, PropsError, RayPort, SecureTenantRayService, SecureTenantRayServiceProps, ServiceUpgradeStrategy, TenantProfile,
} from '../src';
import { buildRayService } from '../src/kuberay';
import { assertHardened } from './support/assertions';
import { loadCrdValidator } from './support/crd-schema';
import { errorOf, findObject, Manifest, newChart, ofKind, sharedPath } from './support/manifests';

const teamB = new TenantProfile({
  name: 'team-b',
  bounds: { minCpu: '250m', maxCpu: '8', minMemory: '256Mi', maxMemory: '32Gi' },
  defaultCpu: '2',
  defaultMemory: '8Gi',
});
const SERVE = { applications: [{ name: 'fruit', import_path: 'fruit.deployment_graph', route_prefix: '/' }] };
const OPERATOR_PEER = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kuberay-system' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kuberay-operator' } },
};
const SELECTOR = { 'secure-ray.io/workload': 'rayservice-fruit' };

function synth(props: Partial<SecureTenantRayServiceProps> = {}, patch?: (s: SecureTenantRayService) => void, tenant = teamB): Manifest[] {
  const { chart } = newChart();
  const svc = new SecureTenantRayService(chart, 'svc', { tenant, name: 'fruit', serveConfig: SERVE, ...props });
  patch?.(svc);
  return Testing.synth(chart);
}

function synthError(props: Partial<SecureTenantRayServiceProps> = {}, patch?: (s: SecureTenantRayService) => void): string {
  return errorOf(() => synth(props, patch));
}

function propsError(props: Partial<SecureTenantRayServiceProps>): string {
  const { chart } = newChart();
  try {
    new SecureTenantRayService(chart, 'svc', { tenant: teamB, name: 'fruit', serveConfig: SERVE, ...props });
  } catch (e) {
    expect(e).toBeInstanceOf(PropsError);
    return (e as Error).message;
  }
  throw new Error('expected a PropsError');
}

describe('SecureTenantRayService: defaults', () => {
  const manifests = synth();
  const svc = findObject(manifests, 'RayService', 'fruit');
  const cluster = svc.spec.rayClusterConfig;

  test('renders the RayService and two NetworkPolicies', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(['NetworkPolicy/fruit-head', 'NetworkPolicy/fruit-isolation', 'RayService/fruit']);
    expect(svc.metadata).toMatchObject({ namespace: 'team-b', labels: { 'tenant': 'team-b', 'secure-ray.io/managed-by': 'cdk8s-secure-ray' } });
  });

  test('the spec: serveConfigV2 as YAML, zero-downtime upgrades, token auth', () => {
    expect(svc.spec.serveConfigV2).toBe('applications:\n  - name: fruit\n    import_path: fruit.deployment_graph\n    route_prefix: /\n');
    expect(svc.spec.upgradeStrategy).toEqual({ type: 'NewCluster' });
    expect(svc.spec.serveService).toBeUndefined();
    expect(svc.spec.excludeHeadPodFromServeSvc).toBeUndefined();
    expect(cluster.authOptions).toEqual({ mode: 'token' });
  });

  test('its clusters are hardened like a SecureTenantRayCluster and carry the workload label', () => {
    assertHardened({ metadata: svc.metadata, spec: cluster }, teamB);
    for (const t of [cluster.headGroupSpec.template, ...cluster.workerGroupSpecs.map((g: Manifest) => g.template)]) {
      expect(t.metadata.labels).toEqual({ ...SELECTOR, tenant: 'team-b' });
    }
  });

  test('the head has a port named serve (8000), so the serve Service has one', () => {
    expect(cluster.headGroupSpec.template.spec.containers[0].ports).toContainEqual({ name: 'serve', containerPort: 8000 });
    const model = buildRayService(svc);
    expect(model.serveService?.spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'serve', port: 8000 }] });
  });

  test('every pod KubeRay builds passes the tenant and restricted checks; the RayService itself passes the engine with no warning', () => {
    const model = buildRayService(svc);
    expect(model.rayPods).toHaveLength(2);
    const opts = { tenants: [teamB.toDefinition()], pssLevel: 'restricted' as const, pssVersion: 'latest' };
    for (const p of model.rayPods) {
      const r = checkDocument({ ...p.pod, metadata: { ...(p.pod.metadata as object), namespace: 'team-b' } }, opts);
      expect(Object.values(r.rules).flatMap((x) => x.violations)).toEqual([]);
    }
    const r = checkDocument(svc, opts);
    expect(Object.values(r.rules).flatMap((x) => x.violations)).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  test('isolation: the service\'s pods (of every cluster it creates) reach each other and DNS only', () => {
    const np = findObject(manifests, 'NetworkPolicy', 'fruit-isolation');
    expect(np.spec.podSelector).toEqual({ matchLabels: SELECTOR });
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: SELECTOR } }] }]);
    expect(np.spec.egress[0]).toEqual({ to: [{ podSelector: { matchLabels: SELECTOR } }] });
    expect(np.spec.egress).toHaveLength(2);
  });

  test('the operator reaches the head\'s dashboard and Serve health check, and nothing else does', () => {
    const np = findObject(manifests, 'NetworkPolicy', 'fruit-head');
    expect(np.spec.podSelector).toEqual({ matchLabels: { ...SELECTOR, 'ray.io/node-type': 'head' } });
    expect(np.spec.ingress).toEqual([{ from: [OPERATOR_PEER], ports: [{ port: 8265, protocol: 'TCP' }, { port: 8000, protocol: 'TCP' }] }]);
    expect(np.spec.egress).toEqual([]);
  });
});

describe('SecureTenantRayService: options', () => {
  test('clients of the serve port are declared, and reach every pod\'s proxy', () => {
    const manifests = synth({}, (s) => s.connections.allowFrom(NetworkPeer.namespace('web'), RayPort.SERVE));
    expect(findObject(manifests, 'NetworkPolicy', 'fruit-isolation').spec.ingress[1]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } } }], ports: [{ port: 8000, protocol: 'TCP' }],
    });
  });

  test('serveConfig as a YAML string is kept as written', () => {
    const text = 'applications:\n- name: a\n  import_path: a:app\n';
    expect(findObject(synth({ serveConfig: text }), 'RayService', 'fruit').spec.serveConfigV2).toBe(text);
  });

  test('upgradeStrategy NONE, excludeHeadPodFromServeService, clusterDeletionDelaySeconds', () => {
    const svc = findObject(synth({ upgradeStrategy: ServiceUpgradeStrategy.NONE, excludeHeadPodFromServeService: true, clusterDeletionDelaySeconds: 0 }), 'RayService', 'fruit');
    expect(svc.spec).toMatchObject({ upgradeStrategy: { type: 'None' }, excludeHeadPodFromServeSvc: true, rayClusterDeletionDelaySeconds: 0 });
  });

  test('ports given for the head keep theirs and gain serve', () => {
    const svc = findObject(synth({ head: { ports: [{ name: 'dashboard', containerPort: 8265 }] } }), 'RayService', 'fruit');
    expect(svc.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].ports).toEqual([
      { name: 'dashboard', containerPort: 8265 }, { name: 'serve', containerPort: 8000 },
    ]);
  });
});

describe('SecureTenantRayService: bad props are PropsErrors that name the prop', () => {
  test.each<[string, Partial<SecureTenantRayServiceProps>, RegExp]>([
    ['no serveConfig', { serveConfig: undefined }, /serveConfig: expected an object or a YAML string/],
    ['serveConfig invalid YAML', { serveConfig: 'applications: [' }, /serveConfig: not valid YAML/],
    ['serveConfig a YAML list', { serveConfig: '- a\n- b\n' }, /serveConfig: expected a YAML mapping/],
    ['serveConfig with a duplicate key', { serveConfig: 'a: 1\na: 2\n' }, /serveConfig: not valid YAML/],
    ['incremental upgrade', { upgradeStrategy: 'NewClusterWithIncrementalUpgrade' as ServiceUpgradeStrategy }, /upgradeStrategy/],
    ['a negative deletion delay', { clusterDeletionDelaySeconds: -1 }, /clusterDeletionDelaySeconds/],
    ['exclude not a boolean', { excludeHeadPodFromServeService: 'yes' as unknown as boolean }, /excludeHeadPodFromServeService: expected true or false/],
    ['a name of 48 characters', { name: 'f'.repeat(48) }, /name: .*at most 47 characters/],
    ['the selector label on a worker', { workerGroups: [{ groupName: 'w', podLabels: { 'secure-ray.io/workload': 'x' } }] }, /podLabels: "secure-ray.io\/workload"/],
  ])('%s', (_, props, message) => {
    expect(propsError(props)).toMatch(message);
  });
});

describe('SecureTenantRayService: what a patch or a config breaks fails synthesis', () => {
  test('moving Serve off 8000 in serveConfig', () => {
    expect(synthError({ serveConfig: { ...SERVE, http_options: { port: 9000 } } })).toMatch(/spec\.serveConfigV2.*http_options\.port: 9000.*must listen on 8000/s);
  });

  test('moving the head\'s serve port', () => {
    const err = synthError({ head: { ports: [{ name: 'serve', containerPort: 9000 }] } });
    expect(err).toMatch(/spec\.rayClusterConfig\.headGroupSpec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort.*"serve" must be 8000/s);
  });

  test('incremental upgrade by patch (KubeRay would create a Gateway on port 80)', () => {
    const err = synthError({}, (s) => s.resource.addJsonPatch(JsonPatch.replace('/spec/upgradeStrategy', {
      type: 'NewClusterWithIncrementalUpgrade', clusterUpgradeOptions: { gatewayClassName: 'istio', stepSizePercent: 10, intervalSeconds: 30 },
    }), JsonPatch.add('/spec/rayClusterConfig/enableInTreeAutoscaling', true)));
    expect(err).toMatch(/spec\.upgradeStrategy\.type = "NewClusterWithIncrementalUpgrade": KubeRay would create a Gateway/);
  });

  test('a LoadBalancer serve Service (exposure needs the tenant\'s allowExposure)', () => {
    const err = synthError({}, (s) => s.resource.addJsonPatch(JsonPatch.add('/spec/serveService', { spec: { type: 'LoadBalancer' } })));
    expect(err).toMatch(/spec\.serveService\.spec\.type = "LoadBalancer".*may not expose/);
  });

  test('removing the workload label from a worker template', () => {
    const err = synthError({}, (s) => s.resource.addJsonPatch(JsonPatch.remove('/spec/rayClusterConfig/workerGroupSpecs/0/template/metadata/labels/secure-ray.io~1workload')));
    expect(err).toMatch(/spec\.rayClusterConfig\.workerGroupSpecs\[0\]\.template\.metadata\.labels\["secure-ray\.io\/workload"\]/);
  });

  test('renaming the RayService by patch', () => {
    expect(synthError({}, (s) => s.resource.addJsonPatch(JsonPatch.replace('/metadata/name', 'other'))))
      .toMatch(/metadata\.name = "other": the RayService's name was changed after construction/);
  });

  test('a privileged head container', () => {
    const err = synthError({}, (s) => s.resource.addJsonPatch(JsonPatch.add('/spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/securityContext/privileged', true)));
    expect(err).toMatch(/spec\.rayClusterConfig\.headGroupSpec\.template\.spec\.containers\[0\]\.securityContext\.privileged/);
  });

  test('opening the head policy to every namespace', () => {
    const err = synthError({}, (s) => ApiObject.of(s.networkPolicy.node.findChild('Head'))
      .addJsonPatch(JsonPatch.replace('/spec/ingress/0/from', [{ namespaceSelector: {} }])));
    expect(err).toMatch(/fruit-head/);
  });
});

const CRD = sharedPath('kuberay', 'crd', 'ray.io_rayservices.yaml');
(CRD ? describe : describe.skip)('every RayService validates against the KubeRay v1.7.0 CRD (defaults applied, unknown fields rejected)', () => {
  const { chart } = newChart();
  new SecureTenantRayService(chart, 'a', { tenant: teamB, name: 'a', serveConfig: SERVE });
  new SecureTenantRayService(chart, 'b', {
    tenant: teamB,
    name: 'b',
    serveConfig: 'applications: []\n',
    upgradeStrategy: ServiceUpgradeStrategy.NONE,
    excludeHeadPodFromServeService: true,
    clusterDeletionDelaySeconds: 5,
    head: { rayStartParams: { 'num-cpus': '0' } },
  });
  const services = ofKind(Testing.synth(chart), 'RayService');

  test.each(services.map((s) => [s.metadata.name, s]))('%s', (_, svc) => {
    expect(loadCrdValidator(CRD!)!.validate(svc)).toEqual([]);
  });

  test('the validator rejects a typo (so the test above can fail)', () => {
    const svc = JSON.parse(JSON.stringify(services[0]));
    svc.spec.serveConfig = 'x';
    expect(loadCrdValidator(CRD!)!.validate(svc).map((e) => e.path)).toContain('spec.serveConfig');
  });
});
