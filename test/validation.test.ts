import {
  checkLabels, checkSelector, describe as describeValue, enumValue, listAt, objectAt, optionalInt, optionalPort, PropsError,
  requireCidr, requirePort, requireQuantity, stringMap,
} from '../src/validation';

/** The one props-checking module: every check names the prop, the value and what is expected. */
const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PropsError);
    return (e as Error).message;
  }
  throw new Error('expected a PropsError');
};

describe('props checks', () => {
  test('ports', () => {
    expect(requirePort('p', 443)).toBe(443);
    expect(errorOf(() => requirePort('x.port', 0))).toBe('x.port: expected a port number 1-65535, got number 0');
    expect(errorOf(() => requirePort('x.port', '53'))).toBe('x.port: expected a port number 1-65535, got the string "53"');
    expect(errorOf(() => requirePort('x.port', 80, 1024))).toBe('x.port: expected a port number 1024-65535, got number 80');
    expect(optionalPort('p', undefined, 53)).toBe(53);
    expect(errorOf(() => optionalPort('p', 99999, 53))).toMatch(/^p: expected a port number/);
  });

  test('integers, enums, objects, lists', () => {
    expect(optionalInt('n', undefined, 3, 0)).toBe(3);
    expect(errorOf(() => optionalInt('n', -1, 3, 0))).toBe('n: expected an integer >= 0, got number -1');
    expect(errorOf(() => optionalInt('n', 11, 3, 0, 10))).toBe('n: expected an integer 0-10, got number 11');
    expect(errorOf(() => enumValue('mode', 'x', { A: 'a', B: 'b' }))).toBe('mode: "x" is not one of a, b');
    expect(errorOf(() => objectAt('o', []))).toBe('o: expected an object, got an array');
    expect(errorOf(() => listAt('l', {} as any))).toBe('l: expected an array, got object');
  });

  test('label maps and selectors (a selector must not be empty: it would select every pod)', () => {
    expect(checkLabels('l', { a: 'b' })).toEqual({ a: 'b' });
    expect(errorOf(() => checkLabels('l', { 'a b': 'c' }))).toBe('l: "a b" is not a valid label key');
    expect(errorOf(() => checkLabels('l', { a: 'b c' }))).toBe('l.a: "b c" is not a valid label value');
    expect(errorOf(() => stringMap('m', { a: 1 } as any))).toBe('m.a: expected a string, got number 1');
    expect(errorOf(() => checkSelector('dns.podLabels', {}))).toMatch(/^dns.podLabels: expected a non-empty map of labels/);
  });

  test('quantities and CIDRs', () => {
    expect(requireQuantity('q', '1.5Gi').equals(requireQuantity('q', '1536Mi'))).toBe(true);
    expect(errorOf(() => requireQuantity('q', '-1'))).toBe('q: "-1" is negative; resource quantities must be >= 0');
    expect(errorOf(() => requireQuantity('q', 'lots'))).toMatch(/^q: "lots" is not a Kubernetes quantity/);
    expect(requireCidr('c', 'fd00::/64')).toBe('fd00::/64');
    expect(errorOf(() => requireCidr('c', '010.0.0.0/8'))).toBe('c: "010.0.0.0/8" is not a CIDR such as 10.0.0.0/16 or fd00::/64');
  });

  test('describe names the type of a wrong value', () => {
    expect([null, [], 'x', 3, {}, undefined].map(describeValue)).toEqual(['null', 'an array', 'the string "x"', 'number 3', 'object', 'undefined']);
  });
});
