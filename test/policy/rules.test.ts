import { RULE_IDS } from '../../src/policy/engine';
import { PSS_CHECKS } from '../../src/policy/pod-security/registry';
import { documentKind, RULES } from '../../src/policy/rules';

/**
 * The registries hold themselves to their contracts, as upstream's `validateChecks` does for the
 * Pod Security checks: a rule or check added with a duplicate id, an out-of-order version or an
 * override of a check that does not exist fails here, not in a user's verdict.
 */
describe('the engine\'s rule registry', () => {
  test('ids are unique and RULE_IDS lists them in registry order', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...RULE_IDS]).toEqual(ids);
    expect(ids).toEqual(['enforce-tenant-isolation', 'generate-network-policies', 'pod-security']);
  });

  test('every rule judges at least one kind, only kinds the engine recognises, and says what it asks', () => {
    const known = ['RayCluster', 'RayJob', 'RayService', 'RayCronJob', 'Pod'];
    for (const r of RULES) {
      expect({ id: r.id, kinds: r.kinds.length > 0, known: r.kinds.every((k) => known.includes(k)), summary: r.summary.length > 20 })
        .toEqual({ id: r.id, kinds: true, known: true, summary: true });
    }
  });

  test('documentKind: ray.io RayClusters and core v1 Pods; everything else is judged by no rule', () => {
    expect(documentKind({ apiVersion: 'ray.io/v1', kind: 'RayCluster' })).toBe('RayCluster');
    expect(documentKind({ apiVersion: 'ray.io/v1alpha1', kind: 'RayCluster' })).toBe('RayCluster');
    expect(documentKind({ apiVersion: 'v1', kind: 'Pod' })).toBe('Pod');
    expect(documentKind({ apiVersion: 'example.com/v1', kind: 'RayCluster' })).toBeUndefined();
    expect(documentKind({ apiVersion: 'apps/v1', kind: 'Pod' })).toBeUndefined();
    expect(documentKind({ kind: 'Pod' })).toBeUndefined();
  });
});

describe('the Pod Security check registry (upstream validateChecks)', () => {
  test('check ids are unique', () => {
    const ids = PSS_CHECKS.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  test('every check has versions in strictly increasing order, the first at v1.0 or later', () => {
    for (const c of PSS_CHECKS) {
      const versions = c.versions.map((v) => v.minVersion);
      expect({ id: c.id, ok: versions.length > 0 && versions.every((v, i) => v >= 0 && (i === 0 || v > versions[i - 1])) })
        .toEqual({ id: c.id, ok: true });
    }
  });

  test('overrides: only restricted checks override, and only baseline checks that exist', () => {
    const baseline = new Set(PSS_CHECKS.filter((c) => c.level === 'baseline').map((c) => c.id));
    for (const c of PSS_CHECKS) {
      for (const v of c.versions) {
        for (const o of v.overrides ?? []) {
          expect({ check: c.id, overrides: o, level: c.level, exists: baseline.has(o) })
            .toEqual({ check: c.id, overrides: o, level: 'restricted', exists: true });
        }
      }
    }
  });
});
