import { Testing } from 'cdk8s';
import { RayClusterSpecHeadGroupSpecTemplateSpecResourcesLimits } from '../../imports/ray.io';
import { SecureTenantRayCluster, TenantNamespace, TenantProfile } from '../../src';
import { Quantity } from '../../src/kubernetes/quantity';
import { checkBudget, clusterBudget, limitRangeDefaults, podResources, uncappedExtendedResources } from '../../src/policy/budget';
import { errorOf, findObject, newChart } from '../support/manifests';

const tenant = new TenantProfile({ name: 'team-a', bounds: { minCpu: '100m', maxCpu: '8', minMemory: '128Mi', maxMemory: '32Gi', extendedResources: { 'nvidia.com/gpu': '1' } } });
const apiServer = { cidr: '172.18.0.2/32' };

describe('podResources: what a quota counts of one pod', () => {
  test('the larger of the containers\' sum and the largest init container; requests default to limits', () => {
    const r = podResources({
      containers: [
        { name: 'a', resources: { requests: { cpu: '1' }, limits: { cpu: '2', memory: '1Gi' } } },
        { name: 'b', resources: { limits: { 'cpu': '500m', 'memory': '512Mi', 'nvidia.com/gpu': 1 } } },
      ],
      initContainers: [
        { name: 'i', resources: { requests: { cpu: '4', memory: '128Mi' }, limits: { cpu: '4', memory: '128Mi' } } },
        { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } } },
      ],
    });
    const show = (m: Map<string, any>) => Object.fromEntries([...m].map(([k, v]) => [k, v.toString()]));
    expect(show(r.requests)).toEqual({ 'cpu': '4', 'memory': '2560Mi', 'nvidia.com/gpu': '1' });
    expect(show(r.limits)).toEqual({ 'cpu': '4', 'memory': '2560Mi', 'nvidia.com/gpu': '1' });
  });
});

describe('podResources: Kubernetes\' effective pod request (component-helpers PodRequests)', () => {
  const show = (m: Map<string, any>) => Object.fromEntries([...m].map(([k, v]) => [k, v.toString()]));

  test('an init container runs beside the native sidecars started before it', () => {
    // sidecar (1Gi) starts first, then init (2Gi) runs next to it: 3Gi, more than the regular
    // containers plus the sidecar (1536Mi + 1Gi).
    const r = podResources({
      containers: [{ name: 'main', resources: { requests: { cpu: '1', memory: '1536Mi' }, limits: { cpu: '1', memory: '1536Mi' } } }],
      initContainers: [
        { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '100m', memory: '1Gi' } } },
        { name: 'init', resources: { requests: { cpu: '200m', memory: '2Gi' }, limits: { cpu: '200m', memory: '2Gi' } } },
      ],
    });
    expect(show(r.requests)).toEqual({ cpu: '1100m', memory: '3Gi' });
    expect(show(r.limits)).toEqual({ cpu: '1100m', memory: '3Gi' });
  });

  test('a sidecar started after an init container does not count with it', () => {
    const r = podResources({
      containers: [{ name: 'main', resources: { requests: { memory: '1Gi' } } }],
      initContainers: [
        { name: 'init', resources: { requests: { memory: '2Gi' } } },
        { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { memory: '1Gi' } } },
      ],
    });
    expect(show(r.requests)).toEqual({ memory: '2Gi' });
  });

  test('pod-level resources override the containers\' sum for cpu, memory and hugepages', () => {
    const r = podResources({
      resources: { requests: { cpu: '100' }, limits: { 'cpu': '100', 'memory': '64Gi', 'hugepages-2Mi': '1Gi' } },
      containers: [{ name: 'main', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { 'cpu': '1', 'memory': '1Gi', 'nvidia.com/gpu': '1' } } }],
    });
    // memory: no pod-level request, so the request defaults to at most the pod-level limit
    // (Kubernetes versions differ: the containers' sum or the pod limit; the budget takes the larger).
    expect(show(r.requests)).toEqual({ 'cpu': '100', 'memory': '64Gi', 'hugepages-2Mi': '1Gi', 'nvidia.com/gpu': '1' });
    expect(show(r.limits)).toEqual({ 'cpu': '100', 'memory': '64Gi', 'hugepages-2Mi': '1Gi', 'nvidia.com/gpu': '1' });
  });

  test('pod-level resources that name no supported resource change nothing', () => {
    const r = podResources({ resources: { limits: { 'nvidia.com/gpu': '4' } }, containers: [{ name: 'main', resources: { limits: { cpu: '1' } } }] });
    expect(show(r.limits)).toEqual({ cpu: '1' });
  });
});

describe('limitRangeDefaults: what LimitRanger fills in, after Kubernetes defaults the LimitRange', () => {
  const show = (m: ReadonlyMap<string, any> | undefined) => Object.fromEntries([...m ?? []].map(([k, v]) => [k, v.toString()]));
  test('default from max, defaultRequest from default, else min; Container items only, a later one wins', () => {
    const d = limitRangeDefaults({
      spec: {
        limits: [
          { type: 'Pod', max: { cpu: '64' } },
          { type: 'Container', max: { 'cpu': '4', 'ephemeral-storage': '8Gi' }, default: { cpu: '1' }, min: { memory: '128Mi' } },
          { type: 'Container', defaultRequest: { cpu: '500m' } },
        ],
      },
    });
    expect(show(d.limits)).toEqual({ 'cpu': '1', 'ephemeral-storage': '8Gi' });
    expect(show(d.requests)).toEqual({ 'cpu': '500m', 'ephemeral-storage': '8Gi', 'memory': '128Mi' });
  });
  test('a container keeps what it states; its own limit defaults its request before the LimitRange does', () => {
    const d = limitRangeDefaults({ spec: { limits: [{ type: 'Container', default: { 'ephemeral-storage': '4Gi' }, defaultRequest: { 'ephemeral-storage': '1Gi' } }] } });
    const r = podResources({ containers: [{ name: 'a', resources: { limits: { 'ephemeral-storage': '2Gi' } } }, { name: 'b' }] }, d);
    expect(show(r.requests)).toEqual({ 'ephemeral-storage': '3Gi' });
    expect(show(r.limits)).toEqual({ 'ephemeral-storage': '6Gi' });
  });
});

describe('uncappedExtendedResources: what the quota does not name', () => {
  const t = (requests: Record<string, string>) => ({
    requests: new Map(Object.entries(requests).map(([k, v]) => [k, Quantity.parse(v)])), limits: new Map(), pods: 1,
  });
  test('an extended resource without requests.<name>, with each cluster\'s share; cpu, memory and named ones are not reported', () => {
    const clusters = [
      { cluster: 'ns/a', totals: t({ 'cpu': '1', 'nvidia.com/gpu': '2', 'example.com/fpga': '1' }) },
      { cluster: 'ns/b', totals: t({ 'nvidia.com/gpu': '1' }) },
    ];
    expect(uncappedExtendedResources(clusters, { 'requests.cpu': '8', 'requests.example.com/fpga': '1' })).toEqual([
      { resource: 'nvidia.com/gpu', key: 'requests.nvidia.com/gpu', used: '3', shares: [{ cluster: 'ns/a', used: '2' }, { cluster: 'ns/b', used: '1' }] },
    ]);
    expect(uncappedExtendedResources(clusters, { 'requests.nvidia.com/gpu': '3', 'requests.example.com/fpga': '1' })).toEqual([]);
  });
});

describe('clusterBudget: head plus each group at maxReplicas, injected containers included', () => {
  test('autoscaler and wait-gcs-ready are counted', () => {
    const { chart } = newChart();
    const c = new SecureTenantRayCluster(chart, 'ray', {
      tenant,
      name: 'demo',
      autoscaling: {},
      network: { apiServer },
      head: { resources: { cpu: { request: '1', limit: '1' }, memory: { request: '1Gi', limit: '1Gi' } } },
      workerGroups: [{ groupName: 'w', minReplicas: 0, maxReplicas: 3, gpus: 1, resources: { cpu: { request: '2', limit: '2' }, memory: { request: '4Gi', limit: '4Gi' } } }],
    });
    const b = clusterBudget(c.renderedManifest());
    expect(b.cluster).toBe('team-a/demo');
    expect(b.totals.pods).toBe(4);
    // head 1 + autoscaler 500m; workers 3 × 2 (wait-gcs-ready's 200m is an init container, below 2)
    expect(b.totals.requests.get('cpu')!.toString()).toBe('7500m');
    expect(b.totals.requests.get('memory')!.toString()).toBe('13824Mi');
    expect(b.totals.limits.get('nvidia.com/gpu')!.toString()).toBe('3');
  });

  test('checkBudget names each cluster\'s share', () => {
    const t = (cpu: string) => ({ requests: new Map([['cpu', Quantity.parse(cpu)]]), limits: new Map(), pods: 1 });
    const over = checkBudget([{ cluster: 'ns/a', totals: t('3') }, { cluster: 'ns/b', totals: t('2500m') }], { 'requests.cpu': '5', 'pods': '10' });
    expect(over).toEqual([{ key: 'requests.cpu', hard: '5', used: '5500m', shares: [{ cluster: 'ns/a', used: '3' }, { cluster: 'ns/b', used: '2500m' }] }]);
  });
});

describe('TenantNamespace: budget check at synth', () => {
  function app(quotaCpu: string, gpus: string) {
    const { chart } = newChart();
    new TenantNamespace(chart, 'ns', { tenant, quota: { requestsCpu: quotaCpu, requestsMemory: '100Gi', limitsCpu: quotaCpu, limitsMemory: '100Gi', pods: 20, extended: { 'nvidia.com/gpu': gpus } } });
    for (const name of ['one', 'two']) {
      new SecureTenantRayCluster(chart, name, {
        tenant, name, workerGroups: [{ groupName: 'w', replicas: 2, maxReplicas: 2, gpus: 1, resources: { cpu: { request: '2', limit: '2' } } }],
      });
    }
    return chart;
  }

  test('fits: synthesis succeeds', () => {
    const m = Testing.synth(app('20', '4'));
    expect(findObject(m, 'ResourceQuota', 'tenant-quota').spec.hard['requests.cpu']).toBe('20');
  });

  test('over the quota: fails naming the key, the total and each cluster\'s share', () => {
    const msg = errorOf(() => Testing.synth(app('8', '3')));
    expect(msg).toContain('budget: the worst case of tenant "team-a"\'s Ray workloads needs requests.cpu 8200m, more than its ResourceQuota allows (8). Shares: team-a/one 4100m, team-a/two 4100m.');
    expect(msg).toContain('needs requests.nvidia.com/gpu 4, more than its ResourceQuota allows (3)');
  });

  test('a head with pod-level resources of 100 CPU is counted as 100 CPU, and refused by enforce-tenant-isolation', () => {
    const { chart } = newChart();
    new TenantNamespace(chart, 'ns', { tenant, quota: { requestsCpu: '20', requestsMemory: '100Gi', limitsCpu: '20', limitsMemory: '100Gi' } });
    const cpu = RayClusterSpecHeadGroupSpecTemplateSpecResourcesLimits.fromString('100');
    new SecureTenantRayCluster(chart, 'big', {
      tenant,
      name: 'big',
      head: { template: { spec: { containers: [], resources: { requests: { cpu }, limits: { cpu } } } } },
      workerGroups: [{ groupName: 'w', replicas: 1 }],
    });
    const msg = errorOf(() => Testing.synth(chart));
    expect(msg).toContain('needs requests.cpu 100200m, more than its ResourceQuota allows (20). Shares: team-a/big 100200m.');
    expect(msg).toContain('enforce-tenant-isolation: spec.headGroupSpec.template.spec.resources');
  });
});

describe('workloadBudget: RayJobs and RayServices', () => {
  const { workloadBudget } = jest.requireActual('../../src/policy/budget') as typeof import('../../src/policy/budget');
  const template = (cpu: string) => ({
    spec: { containers: [{ name: 'ray', resources: { requests: { cpu, memory: '1Gi' }, limits: { cpu, memory: '1Gi' } } }] },
  });
  const clusterSpec = {
    rayVersion: '2.52.0',
    headGroupSpec: { rayStartParams: {}, template: template('1') },
    workerGroupSpecs: [{ groupName: 'w', replicas: 2, minReplicas: 2, maxReplicas: 3, rayStartParams: {}, template: template('2') }],
  };
  const cpu = (b: ReturnType<typeof workloadBudget>) => b.totals.requests.get('cpu')?.toString();

  test('a RayJob: its cluster at maxReplicas plus the submitter pod', () => {
    const job = {
      apiVersion: 'ray.io/v1',
      kind: 'RayJob',
      metadata: { name: 'j', namespace: 'team-a' },
      spec: { entrypoint: 'python x.py', rayClusterSpec: clusterSpec, submitterPodTemplate: template('500m') },
    };
    const b = workloadBudget(job);
    // head 1 + 3 workers × 2 + submitter 500m, plus wait-gcs-ready init containers (max with the pod's containers)
    expect(cpu(b)).toBe('7500m');
    expect(b.totals.pods).toBe(5);
    expect(b.cluster).toBe('RayJob team-a/j');
  });

  test('a RayJob on an existing cluster counts only its submitter', () => {
    const job = {
      apiVersion: 'ray.io/v1',
      kind: 'RayJob',
      metadata: { name: 'j', namespace: 'team-a' },
      spec: { entrypoint: 'x', clusterSelector: { 'ray.io/cluster': 'c' }, submitterPodTemplate: template('500m') },
    };
    expect([cpu(workloadBudget(job)), workloadBudget(job).totals.pods]).toEqual(['500m', 1]);
  });

  test('a RayService counts two clusters (an upgrade runs both) unless upgradeStrategy is None', () => {
    const svc = (type?: string) => ({
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      metadata: { name: 's', namespace: 'team-a' },
      spec: { rayClusterConfig: clusterSpec, ...(type ? { upgradeStrategy: { type } } : {}) },
    });
    expect([cpu(workloadBudget(svc())), workloadBudget(svc()).totals.pods]).toEqual(['14', 8]);
    expect([cpu(workloadBudget(svc('NewCluster'))), cpu(workloadBudget(svc('None')))]).toEqual(['14', '7']);
  });
});
