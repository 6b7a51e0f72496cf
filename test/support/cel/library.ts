/**
 * The strict function table: every CEL function the harness evaluates, with Kubernetes semantics.
 *
 * The engine (@marcbachmann/cel-js) ships its own standard library, and some of it differs from
 * cel-go (`lowerAscii` lower-cases `Ä`, `indexOf` counts UTF-16 units, `matches` uses JS regex
 * syntax) or does not exist on Kubernetes (`bytes.json()`, `cel.bind`). So the harness renames
 * every call in a parsed expression to an internal name (`k8s__<name>`) before type checking:
 * only the functions listed here exist; anything else is a compile error (`undeclared function`),
 * exactly like on an API server, or a {@link HarnessUnsupportedError} when Kubernetes has the
 * function but the harness has no shim for it ({@link KUBERNETES_FUNCTIONS_WITHOUT_SHIM}).
 *
 * Costs follow cel-go's runtime cost model (`interpreter/runtimecost.go`) and Kubernetes'
 * `library/cost.go` `CallCost` (read in source): most calls cost 1; string, list and regex
 * functions are proportional to their input (traversal factor 0.1, regex factor 0.25).
 *
 * @module
 */
import { Optional, UnsignedInt } from './celjs';
import { CelEvalError, HarnessUnsupportedError } from './errors';
import { K8sQuantity } from './quantity';
import { re2Find, re2FindAll, re2Matches } from './regex';
import * as str from './strings';
import { celCompare, celEquals, celSize, celTypeName, codePoints, costSize, isMap, mapKeys } from './values';

/** One overload: an engine signature with `$` standing for the internal function name. */
export interface ShimOverload {
  /** e.g. `string.$(string): int` or `$(string): kubernetes.Quantity`. */
  readonly sig: string;
  readonly impl: (...args: never[]) => unknown;
  /** Runtime cost; defaults to 1 (cel-go's default for calls). */
  readonly cost?: (args: readonly unknown[], result: unknown) => number;
}

/** A CEL function and its overloads. */
export interface ShimFunction {
  /** The name as written in CEL: `indexOf`, `quantity`, `sets.contains`, `optional.of`. */
  readonly name: string;
  /** `member`: called as `x.f(...)`; `global`: `f(...)` (namespaced functions are global). */
  readonly style: 'global' | 'member';
  /** Where Kubernetes gets it from. */
  readonly library: 'standard' | 'strings' | 'lists' | 'regex' | 'quantity' | 'sets' | 'optional';
  readonly overloads: readonly ShimOverload[];
}

/** The prefix of internal names (valid in engine signatures). */
export const INTERNAL_PREFIX = 'k8s__';

/** The internal engine name of a CEL function. */
export function internalName(name: string): string {
  return INTERNAL_PREFIX + name.replace(/\./g, '__');
}

/** The CEL name of an internal name (for error messages). */
export function celName(internal: string): string {
  return internal.startsWith(INTERNAL_PREFIX) ? internal.slice(INTERNAL_PREFIX.length).replace(/__/g, '.') : internal;
}

const TRAVERSAL = 0.1;
const REGEX_FACTOR = 0.25;
const ceilSize = (v: unknown, factor = TRAVERSAL): number => Math.ceil(costSize(v) * factor);
/** Kubernetes' traversalCost: truncating, recursive over lists and maps. */
function traversalCost(v: unknown): number {
  if (typeof v === 'string') return Math.floor(codePoints(v).length * TRAVERSAL);
  if (v instanceof Uint8Array) return Math.floor(v.length * TRAVERSAL);
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + traversalCost(x), 0);
  if (isMap(v)) {
    return mapKeys(v).reduce((n: number, k) => n + traversalCost(k) + traversalCost((v as Record<string, unknown>)[k as string]), 0);
  }
  return 1;
}
const regexCost = (s: unknown, re: unknown): number => Math.ceil((1 + costSize(s)) * TRAVERSAL) * Math.ceil(costSize(re) * REGEX_FACTOR);

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function checkedInt(v: bigint): bigint {
  if (v > INT64_MAX || v < INT64_MIN) throw new CelEvalError('integer overflow');
  return v;
}

function listArg(v: unknown, fn: string): unknown[] {
  if (!Array.isArray(v)) throw new CelEvalError(`no such overload: ${fn} on ${celTypeName(v)}`);
  return v;
}

/** int(x) with cel-go's range checks. */
function toInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof UnsignedInt) return checkedInt(v.valueOf());
  if (typeof v === 'number') {
    // cel-go: NaN, infinities and values outside (MinInt64, MaxInt64) are range errors.
    if (!Number.isFinite(v) || v <= -9223372036854775808 || v >= 9223372036854775807) {
      throw new CelEvalError('int overflow');
    }
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string') {
    if (!/^[+-]?[0-9]+$/.test(v)) throw new CelEvalError('type conversion error from \'string\' to \'int\'');
    const n = BigInt(v);
    if (n > INT64_MAX || n < INT64_MIN) throw new CelEvalError('type conversion error from \'string\' to \'int\'');
    return n;
  }
  throw new CelEvalError(`type conversion error from '${celTypeName(v)}' to 'int'`);
}

function toUint(v: unknown): unknown {
  if (v instanceof UnsignedInt) return v;
  let n: bigint;
  if (typeof v === 'bigint') {n = v;} else if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0 || v >= 18446744073709551616) throw new CelEvalError('uint overflow');
    n = BigInt(Math.trunc(v));
  } else if (typeof v === 'string') {
    if (!/^\+?[0-9]+$/.test(v)) throw new CelEvalError('type conversion error from \'string\' to \'uint\'');
    n = BigInt(v);
  } else {
    throw new CelEvalError(`type conversion error from '${celTypeName(v)}' to 'uint'`);
  }
  if (n < 0n || n > UINT64_MAX) throw new CelEvalError('uint overflow');
  return new UnsignedInt(n);
}

function toDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof UnsignedInt) return Number(v.valueOf());
  if (typeof v === 'string') {
    // Go's strconv.ParseFloat: decimal or hex floats, inf/infinity/nan in any case, optional sign.
    if (/^[+-]?(inf|infinity)$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
    if (/^nan$/i.test(v)) return NaN;
    if (/^[+-]?([0-9]+(_?[0-9]+)*\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(v) && !v.includes('_')) {
      return Number(v);
    }
    if (/^[+-]?0[xX]/.test(v) || v.includes('_')) {
      throw new HarnessUnsupportedError(`double(${JSON.stringify(v)}): hex floats and digit separators are not modelled`);
    }
    throw new CelEvalError('type conversion error from \'string\' to \'double\'');
  }
  throw new CelEvalError(`type conversion error from '${celTypeName(v)}' to 'double'`);
}

function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    // Go's strconv.ParseBool.
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
    throw new CelEvalError('type conversion error from \'string\' to \'bool\'');
  }
  throw new CelEvalError(`type conversion error from '${celTypeName(v)}' to 'bool'`);
}

function quantityArg(v: unknown): K8sQuantity {
  if (!(v instanceof K8sQuantity)) throw new CelEvalError(`no such overload: expected kubernetes.Quantity, got ${celTypeName(v)}`);
  return v;
}

/** list library `sum`: ints (overflow checked), doubles or uints; `[].sum()` is 0. */
function sum(list: unknown[]): unknown {
  if (list.length === 0) return 0n;
  const first = list[0];
  if (typeof first === 'bigint') {
    return list.reduce((acc: bigint, x) => {
      if (typeof x !== 'bigint') throw new CelEvalError(`no such overload: sum over mixed ${celTypeName(x)}`);
      return checkedInt(acc + x);
    }, 0n);
  }
  if (typeof first === 'number') {
    return list.reduce((acc: number, x) => {
      if (typeof x !== 'number') throw new CelEvalError(`no such overload: sum over mixed ${celTypeName(x)}`);
      return acc + x;
    }, 0);
  }
  if (first instanceof UnsignedInt) {
    let acc = 0n;
    for (const x of list) {
      if (!(x instanceof UnsignedInt)) throw new CelEvalError(`no such overload: sum over mixed ${celTypeName(x)}`);
      acc += x.valueOf();
      if (acc > UINT64_MAX) throw new CelEvalError('unsigned integer overflow');
    }
    return new UnsignedInt(acc);
  }
  throw new CelEvalError(`no such overload: sum over ${celTypeName(first)}`);
}

function minMax(list: unknown[], which: 'min' | 'max'): unknown {
  if (list.length === 0) throw new CelEvalError(`${which} called on empty list`);
  let best = list[0];
  for (const x of list.slice(1)) {
    const c = celCompare(best, x);
    if ((which === 'min' && c === 1) || (which === 'max' && c === -1)) best = x;
  }
  return best;
}

function isSorted(list: unknown[]): boolean {
  for (let i = 1; i < list.length; i++) {
    if (celCompare(list[i - 1], list[i]) === 1) return false;
  }
  return true;
}

function quote(s: string): string {
  let out = '"';
  for (const c of codePoints(s)) {
    switch (c) {
      case '\x07': out += '\\a'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\v': out += '\\v'; break;
      case '\\': out += '\\\\'; break;
      case '"': out += '\\"'; break;
      default: out += c;
    }
  }
  return `${out}"`;
}

const Q = 'kubernetes.Quantity';

/** Every shimmed function. */
export const SHIMS: readonly ShimFunction[] = [
  // ---- standard library ------------------------------------------------------------------
  {
    name: 'size',
    style: 'global',
    library: 'standard',
    overloads: [
      { sig: '$(string): int', impl: (s: string) => celSize(s) },
      { sig: '$(bytes): int', impl: (s: Uint8Array) => celSize(s) },
      { sig: '$(list): int', impl: (s: unknown[]) => celSize(s) },
      { sig: '$(map): int', impl: (s: object) => celSize(s) },
    ],
  },
  {
    name: 'size',
    style: 'member',
    library: 'standard',
    overloads: [
      { sig: 'string.$(): int', impl: (s: string) => celSize(s) },
      { sig: 'bytes.$(): int', impl: (s: Uint8Array) => celSize(s) },
      { sig: 'list.$(): int', impl: (s: unknown[]) => celSize(s) },
      { sig: 'map.$(): int', impl: (s: object) => celSize(s) },
    ],
  },
  {
    name: 'int',
    style: 'global',
    library: 'standard',
    overloads: [
      { sig: '$(int): int', impl: toInt },
      { sig: '$(uint): int', impl: toInt },
      { sig: '$(double): int', impl: toInt },
      { sig: '$(string): int', impl: toInt },
    ],
  },
  {
    name: 'uint',
    style: 'global',
    library: 'standard',
    overloads: [
      { sig: '$(uint): uint', impl: toUint },
      { sig: '$(int): uint', impl: toUint },
      { sig: '$(double): uint', impl: toUint },
      { sig: '$(string): uint', impl: toUint },
    ],
  },
  {
    name: 'double',
    style: 'global',
    library: 'standard',
    overloads: [
      { sig: '$(double): double', impl: toDouble },
      { sig: '$(int): double', impl: toDouble },
      { sig: '$(uint): double', impl: toDouble },
      { sig: '$(string): double', impl: toDouble },
    ],
  },
  {
    name: 'string',
    style: 'global',
    library: 'standard',
    overloads: [
      { sig: '$(string): string', impl: (v: string) => v },
      { sig: '$(int): string', impl: str.celString },
      { sig: '$(uint): string', impl: str.celString },
      { sig: '$(double): string', impl: str.celString },
      { sig: '$(bool): string', impl: str.celString },
      { sig: '$(bytes): string', impl: str.celString, cost: (a) => ceilSize(a[0]) },
    ],
  },
  {
    name: 'bool',
    style: 'global',
    library: 'standard',
    overloads: [
      { sig: '$(bool): bool', impl: toBool },
      { sig: '$(string): bool', impl: toBool },
    ],
  },
  {
    name: 'bytes',
    style: 'global',
    library: 'standard',
    overloads: [
      { sig: '$(bytes): bytes', impl: (b: Uint8Array) => b },
      { sig: '$(string): bytes', impl: (s: string) => new Uint8Array(Buffer.from(s, 'utf8')), cost: (a) => ceilSize(a[0]) },
    ],
  },
  { name: 'dyn', style: 'global', library: 'standard', overloads: [{ sig: '$(dyn): dyn', impl: (v: unknown) => v }] },
  {
    name: 'contains',
    style: 'member',
    library: 'standard',
    overloads: [{
      sig: 'string.$(string): bool',
      impl: (s: string, sub: string) => s.includes(sub),
      cost: (a) => ceilSize(a[0]) * ceilSize(a[1]),
    }],
  },
  {
    name: 'startsWith',
    style: 'member',
    library: 'standard',
    overloads: [{
      sig: 'string.$(string): bool', impl: (s: string, p: string) => s.startsWith(p), cost: (a) => ceilSize(a[0]),
    }],
  },
  {
    name: 'endsWith',
    style: 'member',
    library: 'standard',
    overloads: [{
      sig: 'string.$(string): bool', impl: (s: string, p: string) => s.endsWith(p), cost: (a) => ceilSize(a[0]),
    }],
  },
  {
    name: 'matches',
    style: 'member',
    library: 'standard',
    overloads: [{
      sig: 'string.$(string): bool', impl: (s: string, re: string) => re2Matches(s, re), cost: (a) => regexCost(a[0], a[1]),
    }],
  },
  {
    name: 'matches',
    style: 'global',
    library: 'standard',
    overloads: [{
      sig: '$(string, string): bool', impl: (s: string, re: string) => re2Matches(s, re), cost: (a) => regexCost(a[0], a[1]),
    }],
  },

  // ---- extended strings (cel-go ext.Strings, version 2) ----------------------------------
  { name: 'charAt', style: 'member', library: 'strings', overloads: [{ sig: 'string.$(int): string', impl: str.charAt }] },
  {
    name: 'indexOf',
    style: 'member',
    library: 'strings',
    overloads: [
      { sig: 'string.$(string): int', impl: (s: string, sub: string) => str.indexOf(s, sub), cost: (a) => traversalCost(a[0]) },
      { sig: 'string.$(string, int): int', impl: (s: string, sub: string, o: bigint) => str.indexOf(s, sub, o), cost: (a) => traversalCost(a[0]) },
      // lists library
      { sig: 'list.$(dyn): int', impl: (l: unknown[], x: unknown) => BigInt(l.findIndex((y) => celEquals(y, x))), cost: (a) => traversalCost(a[0]) },
    ],
  },
  {
    name: 'lastIndexOf',
    style: 'member',
    library: 'strings',
    overloads: [
      { sig: 'string.$(string): int', impl: (s: string, sub: string) => str.lastIndexOf(s, sub), cost: (a) => traversalCost(a[0]) },
      { sig: 'string.$(string, int): int', impl: (s: string, sub: string, o: bigint) => str.lastIndexOf(s, sub, o), cost: (a) => traversalCost(a[0]) },
      // lists library
      {
        sig: 'list.$(dyn): int',
        impl: (l: unknown[], x: unknown) => {
          for (let i = l.length - 1; i >= 0; i--) if (celEquals(l[i], x)) return BigInt(i);
          return -1n;
        },
        cost: (a) => traversalCost(a[0]),
      },
    ],
  },
  { name: 'lowerAscii', style: 'member', library: 'strings', overloads: [{ sig: 'string.$(): string', impl: str.lowerAscii, cost: (a) => ceilSize(a[0]) }] },
  { name: 'upperAscii', style: 'member', library: 'strings', overloads: [{ sig: 'string.$(): string', impl: str.upperAscii, cost: (a) => ceilSize(a[0]) }] },
  {
    name: 'replace',
    style: 'member',
    library: 'strings',
    overloads: [
      { sig: 'string.$(string, string): string', impl: (s: string, o: string, n: string) => str.replace(s, o, n), cost: (a) => ceilSize(a[0], 2 * TRAVERSAL) },
      { sig: 'string.$(string, string, int): string', impl: str.replace, cost: (a) => ceilSize(a[0], 2 * TRAVERSAL) },
    ],
  },
  {
    name: 'split',
    style: 'member',
    library: 'strings',
    overloads: [
      { sig: 'string.$(string): list<string>', impl: (s: string, sep: string) => str.split(s, sep), cost: (a) => ceilSize(a[0], 2 * TRAVERSAL) },
      { sig: 'string.$(string, int): list<string>', impl: str.split, cost: (a) => ceilSize(a[0], 2 * TRAVERSAL) },
    ],
  },
  {
    name: 'substring',
    style: 'member',
    library: 'strings',
    overloads: [
      { sig: 'string.$(int): string', impl: (s: string, b: bigint) => str.substring(s, b), cost: (a) => ceilSize(a[0]) },
      { sig: 'string.$(int, int): string', impl: str.substring, cost: (a) => ceilSize(a[0]) },
    ],
  },
  { name: 'trim', style: 'member', library: 'strings', overloads: [{ sig: 'string.$(): string', impl: str.trim, cost: (a) => ceilSize(a[0]) }] },
  {
    name: 'join',
    style: 'member',
    library: 'strings',
    overloads: [
      { sig: 'list.$(): string', impl: (l: unknown[]) => str.join(l), cost: (_a, r) => ceilSize(r, 2 * TRAVERSAL) },
      { sig: 'list.$(string): string', impl: str.join, cost: (_a, r) => ceilSize(r, 2 * TRAVERSAL) },
    ],
  },
  { name: 'format', style: 'member', library: 'strings', overloads: [{ sig: 'string.$(list): string', impl: str.format }] },
  { name: 'strings.quote', style: 'global', library: 'strings', overloads: [{ sig: '$(string): string', impl: quote }] },

  // ---- Kubernetes lists library ----------------------------------------------------------
  { name: 'isSorted', style: 'member', library: 'lists', overloads: [{ sig: 'list.$(): bool', impl: (l: unknown[]) => isSorted(listArg(l, 'isSorted')), cost: (a) => traversalCost(a[0]) }] },
  { name: 'sum', style: 'member', library: 'lists', overloads: [{ sig: 'list.$(): dyn', impl: (l: unknown[]) => sum(l), cost: (a) => traversalCost(a[0]) }] },
  { name: 'min', style: 'member', library: 'lists', overloads: [{ sig: 'list.$(): dyn', impl: (l: unknown[]) => minMax(l, 'min'), cost: (a) => traversalCost(a[0]) }] },
  { name: 'max', style: 'member', library: 'lists', overloads: [{ sig: 'list.$(): dyn', impl: (l: unknown[]) => minMax(l, 'max'), cost: (a) => traversalCost(a[0]) }] },

  // ---- Kubernetes regex library ----------------------------------------------------------
  { name: 'find', style: 'member', library: 'regex', overloads: [{ sig: 'string.$(string): string', impl: re2Find, cost: (a) => regexCost(a[0], a[1]) }] },
  {
    name: 'findAll',
    style: 'member',
    library: 'regex',
    overloads: [
      { sig: 'string.$(string): list<string>', impl: (s: string, re: string) => re2FindAll(s, re, -1), cost: (a) => regexCost(a[0], a[1]) },
      {
        sig: 'string.$(string, int): list<string>',
        impl: (s: string, re: string, n: bigint) => re2FindAll(s, re, n < 0n ? -1 : n > 2147483647n ? 2147483647 : Number(n)),
        cost: (a) => regexCost(a[0], a[1]),
      },
    ],
  },

  // ---- Kubernetes quantity library -------------------------------------------------------
  { name: 'quantity', style: 'global', library: 'quantity', overloads: [{ sig: `$(string): ${Q}`, impl: (s: string) => K8sQuantity.parse(s), cost: (a) => ceilSize(a[0]) }] },
  { name: 'isQuantity', style: 'global', library: 'quantity', overloads: [{ sig: '$(string): bool', impl: (s: string) => K8sQuantity.isValid(s), cost: (a) => ceilSize(a[0]) }] },
  // Declared with cel.Overload (a global function) in quantity.go, although the docs write q.sign().
  { name: 'sign', style: 'global', library: 'quantity', overloads: [{ sig: `$(${Q}): int`, impl: (q: K8sQuantity) => quantityArg(q).sign() }] },
  { name: 'isInteger', style: 'member', library: 'quantity', overloads: [{ sig: `${Q}.$(): bool`, impl: (q: K8sQuantity) => quantityArg(q).asInt64() !== undefined }] },
  {
    name: 'asInteger',
    style: 'member',
    library: 'quantity',
    overloads: [{
      sig: `${Q}.$(): int`,
      impl: (q: K8sQuantity) => {
        const v = quantityArg(q).asInt64();
        if (v === undefined) throw new CelEvalError('cannot convert value to integer');
        return v;
      },
    }],
  },
  { name: 'asApproximateFloat', style: 'member', library: 'quantity', overloads: [{ sig: `${Q}.$(): double`, impl: (q: K8sQuantity) => quantityArg(q).asApproximateFloat() }] },
  {
    name: 'add',
    style: 'member',
    library: 'quantity',
    overloads: [
      { sig: `${Q}.$(${Q}): ${Q}`, impl: (q: K8sQuantity, y: K8sQuantity) => quantityArg(q).add(quantityArg(y)) },
      { sig: `${Q}.$(int): ${Q}`, impl: (q: K8sQuantity, y: bigint) => quantityArg(q).add(K8sQuantity.ofInt(y)) },
    ],
  },
  {
    name: 'sub',
    style: 'member',
    library: 'quantity',
    overloads: [
      { sig: `${Q}.$(${Q}): ${Q}`, impl: (q: K8sQuantity, y: K8sQuantity) => quantityArg(q).sub(quantityArg(y)) },
      { sig: `${Q}.$(int): ${Q}`, impl: (q: K8sQuantity, y: bigint) => quantityArg(q).sub(K8sQuantity.ofInt(y)) },
    ],
  },
  { name: 'isLessThan', style: 'member', library: 'quantity', overloads: [{ sig: `${Q}.$(${Q}): bool`, impl: (q: K8sQuantity, y: K8sQuantity) => quantityArg(q).compareTo(quantityArg(y)) < 0 }] },
  { name: 'isGreaterThan', style: 'member', library: 'quantity', overloads: [{ sig: `${Q}.$(${Q}): bool`, impl: (q: K8sQuantity, y: K8sQuantity) => quantityArg(q).compareTo(quantityArg(y)) > 0 }] },
  { name: 'compareTo', style: 'member', library: 'quantity', overloads: [{ sig: `${Q}.$(${Q}): int`, impl: (q: K8sQuantity, y: K8sQuantity) => BigInt(quantityArg(q).compareTo(quantityArg(y))) }] },

  // ---- cel-go ext.Sets (Kubernetes 1.29 env, writable from 1.30) -------------------------
  {
    name: 'sets.contains',
    style: 'global',
    library: 'sets',
    overloads: [{
      sig: '$(list, list): bool',
      impl: (a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => celEquals(y, x))),
      cost: (a) => Math.max(1, costSize(a[0]) * costSize(a[1])),
    }],
  },
  {
    name: 'sets.equivalent',
    style: 'global',
    library: 'sets',
    overloads: [{
      sig: '$(list, list): bool',
      impl: (a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => celEquals(y, x))) && a.every((x) => b.some((y) => celEquals(y, x))),
      cost: (a) => Math.max(1, 2 * costSize(a[0]) * costSize(a[1])),
    }],
  },
  {
    name: 'sets.intersects',
    style: 'global',
    library: 'sets',
    overloads: [{
      sig: '$(list, list): bool',
      impl: (a: unknown[], b: unknown[]) => a.some((x) => b.some((y) => celEquals(x, y))),
      cost: (a) => Math.max(1, costSize(a[0]) * costSize(a[1])),
    }],
  },

  // ---- optional types (cel.OptionalTypes, Kubernetes 1.28 env) ---------------------------
  { name: 'optional.of', style: 'global', library: 'optional', overloads: [{ sig: '$(dyn): optional<dyn>', impl: (v: unknown) => Optional.of(v) }] },
  { name: 'optional.none', style: 'global', library: 'optional', overloads: [{ sig: '$(): optional<dyn>', impl: () => Optional.none() }] },
  {
    name: 'optional.ofNonZeroValue',
    style: 'global',
    library: 'optional',
    overloads: [{
      sig: '$(dyn): optional<dyn>',
      impl: (v: unknown) => {
        const zero = v === null || v === false || v === '' || v === 0n || v === 0
          || (v instanceof UnsignedInt && v.valueOf() === 0n) || (v instanceof Uint8Array && v.length === 0)
          || (Array.isArray(v) && v.length === 0) || (isMap(v) && mapKeys(v).length === 0);
        return zero ? Optional.none() : Optional.of(v);
      },
    }],
  },
  { name: 'hasValue', style: 'member', library: 'optional', overloads: [{ sig: 'optional.$(): bool', impl: (o: Optional) => o.hasValue() }] },
  {
    name: 'value',
    style: 'member',
    library: 'optional',
    overloads: [{
      sig: 'optional.$(): dyn',
      impl: (o: Optional) => {
        if (!o.hasValue()) throw new CelEvalError('optional.none() dereference');
        return o.value();
      },
    }],
  },
];

/**
 * Macros the engine expands while parsing, and whether Kubernetes has them. `cel.bind` is not in
 * Kubernetes' environment (no ext.Bindings in the base env); two-variable comprehensions (1.33+)
 * are not expanded by the engine and surface as unknown functions.
 */
export const ALLOWED_MACROS: ReadonlyArray<{ name: string; style: 'global' | 'member'; arity: number }> = [
  { name: 'has', style: 'global', arity: 1 },
  { name: 'all', style: 'member', arity: 2 },
  { name: 'exists', style: 'member', arity: 2 },
  { name: 'exists_one', style: 'member', arity: 2 },
  { name: 'map', style: 'member', arity: 2 },
  { name: 'map', style: 'member', arity: 3 },
  { name: 'filter', style: 'member', arity: 2 },
  // optional types
  { name: 'or', style: 'member', arity: 1 },
  { name: 'orValue', style: 'member', arity: 1 },
];

/**
 * Functions Kubernetes' CEL environment has (per version table in VAP.md and the libraries read in
 * source) for which the harness has no shim: calling one raises {@link HarnessUnsupportedError}
 * instead of a compile error.
 */
export const KUBERNETES_FUNCTIONS_WITHOUT_SHIM: readonly string[] = [
  // standard library: time, types
  'timestamp', 'duration', 'type', 'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getFullYear',
  'getHours', 'getMilliseconds', 'getMinutes', 'getMonth', 'getSeconds',
  // URL library
  'isURL', 'url', 'getScheme', 'getHost', 'getHostname', 'getPort', 'getEscapedPath', 'getQuery',
  // IP / CIDR (1.31+)
  'isIP', 'ip', 'isCIDR', 'cidr', 'isCanonical', 'family', 'isUnspecified', 'isLoopback', 'isLinkLocalMulticast',
  'isLinkLocalUnicast', 'isGlobalUnicast', 'containsIP', 'containsCIDR', 'masked', 'prefixLength', 'ip.isCanonical',
  // format library (1.32+)
  'format.named', 'format.dns1123Label', 'format.dns1123Subdomain', 'format.dns1035Label', 'format.qualifiedName',
  'format.dns1123LabelPrefix', 'format.dns1123SubdomainPrefix', 'format.dns1035LabelPrefix', 'format.labelValue',
  'format.uri', 'format.uuid', 'format.byte', 'format.date', 'format.datetime', 'validate',
  // semver (1.34+), image (1.34+)
  'isSemver', 'semver', 'major', 'minor', 'patch', 'image', 'isImage', 'containsDigest', 'registry', 'repository',
  'identifier', 'tag', 'digest',
  // authorizer
  'group', 'resource', 'subresource', 'namespace', 'name', 'check', 'allowed', 'reason', 'errored', 'error', 'path',
  'serviceAccount', 'fieldSelector', 'labelSelector',
  // two-variable comprehensions (1.33+)
  'transformList', 'transformMap', 'transformMapEntry',
  // optional helpers
  'optMap', 'optFlatMap',
  // quantity arithmetic present in newer Kubernetes sources (release not established)
  'mul', 'div', 'divInt',
];
