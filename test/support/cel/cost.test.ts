/**
 * Runtime cost: an approximation of cel-go's cost tracker with Kubernetes' library costs, the
 * per-expression limit and the per-evaluation budget.
 */
import { evaluateValidatingAdmissionPolicies, ValidatingAdmissionPolicy } from './admission';
import { compileCel, defaultRequest } from './environment';
import { toCel } from './values';

const cost = (expr: string, object: unknown = null): number => {
  const outcome = compileCel(expr).evaluate({ object: toCel(object), oldObject: null, request: defaultRequest() });
  if (outcome.error !== undefined) throw outcome.error;
  return outcome.cost;
};

describe('cost units (cel-go runtimecost.go + Kubernetes library/cost.go)', () => {
  test.each([
    ['true', 0],
    ['1 + 1', 1],
    ['object', 1],
    ['object.a', 2],
    ['object.a.b', 3],
    ["'abc' == 'abc'", 1],
    ['[1, 2, 3]', 0],
    ['[object.a]', 12],
    ['!true', 1],
    ['true ? 1 : 2', 0],
    ['has(object.a.b)', 2],
    ["'abcdefghijklmnopqrstuvwxyz'.startsWith('a')", 3],
    ["'abcdefghijklmnopqrstuvwxyz'.contains('xyz')", 3],
    ["'abcdefghijklmnopqrstuvwxyz'.matches('[a-z]+')", 6],
    ["quantity('1Gi')", 1],
    ["quantity('1Gi').isInteger()", 2],
    ["'abcdefghijklmnopqrstuvwxyz'.indexOf('z')", 2],
    ["'abcdefghijklmnopqrstuvwxyz'.lowerAscii()", 3],
    ["'a,b,c'.split(',')", 1],
  ])('%s costs %d', (expr, expected) => {
    expect(cost(expr, { a: { b: 1 } })).toBe(expected);
  });

  test('comprehensions cost per element', () => {
    const items = (n: number): unknown => ({ items: Array.from({ length: n }, (_, i) => i) });
    const c10 = cost('object.items.all(x, x >= 0)', items(10));
    const c20 = cost('object.items.all(x, x >= 0)', items(20));
    expect(c20 - c10).toBe((c10 - cost('object.items.all(x, x >= 0)', items(0))));
    expect(c10).toBeGreaterThan(40);
  });
});

describe('limits', () => {
  test('the per-expression limit (1,000,000) is a runtime error that nothing absorbs', () => {
    const long = 'a'.repeat(10_000);
    const object = { items: Array.from({ length: 120 }, () => long) };
    const outcome = compileCel("object.items.all(s, s.matches('^a+b?c?d?e?f?g?h?i?j?k?l?m?n?o?p?$')) || true").evaluate({ object: toCel(object), oldObject: null, request: defaultRequest() });
    expect(outcome.error?.message).toBe('operation cancelled: actual cost limit exceeded');
    expect(outcome.cost).toBeGreaterThan(1_000_000);
  });

  test('the per-evaluation budget: running out is an error under failurePolicy', () => {
    const policy: ValidatingAdmissionPolicy = {
      metadata: { name: 'p' },
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] },
        validations: Array.from({ length: 5 }, () => ({ expression: "object.spec.containers.all(c, c.image.startsWith('ray'))" })),
      },
    };
    const request = {
      operation: 'CREATE' as const,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      object: { spec: { containers: Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, image: 'rayproject/ray:2.9' })) } },
    };
    const binding = { metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny' as const] } };
    const full = evaluateValidatingAdmissionPolicies([policy], [binding], request);
    expect(full.allowed).toBe(true);
    const perExpression = full.evaluations[0].cost;
    const tight = evaluateValidatingAdmissionPolicies([policy], [binding], request, {}, { costBudget: perExpression * 3 });
    expect(tight.allowed).toBe(false);
    expect(tight.message).toContain('validation failed due to running out of cost budget, no further validation rules will be run');
    expect(tight.evaluations).toHaveLength(4);
    const ignored = evaluateValidatingAdmissionPolicies([{ ...policy, spec: { ...policy.spec, failurePolicy: 'Ignore' } }], [binding], request, {}, { costBudget: perExpression * 3 });
    expect(ignored.allowed).toBe(true);
  });
});
