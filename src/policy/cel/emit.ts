/**
 * The manifests of a rule set: a Kubernetes ValidatingAdmissionPolicy with its binding, or a
 * Kyverno `policies.kyverno.io/v1` ValidatingPolicy. Both carry the rule set's expressions
 * verbatim. Plain JSON.
 *
 * @module
 */
import { CelRuleSet, namespaceSelector } from './rule-set';

/** What a failed validation does (a binding's or a Kyverno policy's `validationActions`). */
export type CelValidationAction = 'Deny' | 'Warn' | 'Audit';

/** The annotation that carries a ValidatingAdmissionPolicy's description. */
export const DESCRIPTION_ANNOTATION = 'cdk8s-secure-ray/description';

const PART_OF = { 'app.kubernetes.io/part-of': 'cdk8s-secure-ray' };

function matchResources(set: CelRuleSet) {
  return {
    namespaceSelector: namespaceSelector(set),
    resourceRules: set.resourceRules.map((r) => ({
      apiGroups: [...r.apiGroups], apiVersions: [...r.apiVersions], operations: [...r.operations], resources: [...r.resources], scope: 'Namespaced',
    })),
  };
}

function body(set: CelRuleSet) {
  return {
    ...(set.matchConditions.length > 0 ? { matchConditions: set.matchConditions.map((m) => ({ name: m.name, expression: m.expression })) } : {}),
    ...(set.variables.length > 0 ? { variables: set.variables.map((v) => ({ name: v.name, expression: v.expression })) } : {}),
    validations: set.validations.map((v) => ({
      expression: v.expression,
      message: v.message,
      ...(v.messageExpression !== undefined ? { messageExpression: v.messageExpression } : {}),
      ...(v.reason !== undefined ? { reason: v.reason } : {}),
    })),
  };
}

/**
 * A ValidatingAdmissionPolicy (`admissionregistration.k8s.io/v1`, Kubernetes 1.30+) and its
 * ValidatingAdmissionPolicyBinding (same name). No `paramKind`: the tenant's data is in the
 * expressions. The namespaces are selected in the policy and again in the binding, so neither a
 * binding without `matchResources` nor a policy bound twice reaches another namespace.
 */
export function validatingAdmissionPolicy(set: CelRuleSet, actions: readonly CelValidationAction[]): [object, object] {
  const metadata = { name: set.name, labels: { ...PART_OF }, annotations: { [DESCRIPTION_ANNOTATION]: set.description } };
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata,
      spec: { failurePolicy: 'Fail', matchConstraints: matchResources(set), ...body(set) },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: set.name, labels: { ...PART_OF } },
      spec: { policyName: set.name, validationActions: [...actions], matchResources: { namespaceSelector: namespaceSelector(set) } },
    },
  ];
}

/**
 * A Kyverno ValidatingPolicy (`policies.kyverno.io/v1`, Kyverno 1.17+) with the same match,
 * variables and validations. Background scans only for rule sets that do not read `request`
 * (Kyverno has no request there); no autogen for pod controllers (pods are judged when they are
 * created, templates by the pod-label rule).
 */
export function kyvernoValidatingPolicy(set: CelRuleSet, actions: readonly CelValidationAction[]): object {
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ValidatingPolicy',
    metadata: {
      name: set.name,
      labels: { ...PART_OF },
      annotations: { 'policies.kyverno.io/title': set.title, 'policies.kyverno.io/description': set.description },
    },
    spec: {
      validationActions: [...actions],
      failurePolicy: 'Fail',
      evaluation: { admission: { enabled: true }, background: { enabled: !set.readsRequest } },
      autogen: { podControllers: { controllers: [] } },
      matchConstraints: matchResources(set),
      ...body(set),
    },
  };
}
