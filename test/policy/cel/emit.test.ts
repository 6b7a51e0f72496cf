/**
 * The emitted objects: valid against their schemas (Kubernetes' for ValidatingAdmissionPolicy and
 * its binding, Kyverno v1.19.0's CRD for ValidatingPolicy), and the two engines' policies carry the
 * same rules, from one definition.
 */
import { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { BINDINGS, KYVERNO, POLICIES, SETS } from './support';
import { celExpressions, kyvernoValidatingPolicy, NAMESPACE_NAME_LABEL, validatingAdmissionPolicy } from '../../../src/policy/cel';
import { celString, celStringMap } from '../../../src/policy/cel/expr';
import { evalCel } from '../../support/cel';
import { loadCrdValidator } from '../../support/crd-schema';
import { sharedPath } from '../../support/manifests';

/** Paths of `value` not in `shape` (a nested object of the known fields; `1` ends the check, an array holds the item shape). */
function unknownFields(value: unknown, shape: unknown, path = ''): string[] {
  if (shape === 1 || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, (shape as unknown[])[0], `${path}[${i}]`));
  return Object.entries(value).flatMap(([k, v]) => {
    const at = path ? `${path}.${k}` : k;
    return k in (shape as object) ? unknownFields(v, (shape as Record<string, unknown>)[k], at) : [at];
  });
}

describe('ValidatingAdmissionPolicy and binding (admissionregistration.k8s.io/v1)', () => {
  test('every policy and binding validates against the Kubernetes schema (kubernetes-models)', () => {
    for (const p of POLICIES) expect(() => new ValidatingAdmissionPolicy(p as any).validate()).not.toThrow();
    for (const b of BINDINGS) expect(() => new ValidatingAdmissionPolicyBinding(b as any).validate()).not.toThrow();
  });

  test('no unknown field (kubernetes-models accepts them; the API server would prune them silently)', () => {
    const selector = { matchExpressions: [{ key: 1, operator: 1, values: 1 }], matchLabels: 1 };
    const match = {
      namespaceSelector: selector,
      objectSelector: selector,
      matchPolicy: 1,
      resourceRules: [{ apiGroups: 1, apiVersions: 1, operations: 1, resources: 1, resourceNames: 1, scope: 1 }],
      excludeResourceRules: 1,
    };
    const metadata = { name: 1, labels: 1, annotations: 1 };
    const policy = {
      apiVersion: 1,
      kind: 1,
      metadata,
      spec: {
        failurePolicy: 1,
        paramKind: 1,
        matchConstraints: match,
        matchConditions: [{ name: 1, expression: 1 }],
        variables: [{ name: 1, expression: 1 }],
        validations: [{ expression: 1, message: 1, messageExpression: 1, reason: 1 }],
        auditAnnotations: 1,
      },
    };
    const binding = { apiVersion: 1, kind: 1, metadata, spec: { policyName: 1, validationActions: 1, paramRef: 1, matchResources: match } };
    for (const p of POLICIES) expect(unknownFields(p, policy)).toEqual([]);
    for (const b of BINDINGS) expect(unknownFields(b, binding)).toEqual([]);
    expect(unknownFields({ ...POLICIES[0], spec: { ...POLICIES[0].spec, failurPolicy: 'Fail' } }, policy)).toEqual(['spec.failurPolicy']);
  });

  test('the schema check can fail', () => {
    const bad = JSON.parse(JSON.stringify(POLICIES[0]));
    bad.spec.failurePolicy = 'Sometimes';
    expect(() => new ValidatingAdmissionPolicy(bad).validate()).toThrow(/failurePolicy/);
    const noExpr = JSON.parse(JSON.stringify(POLICIES[0]));
    delete noExpr.spec.validations[0].expression;
    expect(() => new ValidatingAdmissionPolicy(noExpr).validate()).toThrow(/expression/);
  });

  test('one binding per policy, same name, Deny, the same namespaces; failurePolicy Fail; no params anywhere', () => {
    expect(BINDINGS.map((b) => b.spec.policyName)).toEqual(POLICIES.map((p) => p.metadata.name));
    for (const [i, p] of POLICIES.entries()) {
      const b = BINDINGS[i];
      expect(b.metadata.name).toBe(p.metadata.name);
      expect(b.spec.validationActions).toEqual(['Deny']);
      expect(b.spec.matchResources!.namespaceSelector).toEqual(p.spec.matchConstraints.namespaceSelector);
      expect(p.spec.failurePolicy).toBe('Fail');
      expect(p.spec).not.toHaveProperty('paramKind');
      expect(b.spec).not.toHaveProperty('paramRef');
      expect(p.metadata).not.toHaveProperty('namespace');
    }
  });

  test('namespaces are selected by the label the API server sets to the namespace name, nothing a tenant can write', () => {
    for (const p of POLICIES) {
      expect(p.spec.matchConstraints.namespaceSelector).toEqual({ matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: expect.any(Array) }] });
    }
    expect(POLICIES.map((p) => [p.metadata.name, p.spec.matchConstraints.namespaceSelector!.matchExpressions![0].values])).toEqual([
      ['secure-ray-network-policies', ['ml-c', 'team-a', 'team-b']],
      ['secure-ray-services', ['team-a', 'team-b']],
      ['secure-ray-pods-team-a', ['team-a']],
      ['secure-ray-pod-labels-team-a', ['team-a']],
      ['secure-ray-ray-team-a', ['team-a']],
      ['secure-ray-pods-team-b', ['team-b']],
      ['secure-ray-pod-labels-team-b', ['team-b']],
      ['secure-ray-ray-team-b', ['team-b']],
      ['secure-ray-pods-team-c', ['ml-c']],
      ['secure-ray-pod-labels-team-c', ['ml-c']],
      ['secure-ray-ray-team-c', ['ml-c']],
    ]);
  });

  test('operations: CREATE and UPDATE, DELETE only for NetworkPolicies; pods with their ephemeralcontainers and resize subresources; the four Ray kinds', () => {
    const rules = Object.fromEntries(POLICIES.map((p) => [p.metadata.name, p.spec.matchConstraints.resourceRules!.map((r: any) => `${r.operations.join('|')} ${r.apiGroups.join(',') || 'core'}/${r.resources.join(',')}`)]));
    expect(rules['secure-ray-network-policies']).toEqual(['CREATE|UPDATE|DELETE networking.k8s.io/networkpolicies']);
    expect(rules['secure-ray-services']).toEqual(['CREATE|UPDATE core/services']);
    expect(rules['secure-ray-pods-team-a']).toEqual(['CREATE|UPDATE core/pods,pods/ephemeralcontainers,pods/resize']);
    expect(rules['secure-ray-pod-labels-team-a']).toEqual([
      'CREATE|UPDATE core/pods,replicationcontrollers', 'CREATE|UPDATE apps/deployments,replicasets,statefulsets,daemonsets', 'CREATE|UPDATE batch/jobs,cronjobs',
    ]);
    expect(rules['secure-ray-ray-team-a']).toEqual(['CREATE|UPDATE ray.io/rayclusters,rayjobs,rayservices,raycronjobs']);
  });

  test('validationActions pass through', () => {
    const [, binding] = validatingAdmissionPolicy(SETS[0], ['Warn', 'Audit']) as any[];
    expect(binding.spec.validationActions).toEqual(['Warn', 'Audit']);
  });
});

describe('Kyverno ValidatingPolicy (policies.kyverno.io/v1)', () => {
  const crd = sharedPath('kyverno', 'crd-cel', 'policies.kyverno.io_validatingpolicies.yaml');
  const maybe = crd ? test : test.skip;

  maybe('every policy validates against the Kyverno v1.19.0 CRD (version v1), unknown fields rejected', () => {
    const v = loadCrdValidator(crd!, { version: 'v1', rejectUnknownFields: true })!;
    for (const k of KYVERNO as any[]) expect({ name: k.metadata.name, errors: v.validate(k) }).toEqual({ name: k.metadata.name, errors: [] });
  });

  maybe('the schema check can fail: a typo\'d field and a bad validation action are rejected', () => {
    const v = loadCrdValidator(crd!, { version: 'v1', rejectUnknownFields: true })!;
    const typo = JSON.parse(JSON.stringify(KYVERNO[0]));
    typo.spec.validation = typo.spec.validations;
    expect(v.validate(typo).map((e) => e.path)).toContain('spec.validation');
    const action = JSON.parse(JSON.stringify(KYVERNO[0]));
    action.spec.validationActions = ['Enforce'];
    expect(v.validate(action).length).toBeGreaterThan(0);
  });

  test('the same rules as the ValidatingAdmissionPolicy, from one definition', () => {
    for (const [i, k] of (KYVERNO as any[]).entries()) {
      const p = POLICIES[i] as any;
      expect(k.metadata.name).toBe(p.metadata.name);
      for (const field of ['matchConstraints', 'matchConditions', 'variables', 'validations', 'failurePolicy']) expect(k.spec[field]).toEqual(p.spec[field]);
      expect(k.spec.validationActions).toEqual(['Deny']);
      expect(k.spec.autogen).toEqual({ podControllers: { controllers: [] } });
    }
  });

  test('background scans only for rules that do not read the request (Kyverno has none there)', () => {
    for (const set of SETS) {
      const readsRequest = celExpressions(set).some((e) => /\brequest\./.test(e.expression));
      expect({ set: set.name, readsRequest: set.readsRequest }).toEqual({ set: set.name, readsRequest });
      const k = kyvernoValidatingPolicy(set, ['Deny']) as any;
      expect(k.spec.evaluation).toEqual({ admission: { enabled: true }, background: { enabled: !readsRequest } });
    }
    expect(SETS.filter((s) => !s.readsRequest).map((s) => s.name)).toEqual(['secure-ray-services', 'secure-ray-pods-team-a', 'secure-ray-pods-team-b', 'secure-ray-pods-team-c']);
  });
});

describe('CEL text', () => {
  test('literals are escaped: no platform value can end a string early', () => {
    expect(evalCel(`${celString("it's a \\ back\nslash")} == "it's a \\\\ back\\nslash"`)).toBe(true);
    expect(evalCel(`${celStringMap({ 'nvidia.com/gpu': '1', 'a\'b': 'c' })}['a\\'b'] == 'c'`)).toBe(true);
  });

  test('label keys are read with string indexes, never field selection (no escaping of "/", "." or "-" needed)', () => {
    for (const set of SETS) {
      for (const e of celExpressions(set)) expect(e.expression).not.toMatch(/\.(labels|nodeSelector|limits|requests)\.(?!\?|all\(|exists\(|filter\(|orValue\()/);
    }
  });

  test('every expression uses only Kubernetes 1.30 CEL: standard macros, optional types, extended strings, the quantity library', () => {
    const calls = new Set<string>();
    for (const set of SETS) for (const e of celExpressions(set)) for (const m of e.expression.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\(/g)) calls.add(m[1]);
    expect([...calls].sort()).toEqual([
      'all', 'contains', 'dyn', 'exists', 'filter', 'hasValue', 'isGreaterThan', 'isLessThan', 'join', 'lowerAscii', 'map', 'orValue', 'quantity', 'size', 'startsWith', 'string',
    ]);
  });
});
