/**
 * Kyverno `policies.kyverno.io/v1` ValidatingPolicy, evaluated for admission.
 *
 * Its spec mirrors a ValidatingAdmissionPolicy (matchConstraints, matchConditions, variables,
 * validations, auditAnnotations, failurePolicy) plus `validationActions` in the spec itself (no
 * bindings, no params) and Kyverno-only fields (CRD read from shared/kyverno/crd-cel at v1.19.0).
 * The harness evaluates it with the ValidatingAdmissionPolicy semantics of admission.ts; Kyverno's
 * own engine was not read, so messages are shaped like the API server's and differences in error
 * handling are possible (see README).
 *
 * Modelled Kyverno fields: `evaluation.admission.enabled` (false: not applied at admission),
 * `evaluation.background` (irrelevant for admission), `evaluation.mode` (only `Kubernetes`),
 * `webhookConfiguration` (timeouts only), `autogen.validatingAdmissionPolicy` (generates a VAP
 * elsewhere, no effect here). `autogen.podControllers.controllers` (rules generated for Deployments
 * etc.) and Kyverno's CEL libraries (`resource`, `http`, `globalContext`, `image`...) raise
 * {@link HarnessUnsupportedError}.
 *
 * @module
 */
import {
  AdmissionRequestInput, AdmissionVerdict, baseActivation, ClusterState, CompiledPolicy, compilePolicySpec,
  EvaluateOptions, namespaceLabelsFrom, PolicySpecCore, prepareRequest, VerdictBuilder,
} from './admission';
import { expressionSites } from './coverage';
import { HarnessUnsupportedError, PolicySpecError } from './errors';
import { matchesResources, validateSelector } from './matching';

export interface KyvernoValidatingPolicy {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name: string };
  readonly spec: PolicySpecCore & {
    readonly validationActions?: ReadonlyArray<'Deny' | 'Warn' | 'Audit'>;
    readonly evaluation?: {
      readonly admission?: { readonly enabled?: boolean };
      readonly background?: { readonly enabled?: boolean };
      readonly mode?: string;
    };
    readonly autogen?: {
      readonly podControllers?: { readonly controllers?: readonly string[] };
      readonly validatingAdmissionPolicy?: { readonly enabled?: boolean };
    };
    readonly webhookConfiguration?: { readonly timeoutSeconds?: number };
  };
}

/** Identifiers of Kyverno's CEL libraries: using one is a harness gap. */
export const KYVERNO_LIBRARY_IDENTIFIERS: readonly string[] = [
  'resource', 'http', 'globalContext', 'image', 'imageData', 'generator', 'x509', 'json', 'yaml', 'random', 'time', 'math', 'hash', 'user',
];

const SPEC_FIELDS = ['matchConstraints', 'matchConditions', 'variables', 'validations', 'auditAnnotations', 'failurePolicy', 'validationActions', 'evaluation', 'autogen', 'webhookConfiguration'];

const cache = new WeakMap<object, { compiled: CompiledPolicy; actions: readonly string[]; admission: boolean }>();

function compileKyverno(policy: KyvernoValidatingPolicy): { compiled: CompiledPolicy; actions: readonly string[]; admission: boolean } {
  const hit = cache.get(policy);
  if (hit !== undefined) return hit;
  const key = `ValidatingPolicy/${policy.metadata.name}`;
  if (policy.apiVersion !== undefined && !['policies.kyverno.io/v1', 'policies.kyverno.io/v1beta1'].includes(policy.apiVersion)) {
    throw new HarnessUnsupportedError(`${key}: apiVersion ${policy.apiVersion}`);
  }
  if (policy.kind !== undefined && policy.kind !== 'ValidatingPolicy') {
    throw new HarnessUnsupportedError(`${key}: kind ${policy.kind} (only ValidatingPolicy is modelled)`);
  }
  const spec = policy.spec;
  for (const k of Object.keys(spec)) {
    if (!SPEC_FIELDS.includes(k)) throw new HarnessUnsupportedError(`${key} spec.${k} is not modelled by the harness`);
  }
  const mode = spec.evaluation?.mode;
  if (mode !== undefined && mode !== 'Kubernetes') {
    throw new HarnessUnsupportedError(`${key}: evaluation.mode ${mode}`);
  }
  if ((spec.autogen?.podControllers?.controllers ?? []).length > 0) {
    throw new HarnessUnsupportedError(`${key}: autogen.podControllers (generated rules for pod controllers) are not modelled`);
  }
  const actions = spec.validationActions ?? [];
  if (actions.length === 0) throw new PolicySpecError(`${key}: validationActions is required`);
  if (new Set(actions).size !== actions.length) throw new PolicySpecError(`${key}: validationActions must not repeat`);
  for (const a of actions) if (!['Deny', 'Warn', 'Audit'].includes(a)) throw new PolicySpecError(`${key}: validationAction ${JSON.stringify(a)}`);
  if (actions.includes('Deny') && actions.includes('Warn')) throw new PolicySpecError(`${key}: Deny and Warn may not be used together`);
  validateSelector(spec.matchConstraints?.namespaceSelector);
  validateSelector(spec.matchConstraints?.objectSelector);
  const compiled = compilePolicySpec(key, policy.metadata.name, spec, false, KYVERNO_LIBRARY_IDENTIFIERS);
  const out = { compiled, actions, admission: spec.evaluation?.admission?.enabled ?? true };
  cache.set(policy, out);
  return out;
}

/**
 * Evaluates Kyverno ValidatingPolicies for one admission request.
 *
 * @throws CelCompileError / PolicySpecError for invalid policies; HarnessUnsupportedError for
 *   Kyverno features the harness does not model.
 */
export function evaluateKyvernoValidatingPolicies(
  policies: readonly KyvernoValidatingPolicy[],
  request: AdmissionRequestInput,
  cluster: ClusterState = {},
  opts: EvaluateOptions = {},
): AdmissionVerdict {
  const compiled = policies.map((p) => ({ p, ...compileKyverno(p) }));
  for (const { p, compiled: c } of compiled) {
    opts.coverage?.registerPolicy(c.key, expressionSites(p.spec));
  }
  const req = prepareRequest(request);
  const verdict = new VerdictBuilder('ValidatingPolicy');
  const nsLabels = namespaceLabelsFrom(cluster);
  let base: Record<string, unknown> | undefined;
  for (const { p, compiled: c, actions, admission } of compiled) {
    if (!admission) continue;
    const m = matchesResources(p.spec.matchConstraints, req.attrs, nsLabels);
    if (m.error !== undefined) {
      verdict.configError(c, undefined, m.error);
      continue;
    }
    if (!m.matches) continue;
    base ??= baseActivation(req, cluster);
    verdict.invoke(c, undefined, actions, { value: null }, base, opts);
  }
  return verdict.build();
}
