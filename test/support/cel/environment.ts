/**
 * A Kubernetes-admission CEL environment on top of @marcbachmann/cel-js.
 *
 * `compileCel(expression, declarations)` parses, makes the expression strict (every call renamed to
 * its shim, see library.ts), type-checks it against the declared variables, instruments every AST
 * node for cost counting, and returns a {@link CompiledCel} that can be evaluated many times.
 *
 * Declared variables follow the ValidatingAdmissionPolicy environment: `object`, `oldObject`,
 * `request` (statically typed like Kubernetes' AdmissionRequest: `request.typo` does not compile),
 * and optionally `params`, `namespaceObject`, `variables` (only the names given, so a typo or a
 * forward reference does not compile) and `authorizer`.
 *
 * @module
 */
import { AstNode, ComprehensionArgs, Environment, Evaluator, isAstNode, MacroMeta } from './celjs';
import { CelCompileError, CelEvalError, FatalFault, HarnessUnsupportedError } from './errors';
import {
  ALLOWED_MACROS, celName, INTERNAL_PREFIX, internalName, KUBERNETES_FUNCTIONS_WITHOUT_SHIM,
  ShimOverload, SHIMS,
} from './library';
import { K8sQuantity } from './quantity';
import { compileRe2 } from './regex';
import { celEquals, costSize, toCel } from './values';

/** cel-go's per-expression runtime cost limit in Kubernetes (`PerCallLimit`). */
export const PER_CALL_COST_LIMIT = 1_000_000;

/** Which variables an expression may reference. */
export interface CelDeclarations {
  /** Declare `params` (the policy has a `paramKind`). */
  readonly params?: boolean;
  /** Declare `namespaceObject`. */
  readonly namespaceObject?: boolean;
  /** Declare `authorizer` and `authorizer.requestResource` (calls on it are not shimmed). */
  readonly authorizer?: boolean;
  /**
   * Variables usable as `variables.<name>` with their types (as {@link CompiledCel.resultType}
   * reports them; `dyn` when unknown); `undefined` leaves `variables` undeclared.
   */
  readonly variables?: Readonly<Record<string, string>>;
  /** Identifiers Kubernetes would not know but the policy engine might (Kyverno libraries): using one is a harness gap. */
  readonly unsupportedIdentifiers?: readonly string[];
  /**
   * The type the expression must have, exactly (Kubernetes' compiler uses IsExactType: an
   * expression of type `dyn`, like `object.spec.enabled`, is refused where `bool` is required).
   */
  readonly resultType?: 'bool' | 'string' | 'string|null';
}

/** Outcome of one evaluation. */
export interface CelOutcome {
  /** Set when the evaluation succeeded. */
  readonly value?: unknown;
  /** Set when CEL reported a runtime error (admission applies failurePolicy). */
  readonly error?: CelEvalError;
  /** Runtime cost in cel-go units (approximation, see README). */
  readonly cost: number;
}

interface EvalState {
  cost: number;
  readonly limit: number;
  readonly fault: FatalFault;
}

const stateStack: EvalState[] = [];

function charge(units: number): void {
  const state = stateStack[stateStack.length - 1];
  if (state === undefined || units === 0) {
    return;
  }
  state.cost += units;
  if (state.cost > state.limit) {
    throw state.fault.note(new CelEvalError('operation cancelled: actual cost limit exceeded'));
  }
}

/**
 * Notes harness gaps and harness bugs (anything but a CEL runtime error) in the evaluation that is
 * running, so that no CEL error absorption (`||`, `exists`) hides them. Returns `e` for `throw`.
 */
export function noteIfFatal(e: unknown): unknown {
  const state = stateStack[stateStack.length - 1];
  if (state !== undefined && e instanceof Error && !(e instanceof CelEvalError) && e.name !== 'EvaluationError') {
    state.fault.note(e);
  }
  return e;
}

function wrapShim(o: ShimOverload): (...args: unknown[]) => unknown {
  const impl = o.impl as (...args: unknown[]) => unknown;
  return (...args: unknown[]) => {
    let result: unknown;
    try {
      result = impl(...args);
    } catch (e) {
      throw noteIfFatal(e);
    }
    charge(o.cost === undefined ? 1 : o.cost(args, result));
    return result;
  };
}

/** Kubernetes' BuildRequestType (compile.go): AdmissionRequest without uid, object, oldObject. */
const REQUEST_SCHEMA = {
  kind: { group: 'string', version: 'string', kind: 'string' },
  resource: { group: 'string', version: 'string', resource: 'string' },
  subResource: 'string',
  requestKind: { group: 'string', version: 'string', kind: 'string' },
  requestResource: { group: 'string', version: 'string', resource: 'string' },
  requestSubResource: 'string',
  name: 'string',
  namespace: 'string',
  operation: 'string',
  userInfo: { username: 'string', uid: 'string', groups: 'list<string>', extra: 'map<string, list<string>>' },
  dryRun: 'bool',
  options: 'dyn',
};

/** An opaque value for `authorizer`; every call on it is a harness gap. */
export class AuthorizerPlaceholder {
  public get requestResource(): never {
    throw noteIfFatal(new HarnessUnsupportedError('authorizer.requestResource is not modelled'));
  }
}

let baseEnv: Environment | undefined;

function buildBase(): Environment {
  const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: true });
  env.registerType('kubernetes.Quantity', K8sQuantity);
  env.registerType('kubernetes.authorization.Authorizer', AuthorizerPlaceholder);
  for (const fn of SHIMS) {
    for (const o of fn.overloads) {
      env.registerFunction(o.sig.replace('$', internalName(fn.name)), wrapShim(o), { async: false });
    }
  }
  env.registerOperator('kubernetes.Quantity == kubernetes.Quantity', (a: unknown, b: unknown) => {
    try {
      charge(1);
      return celEquals(a, b);
    } catch (e) {
      throw noteIfFatal(e);
    }
  });
  return env;
}

function environmentFor(decl: CelDeclarations): Environment {
  baseEnv ??= buildBase();
  const env = baseEnv.clone();
  env.registerVariable('object', 'dyn');
  env.registerVariable('oldObject', 'dyn');
  env.registerVariable({ name: 'request', schema: REQUEST_SCHEMA });
  if (decl.params) env.registerVariable('params', 'dyn');
  if (decl.namespaceObject) env.registerVariable('namespaceObject', 'dyn');
  if (decl.authorizer) env.registerVariable('authorizer', 'kubernetes.authorization.Authorizer');
  if (decl.variables !== undefined) {
    const schema: Record<string, string> = {};
    for (const [name, type] of Object.entries(decl.variables)) schema[name] = type.replace(/\b[A-Z]\b/g, 'dyn');
    env.registerVariable({ name: 'variables', schema });
  }
  return env;
}

// ---- strictness: rename every call to its shim -------------------------------------------------

const NAMESPACES = new Set(['optional', 'sets', 'strings', 'format', 'math', 'base64', 'cel', 'google', 'ext', 'lists', 'regex']);
/** Engine constants that are not identifiers on Kubernetes. */
const ENGINE_ONLY_IDENTIFIERS = new Set(['cel', 'google', 'optional', 'OptionalNamespace', 'CelNamespace']);

const CALL_OP = (() => {
  const probe = new Environment({ unlistedVariablesAreDyn: true }).parse('f()').ast as unknown as AstNode;
  return { name: 'call', check: probe.meta.check, evaluate: probe.meta.evaluate };
})();

function arityOf(sig: string): { receiver: boolean; arity: number } {
  const m = /^(?:(.+?)\.)?\$\(([^)]*)\)/.exec(sig);
  if (m === null) throw new Error(`bad shim signature ${sig}`);
  return { receiver: m[1] !== undefined, arity: m[2].trim() === '' ? 0 : m[2].split(',').length };
}

function resolveFunction(name: string, style: 'global' | 'member', arity: number, expression: string): string {
  const fns = SHIMS.filter((f) => f.name === name && f.style === style);
  if (fns.some((f) => f.overloads.some((o) => arityOf(o.sig).arity === arity))) {
    return internalName(name);
  }
  if (KUBERNETES_FUNCTIONS_WITHOUT_SHIM.includes(name)) {
    throw new HarnessUnsupportedError(`Kubernetes function '${name}' has no shim in the harness (in: ${expression})`);
  }
  if (fns.length > 0 || SHIMS.some((f) => f.name === name)) {
    throw new CelCompileError(`found no matching overload for '${name}' (${style} call with ${arity} argument(s))`, expression);
  }
  throw new CelCompileError(`undeclared reference to '${name}'`, expression);
}

function requireMacro(name: string, style: 'global' | 'member', arity: number, expression: string): void {
  if (!ALLOWED_MACROS.some((m) => m.name === name && m.style === style && m.arity === arity)) {
    throw new CelCompileError(`undeclared reference to '${name}' (macro not available on Kubernetes)`, expression);
  }
}

interface WalkContext {
  readonly expression: string;
  readonly declared: ReadonlySet<string>;
  readonly unsupported: ReadonlySet<string>;
}

function validateRegexLiteral(args: AstNode[], index: number, ctx: WalkContext): void {
  const a = args[index];
  if (a !== undefined && a.op === 'value' && typeof a.args === 'string') {
    try {
      compileRe2(a.args);
    } catch (e) {
      if (e instanceof CelEvalError) {
        throw new CelCompileError(e.message, ctx.expression);
      }
      throw e;
    }
  }
}

const REGEX_FUNCTIONS = new Set(['matches', 'find', 'findAll']);

/**
 * `namespaceObject` is declared with Kubernetes' BuildNamespaceType (compile.go), not as dyn: a
 * field outside it does not compile. (The type says `UID` while the runtime object, converted from
 * JSON, has `uid`: both quirks are kept.)
 */
const NAMESPACE_TYPE: Readonly<Record<string, readonly string[]>> = {
  '': ['metadata', 'spec', 'status'],
  'metadata': ['name', 'generateName', 'namespace', 'labels', 'annotations', 'UID', 'creationTimestamp', 'deletionGracePeriodSeconds',
    'deletionTimestamp', 'generation', 'resourceVersion', 'finalizers'],
  'spec': ['finalizers'],
  'status': ['conditions', 'phase'],
};

function checkNamespaceObjectField(node: AstNode, ctx: WalkContext): void {
  const path: string[] = [];
  let n: AstNode = node;
  while (n.op === '.' || n.op === '.?') {
    path.unshift((n.args as [AstNode, string])[1]);
    n = (n.args as [AstNode, string])[0];
  }
  if (n.op !== 'id' || n.args !== 'namespaceObject' || !ctx.declared.has('namespaceObject') || path.length > 2) {
    return;
  }
  const parent = path.length === 1 ? '' : path[0];
  const field = path[path.length - 1];
  if (!(NAMESPACE_TYPE[parent] ?? []).includes(field)) {
    throw new CelCompileError(`undefined field '${field}' (namespaceObject is kubernetes.Namespace)`, ctx.expression);
  }
}

function strictify(node: AstNode, ctx: WalkContext): void {
  const meta = node.meta;
  switch (node.op) {
    case '.':
    case '.?':
      checkNamespaceObjectField(node, ctx);
      forEachChild(node, (c) => strictify(c, ctx));
      return;
    case 'id': {
      const id = node.args as string;
      if (ctx.unsupported.has(id)) {
        throw new HarnessUnsupportedError(`identifier '${id}' belongs to a policy-engine library the harness does not model (in: ${ctx.expression})`);
      }
      if (ENGINE_ONLY_IDENTIFIERS.has(id) && !ctx.declared.has(id)) {
        throw new CelCompileError(`undeclared reference to '${id}'`, ctx.expression);
      }
      return;
    }
    case 'call': {
      const [name, args] = node.args as [string, AstNode[]];
      if (meta.macro !== undefined || meta.alternate !== undefined) {
        requireMacro(name, 'global', args.length, ctx.expression);
        walkMacro(node, ctx);
        return;
      }
      (node.args as [string, AstNode[]])[0] = resolveFunction(name, 'global', args.length, ctx.expression);
      if (name === 'matches') validateRegexLiteral(args, 1, ctx);
      args.forEach((a) => strictify(a, ctx));
      return;
    }
    case 'rcall': {
      const [name, receiver, args] = node.args as [string, AstNode, AstNode[]];
      if (receiver.op === 'id' && ctx.unsupported.has(receiver.args as string)) {
        strictify(receiver, ctx);
      }
      if (meta.macro !== undefined || meta.alternate !== undefined) {
        if (receiver.op === 'id' && NAMESPACES.has(receiver.args as string) && !ctx.declared.has(receiver.args as string)) {
          throw new CelCompileError(`undeclared reference to '${receiver.args as string}.${name}'`, ctx.expression);
        }
        requireMacro(name, 'member', args.length, ctx.expression);
        walkMacro(node, ctx);
        return;
      }
      if (receiver.op === 'id' && NAMESPACES.has(receiver.args as string) && !ctx.declared.has(receiver.args as string)) {
        const full = `${receiver.args as string}.${name}`;
        const internal = resolveFunction(full, 'global', args.length, ctx.expression);
        node.setMeta('alternate', (node as unknown as { clone(op: unknown, args: unknown): AstNode }).clone(CALL_OP, [internal, args]));
        args.forEach((a) => strictify(a, ctx));
        return;
      }
      (node.args as [string, AstNode, AstNode[]])[0] = resolveFunction(name, 'member', args.length, ctx.expression);
      if (REGEX_FUNCTIONS.has(name)) validateRegexLiteral(args, 0, ctx);
      strictify(receiver, ctx);
      args.forEach((a) => strictify(a, ctx));
      return;
    }
    default:
      forEachChild(node, (c) => strictify(c, ctx));
  }
}

function walkMacro(node: AstNode, ctx: WalkContext): void {
  const meta = node.meta;
  if (meta.alternate !== undefined) {
    strictify(meta.alternate, ctx);
    return;
  }
  const m = meta.macro as MacroMeta;
  for (const a of [...(m.args ?? []), m.receiver, m.arg]) {
    if (a !== undefined) strictify(a, ctx);
  }
}

/** Calls `f` on every child node of `node` (not following alternates or macros). */
function forEachChild(node: AstNode, f: (n: AstNode) => void): void {
  const visit = (x: unknown): void => {
    if (isAstNode(x)) {
      f(x);
    } else if (Array.isArray(x)) {
      x.forEach(visit);
    }
  };
  if (node.op === 'comprehension') {
    const c = node.args as ComprehensionArgs;
    visit(c.iterable);
    visit(c.init);
    visit(c.step);
    return;
  }
  visit(node.args);
}

// ---- instrumentation: cost counting ----------------------------------------------------------

/** Per-iteration overhead of cel-go's macro expansions (loop condition, accumulator access). */
const STEP_OVERHEAD: Readonly<Record<string, number>> = { all: 3, exists: 4, exists_one: 2, map: 12, filter: 12 };
/** Cost of reading the accumulator at the end (`__result__`, `__result__ == 1`). */
const RESULT_OVERHEAD: Readonly<Record<string, number>> = { all: 1, exists: 1, exists_one: 2, map: 1, filter: 1 };

const TRAVERSAL = 0.1;

function binaryCost(op: string, l: unknown, r: unknown): number {
  switch (op) {
    case '==':
    case '!=':
      return Math.ceil(Math.min(costSize(l), costSize(r)) * TRAVERSAL);
    case '<': case '<=': case '>': case '>=':
      return typeof l === 'string' || l instanceof Uint8Array ? Math.ceil(Math.min(costSize(l), costSize(r)) * TRAVERSAL) : 1;
    case '+':
      return typeof l === 'string' || l instanceof Uint8Array ? Math.ceil((costSize(l) + costSize(r)) * TRAVERSAL) : 1;
    case 'in':
      return Array.isArray(r) ? r.length : 1;
    default:
      return 1;
  }
}

const BINARY = new Set(['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', 'in']);

type EvalFn = (this: AstNode, ev: Evaluator, ast: AstNode, ctx: unknown) => unknown;

function underlying(node: AstNode): EvalFn {
  const meta = node.meta;
  if (meta.alternate !== undefined) {
    const alt = meta.alternate;
    return (ev, _ast, ctx) => alt.evaluate(ev, alt, ctx);
  }
  if (meta.macro !== undefined) {
    const m = meta.macro;
    return (ev, _ast, ctx) => m.evaluate(ev, m, ctx);
  }
  return meta.evaluate as EvalFn;
}

/** The cost a node adds by itself (its children count separately). */
function ownCost(node: AstNode, macroName: string | undefined): number {
  const meta = node.meta;
  switch (node.op) {
    case 'id': case '.': case '.?': case '[]': case '[?]': case '!_': case '-_':
      return 1;
    // cel-go's planner (OptOptimize) turns all-constant aggregates into constants: no cost.
    case 'list':
      return (node.args as AstNode[]).every((a) => a.op === 'value') ? 0 : 10;
    case 'map':
      return (node.args as Array<[AstNode, AstNode]>).every(([k, v]) => k.op === 'value' && v.op === 'value') ? 0 : 30;
    case 'comprehension':
      return RESULT_OVERHEAD[macroName ?? ''] ?? 0;
    case 'call': {
      if (meta.macro === undefined) return 0;
      // has(a.b.c): the operand attribute costs (the ident is charged by its own node, plus every
      // select but the last); the presence test itself is free in Kubernetes.
      let selects = 0;
      let n: AstNode | undefined = (meta.macro.args ?? [])[0];
      while (n !== undefined && (n.op === '.' || n.op === '.?')) {
        selects++;
        n = (n.args as [AstNode])[0];
      }
      return Math.max(0, selects - 1);
    }
    case 'rcall':
      // optional or / orValue are calls in cel-go
      return meta.macro !== undefined ? 1 : 0;
    default:
      return 0;
  }
}

function instrument(node: AstNode, macroName?: string): void {
  const meta = node.meta;
  // Recurse first (into whatever the node evaluates).
  if (meta.alternate !== undefined) {
    const macro = node.op === 'rcall' ? (node.args as [string])[0] : undefined;
    instrument(meta.alternate, macro);
  } else if (meta.macro !== undefined) {
    const m = meta.macro;
    for (const a of [...(m.args ?? []), m.receiver, m.arg]) {
      if (a !== undefined) instrument(a);
    }
  } else if (node.op === 'comprehension') {
    const c = node.args as ComprehensionArgs;
    instrument(c.iterable);
    instrument(c.init);
    instrument(c.step);
    const overhead = STEP_OVERHEAD[macroName ?? ''] ?? 0;
    if (overhead > 0) {
      const step = c.step;
      const inner = step.evaluate;
      step.evaluate = function (ev, ast, ctx) {
        charge(overhead);
        return inner.call(this, ev, ast, ctx);
      };
    }
  } else {
    forEachChild(node, (c) => instrument(c));
  }

  const op = node.op;
  const own = ownCost(node, macroName);

  if (BINARY.has(op) && meta.alternate === undefined && meta.macro === undefined) {
    node.evaluate = function (ev, ast, ctx) {
      const l = ev.run(ast.left!, ctx);
      const r = ev.run(ast.right!, ctx);
      charge(binaryCost(op, l, r));
      return ast.handle!(l, r, ast, ev);
    } as EvalFn as AstNode['evaluate'];
    return;
  }
  const base = underlying(node);
  const cost = own;
  node.evaluate = function (ev, ast, ctx) {
    charge(cost);
    return base.call(node, ev as Evaluator, ast, ctx);
  } as EvalFn as AstNode['evaluate'];
}

// ---- compile / evaluate --------------------------------------------------------------------

/** A compiled expression. */
export class CompiledCel {
  /** @internal */
  constructor(
    public readonly expression: string,
    public readonly resultType: string,
    private readonly run: (ctx: Record<string, unknown>) => unknown,
  ) {}

  /**
   * Evaluates against an activation (values must already be CEL values: see {@link toCel}).
   *
   * @throws HarnessUnsupportedError (and harness bugs) — never folded into the outcome.
   */
  public evaluate(activation: Record<string, unknown>, costLimit = PER_CALL_COST_LIMIT): CelOutcome {
    const state: EvalState = { cost: 0, limit: costLimit, fault: new FatalFault() };
    stateStack.push(state);
    let value: unknown;
    let error: unknown;
    try {
      value = this.run(activation);
    } catch (e) {
      error = e;
    } finally {
      stateStack.pop();
    }
    const fatal = state.fault.error;
    if (fatal !== undefined && !(fatal instanceof CelEvalError)) {
      throw fatal;
    }
    if (fatal !== undefined) {
      return { error: fatal as CelEvalError, cost: state.cost };
    }
    if (error !== undefined) {
      if (error instanceof CelEvalError) {
        return { error, cost: state.cost };
      }
      if (error instanceof Error && (error.name === 'EvaluationError' || error.name === 'TypeError' && 'code' in error)) {
        return { error: new CelEvalError(cleanMessage(error)), cost: state.cost };
      }
      throw error;
    }
    return { value, cost: state.cost };
  }
}

function cleanMessage(e: Error): string {
  const summary = (e as { summary?: string }).summary ?? e.message;
  return summary.replace(new RegExp(`${INTERNAL_PREFIX}(\\w+)`, 'g'), (m) => celName(m));
}

const compileCache = new Map<string, CompiledCel>();

function declKey(decl: CelDeclarations): string {
  return JSON.stringify([decl.params ?? false, decl.namespaceObject ?? false, decl.authorizer ?? false, decl.variables ?? null, decl.unsupportedIdentifiers ?? [], decl.resultType ?? '']);
}

/**
 * Compiles a CEL expression for the Kubernetes admission environment.
 *
 * @throws CelCompileError if Kubernetes would not compile it; HarnessUnsupportedError if it uses a
 *   Kubernetes function the harness has no shim for.
 */
export function compileCel(expression: string, decl: CelDeclarations = {}): CompiledCel {
  const key = `${declKey(decl)}\u0000${expression}`;
  const cached = compileCache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const env = environmentFor(decl);
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(expression);
  } catch (e) {
    throw new CelCompileError(`syntax error: ${(e as Error).message}`, expression);
  }
  const root = parsed.ast as unknown as AstNode;
  const declared = new Set(['object', 'oldObject', 'request']);
  if (decl.params) declared.add('params');
  if (decl.namespaceObject) declared.add('namespaceObject');
  if (decl.authorizer) declared.add('authorizer');
  if (decl.variables !== undefined) declared.add('variables');
  strictify(root, { expression, declared, unsupported: new Set(decl.unsupportedIdentifiers ?? []) });
  const checked = parsed.check();
  if (!checked.valid) {
    throw new CelCompileError(cleanMessage(checked.error as Error), expression);
  }
  const type = checked.type ?? 'dyn';
  if (decl.resultType !== undefined && !decl.resultType.split('|').includes(type)) {
    throw new CelCompileError(`must evaluate to ${decl.resultType.replace('|', ' or ')} but got ${type}`, expression);
  }
  instrument(root);
  const compiled = new CompiledCel(expression, type, (ctx) => parsed(ctx));
  compileCache.set(key, compiled);
  return compiled;
}

/**
 * Evaluates one expression against plain JSON-like inputs (converted with {@link toCel}); every
 * input name is declared (`params`, `namespaceObject`, `variables` as given).
 *
 * @returns the value; throws {@link CelEvalError} on a runtime error.
 */
export function evalCel(expression: string, inputs: Record<string, unknown> = {}): unknown {
  const vars = inputs.variables;
  const decl: CelDeclarations = {
    params: 'params' in inputs,
    namespaceObject: 'namespaceObject' in inputs,
    variables: vars !== undefined && vars !== null && typeof vars === 'object' ? Object.fromEntries(Object.keys(vars).map((k) => [k, 'dyn'])) : undefined,
  };
  const activation: Record<string, unknown> = { object: null, oldObject: null, request: defaultRequest() };
  for (const [k, v] of Object.entries(inputs)) {
    activation[k] = toCel(v, k);
  }
  const outcome = compileCel(expression, decl).evaluate(activation);
  if (outcome.error !== undefined) {
    throw outcome.error;
  }
  return outcome.value;
}

/** A minimal admission request (CREATE of a v1 Pod) for stand-alone evaluation. */
export function defaultRequest(): Record<string, unknown> {
  return toCel({
    uid: '',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    requestKind: { group: '', version: 'v1', kind: 'Pod' },
    requestResource: { group: '', version: 'v1', resource: 'pods' },
    operation: 'CREATE',
    userInfo: {},
    dryRun: false,
    options: null,
  }) as Record<string, unknown>;
}

/** Names of all shimmed functions, as `name/style/arities`, for reports and tests. */
export function shimmedFunctionTable(): Array<{ name: string; style: string; library: string; arities: number[] }> {
  return SHIMS.map((f) => ({
    name: f.name,
    style: f.style,
    library: f.library,
    arities: [...new Set(f.overloads.map((o) => arityOf(o.sig).arity))].sort(),
  }));
}
