/**
 * The CEL `kubernetes.Quantity` value: what `quantity("...")` returns.
 *
 * The value itself is exact and backed by the project's {@link Quantity} (src/kubernetes/quantity.ts):
 * comparisons and equality use it, so `quantity("1.5Gi") == quantity("1536Mi")`. On top of the
 * value, this class tracks what apimachinery's `resource.Quantity` tracks internally, because some
 * CEL functions observe it:
 *
 * - the representation: a fast `int64Amount{value, scale}` (value × 10^scale) or an arbitrary
 *   precision `inf.Dec` (unscaled × 10^-scale). `isInteger()`/`asInteger()` use apimachinery's
 *   `AsInt64`, which answers "no" for every `inf.Dec` and for every `int64Amount` with a negative
 *   scale, even when the value is a whole number: `quantity("1.5Gi").isInteger()` and
 *   `quantity("1000m").isInteger()` are `false` on a real API server.
 * - parse-time rounding: values finer than 1n are rounded up (away from zero) to a multiple of 1n
 *   (`quantity("0.1n") == quantity("1n")`), and binary-suffixed values beyond 2^63-1 are capped.
 * - the format (DecimalSI, BinarySI, DecimalExponent), carried along for completeness.
 *
 * Grammar (from apimachinery's `parseQuantityString` and suffix table, read in source): an
 * optional sign, digits with an optional `.` (both sides may be empty: `"."`, `"+"`, `"-"` and
 * `"-."` all parse as zero on Kubernetes), then a suffix from `n u m "" k M G T P E Ki Mi Gi Ti Pi
 * Ei` or `e`/`E` followed by a signed integer. {@link Quantity.parse} rejects the digit-less forms;
 * here Kubernetes wins. Decimal exponents beyond ±100 are outside what {@link Quantity} models and
 * raise {@link HarnessUnsupportedError} (Kubernetes accepts them).
 *
 * @module
 */
import { CelEvalError, HarnessUnsupportedError } from './errors';
import { Quantity } from '../../../src/kubernetes/quantity';

/** apimachinery's message for a string that does not scan. */
export const ERR_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/** apimachinery's message for an unknown suffix. */
export const ERR_SUFFIX = "unable to parse quantity's suffix";
/** apimachinery's message for an unparsable number. */
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** apimachinery's int64Amount (value × 10^scale) or inf.Dec (unscaled × 10^-scale). */
export type QuantityRep =
  | { readonly kind: 'int'; readonly value: bigint; readonly scale: number }
  | { readonly kind: 'dec'; readonly unscaled: bigint; readonly scale: number };

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const NANO = -9;
const MAX_INT64_FACTORS = 18;

function inInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** The exact value of a representation as mantissa × 10^exponent. */
function repToExponent(rep: QuantityRep): [bigint, number] {
  return rep.kind === 'int' ? [rep.value, rep.scale] : [rep.unscaled, -rep.scale];
}

/** Builds the project's exact Quantity for a representation. */
function exactOf(rep: QuantityRep): Quantity {
  const [mantissa, exponent] = repToExponent(rep);
  if (mantissa === 0n) {
    return Quantity.ZERO;
  }
  try {
    return Quantity.parse(`${mantissa}e${exponent}`);
  } catch (e) {
    throw new HarnessUnsupportedError(`quantity ${mantissa}e${exponent} is outside the exact model (${(e as Error).message})`);
  }
}

interface Scanned {
  readonly positive: boolean;
  /** The number as written before the suffix (sign and digits), apimachinery's `value`. */
  readonly value: string;
  readonly num: string;
  readonly denom: string;
  readonly suffix: string;
}

const SUFFIX_CHARS = 'eEinumkKMGTP';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Our own rendering of apimachinery's scanner: sign, leading zeros, digits, `.`, digits, suffix. */
function scan(str: string): Scanned | 'format' {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') {
    pos++;
  }
  if (pos >= end) {
    return { positive, value: '0', num: '0', denom: '', suffix: '' };
  }
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) {
    return { positive, value: str, num, denom: '', suffix: '' };
  }
  pos = i;
  if (num.length === 0) {
    num = '0';
  }
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) {
      return { positive, value: str, num, denom, suffix: '' };
    }
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i])) i++;
  if (i >= end) {
    return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  }
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') {
    pos++;
  }
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) {
    return 'format';
  }
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

const DECIMAL_SUFFIX: Readonly<Record<string, number>> = { 'n': -9, 'u': -6, 'm': -3, '': 0, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18 };
const BINARY_SUFFIX: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

interface Suffix { readonly base: 2 | 10; readonly exponent: number; readonly format: QuantityFormat }

function interpret(s: string): Suffix | undefined {
  if (Object.prototype.hasOwnProperty.call(DECIMAL_SUFFIX, s)) {
    return { base: 10, exponent: DECIMAL_SUFFIX[s], format: 'DecimalSI' };
  }
  if (Object.prototype.hasOwnProperty.call(BINARY_SUFFIX, s)) {
    return { base: 2, exponent: BINARY_SUFFIX[s], format: 'BinarySI' };
  }
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    if (!/^[+-]?[0-9]+$/.test(s.slice(1))) {
      return undefined;
    }
    const e = Number(s.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 100) {
      throw new HarnessUnsupportedError(`quantity exponent ${s} is outside the modelled range (|e| <= 100); Kubernetes accepts it`);
    }
    return { base: 10, exponent: e, format: 'DecimalExponent' };
  }
  return undefined;
}

/** Rounds |unscaled| × 10^-scale up (away from zero) to `target` fraction digits. */
function roundUpToScale(unscaled: bigint, scale: number, target: number): bigint {
  if (scale <= target) {
    return unscaled * pow10(target - scale);
  }
  const d = pow10(scale - target);
  const neg = unscaled < 0n;
  const abs = neg ? -unscaled : unscaled;
  let q = abs / d;
  if (abs % d !== 0n) {
    q += 1n;
  }
  return neg ? -q : q;
}

/** Parses like apimachinery's `ParseQuantity`; throws {@link CelEvalError} with its message. */
function parseRep(str: string): { rep: QuantityRep; format: QuantityFormat } {
  if (str.length === 0) {
    throw new CelEvalError(ERR_FORMAT_WRONG);
  }
  if (str === '0') {
    return { rep: { kind: 'int', value: 0n, scale: 0 }, format: 'DecimalSI' };
  }
  const s = scan(str);
  if (s === 'format') {
    throw new CelEvalError(ERR_FORMAT_WRONG);
  }
  const suffix = interpret(s.suffix);
  if (suffix === undefined) {
    throw new CelEvalError(ERR_SUFFIX);
  }
  let { format } = suffix;
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (suffix.base === 10) {
    scale = suffix.exponent;
    precision = MAX_INT64_FACTORS - (s.num.length + s.denom.length);
  } else if (suffix.exponent >= 0 && s.denom.length === 0) {
    mantissa = 2n ** BigInt(suffix.exponent);
    // Go: 15 - len(num) - int32(float32(exponent)*3/10) - 1 (truncation towards zero).
    precision = 15 - s.num.length - Math.trunc((suffix.exponent * 3) / 10) - 1;
  } else {
    precision = -1;
  }

  if (precision >= 0) {
    scale -= s.denom.length;
    if (scale >= NANO) {
      const value = BigInt(s.num + s.denom);
      const result = value * mantissa;
      if (inInt64(result)) {
        return { rep: { kind: 'int', value: s.positive ? result : -result, scale }, format };
      }
    }
  }

  // Slow path: inf.Dec.
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(s.value);
  if (m === null || (m[2] + (m[3] ?? '')).length === 0) {
    throw new CelEvalError(ERR_NUMERIC);
  }
  let unscaled = BigInt(m[2] + (m[3] ?? ''));
  let decScale = (m[3] ?? '').length;
  if (suffix.base === 10) {
    decScale -= suffix.exponent;
  } else {
    unscaled *= 2n ** BigInt(suffix.exponent);
  }
  // (the sign of `value` is handled via s.positive; the regex sign is ignored on purpose)
  if (unscaled !== 0n) {
    unscaled = roundUpToScale(unscaled, decScale, -NANO);
    decScale = -NANO;
  }
  if (format === 'BinarySI' && unscaled > INT64_MAX * pow10(decScale)) {
    unscaled = INT64_MAX;
    decScale = 0;
  }
  if (format === 'BinarySI' && unscaled > 0n && unscaled < pow10(decScale)) {
    format = 'DecimalSI';
  }
  return { rep: { kind: 'dec', unscaled: s.positive ? unscaled : -unscaled, scale: decScale }, format };
}

/** Go's math.Pow10, rebuilt from the same table products so results match bit for bit. */
function goPow10(n: number): number {
  if (n >= 0 && n <= 308) {
    return Number(`1e${32 * Math.floor(n / 32)}`) * Number(`1e${n % 32}`);
  }
  if (n < 0 && n >= -323) {
    const m = -n;
    return Number(`1e-${32 * Math.floor(m / 32)}`) / Number(`1e${m % 32}`);
  }
  return n > 0 ? Infinity : 0;
}

/** A `kubernetes.Quantity` CEL value. Immutable. */
export class K8sQuantity {
  /** `quantity(str)`: throws {@link CelEvalError} with apimachinery's message if invalid. */
  public static parse(str: string): K8sQuantity {
    const { rep, format } = parseRep(str);
    const q = new K8sQuantity(rep, format);
    // Cross-check with the project's parser wherever both accept the text and no rounding applied.
    const ours = Quantity.tryParse(str);
    if (ours !== undefined && rep.kind === 'int' && !ours.equals(q.exact)) {
      throw new HarnessUnsupportedError(`quantity ${JSON.stringify(str)}: apimachinery model and src/kubernetes/quantity.ts disagree`);
    }
    return q;
  }

  /** `isQuantity(str)`. */
  public static isValid(str: string): boolean {
    try {
      K8sQuantity.parse(str);
      return true;
    } catch (e) {
      if (e instanceof CelEvalError) {
        return false;
      }
      throw e;
    }
  }

  /** apimachinery's NewQuantity(i, DecimalExponent), used by add(int)/sub(int). */
  public static ofInt(i: bigint): K8sQuantity {
    return new K8sQuantity({ kind: 'int', value: i, scale: 0 }, 'DecimalExponent');
  }

  /** The exact value (project Quantity). */
  public readonly exact: Quantity;

  private constructor(public readonly rep: QuantityRep, public readonly format: QuantityFormat) {
    this.exact = exactOf(rep);
    Object.freeze(this);
  }

  /** -1, 0 or 1. */
  public compareTo(other: K8sQuantity): -1 | 0 | 1 {
    return this.exact.compare(other.exact);
  }

  /** `sign(q)`: -1, 0 or 1. */
  public sign(): bigint {
    return BigInt(this.exact.compare(Quantity.ZERO));
  }

  /** apimachinery's AsInt64. */
  public asInt64(): bigint | undefined {
    const rep = this.rep;
    if (rep.kind === 'dec') {
      return undefined;
    }
    if (rep.scale === 0) {
      return rep.value;
    }
    if (rep.scale < 0) {
      return undefined;
    }
    const v = rep.value * pow10(rep.scale);
    return inInt64(v) ? v : undefined;
  }

  /** apimachinery's AsApproximateFloat64. */
  public asApproximateFloat(): number {
    const [mantissa, exponent] = repToExponent(this.rep);
    const base = Number(mantissa);
    if (exponent === 0) {
      return base;
    }
    return base * goPow10(exponent);
  }

  /** apimachinery's Quantity.Add on a copy. */
  public add(y: K8sQuantity): K8sQuantity {
    let format = this.format;
    if (this.rep.kind === 'int' && y.rep.kind === 'int') {
      if (this.rep.value === 0n) {
        format = y.format;
      }
      const sum = addInt64Amounts(this.rep, y.rep);
      if (sum !== undefined) {
        return new K8sQuantity(sum, format);
      }
    } else if (this.isZero()) {
      format = y.format;
    }
    return new K8sQuantity(addDec(this.rep, y.rep, 1n), format);
  }

  /** apimachinery's Quantity.Sub on a copy. */
  public sub(y: K8sQuantity): K8sQuantity {
    let format = this.format;
    if (this.isZero()) {
      format = y.format;
    }
    if (this.rep.kind === 'int' && y.rep.kind === 'int') {
      // int64Amount.Sub adds -b.value; Go's negation of MinInt64 wraps to itself.
      const negated = y.rep.value === INT64_MIN ? INT64_MIN : -y.rep.value;
      const sum = addInt64Amounts(this.rep, { value: negated, scale: y.rep.scale });
      if (sum !== undefined) {
        return new K8sQuantity(sum, format);
      }
    }
    return new K8sQuantity(addDec(this.rep, y.rep, -1n), format);
  }

  private isZero(): boolean {
    return repToExponent(this.rep)[0] === 0n;
  }

  public toString(): string {
    return `quantity(${this.exact.toString()})`;
  }
}

/** int64Amount.Add: undefined when the int64 fast path overflows. */
function addInt64Amounts(
  a: { value: bigint; scale: number },
  b: { value: bigint; scale: number },
): QuantityRep | undefined {
  if (b.value === 0n) {
    return { kind: 'int', value: a.value, scale: a.scale };
  }
  if (a.value === 0n) {
    return { kind: 'int', value: b.value, scale: b.scale };
  }
  if (a.scale === b.scale) {
    const c = a.value + b.value;
    return inInt64(c) ? { kind: 'int', value: c, scale: a.scale } : undefined;
  }
  if (a.scale > b.scale) {
    const shifted = a.value * pow10(a.scale - b.scale);
    if (!inInt64(shifted)) return undefined;
    const c = shifted + b.value;
    return inInt64(c) ? { kind: 'int', value: c, scale: b.scale } : undefined;
  }
  const shifted = b.value * pow10(b.scale - a.scale);
  if (!inInt64(shifted)) return undefined;
  const c = a.value + shifted;
  return inInt64(c) ? { kind: 'int', value: c, scale: a.scale } : undefined;
}

/** inf.Dec addition (sign = 1) or subtraction (sign = -1): the result keeps the larger scale. */
function addDec(a: QuantityRep, b: QuantityRep, sign: 1n | -1n): QuantityRep {
  const [ma, ea] = repToExponent(a);
  const [mb, eb] = repToExponent(b);
  const sa = -ea;
  const sb = -eb;
  const scale = Math.max(sa, sb);
  const unscaled = ma * pow10(scale - sa) + sign * mb * pow10(scale - sb);
  return { kind: 'dec', unscaled, scale };
}
