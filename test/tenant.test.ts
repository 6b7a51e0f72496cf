import { PropsError, TaintEffect, TenantProfile } from '../src';
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
    expect(() => new TenantProfile({ name: 'a', bounds: { ...bounds, minMemory: '1.5Gi', maxMemory: '1536Mi' } })).not.toThrow();
  });
});
