/**
 * The parts of @marcbachmann/cel-js (pinned to 8.0.0) the harness relies on, in one place.
 *
 * Some classes are not exported from the package root (and its subpath exports are invisible to
 * TypeScript's node10 resolution), so they are recovered from values the engine itself produces.
 * The AST node shape below is the engine's internal one: the harness walks it to rename function
 * calls (strict function table), to count cost and to record coverage. A version bump of the
 * engine must re-run test/support/cel tests; the pin in .projenrc.ts exists for this reason.
 *
 * @module
 */
import { Environment, evaluate, Optional } from '@marcbachmann/cel-js';

export { Environment, Optional };

/** The engine's unsigned integer wrapper (`1u`). */
export const UnsignedInt = (evaluate('1u') as object).constructor as new (v: bigint | number | string) => { valueOf(): bigint };

/** The engine's type values (`int`, `string`...). */
export const CelTypeValue = (evaluate('int') as object).constructor;

/** An internal AST node of the engine (only what the harness touches). */
export interface AstNode {
  readonly op: string;
  // The engine's node payload: a string, a literal, a node, an array of nodes, [name, args]...
  args: unknown;
  readonly input: string;
  readonly start: number;
  readonly end: number;
  readonly meta: AstMeta;
  evaluate: (ev: unknown, ast: AstNode, ctx: unknown) => unknown;
  /** Set by the type checker. */
  readonly checkedType?: { readonly name: string; readonly kind: string };
  // Filled in by the type checker for binary operators and field access.
  left?: AstNode;
  right?: AstNode;
  handle?: (...args: unknown[]) => unknown;
  setMeta(key: string, value: unknown): AstNode;
}

export interface AstMeta {
  readonly check: unknown;
  readonly evaluate: (ev: unknown, ast: AstNode, ctx: unknown) => unknown;
  readonly alternate?: AstNode;
  readonly macro?: MacroMeta;
}

/** What a macro expansion keeps (has(), optional.or/orValue, cel.bind). */
export interface MacroMeta {
  readonly args?: AstNode[];
  readonly receiver?: AstNode;
  readonly arg?: AstNode;
  evaluate: (ev: unknown, macro: MacroMeta, ctx: unknown) => unknown;
}

/** The evaluator handed to node evaluate functions. */
export interface Evaluator {
  run(ast: AstNode, ctx: unknown): unknown;
}

/** The comprehension node payload (all/exists/exists_one/map/filter). */
export interface ComprehensionArgs {
  readonly kind?: string;
  readonly iterable: AstNode;
  readonly init: AstNode;
  readonly step: AstNode;
  readonly iterVarName: string;
}

const probe = new Environment({ unlistedVariablesAreDyn: true }).parse('1');

/** The engine's AST node class (recovered from a parsed expression). */
const AstNodeClass = (probe.ast as object).constructor;

/** Whether `x` is an engine AST node. */
export function isAstNode(x: unknown): x is AstNode {
  return typeof x === 'object' && x !== null && x.constructor === AstNodeClass;
}
