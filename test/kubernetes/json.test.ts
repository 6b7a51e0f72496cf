import { asInteger, asMap, cloneMap, named, namedIndex } from '../../src/kubernetes/json';

/** The readers of the JSON toolkit that the KubeRay model added. */
describe('JSON toolkit', () => {
  test('asInteger: the integer, else the fallback, else undefined', () => {
    expect(asInteger(3)).toBe(3);
    expect(asInteger(1.5)).toBeUndefined();
    expect(asInteger('3')).toBeUndefined();
    expect(asInteger('3', 0)).toBe(0);
  });

  test('asMap and cloneMap: objects only; cloneMap copies deeply', () => {
    const o = { a: { b: [1] } };
    expect(asMap(o)).toBe(o);
    expect(asMap([1])).toBeUndefined();
    expect(asMap(null)).toBeUndefined();
    const copy = cloneMap(o);
    expect(copy).toEqual(o);
    expect(copy.a).not.toBe(o.a);
    expect(cloneMap('x')).toEqual({});
  });

  test('named and namedIndex: the first object with that name; a list that is not an array holds nothing', () => {
    const list = ['x', null, { name: 'a', v: 1 }, { name: 'a', v: 2 }];
    expect(namedIndex(list, 'a')).toBe(2);
    expect(named(list, 'a')).toEqual({ name: 'a', v: 1 });
    expect(namedIndex(list, 'b')).toBe(-1);
    expect(named(list, 'b')).toBeUndefined();
    expect(namedIndex({ name: 'a' }, 'a')).toBe(-1);
    // eslint-disable-next-line no-sparse-arrays
    expect(namedIndex([, { name: 'a' }], 'a')).toBe(1);
  });
});
