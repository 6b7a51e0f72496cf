/**
 * The Kubernetes quantity library, against results taken from Kubernetes' own tests
 * (apiserver/pkg/cel/library/quantity_test.go, apimachinery/pkg/api/resource/quantity_test.go) and
 * from reading apimachinery's parser.
 */
import { evalCel } from './environment';
import { CelEvalError, HarnessUnsupportedError } from './errors';
import { K8sQuantity } from './quantity';

const cel = (expr: string, inputs?: Record<string, unknown>): unknown => evalCel(expr, inputs);

describe('quantity(): equality and ordering by value', () => {
  test.each([
    ['quantity("1.5Gi") == quantity("1536Mi")', true],
    ['quantity("1e3") == quantity("1k")', true],
    ['quantity("1E3") == quantity("1k")', true],
    ['quantity("200M") == quantity("0.2G")', true],
    ['quantity("2M") == quantity("0.002G") && quantity("2000k") == quantity("2M")', true],
    ['quantity("200M") == quantity("0.3G")', false],
    ['quantity("4000m") == quantity("4")', true],
    ['quantity("1Ki") == quantity("1024")', true],
    ['quantity("1k") != quantity("1Ki")', true],
    ['quantity("50M").isLessThan(quantity("50Mi"))', true],
    ['quantity("50M").isLessThan(quantity("100M"))', true],
    ['quantity("100M").isLessThan(quantity("50M"))', false],
    ['quantity("50Mi").isGreaterThan(quantity("50M"))', true],
    ['quantity("150Mi").isGreaterThan(quantity("100Mi"))', true],
    ['quantity("50M").isGreaterThan(quantity("100M"))', false],
    ['quantity("10000T").isGreaterThan(quantity("100Gi"))', true],
    ['quantity("1") in [quantity("1000m")]', true],
  ])('%s → %s', (expr, expected) => {
    expect(cel(expr)).toBe(expected);
  });

  test.each([
    ['quantity("200M").compareTo(quantity("0.2G"))', 0n],
    ['quantity("50M").compareTo(quantity("50Mi"))', -1n],
    ['quantity("50Mi").compareTo(quantity("50M"))', 1n],
  ])('%s → %s', (expr, expected) => {
    expect(cel(expr)).toBe(expected);
  });

  test('quantities have no < operator (not comparable in cel-go)', () => {
    expect(() => cel('quantity("1") < quantity("2")')).toThrow(/no such overload|no matching overload/);
  });
});

describe('quantity(): parsing like apimachinery', () => {
  test.each([
    ['10Mo', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['10Mm', "unable to parse quantity's suffix"],
    ['200K', "unable to parse quantity's suffix"],
    ['', 'quantities must match the regular expression'],
    [' 1', 'quantities must match'],
    ['1 ', 'quantities must match'],
    ['1.1.M', 'quantities must match'],
    ['1+1.0M', 'quantities must match'],
    ['0.1mi', "unable to parse quantity's suffix"],
    ['0.1am', 'quantities must match'],
    ['aoeu', 'quantities must match'],
    ['.5i', "unable to parse quantity's suffix"],
    ['1i', "unable to parse quantity's suffix"],
    ['-3.01e-', "unable to parse quantity's suffix"],
    ['Three', 'quantities must match'],
    ['1,3G', 'quantities must match'],
  ])('quantity(%j) is an error', (input, message) => {
    expect(() => cel(`quantity(${JSON.stringify(input)})`)).toThrow(CelEvalError);
    expect(() => K8sQuantity.parse(input)).toThrow(message);
    expect(cel(`isQuantity(${JSON.stringify(input)})`)).toBe(false);
  });

  test.each(['20', '20M', '20Mi', '1.3G', '1.3Gi', '10000k', '1.', '1.G', '.001', '+1', '-1', '0.5e-9', '1e+3', '1E-3', '100.035Ki'])(
    'isQuantity(%j) is true', (input) => {
      expect(cel(`isQuantity(${JSON.stringify(input)})`)).toBe(true);
    },
  );

  test('digit-less forms parse as zero (scanner source), unlike src/kubernetes/quantity.ts', () => {
    // apimachinery's scanner returns num "0" for ".", "-.", "+", "-" and even a bare suffix ("Mi");
    // its unit test TestParseQuantityString pins "." and "-." to num "0". The CEL library's doc
    // comment claims quantity('Mi') errors; the scanner in source does not.
    for (const s of ['.', '-.', '+', '-', 'Mi', 'k']) {
      expect(cel(`quantity(${JSON.stringify(s)}) == quantity("0")`)).toBe(true);
    }
  });

  test('values finer than 1n round up away from zero (TestQuantityParse "saturate/round")', () => {
    expect(cel('quantity("3.001n") == quantity("4n")')).toBe(true);
    expect(cel('quantity("1.1E-9") == quantity("2n")')).toBe(true);
    expect(cel('quantity("0.5e-9") == quantity("1n")')).toBe(true);
    expect(cel('quantity("0.9n") == quantity("1n")')).toBe(true);
    expect(cel('quantity("0.00000012345") == quantity("124n")')).toBe(true);
    expect(cel('quantity("0.000000000001Ki") == quantity("2n")')).toBe(true);
    expect(cel('quantity("-0.1n") == quantity("-1n")')).toBe(true);
    expect(K8sQuantity.parse('0.000000000001Ki').format).toBe('DecimalSI');
  });

  test('binary values beyond 2^63-1 are capped (9Ei, 9223372036854775807Ki)', () => {
    expect(cel('quantity("9Ei") == quantity("9223372036854775807")')).toBe(true);
    expect(cel('quantity("9223372036854775807Ki") == quantity("9223372036854775807")')).toBe(true);
    expect(cel('quantity("-9Ei") == quantity("-9223372036854775807")')).toBe(true);
    expect(cel('quantity("7Ei") == quantity("8070450532247928832")')).toBe(true);
    // decimal suffixes are not capped
    expect(cel('quantity("12E") == quantity("12000000000000000000")')).toBe(true);
  });

  test('exponents beyond ±100 are outside the exact model: a harness gap, not a verdict', () => {
    expect(() => cel('quantity("1e101") == quantity("1")')).toThrow(HarnessUnsupportedError);
  });

  test('a non-string argument does not compile', () => {
    expect(() => cel('isQuantity([1, 2, 3])')).toThrow(/no matching overload/);
  });
});

describe('isInteger / asInteger follow apimachinery AsInt64 (representation-dependent)', () => {
  test.each([
    ['50k', true, 50000n],
    ['50', true, 50n],
    ['50000000G', true, 50000000000000000n],
    ['1536Mi', true, 1610612736n],
    ['1e3', true, 1000n],
    ['0', true, 0n],
    ['-7', true, -7n],
    ['999999999999999999', true, 999999999999999999n],
    // 19 digits leave the int64 fast path (precision 18 - 19 < 0): inf.Dec, so not "integer"
    ['9223372036854775807', false, undefined],
    // inf.Dec representations never convert, even when the value is whole:
    ['1.5Gi', false, undefined],
    ['9999999999999999999999999999999999999G', false, undefined],
    ['9223372036854775808', false, undefined],
    // int64Amount with a negative scale never converts either:
    ['1000m', false, undefined],
    ['0.0', false, undefined],
    ['1.5', false, undefined],
    // positive scale overflowing int64:
    ['1e30', false, undefined],
  ])('quantity(%j): isInteger %s, asInteger %s', (input, isInt, value) => {
    expect(cel(`quantity(${JSON.stringify(input)}).isInteger()`)).toBe(isInt);
    if (value === undefined) {
      expect(() => cel(`quantity(${JSON.stringify(input)}).asInteger()`)).toThrow('cannot convert value to integer');
    } else {
      expect(cel(`quantity(${JSON.stringify(input)}).asInteger()`)).toBe(value);
    }
  });
});

describe('arithmetic (quantity_test.go cases)', () => {
  test.each([
    ['quantity("50k").add(quantity("20")) == quantity("50.02k")', true],
    ['quantity("50k").add(20).isLessThan(quantity("50020"))', false],
    ['quantity("50k").sub(quantity("20")) == quantity("49.98k")', true],
    ['quantity("50k").sub(20) == quantity("49980")', true],
    ['quantity("50k").add(20).sub(quantity("100k")).sub(-50000) == quantity("20")', true],
    ['quantity("1.5Gi").add(quantity("512Mi")) == quantity("2Gi")', true],
  ])('%s → %s', (expr, expected) => {
    expect(cel(expr)).toBe(expected);
  });

  test('asInteger after arithmetic', () => {
    expect(cel('quantity("50k").add(20).sub(quantity("100k")).asInteger()')).toBe(-49980n);
    expect(cel('quantity("50k").add(20).sub(quantity("100k")).sub(-50000).asInteger()')).toBe(20n);
    // int64 overflow on the fast path moves to inf.Dec, which never converts
    expect(cel('quantity("9223372036854775807").add(1).isInteger()')).toBe(false);
    expect(cel('quantity("9223372036854775807").add(1).compareTo(quantity("9223372036854775808"))')).toBe(0n);
  });

  test('sign is a global function in quantity.go (cel.Overload), not a member', () => {
    expect(cel('sign(quantity("-5m"))')).toBe(-1n);
    expect(cel('sign(quantity("0Gi"))')).toBe(0n);
    expect(cel('sign(quantity("1n"))')).toBe(1n);
    expect(() => cel('quantity("1").sign()')).toThrow(/no matching overload/);
  });

  test('asApproximateFloat matches Go float arithmetic', () => {
    expect(cel('quantity("50.703k").asApproximateFloat()')).toBe(50703);
    expect(cel('quantity("50k").sub(20000).asApproximateFloat() == 30000.0')).toBe(true);
    expect(cel('quantity("1.5Gi").asApproximateFloat()')).toBe(1610612736000000000 * 1e-9);
    expect(cel('quantity("100m").asApproximateFloat()')).toBe(100 * 0.001);
  });

  test('the mul/div/divInt functions of newer Kubernetes sources are not shimmed', () => {
    expect(() => cel('quantity("50k").mul(2)')).toThrow(HarnessUnsupportedError);
  });
});

describe('quantities from objects', () => {
  test('a realistic comparison on a Pod', () => {
    const object = { spec: { containers: [{ resources: { limits: { memory: '1536Mi' } } }, { resources: { limits: { memory: '2Gi' } } }] } };
    expect(cel('object.spec.containers.all(c, quantity(c.resources.limits.memory).compareTo(quantity(params.max)) <= 0)', { object, params: { max: '2Gi' } })).toBe(true);
    expect(cel('object.spec.containers.all(c, quantity(c.resources.limits.memory).compareTo(quantity(params.max)) <= 0)', { object, params: { max: '1.5Gi' } })).toBe(false);
  });

  test('a number where a quantity string is expected is a runtime error (int-or-string CRD fields)', () => {
    expect(() => cel('quantity(object.cpu)', { object: { cpu: 2 } })).toThrow(/no matching overload/);
  });
});
