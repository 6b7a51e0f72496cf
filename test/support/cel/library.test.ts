/**
 * The shimmed functions other than quantities, against cel-go's documented results (ext/strings.go
 * doc comments, Kubernetes lists.go/regex.go doc comments, kubernetes/website PR 46695) and Go's
 * own semantics where JavaScript differs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { evalCel, shimmedFunctionTable } from './environment';
import { CelEvalError, HarnessUnsupportedError } from './errors';
import { goFormatDouble } from './strings';

const cel = (expr: string, inputs?: Record<string, unknown>): unknown => evalCel(expr, inputs);

describe('extended strings (cel-go ext/strings.go doc examples)', () => {
  test.each([
    ["'hello'.charAt(4)", 'o'],
    ["'hello'.charAt(5)", ''],
    ["'hello mellow'.indexOf('')", 0n],
    ["'hello mellow'.indexOf('ello')", 1n],
    ["'hello mellow'.indexOf('jello')", -1n],
    ["'hello mellow'.indexOf('', 2)", 2n],
    ["'hello mellow'.indexOf('ello', 2)", 7n],
    ["'hello mellow'.lastIndexOf('')", 12n],
    ["'hello mellow'.lastIndexOf('ello')", 7n],
    ["'hello mellow'.lastIndexOf('jello')", -1n],
    ["'hello mellow'.lastIndexOf('ello', 6)", 1n],
    ["'TacoCat'.lowerAscii()", 'tacocat'],
    ["'TacoCÆt Xii'.lowerAscii()", 'tacocÆt xii'],
    ["'TacoCat'.upperAscii()", 'TACOCAT'],
    ["'TacoCÆt Xii'.upperAscii()", 'TACOCÆT XII'],
    ["'hello hello'.replace('he', 'we')", 'wello wello'],
    ["'hello hello'.replace('he', 'we', -1)", 'wello wello'],
    ["'hello hello'.replace('he', 'we', 1)", 'wello hello'],
    ["'hello hello'.replace('he', 'we', 0)", 'hello hello'],
    ["'abc'.replace('', '-')", '-a-b-c-'],
    ["'tacocat'.substring(4)", 'cat'],
    ["'tacocat'.substring(0, 4)", 'taco'],
    ["'  \\ttrim\\n    '.trim()", 'trim'],
    ["['hello', 'mellow'].join()", 'hellomellow'],
    ["['hello', 'mellow'].join(' ')", 'hello mellow'],
    ['[].join()', ''],
    ["[].join('/')", ''],
  ])('%s → %j', (expr, expected) => {
    expect(cel(expr)).toEqual(expected);
  });

  test.each([
    ["'hello hello hello'.split(' ')", ['hello', 'hello', 'hello']],
    ["'hello hello hello'.split(' ', 0)", []],
    ["'hello hello hello'.split(' ', 1)", ['hello hello hello']],
    ["'hello hello hello'.split(' ', 2)", ['hello', 'hello hello']],
    ["'hello hello hello'.split(' ', -1)", ['hello', 'hello', 'hello']],
    ["'abc'.split('')", ['a', 'b', 'c']],
    ["'a,b,,c'.split(',')", ['a', 'b', '', 'c']],
  ])('%s → %j', (expr, expected) => {
    expect(cel(expr)).toEqual(expected);
  });

  test.each([
    "'hello'.charAt(-1)",
    "'hello'.charAt(6)",
    "'hello mellow'.indexOf('ello', 20)",
    "'hello mellow'.lastIndexOf('ello', -1)",
    "'tacocat'.substring(-1)",
    "'tacocat'.substring(2, 1)",
    "'tacocat'.substring(0, 8)",
  ])('%s is a runtime error', (expr) => {
    expect(() => cel(expr)).toThrow(CelEvalError);
  });

  test('indexes count code points, not UTF-16 units', () => {
    expect(cel("'😀abc'.indexOf('a')")).toBe(1n);
    expect(cel("'😀abc'.charAt(1)")).toBe('a');
    expect(cel("'a😀b😀'.lastIndexOf('😀')")).toBe(3n);
    expect(cel("'😀abc'.substring(1, 3)")).toBe('ab');
    expect(cel("size('😀')")).toBe(1n);
    expect(cel("'😀'.size()")).toBe(1n);
  });

  test('trim uses Go white space: U+0085 is trimmed, U+FEFF is not', () => {
    expect(cel("'\\u0085x\\u00a0'.trim()")).toBe('x');
    expect(cel("'\\ufeffx'.trim()")).toBe('\ufeffx');
  });

  test('join refuses non-string elements', () => {
    expect(() => cel('[1, 2].join()')).toThrow(CelEvalError);
  });

  test('strings.quote', () => {
    expect(cel("strings.quote('single-quote with \"double quote\"')")).toBe('"single-quote with \\"double quote\\""');
    expect(cel('strings.quote("two escape sequences \\a\\n")')).toBe('"two escape sequences \\a\\n"');
  });
});

describe('format()', () => {
  test.each([
    ['"this is a string: %s\\nand an integer: %d".format([dyn("str"), dyn(42)])', 'this is a string: str\nand an integer: 42'],
    ['"5 in binary: %b".format([5])', '5 in binary: 101'],
    ['"26 in hex: %x".format([26])', '26 in hex: 1a'],
    ['"26 in hex (uppercase): %X".format([26])', '26 in hex (uppercase): 1A'],
    ['"30 in octal: %o".format([30])', '30 in octal: 36'],
    ['"100%% of %s".format(["pods"])', '100% of pods'],
    ['"%s, %s".format([dyn(true), dyn(7u)])', 'true, 7'],
    ['"%s".format([null])', 'null'],
    ['"%x".format(["hi"])', '6869'],
  ])('%s → %j', (expr, expected) => {
    expect(cel(expr)).toBe(expected);
  });

  test('mixed-type list literals do not compile (HomogeneousAggregateLiterals): wrap arguments in dyn()', () => {
    expect(() => cel('"%s %d".format(["a", 1])')).toThrow(/same type/);
  });

  test('too few arguments and %d on a string are runtime errors', () => {
    expect(() => cel('"%s %s".format(["a"])')).toThrow(CelEvalError);
    expect(() => cel('"%d".format(["a"])')).toThrow(CelEvalError);
  });

  test('clauses whose text depends on the cel-go version are harness gaps', () => {
    expect(() => cel('"%f".format([1.5])')).toThrow(HarnessUnsupportedError);
    expect(() => cel('"%s".format([1.5])')).toThrow(HarnessUnsupportedError);
    expect(() => cel('"%s".format([[1]])')).toThrow(HarnessUnsupportedError);
  });
});

describe('conversions', () => {
  test.each([
    [1e6, '1e+06'],
    [123456, '123456'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [100, '100'],
    [1e21, '1e+21'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Infinity, '+Inf'],
    [NaN, 'NaN'],
  ])('string(double) of %d prints like Go %%g: %s', (d, expected) => {
    expect(goFormatDouble(d)).toBe(expected);
  });

  test.each([
    ['string(1.0e6)', '1e+06'],
    ['string(42)', '42'],
    ['string(-7)', '-7'],
    ['string(true)', 'true'],
    ['string(7u)', '7'],
    ['int("42")', 42n],
    ['int("-42")', -42n],
    ['int(2.9)', 2n],
    ['int(-2.9)', -2n],
    ['uint(3)', 3n],
    ['double("1.5")', 1.5],
    ['double(3)', 3],
    ['bool("true")', true],
    ['bool("f")', false],
    ['dyn(3) == 3', true],
    ['dyn(1) == 1.0', true],
    ['1 < 1.5', true],
  ])('%s → %s', (expr, expected) => {
    const v = cel(expr);
    expect(typeof v === 'object' && v !== null ? (v as { valueOf(): unknown }).valueOf() : v).toEqual(expected);
  });

  test('1 == 1.0 does not type-check (heterogeneous equality is a runtime feature)', () => {
    expect(() => cel('1 == 1.0')).toThrow(/no such overload/);
  });

  test.each(['int("0x10")', 'int(" 1")', 'int("9223372036854775808")', 'int(1e19)', 'uint(-1)', 'double("abc")', 'bool("yes")'])(
    '%s is a runtime error', (expr) => {
      expect(() => cel(expr)).toThrow(CelEvalError);
    },
  );
});

describe('Kubernetes lists library (lists.go doc examples)', () => {
  test.each([
    ['[1, 2, 3].isSorted()', true],
    ["['a', 'b', 'b', 'c'].isSorted()", true],
    ['[2.0, 1.0].isSorted()', false],
    ['[1].isSorted()', true],
    ['[].isSorted()', true],
    ['[1, 3].sum()', 4n],
    ['[1.0, 3.0].sum()', 4],
    ['[].sum()', 0n],
    ['[1, 3].min()', 1n],
    ['[1, 3].max()', 3n],
    ['[1].min()', 1n],
    ["['b', 'a', 'c'].max()", 'c'],
    ['[1, 2, 2, 3].indexOf(2)', 1n],
    ["['a', 'b', 'b', 'c'].lastIndexOf('b')", 2n],
    ['[1.0].indexOf(1.1)', -1n],
    ["[].indexOf('string')", -1n],
    ['[1, 2].indexOf(2.0)', 1n],
  ])('%s → %s', (expr, expected) => {
    expect(cel(expr)).toEqual(expected);
  });

  test('errors: empty min/max, int overflow in sum', () => {
    expect(() => cel('[].min()')).toThrow('min called on empty list');
    expect(() => cel('[].max()')).toThrow('max called on empty list');
    expect(() => cel('[9223372036854775807, 1].sum()')).toThrow(CelEvalError);
  });

  test('works on lists from objects (dynamically typed)', () => {
    expect(cel('object.ports.map(p, p.port).max()', { object: { ports: [{ port: 80 }, { port: 8265 }, { port: 443 }] } })).toBe(8265n);
  });
});

describe('Kubernetes regex library and matches(), with Go RE2 semantics', () => {
  test.each([
    ["'abc 123'.find('[0-9]+')", '123'],
    ["'abc 123'.find('[0-9]*')", ''],
    ["'abc 123'.find('xyz')", ''],
  ])('%s → %j', (expr, expected) => {
    expect(cel(expr)).toBe(expected);
  });

  test.each([
    ["'123 abc 456'.findAll('[0-9]+')", ['123', '456']],
    ["'123 abc 456'.findAll('[0-9]+', 1)", ['123']],
    ["'123 abc 456'.findAll('[0-9]+', 0)", []],
    ["'123 abc 456'.findAll('xyz')", []],
    // Go skips an empty match right after a match (website PR 46695 shows this output)
    ["'1, 2, 3, 4'.findAll('[0-9]*')", ['1', '', '2', '', '3', '', '4']],
  ])('%s → %j', (expr, expected) => {
    expect(cel(expr)).toEqual(expected);
  });

  test("'1, 2, 3, 4'.findAll('[0-9]+').map(x, int(x)).sum() < 100", () => {
    expect(cel("'1, 2, 3, 4'.findAll('[0-9]+').map(x, int(x)).sum() < 100")).toBe(true);
  });

  test.each([
    ["'abc'.matches('^ab')", true],
    ["matches('abc', 'c$')", true],
    ["'a\\nb'.matches('a.b')", false],
    ["'a\\rb'.matches('a.b')", true],
    ["'a\\u2028b'.matches('a.b')", true],
    ["'a\\nb'.matches('(?s)a.b')", true],
    ["'\\u00a0'.matches('\\\\s')", false],
    ["'\\t'.matches('^\\\\s$')", true],
    ["'ABC'.matches('(?i)abc')", true],
    ["'a\\nb'.matches('(?m)^b$')", true],
    ["'a\\nb'.matches('^b')", false],
    ["'ab\\n'.matches('b$')", false],
    ["'ab'.matches('b\\\\z')", true],
    ["'xab'.matches('\\\\Aab')", false],
    ["'a.b'.matches('^\\\\Qa.b\\\\E$')", true],
    ["'axb'.matches('^\\\\Qa.b\\\\E$')", false],
    ["'abc'.matches('^[[:alpha:]]+$')", true],
    ["'ab1'.matches('^[[:^digit:]]+$')", false],
    ["'é'.matches('^.$')", true],
    ["'😀'.matches('^.$')", true],
    ["'\\x07'.matches('\\\\a')", true],
    ["'A'.matches('\\\\x41')", true],
    ["'A'.matches('\\\\x{41}')", true],
    ["'a-b'.matches('^a\\\\-b$')", true],
    ["'{'.matches('^{$')", true],
    ["'ab'.matches('^(?P<first>a)b$')", true],
    ["'aa'.matches('^a{2}$')", true],
    ["'aaa'.matches('^a{1,2}$')", false],
    ["'my-app.example-1'.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')", true],
    ["'registry.example.com/team-a/img:1.0'.matches('^registry\\\\.example\\\\.com/')", true],
  ])('%s → %s', (expr, expected) => {
    expect(cel(expr)).toBe(expected);
  });

  test('patterns Go rejects: a compile error when literal, a runtime error otherwise', () => {
    expect(() => cel("'foo'.matches('(?=f)')")).toThrow(/invalid or unsupported Perl syntax/);
    expect(() => cel("'aa'.matches('(a)\\\\1')")).toThrow(/invalid escape sequence/);
    expect(() => cel("'a'.matches('a{1001}')")).toThrow(/invalid repeat count/);
    expect(() => cel("'a'.matches('a**')")).toThrow(/invalid nested repetition operator/);
    expect(() => cel("'a'.matches('(a')")).toThrow(/missing closing \)/);
    expect(() => cel("'a'.find('[a')")).toThrow(/missing closing \]/);
    expect(() => cel('object.s.matches(object.re)', { object: { s: 'a', re: '(?!a)' } })).toThrow(CelEvalError);
  });

  test('RE2 features the translation does not cover are harness gaps', () => {
    expect(() => cel("'aB'.matches('a(?i)b')")).toThrow(HarnessUnsupportedError);
  });
});

describe('sets extension', () => {
  test.each([
    ['sets.contains([1, 2, 3, 4], [2, 3])', true],
    ['sets.contains([1, 2], [3])', false],
    ['sets.contains([], [])', true],
    ['sets.contains([1], [])', true],
    ['sets.contains([1], [1.0])', true],
    ['sets.equivalent([1, 2, 3], [3, 2, 1])', true],
    ['sets.equivalent([1, 1, 2], [2, 1])', true],
    ['sets.equivalent([1, 2], [1, 2, 3])', false],
    ['sets.intersects([1, 2], [2, 3])', true],
    ['sets.intersects([], [1])', false],
    ["sets.intersects(['a'], ['b'])", false],
  ])('%s → %s', (expr, expected) => {
    expect(cel(expr)).toBe(expected);
  });
});

describe('optional types, has() and macros', () => {
  const object = { metadata: { name: 'x', labels: { app: 'ray' } }, spec: { replicas: 2 } };
  test.each([
    ['object.?spec.?replicas.orValue(1)', 2n],
    ['object.?spec.?missing.orValue(1)', 1n],
    ['object.?missing.hasValue()', false],
    ["object.metadata.labels[?'app'].value()", 'ray'],
    ["object.metadata.labels[?'team'].orValue('none')", 'none'],
    ['optional.none().orValue(3)', 3n],
    ['optional.of(2).value()', 2n],
    ['optional.ofNonZeroValue(0).hasValue()', false],
    ["optional.ofNonZeroValue('a').hasValue()", true],
    ['object.?missing.or(optional.of(5)).value()', 5n],
    ['has(object.spec)', true],
    ['has(object.missing)', false],
    ['has(object.metadata.labels.app)', true],
    ['object.metadata.labels.exists(k, k == "app")', true],
    ['object.metadata.labels.all(k, k.startsWith("a"))', true],
    ['[1, 2, 3].exists_one(x, x > 2)', true],
    ['[1, 2, 3].filter(x, x > 1)', [2n, 3n]],
    ['[1, 2, 3].map(x, x * 2)', [2n, 4n, 6n]],
    ['[1, 2, 3].map(x, x > 1, x * 10)', [20n, 30n]],
    ["'app' in object.metadata.labels", true],
  ])('%s → %j', (expr, expected) => {
    expect(cel(expr, { object })).toEqual(expected);
  });

  test('has() on a missing intermediate field is an error', () => {
    expect(() => cel('has(object.missing.field)', { object })).toThrow(CelEvalError);
  });

  test('optional.none().value() is an error', () => {
    expect(() => cel('optional.none().value()')).toThrow(CelEvalError);
  });

  test('CEL error absorption: || and exists ignore an error when another operand decides', () => {
    expect(cel('object.missing == 1 || true', { object })).toBe(true);
    expect(cel('[0, 1].exists(x, 1 / x == 1)')).toBe(true);
    expect(() => cel('[0].exists(x, 1 / x == 1)')).toThrow(CelEvalError);
  });
});

test('README.md names every shimmed function', () => {
  const readme = fs.readFileSync(path.join(__dirname, 'README.md'), 'utf8');
  const missing = shimmedFunctionTable().map((f) => f.name).filter((n) => !readme.includes(`\`${n}\``));
  expect(missing).toEqual([]);
});

test('the shim table lists every shimmed function once per style', () => {
  const table = shimmedFunctionTable();
  const keys = table.map((f) => `${f.style}:${f.name}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys).toEqual(expect.arrayContaining(['global:quantity', 'member:isInteger', 'member:indexOf', 'global:sets.contains', 'member:findAll']));
});
