/**
 * Exact parsing and comparison of Kubernetes resource quantities.
 *
 * Implements the grammar of `k8s.io/apimachinery/pkg/api/resource`:
 *
 * ```
 * <quantity>        ::= <signedNumber><suffix>
 * <signedNumber>    ::= <number> | +<number> | -<number>
 * <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 * <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
 * <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
 * <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
 * <decimalExponent> ::= "e" <signedInteger> | "E" <signedInteger>
 * ```
 *
 * `n` (nano) and `u` (micro) are accepted because apimachinery's suffix table
 * accepts them (the metrics API reports CPU as e.g. `"123456n"`), even though
 * the grammar comment in `quantity.go` does not list them.
 *
 * Values are held as an exact rational `numerator / 10^scale` with a BigInt
 * numerator, so no floating point is involved anywhere.
 *
 * @module
 */

/**
 * Largest accepted magnitude of a decimal exponent written in `e`/`E`
 * notation (`1e100` and `1e-100` are accepted, `1e101` and `1e-101` are
 * rejected with a {@link QuantityError}). The exponent's digits are length
 * checked before conversion, so `"1e99999999"` is rejected without building
 * a large BigInt. SI suffixes stay well inside this bound (`n` = 10^-9 up to
 * `E` = 10^18; `Ei` = 2^60). Plain digit strings are not limited other than
 * by their length.
 */
export const MAX_DECIMAL_EXPONENT = 100;

/** Thrown for an input that is not a Kubernetes quantity. The message names the input and why. */
export class QuantityError extends Error {
  /** The offending input, as given. */
  public readonly input: unknown;

  constructor(input: unknown, reason: string) {
    super(`invalid quantity ${describeInput(input)}: ${reason}`);
    this.name = 'QuantityError';
    this.input = input;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** Decimal SI suffixes and their power of ten. */
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  'n': -9,
  'u': -6,
  'm': -3,
  '': 0,
  'k': 3,
  'M': 6,
  'G': 9,
  'T': 12,
  'P': 15,
  'E': 18,
};

/** Binary SI suffixes and their power of 1024. */
const BINARY_SUFFIXES: Readonly<Record<string, number>> = {
  Ki: 1,
  Mi: 2,
  Gi: 3,
  Ti: 4,
  Pi: 5,
  Ei: 6,
};

/** Binary suffixes indexed by power of 1024 (index 0 unused). */
const BINARY_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Decimal suffixes used by {@link Quantity.toString}, largest first. */
const DECIMAL_BY_EXPONENT: ReadonlyArray<[number, string]> = [
  [18, 'E'],
  [15, 'P'],
  [12, 'T'],
  [9, 'G'],
  [6, 'M'],
  [3, 'k'],
  [0, ''],
  [-3, 'm'],
  [-6, 'u'],
  [-9, 'n'],
];

const NUMBER_RE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/s;
const EXPONENT_RE = /^[eE]([+-]?)([0-9]+)$/;

/** Cache of powers of ten (small exponents are hit constantly). */
const POW10_CACHE: bigint[] = [];

function pow10(n: number): bigint {
  if (n < 64) {
    let cached = POW10_CACHE[n];
    if (cached === undefined) {
      cached = 10n ** BigInt(n);
      POW10_CACHE[n] = cached;
    }
    return cached;
  }
  return 10n ** BigInt(n);
}

/** Writes `abs / 10^scale` (abs > 0, scale > 0) in plain decimal notation, e.g. "0.0015". */
function plainDecimal(abs: bigint, scale: number): string {
  const digits = abs.toString().padStart(scale + 1, '0');
  const cut = digits.length - scale;
  return `${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

function describeInput(input: unknown): string {
  if (typeof input === 'string') {
    return JSON.stringify(input.length > 64 ? `${input.slice(0, 64)}…` : input);
  }
  if (typeof input === 'number' || typeof input === 'bigint' || typeof input === 'boolean') {
    return String(input);
  }
  if (input === null) {
    return 'null';
  }
  return `of type ${typeof input}`;
}

/**
 * An exact Kubernetes quantity. Immutable.
 *
 * The value is `numerator / 10^scale`, normalised so that `scale` is as small
 * as possible (two equal values always have identical fields).
 */
export class Quantity {
  /** The quantity zero (`"0"`). */
  public static readonly ZERO: Quantity = new Quantity(0n, 0, false, '0');

  /**
   * Parses a quantity.
   *
   * Strings must match the apimachinery grammar exactly (no whitespace).
   * Numbers (as produced by YAML for `cpu: 1` or `cpu: 0.5`) must be finite
   * and are converted with `String(n)`, i.e. the shortest decimal that
   * round-trips the double, which is what the YAML source said for any
   * reasonable literal.
   *
   * @throws QuantityError if the input is not a valid quantity.
   */
  public static parse(input: string | number): Quantity {
    if (typeof input === 'number') {
      if (!Number.isFinite(input)) {
        throw new QuantityError(input, 'number is not finite');
      }
      return Quantity.parseString(String(input), input);
    }
    if (typeof input !== 'string') {
      throw new QuantityError(input, 'expected a string or a number');
    }
    return Quantity.parseString(input, input);
  }

  /**
   * Parses a quantity and rejects negative values, as appropriate for
   * resource requests and limits.
   *
   * @throws QuantityError if the input is invalid or negative.
   */
  public static parseNonNegative(input: string | number): Quantity {
    const q = Quantity.parse(input);
    if (q.isNegative()) {
      throw new QuantityError(input, 'must not be negative');
    }
    return q;
  }

  /** Like {@link Quantity.parse}, but returns `undefined` for anything that is not a valid quantity (including non-string/number values). */
  public static tryParse(input: unknown): Quantity | undefined {
    if (typeof input !== 'string' && typeof input !== 'number') {
      return undefined;
    }
    try {
      return Quantity.parse(input);
    } catch (e) {
      if (e instanceof QuantityError) {
        return undefined;
      }
      throw e;
    }
  }

  /** Whether `input` is a string or number that parses as a quantity. */
  public static isValid(input: unknown): boolean {
    return Quantity.tryParse(input) !== undefined;
  }

  private static parseString(text: string, original: unknown): Quantity {
    if (text.length === 0) {
      throw new QuantityError(original, 'empty string');
    }
    const m = NUMBER_RE.exec(text);
    if (m === null) {
      // Unreachable in practice: the pattern matches every string.
      throw new QuantityError(original, 'not a number');
    }
    const sign = m[1];
    const intDigits = m[2];
    const fracDigits = m[3] ?? '';
    const suffix = m[4];

    if (intDigits.length === 0 && fracDigits.length === 0) {
      throw new QuantityError(original, 'expected digits');
    }

    let pow10Exp: number;
    let pow1024Exp = 0;
    let binary = false;
    if (Object.prototype.hasOwnProperty.call(DECIMAL_SUFFIXES, suffix)) {
      pow10Exp = DECIMAL_SUFFIXES[suffix];
    } else if (Object.prototype.hasOwnProperty.call(BINARY_SUFFIXES, suffix)) {
      pow10Exp = 0;
      pow1024Exp = BINARY_SUFFIXES[suffix];
      binary = true;
    } else {
      const e = EXPONENT_RE.exec(suffix);
      if (e === null) {
        throw new QuantityError(original, `unknown suffix ${JSON.stringify(suffix)}`);
      }
      const expDigits = e[2].replace(/^0+(?=.)/, '');
      // Check the length first so that absurd exponents never reach Number/BigInt.
      const magnitude = expDigits.length > 6 ? Infinity : Number(expDigits);
      if (magnitude > MAX_DECIMAL_EXPONENT) {
        throw new QuantityError(
          original,
          `decimal exponent out of range (|exponent| must be at most ${MAX_DECIMAL_EXPONENT})`,
        );
      }
      pow10Exp = e[1] === '-' ? -magnitude : magnitude;
    }

    // value = digits * 10^(pow10Exp - fracDigits.length) * 1024^pow1024Exp
    let numerator = BigInt(intDigits + fracDigits);
    if (sign === '-') {
      numerator = -numerator;
    }
    if (pow1024Exp > 0) {
      numerator *= 1024n ** BigInt(pow1024Exp);
    }
    let scale = fracDigits.length - pow10Exp;
    if (scale < 0) {
      numerator *= pow10(-scale);
      scale = 0;
    }
    return Quantity.create(numerator, scale, binary, text);
  }

  /** Builds a normalised quantity from `numerator / 10^scale` (scale >= 0). */
  private static create(numerator: bigint, scale: number, binary: boolean, text?: string): Quantity {
    if (numerator === 0n) {
      scale = 0;
    } else {
      while (scale > 0 && numerator % 10n === 0n) {
        numerator /= 10n;
        scale--;
      }
    }
    return new Quantity(numerator, scale, binary, text);
  }

  /** Rewrites both values over a common power-of-ten denominator. */
  private static align(a: Quantity, b: Quantity): [bigint, bigint, number] {
    if (a.scale === b.scale) {
      return [a.numerator, b.numerator, a.scale];
    }
    if (a.scale < b.scale) {
      return [a.numerator * pow10(b.scale - a.scale), b.numerator, b.scale];
    }
    return [a.numerator, b.numerator * pow10(a.scale - b.scale), a.scale];
  }

  /**
   * The original input as a string (`String(n)` for numbers). For results of
   * {@link Quantity.add} and {@link Quantity.times} this is the canonical form.
   */
  public readonly text: string;

  /** value = numerator / 10^scale. */
  private readonly numerator: bigint;
  private readonly scale: number;
  /** Whether binary suffixes are preferred when formatting. */
  private readonly binary: boolean;

  private constructor(numerator: bigint, scale: number, binary: boolean, text?: string) {
    this.numerator = numerator;
    this.scale = scale;
    this.binary = binary;
    this.text = text ?? this.toString();
    Object.freeze(this);
  }

  /** Compares this quantity with `other`: -1 if smaller, 0 if equal, 1 if larger. */
  public compare(other: Quantity): -1 | 0 | 1 {
    const [a, b] = Quantity.align(this, other);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Whether both quantities denote the same value (`"4000m"` equals `"4"`). */
  public equals(other: Quantity): boolean {
    return this.numerator === other.numerator && this.scale === other.scale;
  }

  /** `this < other`. */
  public lessThan(other: Quantity): boolean {
    return this.compare(other) < 0;
  }

  /** `this <= other`. */
  public lessOrEqual(other: Quantity): boolean {
    return this.compare(other) <= 0;
  }

  /** `this > other`. */
  public greaterThan(other: Quantity): boolean {
    return this.compare(other) > 0;
  }

  /** `this >= other`. */
  public greaterOrEqual(other: Quantity): boolean {
    return this.compare(other) >= 0;
  }

  /**
   * The exact sum. The result is formatted in binary form if either operand
   * was written with a binary suffix (and the sum is a suitable multiple).
   */
  public add(other: Quantity): Quantity {
    const [a, b, scale] = Quantity.align(this, other);
    return Quantity.create(a + b, scale, this.binary || other.binary);
  }

  /**
   * The exact product with a non-negative integer (e.g. a replica count).
   *
   * @throws RangeError if `n` is not a non-negative (safe) integer.
   */
  public times(n: number | bigint): Quantity {
    let factor: bigint;
    if (typeof n === 'bigint') {
      factor = n;
    } else if (typeof n === 'number' && Number.isSafeInteger(n)) {
      factor = BigInt(n);
    } else {
      throw new RangeError(`Quantity.times: expected a non-negative integer, got ${String(n)}`);
    }
    if (factor < 0n) {
      throw new RangeError(`Quantity.times: expected a non-negative integer, got ${String(n)}`);
    }
    return Quantity.create(this.numerator * factor, this.scale, this.binary);
  }

  /** Whether the value is strictly below zero. */
  public isNegative(): boolean {
    return this.numerator < 0n;
  }

  /** Whether the value is zero (`"0"`, `"-0"`, `"0Gi"`, `"0.0m"`...). */
  public isZero(): boolean {
    return this.numerator === 0n;
  }

  /**
   * The value in thousandths, rounded up (towards positive infinity), e.g.
   * `"0.1m"` → `1n`, `"1"` → `1000n`, `"1Ki"` → `1024000n`, `"-0.5m"` → `0n`.
   */
  public toMilliCeil(): bigint {
    const scaled = this.numerator * 1000n;
    if (this.scale === 0) {
      return scaled;
    }
    const d = pow10(this.scale);
    const q = scaled / d; // truncates towards zero
    return scaled % d > 0n ? q + 1n : q;
  }

  /**
   * A canonical, readable string that parses back to exactly the same value.
   *
   * - Zero is `"0"`.
   * - Binary form (`"1536Mi"`, `"1Ki"`, `"1500"`) if the input was written with
   *   a binary suffix, the value is an integer and its magnitude is at least
   *   1024 (as apimachinery does): the largest binary suffix that keeps the
   *   mantissa an integer is used.
   * - Otherwise decimal SI form (`"4"`, `"500m"`, `"100k"`, `"1500M"`,
   *   `"1000E"`): the largest suffix among n, u, m, "", k, M, G, T, P, E whose
   *   exponent keeps the mantissa an integer. Inputs in `e` notation are also
   *   rendered this way (`"1e3"` → `"1k"`).
   * - Values of 10^22 and above that end in at least 22 zeros use exponent
   *   form (`"1e22"`, `"123456e47"`) instead of a long `E` mantissa; the
   *   written exponent never exceeds {@link MAX_DECIMAL_EXPONENT}.
   * - Values finer than a nano unit are not rounded (unlike apimachinery,
   *   which rounds up to `n`); they are written exactly in exponent form, e.g.
   *   `"15e-10"`, or, when the exponent would be below -100, in plain decimal
   *   notation (`"0.000…1"`).
   *
   * In all cases `Quantity.parse(q.toString()).equals(q)` holds.
   */
  public toString(): string {
    if (this.numerator === 0n) {
      return '0';
    }
    const negative = this.numerator < 0n;
    const abs = negative ? -this.numerator : this.numerator;
    const sign = negative ? '-' : '';

    if (this.binary && this.scale === 0 && abs >= 1024n) {
      let mantissa = abs;
      let power = 0;
      while (power < 6 && mantissa % 1024n === 0n) {
        mantissa /= 1024n;
        power++;
      }
      return `${sign}${mantissa}${BINARY_BY_POWER[power]}`;
    }

    if (this.scale > 9) {
      // Finer than the "n" suffix: exact exponent form, or plain decimal
      // notation if the exponent would exceed the parser's bound.
      return this.scale <= MAX_DECIMAL_EXPONENT
        ? `${sign}${abs}e-${this.scale}`
        : `${sign}${plainDecimal(abs, this.scale)}`;
    }

    // value = abs * 10^exponent (exponent in [-9, 0]); abs has `tz` trailing decimal zeros.
    const exponent = -this.scale;
    let rest = abs;
    let tz = 0;
    while (rest % 10n === 0n) {
      rest /= 10n;
      tz++;
    }
    const maxExponent = exponent + tz;
    if (maxExponent > 21) {
      // Beyond "1000E": exponent form is more readable ("1e22", "123456e47").
      const e = Math.min(maxExponent, MAX_DECIMAL_EXPONENT);
      return `${sign}${rest * pow10(maxExponent - e)}e${e}`;
    }
    for (const [e, suffix] of DECIMAL_BY_EXPONENT) {
      if (e <= maxExponent) {
        const mantissa = e >= exponent ? abs / pow10(e - exponent) : abs * pow10(exponent - e);
        return `${sign}${mantissa}${suffix}`;
      }
    }
    // Unreachable: exponent >= -9 here, so the "n" suffix always fits.
    return `${sign}${abs}e${exponent}`;
  }
}

/**
 * Compares two quantity inputs: -1 if `a < b`, 0 if equal, 1 if `a > b`.
 *
 * @throws QuantityError if either input is invalid.
 */
export function compareQuantities(a: string | number, b: string | number): -1 | 0 | 1 {
  return Quantity.parse(a).compare(Quantity.parse(b));
}
