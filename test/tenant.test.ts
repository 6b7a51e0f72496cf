import { PROTECTED_NODE_LABEL_KEY, PropsError, TaintEffect, TenantProfile } from '../src';
import { errorOf } from './support/manifests';

const bounds = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };

describe('TenantProfile', () => {
  test('defaults: namespace, node label and taint from the name; defaults are the minimums', () => {
    const t = new TenantProfile({ name: 'team-a', bounds });
    expect([t.namespace, t.nodeSelector, t.toleration]).toEqual([
      'team-a', { tenant: 'team-a' }, { key: 'tenant', operator: 'Equal', value: 'team-a', effect: 'NoSchedule' },
    ]);
    expect([t.defaultCpu, t.defaultMemory]).toEqual(['500m', '512Mi']);
    expect(t.toDefinition()).toEqual({
      name: 'team-a',
      namespace: 'team-a',
      nodeLabelKey: 'tenant',
      nodeLabelValue: 'team-a',
      taintKey: 'tenant',
      taintValue: 'team-a',
      taintEffect: 'NoSchedule',
      bounds,
    });
  });

  test('custom placement', () => {
    const t = new TenantProfile({
      name: 'b',
      namespace: 'ml-b',
      nodeLabelKey: 'example.com/pool',
      nodeLabelValue: 'b-pool',
      taint: { key: 'example.com/dedicated', value: 'b', effect: TaintEffect.NO_EXECUTE },
      bounds,
    });
    expect(t.nodeSelector).toEqual({ 'example.com/pool': 'b-pool' });
    expect(t.toleration).toEqual({ key: 'example.com/dedicated', operator: 'Equal', value: 'b', effect: 'NoExecute' });
  });

  const bad: [string, any, string][] = [
    ['uppercase name', { name: 'Team-A', bounds }, 'TenantProfile.name: "Team-A" is not a DNS-1123 label'],
    ['empty name', { name: '', bounds }, 'TenantProfile.name: "" is not a DNS-1123 label'],
    ['name of the wrong type', { name: 7, bounds }, 'TenantProfile.name: expected a DNS-1123 label'],
    ['bad namespace', { name: 'a', namespace: 'a_b', bounds }, 'TenantProfile(a).namespace: "a_b" is not a DNS-1123 label'],
    ['bad label key', { name: 'a', nodeLabelKey: 'a b', bounds }, 'TenantProfile(a).nodeLabelKey: "a b" is not a label key'],
    ['bad taint effect', { name: 'a', taint: { effect: 'Never' }, bounds }, 'TenantProfile(a).taint.effect: "Never" is not one of NoSchedule, PreferNoSchedule, NoExecute'],
    ['missing bounds', { name: 'a' }, 'TenantProfile(a).bounds: expected { minCpu, maxCpu, minMemory, maxMemory }, got undefined'],
    ['space in a quantity', { name: 'a', bounds: { ...bounds, maxMemory: '2 Gi' } }, 'TenantProfile(a).bounds.maxMemory: "2 Gi" is not a Kubernetes quantity'],
    ['negative quantity', { name: 'a', bounds: { ...bounds, minCpu: '-1' } }, 'TenantProfile(a).bounds.minCpu: "-1" is negative'],
    ['min above max', { name: 'a', bounds: { ...bounds, minMemory: '9Gi' } }, 'TenantProfile(a).bounds: minMemory 9Gi is greater than maxMemory 8Gi'],
    ['exact comparison: 1.5Gi > 1536Mi is false', { name: 'a', bounds: { ...bounds, minMemory: '1.5Gi', maxMemory: '1535Mi' } }, 'minMemory 1.5Gi is greater than maxMemory 1535Mi'],
    ['default outside the bounds', { name: 'a', bounds, defaultCpu: '8' }, 'TenantProfile(a).defaultCpu: 8 is outside the bounds [500m, 4]'],
  ];
  test.each(bad)('%s', (_, props, message) => {
    const msg = errorOf(() => new TenantProfile(props));
    expect(msg).toContain(message);
    expect(() => new TenantProfile(props)).toThrow(PropsError);
  });

  test('1.5Gi and 1536Mi bounds are equal, so min = max is allowed', () => {
    const t = new TenantProfile({ name: 'a', bounds: { ...bounds, minMemory: '1.5Gi', maxMemory: '1536Mi' } });
    expect([t.bounds.minMemory, t.bounds.maxMemory, t.defaultMemory]).toEqual(['1.5Gi', '1536Mi', '1.5Gi']);
  });
});

describe('TenantProfile: reserved names are refused with the reason', () => {
  const reserved: [string, any, string][] = [
    ['namespace kube-system', { namespace: 'kube-system' }, 'TenantProfile(a).namespace: "kube-system" is reserved: "kube-system" runs the cluster\'s own components (kube-dns among them): a tenant\'s default-deny there would cut DNS off for the whole cluster'],
    ['namespace kube-public', { namespace: 'kube-public' }, '"kube-public" is reserved: namespaces starting with "kube-" are reserved for Kubernetes itself'],
    ['namespace kube-node-lease', { namespace: 'kube-node-lease' }, '"kube-node-lease" is reserved'],
    ['any kube- namespace', { namespace: 'kube-anything' }, '"kube-anything" is reserved'],
    ['namespace default', { namespace: 'default' }, '"default" is reserved: "default" is where every object without a namespace lands'],
    ['the admission controller\'s namespace', { namespace: 'kyverno' }, '"kyverno" is reserved: "kyverno" is the admission controller\'s own namespace'],
    ['node label kubernetes.io/hostname', { nodeLabelKey: 'kubernetes.io/hostname' }, 'TenantProfile(a).nodeLabelKey: "kubernetes.io/hostname" is reserved: every kubelet sets "kubernetes.io/hostname" on its own Node (the node\'s name)'],
    ['node label topology.kubernetes.io/zone', { nodeLabelKey: 'topology.kubernetes.io/zone' }, 'every kubelet sets "topology.kubernetes.io/zone" on its own Node'],
    ['node label node-role.kubernetes.io/worker', { nodeLabelKey: 'node-role.kubernetes.io/worker' }, '"node-role.kubernetes.io/worker" is under node-role.kubernetes.io, which belongs to Kubernetes'],
    ['node label node.kubernetes.io/pool', { nodeLabelKey: 'node.kubernetes.io/pool' }, 'which belongs to Kubernetes'],
    ['node label under k8s.io', { nodeLabelKey: 'k8s.io/pool' }, '"k8s.io/pool" is under k8s.io'],
    ['node label under a k8s.io subdomain', { nodeLabelKey: 'x.k8s.io/pool' }, 'is under x.k8s.io'],
    ['taint node-role.kubernetes.io/control-plane', { taint: { key: 'node-role.kubernetes.io/control-plane' } }, 'TenantProfile(a).taint.key: "node-role.kubernetes.io/control-plane" is reserved: the taint "node-role.kubernetes.io/control-plane" is under node-role.kubernetes.io, which belongs to Kubernetes'],
    ['taint node.kubernetes.io/unreachable', { taint: { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' } }, 'stay forever on unreachable ones'],
    ['taint node.cloudprovider.kubernetes.io/uninitialized', { taint: { key: 'node.cloudprovider.kubernetes.io/uninitialized' } }, 'is reserved'],
    ['the cluster autoscaler\'s taint', { taint: { key: 'ToBeDeletedByClusterAutoscaler' } }, 'the cluster autoscaler sets it on nodes it is removing'],
    ['the GPU taint', { taint: { key: 'nvidia.com/gpu' } }, 'every tenant\'s GPU pods tolerate it (operator Exists)'],
  ];
  test.each(reserved)('%s', (_, extra, message) => {
    const props = { name: 'a', bounds, ...extra };
    expect(errorOf(() => new TenantProfile(props))).toContain(message);
    expect(() => new TenantProfile(props)).toThrow(PropsError);
  });

  test('a tenant named like a reserved namespace takes it by default, and is refused', () => {
    expect(errorOf(() => new TenantProfile({ name: 'kube-system', bounds }))).toContain('TenantProfile(kube-system).namespace (the tenant name): "kube-system" is reserved');
    expect(errorOf(() => new TenantProfile({ name: 'default', bounds }))).toContain('TenantProfile(default).namespace (the tenant name): "default" is reserved');
  });

  test('the node-restriction.kubernetes.io prefix is allowed (kubelets cannot set it); PROTECTED_NODE_LABEL_KEY is in it', () => {
    expect(PROTECTED_NODE_LABEL_KEY).toBe('node-restriction.kubernetes.io/tenant');
    const t = new TenantProfile({ name: 'a', nodeLabelKey: PROTECTED_NODE_LABEL_KEY, bounds });
    expect(t.nodeSelector).toEqual({ 'node-restriction.kubernetes.io/tenant': 'a' });
    const sub = new TenantProfile({ name: 'b', nodeLabelKey: 'pools.node-restriction.kubernetes.io/tenant', taint: { key: 'node-restriction.kubernetes.io/tenant' }, bounds });
    expect([sub.nodeLabelKey, sub.taintKey]).toEqual(['pools.node-restriction.kubernetes.io/tenant', 'node-restriction.kubernetes.io/tenant']);
  });

  test('keys that only look alike are free: example.com/kubernetes.io, mykubernetes.io/pool, namespaces "kubeflow", "system"', () => {
    const t = new TenantProfile({ name: 'a', namespace: 'kubeflow', nodeLabelKey: 'mykubernetes.io/pool', taint: { key: 'example.com/node.kubernetes.io' }, bounds });
    expect([t.namespace, t.nodeLabelKey, t.taintKey]).toEqual(['kubeflow', 'mykubernetes.io/pool', 'example.com/node.kubernetes.io']);
    expect(new TenantProfile({ name: 'system', bounds }).namespace).toBe('system');
  });
});
