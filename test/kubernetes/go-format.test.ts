import { goJsonMarshal, goQuote, parseGoDuration } from '../../src/kubernetes/go-format';
import { compareVersions, parseGenericVersion } from '../../src/kubernetes/version';

/** Go's text formats (the `%q` verb itself is tested with the Pod Security messages that use it). */
describe('Go formats', () => {
  test('goQuote: a lone surrogate is U+FFFD, as Go sees it after UTF-8 encoding', () => {
    expect(goQuote('a\uD800b')).toBe('"a\uFFFDb"');
  });

  test('goJsonMarshal: keys sorted at every depth, HTML characters and line separators escaped', () => {
    expect(goJsonMarshal({ b: 1, a: { d: '\u2028', c: '<>&' } })).toBe('{"a":{"c":"\\u003c\\u003e\\u0026","d":"\\u2028"},"b":1}');
  });

  test.each([
    ['0', 0], ['5m', 300], ['1h30m', 5400], ['-1.5s', -1.5], ['300ms', 0.3], ['2\u00b5s', 2e-6], ['2\u03bcs', 2e-6], ['.5h', 1800],
    ['', undefined], ['5', undefined], ['1d', undefined], ['m', undefined],
  ])('parseGoDuration(%j) is %p seconds', (text, seconds) => {
    const d = parseGoDuration(text);
    if (seconds === undefined) expect(d).toBeUndefined();
    else expect(d).toBeCloseTo(seconds, 9);
  });

  test('versions as apimachinery ParseGeneric reads them', () => {
    expect(parseGenericVersion('v2.52.0-rc1')).toEqual([2, 52, 0]);
    expect(parseGenericVersion('2')).toBeUndefined();
    expect(compareVersions([2, 52], [2, 52, 0])).toBe(0);
    expect(compareVersions([2, 9], [2, 10])).toBeLessThan(0);
  });
});
