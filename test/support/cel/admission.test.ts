/**
 * The ValidatingAdmissionPolicy evaluator: matching, params, matchConditions, variables,
 * messages, validation actions, failure policy — against apiserver's source behaviour.
 */
import {
  AdmissionRequestInput, ClusterState, evaluateValidatingAdmissionPolicies, ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from './admission';
import { CelCompileError, HarnessUnsupportedError, PolicySpecError } from './errors';

type Spec = ValidatingAdmissionPolicy['spec'];

const POD_RULE = { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] };

function policy(name: string, spec: Partial<Spec> & { validations?: Spec['validations'] }): ValidatingAdmissionPolicy {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: { matchConstraints: { resourceRules: [POD_RULE] }, validations: [{ expression: 'true' }], ...spec },
  };
}

function binding(name: string, policyName: string, spec: Partial<ValidatingAdmissionPolicyBinding['spec']> = {}): ValidatingAdmissionPolicyBinding {
  return { metadata: { name }, spec: { policyName, validationActions: ['Deny'], ...spec } };
}

function pod(name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team-a', labels }, spec: { containers: [{ name: 'c', image: 'ray:2' }] }, ...extra };
}

function podRequest(over: Partial<AdmissionRequestInput> = {}): AdmissionRequestInput {
  const object = over.object === undefined ? pod('p') : over.object;
  return {
    operation: 'CREATE',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'team-a',
    name: 'p',
    object,
    userInfo: { username: 'alice', groups: ['team-a'] },
    ...over,
  };
}

const cluster: ClusterState = {
  namespaces: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { tenant: 'a', env: 'prod' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b', labels: { tenant: 'b' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', labels: {} } },
  ],
  objects: [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'team-a', labels: { role: 'limits' } }, data: { maxMemory: '2Gi' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits-strict', namespace: 'team-a', labels: { role: 'limits' } }, data: { maxMemory: '1Gi' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'team-b', labels: { role: 'limits' } }, data: { maxMemory: '4Gi' } },
    { apiVersion: 'example.io/v1', kind: 'TenantLimits', metadata: { name: 'global', labels: {} }, maxMemory: '3Gi' },
  ],
  kinds: [{ apiVersion: 'example.io/v1', kind: 'TenantLimits', namespaced: false }],
};

/** A policy that denies everything it is evaluated for: tells whether it matched. */
const denyAll = (name: string, spec: Partial<Spec> = {}): ValidatingAdmissionPolicy =>
  policy(name, { validations: [{ expression: 'false', message: `${name} matched` }], ...spec });

function matched(p: ValidatingAdmissionPolicy, req: AdmissionRequestInput, b: ValidatingAdmissionPolicyBinding = binding('b', p.metadata.name)): boolean {
  const v = evaluateValidatingAdmissionPolicies([p], [b], req, cluster);
  return !v.allowed;
}

describe('matchConstraints: resource rules', () => {
  test('operations, groups, versions', () => {
    const p = denyAll('p');
    expect(matched(p, podRequest())).toBe(true);
    expect(matched(p, podRequest({ operation: 'DELETE', object: null, oldObject: pod('p') }))).toBe(false);
    expect(matched(p, podRequest({ resource: { group: 'apps', version: 'v1', resource: 'pods' } }))).toBe(false);
    expect(matched(p, podRequest({ resource: { group: '', version: 'v2', resource: 'pods' } }))).toBe(false);
    expect(matched(denyAll('p', { matchConstraints: { resourceRules: [{ ...POD_RULE, operations: ['*'] }] } }), podRequest({ operation: 'DELETE', object: null, oldObject: pod('p') }))).toBe(true);
  });

  test('resources and subresources: pods, pods/status, pods/*, */*, *', () => {
    const status = podRequest({ operation: 'UPDATE', subResource: 'status', oldObject: pod('p') });
    const rule = (resources: string[]): ValidatingAdmissionPolicy => denyAll('p', { matchConstraints: { resourceRules: [{ ...POD_RULE, resources }] } });
    expect(matched(rule(['pods']), status)).toBe(false);
    expect(matched(rule(['pods/status']), status)).toBe(true);
    expect(matched(rule(['pods/status']), podRequest())).toBe(false);
    expect(matched(rule(['pods/*']), status)).toBe(true);
    expect(matched(rule(['pods/*']), podRequest())).toBe(true);
    expect(matched(rule(['*']), status)).toBe(false);
    expect(matched(rule(['*']), podRequest())).toBe(true);
    expect(matched(rule(['*/*']), status)).toBe(true);
    expect(matched(rule(['*/status']), status)).toBe(true);
  });

  test('resourceNames and excludeResourceRules (exclusion wins)', () => {
    expect(matched(denyAll('p', { matchConstraints: { resourceRules: [{ ...POD_RULE, resourceNames: ['p'] }] } }), podRequest())).toBe(true);
    expect(matched(denyAll('p', { matchConstraints: { resourceRules: [{ ...POD_RULE, resourceNames: ['q'] }] } }), podRequest())).toBe(false);
    expect(matched(denyAll('p', { matchConstraints: { resourceRules: [POD_RULE], excludeResourceRules: [{ ...POD_RULE, resourceNames: ['p'] }] } }), podRequest())).toBe(false);
  });

  test('scope: Namespaced never matches the namespaces resource; Cluster matches namespaces and cluster-scoped objects', () => {
    const nsRule = (scope: string): ValidatingAdmissionPolicy => denyAll('p', { matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'], scope }] } });
    const nsReq: AdmissionRequestInput = {
      operation: 'CREATE',
      kind: { group: '', version: 'v1', kind: 'Namespace' },
      resource: { group: '', version: 'v1', resource: 'namespaces' },
      name: 'team-c',
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-c', labels: { tenant: 'c' } } },
    };
    expect(matched(nsRule('Namespaced'), nsReq)).toBe(false);
    expect(matched(nsRule('Cluster'), nsReq)).toBe(true);
    expect(matched(nsRule('Namespaced'), podRequest())).toBe(true);
    expect(matched(nsRule('Cluster'), podRequest())).toBe(false);
    expect(matched(nsRule('*'), nsReq)).toBe(true);
  });
});

describe('matchConstraints: selectors', () => {
  test('namespaceSelector with matchLabels and matchExpressions', () => {
    const sel = (namespaceSelector: object): ValidatingAdmissionPolicy => denyAll('p', { matchConstraints: { resourceRules: [POD_RULE], namespaceSelector } });
    expect(matched(sel({ matchLabels: { tenant: 'a' } }), podRequest())).toBe(true);
    expect(matched(sel({ matchLabels: { tenant: 'b' } }), podRequest())).toBe(false);
    expect(matched(sel({ matchExpressions: [{ key: 'tenant', operator: 'In', values: ['a', 'b'] }] }), podRequest())).toBe(true);
    expect(matched(sel({ matchExpressions: [{ key: 'tenant', operator: 'NotIn', values: ['a'] }] }), podRequest())).toBe(false);
    expect(matched(sel({ matchExpressions: [{ key: 'tenant', operator: 'NotIn', values: ['x'] }] }), podRequest({ namespace: 'kube-system' }))).toBe(true);
    expect(matched(sel({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }), podRequest())).toBe(true);
    expect(matched(sel({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }), podRequest())).toBe(false);
    expect(matched(sel({}), podRequest())).toBe(true);
  });

  test('namespaceSelector: a Namespace object is matched against its own labels; other cluster-scoped objects always match', () => {
    const p = denyAll('p', {
      matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }], namespaceSelector: { matchLabels: { tenant: 'c' } } },
    });
    const nsReq = (labels: Record<string, string>): AdmissionRequestInput => ({
      operation: 'CREATE',
      kind: { group: '', version: 'v1', kind: 'Namespace' },
      resource: { group: '', version: 'v1', resource: 'namespaces' },
      name: 'team-c',
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-c', labels } },
    });
    expect(matched(p, nsReq({ tenant: 'c' }))).toBe(true);
    expect(matched(p, nsReq({ tenant: 'd' }))).toBe(false);
    const clusterRole: AdmissionRequestInput = {
      operation: 'CREATE',
      kind: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole' },
      resource: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' },
      name: 'x',
      object: { metadata: { name: 'x' } },
    };
    expect(matched(p, clusterRole)).toBe(true);
  });

  test('an unknown request namespace is a configuration error once the rules match', () => {
    const p = policy('p', { matchConstraints: { resourceRules: [POD_RULE], namespaceSelector: { matchLabels: { tenant: 'a' } } } });
    const v = evaluateValidatingAdmissionPolicies([p], [binding('b', 'p')], podRequest({ namespace: 'ghost' }), cluster);
    expect(v.allowed).toBe(false);
    expect(v.message).toBe("ValidatingAdmissionPolicy 'p' denied request: failed to configure policy: namespaces \"ghost\" not found");
    const ignored = evaluateValidatingAdmissionPolicies([{ ...p, spec: { ...p.spec, failurePolicy: 'Ignore' } }], [binding('b', 'p')], podRequest({ namespace: 'ghost' }), cluster);
    expect(ignored.allowed).toBe(true);
    expect(ignored.errors).toHaveLength(1);
  });

  test('objectSelector matches the new or the old object', () => {
    const p = denyAll('p', { matchConstraints: { resourceRules: [{ ...POD_RULE, operations: ['*'] }], objectSelector: { matchLabels: { ray: 'head' } } } });
    expect(matched(p, podRequest({ object: pod('p', { ray: 'head' }) }))).toBe(true);
    expect(matched(p, podRequest({ object: pod('p', { ray: 'worker' }) }))).toBe(false);
    expect(matched(p, podRequest({ operation: 'UPDATE', object: pod('p'), oldObject: pod('p', { ray: 'head' }) }))).toBe(true);
    expect(matched(p, podRequest({ operation: 'DELETE', object: null, oldObject: pod('p', { ray: 'head' }) }))).toBe(true);
  });

  test('binding matchResources narrows the policy (intersection)', () => {
    const p = denyAll('p');
    expect(matched(p, podRequest(), binding('b', 'p', { matchResources: { namespaceSelector: { matchLabels: { tenant: 'b' } } } }))).toBe(false);
    expect(matched(p, podRequest(), binding('b', 'p', { matchResources: { namespaceSelector: { matchLabels: { tenant: 'a' } } } }))).toBe(true);
    expect(matched(p, podRequest(), binding('b', 'p', { matchResources: { resourceRules: [{ ...POD_RULE, operations: ['UPDATE'] }] } }))).toBe(false);
  });

  test('a binding without its policy, or a policy without binding, does nothing', () => {
    expect(evaluateValidatingAdmissionPolicies([denyAll('p')], [], podRequest(), cluster).allowed).toBe(true);
    expect(evaluateValidatingAdmissionPolicies([], [binding('b', 'p')], podRequest(), cluster).allowed).toBe(true);
  });

  test('invalid selectors are policy errors', () => {
    expect(() => matched(denyAll('p', { matchConstraints: { resourceRules: [POD_RULE], namespaceSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } } }), podRequest()))
      .toThrow(PolicySpecError);
    expect(() => matched(denyAll('p', { matchConstraints: { resourceRules: [POD_RULE], objectSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] } } }), podRequest()))
      .toThrow(PolicySpecError);
  });
});

describe('params', () => {
  const withParams = (spec: Partial<Spec> = {}): ValidatingAdmissionPolicy => policy('mem', {
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    validations: [
      { expression: 'params != null', message: 'no params' },
      { expression: 'quantity(object.spec.containers[0].resources.limits.memory).compareTo(quantity(params.data.maxMemory)) <= 0', messageExpression: "'memory limit above ' + params.data.maxMemory" },
    ],
    ...spec,
  });
  const memPod = (mem: string, namespace = 'team-a'): AdmissionRequestInput => podRequest({
    namespace,
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace }, spec: { containers: [{ name: 'c', image: 'ray', resources: { limits: { memory: mem } } }] } },
  });
  const ref = (r: object): ValidatingAdmissionPolicyBinding => binding('b', 'mem', { paramRef: { parameterNotFoundAction: 'Deny', ...r } as never });

  test('by name, in the request namespace by default', () => {
    expect(evaluateValidatingAdmissionPolicies([withParams()], [ref({ name: 'limits' })], memPod('2Gi'), cluster).allowed).toBe(true);
    const v = evaluateValidatingAdmissionPolicies([withParams()], [ref({ name: 'limits' })], memPod('3Gi'), cluster);
    expect(v.allowed).toBe(false);
    expect(v.message).toBe("ValidatingAdmissionPolicy 'mem' with binding 'b' denied request: memory limit above 2Gi");
    expect(v.invocations).toEqual([{ policy: 'ValidatingAdmissionPolicy/mem', binding: 'b', param: 'team-a/limits' }]);
    // the same binding picks team-b's ConfigMap for a team-b pod
    expect(evaluateValidatingAdmissionPolicies([withParams()], [ref({ name: 'limits' })], memPod('3Gi', 'team-b'), cluster).allowed).toBe(true);
  });

  test('paramRef.namespace pins the namespace', () => {
    expect(evaluateValidatingAdmissionPolicies([withParams()], [ref({ name: 'limits', namespace: 'team-b' })], memPod('3Gi'), cluster).allowed).toBe(true);
  });

  test('missing param: Allow passes without evaluating, Deny is a configuration error', () => {
    const allow = evaluateValidatingAdmissionPolicies([withParams()], [ref({ name: 'nope', parameterNotFoundAction: 'Allow' })], memPod('9Gi'), cluster);
    expect(allow.allowed).toBe(true);
    expect(allow.evaluations).toHaveLength(0);
    const deny = evaluateValidatingAdmissionPolicies([withParams()], [ref({ name: 'nope' })], memPod('1Gi'), cluster);
    expect(deny.allowed).toBe(false);
    expect(deny.message).toBe("ValidatingAdmissionPolicy 'mem' with binding 'b' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction");
    const ignored = evaluateValidatingAdmissionPolicies([withParams({ failurePolicy: 'Ignore' })], [ref({ name: 'nope' })], memPod('1Gi'), cluster);
    expect(ignored.allowed).toBe(true);
  });

  test('by selector: every selected param is evaluated and all must pass', () => {
    const v = evaluateValidatingAdmissionPolicies([withParams()], [ref({ selector: { matchLabels: { role: 'limits' } } })], memPod('1536Mi'), cluster);
    expect(v.invocations.map((i) => i.param)).toEqual(['team-a/limits', 'team-a/limits-strict']);
    expect(v.allowed).toBe(false);
    expect(v.denials.map((d) => d.param)).toEqual(['team-a/limits-strict']);
    expect(evaluateValidatingAdmissionPolicies([withParams()], [ref({ selector: {} })], memPod('1Gi'), cluster).invocations).toHaveLength(2);
    const none = evaluateValidatingAdmissionPolicies([withParams()], [ref({ selector: { matchLabels: { role: 'x' } }, parameterNotFoundAction: 'Allow' })], memPod('9Gi'), cluster);
    expect(none.allowed).toBe(true);
    expect(none.invocations).toHaveLength(0);
  });

  test('a cluster-scoped paramKind: namespace must not be set', () => {
    const p = withParams({ paramKind: { apiVersion: 'example.io/v1', kind: 'TenantLimits' }, validations: [{ expression: 'quantity(object.spec.containers[0].resources.limits.memory).compareTo(quantity(params.maxMemory)) <= 0' }] });
    expect(evaluateValidatingAdmissionPolicies([p], [ref({ name: 'global' })], memPod('3Gi'), cluster).allowed).toBe(true);
    expect(evaluateValidatingAdmissionPolicies([p], [ref({ name: 'global' })], memPod('4Gi'), cluster).allowed).toBe(false);
    const v = evaluateValidatingAdmissionPolicies([p], [ref({ name: 'global', namespace: 'team-a' })], memPod('1Gi'), cluster);
    expect(v.message).toContain('paramRef.namespace must not be provided for a cluster-scoped `paramKind`');
  });

  test('a namespaced paramKind without paramRef.namespace cannot serve a cluster-scoped request', () => {
    const p = policy('mem', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['namespaces'] }] },
      validations: [{ expression: 'true' }],
    });
    const nsReq: AdmissionRequestInput = {
      operation: 'CREATE',
      kind: { group: '', version: 'v1', kind: 'PersistentVolume' },
      resource: { group: '', version: 'v1', resource: 'namespaces' },
      namespace: '',
      name: 'x',
      object: { metadata: { name: 'x' } },
    };
    const v = evaluateValidatingAdmissionPolicies([p], [ref({ name: 'limits' })], nsReq, cluster);
    expect(v.message).toContain('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  });

  test('an unknown paramKind is a configuration error', () => {
    const p = withParams({ paramKind: { apiVersion: 'example.io/v1', kind: 'Nope' } });
    const v = evaluateValidatingAdmissionPolicies([p], [ref({ name: 'x' })], memPod('1Gi'), cluster);
    expect(v.message).toContain('paramKind kind `example.io/v1, Kind=Nope` not known');
  });

  test('paramKind set but no paramRef: params is null', () => {
    const v = evaluateValidatingAdmissionPolicies([withParams()], [binding('b', 'mem')], memPod('1Gi'), cluster);
    expect(v.message).toBe("ValidatingAdmissionPolicy 'mem' with binding 'b' denied request: no params");
  });

  test('without paramKind, params does not compile', () => {
    expect(() => evaluateValidatingAdmissionPolicies([policy('x', { validations: [{ expression: 'params == null' }] })], [binding('b', 'x')], podRequest(), cluster))
      .toThrow(CelCompileError);
  });

  test('binding spec errors the API server rejects', () => {
    expect(() => evaluateValidatingAdmissionPolicies([withParams()], [ref({ name: 'a', selector: {} })], memPod('1Gi'), cluster)).toThrow(PolicySpecError);
    expect(() => evaluateValidatingAdmissionPolicies([withParams()], [binding('b', 'mem', { validationActions: ['Deny', 'Warn'] })], memPod('1Gi'), cluster)).toThrow(PolicySpecError);
    expect(() => evaluateValidatingAdmissionPolicies([withParams()], [binding('b', 'mem', { validationActions: [] })], memPod('1Gi'), cluster)).toThrow(PolicySpecError);
  });
});

describe('matchConditions and failurePolicy', () => {
  const mc = (conds: Array<[string, string]>, failurePolicy?: 'Fail' | 'Ignore'): ValidatingAdmissionPolicy => policy('p', {
    failurePolicy,
    matchConditions: conds.map(([name, expression]) => ({ name, expression })),
    validations: [{ expression: 'false', message: 'validated' }],
  });
  const run = (p: ValidatingAdmissionPolicy, req = podRequest()): ReturnType<typeof evaluateValidatingAdmissionPolicies> =>
    evaluateValidatingAdmissionPolicies([p], [binding('b', 'p')], req, cluster);

  test('all true: validations run; any false: skipped, validations never evaluated', () => {
    expect(run(mc([['a', 'true'], ['b', "request.userInfo.username == 'alice'"]])).message).toContain('validated');
    const skipped = run(mc([['a', 'true'], ['b', "request.userInfo.username == 'bob'"]]));
    expect(skipped.allowed).toBe(true);
    expect(skipped.evaluations.map((e) => e.kind)).toEqual(['matchCondition', 'matchCondition']);
  });

  test('an error with none false: Fail denies with the error, Ignore skips', () => {
    const fail = run(mc([['a', 'true'], ['b', 'object.missing == 1']]));
    expect(fail.allowed).toBe(false);
    expect(fail.message).toBe("ValidatingAdmissionPolicy 'p' with binding 'b' denied request: expression 'object.missing == 1' resulted in error: No such key: missing");
    expect(run(mc([['a', 'true'], ['b', 'object.missing == 1']], 'Ignore')).allowed).toBe(true);
  });

  test('an error and a false: skipped (false wins)', () => {
    expect(run(mc([['a', 'object.missing == 1'], ['b', 'false']])).allowed).toBe(true);
  });

  test('matchConditions cannot see variables', () => {
    const p = policy('p', { matchConditions: [{ name: 'a', expression: 'variables.x' }], variables: [{ name: 'x', expression: 'true' }] });
    expect(() => run(p)).toThrow(CelCompileError);
  });

  test('a runtime error in a validation: Fail denies, Ignore admits; errors follow validationActions', () => {
    const p = policy('p', { validations: [{ expression: 'object.spec.replicas > 1' }] });
    expect(run(p).message).toBe("ValidatingAdmissionPolicy 'p' with binding 'b' denied request: expression 'object.spec.replicas > 1' resulted in error: No such key: replicas");
    expect(run({ ...p, spec: { ...p.spec, failurePolicy: 'Ignore' } }).allowed).toBe(true);
    const warn = evaluateValidatingAdmissionPolicies([p], [binding('b', 'p', { validationActions: ['Warn'] })], podRequest(), cluster);
    expect(warn.allowed).toBe(true);
    expect(warn.warnings).toEqual(["Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': expression 'object.spec.replicas > 1' resulted in error: No such key: replicas"]);
  });
});

describe('messages, reasons, validation actions', () => {
  const v1 = (validation: Spec['validations'] extends readonly (infer V)[] | undefined ? V : never): ValidatingAdmissionPolicy => policy('p', { validations: [validation] });
  const msg = (p: ValidatingAdmissionPolicy): string | undefined => evaluateValidatingAdmissionPolicies([p], [binding('b', 'p')], podRequest(), cluster).denials[0]?.message;

  test('messageExpression wins; its fallbacks: error, blank, multi-line, too long → message → "failed expression"', () => {
    expect(msg(v1({ expression: 'false', message: 'static', messageExpression: "'dynamic ' + object.metadata.name" }))).toBe('dynamic p');
    expect(msg(v1({ expression: 'false', message: 'static', messageExpression: 'string(object.missing)' }))).toBe('static');
    expect(msg(v1({ expression: 'false', message: 'static', messageExpression: "'   '" }))).toBe('static');
    expect(msg(v1({ expression: 'false', message: 'static', messageExpression: "'two\\nlines'" }))).toBe('static');
    expect(msg(v1({ expression: 'false', message: 'static', messageExpression: "'x'.replace('x', 'y', -1) + '" + 'a'.repeat(5200) + "'" }))).toBe('static');
    expect(msg(v1({ expression: 'false', messageExpression: 'string(object.missing)' }))).toBe('failed expression: false');
    expect(msg(v1({ expression: '  1 > 2  ' }))).toBe('failed expression: 1 > 2');
    expect(msg(v1({ expression: 'false', messageExpression: "'  padded  '" }))).toBe('padded');
  });

  test('expression types are exact: messageExpression string, validation bool; dyn is refused (IsExactType)', () => {
    expect(() => msg(v1({ expression: 'false', messageExpression: '1' }))).toThrow(CelCompileError);
    expect(() => msg(v1({ expression: 'false', messageExpression: 'object.metadata.name' }))).toThrow(/must evaluate to string but got dyn/);
    expect(() => msg(v1({ expression: 'object.spec.enabled' }))).toThrow(/must evaluate to bool but got dyn/);
    expect(msg(v1({ expression: "object.metadata.name == 'x'", messageExpression: "'name ' + object.metadata.name" }))).toBe('name p');
    const typed = policy('p', { variables: [{ name: 'named', expression: "object.metadata.name == 'x'" }], validations: [{ expression: 'variables.named' }] });
    expect(msg(typed)).toBe('failed expression: variables.named');
  });

  test('messageExpressions are evaluated even when the validation passes', () => {
    const v = evaluateValidatingAdmissionPolicies([v1({ expression: 'true', messageExpression: "'m'" })], [binding('b', 'p')], podRequest(), cluster);
    expect(v.evaluations.map((e) => e.kind)).toEqual(['validation', 'messageExpression']);
  });

  test('reason sets the status reason and code of the first denial', () => {
    const v = evaluateValidatingAdmissionPolicies([v1({ expression: 'false', reason: 'Forbidden' })], [binding('b', 'p')], podRequest(), cluster);
    expect([v.reason, v.code]).toEqual(['Forbidden', 403]);
    const d = evaluateValidatingAdmissionPolicies([v1({ expression: 'false' })], [binding('b', 'p')], podRequest(), cluster);
    expect([d.reason, d.code]).toEqual(['Invalid', 422]);
  });

  test('Warn and Audit do not deny; Deny plus Audit does both', () => {
    const p = v1({ expression: 'false', message: 'nope' });
    const warn = evaluateValidatingAdmissionPolicies([p], [binding('b', 'p', { validationActions: ['Warn', 'Audit'] })], podRequest(), cluster);
    expect(warn.allowed).toBe(true);
    expect(warn.warnings).toEqual(["Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': nope"]);
    expect(warn.auditFailures).toEqual([{ message: 'nope', policy: 'p', binding: 'b', expressionIndex: 0, validationActions: ['Warn', 'Audit'] }]);
    const both = evaluateValidatingAdmissionPolicies([p], [binding('b', 'p', { validationActions: ['Deny', 'Audit'] })], podRequest(), cluster);
    expect(both.allowed).toBe(false);
    expect(both.auditFailures).toHaveLength(1);
  });

  test('auditAnnotations: string published under <policy>/<key>, null and blank omitted, errors deny under Fail', () => {
    const p = policy('p', {
      validations: undefined,
      auditAnnotations: [
        { key: 'image', valueExpression: 'string(object.spec.containers[0].image)' },
        { key: 'none', valueExpression: 'null' },
        { key: 'blank', valueExpression: "' '" },
      ],
    });
    const v = evaluateValidatingAdmissionPolicies([p], [binding('b', 'p')], podRequest(), cluster);
    expect(v.allowed).toBe(true);
    expect(v.auditAnnotations).toEqual({ 'p/image': 'ray:2' });
    const bad = policy('q', { validations: undefined, auditAnnotations: [{ key: 'x', valueExpression: 'string(object.missing)' }] });
    expect(evaluateValidatingAdmissionPolicies([bad], [binding('b', 'q')], podRequest(), cluster).allowed).toBe(false);
    expect(evaluateValidatingAdmissionPolicies([{ ...bad, spec: { ...bad.spec, failurePolicy: 'Ignore' } }], [binding('b', 'q')], podRequest(), cluster).allowed).toBe(true);
  });

  test('the first denial across policies and bindings gives the message', () => {
    const v = evaluateValidatingAdmissionPolicies(
      [v1({ expression: 'true' }), policy('q', { validations: [{ expression: 'false', message: 'q says no' }, { expression: 'false', message: 'second' }] })],
      [binding('b', 'p'), binding('c', 'q')], podRequest(), cluster,
    );
    expect(v.message).toBe("ValidatingAdmissionPolicy 'q' with binding 'c' denied request: q says no");
    expect(v.denials.map((d) => d.expressionIndex)).toEqual([0, 1]);
  });

  test('policy spec errors', () => {
    expect(() => msg(v1({ expression: 'false', reason: 'Teapot' }))).toThrow(PolicySpecError);
    expect(() => msg(v1({ expression: 'false', message: 'two\nlines' }))).toThrow(PolicySpecError);
    expect(() => msg(v1({ expression: 'false\n&& true' }))).toThrow(PolicySpecError);
    expect(() => msg(v1({ expression: '1 + 1' }))).toThrow(CelCompileError);
    expect(() => msg(policy('p', { validations: [] }))).toThrow(PolicySpecError);
    expect(() => msg({ ...policy('p', {}), spec: { ...policy('p', {}).spec, typo: 1 } as never })).toThrow(HarnessUnsupportedError);
  });
});

describe('variables', () => {
  test('lazy, memoised, in order; unused variables are never evaluated', () => {
    const p = policy('p', {
      variables: [
        { name: 'containers', expression: 'object.spec.containers' },
        { name: 'images', expression: 'variables.containers.map(c, c.image)' },
        { name: 'unused', expression: 'object.missing' },
      ],
      validations: [
        { expression: "variables.images.all(i, i.startsWith('ray'))" },
        { expression: 'size(variables.images) == size(variables.containers)' },
      ],
    });
    const v = evaluateValidatingAdmissionPolicies([p], [binding('b', 'p')], podRequest(), cluster);
    expect(v.allowed).toBe(true);
    expect(v.evaluations.map((e) => `${e.kind}:${e.path}`)).toEqual([
      'variable:spec.variables[0].expression',
      'variable:spec.variables[1].expression',
      'validation:spec.validations[0].expression',
      'validation:spec.validations[1].expression',
    ]);
  });

  test('a failing variable fails the expressions that use it', () => {
    const p = policy('p', { variables: [{ name: 'r', expression: 'object.spec.replicas' }], validations: [{ expression: 'variables.r > 1' }] });
    const v = evaluateValidatingAdmissionPolicies([p], [binding('b', 'p')], podRequest(), cluster);
    expect(v.message).toContain("expression 'variables.r > 1' resulted in error: composited variable \"r\" fails to evaluate: No such key: replicas");
  });

  test('forward references and typos do not compile', () => {
    const fwd = policy('p', { variables: [{ name: 'a', expression: 'variables.b' }, { name: 'b', expression: '1' }] });
    expect(() => evaluateValidatingAdmissionPolicies([fwd], [binding('b', 'p')], podRequest(), cluster)).toThrow(CelCompileError);
    const typo = policy('p', { variables: [{ name: 'a', expression: '1' }], validations: [{ expression: 'variables.b == 1' }] });
    expect(() => evaluateValidatingAdmissionPolicies([typo], [binding('b', 'p')], podRequest(), cluster)).toThrow(CelCompileError);
  });
});

describe('bindings of request, namespaceObject, object/oldObject', () => {
  const check = (expression: string, req: AdmissionRequestInput = podRequest()): boolean =>
    evaluateValidatingAdmissionPolicies([policy('p', { validations: [{ expression }], matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] } })],
      [binding('b', 'p')], req, cluster).allowed;

  test('request fields', () => {
    expect(check("request.operation == 'CREATE' && request.namespace == 'team-a' && request.name == 'p'")).toBe(true);
    expect(check("request.kind.kind == 'Pod' && request.kind.group == '' && request.resource.resource == 'pods'")).toBe(true);
    expect(check("request.userInfo.username == 'alice' && 'team-a' in request.userInfo.groups && !request.dryRun")).toBe(true);
    expect(check('!has(request.subResource)')).toBe(true);
  });

  test('request is statically typed: a typo does not compile', () => {
    expect(() => check('request.opration == "CREATE"')).toThrow(CelCompileError);
  });

  test('omitempty fields are absent: request.namespace of a cluster-scoped request is an error', () => {
    const req: AdmissionRequestInput = {
      operation: 'CREATE',
      kind: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole' },
      resource: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' },
      name: 'x',
      object: { metadata: { name: 'x' } },
    };
    expect(check('!has(request.namespace)', req)).toBe(true);
    expect(check("request.namespace == ''", req)).toBe(false);
  });

  test('namespaceObject: the request namespace with labels; null for cluster-scoped and Namespace requests', () => {
    expect(check("namespaceObject.metadata.labels.tenant == 'a' && namespaceObject.metadata.name == 'team-a'")).toBe(true);
    // namespaceObject is typed (kubernetes.Namespace): fields outside the type do not compile
    expect(() => check('!has(namespaceObject.kind)')).toThrow(CelCompileError);
    expect(() => check("namespaceObject.metadata.uid != ''")).toThrow(CelCompileError);
    const nsReq: AdmissionRequestInput = {
      operation: 'CREATE',
      kind: { group: '', version: 'v1', kind: 'Namespace' },
      resource: { group: '', version: 'v1', resource: 'namespaces' },
      name: 'team-c',
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-c' } },
    };
    expect(check("namespaceObject == null && request.namespace == 'team-c'", nsReq)).toBe(true);
  });

  test('oldObject is null on CREATE, object is null on DELETE', () => {
    expect(check('oldObject == null && object != null')).toBe(true);
    expect(check('object == null && oldObject.metadata.name == "p"', podRequest({ operation: 'DELETE', object: null, oldObject: pod('p') }))).toBe(true);
  });

  test('integral numbers are int, others double', () => {
    expect(check('object.spec.replicas == 3 && object.spec.ratio == 0.5', podRequest({ object: { ...pod('p'), spec: { replicas: 3, ratio: 0.5 } } }))).toBe(true);
  });
});

describe('strictness inside admission', () => {
  test('an unshimmed Kubernetes function throws, even where CEL would absorb an error', () => {
    const p = policy('p', { validations: [{ expression: "true || object.metadata.name.matches('a(?i)b')" }] });
    expect(() => evaluateValidatingAdmissionPolicies([p], [binding('b', 'p')], podRequest(), cluster)).toThrow(HarnessUnsupportedError);
    const q = policy('q', { validations: [{ expression: "[1, 2].exists(x, x == 1 || 'aB'.matches('a(?i)b'))" }] });
    expect(() => evaluateValidatingAdmissionPolicies([q], [binding('b', 'q')], podRequest(), cluster)).toThrow(HarnessUnsupportedError);
    const r = policy('r', { validations: [{ expression: "isURL('https://x')" }] });
    expect(() => evaluateValidatingAdmissionPolicies([r], [binding('b', 'r')], podRequest(), cluster)).toThrow(HarnessUnsupportedError);
    const s = policy('s', { validations: [{ expression: "authorizer.group('').resource('pods').check('create').allowed()" }] });
    expect(() => evaluateValidatingAdmissionPolicies([s], [binding('b', 's')], podRequest(), cluster)).toThrow(HarnessUnsupportedError);
  });

  test('a harness gap met at runtime is not absorbed by || or exists', () => {
    const req = podRequest({ object: pod('p', { re: 'a' }, { patterns: ['x(?i)y'] }) });
    const p = policy('p', { validations: [{ expression: 'object.metadata.name.matches(object.patterns[0]) || true' }] });
    expect(() => evaluateValidatingAdmissionPolicies([p], [binding('b', 'p')], req, cluster)).toThrow(HarnessUnsupportedError);
    const q = policy('q', { validations: [{ expression: "['p', 'q'].exists(n, n == 'q' || n.matches(object.patterns[0]))" }] });
    expect(() => evaluateValidatingAdmissionPolicies([q], [binding('b', 'q')], req, cluster)).toThrow(HarnessUnsupportedError);
  });

  test('a function Kubernetes does not have is a compile error', () => {
    const p = policy('p', { validations: [{ expression: 'object.metadata.name.json() == 1' }] });
    expect(() => evaluateValidatingAdmissionPolicies([p], [binding('b', 'p')], podRequest(), cluster)).toThrow(/undeclared reference to 'json'/);
  });
});

describe('a realistic policy: every container memory limit <= params.data.maxMemory', () => {
  const memoryPolicy = policy('ray-memory-limit', {
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    matchConstraints: { resourceRules: [POD_RULE], namespaceSelector: { matchExpressions: [{ key: 'tenant', operator: 'Exists' }] } },
    matchConditions: [{ name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" }],
    variables: [
      { name: 'containers', expression: 'object.spec.containers + object.spec.?initContainers.orValue([])' },
      { name: 'max', expression: 'quantity(params.data.maxMemory)' },
    ],
    validations: [
      { expression: 'params != null', message: 'tenant limits ConfigMap missing' },
      {
        expression: "variables.containers.all(c, has(c.resources) && has(c.resources.limits) && 'memory' in c.resources.limits && isQuantity(c.resources.limits.memory))",
        message: 'every container needs a memory limit',
      },
      {
        expression: 'variables.containers.all(c, !quantity(c.resources.limits.memory).isGreaterThan(variables.max))',
        messageExpression: "'memory limit above ' + params.data.maxMemory + ' in ' + variables.containers.filter(c, quantity(c.resources.limits.memory).isGreaterThan(variables.max)).map(c, c.name).join(', ')",
        reason: 'Forbidden',
      },
    ],
  });
  const b = binding('ray-memory-limit', 'ray-memory-limit', { paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } });
  const rayPod = (limits: Array<string | undefined>, init: string[] = []): AdmissionRequestInput => podRequest({
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'raycluster-head', namespace: 'team-a' },
      spec: {
        containers: limits.map((m, i) => ({ name: `c${i}`, image: 'rayproject/ray:2.9', resources: m === undefined ? {} : { limits: { memory: m } } })),
        ...(init.length > 0 ? { initContainers: init.map((m, i) => ({ name: `init${i}`, image: 'busybox', resources: { limits: { memory: m } } })) } : {}),
      },
    },
  });

  test('passes at and below the limit, also with equivalent spellings', () => {
    expect(evaluateValidatingAdmissionPolicies([memoryPolicy], [b], rayPod(['2Gi', '1536Mi', '2048Mi', '2147483648']), cluster).allowed).toBe(true);
  });

  test('fails above the limit with a computed message and Forbidden', () => {
    const v = evaluateValidatingAdmissionPolicies([memoryPolicy], [b], rayPod(['1Gi', '2049Mi'], ['3Gi']), cluster);
    expect(v.allowed).toBe(false);
    expect(v.message).toBe("ValidatingAdmissionPolicy 'ray-memory-limit' with binding 'ray-memory-limit' denied request: memory limit above 2Gi in c1, init0");
    expect([v.reason, v.code]).toEqual(['Forbidden', 403]);
  });

  test('fails without a memory limit', () => {
    const v = evaluateValidatingAdmissionPolicies([memoryPolicy], [b], rayPod(['1Gi', undefined]), cluster);
    expect(v.denials.map((d) => d.message)).toEqual([
      'every container needs a memory limit',
      // the third validation errors on the container without limits: a CEL runtime error → Fail
      "expression 'variables.containers.all(c, !quantity(c.resources.limits.memory).isGreaterThan(variables.max))' resulted in error: No such key: limits",
    ]);
  });

  test('system users are skipped by the matchCondition', () => {
    expect(evaluateValidatingAdmissionPolicies([memoryPolicy], [b], { ...rayPod(['9Gi']), userInfo: { username: 'system:serviceaccount:kuberay:operator' } }, cluster).allowed).toBe(true);
  });
});
