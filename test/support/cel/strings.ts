/**
 * cel-go's extended strings library (version 2, as Kubernetes enables it from 1.30) and the string
 * conversions of the standard library, with Go's semantics: indexes count code points (runes),
 * `lowerAscii`/`upperAscii` leave non-ASCII letters alone, `trim` strips Go's Unicode white space
 * (not JS's: U+FEFF is not white space in Go, U+0085 is), `string(double)` prints like Go's `%g`.
 *
 * @module
 */
import { UnsignedInt } from './celjs';
import { CelEvalError, HarnessUnsupportedError } from './errors';
import { celTypeName, codePoints } from './values';

function outOfRange(i: bigint | number): CelEvalError {
  return new CelEvalError(`index out of range: ${i}`);
}

/** `charAt`: the code point at `i`; `''` at the end; error beyond. */
export function charAt(s: string, i: bigint): string {
  const cps = codePoints(s);
  if (i < 0n || i > BigInt(cps.length)) throw outOfRange(i);
  return i === BigInt(cps.length) ? '' : cps[Number(i)];
}

function findRunes(hay: string[], needle: string[], from: number, backwards: boolean): number {
  const last = hay.length - needle.length;
  if (backwards) {
    for (let i = Math.min(from, last); i >= 0; i--) {
      if (needle.every((c, j) => hay[i + j] === c)) return i;
    }
  } else {
    for (let i = from; i <= last; i++) {
      if (needle.every((c, j) => hay[i + j] === c)) return i;
    }
  }
  return -1;
}

/** `indexOf(sub[, offset])`. */
export function indexOf(s: string, sub: string, offset = 0n): bigint {
  if (sub === '') return offset;
  const hay = codePoints(s);
  if (offset < 0n || offset >= BigInt(hay.length)) throw outOfRange(offset);
  return BigInt(findRunes(hay, codePoints(sub), Number(offset), false));
}

/** `lastIndexOf(sub[, offset])`. */
export function lastIndexOf(s: string, sub: string, offset?: bigint): bigint {
  const hay = codePoints(s);
  if (offset === undefined) {
    if (sub === '') return BigInt(hay.length);
    if (hay.length === 0) return -1n;
    offset = BigInt(hay.length - 1);
  }
  if (sub === '') return offset;
  if (offset < 0n || offset >= BigInt(hay.length)) throw outOfRange(offset);
  return BigInt(findRunes(hay, codePoints(sub), Number(offset), true));
}

/** `lowerAscii`/`upperAscii`: only A-Z / a-z change. */
export function lowerAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
export function upperAscii(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Go's unicode.IsSpace set (strings.TrimSpace). */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM_RE = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

/** `trim`: Go's strings.TrimSpace. */
export function trim(s: string): string {
  return s.replace(TRIM_RE, '');
}

/** Go's strings.Replace(s, old, new, n) (n < 0: all). */
export function replace(s: string, old: string, rep: string, n = -1n): string {
  if (n === 0n || old === rep) return s;
  if (old === '') {
    // Go inserts `rep` before every rune and at the end, up to n times.
    const cps = codePoints(s);
    let out = '';
    let count = 0n;
    for (let i = 0; i <= cps.length; i++) {
      if (n < 0n || count < n) {
        out += rep;
        count++;
      }
      if (i < cps.length) out += cps[i];
    }
    return out;
  }
  let out = '';
  let rest = s;
  let count = 0n;
  for (;;) {
    const i = rest.indexOf(old);
    if (i < 0 || (n >= 0n && count >= n)) break;
    out += rest.slice(0, i) + rep;
    rest = rest.slice(i + old.length);
    count++;
  }
  return out + rest;
}

/** Go's strings.SplitN(s, sep, n) (n < 0: all; n == 0: empty list). */
export function split(s: string, sep: string, n = -1n): string[] {
  if (n === 0n) return [];
  if (sep === '') {
    const cps = codePoints(s);
    if (n < 0n || BigInt(cps.length) <= n) return cps;
    const k = Number(n);
    return [...cps.slice(0, k - 1), cps.slice(k - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0n || BigInt(parts.length) <= n) return parts;
  const k = Number(n);
  return [...parts.slice(0, k - 1), parts.slice(k - 1).join(sep)];
}

/** `substring(start[, end])` by code points. */
export function substring(s: string, start: bigint, end?: bigint): string {
  const cps = codePoints(s);
  const l = BigInt(cps.length);
  if (end === undefined) {
    if (start < 0n || start > l) throw outOfRange(start);
    return cps.slice(Number(start)).join('');
  }
  if (start > end) throw new CelEvalError(`invalid substring range. start: ${start}, end: ${end}`);
  if (start < 0n || start > l) throw outOfRange(start);
  if (end < 0n || end > l) throw outOfRange(end);
  return cps.slice(Number(start), Number(end)).join('');
}

/** `join([sep])` over a list that must hold strings only. */
export function join(list: unknown[], sep = ''): string {
  for (const x of list) {
    if (typeof x !== 'string') {
      throw new CelEvalError(`join: list element of type ${celTypeName(x)} is not a string`);
    }
  }
  return (list as string[]).join(sep);
}

/**
 * Go's `%g` (strconv.FormatFloat(f, 'g', -1, 64)), which cel-go uses for `string(double)`: the
 * shortest digits that round-trip, in exponent form when the decimal exponent is below -4 or at
 * least 6 (Go's ftoa fixes that threshold at 6 for the shortest precision), with a two-digit
 * exponent (`1e+06`); `+Inf`, `-Inf`, `NaN`.
 */
export function goFormatDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return '+Inf';
  if (d === -Infinity) return '-Inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const sign = d < 0 ? '-' : '';
  // Shortest round-trip digits and the decimal exponent (JS and Go both pick the shortest).
  const [mant, expStr] = Math.abs(d).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp >= 0) {
    const intPart = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, '0');
    const frac = digits.length > exp + 1 ? digits.slice(exp + 1) : '';
    return `${sign}${frac ? `${intPart}.${frac}` : intPart}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** `string(x)` for the scalar types Kubernetes objects hold. */
export function celString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFormatDouble(v);
  if (v instanceof UnsignedInt) return v.valueOf().toString();
  if (v instanceof Uint8Array) {
    const text = Buffer.from(v).toString('utf8');
    if (Buffer.from(text, 'utf8').compare(Buffer.from(v)) !== 0) {
      throw new CelEvalError('invalid UTF-8 in bytes, cannot convert to string');
    }
    return text;
  }
  throw new CelEvalError(`type conversion error from '${celTypeName(v)}' to 'string'`);
}

/**
 * `"...".format([args])`. Supported clauses: `%s` on string/int/uint/bool/null/bytes, `%d` on
 * int/uint, `%b`/`%o`/`%x`/`%X` on int/uint (and `%x`/`%X` on string/bytes), `%%`. Clauses whose
 * output depends on the cel-go version Kubernetes pins (`%f`, `%e`, `%s` on double/list/map...)
 * raise {@link HarnessUnsupportedError}.
 */
export function format(fmt: string, args: unknown[]): string {
  let out = '';
  let argIndex = 0;
  const cps = codePoints(fmt);
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    i++;
    if (i >= cps.length) {
      throw new CelEvalError('unexpected end of string');
    }
    if (cps[i] === '%') {
      out += '%';
      continue;
    }
    let precision = '';
    if (cps[i] === '.') {
      i++;
      while (i < cps.length && cps[i] >= '0' && cps[i] <= '9') precision += cps[i++];
    }
    const verb = cps[i];
    if (argIndex >= args.length) {
      throw new CelEvalError(`index ${argIndex} out of range`);
    }
    const arg = args[argIndex++];
    if (precision !== '' && verb !== 'f' && verb !== 'e') {
      throw new HarnessUnsupportedError(`format clause %.${precision}${verb} is not modelled`);
    }
    out += formatClause(verb, arg);
  }
  return out;
}

function intOf(arg: unknown): bigint | undefined {
  if (typeof arg === 'bigint') return arg;
  if (arg instanceof UnsignedInt) return arg.valueOf();
  return undefined;
}

function formatClause(verb: string, arg: unknown): string {
  switch (verb) {
    case 's':
      if (typeof arg === 'string' || typeof arg === 'bigint' || typeof arg === 'boolean' || arg instanceof UnsignedInt || arg instanceof Uint8Array) {
        return celString(arg);
      }
      if (arg === null) return 'null';
      throw new HarnessUnsupportedError(`format %s of ${celTypeName(arg)} is not modelled (its text differs between cel-go versions)`);
    case 'd': {
      const i = intOf(arg);
      if (i === undefined) throw new CelEvalError(`error during formatting: decimal clause can only be used on integers, was given ${celTypeName(arg)}`);
      return i.toString();
    }
    case 'b': case 'o': case 'x': case 'X': {
      const i = intOf(arg);
      const radix = verb === 'b' ? 2 : verb === 'o' ? 8 : 16;
      if (i !== undefined) {
        const text = (i < 0n ? '-' : '') + (i < 0n ? -i : i).toString(radix);
        return verb === 'X' ? text.toUpperCase() : text;
      }
      if ((verb === 'x' || verb === 'X') && (typeof arg === 'string' || arg instanceof Uint8Array)) {
        const hex = Buffer.from(typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg).toString('hex');
        return verb === 'X' ? hex.toUpperCase() : hex;
      }
      if (verb === 'b' && typeof arg === 'boolean') return arg ? '1' : '0';
      throw new CelEvalError(`error during formatting: clause %${verb} cannot format ${celTypeName(arg)}`);
    }
    default:
      throw new HarnessUnsupportedError(`format clause %${verb} is not modelled`);
  }
}
