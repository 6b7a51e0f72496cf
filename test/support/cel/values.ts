/**
 * CEL values as the harness hands them to the engine, and the CEL semantics of equality and
 * ordering that the shims need (list library, sets library).
 *
 * Kubernetes hands CEL an unstructured object (decoded JSON): integral numbers are `int` (int64),
 * other numbers `double`, objects maps, arrays lists. {@link toCel} does the same: integral JS
 * numbers become `bigint`, objects become prototype-less records (so no `__proto__` or `toString`
 * key can leak in).
 *
 * @module
 */
import { CelTypeValue, Optional, UnsignedInt } from './celjs';
import { CelEvalError, HarnessUnsupportedError } from './errors';
import { K8sQuantity } from './quantity';

/** A CEL map as the harness builds it. */
export type CelMap = Record<string, unknown>;

/**
 * Converts decoded JSON/YAML (or a cdk8s `toJson()` result) into CEL values, as the API server's
 * unstructured converter would: integral numbers (safe integers) become `int`, other finite numbers
 * `double`.
 *
 * @throws HarnessUnsupportedError for `undefined` inside objects is skipped (as JSON would), but
 *   functions, symbols, non-finite numbers and unsafe integers are refused.
 */
export function toCel(value: unknown, path = '$'): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') {
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new HarnessUnsupportedError(`${path}: ${value} is not JSON`);
    }
    if (Number.isInteger(value)) {
      if (!Number.isSafeInteger(value)) {
        throw new HarnessUnsupportedError(`${path}: ${value} is beyond 2^53; JSON decoding in JS already lost its exact value`);
      }
      return BigInt(value);
    }
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => toCel(v, `${path}[${i}]`));
  }
  if (typeof value === 'object') {
    if (value instanceof K8sQuantity || value instanceof Optional) {
      return value;
    }
    const out: CelMap = Object.create(null);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) {
        continue;
      }
      out[k] = toCel(v, `${path}.${k}`);
    }
    return out;
  }
  throw new HarnessUnsupportedError(`${path}: a ${typeof value} is not JSON`);
}

/** Whether `v` is a CEL list at runtime. */
export function isList(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

/** Whether `v` is a CEL map at runtime (records and Maps; not class instances). */
export function isMap(v: unknown): v is CelMap | Map<unknown, unknown> {
  if (typeof v !== 'object' || v === null) {
    return false;
  }
  const c = (v as object).constructor;
  return c === undefined || c === Object || c === Map;
}

/** The CEL type name of a runtime value, for error messages. */
export function celTypeName(v: unknown): string {
  switch (typeof v) {
    case 'string': return 'string';
    case 'bigint': return 'int';
    case 'number': return 'double';
    case 'boolean': return 'bool';
    default:
  }
  if (v === null) return 'null_type';
  if (Array.isArray(v)) return 'list';
  if (isMap(v)) return 'map';
  if (v instanceof UnsignedInt) return 'uint';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof K8sQuantity) return 'kubernetes.Quantity';
  if (v instanceof Optional) return 'optional_type';
  if (v instanceof CelTypeValue) return 'type';
  return `unknown(${(v as object)?.constructor?.name ?? typeof v})`;
}

function mapEntries(m: CelMap | Map<unknown, unknown>): Array<[unknown, unknown]> {
  return m instanceof Map ? [...m.entries()] : Object.entries(m);
}

function mapGet(m: CelMap | Map<unknown, unknown>, k: unknown): { found: boolean; value?: unknown } {
  if (m instanceof Map) {
    return m.has(k) ? { found: true, value: m.get(k) } : { found: false };
  }
  if (typeof k === 'string' && Object.prototype.hasOwnProperty.call(m, k)) {
    return { found: true, value: m[k] };
  }
  return { found: false };
}

function numericValue(v: unknown): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (v instanceof UnsignedInt) return v.valueOf();
  return undefined;
}

/** Compares two CEL numbers exactly (int, uint, double mixed), NaN excluded by the caller. */
function compareNumbers(a: bigint | number, b: bigint | number): -1 | 0 | 1 {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  // Mixed: compare exactly (a double beyond 2^53 must not be rounded onto an int).
  const d = (typeof a === 'number' ? a : b) as number;
  const i = (typeof a === 'bigint' ? a : b) as bigint;
  let cmp: -1 | 0 | 1;
  if (d === Infinity) {cmp = 1;} else if (d === -Infinity) {cmp = -1;} else {
    const fl = Math.floor(d);
    const fi = BigInt(fl);
    cmp = fi < i ? -1 : fi > i ? 1 : d > fl ? 1 : 0;
  }
  // cmp compares d with i.
  return typeof a === 'number' ? cmp : ((-cmp) as -1 | 0 | 1);
}

/**
 * CEL equality (heterogeneous: values of different types are unequal, numbers compare across
 * int/uint/double, lists element-wise, maps by key set and values, quantities by value).
 */
export function celEquals(a: unknown, b: unknown): boolean {
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false;
    if ((typeof na === 'number' && Number.isNaN(na)) || (typeof nb === 'number' && Number.isNaN(nb))) return false;
    return compareNumbers(na, nb) === 0;
  }
  if (typeof a === 'string' || typeof a === 'boolean' || a === null) {
    return a === b;
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ea = mapEntries(a);
    if (ea.length !== mapEntries(b).length) return false;
    return ea.every(([k, v]) => {
      const other = mapGet(b, k);
      return other.found && celEquals(v, other.value);
    });
  }
  if (a instanceof Uint8Array) {
    return b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (a instanceof K8sQuantity) {
    return b instanceof K8sQuantity && a.compareTo(b) === 0;
  }
  if (a instanceof Optional) {
    if (!(b instanceof Optional)) return false;
    if (!a.hasValue() || !b.hasValue()) return a.hasValue() === b.hasValue();
    return celEquals(a.value(), b.value());
  }
  if (a instanceof CelTypeValue) {
    return a === b;
  }
  throw new HarnessUnsupportedError(`equality on ${celTypeName(a)} is not modelled`);
}

/** Code points of a string (CEL indexes strings by Unicode code point, like Go runes). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Orders two strings by UTF-8 bytes (= code point order), as Go does; JS `<` uses UTF-16 units. */
export function compareStrings(a: string, b: string): -1 | 0 | 1 {
  const ca = codePoints(a);
  const cb = codePoints(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i].codePointAt(0)!;
    const y = cb[i].codePointAt(0)!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return ca.length < cb.length ? -1 : ca.length > cb.length ? 1 : 0;
}

/**
 * CEL ordering for the comparable types (int, uint, double across each other; string; bool;
 * bytes). Anything else is a runtime "no such overload".
 */
export function celCompare(a: unknown, b: unknown): -1 | 0 | 1 {
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined && nb !== undefined) {
    if ((typeof na === 'number' && Number.isNaN(na)) || (typeof nb === 'number' && Number.isNaN(nb))) {
      // cel-go: comparing NaN yields an error-free "not less, not greater"; isSorted/min/max
      // treat it as equal. Rare enough to refuse rather than guess.
      throw new HarnessUnsupportedError('ordering involving NaN is not modelled');
    }
    return compareNumbers(na, nb);
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }
  throw new CelEvalError(`no such overload: ordering of ${celTypeName(a)} and ${celTypeName(b)}`);
}

/** CEL `size()` of a runtime value. */
export function celSize(v: unknown): bigint {
  if (typeof v === 'string') return BigInt(codePoints(v).length);
  if (v instanceof Uint8Array) return BigInt(v.length);
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) return BigInt(mapEntries(v).length);
  throw new CelEvalError(`no such overload: size(${celTypeName(v)})`);
}

/** Keys of a CEL map. */
export function mapKeys(m: CelMap | Map<unknown, unknown>): unknown[] {
  return m instanceof Map ? [...m.keys()] : Object.keys(m);
}

/** Size used by cel-go's cost model: strings/bytes/lists/maps report their size, scalars 1. */
export function costSize(v: unknown): number {
  if (typeof v === 'string') return codePoints(v).length;
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return mapEntries(v).length;
  return 1;
}

/** Number of UTF-8 bytes of a string (Go's len(string)). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
