/**
 * The Kyverno GeneratingPolicy for RayClusters made outside the library: valid against Kyverno
 * v1.19.0's CRD, and what it generates equals what the library renders. The harness does not run
 * GeneratingPolicies (Kyverno's `generator` library is not modelled), so its match constraints,
 * match conditions and variables are evaluated with the harness as Kyverno would at admission, the
 * generate expression is held to `generator.Apply(<namespace>, <the downstream variable>)`, and the
 * downstream objects are compared with the NetworkPolicies `SecureTenantRayCluster` synthesizes.
 */
import { Duration, Testing } from 'cdk8s';
import { apiServerNamespace, changed, CLUSTER, DEFS, request, TEAM_A, TEAM_C } from './support';
import { AutoscalerVersion, SecureTenantRayCluster } from '../../../src';
import { TENANTS } from '../../../src/main';
import { GENERATING_POLICY_NAME, NetworkPolicyGeneration, rayClusterNetworkPolicyGenerator } from '../../../src/policy/cel';
import { LIBRARY_MANAGED_LABEL } from '../../../src/policy/library-labels';
import { DEFAULT_DNS, headPolicySpec, isolationPolicySpec } from '../../../src/policy/network-policies';
import { AdmissionRequestInput, CelCoverage, ClusterState, evalCel, expressionSites, KYVERNO_LIBRARY_IDENTIFIERS, matchesResources, prepareRequest } from '../../support/cel';
import { baseActivation, compilePolicySpec, namespaceLabelsFrom } from '../../support/cel/admission';
import { loadCrdValidator } from '../../support/crd-schema';
import { sharedPath } from '../../support/manifests';

const API_SERVER = { cidr: '172.18.0.2/32', port: 6443 };
const GENERATION: NetworkPolicyGeneration = { tenants: DEFS, dns: DEFAULT_DNS, apiServer: API_SERVER };
const POLICY = rayClusterNetworkPolicyGenerator(GENERATION) as any;
const coverage = new CelCoverage();
coverage.registerPolicy(`GeneratingPolicy/${GENERATING_POLICY_NAME}`, expressionSites(POLICY.spec));

/** JSON out of CEL values (ints are bigints in the harness). */
const json = (v: unknown): any => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)));

/**
 * What Kyverno would generate for one admission request: `undefined` when the policy does not
 * match or a match condition is false, else the downstream objects and the namespace passed to
 * `generator.Apply`.
 */
function generate(policy: any, req: AdmissionRequestInput, cluster: ClusterState = CLUSTER): { namespace: string; objects: any[] } | undefined {
  const key = `GeneratingPolicy/${policy.metadata.name}`;
  const { matchConstraints, matchConditions, variables } = policy.spec;
  const compiled = compilePolicySpec(key, policy.metadata.name, { matchConstraints, matchConditions, variables }, false, KYVERNO_LIBRARY_IDENTIFIERS);
  const prepared = prepareRequest(req);
  const m = matchesResources(matchConstraints, prepared.attrs, namespaceLabelsFrom(cluster));
  expect(m.error).toBeUndefined();
  if (!m.matches) return undefined;
  const base = baseActivation(prepared, cluster);
  for (const mc of compiled.matchConditions) {
    const out = mc.cel.evaluate(base);
    expect(out.error).toBeUndefined();
    coverage.record(key, mc.site, out);
    if (out.value !== true) return undefined;
  }
  const values: Record<string, unknown> = Object.create(null);
  for (const v of compiled.variables) {
    const out = v.cel.evaluate({ ...base, variables: values });
    expect({ variable: v.name, error: out.error?.message }).toEqual({ variable: v.name, error: undefined });
    coverage.record(key, v.site, out);
    values[v.name] = out.value;
  }
  expect(policy.spec.generate).toEqual([{ expression: 'generator.Apply(variables.namespace, variables.downstream)' }]);
  return { namespace: values.namespace as string, objects: json(values.downstream) };
}

/** A hand-made RayCluster (a KubeRay sample's shape) in a namespace. */
function handMade(namespace: string, name = 'hand', extra: (x: any) => void = () => undefined): any {
  return changed({
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name, namespace, labels: { tenant: 'whoever' } },
    spec: { headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] } } } },
  }, extra);
}

const create = (object: any, user: 'alice' | 'operator' | 'argocd' = 'alice') => request('rayclusters', 'CREATE', user, { object });

describe('the GeneratingPolicy (policies.kyverno.io/v1)', () => {
  const crd = sharedPath('kyverno', 'crd-cel', 'policies.kyverno.io_generatingpolicies.yaml');
  const maybe = crd ? test : test.skip;

  maybe('validates against the Kyverno v1.19.0 CRD (version v1), unknown fields rejected, its CEL rule held', () => {
    const v = loadCrdValidator(crd!, { version: 'v1', rejectUnknownFields: true })!;
    expect(v.validate(POLICY)).toEqual([]);
    // The CRD's one CEL rule (exactly one of expression or template), which the validator skips: evaluated here.
    expect(v.celRules.map((r) => r.path)).toEqual(['spec.generate[*]']);
    for (const g of POLICY.spec.generate) expect(evalCel(v.celRules[0].rule.replace(/\bself\b/g, 'object'), { object: g })).toBe(true);
    const typo = changed(POLICY, (p) => { p.spec.generates = p.spec.generate; });
    expect(v.validate(typo).map((e) => e.path)).toContain('spec.generates');
    const none = changed(POLICY, (p) => { p.spec.generate = []; });
    expect(v.validate(none).length).toBeGreaterThan(0);
  });

  test('its identity: cluster-scoped, named, kept in sync with the RayCluster, generated for existing clusters too', () => {
    expect(POLICY.metadata).not.toHaveProperty('namespace');
    expect(POLICY.metadata.name).toBe(GENERATING_POLICY_NAME);
    expect(POLICY.spec.evaluation).toEqual({ generateExisting: { enabled: true }, synchronize: { enabled: true } });
    expect(POLICY.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: ['ray.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['rayclusters'], scope: 'Namespaced' }]);
    expect(POLICY.spec.matchConstraints.namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ml-c', 'team-a', 'team-b'] }] });
  });
});

describe('what it generates', () => {
  test('a hand-made RayCluster in a tenant namespace: <cluster>-isolation, labelled for the namespace\'s tenant', () => {
    const out = generate(POLICY, create(handMade('team-a')))!;
    expect(out.namespace).toBe('team-a');
    expect(out.objects).toEqual([{
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'hand-isolation', namespace: 'team-a', labels: { tenant: 'team-a' } },
      spec: isolationPolicySpec({
        clusterName: 'hand', namespace: 'team-a', selector: { 'ray.io/cluster': 'hand' }, dns: DEFAULT_DNS, autoscaling: false, ingress: [], headIngress: [], egress: [], submitters: [],
      }),
    }]);
  });

  test('with the autoscaler: also <cluster>-head, with the API-server egress', () => {
    const out = generate(POLICY, create(handMade('ml-c', 'auto', (x) => { x.spec.enableInTreeAutoscaling = true; })))!;
    const spec = {
      clusterName: 'auto',
      namespace: 'ml-c',
      selector: { 'ray.io/cluster': 'auto' },
      dns: DEFAULT_DNS,
      autoscaling: true,
      apiServer: API_SERVER,
      ingress: [],
      headIngress: [],
      egress: [],
      submitters: [],
    };
    expect(out.objects.map((o) => [o.metadata, o.spec])).toEqual([
      [{ name: 'auto-isolation', namespace: 'ml-c', labels: { tenant: 'team-c' } }, isolationPolicySpec(spec)],
      [{ name: 'auto-head', namespace: 'ml-c', labels: { tenant: 'team-c' } }, headPolicySpec(spec)],
    ]);
    expect(out.objects[1].spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '172.18.0.2/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
  });

  test('without an API server: the head policy the library renders then (no egress)', () => {
    const p = rayClusterNetworkPolicyGenerator({ tenants: DEFS, dns: { namespace: 'dns', podLabels: { app: 'coredns' }, port: 5353 } }) as any;
    const out = generate(p, create(handMade('team-b', 'auto', (x) => { x.spec.enableInTreeAutoscaling = true; })))!;
    expect(out.objects[1].spec.egress).toEqual([]);
    expect(out.objects[0].spec.egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }],
      ports: [{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }],
    });
  });

  test('the RayCluster KubeRay creates for a hand-made RayJob (created by the operator, generated name): policies too', () => {
    const out = generate(POLICY, create(handMade('team-a', 'train-x7k2q', (x) => { x.metadata.labels = { 'ray.io/originated-from-crd': 'RayJob' }; }), 'operator'))!;
    expect(out.objects.map((o) => o.metadata.name)).toEqual(['train-x7k2q-isolation']);
  });

  test('the library\'s RayClusters (secure-ray.io/managed-by) are skipped: they carry their own policies', () => {
    const marked = handMade('team-a', 'lib', (x) => { x.metadata.labels[LIBRARY_MANAGED_LABEL.key] = LIBRARY_MANAGED_LABEL.value; });
    expect(generate(POLICY, create(marked, 'argocd'))).toBeUndefined();
    expect(generate(POLICY, request('rayclusters', 'UPDATE', 'argocd', { object: marked, oldObject: marked }))).toBeUndefined();
    // another value of the label is no marker
    expect(generate(POLICY, create(changed(marked, (x) => { x.metadata.labels[LIBRARY_MANAGED_LABEL.key] = 'someone'; })))).toBeDefined();
  });

  test('RayClusters outside tenant namespaces and deletions are not matched', () => {
    const cluster = { namespaces: [...CLUSTER.namespaces!, apiServerNamespace('ray-system')] };
    expect(generate(POLICY, create(handMade('ray-system')), cluster)).toBeUndefined();
    expect(generate(POLICY, request('rayclusters', 'DELETE', 'alice', { oldObject: handMade('team-a') }))).toBeUndefined();
  });

  test('equal to the NetworkPolicies SecureTenantRayCluster renders for the same cluster (labels and specs; the construct adds a sync wave)', () => {
    for (const autoscaling of [false, true]) {
      const chart = Testing.chart();
      new SecureTenantRayCluster(chart, 'c', {
        tenant: TENANTS.teamA,
        name: 'same',
        workerGroups: [{ groupName: 'w', minReplicas: 0, maxReplicas: 2, resources: { cpu: { request: '1', limit: '1' }, memory: { request: '1Gi', limit: '1Gi' } } }],
        ...(autoscaling ? { autoscaling: { idleTimeout: Duration.minutes(5), version: AutoscalerVersion.V2 } } : {}),
        network: { apiServer: API_SERVER },
      });
      const manifests = Testing.synth(chart);
      const rendered = manifests.filter((m: any) => m.kind === 'NetworkPolicy')
        .map((m: any) => ({
          apiVersion: m.apiVersion,
          kind: m.kind,
          metadata: { name: m.metadata.name, namespace: m.metadata.namespace, labels: m.metadata.labels },
          spec: m.spec,
        }));
      const rc = manifests.find((m: any) => m.kind === 'RayCluster');
      // The library's cluster is skipped; the same cluster made by hand (without the marker) gets exactly the library's policies.
      expect(generate(POLICY, create(rc, 'argocd'))).toBeUndefined();
      const hand = changed(rc, (x) => { delete x.metadata.labels[LIBRARY_MANAGED_LABEL.key]; });
      expect(generate(POLICY, create(hand))!.objects).toEqual(rendered);
      expect(rendered.length).toBe(autoscaling ? 2 : 1);
    }
    void TEAM_A;
    void TEAM_C;
  });

  test('every match condition and variable ran, every boolean one both true and false', () => {
    coverage.assertComplete({ bothOutcomes: true });
    expect(coverage.report().length).toBe(POLICY.spec.matchConditions.length + POLICY.spec.variables.length);
  });
});
