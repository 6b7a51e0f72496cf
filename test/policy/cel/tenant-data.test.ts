/**
 * Where a tenant's bounds live, and why the tenant cannot change them: they are literals in
 * cluster-scoped policies (no paramKind, no param object anywhere), and the policies select the
 * tenant's namespace by the label the API server sets to its name.
 */
import { admit, apiServerNamespace, CLUSTER, changed, ENGINES, POLICIES, request, TEAM_A, tenantPod } from './support';
import { podPolicyName } from '../../../src/policy/cel';
import { evaluateValidatingAdmissionPolicies } from '../../support/cel';

const eightCpus = changed(tenantPod(TEAM_A), (p) => { p.spec.containers[0].resources.limits.cpu = '8'; });

describe.each(ENGINES)('%s', (engine) => {
  test('a ConfigMap the tenant writes in its own namespace cannot raise its bounds', () => {
    const raised = { minCpu: '1m', maxCpu: '64', minMemory: '1Mi', maxMemory: '1Ti' };
    const objects = [
      // every name a param lookup could use: the policy's, a generic one, the tenant's
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: podPolicyName('team-a'), namespace: 'team-a' }, data: raised },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tenant-bounds', namespace: 'team-a', labels: { tenant: 'team-a' } }, data: raised },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'team-a', namespace: 'team-a' }, data: raised },
    ];
    const create = request('configmaps', 'CREATE', 'alice', { object: objects[0] });
    expect(admit(engine, create).allowed).toBe(true); // writing it is allowed; it simply means nothing
    const v = admit(engine, request('pods', 'CREATE', 'alice', { object: eightCpus }), { cluster: { ...CLUSTER, objects } });
    expect(v.allowed).toBe(false);
    expect(v.message).toMatch(/a limit <= 4/);
    expect(v.invocations.every((i) => i.param === undefined)).toBe(true);
  });

  test('a tenant relabelling its namespace does not take it out of its policies', () => {
    const relabelled = { namespaces: CLUSTER.namespaces!.map((n) => (n.metadata!.name === 'team-a' ? apiServerNamespace('team-a', { tenant: 'nobody', exempt: 'true' }) : n)) };
    expect(admit(engine, request('pods', 'CREATE', 'alice', { object: eightCpus }), { cluster: relabelled }).allowed).toBe(false);
  });

  test('a namespace with another name that claims the tenant label is not the tenant\'s (namespaces are the platform\'s)', () => {
    const impostor = changed(eightCpus, (p) => { p.metadata.namespace = 'team-a-scratch'; });
    const cluster = { namespaces: [...CLUSTER.namespaces!, apiServerNamespace('team-a-scratch', { tenant: 'team-a' })] };
    const v = admit(engine, request('pods', 'CREATE', 'alice', { object: impostor }), { cluster });
    expect(v.allowed).toBe(true);
    expect(v.invocations).toEqual([]);
  });
});

test('the bounds are literals of the cluster-scoped policy: no paramKind, nothing read from a namespace', () => {
  const pods = POLICIES.find((p) => p.metadata.name === podPolicyName('team-a'))!;
  expect(pods.spec.paramKind).toBeUndefined();
  const text = JSON.stringify(pods.spec);
  for (const bound of ["quantity('500m')", "quantity('4')", "quantity('512Mi')", "quantity('8Gi')"]) expect(text).toContain(bound);
  expect(text).not.toMatch(/params|namespaceObject|annotations/);
});

test('why not params: a binding whose paramRef has no namespace reads the request\'s namespace, and the tenant wins', () => {
  // The design this project does not use, for contrast: the same bound read from a ConfigMap param.
  const policy: any = {
    metadata: { name: 'bounds-from-params' },
    spec: {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] },
      validations: [{ expression: "object.spec.containers.all(c, !quantity(string(c.resources.limits['cpu'])).isGreaterThan(quantity(params.data.maxCpu)))" }],
    },
  };
  const binding = (namespace?: string): any => ({
    metadata: { name: 'b' },
    spec: { policyName: 'bounds-from-params', validationActions: ['Deny'], paramRef: { name: 'tenant-bounds', ...(namespace ? { namespace } : {}), parameterNotFoundAction: 'Deny' } },
  });
  const platformCm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tenant-bounds', namespace: 'platform' }, data: { maxCpu: '4' } };
  const tenantCm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tenant-bounds', namespace: 'team-a' }, data: { maxCpu: '64' } };
  const pod = request('pods', 'CREATE', 'alice', { object: eightCpus });
  const cluster = { ...CLUSTER, objects: [platformCm, tenantCm] };
  expect(evaluateValidatingAdmissionPolicies([policy], [binding()], pod, cluster).allowed).toBe(true); // the tenant's ConfigMap was read
  expect(evaluateValidatingAdmissionPolicies([policy], [binding('platform')], pod, cluster).allowed).toBe(false); // a platform namespace holds
  // and with the platform's object missing, Deny fails closed
  expect(evaluateValidatingAdmissionPolicies([policy], [binding('platform')], pod, { ...CLUSTER, objects: [tenantCm] }).allowed).toBe(false);
});
