import { TenantDefinition } from '../../src/policy/tenant-definition';
import { tenantSetProblems } from '../../src/policy/tenant-set';

/** The rules on a set of tenants: each case breaks one, each has a passing twin. */
const bounds = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };
const a: TenantDefinition = { name: 'team-a', bounds };
const b: TenantDefinition = { name: 'team-b', bounds };
const messages = (defs: TenantDefinition[], dns?: any[]) => tenantSetProblems(defs, dns).map((p) => p.message);

test('two tenants with the defaults are a sound set', () => {
  expect(tenantSetProblems([a, b])).toEqual([]);
});

describe('collisions, naming both tenants', () => {
  test('the same namespace', () => {
    const problems = tenantSetProblems([{ ...a, namespace: 'shared' }, { ...b, namespace: 'shared' }]);
    expect(problems).toEqual([expect.objectContaining({
      tenants: ['team-a', 'team-b'],
      index: 1,
      message: expect.stringMatching(/^tenants "team-a" and "team-b" share the namespace "shared": .*claim the other's bounds by its label$/),
      fix: 'give each tenant a namespace of its own',
    })]);
  });
  test('a namespace equal to another tenant\'s default (its name)', () => {
    expect(messages([a, { ...b, namespace: 'team-a' }])).toEqual([expect.stringContaining('share the namespace "team-a"')]);
  });
  test('the same node label (key and value); another value of the same key is fine', () => {
    expect(messages([{ ...a, nodeLabelKey: 'pool', nodeLabelValue: 'gpu' }, { ...b, nodeLabelKey: 'pool', nodeLabelValue: 'gpu' }]))
      .toEqual([expect.stringMatching(/^tenants "team-a" and "team-b" mark their nodes with the same label pool=gpu: /)]);
    expect(messages([{ ...a, nodeLabelKey: 'pool', nodeLabelValue: 'gpu' }, { ...b, nodeLabelKey: 'pool', nodeLabelValue: 'cpu' }])).toEqual([]);
  });
  test('a node label value equal to another tenant\'s default (its name under the key tenant)', () => {
    expect(messages([a, { ...b, nodeLabelValue: 'team-a' }])).toEqual([expect.stringContaining('the same label tenant=team-a')]);
  });
  test('the same taint (key and value), whatever the effect', () => {
    expect(messages([{ ...a, taintValue: 'x', taintEffect: 'NoSchedule' }, { ...b, taintValue: 'x', taintEffect: 'NoExecute' }]))
      .toEqual([expect.stringMatching(/^tenants "team-a" and "team-b" reserve their nodes with the same taint tenant=x: /)]);
    expect(messages([{ ...a, taintKey: 'k1', taintValue: 'x' }, { ...b, taintKey: 'k2', taintValue: 'x' }])).toEqual([]);
  });
  test('every pair is judged', () => {
    const c: TenantDefinition = { name: 'team-c', namespace: 'team-a', bounds };
    expect(tenantSetProblems([a, b, c]).map((p) => p.tenants)).toEqual([['team-a', 'team-c']]);
  });
});

describe('one name, one definition', () => {
  test('the same name with different definitions', () => {
    expect(messages([a, { ...a, namespace: 'other' }]))
      .toEqual([expect.stringMatching(/^tenant "team-a" is defined twice, differently \(namespace "team-a" and "other"\)/)]);
    expect(messages([a, { ...a, bounds: { ...bounds, maxCpu: '64' } }])).toEqual([expect.stringContaining('defined twice, differently (bounds')]);
    expect(messages([a, { ...a, allowExposure: true }])).toEqual([expect.stringContaining('(allowExposure)')]);
  });
  test('the same definition twice is one tenant, also with defaults spelled out and quantities in other notations', () => {
    const spelled: TenantDefinition = {
      name: 'team-a',
      namespace: 'team-a',
      nodeLabelKey: 'tenant',
      nodeLabelValue: 'team-a',
      taintKey: 'tenant',
      taintValue: 'team-a',
      bounds: { minCpu: '0.5', maxCpu: 4, minMemory: '512Mi', maxMemory: '8192Mi' },
    };
    expect(tenantSetProblems([a, a, spelled])).toEqual([]);
  });
});

describe('reserved names (a --tenants file is judged like TenantProfile)', () => {
  test.each([
    [{ ...a, namespace: 'kube-system' }, 'tenant "team-a": namespace "kube-system" is reserved: "kube-system" runs the cluster\'s own components'],
    [{ ...a, nodeLabelKey: 'kubernetes.io/hostname' }, 'tenant "team-a": nodeLabelKey "kubernetes.io/hostname" is reserved: every kubelet sets'],
    [{ ...a, taintKey: 'node.kubernetes.io/unreachable' }, 'tenant "team-a": taintKey "node.kubernetes.io/unreachable" is reserved'],
    [{ name: 'default', bounds }, 'tenant "default": namespace "default" is reserved'],
  ] as [TenantDefinition, string][])('%j', (def, message) => {
    expect(messages([def])).toEqual([expect.stringContaining(message)]);
  });
});

describe('DNS egress into a tenant\'s namespace', () => {
  const dns = (namespace: string) => ({ namespace, podLabels: { app: 'web' }, port: 443, where: 'TenantNamespace(team-a).dns' });
  test('refused, naming the tenant, the labels and the port', () => {
    expect(tenantSetProblems([a, b], [dns('team-b')])).toEqual([expect.objectContaining({
      tenants: ['team-b'],
      message: 'TenantNamespace(team-a).dns points DNS egress at namespace "team-b", tenant "team-b"\'s namespace: every pod with the rule could reach '
        + 'that tenant\'s pods labelled app=web on port 443',
    })]);
  });
  test('the tenant\'s own namespace too; kube-system or a dns namespace is fine', () => {
    expect(messages([a], [dns('team-a')])).toHaveLength(1);
    expect(messages([a, b], [dns('kube-system'), dns('dns')])).toEqual([]);
  });
});
