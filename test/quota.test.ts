import { Testing } from 'cdk8s';
import { LimitRange, ResourceQuota } from 'kubernetes-models/v1';
import { PropsError, SecureTenantRayCluster, TenantNamespace, TenantNamespaceProps, TenantProfile } from '../src';
import { errorOf, findObject, Manifest, newChart } from './support/manifests';

/** The quota's and the LimitRange's optional fields: rendered, validated, and counted by the budget check. */
const tenant = new TenantProfile({ name: 'team-a', bounds: { minCpu: '100m', maxCpu: '8', minMemory: '128Mi', maxMemory: '32Gi', extendedResources: { 'nvidia.com/gpu': '1' } } });
const base = { requestsCpu: '64', requestsMemory: '256Gi', limitsCpu: '64', limitsMemory: '256Gi' };

function synth(props: Partial<TenantNamespaceProps>): Manifest[] {
  const { chart } = newChart();
  new TenantNamespace(chart, 'ns', { tenant, ...props });
  return Testing.synth(chart);
}

describe('ResourceQuota: optional fields', () => {
  const full = {
    ...base,
    requestsEphemeralStorage: '100Gi',
    limitsEphemeralStorage: '200Gi',
    requestsStorage: '1Ti',
    persistentVolumeClaims: 10,
    objectCounts: { 'services': 5, 'secrets': 50, 'rayclusters.ray.io': 4 },
  };

  test('rendered as their quota keys, and valid against the Kubernetes schema', () => {
    const rq = findObject(synth({ quota: full }), 'ResourceQuota', 'tenant-quota');
    expect(rq.spec.hard).toEqual({
      'requests.cpu': '64',
      'requests.memory': '256Gi',
      'limits.cpu': '64',
      'limits.memory': '256Gi',
      'requests.ephemeral-storage': '100Gi',
      'limits.ephemeral-storage': '200Gi',
      'requests.storage': '1Ti',
      'persistentvolumeclaims': 10,
      'count/services': 5,
      'count/secrets': 50,
      'count/rayclusters.ray.io': 4,
    });
    expect(new ResourceQuota(rq as any).validate()).toBeUndefined();
  });

  test.each([
    ['requestsEphemeralStorage not a quantity', { requestsEphemeralStorage: '10 Gi' }, 'TenantNamespace(team-a).quota.requestsEphemeralStorage: "10 Gi" is not a Kubernetes quantity'],
    ['ephemeral requests above limits', { requestsEphemeralStorage: '10Gi', limitsEphemeralStorage: '5Gi' }, 'TenantNamespace(team-a).quota: requestsEphemeralStorage 10Gi is greater than limitsEphemeralStorage 5Gi'],
    ['requestsStorage negative', { requestsStorage: '-1' }, 'TenantNamespace(team-a).quota.requestsStorage: "-1" is negative'],
    ['persistentVolumeClaims -1', { persistentVolumeClaims: -1 }, 'TenantNamespace(team-a).quota.persistentVolumeClaims: expected an integer >= 0, got number -1'],
    ['persistentVolumeClaims "3"', { persistentVolumeClaims: '3' }, 'quota.persistentVolumeClaims: expected an integer >= 0, got the string "3"'],
    ['objectCounts an array', { objectCounts: ['services'] }, 'TenantNamespace(team-a).quota.objectCounts: expected a map of resource name to count, got an array'],
    ['objectCounts bad resource', { objectCounts: { 'Services!': 1 } }, 'TenantNamespace(team-a).quota.objectCounts: "Services!" is not a resource name'],
    ['objectCounts fraction', { objectCounts: { services: 1.5 } }, 'TenantNamespace(team-a).quota.objectCounts["services"]: expected an integer >= 0, got number 1.5'],
    ['extended under kubernetes.io', { extended: { 'kubernetes.io/gpu': '1' } }, 'TenantNamespace(team-a).quota.extended: "kubernetes.io/gpu" is not an extended resource name'],
  ] as [string, any, string][])('PropsError: %s', (_, extra, message) => {
    const make = () => synth({ quota: { ...base, ...extra } });
    expect(make).toThrow(PropsError);
    expect(errorOf(make)).toContain(message);
  });
});

describe('LimitRange: ephemeral storage per container', () => {
  const limits = (props: Partial<TenantNamespaceProps>) => findObject(synth(props), 'LimitRange', 'tenant-container-limits');

  test('rendered with Kubernetes\' defaulting spelled out (default = max, defaultRequest = default), valid against the schema', () => {
    const lr = limits({ ephemeralStorage: { max: '20Gi' } });
    expect(lr.spec.limits[0].max['ephemeral-storage']).toBe('20Gi');
    expect(lr.spec.limits[0].default['ephemeral-storage']).toBe('20Gi');
    expect(lr.spec.limits[0].defaultRequest['ephemeral-storage']).toBe('20Gi');
    expect(lr.spec.limits[0].min).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(new LimitRange(lr as any).validate()).toBeUndefined();
    const given = limits({ ephemeralStorage: { max: '20Gi', defaultLimit: '4Gi', defaultRequest: '1Gi' } }).spec.limits[0];
    expect([given.max['ephemeral-storage'], given.default['ephemeral-storage'], given.defaultRequest['ephemeral-storage']]).toEqual(['20Gi', '4Gi', '1Gi']);
  });

  test('absent by default', () => {
    expect(limits({}).spec.limits[0].max).toEqual({ cpu: '8', memory: '32Gi' });
  });

  test.each([
    ['not an object', 'x', 'TenantNamespace(team-a).ephemeralStorage: expected { max, defaultLimit?, defaultRequest? }, got the string "x"'],
    ['max missing', {}, 'TenantNamespace(team-a).ephemeralStorage.max: expected a Kubernetes quantity'],
    ['max zero', { max: '0' }, 'TenantNamespace(team-a).ephemeralStorage.max: must be greater than zero'],
    ['defaultLimit above max', { max: '1Gi', defaultLimit: '2Gi' }, 'TenantNamespace(team-a).ephemeralStorage.defaultLimit: 2Gi is greater than max 1Gi'],
    ['defaultRequest above defaultLimit', { max: '4Gi', defaultLimit: '1Gi', defaultRequest: '2Gi' }, 'ephemeralStorage.defaultRequest: 2Gi is greater than the default limit 1Gi'],
  ] as [string, any, string][])('PropsError: %s', (_, ephemeralStorage, message) => {
    const make = () => synth({ ephemeralStorage });
    expect(make).toThrow(PropsError);
    expect(errorOf(make)).toContain(message);
  });
});

describe('budget: what the quota does not cap, and what the LimitRange fills in', () => {
  function app(quota: any, extra: Partial<TenantNamespaceProps> = {}, gpus = 1) {
    const { chart } = newChart();
    new TenantNamespace(chart, 'ns', { tenant, quota, ...extra });
    new SecureTenantRayCluster(chart, 'gpu', { tenant, name: 'gpu', workerGroups: [{ groupName: 'w', replicas: 2, maxReplicas: 2, gpus }] });
    return chart;
  }

  test('GPUs in a namespace whose quota has no requests.nvidia.com/gpu: fails, the quota does not cap them', () => {
    expect(errorOf(() => Testing.synth(app(base)))).toContain('budget: tenant "team-a"\'s Ray workloads request nvidia.com/gpu (worst case 2; team-a/gpu 2), '
      + 'but its ResourceQuota has no requests.nvidia.com/gpu: the quota does not cap it. Fix: add it to the quota (quota.extended: { \'nvidia.com/gpu\': \'2\' })');
  });

  test('the passing twins: the quota names the GPUs, or the clusters use none', () => {
    expect(Testing.synth(app({ ...base, extended: { 'nvidia.com/gpu': '2' } })).map((m) => m.kind)).toContain('RayCluster');
    expect(Testing.synth(app(base, {}, 0)).map((m) => m.kind)).toContain('RayCluster');
  });

  test('ephemeral storage: containers that state none take the LimitRange default, and the quota counts it', () => {
    // head (ray-head), 2 workers (ray-worker; wait-gcs-ready runs before it): 3 pods × 1Gi.
    const quota = { ...base, extended: { 'nvidia.com/gpu': '2' }, requestsEphemeralStorage: '2Gi' };
    expect(errorOf(() => Testing.synth(app(quota, { ephemeralStorage: { max: '4Gi', defaultRequest: '1Gi' } }))))
      .toContain('needs requests.ephemeral-storage 3Gi, more than its ResourceQuota allows (2Gi)');
    expect(Testing.synth(app({ ...quota, requestsEphemeralStorage: '3Gi' }, { ephemeralStorage: { max: '4Gi', defaultRequest: '1Gi' } })).length).toBeGreaterThan(0);
  });
});
