import { checkDocument } from '../../src/policy/engine';
import { TenantDefinition } from '../../src/policy/tenant-definition';
import { compliantCluster } from '../support/compliant';

/**
 * enforce-tenant-isolation on what KubeRay really builds: the merged pod labels, the namespace,
 * exposure, extended resources and GPU isolation. Each case breaks one condition and names the
 * field; each has a passing twin, so weakening the rule turns the failing case green.
 */
const bounds = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };
const teamA: TenantDefinition = { name: 'team-a', bounds };
const teamB: TenantDefinition = { name: 'team-b', bounds };

const cluster = (): any => compliantCluster();

const isolation = (doc: any, tenants?: TenantDefinition[]) =>
  checkDocument(doc, tenants ? { tenants } : {}).rules['enforce-tenant-isolation'].violations.map((v) => `${v.path}: ${v.message}`);

test('the compliant cluster passes, with and without tenant definitions', () => {
  expect(isolation(cluster())).toEqual([]);
  expect(isolation(cluster(), [teamA, teamB])).toEqual([]);
});

describe('namespace', () => {
  test('a missing namespace fails when the tenant is defined (it would land wherever kubectl or Argo CD defaults to)', () => {
    const doc = cluster();
    delete doc.metadata.namespace;
    expect(isolation(doc, [teamA])).toEqual([expect.stringMatching(/^metadata\.namespace: the RayCluster has no namespace/)]);
  });
  test('a tenant definition without namespace means the namespace named like the tenant (as TenantProfile)', () => {
    const doc = cluster();
    doc.metadata.labels.tenant = 'team-b';
    for (const t of doc.spec.workerGroupSpecs.concat([doc.spec.headGroupSpec])) {
      t.template.metadata.labels.tenant = 'team-b';
      t.template.spec.nodeSelector.tenant = 'team-b';
      t.template.spec.tolerations[0].value = 'team-b';
    }
    expect(isolation(doc, [teamA, teamB])).toEqual(['metadata.namespace: tenant "team-b" may only use namespace "team-b"']);
    expect(isolation({ ...doc, metadata: { ...doc.metadata, namespace: 'team-b' } }, [teamA, teamB])).toEqual([]);
  });
});

describe('the pods\' tenant label is the one KubeRay merges (group labels over the template\'s)', () => {
  test('headGroupSpec.labels.tenant of another tenant fails at that path', () => {
    const doc = cluster();
    doc.spec.headGroupSpec.labels = { tenant: 'team-b' };
    expect(isolation(doc, [teamA, teamB])).toEqual([
      'spec.headGroupSpec.labels.tenant: the group\'s labels put tenant=team-b on its pods (KubeRay merges them over the template\'s labels), not the RayCluster\'s tenant "team-a"',
    ]);
  });
  test('workerGroupSpecs[].labels too; the same tenant there is fine, and so is a template without the label when the group has it', () => {
    const doc = cluster();
    doc.spec.workerGroupSpecs[0].labels = { tenant: 'team-b' };
    expect(isolation(doc)).toEqual([expect.stringMatching(/^spec\.workerGroupSpecs\[0\]\.labels\.tenant: the group's labels put tenant=team-b/)]);
    doc.spec.workerGroupSpecs[0].labels = { tenant: 'team-a' };
    delete doc.spec.workerGroupSpecs[0].template.metadata.labels.tenant;
    expect(isolation(doc)).toEqual([]);
  });
});

describe('exposure', () => {
  test.each([
    ['serviceType LoadBalancer', (d: any) => { d.spec.headGroupSpec.serviceType = 'LoadBalancer'; }, 'spec.headGroupSpec.serviceType'],
    ['serviceType NodePort', (d: any) => { d.spec.headGroupSpec.serviceType = 'NodePort'; }, 'spec.headGroupSpec.serviceType'],
    ['enableIngress', (d: any) => { d.spec.headGroupSpec.enableIngress = true; }, 'spec.headGroupSpec.enableIngress'],
    ['headService type', (d: any) => { d.spec.headGroupSpec.headService = { spec: { type: 'LoadBalancer' } }; }, 'spec.headGroupSpec.headService.spec.type'],
    ['headService externalIPs (CVE-2020-8554)', (d: any) => { d.spec.headGroupSpec.headService = { spec: { externalIPs: ['203.0.113.7'] } }; }, 'spec.headGroupSpec.headService.spec.externalIPs'],
    ['headService loadBalancerSourceRanges', (d: any) => { d.spec.headGroupSpec.headService = { spec: { loadBalancerSourceRanges: ['0.0.0.0/0'] } }; }, 'spec.headGroupSpec.headService.spec.loadBalancerSourceRanges'],
    ['headService nodePort', (d: any) => { d.spec.headGroupSpec.headService = { spec: { ports: [{ name: 'dashboard', port: 8265, nodePort: 30000 }] } }; }, 'spec.headGroupSpec.headService.spec.ports[0].nodePort'],
  ])('%s fails unless the tenant allows exposure', (_, edit, path) => {
    const doc = cluster();
    edit(doc);
    expect(isolation(doc, [teamA]).map((v) => v.split(':')[0])).toEqual([path]);
    expect(isolation(doc)).toHaveLength(1);
    expect(isolation(doc, [{ ...teamA, allowExposure: true }])).toEqual([]);
  });
  test('ClusterIP and a headless head Service are not exposure', () => {
    const doc = cluster();
    doc.spec.headGroupSpec.serviceType = 'ClusterIP';
    doc.spec.headGroupSpec.headService = { spec: { clusterIP: 'None', type: 'ClusterIP' } };
    expect(isolation(doc, [teamA])).toEqual([]);
  });
});

describe('GPUs and other extended resources', () => {
  const gpuWorker = (n: number | string, doc = cluster()) => {
    const c = doc.spec.workerGroupSpecs[0].template.spec.containers[0];
    c.resources.limits['nvidia.com/gpu'] = n;
    doc.spec.workerGroupSpecs[0].template.spec.tolerations.push({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    return doc;
  };
  const withGpus = (max: string): TenantDefinition => ({ ...teamA, bounds: { ...bounds, extendedResources: { 'nvidia.com/gpu': max } } });

  test('closed by default: a GPU without a bound for it fails at the limit', () => {
    expect(isolation(gpuWorker(1), [teamA])).toEqual([
      'spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits["nvidia.com/gpu"]: container "ray-worker" asks for nvidia.com/gpu, which the tenant may not use',
    ]);
    expect(isolation(gpuWorker(1))).toHaveLength(1);
  });
  test('within the tenant\'s bound passes; above it fails; the annotation form carries the bound for check without a tenants file', () => {
    expect(isolation(gpuWorker(2), [withGpus('2')])).toEqual([]);
    expect(isolation(gpuWorker(3), [withGpus('2')])).toEqual([
      'spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits["nvidia.com/gpu"]: container "ray-worker": nvidia.com/gpu 3 exceeds the tenant\'s maximum 2',
    ]);
    const doc = gpuWorker(1);
    doc.metadata.annotations.maxExtendedResources = '{"nvidia.com/gpu":"1"}';
    expect(isolation(doc)).toEqual([]);
    doc.metadata.annotations.maxExtendedResources = 'gpus please';
    expect(isolation(doc)).toContainEqual('metadata.annotations.maxExtendedResources: the annotation maxExtendedResources is not JSON');
  });
  test('any extended resource is closed by default, not only GPUs', () => {
    const doc = cluster();
    doc.spec.headGroupSpec.template.spec.containers[0].resources.limits['example.com/fpga'] = 1;
    expect(isolation(doc, [withGpus('1')])).toEqual([
      'spec.headGroupSpec.template.spec.containers[0].resources.limits["example.com/fpga"]: container "ray-head" asks for example.com/fpga, which the tenant may not use',
    ]);
  });
  test('NVIDIA_VISIBLE_DEVICES without a GPU request fails, on the container and on the wait-gcs-ready that copies its env', () => {
    const doc = cluster();
    doc.spec.workerGroupSpecs[0].template.spec.containers[0].env = [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }];
    expect(isolation(doc, [teamA])).toEqual([
      expect.stringMatching(/^spec\.workerGroupSpecs\[0\]\.template\.spec\.containers\[0\]\.env: the "wait-gcs-ready" container KubeRay injects sets NVIDIA_VISIBLE_DEVICES/),
      expect.stringMatching(/^spec\.workerGroupSpecs\[0\]\.template\.spec\.containers\[0\]\.env\[0\]: container "ray-worker" sets NVIDIA_VISIBLE_DEVICES without requesting nvidia.com\/gpu/),
    ]);
    // From a Secret or ConfigMap key too.
    doc.spec.workerGroupSpecs[0].template.spec.containers[0].env = [{ name: 'NVIDIA_VISIBLE_DEVICES', valueFrom: { configMapKeyRef: { name: 'x', key: 'y' } } }];
    expect(isolation(doc, [teamA])).toHaveLength(2);
  });
  test('the GPU taint is tolerated only by pods that request GPUs', () => {
    const doc = cluster();
    doc.spec.workerGroupSpecs[0].template.spec.tolerations.push({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    expect(isolation(doc, [teamA])).toEqual([
      'spec.workerGroupSpecs[0].template.spec.tolerations[1]: pods of this group tolerate the GPU taint nvidia.com/gpu but request no GPU: they would take places on GPU nodes',
    ]);
    expect(isolation(gpuWorker(1), [withGpus('1')])).toEqual([]);
  });
});

describe('pod-level resources (PodLevelResources)', () => {
  // spec.resources at pod level replaces the containers' sum for cpu and memory: a head with
  // 100 CPU there runs with 100 CPU whatever its containers say, so per-container bounds cannot judge it.
  test('refused on the head and on a worker group, naming the field', () => {
    const doc = cluster();
    doc.spec.headGroupSpec.template.spec.resources = { limits: { cpu: '100' } };
    doc.spec.workerGroupSpecs[0].template.spec.resources = { requests: { memory: '64Gi' } };
    expect(isolation(doc, [teamA])).toEqual([
      expect.stringMatching(/^spec\.headGroupSpec\.template\.spec\.resources: pod-level resources .*per-container bounds cannot judge them/),
      expect.stringMatching(/^spec\.workerGroupSpecs\[0\]\.template\.spec\.resources: pod-level resources/),
    ]);
  });
  test('an empty or null spec.resources sets nothing and passes', () => {
    const doc = cluster();
    doc.spec.headGroupSpec.template.spec.resources = {};
    doc.spec.workerGroupSpecs[0].template.spec.resources = null;
    expect(isolation(doc, [teamA])).toEqual([]);
  });
});
