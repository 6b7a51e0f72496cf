/**
 * A ValidatingAdmissionPolicy evaluator: what the API server's admission plugin does with a set of
 * policies and bindings for one request, after apiserver's `policy/validating` (dispatcher.go,
 * validator.go), `policy/generic` (policy_dispatcher.go: CollectParams), `plugin/cel` (filter.go,
 * composition.go) and `webhook/matchconditions`, read in source (kubernetes master, 2025-2026).
 *
 * Per policy that matches the request (matchConstraints), per binding that matches
 * (matchResources), per param the binding selects: matchConditions (any false → skip; errors →
 * failurePolicy), validations (false → deny with message/messageExpression; errors →
 * failurePolicy), auditAnnotations; each (policy, binding, param) evaluation gets its own cost
 * budget. Resulting decisions go through the binding's validationActions (Deny, Warn, Audit);
 * configuration errors (unknown paramKind, missing params with `Deny`, selector errors, unknown
 * namespace) are denials unless `failurePolicy: Ignore`.
 *
 * @module
 */
import { CelCoverage, expressionSites, ExpressionKind, ExpressionSite } from './coverage';
import { CompiledCel, compileCel, AuthorizerPlaceholder, CelOutcome, noteIfFatal, PER_CALL_COST_LIMIT } from './environment';
import { CelEvalError, HarnessUnsupportedError, PolicySpecError } from './errors';
import { labelsOf, LabelSelector, matchesResources, MatchAttributes, MatchResources, selectorMatches, validateSelector } from './matching';
import { toCel } from './values';

/** Kubernetes' per-evaluation runtime budget (`RuntimeCELCostBudget`). */
export const RUNTIME_COST_BUDGET = 10_000_000;
/** Maximum length of an evaluated messageExpression (`MaxEvaluatedMessageExpressionSizeBytes`). */
export const MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;
const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

// ---- input types ---------------------------------------------------------------------------

/** A Kubernetes object as JSON (apiVersion, kind, metadata...). */
export type KubeObject = Record<string, unknown> & { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };

export interface GroupVersionKind { readonly group: string; readonly version: string; readonly kind: string }
export interface GroupVersionResource { readonly group: string; readonly version: string; readonly resource: string }

/** One admission request. */
export interface AdmissionRequestInput {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly subResource?: string;
  /** The request namespace; empty/absent for cluster-scoped objects (defaults to `name` for Namespace objects, as the API server does). */
  readonly namespace?: string;
  readonly name?: string;
  /** The new object; null/absent on DELETE. */
  readonly object?: unknown;
  /** The existing object; null/absent on CREATE. */
  readonly oldObject?: unknown;
  readonly userInfo?: {
    readonly username?: string;
    readonly uid?: string;
    readonly groups?: readonly string[];
    readonly extra?: Readonly<Record<string, readonly string[]>>;
  };
  readonly dryRun?: boolean;
  readonly options?: unknown;
}

/** A kind the API server knows, with its scope (for paramKind). */
export interface KnownKind { readonly apiVersion: string; readonly kind: string; readonly namespaced: boolean }

/** What the cluster holds besides the policies. */
export interface ClusterState {
  /** Namespace objects (for namespaceSelector and namespaceObject). */
  readonly namespaces?: readonly KubeObject[];
  /** Objects that can serve as params (any kind). */
  readonly objects?: readonly KubeObject[];
  /** Kinds known to the API server, added to {@link DEFAULT_KINDS}. */
  readonly kinds?: readonly KnownKind[];
}

/** Core kinds the harness knows without being told. */
export const DEFAULT_KINDS: readonly KnownKind[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'Secret', namespaced: true },
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
];

export interface ParamRef {
  readonly name?: string;
  readonly namespace?: string;
  readonly selector?: LabelSelector;
  readonly parameterNotFoundAction?: 'Allow' | 'Deny';
}

export interface Validation {
  readonly expression: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
}

export interface ValidatingAdmissionPolicy {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly paramKind?: { readonly apiVersion: string; readonly kind: string };
    readonly matchConstraints: MatchResources;
    readonly validations?: readonly Validation[];
    readonly failurePolicy?: 'Fail' | 'Ignore';
    readonly auditAnnotations?: ReadonlyArray<{ readonly key: string; readonly valueExpression: string }>;
    readonly matchConditions?: ReadonlyArray<{ readonly name: string; readonly expression: string }>;
    readonly variables?: ReadonlyArray<{ readonly name: string; readonly expression: string }>;
  };
}

export interface ValidatingAdmissionPolicyBinding {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly policyName: string;
    readonly paramRef?: ParamRef;
    readonly matchResources?: MatchResources;
    readonly validationActions: ReadonlyArray<'Deny' | 'Warn' | 'Audit'>;
  };
}

export interface EvaluateOptions {
  /** Records every evaluated expression (register policies first to see what never ran). */
  readonly coverage?: CelCoverage;
  /** Per (policy, binding, param) evaluation; default {@link RUNTIME_COST_BUDGET}. */
  readonly costBudget?: number;
  /** Per expression; default {@link PER_CALL_COST_LIMIT}. */
  readonly perCallLimit?: number;
}

// ---- output types --------------------------------------------------------------------------

/** One evaluated expression. */
export interface ExpressionEvaluation {
  readonly policy: string;
  readonly binding?: string;
  /** `namespace/name` of the param object, if any. */
  readonly param?: string;
  readonly kind: ExpressionKind;
  readonly path: string;
  readonly expression: string;
  readonly value?: unknown;
  readonly error?: string;
  readonly cost: number;
}

/** A decision that was enforced (deny), warned or audited. */
export interface DecisionRecord {
  readonly policy: string;
  readonly binding?: string;
  readonly param?: string;
  /** `deny` (a validation returned false), `error` (CEL or budget error), `config` (configuration error). */
  readonly evaluation: 'deny' | 'error' | 'config';
  readonly message: string;
  readonly reason: string;
  readonly expressionIndex: number;
}

/** One `validation_failure` audit entry. */
export interface AuditFailure {
  readonly message: string;
  readonly policy: string;
  readonly binding: string;
  readonly expressionIndex: number;
  readonly validationActions: readonly string[];
}

export interface AdmissionVerdict {
  readonly allowed: boolean;
  /** The API server's error message (first denial). */
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  /** Decisions enforced with Deny (and configuration errors under failurePolicy Fail). */
  readonly denials: readonly DecisionRecord[];
  /** HTTP warnings (validationActions Warn). */
  readonly warnings: readonly string[];
  /** `validation.policy.admission.k8s.io/validation_failure` entries (validationActions Audit). */
  readonly auditFailures: readonly AuditFailure[];
  /** Published audit annotations (`<policy>/<key>`). */
  readonly auditAnnotations: Readonly<Record<string, string>>;
  /** Every CEL evaluation, in order. */
  readonly evaluations: readonly ExpressionEvaluation[];
  /** Every error met, including those ignored under failurePolicy Ignore. */
  readonly errors: readonly string[];
  /** (policy, binding, param) combinations that were evaluated. */
  readonly invocations: ReadonlyArray<{ policy: string; binding?: string; param?: string }>;
}

// ---- compiled policy -----------------------------------------------------------------------

interface CompiledExpr { readonly site: ExpressionSite; readonly cel: CompiledCel }

/** A policy in the shape both VAP and Kyverno ValidatingPolicy share. */
export interface CompiledPolicy {
  readonly key: string;
  readonly name: string;
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly hasParams: boolean;
  readonly matchConstraints: MatchResources;
  readonly matchConditions: ReadonlyArray<CompiledExpr & { readonly name: string }>;
  readonly variables: ReadonlyArray<CompiledExpr & { readonly name: string }>;
  readonly validations: ReadonlyArray<{
    readonly expr: CompiledExpr;
    readonly message?: string;
    readonly messageExpr?: CompiledExpr;
    readonly reason: string;
    readonly expression: string;
  }>;
  readonly auditAnnotations: ReadonlyArray<CompiledExpr & { readonly key: string }>;
}

const REASONS = new Set(['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge']);
const CEL_IDENT = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function onlyKeys(obj: object | undefined, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj ?? {})) {
    if (!allowed.includes(k)) {
      throw new HarnessUnsupportedError(`${where}.${k} is not modelled by the harness`);
    }
  }
}

/** Shared spec shape of VAP and Kyverno ValidatingPolicy. */
export interface PolicySpecCore {
  readonly matchConstraints?: MatchResources;
  readonly validations?: readonly Validation[];
  readonly failurePolicy?: string;
  readonly auditAnnotations?: ReadonlyArray<{ readonly key: string; readonly valueExpression: string }>;
  readonly matchConditions?: ReadonlyArray<{ readonly name: string; readonly expression: string }>;
  readonly variables?: ReadonlyArray<{ readonly name: string; readonly expression: string }>;
}

/**
 * Validates and compiles the CEL parts of a policy spec (VAP or Kyverno ValidatingPolicy).
 *
 * @throws PolicySpecError / CelCompileError when the API server would refuse the policy.
 */
export function compilePolicySpec(
  key: string,
  name: string,
  spec: PolicySpecCore,
  hasParams: boolean,
  unsupportedIdentifiers: readonly string[] = [],
): CompiledPolicy {
  const failurePolicy = spec.failurePolicy ?? 'Fail';
  if (failurePolicy !== 'Fail' && failurePolicy !== 'Ignore') {
    throw new PolicySpecError(`${key}: failurePolicy ${JSON.stringify(failurePolicy)}`);
  }
  const sites = expressionSites(spec);
  const site = (path: string): ExpressionSite => sites.find((s) => s.path === path)!;
  const common = { params: hasParams, unsupportedIdentifiers };

  const mcNames = new Set<string>();
  const matchConditions = (spec.matchConditions ?? []).map((m, i) => {
    onlyKeys(m, ['name', 'expression'], `${key} spec.matchConditions[${i}]`);
    if (!QUALIFIED_NAME.test(m.name) || mcNames.has(m.name)) throw new PolicySpecError(`${key}: matchConditions[${i}].name ${JSON.stringify(m.name)} is invalid or repeated`);
    mcNames.add(m.name);
    return { name: m.name, site: site(`spec.matchConditions[${i}].expression`), cel: compileCel(m.expression, { ...common, authorizer: true, namespaceObject: true, resultType: 'bool' }) };
  });
  if (matchConditions.length > 64) throw new PolicySpecError(`${key}: more than 64 matchConditions`);

  // Each variable is declared with the type of its expression, for the expressions after it.
  const varNames: Record<string, string> = {};
  const variables = (spec.variables ?? []).map((v, i) => {
    onlyKeys(v, ['name', 'expression'], `${key} spec.variables[${i}]`);
    if (!CEL_IDENT.test(v.name) || v.name in varNames) throw new PolicySpecError(`${key}: variables[${i}].name ${JSON.stringify(v.name)} is invalid or repeated`);
    const cel = compileCel(v.expression, { ...common, authorizer: true, namespaceObject: true, variables: { ...varNames } });
    varNames[v.name] = cel.resultType;
    return { name: v.name, site: site(`spec.variables[${i}].expression`), cel };
  });

  const validations = (spec.validations ?? []).map((v, i) => {
    onlyKeys(v, ['expression', 'message', 'messageExpression', 'reason'], `${key} spec.validations[${i}]`);
    if (v.reason !== undefined && !REASONS.has(v.reason)) throw new PolicySpecError(`${key}: validations[${i}].reason ${JSON.stringify(v.reason)}`);
    if (v.message !== undefined && /[\r\n]/.test(v.message)) throw new PolicySpecError(`${key}: validations[${i}].message must not contain line breaks`);
    if (v.message === undefined && v.messageExpression === undefined && /[\r\n]/.test(v.expression)) {
      throw new PolicySpecError(`${key}: validations[${i}]: a message is required when the expression contains line breaks`);
    }
    return {
      expression: v.expression,
      expr: { site: site(`spec.validations[${i}].expression`), cel: compileCel(v.expression, { ...common, authorizer: true, namespaceObject: true, variables: varNames, resultType: 'bool' }) },
      message: v.message,
      messageExpr: v.messageExpression === undefined ? undefined : {
        site: site(`spec.validations[${i}].messageExpression`),
        cel: compileCel(v.messageExpression, { ...common, namespaceObject: true, variables: varNames, resultType: 'string' }),
      },
      reason: v.reason ?? 'Invalid',
    };
  });

  const keys = new Set<string>();
  const auditAnnotations = (spec.auditAnnotations ?? []).map((a, i) => {
    onlyKeys(a, ['key', 'valueExpression'], `${key} spec.auditAnnotations[${i}]`);
    if (!QUALIFIED_NAME.test(a.key) || a.key.length > 63 || keys.has(a.key)) throw new PolicySpecError(`${key}: auditAnnotations[${i}].key ${JSON.stringify(a.key)} is invalid or repeated`);
    keys.add(a.key);
    // Declared with the authorizer at write time (validation.go), although it is not bound when evaluated.
    const cel = compileCel(a.valueExpression, { ...common, authorizer: true, namespaceObject: true, variables: varNames, resultType: 'string|null' });
    return { key: a.key, site: site(`spec.auditAnnotations[${i}].valueExpression`), cel };
  });

  return {
    key,
    name,
    failurePolicy,
    hasParams,
    matchConstraints: spec.matchConstraints ?? {},
    matchConditions,
    variables,
    validations,
    auditAnnotations,
  };
}

const vapCache = new WeakMap<object, CompiledPolicy>();

/** Validates and compiles a ValidatingAdmissionPolicy (cached per object). */
export function compileValidatingAdmissionPolicy(policy: ValidatingAdmissionPolicy): CompiledPolicy {
  const hit = vapCache.get(policy);
  if (hit !== undefined) return hit;
  const key = `ValidatingAdmissionPolicy/${policy.metadata.name}`;
  if (policy.apiVersion !== undefined && policy.apiVersion !== 'admissionregistration.k8s.io/v1') {
    throw new HarnessUnsupportedError(`${key}: apiVersion ${policy.apiVersion}`);
  }
  if (policy.kind !== undefined && policy.kind !== 'ValidatingAdmissionPolicy') {
    throw new PolicySpecError(`${key}: kind ${policy.kind}`);
  }
  const spec = policy.spec;
  onlyKeys(spec, ['paramKind', 'matchConstraints', 'validations', 'failurePolicy', 'auditAnnotations', 'matchConditions', 'variables'], `${key} spec`);
  if (spec.matchConstraints === undefined || (spec.matchConstraints.resourceRules ?? []).length === 0) {
    throw new PolicySpecError(`${key}: spec.matchConstraints.resourceRules is required`);
  }
  if ((spec.validations ?? []).length === 0 && (spec.auditAnnotations ?? []).length === 0) {
    throw new PolicySpecError(`${key}: at least one of validations or auditAnnotations is required`);
  }
  validateSelector(spec.matchConstraints.namespaceSelector);
  validateSelector(spec.matchConstraints.objectSelector);
  const compiled = compilePolicySpec(key, policy.metadata.name, spec, spec.paramKind !== undefined);
  vapCache.set(policy, compiled);
  return compiled;
}

function validateBinding(b: ValidatingAdmissionPolicyBinding): void {
  const key = `ValidatingAdmissionPolicyBinding/${b.metadata.name}`;
  onlyKeys(b.spec, ['policyName', 'paramRef', 'matchResources', 'validationActions'], `${key} spec`);
  const actions = b.spec.validationActions ?? [];
  if (actions.length === 0) throw new PolicySpecError(`${key}: validationActions is required`);
  if (new Set(actions).size !== actions.length) throw new PolicySpecError(`${key}: validationActions must not repeat`);
  for (const a of actions) if (!['Deny', 'Warn', 'Audit'].includes(a)) throw new PolicySpecError(`${key}: validationAction ${JSON.stringify(a)}`);
  if (actions.includes('Deny') && actions.includes('Warn')) throw new PolicySpecError(`${key}: Deny and Warn may not be used together`);
  const ref = b.spec.paramRef;
  if (ref !== undefined) {
    onlyKeys(ref, ['name', 'namespace', 'selector', 'parameterNotFoundAction'], `${key} spec.paramRef`);
    if ((ref.name !== undefined) === (ref.selector !== undefined)) throw new PolicySpecError(`${key}: exactly one of paramRef.name and paramRef.selector`);
    if (ref.parameterNotFoundAction !== 'Allow' && ref.parameterNotFoundAction !== 'Deny') {
      throw new PolicySpecError(`${key}: paramRef.parameterNotFoundAction must be Allow or Deny`);
    }
    validateSelector(ref.selector);
  }
  validateSelector(b.spec.matchResources?.namespaceSelector);
  validateSelector(b.spec.matchResources?.objectSelector);
}

// ---- request ------------------------------------------------------------------------------

/** The request as the policy machinery sees it. */
export interface PreparedRequest {
  readonly input: AdmissionRequestInput;
  readonly attrs: MatchAttributes;
  readonly kind: GroupVersionKind;
  /** `request` as a CEL value (unstructured AdmissionRequest: omitempty fields absent). */
  readonly celRequest: Record<string, unknown>;
  readonly celObject: unknown;
  readonly celOldObject: unknown;
}

/** Builds the CEL `request` and matcher attributes (CreateAdmissionRequest + unstructured conversion). */
export function prepareRequest(input: AdmissionRequestInput): PreparedRequest {
  const isNamespaceKind = input.kind.group === '' && input.kind.version === 'v1' && input.kind.kind === 'Namespace';
  const namespace = input.namespace ?? (isNamespaceKind ? input.name ?? '' : '');
  const name = input.name ?? '';
  const sub = input.subResource ?? '';
  const user = input.userInfo ?? {};
  const userInfo: Record<string, unknown> = {};
  if (user.username) userInfo.username = user.username;
  if (user.uid) userInfo.uid = user.uid;
  if (user.groups && user.groups.length > 0) userInfo.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length > 0) userInfo.extra = user.extra;
  const request: Record<string, unknown> = {
    uid: '',
    kind: { ...input.kind },
    resource: { ...input.resource },
    requestKind: { ...input.kind },
    requestResource: { ...input.resource },
    operation: input.operation,
    userInfo,
    dryRun: input.dryRun ?? false,
    options: input.options ?? null,
  };
  if (sub) {
    request.subResource = sub;
    request.requestSubResource = sub;
  }
  if (name) request.name = name;
  if (namespace) request.namespace = namespace;
  const object = input.object ?? null;
  const oldObject = input.oldObject ?? null;
  return {
    input,
    kind: input.kind,
    attrs: {
      operation: input.operation,
      group: input.resource.group,
      version: input.resource.version,
      resource: input.resource.resource,
      subResource: sub,
      namespace,
      name,
      object,
      oldObject,
    },
    celRequest: toCel(request, 'request') as Record<string, unknown>,
    celObject: toCel(object, 'object'),
    celOldObject: toCel(oldObject, 'oldObject'),
  };
}

function nsName(o: KubeObject): string {
  return o.metadata?.name ?? '';
}

/** namespaceObject as CreateNamespaceObject builds it: no TypeMeta, a subset of metadata, spec and status. */
function namespaceObjectOf(ns: KubeObject): unknown {
  const md = (ns.metadata ?? {}) as Record<string, unknown>;
  const metadata: Record<string, unknown> = {};
  for (const k of ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations']) {
    const v = md[k];
    if (v !== undefined && v !== '' && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0)) metadata[k] = v;
  }
  metadata.creationTimestamp = md.creationTimestamp ?? null;
  return toCel({ metadata, spec: ns.spec ?? {}, status: ns.status ?? {} }, 'namespaceObject');
}

// ---- evaluation core --------------------------------------------------------------------------

interface Decision {
  action: 'admit' | 'deny';
  evaluation: 'admit' | 'deny' | 'error';
  message: string;
  reason: string;
}

interface ValidateResult {
  decisions: Decision[];
  auditAnnotations: Array<{ key: string; value?: string; error?: string }>;
}

interface InvocationContext {
  readonly policy: CompiledPolicy;
  readonly binding?: string;
  readonly param?: string;
  readonly opts: EvaluateOptions;
  readonly log: ExpressionEvaluation[];
  readonly errors: string[];
}

function record(ctx: InvocationContext, e: CompiledExpr, outcome: CelOutcome): void {
  ctx.log.push({
    policy: ctx.policy.key,
    binding: ctx.binding,
    param: ctx.param,
    kind: e.site.kind,
    path: e.site.path,
    expression: e.site.expression,
    value: outcome.value,
    error: outcome.error?.message,
    cost: outcome.cost,
  });
  ctx.opts.coverage?.record(ctx.policy.key, e.site, outcome);
}

/** One filter run (ForInput): a fresh variables context, a shared budget. */
class FilterRun {
  private variableCost = 0;
  public readonly variables: Record<string, unknown>;

  constructor(private readonly ctx: InvocationContext, private readonly base: Record<string, unknown>, withVariables: boolean) {
    const vars: Record<string, unknown> = Object.create(null);
    if (withVariables) {
      const memo = new Map<string, { value?: unknown; error?: CelEvalError }>();
      for (const v of ctx.policy.variables) {
        Object.defineProperty(vars, v.name, {
          enumerable: true,
          get: () => {
            let m = memo.get(v.name);
            if (m === undefined) {
              let outcome: CelOutcome;
              try {
                outcome = v.cel.evaluate({ ...this.base, variables: vars }, this.perCall);
              } catch (e) {
                throw noteIfFatal(e);
              }
              record(this.ctx, v, outcome);
              this.variableCost += outcome.cost;
              m = outcome.error !== undefined
                ? { error: new CelEvalError(`composited variable "${v.name}" fails to evaluate: ${outcome.error.message}`) }
                : { value: outcome.value };
              memo.set(v.name, m);
            }
            if (m.error !== undefined) throw m.error;
            return m.value;
          },
        });
      }
    }
    this.variables = vars;
  }

  private get perCall(): number {
    return this.ctx.opts.perCallLimit ?? PER_CALL_COST_LIMIT;
  }

  /** Evaluates expressions in order; `undefined` result means the budget ran out. */
  public run(exprs: readonly CompiledExpr[], budget: number): { outcomes: CelOutcome[]; remaining: number } | undefined {
    let remaining = budget;
    const outcomes: CelOutcome[] = [];
    for (const e of exprs) {
      const before = this.variableCost;
      const outcome = e.cel.evaluate({ ...this.base, variables: this.variables }, this.perCall);
      record(this.ctx, e, outcome);
      const cost = outcome.cost + (this.variableCost - before);
      if (cost > remaining) {
        return undefined;
      }
      remaining -= cost;
      outcomes.push(outcome);
    }
    return { outcomes, remaining };
  }
}

function errorOf(expression: string, e: CelEvalError): string {
  return `expression '${expression}' resulted in error: ${e.message}`;
}

/** validator.Validate for one (policy, binding, param). */
function validate(ctx: InvocationContext, base: Record<string, unknown>): ValidateResult {
  const p = ctx.policy;
  const fp = p.failurePolicy;
  const errAction: Decision['action'] = fp === 'Ignore' ? 'admit' : 'deny';
  const budget = ctx.opts.costBudget ?? RUNTIME_COST_BUDGET;

  // matchConditions: all evaluated, then any false skips, errors (with none false) → failurePolicy.
  if (p.matchConditions.length > 0) {
    const mc = new FilterRun(ctx, { ...base, namespaceObject: null }, false).run(p.matchConditions, budget);
    if (mc === undefined) {
      ctx.errors.push(OUT_OF_BUDGET);
      return { decisions: [{ action: errAction, evaluation: 'error', message: OUT_OF_BUDGET, reason: 'Invalid' }], auditAnnotations: [] };
    }
    const errors: string[] = [];
    for (let i = 0; i < mc.outcomes.length; i++) {
      const o = mc.outcomes[i];
      if (o.error !== undefined) {
        errors.push(errorOf(p.matchConditions[i].site.expression, o.error));
        continue;
      }
      if (o.value === false) {
        return { decisions: [], auditAnnotations: [] };
      }
    }
    if (errors.length > 0) {
      const message = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
      ctx.errors.push(message);
      if (fp === 'Ignore') return { decisions: [], auditAnnotations: [] };
      return { decisions: [{ action: 'deny', evaluation: 'error', message, reason: 'Invalid' }], auditAnnotations: [] };
    }
  }

  // validations, then messageExpressions with the remaining budget (fresh variables context each).
  const validationRun = new FilterRun(ctx, base, true).run(p.validations.map((v) => v.expr), budget);
  if (validationRun === undefined) {
    ctx.errors.push(OUT_OF_BUDGET);
    return { decisions: [{ action: errAction, evaluation: 'error', message: OUT_OF_BUDGET, reason: 'Invalid' }], auditAnnotations: [] };
  }
  const withMessage = p.validations.map((v, i) => ({ v, i })).filter((x) => x.v.messageExpr !== undefined);
  const messageRun = new FilterRun(ctx, base, true).run(withMessage.map((x) => x.v.messageExpr!), validationRun.remaining);
  const messageOutcomes = new Map<number, CelOutcome>();
  if (messageRun !== undefined) {
    withMessage.forEach((x, j) => messageOutcomes.set(x.i, messageRun.outcomes[j]));
  }

  const decisions: Decision[] = p.validations.map((v, i) => {
    const o = validationRun.outcomes[i];
    if (o.error !== undefined) {
      const message = errorOf(v.expression, o.error);
      ctx.errors.push(message);
      return { action: errAction, evaluation: 'error', message, reason: 'Invalid' };
    }
    if (messageRun === undefined && withMessage.length > 0) {
      const message = `failed messageExpression: ${OUT_OF_BUDGET}`;
      ctx.errors.push(message);
      return { action: errAction, evaluation: 'error', message, reason: 'Invalid' };
    }
    if (o.value !== true) {
      let message = '';
      const mo = messageOutcomes.get(i);
      if (mo !== undefined && mo.error === undefined && typeof mo.value === 'string') {
        message = mo.value.trim();
        if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_EXPRESSION_BYTES || message.includes('\n')) message = '';
      }
      if (mo?.error !== undefined) ctx.errors.push(`messageExpression: ${mo.error.message}`);
      if (message === '' && v.message !== undefined && v.message.length > 0) message = v.message.trim();
      if (message === '') message = `failed expression: ${v.expression.trim()}`;
      return { action: 'deny', evaluation: 'deny', message, reason: v.reason };
    }
    return { action: 'admit', evaluation: 'admit', message: '', reason: '' };
  });

  // auditAnnotations (own budget, own variables context).
  const auditAnnotations: ValidateResult['auditAnnotations'] = [];
  if (p.auditAnnotations.length > 0) {
    const run = new FilterRun(ctx, base, true).run(p.auditAnnotations, budget);
    if (run === undefined) {
      ctx.errors.push(OUT_OF_BUDGET);
      decisions.push({ action: errAction, evaluation: 'error', message: OUT_OF_BUDGET, reason: 'Invalid' });
    } else {
      p.auditAnnotations.forEach((a, i) => {
        const o = run.outcomes[i];
        if (o.error !== undefined) {
          const error = errorOf(a.site.expression, o.error);
          ctx.errors.push(error);
          if (fp !== 'Ignore') auditAnnotations.push({ key: a.key, error });
        } else if (typeof o.value === 'string') {
          const value = o.value.trim();
          if (value !== '') auditAnnotations.push({ key: a.key, value });
        } else if (o.value !== null) {
          const error = `valueExpression '${a.site.expression}' resulted in unsupported return type. Return type must be either string or null.`;
          ctx.errors.push(error);
          auditAnnotations.push({ key: a.key, error });
        }
      });
    }
  }
  return { decisions, auditAnnotations };
}

const REASON_CODES: Readonly<Record<string, number>> = { Unauthorized: 401, Forbidden: 403, Invalid: 422, RequestEntityTooLarge: 413 };

/** Accumulates the outcome of all policies for one request. */
export class VerdictBuilder {
  public readonly denials: Array<DecisionRecord & { kindLabel: string }> = [];
  public readonly warnings: string[] = [];
  public readonly auditFailures: AuditFailure[] = [];
  public readonly auditAnnotations: Record<string, string> = {};
  public readonly evaluations: ExpressionEvaluation[] = [];
  public readonly errors: string[] = [];
  public readonly invocations: Array<{ policy: string; binding?: string; param?: string }> = [];

  constructor(private readonly kindLabel: string) {}

  /** A configuration error: denial unless failurePolicy Ignore. */
  public configError(p: CompiledPolicy, binding: string | undefined, err: string): void {
    const message = binding === undefined ? `failed to configure policy: ${err}` : `failed to configure binding: ${err}`;
    this.errors.push(message);
    if (p.failurePolicy === 'Ignore') return;
    this.denials.push({ policy: p.key, binding, evaluation: 'config', message, reason: '', expressionIndex: -1, kindLabel: this.kindLabel });
  }

  /** Runs one (policy, binding, param) invocation and applies the validation actions. */
  public invoke(
    p: CompiledPolicy,
    binding: string | undefined,
    actions: readonly string[],
    param: { label?: string; value: unknown },
    base: Record<string, unknown>,
    opts: EvaluateOptions,
  ): void {
    this.invocations.push({ policy: p.key, binding, param: param.label });
    const ctx: InvocationContext = { policy: p, binding, param: param.label, opts, log: this.evaluations, errors: this.errors };
    const result = validate(ctx, { ...base, params: param.value });
    result.decisions.forEach((d, i) => {
      if (d.action !== 'deny') return;
      const evaluation = d.evaluation === 'error' ? 'error' : 'deny';
      for (const action of actions) {
        if (action === 'Deny') {
          this.denials.push({
            policy: p.key,
            binding,
            param: param.label,
            evaluation,
            message: d.message,
            reason: d.reason,
            expressionIndex: i,
            kindLabel: this.kindLabel,
          });
        } else if (action === 'Warn') {
          this.warnings.push(binding === undefined
            ? `Validation failed for ${this.kindLabel} '${p.name}': ${d.message}`
            : `Validation failed for ${this.kindLabel} '${p.name}' with binding '${binding}': ${d.message}`);
        } else if (action === 'Audit') {
          this.auditFailures.push({ message: d.message, policy: p.name, binding: binding ?? '', expressionIndex: i, validationActions: [...actions] });
        }
      }
    });
    const collected = new Map<string, string[]>();
    for (const a of result.auditAnnotations) {
      if (a.error !== undefined) {
        this.denials.push({ policy: p.key, binding, param: param.label, evaluation: 'error', message: a.error, reason: 'Invalid', expressionIndex: -1, kindLabel: this.kindLabel });
        continue;
      }
      const values = collected.get(a.key) ?? [];
      const v = a.value!.slice(0, 10 * 1024);
      if (!values.includes(v)) values.push(v);
      collected.set(a.key, values);
    }
    for (const [k, values] of collected) {
      const key = `${p.name}/${k}`;
      const previous = this.auditAnnotations[key];
      const all = previous === undefined ? values : [...new Set([...previous.split(', '), ...values])];
      this.auditAnnotations[key] = all.join(', ');
    }
  }

  public build(): AdmissionVerdict {
    const first = this.denials[0];
    let message: string | undefined;
    let reason: string | undefined;
    if (first !== undefined) {
      const name = first.policy.slice(first.policy.indexOf('/') + 1);
      message = first.binding === undefined
        ? `${first.kindLabel} '${name}' denied request: ${first.message}`
        : `${first.kindLabel} '${name}' with binding '${first.binding}' denied request: ${first.message}`;
      reason = first.reason === '' ? 'Invalid' : first.reason;
    }
    return {
      allowed: first === undefined,
      message,
      reason,
      code: reason === undefined ? undefined : REASON_CODES[reason] ?? 422,
      denials: this.denials.map(({ kindLabel: _k, ...d }) => d),
      warnings: this.warnings,
      auditFailures: this.auditFailures,
      auditAnnotations: this.auditAnnotations,
      evaluations: this.evaluations,
      errors: this.errors,
      invocations: this.invocations,
    };
  }
}

/** The activation common to every invocation for a request (params added per invocation). */
export function baseActivation(req: PreparedRequest, cluster: ClusterState): Record<string, unknown> {
  let namespaceObject: unknown = null;
  const nsName0 = req.attrs.namespace;
  const isNamespaceKind = req.kind.group === '' && req.kind.version === 'v1' && req.kind.kind === 'Namespace';
  if (nsName0 !== '' && !isNamespaceKind) {
    const ns = (cluster.namespaces ?? []).find((n) => nsName(n) === nsName0);
    if (ns === undefined) {
      // The API server fails the whole request (dispatcher returns the lookup error).
      throw new Error(`cel harness: namespace ${JSON.stringify(nsName0)} of the request is not in ClusterState.namespaces`);
    }
    namespaceObject = namespaceObjectOf(ns);
  }
  return {
    object: req.celObject,
    oldObject: req.celOldObject,
    request: req.celRequest,
    namespaceObject,
    authorizer: new AuthorizerPlaceholder(),
  };
}

/** Namespace label lookup for the matcher. */
export function namespaceLabelsFrom(cluster: ClusterState): (name: string) => Record<string, string> | undefined {
  return (name) => {
    const ns = (cluster.namespaces ?? []).find((n) => nsName(n) === name);
    return ns === undefined ? undefined : labelsOf(ns) ?? {};
  };
}

function paramLabel(o: KubeObject): string {
  const ns = o.metadata?.namespace;
  return ns ? `${ns}/${o.metadata?.name ?? ''}` : o.metadata?.name ?? '';
}

/** generic.CollectParams: the params to evaluate with, or a configuration error. */
function collectParams(
  paramKind: { apiVersion: string; kind: string } | undefined,
  ref: ParamRef | undefined,
  requestNamespace: string,
  cluster: ClusterState,
): { params: Array<{ label?: string; value: unknown }> } | { error: string } {
  if (paramKind === undefined || ref === undefined) {
    return { params: [{ value: null }] };
  }
  const known = [...DEFAULT_KINDS, ...(cluster.kinds ?? [])].find((k) => k.apiVersion === paramKind.apiVersion && k.kind === paramKind.kind);
  if (known === undefined) {
    return { error: `paramKind kind \`${paramKind.apiVersion}, Kind=${paramKind.kind}\` not known` };
  }
  let namespace: string | undefined;
  if (known.namespaced) {
    namespace = ref.namespace ? ref.namespace : requestNamespace;
    if (!namespace) {
      return { error: 'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources' };
    }
  } else if (ref.namespace) {
    return { error: 'paramRef.namespace must not be provided for a cluster-scoped `paramKind`' };
  }
  const candidates = (cluster.objects ?? []).filter((o) => o.apiVersion === paramKind.apiVersion && o.kind === paramKind.kind
    && (namespace === undefined ? !o.metadata?.namespace : o.metadata?.namespace === namespace));
  let found: KubeObject[];
  if (ref.name !== undefined) {
    found = candidates.filter((o) => o.metadata?.name === ref.name);
  } else {
    found = candidates.filter((o) => selectorMatches(ref.selector, labelsOf(o) ?? {}));
  }
  if (found.length === 0 && ref.parameterNotFoundAction === 'Deny') {
    return { error: 'no params found for policy binding with `Deny` parameterNotFoundAction' };
  }
  return { params: found.map((o) => ({ label: paramLabel(o), value: toCel(o, 'params') })) };
}

/**
 * Evaluates ValidatingAdmissionPolicies and their bindings for one request, as the API server's
 * ValidatingAdmissionPolicy admission plugin would. Bindings whose policy is not in `policies` are
 * ignored (as the API server does).
 *
 * @throws CelCompileError / PolicySpecError for policies the API server would not store;
 *   HarnessUnsupportedError for anything the harness does not model.
 */
export function evaluateValidatingAdmissionPolicies(
  policies: readonly ValidatingAdmissionPolicy[],
  bindings: readonly ValidatingAdmissionPolicyBinding[],
  request: AdmissionRequestInput,
  cluster: ClusterState = {},
  opts: EvaluateOptions = {},
): AdmissionVerdict {
  bindings.forEach(validateBinding);
  const compiled = policies.map((p) => ({ p, c: compileValidatingAdmissionPolicy(p) }));
  for (const { p, c } of compiled) {
    opts.coverage?.registerPolicy(c.key, expressionSites(p.spec));
  }
  const req = prepareRequest(request);
  const verdict = new VerdictBuilder('ValidatingAdmissionPolicy');
  const nsLabels = namespaceLabelsFrom(cluster);
  let base: Record<string, unknown> | undefined;

  for (const { p, c } of compiled) {
    const m = matchesResources(p.spec.matchConstraints, req.attrs, nsLabels);
    if (m.error !== undefined) {
      verdict.configError(c, undefined, m.error);
      continue;
    }
    if (!m.matches) continue;
    for (const b of bindings.filter((x) => x.spec.policyName === p.metadata.name)) {
      const bm = matchesResources(b.spec.matchResources, req.attrs, nsLabels);
      if (bm.error !== undefined) {
        verdict.configError(c, b.metadata.name, bm.error);
        continue;
      }
      if (!bm.matches) continue;
      const params = collectParams(p.spec.paramKind, b.spec.paramRef, req.attrs.namespace, cluster);
      if ('error' in params) {
        verdict.configError(c, b.metadata.name, params.error);
        continue;
      }
      base ??= baseActivation(req, cluster);
      for (const param of params.params) {
        verdict.invoke(c, b.metadata.name, b.spec.validationActions, param, base, opts);
      }
    }
  }
  return verdict.build();
}

/** Registers every expression of the policies with a coverage recorder. */
export function registerForCoverage(coverage: CelCoverage, policies: readonly ValidatingAdmissionPolicy[]): void {
  for (const p of policies) {
    coverage.registerPolicy(`ValidatingAdmissionPolicy/${p.metadata.name}`, expressionSites(p.spec));
  }
}
