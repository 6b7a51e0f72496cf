import { checkDocument } from '../../src/policy/engine';
import { TenantDefinition } from '../../src/policy/tenant-definition';

/**
 * enforce-tenant-isolation on a plain Pod in a tenant's namespace (with tenant definitions): each
 * case breaks one condition and has a passing twin.
 */
const teamA: TenantDefinition = {
  name: 'team-a', taintEffect: 'NoSchedule', bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi', extendedResources: { 'nvidia.com/gpu': '1' } },
};
const teamB: TenantDefinition = { name: 'team-b', namespace: 'b-ns', bounds: { minCpu: '100m', maxCpu: '2', minMemory: '128Mi', maxMemory: '2Gi' } };
const tenants = [teamA, teamB];

function pod(extra: (p: any) => void = () => undefined): any {
  const p: any = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'team-a', labels: { tenant: 'team-a' } },
    spec: {
      nodeSelector: { tenant: 'team-a' },
      tolerations: [{ key: 'tenant', operator: 'Equal', value: 'team-a', effect: 'NoSchedule' }],
      containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }],
    },
  };
  extra(p);
  return p;
}

const isolation = (doc: any, t: TenantDefinition[] | null = tenants) => {
  const r = checkDocument(doc, t ? { tenants: t } : {}).rules['enforce-tenant-isolation'];
  return { status: r.status, violations: r.violations.map((v) => `${v.path}: ${v.message}`) };
};
const fails = (doc: any, pattern: RegExp) => {
  const r = isolation(doc);
  expect(r.status).toBe('fail');
  expect(r.violations).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
};

test('the compliant pod passes; without tenants, or outside every tenant namespace, or without a namespace, it is skipped', () => {
  expect(isolation(pod())).toEqual({ status: 'pass', violations: [] });
  expect(isolation(pod(), null).status).toBe('skip');
  expect(isolation(pod((p) => { p.metadata.namespace = 'kube-system'; })).status).toBe('skip');
  expect(isolation(pod((p) => { delete p.metadata.namespace; })).status).toBe('skip');
  // a tenant with its own namespace: judged there, with its own bounds
  const b = pod((p) => { p.metadata.namespace = 'b-ns'; p.metadata.labels.tenant = 'team-b'; p.spec.nodeSelector.tenant = 'team-b'; p.spec.tolerations[0].value = 'team-b'; });
  expect(isolation(b)).toEqual({ status: 'pass', violations: [] });
  expect(isolation(pod((p) => { p.metadata.namespace = 'team-b'; })).status).toBe('skip');
});

test('tenant label: another tenant\'s fails, none is fine', () => {
  fails(pod((p) => { p.metadata.labels.tenant = 'team-b'; }), /^metadata\.labels\.tenant: the pod claims tenant "team-b"/);
  expect(isolation(pod((p) => { delete p.metadata.labels; })).status).toBe('pass');
});

test('pinning: nodeSelector, or affinity where every term pins', () => {
  fails(pod((p) => { delete p.spec.nodeSelector; }), /^spec\.nodeSelector: pods are not pinned/);
  fails(pod((p) => { p.spec.nodeSelector.tenant = 'team-b'; }), /^spec\.nodeSelector\.tenant: the nodeSelector pins pods to nodes labelled tenant=team-b/);
  const pin = (values: string[]) => ({ matchExpressions: [{ key: 'tenant', operator: 'In', values }] });
  const affinity = (...terms: any[]) => pod((p) => {
    delete p.spec.nodeSelector;
    p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
  });
  expect(isolation(affinity(pin(['team-a']))).status).toBe('pass');
  fails(affinity(pin(['team-a']), pin(['team-b'])), /a required node affinity term does not restrict pods/);
  fails(affinity(pin(['team-a', 'team-b'])), /a required node affinity term does not restrict pods/);
});

test('tolerations', () => {
  fails(pod((p) => { p.spec.tolerations = []; }), /^spec\.tolerations: pods do not tolerate/);
  fails(pod((p) => { p.spec.tolerations.push({ operator: 'Exists' }); }), /no key tolerates every taint/);
  fails(pod((p) => { p.spec.tolerations.push({ key: 'tenant', operator: 'Exists' }); }), /with operator Exists tolerates every tenant's taint/);
  fails(pod((p) => { p.spec.tolerations.push({ key: 'tenant', value: 'team-b' }); }), /tolerates another tenant's nodes/);
  // an empty operator means Equal, as in Kubernetes
  fails(pod((p) => { p.spec.tolerations.push({ key: 'tenant', operator: '', value: 'team-b' }); }), /tolerates another tenant's nodes/);
  expect(isolation(pod((p) => { p.spec.tolerations[0].operator = ''; })).status).toBe('pass');
  // the tenant's toleration with another effect does not count
  fails(pod((p) => { p.spec.tolerations[0].effect = 'NoExecute'; }), /pods do not tolerate/);
  // the defaults the DefaultTolerationSeconds plugin adds are fine
  expect(isolation(pod((p) => { p.spec.tolerations.push({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }); })).status).toBe('pass');
});

test('resources: requests >= min, limits <= max, request <= limit, none missing; init containers too; ephemeral containers need none', () => {
  fails(pod((p) => { p.spec.containers[0].resources.requests.cpu = '100m'; }), /CPU request 100m is below the tenant's minCpu 500m/);
  fails(pod((p) => { p.spec.containers[0].resources.limits.memory = '9Gi'; }), /memory limit 9Gi exceeds the tenant's maxMemory 8Gi/);
  fails(pod((p) => { p.spec.containers[0].resources.requests.cpu = '2'; }), /CPU request 2 is greater than its limit 1/);
  fails(pod((p) => { delete p.spec.containers[0].resources.limits; }), /has no CPU limit/);
  fails(pod((p) => { p.spec.initContainers = [{ name: 'init', image: 'busybox' }]; }), /^spec\.initContainers\[0\]\.resources\.limits\.cpu: container "init" has no CPU limit/);
  expect(isolation(pod((p) => { p.spec.containers[0].resources.limits.memory = '8Gi'; p.spec.containers[0].resources.requests.memory = '1.5Gi'; })).status).toBe('pass');
  expect(isolation(pod((p) => { p.spec.ephemeralContainers = [{ name: 'debugger', image: 'busybox' }]; })).status).toBe('pass');
});

test('KubeRay\'s fixed injected containers, in a pod KubeRay built, are held to the maximum only', () => {
  const waitGcs = { name: 'wait-gcs-ready', image: 'ray', resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '200m', memory: '256Mi' } } };
  const built = pod((p) => { p.metadata.labels['ray.io/node-type'] = 'worker'; p.spec.initContainers = [waitGcs]; });
  expect(isolation(built).status).toBe('pass');
  fails(pod((p) => { p.spec.initContainers = [waitGcs]; }), /container "wait-gcs-ready": CPU request 200m is below/);
  const huge = pod((p) => {
    p.metadata.labels['ray.io/node-type'] = 'worker';
    p.spec.initContainers = [{ ...waitGcs, resources: { limits: { cpu: '5', memory: '256Mi' } } }];
  });
  fails(huge, /the "wait-gcs-ready" container KubeRay injects: CPU limit 5 exceeds/);
});

test('extended resources, NVIDIA_VISIBLE_DEVICES and the GPU taint', () => {
  const gpu = (n: string) => pod((p) => { p.spec.containers[0].resources.limits['nvidia.com/gpu'] = n; });
  expect(isolation(gpu('1')).status).toBe('pass');
  fails(gpu('2'), /nvidia\.com\/gpu 2 exceeds the tenant's maximum 1/);
  fails(pod((p) => { p.spec.containers[0].resources.limits['example.com/fpga'] = '1'; }), /asks for example\.com\/fpga, which the tenant may not use/);
  fails(pod((p) => { p.spec.containers[0].env = [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }]; }), /sets NVIDIA_VISIBLE_DEVICES without requesting nvidia.com\/gpu/);
  fails(pod((p) => { p.spec.ephemeralContainers = [{ name: 'debugger', image: 'busybox', env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }] }]; }),
    /^spec\.ephemeralContainers\[0\]\.env\[0\]: container "debugger" sets NVIDIA_VISIBLE_DEVICES/);
  fails(pod((p) => { p.spec.tolerations.push({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }); }), /tolerate the GPU taint/);
  expect(isolation(pod((p) => {
    p.spec.containers[0].resources.limits['nvidia.com/gpu'] = '1';
    p.spec.tolerations.push({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
  })).status).toBe('pass');
});
