import {
  compareQuantities,
  MAX_DECIMAL_EXPONENT,
  Quantity,
  QuantityError,
} from '../../src/kubernetes/quantity';

const q = (s: string | number): Quantity => Quantity.parse(s);

describe('Quantity.parse: equal values', () => {
  const equal: Array<[string | number, string | number]> = [
    ['4000m', '4'],
    ['8192Mi', '8Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5', '500m'],
    ['1e3', '1k'],
    ['1E3', '1k'],
    ['1Ki', '1024'],
    ['.5', '500m'],
    ['5.', '5'],
    ['+1', '1'],
    ['1e-3', '1m'],
    ['0.001', '1m'],
    ['1E', '1e18'],
    ['1E', '1000P'],
    ['1e+3', '1000'],
    ['1e0003', '1k'],
    ['1M', '1000k'],
    ['1G', '1000000000'],
    ['1T', '1e12'],
    ['1P', '1e15'],
    ['1Ti', '1024Gi'],
    ['1Pi', '1024Ti'],
    ['1Ei', '1024Pi'],
    ['1Ei', '1152921504606846976'],
    ['1n', '0.000000001'],
    ['1u', '1000n'],
    ['1m', '1000u'],
    ['0', '-0'],
    ['0', '0Gi'],
    ['0', '0.000m'],
    ['-1.5Gi', '-1536Mi'],
    ['-.5', '-500m'],
    ['0.1m', '100u'],
    ['2.5e-1', '250m'],
    ['00012', '12'],
    ['12.000', '12'],
    [1, '1'],
    [0.5, '500m'],
    [0.1, '100m'],
    [2.25, '2250m'],
    [1e21, '1000E'],
    [1e-7, '100n'],
    [-3, '-3'],
    [512, '0.5Ki'],
  ];
  test.each(equal)('%p == %p', (a, b) => {
    expect(q(a).equals(q(b))).toBe(true);
    expect(q(b).equals(q(a))).toBe(true);
    expect(q(a).compare(q(b))).toBe(0);
    expect(compareQuantities(a, b)).toBe(0);
    expect(q(a).lessOrEqual(q(b))).toBe(true);
    expect(q(a).greaterOrEqual(q(b))).toBe(true);
    expect(q(a).lessThan(q(b))).toBe(false);
    expect(q(a).greaterThan(q(b))).toBe(false);
  });
});

describe('Quantity.parse: ordering', () => {
  // each pair is [smaller, larger]
  const ordered: Array<[string | number, string | number]> = [
    ['100k', '100Ki'],
    ['1m', '0.0011'],
    ['1G', '1Gi'],
    ['999m', '1'],
    ['1', '1001m'],
    ['1535Mi', '1.5Gi'],
    ['1.5Gi', '1537Mi'],
    ['-1', '0'],
    ['-2Gi', '-1Gi'],
    ['1n', '1u'],
    ['0.0000000001', '1n'],
    ['1e-100', '1n'],
    ['1E', '1Ei'],
    ['1Ei', '1e100'],
  ];

  test.each(ordered)('%p < %p', (a, b) => {
    expect(q(a).compare(q(b))).toBe(-1);
    expect(q(b).compare(q(a))).toBe(1);
    expect(compareQuantities(a, b)).toBe(-1);
    expect(compareQuantities(b, a)).toBe(1);
    expect(q(a).lessThan(q(b))).toBe(true);
    expect(q(a).lessOrEqual(q(b))).toBe(true);
    expect(q(a).greaterThan(q(b))).toBe(false);
    expect(q(a).greaterOrEqual(q(b))).toBe(false);
    expect(q(b).greaterThan(q(a))).toBe(true);
    expect(q(a).equals(q(b))).toBe(false);
  });
});

describe('Quantity.parse: invalid inputs', () => {
  const invalid: Array<string | number> = [
    '',
    ' ',
    ' 1',
    '1 ',
    '2 Gi',
    '1\n',
    '.',
    '+',
    '-',
    '+.',
    '1.2.3',
    '1.5.5',
    '1Kii',
    '1ki',
    '1K',
    '1KI',
    '1kb',
    '1e',
    '1e+',
    '1e-',
    '1e1.5',
    '1e1e1',
    '1E+',
    'e3',
    'Gi',
    'abc',
    '--1',
    '+-1',
    '-+1',
    '1Gib',
    '1GiB',
    '1mi',
    '1 m',
    '1_000',
    '0x10',
    '1,5',
    'Infinity',
    'NaN',
    NaN,
    Infinity,
    -Infinity,
  ];
  test.each(invalid)('%p is rejected', (input) => {
    expect(() => Quantity.parse(input)).toThrow(QuantityError);
    expect(Quantity.tryParse(input)).toBeUndefined();
    expect(Quantity.isValid(input)).toBe(false);
  });

  test('error message names the input and the reason', () => {
    expect(() => Quantity.parse('1GiB')).toThrow('invalid quantity "1GiB": unknown suffix "GiB"');
    expect(() => Quantity.parse('')).toThrow('invalid quantity "": empty string');
    expect(() => Quantity.parse(NaN)).toThrow('invalid quantity NaN: number is not finite');
    expect(() => Quantity.parse('1e400')).toThrow(/invalid quantity "1e400": decimal exponent out of range/);
  });

  test('QuantityError is an Error with name and input', () => {
    let caught: unknown;
    try {
      Quantity.parse('abc');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(QuantityError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as QuantityError).name).toBe('QuantityError');
    expect((caught as QuantityError).input).toBe('abc');
  });

  test('parse rejects non-string/number values at runtime', () => {
    expect(() => Quantity.parse(true as unknown as string)).toThrow(QuantityError);
    expect(() => Quantity.parse(undefined as unknown as string)).toThrow(QuantityError);
  });

  // wrapped in 1-tuples so that jest does not spread array values into arguments
  const notQuantities: Array<[unknown]> = [
    [undefined], [null], [true], [false], [{}], [[]], [['1']], [1n], [() => '1'], [{ value: '1' }], [new String('1')],
  ];
  test.each(notQuantities)('tryParse/isValid of %p', (input) => {
    expect(Quantity.tryParse(input)).toBeUndefined();
    expect(Quantity.isValid(input)).toBe(false);
  });
});

describe('Quantity.parse: exponent bound', () => {
  test('MAX_DECIMAL_EXPONENT is 100', () => {
    expect(MAX_DECIMAL_EXPONENT).toBe(100);
  });

  test.each(['1e100', '1e-100', '1E100', '1e+100', '-1e100', '1e0000000000100'])('%p is accepted', (input) => {
    expect(Quantity.isValid(input)).toBe(true);
  });

  test.each([
    '1e101',
    '1e-101',
    '1e400',
    '1e-400',
    '1E400',
    '1e99999999',
    '1e-99999999',
    `1e${'9'.repeat(1000)}`,
    1e300,
    1e-300,
  ])('%p is rejected (without expanding the exponent: the benchmark times it, quantityRejectionMs)', (input) => {
    expect(() => Quantity.parse(input)).toThrow(/decimal exponent out of range/);
  });

  test('exact value at the bound', () => {
    expect(q('1e100').toMilliCeil()).toBe(10n ** 103n);
    expect(q('1e-100').toMilliCeil()).toBe(1n);
    expect(q('1e-100').isZero()).toBe(false);
  });
});

describe('Quantity.text', () => {
  test.each<[string | number, string]>([
    ['1.5Gi', '1.5Gi'],
    ['4000m', '4000m'],
    ['+1', '+1'],
    [1, '1'],
    [0.5, '0.5'],
    [1e21, '1e+21'],
  ])('%p has text %p', (input, text) => {
    expect(q(input).text).toBe(text);
  });

  test('results of arithmetic carry the canonical text', () => {
    expect(q('1.5Gi').times(3).text).toBe('4608Mi');
    expect(q('500m').add(q('0.5')).text).toBe('1');
  });
});

describe('Quantity.toString', () => {
  const canonical: Array<[string | number, string]> = [
    ['1.5Gi', '1536Mi'],
    ['4000m', '4'],
    ['0.5', '500m'],
    ['100k', '100k'],
    ['1Ki', '1Ki'],
    ['1024Ki', '1Mi'],
    ['8192Mi', '8Gi'],
    ['1536Ki', '1536Ki'],
    ['1500Ki', '1500Ki'],
    ['0.5Ki', '512'],
    ['1.0001Ki', '1024102400u'],
    ['1Ei', '1Ei'],
    ['2048Ei', '2048Ei'],
    ['1e3', '1k'],
    ['1E3', '1k'],
    ['1500000', '1500k'],
    ['1.5G', '1500M'],
    ['1e21', '1000E'],
    ['1e22', '1e22'],
    ['1e100', '1e100'],
    ['-1e100', '-1e100'],
    ['123.456e50', '123456e47'],
    ['1' + '0'.repeat(120), '1' + '0'.repeat(20) + 'e100'],
    ['0.' + '0'.repeat(119) + '15', '0.' + '0'.repeat(119) + '15'],
    ['1E', '1E'],
    ['0', '0'],
    ['-0', '0'],
    ['0Gi', '0'],
    ['-1.5Gi', '-1536Mi'],
    ['-0.5', '-500m'],
    ['0.1m', '100u'],
    ['1n', '1n'],
    ['0.5n', '5e-10'],
    ['1.5n', '15e-10'],
    ['1e-100', '1e-100'],
    ['123456789n', '123456789n'],
    ['1.5', '1500m'],
    ['12', '12'],
    ['1200', '1200'],
    ['12000', '12k'],
    [0.25, '250m'],
    [1, '1'],
  ];
  test.each(canonical)('%p -> %p', (input, expected) => {
    expect(q(input).toString()).toBe(expected);
    expect(String(q(input))).toBe(expected);
  });

  test.each(canonical)('round-trip of %p', (input) => {
    const value = q(input);
    const again = q(value.toString());
    expect(again.equals(value)).toBe(true);
    expect(again.toString()).toBe(value.toString());
  });

  test.each(['1e100', '-1e100', '7e-77', '123.456e50', '3.14159', '0.000001Ki', '1Pi', '999Ei', '1e-9', '10e-10'])(
    'round-trip of %p',
    (input) => {
      const value = q(input);
      expect(q(value.toString()).equals(value)).toBe(true);
    },
  );
});

describe('Quantity arithmetic', () => {
  test('3 × 1.5Gi = 4608Mi', () => {
    const r = q('1.5Gi').times(3);
    expect(r.equals(q('4608Mi'))).toBe(true);
    expect(r.equals(q('4.5Gi'))).toBe(true);
    expect(r.toString()).toBe('4608Mi');
  });

  test('budget: head + replicas × pod', () => {
    const total = q('4Gi').add(q('2Gi').times(3));
    expect(total.toString()).toBe('10Gi');
    expect(total.equals(q('10240Mi'))).toBe(true);
    const cpu = q('500m').add(q(1.5).times(4n));
    expect(cpu.toString()).toBe('6500m');
    expect(cpu.equals(q('6.5'))).toBe(true);
  });

  test.each<[string, string, string]>([
    ['0.1', '0.2', '300m'],
    ['1Gi', '1G', '2073741824'],
    ['1m', '-1m', '0'],
    ['1', '-3', '-2'],
    ['1e-100', '1', '1' + '0'.repeat(99) + '1e-100'],
    ['100k', '100Ki', '202400'],
    ['1Ki', '1024', '2Ki'],
    ['1024', '1Ki', '2Ki'],
  ])('%p + %p = %p', (a, b, sum) => {
    const r = q(a).add(q(b));
    expect(r.toString()).toBe(sum);
    expect(r.equals(q(sum))).toBe(true);
    expect(q(b).add(q(a)).equals(r)).toBe(true);
  });

  test('times(0) is zero, times(1) is identity', () => {
    expect(q('3Gi').times(0).isZero()).toBe(true);
    expect(q('3Gi').times(0).toString()).toBe('0');
    expect(q('3Gi').times(1).equals(q('3Gi'))).toBe(true);
  });

  test('results beyond the exponent bound still round-trip', () => {
    const big = q('1e100').times(1000);
    expect(big.toString()).toBe('1000e100');
    expect(q(big.toString()).equals(big)).toBe(true);
    const tiny = q('1e-100').add(q('1e-100')).times(1); // 2e-100
    expect(tiny.toString()).toBe('2e-100');
    const tinier = q('0.' + '0'.repeat(200) + '1');
    expect(q(tinier.toString()).equals(tinier)).toBe(true);
    expect(tinier.toMilliCeil()).toBe(1n);
  });

  test('times with large exact factors', () => {
    expect(q('1Ei').times(1024n).toString()).toBe('1024Ei');
    expect(q('1m').times(Number.MAX_SAFE_INTEGER).toMilliCeil()).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  test.each<number | bigint>([-1, 1.5, NaN, Infinity, -1n, Number.MAX_SAFE_INTEGER + 1])('times(%p) throws', (n) => {
    expect(() => q('1').times(n)).toThrow(RangeError);
  });

  test('operations do not mutate', () => {
    const a = q('1Gi');
    a.add(q('1Gi'));
    a.times(5);
    expect(a.toString()).toBe('1Gi');
    expect(a.text).toBe('1Gi');
    expect(Object.isFrozen(a)).toBe(true);
  });
});

describe('Quantity predicates', () => {
  test.each<[string | number, boolean, boolean]>([
    ['0', false, true],
    ['-0', false, true],
    ['0.0Gi', false, true],
    ['-1m', true, false],
    ['-1e-100', true, false],
    ['1n', false, false],
    [-0.5, true, false],
    [0, false, true],
  ])('%p: negative=%p zero=%p', (input, negative, zero) => {
    expect(q(input).isNegative()).toBe(negative);
    expect(q(input).isZero()).toBe(zero);
  });

  test('parseNonNegative', () => {
    expect(Quantity.parseNonNegative('1Gi').equals(q('1024Mi'))).toBe(true);
    expect(Quantity.parseNonNegative('-0').isZero()).toBe(true);
    expect(() => Quantity.parseNonNegative('-1m')).toThrow('invalid quantity "-1m": must not be negative');
    expect(() => Quantity.parseNonNegative(-2)).toThrow(QuantityError);
    expect(() => Quantity.parseNonNegative('x')).toThrow(QuantityError);
  });

  test('ZERO', () => {
    expect(Quantity.ZERO.isZero()).toBe(true);
    expect(Quantity.ZERO.toString()).toBe('0');
    expect(Quantity.ZERO.equals(q('0m'))).toBe(true);
  });
});

describe('Quantity.toMilliCeil', () => {
  test.each<[string | number, bigint]>([
    ['0.1m', 1n],
    ['1', 1000n],
    ['1Ki', 1024000n],
    ['1m', 1n],
    ['1.5m', 2n],
    ['1.0001m', 2n],
    ['999u', 1n],
    ['1001u', 2n],
    ['1n', 1n],
    ['0', 0n],
    ['4000m', 4000n],
    ['0.5', 500n],
    [0.25, 250n],
    ['2Gi', 2147483648000n],
    ['-1.5m', -1n],
    ['-0.5m', 0n],
    ['-1', -1000n],
    ['1E', 10n ** 21n],
  ])('%p -> %p', (input, millis) => {
    expect(q(input).toMilliCeil()).toBe(millis);
  });
});

describe('randomized consistency', () => {
  // Small seeded PRNG (Park–Miller minimal standard LCG) so failures are reproducible.
  // 48271 * (2^31 - 1) < 2^53, so the arithmetic is exact in doubles.
  function rng(seed: number): () => number {
    let state = seed % 2147483647 || 1;
    return () => {
      state = (state * 48271) % 2147483647;
      return (state - 1) / 2147483646;
    };
  }
  const next = rng(0x5eed);
  const int = (max: number): number => Math.floor(next() * max);

  test('n Mi equals n*1024 Ki and n*1048576 bytes', () => {
    for (let i = 0; i < 300; i++) {
      const n = int(10_000_000);
      const mi = q(`${n}Mi`);
      expect(mi.equals(q(`${n * 1024}Ki`))).toBe(true);
      expect(mi.equals(q(String(BigInt(n) * 1048576n)))).toBe(true);
      expect(mi.lessThan(q(`${n * 1024 + 1}Ki`))).toBe(true);
      expect(q(mi.toString()).equals(mi)).toBe(true);
    }
  });

  test('order of a m vs b m matches a vs b', () => {
    for (let i = 0; i < 300; i++) {
      const a = int(1_000_000);
      const b = i % 10 === 0 ? a : int(1_000_000);
      const expected = a < b ? -1 : a > b ? 1 : 0;
      expect(compareQuantities(`${a}m`, `${b}m`)).toBe(expected);
      // same values written in cores
      expect(compareQuantities(`${a / 1000}`, `${b}m`)).toBe(expected);
      expect(q(`${a}m`).toMilliCeil()).toBe(BigInt(a));
    }
  });

  test('sum of random millis is exact', () => {
    let total = Quantity.ZERO;
    let expected = 0;
    for (let i = 0; i < 200; i++) {
      const a = int(100_000);
      total = total.add(q(`${a}m`));
      expected += a;
    }
    expect(total.toMilliCeil()).toBe(BigInt(expected));
    expect(total.equals(q(`${expected}m`))).toBe(true);
  });
});
