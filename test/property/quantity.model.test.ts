/**
 * Model-based test of `Quantity`: parse, compare, equals, add, times, toString, toMilliCeil and
 * isZero/isNegative are checked against a reference written differently — values are decimal
 * digit strings with a power-of-ten exponent, and all arithmetic is done on strings, digit by
 * digit (no BigInt, no floating point).
 */
import * as fc from 'fast-check';
import { announce, params, timeoutFor } from './support';
import { MAX_DECIMAL_EXPONENT, Quantity, QuantityError } from '../../src/kubernetes/quantity';

// ---------------------------------------------------------------------------------------------
// Reference: value = (neg ? -1 : 1) * digits * 10^exp, digits without leading or trailing zeros
// ('0' with exp 0 and neg false for zero). `binary` remembers a binary suffix (formatting only).

interface Ref { readonly neg: boolean; readonly digits: string; readonly exp: number; readonly binary: boolean }

function stripLeading(d: string): string {
  let i = 0;
  while (i < d.length - 1 && d[i] === '0') i++;
  return d.slice(i);
}

function norm(neg: boolean, digits: string, exp: number, binary: boolean): Ref {
  let d = stripLeading(digits === '' ? '0' : digits);
  if (d === '0') return { neg: false, digits: '0', exp: 0, binary };
  let e = exp;
  while (d.endsWith('0')) { d = d.slice(0, -1); e++; }
  return { neg, digits: d, exp: e, binary };
}

/** a * n for a digit string and a small non-negative integer n (schoolbook, right to left). */
function mulSmall(a: string, n: number): string {
  let carry = 0;
  let out = '';
  for (let i = a.length - 1; i >= 0; i--) {
    const p = (a.charCodeAt(i) - 48) * n + carry;
    out = String(p % 10) + out;
    carry = Math.floor(p / 10);
  }
  while (carry > 0) { out = String(carry % 10) + out; carry = Math.floor(carry / 10); }
  return stripLeading(out);
}

/** a * b for digit strings (long multiplication). */
function mulStr(a: string, b: string): string {
  const res = new Array<number>(a.length + b.length).fill(0);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const k = i + j + 1;
      const s = res[k] + (a.charCodeAt(i) - 48) * (b.charCodeAt(j) - 48);
      res[k] = s % 10;
      res[k - 1] += Math.floor(s / 10);
    }
  }
  return stripLeading(res.join(''));
}

function cmpMag(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function addMag(a: string, b: string): string {
  const n = Math.max(a.length, b.length);
  const x = a.padStart(n, '0');
  const y = b.padStart(n, '0');
  let carry = 0;
  let out = '';
  for (let i = n - 1; i >= 0; i--) {
    const s = x.charCodeAt(i) - 48 + y.charCodeAt(i) - 48 + carry;
    out = String(s % 10) + out;
    carry = s >= 10 ? 1 : 0;
  }
  return stripLeading((carry ? '1' : '') + out);
}

/** a - b for a >= b. */
function subMag(a: string, b: string): string {
  const y = b.padStart(a.length, '0');
  let borrow = 0;
  let out = '';
  for (let i = a.length - 1; i >= 0; i--) {
    let s = a.charCodeAt(i) - 48 - (y.charCodeAt(i) - 48) - borrow;
    borrow = s < 0 ? 1 : 0;
    if (s < 0) s += 10;
    out = String(s) + out;
  }
  return stripLeading(out);
}

/** Both magnitudes over the smaller exponent. */
function align(a: Ref, b: Ref): [string, string, number] {
  const e = Math.min(a.exp, b.exp);
  return [stripLeading(a.digits + '0'.repeat(a.exp - e)), stripLeading(b.digits + '0'.repeat(b.exp - e)), e];
}

function refCompare(a: Ref, b: Ref): number {
  const sa = a.digits === '0' ? 0 : a.neg ? -1 : 1;
  const sb = b.digits === '0' ? 0 : b.neg ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const [x, y] = align(a, b);
  const c = cmpMag(x, y);
  return c === 0 ? 0 : sa > 0 ? c : -c;
}

function refAdd(a: Ref, b: Ref): Ref {
  const [x, y, e] = align(a, b);
  const binary = a.binary || b.binary;
  if (a.neg === b.neg) return norm(a.neg, addMag(x, y), e, binary);
  const c = cmpMag(x, y);
  if (c === 0) return norm(false, '0', 0, binary);
  return c > 0 ? norm(a.neg, subMag(x, y), e, binary) : norm(b.neg, subMag(y, x), e, binary);
}

function refTimes(a: Ref, n: string): Ref {
  return norm(a.neg, mulStr(a.digits, n), a.exp, a.binary);
}

const DEC: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

/** The reference parser: the apimachinery grammar, exponents limited to |e| <= 100. */
function refParse(s: string): Ref | undefined {
  const m = /^([+-]?)([0-9]*)(\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/.exec(s);
  if (!m) return undefined;
  const int = m[2];
  const frac = m[4] ?? '';
  if (int === '' && frac === '') return undefined;
  const suffix = m[5] ?? '';
  let digits = int + frac;
  let exp = -frac.length;
  let binary = false;
  if (suffix in BIN) {
    for (let i = 0; i < BIN[suffix]; i++) digits = mulSmall(digits, 1024);
    binary = true;
  } else if (suffix in DEC) {
    exp += DEC[suffix];
  } else if (suffix !== '') {
    const sign = suffix[1] === '-' ? -1 : 1;
    const mag = stripLeading(suffix.replace(/^[eE][+-]?/, ''));
    if (mag.length > 3 || Number(mag) > MAX_DECIMAL_EXPONENT) return undefined;
    exp += sign * Number(mag);
  }
  return norm(m[1] === '-', digits, exp, binary);
}

/** Divides a digit string by 1024 if exact. */
function div1024(d: string): string | undefined {
  let rem = 0;
  let out = '';
  for (const ch of d) {
    const cur = rem * 10 + (ch.charCodeAt(0) - 48);
    out += String(Math.floor(cur / 1024));
    rem = cur % 1024;
  }
  return rem === 0 ? stripLeading(out) : undefined;
}

/** The documented canonical form of Quantity.toString. */
function refFormat(r: Ref): string {
  if (r.digits === '0') return '0';
  const sign = r.neg ? '-' : '';
  if (r.binary && r.exp >= 0) {
    const int = r.digits + '0'.repeat(r.exp);
    if (cmpMag(int, '1024') >= 0) {
      let mant = int;
      let p = 0;
      for (; p < 6; p++) {
        const q = div1024(mant);
        if (q === undefined) break;
        mant = q;
      }
      return `${sign}${mant}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][p]}`;
    }
  }
  if (r.exp < -9) {
    if (-r.exp <= MAX_DECIMAL_EXPONENT) return `${sign}${r.digits}e${r.exp}`;
    const padded = r.digits.padStart(-r.exp + 1, '0');
    const cut = padded.length + r.exp;
    return `${sign}${padded.slice(0, cut)}.${padded.slice(cut)}`;
  }
  if (r.exp > 21) {
    const e = Math.min(r.exp, MAX_DECIMAL_EXPONENT);
    return `${sign}${r.digits}${'0'.repeat(r.exp - e)}e${e}`;
  }
  const table: [number, string][] = [[18, 'E'], [15, 'P'], [12, 'T'], [9, 'G'], [6, 'M'], [3, 'k'], [0, ''], [-3, 'm'], [-6, 'u'], [-9, 'n']];
  const [e, suffix] = table.find(([x]) => x <= r.exp)!;
  return `${sign}${r.digits}${'0'.repeat(r.exp - e)}${suffix}`;
}

/** ceil(value * 1000) as a decimal integer string. */
function refMilliCeil(r: Ref): string {
  if (r.digits === '0') return '0';
  const e = r.exp + 3;
  if (e >= 0) return `${r.neg ? '-' : ''}${r.digits}${'0'.repeat(e)}`;
  const cut = r.digits.length + e;
  const truncated = cut > 0 ? r.digits.slice(0, cut) : '0';
  // A fractional part remains (digits have no trailing zeros): round up positives, truncate negatives.
  if (r.neg) return truncated === '0' ? '0' : `-${truncated}`;
  return addMag(truncated, '1');
}

function refString(r: Ref): string {
  return `${r.neg ? '-' : ''}${r.digits}e${r.exp}`;
}

/** The reference value of an implementation quantity, through its canonical string. */
function valueOf(q: Quantity): Ref {
  const r = refParse(q.toString());
  if (!r) throw new Error(`Quantity.toString() gave ${JSON.stringify(q.toString())}, which the reference cannot parse`);
  return r;
}

function tryImpl(s: string | number): Quantity | QuantityError {
  try {
    return Quantity.parse(s);
  } catch (e) {
    if (e instanceof QuantityError) return e;
    throw e; // anything else (TypeError, RangeError) fails the property
  }
}

// ---------------------------------------------------------------------------------------------
// Generators: well-formed quantities in every notation, and near-miss strings.

const digitString = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: max });
const exponentSuffix = fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.nat({ max: 130 }), fc.nat({ max: 2 }))
  .map(([e, s, n, zeros]) => `${e}${s}${'0'.repeat(zeros)}${n}`);
const suffix = fc.oneof(
  fc.constantFrom('', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'n', 'u'),
  fc.constantFrom('Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'),
  exponentSuffix,
);
/** Valid quantities: sign, integer digits, optional fraction, any suffix. */
const validQuantity = fc.tuple(fc.constantFrom('', '', '', '+', '-'), digitString(22), fc.option(digitString(12), { nil: undefined }), suffix)
  .filter(([, int, frac]) => int.length > 0 || (frac !== undefined && frac.length > 0))
  .map(([s, int, frac, suf]) => `${s}${int}${frac === undefined ? '' : `.${frac}`}${suf}`);
/** Typical resource quantities (small mantissas). */
const typicalQuantity = fc.tuple(fc.nat({ max: 99999 }), fc.option(fc.nat({ max: 999 }), { nil: undefined }),
  fc.constantFrom('', 'm', 'k', 'M', 'G', 'Ki', 'Mi', 'Gi', 'e3', 'e-3', 'E2', 'e0'))
  .map(([i, f, s]) => `${i}${f === undefined ? '' : `.${f}`}${s}`);
/** Near misses: short strings over the grammar's alphabet plus a few intruders. */
const nearMiss = fc.string({ unit: fc.constantFrom(...'0123456789.+-eEkKMGiTPmun xI\t٣'), maxLength: 10 });
const anyQuantityString = fc.oneof(
  { weight: 4, arbitrary: validQuantity }, { weight: 3, arbitrary: typicalQuantity }, { weight: 3, arbitrary: nearMiss });
const validQ = fc.oneof(validQuantity, typicalQuantity).filter((s) => refParse(s) !== undefined);

const RUNS = { parse: 5000, number: 2000, compare: 4000, add: 4000, times: 3000, format: 4000 };
announce('test/property/quantity.model.test.ts', RUNS);

describe('Quantity agrees with the decimal-string reference', () => {
  test('parse: accepts exactly the grammar, with the exact value; toString round-trips and is the canonical form', () => {
    fc.assert(fc.property(anyQuantityString, (s) => {
      const ref = refParse(s);
      const q = tryImpl(s);
      if (ref === undefined) {
        expect(q).toBeInstanceOf(QuantityError);
        expect(Quantity.tryParse(s)).toBeUndefined();
        expect(Quantity.isValid(s)).toBe(false);
        return;
      }
      if (q instanceof QuantityError) throw new Error(`Quantity.parse(${JSON.stringify(s)}) rejected a valid quantity: ${q.message}`);
      expect(q.text).toBe(s);
      expect(refString(valueOf(q))).toBe(refString(ref));
      expect(q.toString()).toBe(refFormat(ref));
      expect(q.isZero()).toBe(ref.digits === '0');
      expect(q.isNegative()).toBe(ref.neg);
      const again = Quantity.parse(q.toString());
      expect(again.equals(q)).toBe(true);
      expect(again.toString()).toBe(q.toString());
      expect(q.toMilliCeil().toString()).toBe(refMilliCeil(ref));
    }), params(RUNS.parse));
  }, timeoutFor(RUNS.parse, 5));

  test('parse(number): finite numbers are read as String(n)', () => {
    fc.assert(fc.property(fc.oneof(fc.double(), fc.integer(), fc.double({ min: -1e6, max: 1e6, noNaN: true })), (n) => {
      const q = tryImpl(n);
      if (!Number.isFinite(n)) {
        expect(q).toBeInstanceOf(QuantityError);
        return;
      }
      const ref = refParse(String(n));
      if (ref === undefined) {
        // e.g. 1e-300: String(n) has an exponent beyond the bound
        expect(q).toBeInstanceOf(QuantityError);
        return;
      }
      expect(q).toBeInstanceOf(Quantity);
      expect(refString(valueOf(q as Quantity))).toBe(refString(ref));
    }), params(RUNS.number));
  }, timeoutFor(RUNS.number, 5));

  test('compare, equals, lessThan, greaterOrEqual... agree with the reference', () => {
    // Pairs often share a value in different notations: b is sometimes a's canonical form.
    const pair = fc.oneof(
      fc.tuple(validQ, validQ),
      validQ.chain((a) => fc.constant([a, Quantity.parse(a).toString()] as [string, string])),
    );
    fc.assert(fc.property(pair, ([a, b]) => {
      const ra = refParse(a)!;
      const rb = refParse(b)!;
      const qa = Quantity.parse(a);
      const qb = Quantity.parse(b);
      const c = refCompare(ra, rb);
      expect(qa.compare(qb)).toBe(c);
      expect(qb.compare(qa)).toBe(c === 0 ? 0 : -c);
      expect(qa.equals(qb)).toBe(c === 0);
      expect(qa.lessThan(qb)).toBe(c < 0);
      expect(qa.lessOrEqual(qb)).toBe(c <= 0);
      expect(qa.greaterThan(qb)).toBe(c > 0);
      expect(qa.greaterOrEqual(qb)).toBe(c >= 0);
    }), params(RUNS.compare));
  }, timeoutFor(RUNS.compare, 5));

  test('add is exact, commutative, and formats like the reference', () => {
    fc.assert(fc.property(validQ, validQ, (a, b) => {
      const sum = Quantity.parse(a).add(Quantity.parse(b));
      const ref = refAdd(refParse(a)!, refParse(b)!);
      expect(refString(valueOf(sum))).toBe(refString(ref));
      expect(sum.toString()).toBe(refFormat(ref));
      expect(sum.text).toBe(sum.toString());
      expect(Quantity.parse(b).add(Quantity.parse(a)).equals(sum)).toBe(true);
    }), params(RUNS.add));
  }, timeoutFor(RUNS.add, 5));

  test('times(n) is exact for non-negative integers; other factors are a RangeError', () => {
    const factor = fc.oneof(fc.nat({ max: 1000 }), fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.constant(Number.MAX_SAFE_INTEGER));
    fc.assert(fc.property(validQ, factor, (a, n) => {
      const product = Quantity.parse(a).times(n);
      const ref = refTimes(refParse(a)!, n.toString());
      expect(refString(valueOf(product))).toBe(refString(ref));
      expect(product.toString()).toBe(refFormat(ref));
    }), params(RUNS.times));
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53, -1n]) {
      expect(() => Quantity.parse('1').times(bad)).toThrow(RangeError);
    }
  }, timeoutFor(RUNS.times, 5));

  test('toString of every value the reference can write parses back to the same value', () => {
    // Values straight from (digits, exponent) pairs, including beyond what users write.
    const value = fc.tuple(fc.boolean(), fc.stringMatching(/^[1-9][0-9]{0,30}$/), fc.integer({ min: -140, max: 140 }), fc.boolean());
    fc.assert(fc.property(value, ([neg, digits, exp, binary]) => {
      const r = norm(neg, digits, exp, false);
      const written = refFormat(r);
      const q = tryImpl(written);
      if (Math.abs(r.exp) > MAX_DECIMAL_EXPONENT && r.exp > 0) {
        // The reference can write 10^101 only as a long mantissa with e100; the parser accepts it.
        expect(q).toBeInstanceOf(Quantity);
      }
      if (q instanceof QuantityError) throw new Error(`the canonical form ${JSON.stringify(written)} does not parse: ${q.message}`);
      expect(q.toString()).toBe(written);
      expect(Quantity.parse(q.toString()).equals(q)).toBe(true);
      if (binary && r.exp >= 0) {
        const b = Quantity.parse(`${digits}Ki`);
        expect(b.toString()).toBe(refFormat(refParse(`${digits}Ki`)!));
      }
    }), params(RUNS.format));
  }, timeoutFor(RUNS.format, 5));
});
