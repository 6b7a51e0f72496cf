import {
  cidrPrefix, isCidr, isDns1035Label, isDns1123Label, isDns1123Subdomain, isEnvVarName, isIanaServiceName, isLabelKey, isLabelValue, isPortNumber,
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
