/**
 * A test-only Kubernetes-admission CEL harness: see README.md in this folder.
 *
 * @module
 */
export {
  evaluateValidatingAdmissionPolicies, compileValidatingAdmissionPolicy, registerForCoverage, prepareRequest,
  RUNTIME_COST_BUDGET, MAX_MESSAGE_EXPRESSION_BYTES, DEFAULT_KINDS,
} from './admission';
export type {
  AdmissionRequestInput, AdmissionVerdict, AuditFailure, ClusterState, DecisionRecord, EvaluateOptions, ExpressionEvaluation,
  KnownKind, KubeObject, ParamRef, Validation, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
} from './admission';
export { evaluateKyvernoValidatingPolicies, KYVERNO_LIBRARY_IDENTIFIERS } from './kyverno';
export type { KyvernoValidatingPolicy } from './kyverno';
export { CelCoverage, expressionSites } from './coverage';
export type { CoverageEntry, ExpressionKind, ExpressionSite } from './coverage';
export { compileCel, evalCel, defaultRequest, shimmedFunctionTable, PER_CALL_COST_LIMIT, CompiledCel } from './environment';
export type { CelDeclarations, CelOutcome } from './environment';
export { CelCompileError, CelEvalError, HarnessUnsupportedError, PolicySpecError } from './errors';
export { K8sQuantity } from './quantity';
export { SHIMS, ALLOWED_MACROS, KUBERNETES_FUNCTIONS_WITHOUT_SHIM } from './library';
export { toCel } from './values';
export { selectorMatches, ruleMatches, matchesResources } from './matching';
