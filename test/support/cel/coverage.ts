/**
 * Expression coverage: which CEL expressions of which policies were evaluated, and with which
 * outcomes. A test registers every policy it emits (so expressions that never ran show up), runs
 * admission requests through the evaluator with the same recorder, then asserts completeness.
 *
 * Boolean expressions (matchConditions, validations) must have been seen both `true` and `false`
 * when `bothOutcomes` is asked for; variables count as boolean when every value they produced was a
 * bool. Runtime errors are counted separately and never stand in for an outcome.
 *
 * @module
 */

/** The role of an expression in its policy. */
export type ExpressionKind = 'matchCondition' | 'variable' | 'validation' | 'messageExpression' | 'auditAnnotation';

export interface CoverageEntry {
  /** `ValidatingAdmissionPolicy/name` or `ValidatingPolicy/name`. */
  readonly policy: string;
  /** JSON path inside the policy, e.g. `spec.validations[2].expression`. */
  readonly path: string;
  readonly kind: ExpressionKind;
  readonly expression: string;
  evaluations: number;
  trueCount: number;
  falseCount: number;
  /** Non-boolean values. */
  otherCount: number;
  errorCount: number;
}

/** Where an expression sits in a policy. */
export interface ExpressionSite {
  readonly path: string;
  readonly kind: ExpressionKind;
  readonly expression: string;
}

/** Lists the CEL expressions of a ValidatingAdmissionPolicy or Kyverno ValidatingPolicy spec. */
export function expressionSites(spec: {
  matchConditions?: ReadonlyArray<{ expression: string }>;
  variables?: ReadonlyArray<{ expression: string }>;
  validations?: ReadonlyArray<{ expression: string; messageExpression?: string }>;
  auditAnnotations?: ReadonlyArray<{ valueExpression: string }>;
}): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  (spec.matchConditions ?? []).forEach((m, i) => sites.push({ path: `spec.matchConditions[${i}].expression`, kind: 'matchCondition', expression: m.expression }));
  (spec.variables ?? []).forEach((v, i) => sites.push({ path: `spec.variables[${i}].expression`, kind: 'variable', expression: v.expression }));
  (spec.validations ?? []).forEach((v, i) => {
    sites.push({ path: `spec.validations[${i}].expression`, kind: 'validation', expression: v.expression });
    if (v.messageExpression !== undefined) {
      sites.push({ path: `spec.validations[${i}].messageExpression`, kind: 'messageExpression', expression: v.messageExpression });
    }
  });
  (spec.auditAnnotations ?? []).forEach((a, i) => sites.push({ path: `spec.auditAnnotations[${i}].valueExpression`, kind: 'auditAnnotation', expression: a.valueExpression }));
  return sites;
}

/** Collects coverage across any number of admission evaluations. */
export class CelCoverage {
  private readonly entries = new Map<string, CoverageEntry>();

  /** Registers every expression of a policy (idempotent). */
  public registerPolicy(policy: string, sites: readonly ExpressionSite[]): void {
    for (const s of sites) {
      const key = `${policy}\u0000${s.path}`;
      if (!this.entries.has(key)) {
        this.entries.set(key, {
          policy, path: s.path, kind: s.kind, expression: s.expression, evaluations: 0, trueCount: 0, falseCount: 0, otherCount: 0, errorCount: 0,
        });
      }
    }
  }

  /** Records one evaluation. */
  public record(policy: string, site: ExpressionSite, outcome: { value?: unknown; error?: unknown }): void {
    this.registerPolicy(policy, [site]);
    const e = this.entries.get(`${policy}\u0000${site.path}`)!;
    e.evaluations++;
    if (outcome.error !== undefined) e.errorCount++;
    else if (outcome.value === true) e.trueCount++;
    else if (outcome.value === false) e.falseCount++;
    else e.otherCount++;
  }

  /** All entries, in registration order. */
  public report(): CoverageEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  /** Expressions never evaluated (an error counts as evaluated). */
  public unexecuted(): CoverageEntry[] {
    return this.report().filter((e) => e.evaluations === 0);
  }

  /** Boolean expressions not yet seen both true and false. */
  public missingOutcomes(): Array<CoverageEntry & { missing: Array<'true' | 'false'> }> {
    return this.report()
      .filter((e) => e.kind === 'matchCondition' || e.kind === 'validation' || (e.kind === 'variable' && e.otherCount === 0 && e.trueCount + e.falseCount > 0))
      .map((e) => ({ ...e, missing: [...(e.trueCount === 0 ? ['true' as const] : []), ...(e.falseCount === 0 ? ['false' as const] : [])] }))
      .filter((e) => e.missing.length > 0);
  }

  /**
   * Throws a readable report unless every registered expression ran (and, with `bothOutcomes`,
   * every boolean one was seen true and false).
   */
  public assertComplete(opts: { bothOutcomes?: boolean } = {}): void {
    const problems: string[] = [];
    for (const e of this.unexecuted()) {
      problems.push(`never evaluated: ${e.policy} ${e.path}: ${e.expression}`);
    }
    if (opts.bothOutcomes) {
      for (const e of this.missingOutcomes()) {
        if (e.evaluations > 0) {
          problems.push(`never ${e.missing.join(' nor ')}: ${e.policy} ${e.path}: ${e.expression}`);
        }
      }
    }
    if (problems.length > 0) {
      throw new Error(`CEL expression coverage incomplete:\n  ${problems.join('\n  ')}`);
    }
  }
}
