import * as fc from 'fast-check';
import {
  cidrPrefix, dns1035LabelErrors, dns1123LabelErrors, isCidr, isDns1035Label, isDns1123Label, isDns1123Subdomain, isEnvVarName, isIanaServiceName,
  isLabelKey, isLabelValue, isPortNumber, labelValueErrors, qualifiedNameErrors,
} from '../../src/kubernetes/names';

/** The API server's name rules (k8s.io/apimachinery/pkg/util/validation), one predicate each. */
describe('Kubernetes name predicates', () => {
  test.each([
    [isDns1123Label, ['a', 'team-a', '0abc', 'a'.repeat(63)], ['', 'A', '-a', 'a-', 'a.b', 'a'.repeat(64), 7]],
    [isDns1035Label, ['a', 'job-1'], ['1job', '', 'a_b', 'a'.repeat(64)]],
    [isDns1123Subdomain, ['a.b.c', 'ray.io', 'a'.repeat(253)], ['', 'a..b', '.a', 'A.b', 'a'.repeat(254)]],
    [isLabelValue, ['', 'team-a', 'A_b.c', 'a'.repeat(63)], ['-a', 'a-', 'a b', 'a'.repeat(64), null]],
    [isLabelKey, ['tenant', 'ray.io/cluster', 'example.com/a_b'], ['', '/a', 'a/', 'Bad.Prefix/a', 'a/b/c', `${'a'.repeat(254)}/x`, 'x'.repeat(64)]],
    [isIanaServiceName, ['metrics', 'gcs-server', 'a1'], ['123', 'a--b', 'Metrics', 'a'.repeat(16), '-a']],
    [isEnvVarName, ['RAY_ADDRESS', '_x', 'a.b-c'], ['1A', '', 'A B', 'A=B']],
    [isPortNumber, [1, 80, 65535], [0, 65536, 1.5, '80', -1]],
  ] as [(v: unknown) => boolean, unknown[], unknown[]][])('%p', (fn, good, bad) => {
    expect(good.filter((v) => !fn(v))).toEqual([]);
    expect(bad.filter((v) => fn(v))).toEqual([]);
  });

  test('CIDRs as the API server parses them (IPv4 and IPv6, no leading zeros, prefix within the family)', () => {
    expect(['10.0.0.0/8', '0.0.0.0/0', '172.18.0.2/32', 'fd00::/64', '::/0', '::ffff:10.0.0.1/128'].filter((c) => !isCidr(c))).toEqual([]);
    expect(['10.0.0.0', '10.0.0.0/33', '010.0.0.0/8', 'fd00::/129', 'fd00:::1/64', 'gg::/64', '10.0.0.256/32', 'not-a-cidr', ''].filter(isCidr))
      .toEqual([]);
    expect(cidrPrefix('10.0.0.0/8')).toEqual({ prefix: 8, bits: 32 });
    expect(cidrPrefix('fd00::/64')).toEqual({ prefix: 64, bits: 128 });
    expect(cidrPrefix('x')).toBeUndefined();
  });
});

/** The problem lists apimachinery's `Is…` functions return (the KubeRay model quotes them in its refusals). */
describe('Kubernetes name problem lists', () => {
  test('each problem is listed: length first, then format', () => {
    expect(dns1123LabelErrors('team-a')).toEqual([]);
    expect(dns1123LabelErrors('A'.repeat(64))).toEqual(['must be no more than 63 characters', expect.stringContaining('lowercase RFC 1123 label')]);
    expect(dns1035LabelErrors('1job')).toEqual([expect.stringContaining("regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'")]);
    expect(labelValueErrors('')).toEqual([]);
    expect(labelValueErrors('-a')).toEqual([expect.stringContaining('a valid label must be an empty string')]);
    expect(qualifiedNameErrors('ray.io/cluster')).toEqual([]);
    expect(qualifiedNameErrors('/a')).toEqual(['prefix part must be non-empty']);
    expect(qualifiedNameErrors('Bad.Prefix/')).toEqual(['prefix part must be a lowercase RFC 1123 subdomain', 'name part must be non-empty']);
    expect(qualifiedNameErrors('a/b/c')).toEqual([expect.stringContaining('with an optional DNS subdomain prefix')]);
    expect(qualifiedNameErrors('x'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
  });

  test('a predicate holds exactly when its problem list is empty', () => {
    const pairs: Array<[(v: unknown) => boolean, (v: string) => string[]]> = [
      [isDns1123Label, dns1123LabelErrors], [isDns1035Label, dns1035LabelErrors], [isLabelValue, labelValueErrors], [isLabelKey, qualifiedNameErrors],
    ];
    const names = fc.oneof(fc.string(), fc.stringMatching(/^[-a-zA-Z0-9_./]{0,70}$/));
    fc.assert(fc.property(names, (v) => pairs.every(([is, errors]) => is(v) === (errors(v).length === 0))), { numRuns: 500 });
  });
});
