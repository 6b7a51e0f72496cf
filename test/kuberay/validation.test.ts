import { arr, clusterSpec, Obj, obj } from './helpers';
import { rebasePath, rebaseText } from '../../src/kuberay/rebase';
import { buildClusterHeadService, headServicePorts } from '../../src/kuberay/services';
import { validateRayClusterSpec } from '../../src/kuberay/validate-cluster';
import { goJsonMarshal, goQuote } from '../../src/kubernetes/go-format';
import { parseGenericVersion } from '../../src/kubernetes/version';

const check = (spec: unknown, annotations: Record<string, string> = {}, gates: Record<string, boolean> = {}): Array<[string, string]> =>
  validateRayClusterSpec(spec, annotations, { featureGates: gates }).map((r) => [r.path, r.message]);
const paths = (spec: unknown, annotations: Record<string, string> = {}, gates: Record<string, boolean> = {}): string[] =>
  check(spec, annotations, gates).map((r) => r[0]);

function headRay(spec: Obj): Obj {
  return obj(arr(obj(obj(obj(spec.headGroupSpec).template).spec).containers)[0]);
}
function worker(spec: Obj): Obj {
  return obj(arr(spec.workerGroupSpecs)[0]);
}

describe('ValidateRayClusterSpec', () => {
  test('a valid spec passes', () => {
    expect(check(clusterSpec())).toEqual([]);
  });

  test('the head needs a container; a spec that is not an object is refused', () => {
    const spec = clusterSpec();
    obj(obj(obj(spec.headGroupSpec).template).spec).containers = [];
    expect(paths(spec)).toEqual(['spec.headGroupSpec.template.spec.containers']);
    expect(paths('x')).toEqual(['spec']);
  });

  test('worker groups: containers, replica bounds, resources vs rayStartParams, labels', () => {
    const spec = clusterSpec();
    Object.assign(worker(spec), {
      minReplicas: 4,
      maxReplicas: 2,
      rayStartParams: { 'num-cpus': '1', 'labels': 'a=b' },
      resources: { CPU: '1' },
      labels: { 'bad key!': 'v', 'ok': 'bad value!' },
    });
    expect(check(spec)).toEqual([
      ['spec.workerGroupSpecs[0].minReplicas', 'worker group small has minReplicas 4 greater than maxReplicas 2'],
      ['spec.workerGroupSpecs[0].resources', 'resource fields should not be set in both rayStartParams and Resources for small group; please use only one'],
      ['spec.workerGroupSpecs[0].rayStartParams.labels', "rayStartParams['labels'] is not supported for small group; please use the top-level Labels field instead"],
      ['spec.workerGroupSpecs[0].labels', expect.stringContaining("invalid label key for small group: 'bad key!'")],
    ]);
    expect(check(spec)[3][1]).toContain("invalid label value for key 'ok' in small group: 'bad value!'");
  });

  test('idleTimeoutSeconds and priority need autoscaler v2; priority needs Ray 2.56', () => {
    const spec = clusterSpec();
    Object.assign(worker(spec), { idleTimeoutSeconds: 60, priority: 5 });
    expect(paths(spec)).toEqual(['spec.workerGroupSpecs[0].idleTimeoutSeconds', 'spec.workerGroupSpecs[0].priority']);
    const v2 = clusterSpec({ enableInTreeAutoscaling: true, autoscalerOptions: { version: 'v2' }, rayVersion: '2.56.0' });
    Object.assign(worker(v2), { idleTimeoutSeconds: 60, priority: 5 });
    expect(paths(v2)).toEqual([]);
  });

  test('GCS fault tolerance: annotation and options exclusive; redis settings belong in the options; rocksdb is gated', () => {
    const spec = clusterSpec({ gcsFaultToleranceOptions: { redisAddress: 'r:6379' } });
    headRay(spec).env = [{ name: 'REDIS_PASSWORD', value: 'p' }];
    obj(spec.headGroupSpec).rayStartParams = { 'redis-password': 'p' };
    expect(paths(spec, { 'ray.io/ft-enabled': 'true' })).toEqual([
      'metadata.annotations["ray.io/ft-enabled"]',
      'spec.headGroupSpec.rayStartParams["redis-password"]',
      'spec.headGroupSpec.template.spec.containers[0].env',
    ]);
    const plain = clusterSpec();
    headRay(plain).env = [{ name: 'RAY_REDIS_ADDRESS', value: 'r:6379' }];
    expect(paths(plain)).toEqual(['spec.headGroupSpec.template.spec.containers[0].env']);
    const rocks = clusterSpec({ gcsFaultToleranceOptions: { backend: 'rocksdb', redisAddress: 'r' } });
    expect(validateRayClusterSpec(rocks, {}).map((r) => r.gate)).toEqual(['GCSFaultToleranceEmbeddedStorage']);
    expect(paths(rocks, {}, { GCSFaultToleranceEmbeddedStorage: true })).toEqual(['spec.gcsFaultToleranceOptions.redisAddress']);
  });

  test('autoscaler: v2 needs restartPolicy Never or unset; the v2 env var needs the autoscaler; no suspended groups', () => {
    const spec = clusterSpec({ enableInTreeAutoscaling: true, autoscalerOptions: { version: 'v2', idleTimeoutSeconds: -1 } });
    obj(obj(obj(spec.headGroupSpec).template).spec).restartPolicy = 'Always';
    worker(spec).suspend = true;
    expect(paths(spec)).toEqual([
      'spec.workerGroupSpecs[0].suspend',
      'spec.headGroupSpec.template.spec.restartPolicy',
      'spec.autoscalerOptions.idleTimeoutSeconds',
    ]);
    const off = clusterSpec();
    headRay(off).env = [{ name: 'RAY_enable_autoscaler_v2', value: 'true' }];
    expect(paths(off)).toEqual(['spec.headGroupSpec.template.spec.containers[0].env']);
  });

  test('token auth: Ray 2.52+, K8s token auth needs 2.55+ and no secretName, and mode token', () => {
    expect(check(clusterSpec({ rayVersion: '', authOptions: { mode: 'token' } }))).toEqual([
      ['spec.rayVersion', "authOptions.mode is 'token' but RayVersion was not specified. Ray version 2.52.0 or later is required"],
    ]);
    expect(paths(clusterSpec({ rayVersion: '2.52.0', authOptions: { mode: 'token' } }))).toEqual([]);
    expect(paths(clusterSpec({ rayVersion: '2.54.0', authOptions: { mode: 'token', enableK8sTokenAuth: true } }))).toEqual(['spec.rayVersion']);
    expect(paths(clusterSpec({ rayVersion: '2.55.0', authOptions: { mode: 'token', enableK8sTokenAuth: true, secretName: 's' } })))
      .toEqual(['spec.authOptions.secretName']);
    expect(paths(clusterSpec({ authOptions: { enableK8sTokenAuth: true } }))).toEqual(['spec.authOptions.enableK8sTokenAuth']);
  });

  test('gated fields: networkPolicy, tlsOptions, historyServerOptions (alpha gates, off by default)', () => {
    const spec = clusterSpec({
      networkPolicy: { mode: 'DenyAllEgress', head: { ingressRules: [{}] } },
      tlsOptions: { enabled: true },
      historyServerOptions: { collectorOptions: { image: 'c', env: [{ name: 'STORAGE_BACKEND', value: 'S3' }] } },
    });
    expect(validateRayClusterSpec(spec, {}).map((r) => [r.path, r.gate])).toEqual([
      ['spec.historyServerOptions', 'RayClusterHistoryServer'],
      ['spec.networkPolicy', 'RayClusterNetworkPolicy'],
      ['spec.tlsOptions', 'RayClusterMTLS'],
    ]);
    headRay(spec).env = [{ name: 'RAY_USE_TLS', value: '1' }];
    expect(paths(spec, {}, { RayClusterHistoryServer: true, RayClusterNetworkPolicy: true, RayClusterMTLS: true })).toEqual([
      'spec.historyServerOptions.collectorOptions.env',
      'spec.networkPolicy.head.ingressRules',
      'spec.headGroupSpec.template.spec.containers[0].env',
    ]);
  });
});

describe('head Service ports (getServicePorts)', () => {
  test('an unnamed port is <port>-port; metrics is added; the Service lists them sorted, appProtocol tcp', () => {
    const spec = clusterSpec();
    headRay(spec).ports = [{ containerPort: 6379 }, { name: 'dashboard', containerPort: 8265 }];
    expect(headServicePorts(spec)).toEqual({ '6379-port': 6379, 'dashboard': 8265, 'metrics': 8080 });
    const svc = buildClusterHeadService({ metadata: { name: 'rc', namespace: 'ns' }, spec });
    expect(obj(svc.spec).ports).toEqual([
      { name: '6379-port', port: 6379, appProtocol: 'tcp' },
      { name: 'dashboard', port: 8265, appProtocol: 'tcp' },
      { name: 'metrics', port: 8080, appProtocol: 'tcp' },
    ]);
  });

  test('a user headService is the base: its ports first, selector replaced, not headless; headServiceAnnotations merged', () => {
    const spec = clusterSpec({ headServiceAnnotations: { a: '1' } });
    obj(spec.headGroupSpec).headService = {
      metadata: { name: 'custom', labels: { x: 'y' } },
      spec: { selector: { app: 'mine' }, ports: [{ name: 'extra', port: 1 }] },
    };
    const svc = buildClusterHeadService({ metadata: { name: 'rc', namespace: 'ns' }, spec });
    expect(obj(svc.metadata)).toEqual({
      name: 'custom',
      namespace: 'ns',
      annotations: { a: '1' },
      labels: {
        'x': 'y',
        'ray.io/cluster': 'rc',
        'ray.io/node-type': 'head',
        'ray.io/identifier': 'rc-head',
        'app.kubernetes.io/name': 'kuberay',
        'app.kubernetes.io/created-by': 'kuberay-operator',
      },
    });
    expect(arr(obj(svc.spec).ports).map((p) => obj(p).name)).toEqual(['extra', 'client', 'dashboard', 'gcs-server', 'metrics']);
    expect(obj(obj(svc.spec).selector).app).toBeUndefined();
    expect(obj(svc.spec).clusterIP).toBeUndefined();
  });

  test('ENABLE_RAY_HEAD_CLUSTER_IP_SERVICE: not headless', () => {
    const svc = buildClusterHeadService({ metadata: { name: 'rc' }, spec: clusterSpec() }, { headServiceClusterIP: true });
    expect(obj(svc.spec).clusterIP).toBeUndefined();
    expect(obj(svc.metadata).namespace).toBeUndefined();
  });
});

describe('helpers', () => {
  test('goQuote escapes like Go strconv.Quote', () => {
    expect(goQuote('a "b" \\ c\n\t\x01 é €')).toBe('"a \\"b\\" \\\\ c\\n\\t\\x01 é €"');
    expect(goQuote('\u200b')).toBe('"\\u200b"');
  });

  test('goJsonMarshal sorts keys and escapes HTML like Go', () => {
    expect(goJsonMarshal({ b: [1, { d: '<&>', c: true }], a: null })).toBe('{"a":null,"b":[1,{"c":true,"d":"\\u003c\\u0026\\u003e"}]}');
  });

  test('rebasePath: spec paths move, metadata paths and notes stay sensible', () => {
    expect(rebasePath('spec', 'spec.rayClusterSpec')).toBe('spec.rayClusterSpec');
    expect(rebasePath('spec.headGroupSpec.template', 'spec.rayClusterSpec')).toBe('spec.rayClusterSpec.headGroupSpec.template');
    expect(rebasePath('metadata.annotations', 'spec.rayClusterSpec')).toBe('metadata.annotations');
    expect(rebasePath('spec.x (see spec.y, not myspec.z)', 'spec.j')).toBe('spec.j.x (see spec.j.y, not myspec.z)');
    expect(rebaseText('because spec.tlsOptions.enabled is true', 'spec.rayClusterConfig')).toBe('because spec.rayClusterConfig.tlsOptions.enabled is true');
  });

  test('parseGenericVersion: X.Y[.Z], extra ignored', () => {
    expect(parseGenericVersion('2.52.0')).toEqual([2, 52, 0]);
    expect(parseGenericVersion('v2.52.0-rc1')).toEqual([2, 52, 0]);
    expect(parseGenericVersion('2')).toBeUndefined();
    expect(parseGenericVersion('nightly')).toBeUndefined();
  });
});
