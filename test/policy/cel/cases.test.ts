/**
 * Proof by execution: every request of the corpus through the emitted ValidatingAdmissionPolicies
 * (with their bindings) and the emitted Kyverno ValidatingPolicies, evaluated by the CEL harness
 * the way the API server would; then every CEL expression of every emitted policy must have run,
 * every boolean one both true and false.
 */
import { ALL_CASES, AdmissionCase } from './cases';
import { admit, denyingPolicies, Engine, ENGINES, KYVERNO, POLICIES, SETS } from './support';
import { celExpressions } from '../../../src/policy/cel';
import { CelCoverage, registerForCoverage } from '../../support/cel';

const coverage: Record<Engine, CelCoverage> = { vap: new CelCoverage(), kyverno: new CelCoverage() };
registerForCoverage(coverage.vap, POLICIES);

describe.each(ENGINES)('%s', (engine) => {
  test.each(ALL_CASES.map((c) => [c.name, c] as [string, AdmissionCase]))('%s', (_, c) => {
    const verdict = admit(engine, c.request, { coverage: coverage[engine] });
    expect(verdict.errors).toEqual([]);
    const expected = Object.keys(c.denies ?? {}).sort();
    expect({ allowed: verdict.allowed, denying: denyingPolicies(verdict) }).toEqual({ allowed: expected.length === 0, denying: expected });
    for (const [policy, pattern] of Object.entries(c.denies ?? {})) {
      const messages = verdict.denials.filter((d) => d.policy.endsWith(`/${policy}`)).map((d) => d.message);
      expect({ policy, matched: messages.some((m) => pattern.test(m)), messages }).toEqual({ policy, matched: true, messages });
    }
    // A failing validation's messageExpression never fails (Kyverno would print the error instead).
    const failed = verdict.evaluations.filter((e) => e.kind === 'validation' && e.value === false).map((e) => `${e.policy}\0${e.path.replace('.expression', '')}`);
    const brokenMessages = verdict.evaluations.filter((e) => e.kind === 'messageExpression' && e.error !== undefined
      && failed.includes(`${e.policy}\0${e.path.replace('.messageExpression', '')}`));
    expect(brokenMessages).toEqual([]);
    if (!verdict.allowed) {
      expect(verdict.message).toMatch(engine === 'vap' ? /^ValidatingAdmissionPolicy 'secure-ray-[a-z-]+' with binding 'secure-ray-[a-z-]+' denied request: / : /^ValidatingPolicy 'secure-ray-[a-z-]+' denied request: /);
      expect(verdict.reason).toBe('Forbidden');
    }
  });
});

test('every CEL expression of every emitted policy ran, every boolean one both true and false (both engines)', () => {
  // The Kyverno policies register themselves when evaluated; they carry the same expressions.
  for (const k of KYVERNO) expect(coverage.kyverno.report().some((e) => e.policy === `ValidatingPolicy/${(k as any).metadata.name}`)).toBe(true);
  coverage.vap.assertComplete({ bothOutcomes: true });
  coverage.kyverno.assertComplete({ bothOutcomes: true });
  // Every expression the rule sets define is in the report: none was left out of an emitted policy.
  const expressions = SETS.flatMap(celExpressions);
  expect(coverage.vap.report().map((e) => e.expression).sort()).toEqual(expressions.map((e) => e.expression).sort());
  expect(coverage.kyverno.report().map((e) => e.expression).sort()).toEqual(expressions.map((e) => e.expression).sort());
  // 297 expressions for the three tenants of the corpus: 2 platform-wide policies and 3 per tenant (pods, pod labels, Ray objects).
  expect([expressions.length, SETS.length]).toEqual([297, 11]);
});
