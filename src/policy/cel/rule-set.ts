/**
 * The one definition of an admission rule, from which both the Kubernetes
 * ValidatingAdmissionPolicy (with its binding) and the Kyverno `policies.kyverno.io/v1`
 * ValidatingPolicy are emitted (`emit.ts`): the same resources, namespaces, match conditions,
 * variables and validations, so the two cannot drift. Plain JSON; no cdk8s.
 *
 * @module
 */

/** The operations a rule set may match. */
export type CelOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/** Which requests a rule set judges (a `NamedRuleWithOperations`, cluster- and namespace-scoped alike). */
export interface CelResourceRule {
  /** API groups (`''` is the core group). */
  readonly apiGroups: readonly string[];
  /** API versions. */
  readonly apiVersions: readonly string[];
  /** Resources, with subresources as `pods/ephemeralcontainers`. */
  readonly resources: readonly string[];
  /** Operations. */
  readonly operations: readonly CelOperation[];
}

/** A named CEL expression (a match condition or a variable). */
export interface CelNamedExpression {
  /** The name (`variables.<name>` for a variable). */
  readonly name: string;
  /** The CEL expression. */
  readonly expression: string;
}

/** One validation: a `bool` expression that must be true, and what to say when it is not. */
export interface CelValidation {
  /** The CEL expression, of type `bool`. */
  readonly expression: string;
  /** The static message (one line), used when the messageExpression cannot be. */
  readonly message: string;
  /** A CEL expression of type `string` that names what is wrong (it must not fail on a failing request). */
  readonly messageExpression?: string;
  /** The reason of the denial. */
  readonly reason?: 'Forbidden' | 'Invalid';
}

/** One admission rule set: what becomes one policy. */
export interface CelRuleSet {
  /** The policy name (a DNS-1123 subdomain). */
  readonly name: string;
  /** A title, for the Kyverno annotations. */
  readonly title: string;
  /** What it enforces and what it leaves to others, in words. */
  readonly description: string;
  /** The requests it judges. */
  readonly resourceRules: readonly CelResourceRule[];
  /** The namespaces it applies to (selected by the API server's `kubernetes.io/metadata.name` label). */
  readonly namespaces: readonly string[];
  /** Match conditions: all must be true for the validations to run. */
  readonly matchConditions: readonly CelNamedExpression[];
  /** Variables, each visible to the later ones. */
  readonly variables: readonly CelNamedExpression[];
  /** The validations. */
  readonly validations: readonly CelValidation[];
  /**
   * Whether an expression reads `request` (who asks, the operation): such rules mean nothing in
   * Kyverno's background scans, which have no request, so their Kyverno policy runs at admission only.
   */
  readonly readsRequest: boolean;
}

/** The label the API server sets on every Namespace to its name; nobody can set it to anything else. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The namespace selector of a rule set: its namespaces, by the label the API server owns. */
export function namespaceSelector(set: CelRuleSet): { matchExpressions: Array<{ key: string; operator: 'In'; values: string[] }> } {
  return { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...set.namespaces].sort() }] };
}

/** Every CEL expression of a rule set, with where it sits (for tests and documentation). */
export function celExpressions(set: CelRuleSet): Array<{ path: string; expression: string }> {
  return [
    ...set.matchConditions.map((m, i) => ({ path: `matchConditions[${i}]`, expression: m.expression })),
    ...set.variables.map((v, i) => ({ path: `variables[${i}]`, expression: v.expression })),
    ...set.validations.flatMap((v, i) => [
      { path: `validations[${i}].expression`, expression: v.expression },
      ...(v.messageExpression !== undefined ? [{ path: `validations[${i}].messageExpression`, expression: v.messageExpression }] : []),
    ]),
  ];
}
