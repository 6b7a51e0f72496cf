import { arr, clusterSpec, containerOf, deepFreeze, labelsOf, Obj, obj } from './helpers';
import { buildRayService, RayServiceModel, SPEC_HASH_PLACEHOLDER } from '../../src/kuberay/rayservice';
import { checkPodSecurityOfRayCluster } from '../../src/policy/pod-security-rule';
import type { JsonObject } from '../../src/policy/types';

function rayService(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): JsonObject {
  return <JsonObject>{
    apiVersion: 'ray.io/v1',
    kind: 'RayService',
    metadata: { name: 'svc', namespace: 'team-a', labels: { tenant: 'team-a' }, annotations: { note: 'x' }, ...metadata },
    spec: { serveConfigV2: 'applications: []\n', rayClusterConfig: clusterSpec(), ...spec },
  };
}

/** A cluster spec whose head declares `ports`. */
function withHeadPorts(ports: Obj[] | undefined, extra: Obj = {}): Obj {
  const spec = clusterSpec(extra);
  const ray = obj(arr(obj(obj(obj(spec.headGroupSpec).template).spec).containers)[0]);
  if (ports === undefined) delete ray.ports;
  else ray.ports = ports;
  return spec;
}

const INCREMENTAL = {
  type: 'NewClusterWithIncrementalUpgrade',
  clusterUpgradeOptions: { gatewayClassName: 'istio', stepSizePercent: 10, intervalSeconds: 30, maxSurgePercent: 10 },
};

describe('RayService → RayCluster (constructRayClusterForRayService)', () => {
  test('name <rayservice>-xxxxx; labels plus originated-from; annotations plus hash, worker-group count and KubeRay version', () => {
    const m = buildRayService(rayService());
    expect(m.clusterName).toBe('svc-xxxxx');
    expect(obj(m.rayCluster?.metadata)).toEqual({
      name: 'svc-xxxxx',
      namespace: 'team-a',
      labels: { 'tenant': 'team-a', 'ray.io/originated-from-cr-name': 'svc', 'ray.io/originated-from-crd': 'RayService' },
      annotations: {
        'note': 'x',
        'ray.io/hash-without-replicas-and-workers-to-delete': SPEC_HASH_PLACEHOLDER,
        'ray.io/num-worker-groups': '1',
        'ray.io/kuberay-version': 'v1.7.0',
      },
    });
    expect(m.rayCluster?.spec).toEqual(clusterSpec());
    expect(m.refusals).toEqual([]);
  });

  test('pods: ray.io/serve "false" on the head and "true" on workers; paths under spec.rayClusterConfig', () => {
    const m = buildRayService(rayService());
    const [head, worker] = m.rayPods;
    expect(labelsOf(head.pod)['ray.io/serve']).toBe('false');
    expect(labelsOf(worker.pod)['ray.io/serve']).toBe('true');
    expect(head.groupPath).toBe('spec.rayClusterConfig.headGroupSpec');
    expect(worker.source.containerPaths?.containers).toEqual(['spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0]']);
    const spec = clusterSpec();
    delete obj(arr(obj(obj(obj(arr(spec.workerGroupSpecs)[0]).template).spec).containers)[0]).securityContext;
    const bad = buildRayService(rayService({ rayClusterConfig: spec }));
    const paths = checkPodSecurityOfRayCluster(bad.rayCluster!, {}, bad.rayPods).map((v) => v.path);
    expect(paths).toContain('spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].securityContext.allowPrivilegeEscalation');
  });

  test('the RayService annotations reach the cluster (ray.io/overwrite-container-cmd on the pods)', () => {
    const m = buildRayService(rayService({}, { annotations: { 'ray.io/overwrite-container-cmd': 'true' } }));
    expect(obj(m.rayPods[0].pod.metadata).annotations).toEqual({ 'ray.io/overwrite-container-cmd': 'true', 'ray.io/ft-enabled': 'false' });
  });
});

describe('Services', () => {
  test('head Service <rayservice>-head-svc: KubeRay labels, the cluster selector, headless', () => {
    const m = buildRayService(rayService());
    expect(obj(m.headService?.metadata)).toEqual({
      name: 'svc-head-svc',
      namespace: 'team-a',
      labels: { 'ray.io/originated-from-cr-name': 'svc', 'ray.io/originated-from-crd': 'RayService', 'ray.io/node-type': 'head', 'ray.io/identifier': 'svc-head' },
    });
    expect(obj(obj(m.headService?.spec).selector)['ray.io/cluster']).toBe('svc-xxxxx');
    expect(obj(m.headService?.spec).clusterIP).toBe('None');
    expect(obj(m.clusterHeadService?.metadata).name).toBe('svc-xxxxx-head-svc');
  });

  test('serve Service by default: <rayservice>-serve-svc, selector cluster + serve=true, serve ports only', () => {
    const m = buildRayService(rayService({
      rayClusterConfig: withHeadPorts([
        { name: 'dashboard', containerPort: 8265 },
        { name: 'serve', containerPort: 9000 },
        { name: 'serve-grpc', containerPort: 9001 },
        { name: 'server', containerPort: 1 },
      ]),
    }));
    expect(m.serveService).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'svc-serve-svc',
        namespace: 'team-a',
        labels: { 'ray.io/originated-from-cr-name': 'svc', 'ray.io/originated-from-crd': 'RayService', 'ray.io/serve': 'svc-serve' },
      },
      spec: {
        selector: { 'ray.io/cluster': 'svc-xxxxx', 'ray.io/serve': 'true' },
        ports: [{ name: 'serve', port: 9000 }, { name: 'serve-grpc', port: 9001 }],
      },
    });
    expect(m.serveServiceSource).toBeUndefined();
  });

  test('a head container without ports gets the defaults: serve 8000; the type follows headGroupSpec.serviceType', () => {
    const spec = withHeadPorts(undefined);
    obj(spec.headGroupSpec).serviceType = 'NodePort';
    const m = buildRayService(rayService({ rayClusterConfig: spec }));
    expect(obj(m.serveService?.spec)).toEqual({
      selector: { 'ray.io/cluster': 'svc-xxxxx', 'ray.io/serve': 'true' },
      ports: [{ name: 'serve', port: 8000 }],
      type: 'NodePort',
    });
    expect(obj(m.headService?.spec).type).toBe('NodePort');
    expect(obj(m.headService?.spec).clusterIP).toBeUndefined();
  });

  test('no serve port and no serveService: KubeRay cannot build the serve Service (noted)', () => {
    const m = buildRayService(rayService());
    expect(m.serveService).toBeUndefined();
    expect(m.notes.map((n) => n.path)).toContain('spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].ports');
    expect(m.headService).toBeDefined();
  });

  test('spec.serveService: selector replaced, labels merged (KubeRay wins), detected ports replace the user\'s but same names stay, namespace forced', () => {
    const m = buildRayService(rayService({
      rayClusterConfig: withHeadPorts([{ name: 'serve', containerPort: 8000 }, { name: 'serve-grpc', containerPort: 9000 }]),
      serveService: {
        metadata: { name: 'custom', namespace: 'elsewhere', labels: { 'a': 'b', 'ray.io/serve': 'mine' }, annotations: { c: 'd' } },
        spec: {
          type: 'LoadBalancer',
          selector: { app: 'x' },
          loadBalancerSourceRanges: ['10.0.0.0/8'],
          ports: [{ name: 'serve-grpc', port: 9000, appProtocol: 'kubernetes.io/h2c' }, { name: 'other', port: 1 }],
        },
      },
    }));
    expect(m.serveServiceSource).toBe('spec.serveService');
    expect(m.serveService).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'custom',
        namespace: 'team-a',
        labels: { 'a': 'b', 'ray.io/serve': 'svc-serve', 'ray.io/originated-from-cr-name': 'svc', 'ray.io/originated-from-crd': 'RayService' },
        annotations: { c: 'd' },
      },
      spec: {
        type: 'LoadBalancer',
        selector: { 'ray.io/cluster': 'svc-xxxxx', 'ray.io/serve': 'true' },
        loadBalancerSourceRanges: ['10.0.0.0/8'],
        ports: [{ name: 'serve', port: 8000 }, { name: 'serve-grpc', port: 9000, appProtocol: 'kubernetes.io/h2c' }],
      },
    });
  });

  test('spec.serveService without a detected serve port keeps its own ports; its type defaults to serviceType', () => {
    const spec = clusterSpec();
    obj(spec.headGroupSpec).serviceType = 'ClusterIP';
    const m = buildRayService(rayService({ rayClusterConfig: spec, serveService: { spec: { ports: [{ name: 'x', port: 1 }] } } }));
    expect(obj(m.serveService?.metadata).name).toBe('svc-serve-svc');
    expect(obj(m.serveService?.spec).ports).toEqual([{ name: 'x', port: 1 }]);
    expect(obj(m.serveService?.spec).type).toBe('ClusterIP');
  });
});

describe('NewClusterWithIncrementalUpgrade (gate RayServiceIncrementalUpgrade, beta, on)', () => {
  const model = (): RayServiceModel => buildRayService(rayService({
    rayClusterConfig: withHeadPorts([{ name: 'serve', containerPort: 8100 }], { enableInTreeAutoscaling: true }),
    upgradeStrategy: INCREMENTAL,
    serveService: { metadata: { name: 'ignored' } },
  }));

  test('Gateway <rayservice>-gateway: the class, one HTTP listener on 80, no hostname or TLS', () => {
    const m = model();
    expect(m.incrementalUpgrade).toBe(true);
    expect(m.gateway).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'svc-gateway', namespace: 'team-a' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
    });
  });

  test('HTTPRoute <rayservice>-httproute: PathPrefix / to <cluster>-serve-svc on the serve port, weight 100', () => {
    expect(model().httpRoute).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'svc-httproute', namespace: 'team-a' },
      spec: {
        parentRefs: [{ name: 'svc-gateway', namespace: 'team-a' }],
        rules: [{
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ name: 'svc-xxxxx-serve-svc', namespace: 'team-a', port: 8100, weight: 100 }],
        }],
      },
    });
  });

  test('the serve Service is per cluster, named and labelled after the cluster; spec.serveService is ignored (noted)', () => {
    const m = model();
    expect(obj(m.serveService?.metadata)).toEqual({
      name: 'svc-xxxxx-serve-svc',
      namespace: 'team-a',
      labels: { 'ray.io/originated-from-cr-name': 'svc-xxxxx', 'ray.io/originated-from-crd': 'RayService', 'ray.io/serve': 'svc-xxxxx-serve' },
    });
    expect(m.notes.map((n) => n.path)).toContain('spec.serveService');
    expect(m.refusals).toEqual([]);
    // The autoscaler sidecar is there (autoscaling is required).
    expect(containerOf(m.rayPods[0].pod, 'autoscaler')).toBeDefined();
  });

  test('gate off: no Gateway, the user serveService is honoured, a note says so', () => {
    const m = buildRayService(rayService({
      rayClusterConfig: withHeadPorts([{ name: 'serve', containerPort: 8100 }], { enableInTreeAutoscaling: true }),
      upgradeStrategy: INCREMENTAL,
      serveService: { metadata: { name: 'mine' } },
    }), { featureGates: { RayServiceIncrementalUpgrade: false } });
    expect(m.incrementalUpgrade).toBe(false);
    expect(m.gateway).toBeUndefined();
    expect(obj(m.serveService?.metadata).name).toBe('mine');
    expect(m.notes.map((n) => n.path)).toContain('spec.upgradeStrategy.type');
  });
});

describe('ValidateRayServiceMetadata / ValidateRayServiceSpec: KubeRay would refuse the RayService', () => {
  const refusals = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Array<[string, string]> =>
    buildRayService(rayService(spec, metadata)).refusals.map((r) => [r.check, r.path]);

  test('name: at most 47 characters, DNS-1035; ray.io/initializing-timeout positive', () => {
    expect(refusals({}, { name: 'a'.repeat(48) })).toEqual([['ValidateRayServiceMetadata', 'metadata.name']]);
    expect(refusals({}, { name: 'Svc' })).toEqual([['ValidateRayServiceMetadata', 'metadata.name']]);
    expect(refusals({}, { annotations: { 'ray.io/initializing-timeout': '30m' } })).toEqual([]);
    expect(refusals({}, { annotations: { 'ray.io/initializing-timeout': '600' } })).toEqual([]);
    for (const bad of ['0', '-5', 'soon']) {
      expect(refusals({}, { annotations: { 'ray.io/initializing-timeout': bad } }))
        .toEqual([['ValidateRayServiceMetadata', 'metadata.annotations["ray.io/initializing-timeout"]']]);
    }
  });

  test('enableK8sTokenAuth, headService.metadata.name, an unknown upgrade type, a negative deletion delay', () => {
    const spec = clusterSpec({ rayVersion: '2.55.0', authOptions: { mode: 'token', enableK8sTokenAuth: true } });
    obj(spec.headGroupSpec).headService = { metadata: { name: 'custom' } };
    expect(refusals({ rayClusterConfig: spec, upgradeStrategy: { type: 'Blue' }, rayClusterDeletionDelaySeconds: -1 })).toEqual([
      ['ValidateRayServiceSpec', 'spec.rayClusterConfig.authOptions.enableK8sTokenAuth'],
      ['ValidateRayServiceSpec', 'spec.rayClusterConfig.headGroupSpec.headService.metadata.name'],
      ['ValidateRayServiceSpec', 'spec.upgradeStrategy.type'],
      ['ValidateRayServiceSpec', 'spec.rayClusterDeletionDelaySeconds'],
    ]);
  });

  test('incremental upgrade needs the autoscaler and valid cluster upgrade options', () => {
    expect(refusals({ upgradeStrategy: INCREMENTAL })).toEqual([['ValidateRayServiceSpec', 'spec.rayClusterConfig.enableInTreeAutoscaling']]);
    const auto = clusterSpec({ enableInTreeAutoscaling: true });
    expect(refusals({ rayClusterConfig: auto, upgradeStrategy: { type: 'NewClusterWithIncrementalUpgrade' } }))
      .toEqual([['ValidateRayServiceSpec', 'spec.upgradeStrategy.clusterUpgradeOptions']]);
    const opts = (o: Obj): Array<[string, string]> => refusals({ rayClusterConfig: auto, upgradeStrategy: { type: 'NewClusterWithIncrementalUpgrade', clusterUpgradeOptions: o } });
    expect(opts({ gatewayClassName: 'g', stepSizePercent: 20, intervalSeconds: 1, maxSurgePercent: 10 }))
      .toEqual([['ValidateRayServiceSpec', 'spec.upgradeStrategy.clusterUpgradeOptions.stepSizePercent']]);
    expect(opts({ gatewayClassName: 'g', stepSizePercent: 20, intervalSeconds: 0 }))
      .toEqual([['ValidateRayServiceSpec', 'spec.upgradeStrategy.clusterUpgradeOptions.intervalSeconds']]);
    expect(opts({ gatewayClassName: '', stepSizePercent: 20, intervalSeconds: 5 }))
      .toEqual([['ValidateRayServiceSpec', 'spec.upgradeStrategy.clusterUpgradeOptions.gatewayClassName']]);
    expect(opts({ gatewayClassName: 'g', stepSizePercent: 20, intervalSeconds: 5 })).toEqual([]);
  });

  test('the cluster config is checked (ValidateRayClusterSpec) with the RayService annotations', () => {
    const r = buildRayService(rayService({ rayClusterConfig: clusterSpec({ gcsFaultToleranceOptions: { redisAddress: 'r:6379' } }) },
      { annotations: { 'ray.io/ft-enabled': 'true' } })).refusals;
    expect(r.map((x) => [x.check, x.path])).toEqual([['ValidateRayClusterSpec', 'metadata.annotations["ray.io/ft-enabled"]']]);
    expect(r[0].message).toMatch(/^The RayService spec is invalid: ray\.io\/ft-enabled annotation and GcsFaultToleranceOptions are both set/);
  });
});

describe('robustness', () => {
  test('never mutates its input', () => {
    const doc = deepFreeze(rayService({ upgradeStrategy: INCREMENTAL, serveService: { spec: { ports: [{ name: 'serve', port: 1 }] } } }));
    const before = JSON.stringify(doc);
    buildRayService(doc);
    expect(JSON.stringify(doc)).toBe(before);
  });

  test.each([
    ['null', null],
    ['no rayClusterConfig', { kind: 'RayService', metadata: { name: 's' }, spec: {} }],
    ['odd types', { kind: 'RayService', metadata: { name: 's' }, spec: { rayClusterConfig: [], serveService: 'x', upgradeStrategy: 3 } }],
    ['head without containers', { kind: 'RayService', metadata: { name: 's' }, spec: { rayClusterConfig: { headGroupSpec: { template: {} } } } }],
  ])('malformed input (%s): no throw, refusals instead', (_, doc) => {
    const m = buildRayService(doc as unknown as JsonObject);
    expect(m.refusals.length).toBeGreaterThan(0);
  });
});

describe('notes', () => {
  test('managedBy, suspend (RayService and cluster), excludeHeadPodFromServeSvc, and a head label override', () => {
    const spec = withHeadPorts([{ name: 'serve', containerPort: 8000 }], { suspend: true });
    obj(spec.headGroupSpec).labels = { 'app.kubernetes.io/created-by': 'me' };
    const m = buildRayService(rayService({ managedBy: 'kueue.x-k8s.io/multikueue', suspend: true, excludeHeadPodFromServeSvc: true, rayClusterConfig: spec }));
    expect(m.notes.map((n) => n.path)).toEqual([
      'spec.managedBy',
      'spec.suspend',
      'spec.rayClusterConfig.suspend',
      'spec.rayClusterConfig.headGroupSpec.template.metadata.labels',
      'spec.rayClusterConfig.headGroupSpec.template.metadata.labels',
      'spec.excludeHeadPodFromServeSvc',
    ]);
    expect(m.notes[3].message).toContain('app.kubernetes.io/created-by');
    expect(m.refusals).toEqual([]);
  });
});
