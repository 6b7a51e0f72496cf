/**
 * The CEL policies and the engine say the same thing about pods: every pod of a corpus goes through
 * the emitted ValidatingAdmissionPolicies (and Kyverno ValidatingPolicies) and through
 * `checkDocument` with the platform's tenant definitions (`enforce-tenant-isolation`, the rule
 * `secure-ray check --tenants` runs), and the verdicts (admit / refuse) must agree.
 *
 * Documented differences, asserted as such below:
 * 1. Identity. `ray.io/*` labels from anyone but the KubeRay operator (and the workload
 *    controllers) are refused at admission; a manifest has no requester, so the engine cannot
 *    judge them. Those pods are refused by the pod-label policy's `ray.io/` validation alone.
 * 2. Changes. Admission judges an UPDATE only when the spec (or the labels) change; the engine
 *    judges documents. The corpus holds CREATEs only.
 * 3. What the API server refuses before validating admission (invalid or negative quantities, an
 *    extended request unequal to its limit, no containers) is outside the corpus: the policies
 *    never see it.
 *
 * Corpus: the pods of the admission corpus (bare pods, Jobs' pods, KubeRay's pods, every tenant's
 * mutations), the Pod Security Standards fixtures (`../shared/pss`) placed in tenant namespaces as
 * they are and fitted to the tenant, the pods KubeRay builds from its own samples
 * (`../shared/kuberay/samples`) in a tenant namespace, and generated pods.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { corpusPods } from './cases';
import { admit, changed, DEFS, request, TEAM_A, TEAM_B, TEAM_C, User, USERS } from './support';
import { buildRayPods } from '../../../src/kuberay';
import { podLabelPolicyName } from '../../../src/policy/cel';
import { checkDocument } from '../../../src/policy/engine';
import { TenantDefinition } from '../../../src/policy/tenant-definition';
import { params } from '../../property/support';
import { sharedPath } from '../../support/manifests';

type Verdict = 'admit' | 'refuse';
interface Outcome { readonly engine: Verdict; readonly vap: Verdict; readonly kyverno: Verdict; readonly identityOnly: boolean }

const userOf = (username: string): User => (Object.keys(USERS) as User[]).find((u) => USERS[u].username === username)!;

function judge(pod: any, user: User): Outcome {
  const rule = checkDocument(pod, { tenants: DEFS }).rules['enforce-tenant-isolation'];
  const req = request('pods', 'CREATE', user, { object: pod });
  const vap = admit('vap', req);
  const kyverno = admit('kyverno', req);
  for (const v of [vap, kyverno]) if (v.errors.length > 0) throw new Error(`evaluation errors: ${v.errors.join('; ')}`);
  const labelPolicies = DEFS.map((d) => podLabelPolicyName(d.name));
  const identityOnly = vap.denials.length > 0
    && vap.denials.every((d) => labelPolicies.some((p) => d.policy.endsWith(`/${p}`)) && d.expressionIndex === 1);
  return {
    engine: rule.status === 'fail' ? 'refuse' : 'admit',
    vap: vap.allowed ? 'admit' : 'refuse',
    kyverno: kyverno.allowed ? 'admit' : 'refuse',
    identityOnly,
  };
}

/** Agreement, or difference 1 (identity): the engine admits what admission refuses for its ray.io/ labels alone. */
function expectAgreement(name: string, o: Outcome): 'agree' | 'identity' {
  expect({ name, vap: o.vap }).toEqual({ name, vap: o.kyverno });
  if (o.engine === o.vap) return 'agree';
  expect({ name, ...o }).toEqual({ name, engine: 'admit', vap: 'refuse', kyverno: 'refuse', identityOnly: true });
  return 'identity';
}

/** A pod made to fit a tenant: its namespace, label, node selector, toleration, and every container within the bounds. */
function fitted(pod: any, def: TenantDefinition): any {
  return changed(pod, (p) => {
    p.metadata = { ...p.metadata, namespace: def.namespace ?? def.name, labels: { ...p.metadata.labels, tenant: def.name } };
    p.spec.nodeSelector = { [def.nodeLabelKey ?? 'tenant']: def.nodeLabelValue ?? def.name };
    p.spec.tolerations = [{ key: def.taintKey ?? 'tenant', operator: 'Equal', value: def.taintValue ?? def.name, effect: def.taintEffect }];
    for (const c of [...(p.spec.initContainers ?? []), ...(p.spec.containers ?? [])]) {
      const b = def.bounds!;
      c.resources = { requests: { cpu: b.minCpu, memory: b.minMemory }, limits: { cpu: b.maxCpu, memory: b.maxMemory } };
    }
  });
}

const tally: Record<string, { pods: number; agree: number; identity: number; refused: number }> = {};
function record(corpus: string, name: string, pod: any, user: User): void {
  const o = judge(pod, user);
  const t = (tally[corpus] ??= { pods: 0, agree: 0, identity: 0, refused: 0 });
  t.pods++;
  t[expectAgreement(`${corpus}: ${name}`, o)]++;
  if (o.vap === 'refuse') t.refused++;
}

afterAll(() => {
  // The numbers the report quotes.
  // eslint-disable-next-line no-console
  console.log(`differential corpus (pods, agreeing, identity-only differences, refused):\n${Object.entries(tally)
    .map(([k, t]) => `  ${k}: ${t.pods} pods, ${t.agree} agree, ${t.identity} identity, ${t.refused} refused`).join('\n')}`);
});

test('the admission corpus: every pod case', () => {
  const pods = corpusPods();
  expect(pods.length).toBeGreaterThan(60);
  for (const { name, pod, user } of pods) record('admission corpus', name, pod, userOf(user));
  // difference 1 is really exercised: a tenant's pod with ray.io/ labels
  expect(tally['admission corpus'].identity).toBeGreaterThan(0);
});

const pss = sharedPath('pss', 'fixtures');
(pss ? test : test.skip)('the Pod Security Standards fixtures, in tenant namespaces as they are and fitted to each tenant', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.yaml')) files.push(full);
    }
  };
  walk(pss!);
  expect(files.length).toBe(148);
  for (const file of files.sort()) {
    const pod = parseAllDocuments(fs.readFileSync(file, 'utf8'))[0].toJS();
    const name = path.relative(pss!, file);
    record('PSS fixtures as they are', name, changed(pod, (p) => { p.metadata.namespace = 'team-a'; }), 'alice');
    for (const def of [TEAM_A, TEAM_B, TEAM_C]) record(`PSS fixtures fitted to ${def.name}`, name, fitted(pod, def), 'alice');
  }
  expect(tally['PSS fixtures as they are'].refused).toBe(148); // not pinned
  for (const def of [TEAM_A, TEAM_B, TEAM_C]) expect(tally[`PSS fixtures fitted to ${def.name}`].refused).toBe(0); // pod security is PSA's
});

const samples = sharedPath('kuberay', 'samples');
(samples ? test : test.skip)('the pods KubeRay builds from its v1.7.0 samples, created by the operator in tenant namespaces', () => {
  for (const file of fs.readdirSync(samples!).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(samples!, file), 'utf8')).map((d) => d.toJS())) {
      if (doc?.kind !== 'RayCluster') continue;
      for (const p of buildRayPods(doc)) {
        const name = `${file} ${p.group}`;
        record('KubeRay samples as they are', name, changed(p.pod, (x) => { x.metadata.namespace = 'team-b'; }), 'operator');
        record('KubeRay samples placed on team-b\'s nodes', name, changed(p.pod, (x) => {
          x.metadata.namespace = 'team-b';
          x.metadata.labels.tenant = 'team-b';
          x.spec.nodeSelector = { tenant: 'team-b' };
          x.spec.tolerations = [...(x.spec.tolerations ?? []).filter((t: any) => t.key !== 'tenant'), { key: 'tenant', operator: 'Equal', value: 'team-b', effect: 'NoSchedule' }];
        }), 'operator');
      }
    }
  }
  expect(tally['KubeRay samples as they are'].pods).toBeGreaterThan(50);
  const placed = tally['KubeRay samples placed on team-b\'s nodes'];
  expect(placed.refused).toBeGreaterThan(0); // samples' resources outside team-b's bounds, GPUs...
  expect(placed.refused).toBeLessThan(placed.pods); // ... and some within them
});

// ---- generated pods ---------------------------------------------------------------------------

/**
 * Pods near a tenant's rules: each part is the tenant's right one most of the time and a wrong or
 * borderline one otherwise (quantities in other spellings, integers, other tenants' values,
 * wildcards, GPUs, KubeRay's fixed containers), so both verdicts and every rule come up.
 */
const often = <T>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: right }, { weight: 1, arbitrary: wrong });
const omitUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const VALUES = ['team-a', 'team-b', 'c', 'other'];
const KEYS = ['tenant', 'pool.example.com/tenant', 'dedicated.example.com/tenant', 'nvidia.com/gpu', 'node.kubernetes.io/not-ready', ''];

type Tolerations = Array<Record<string, unknown>>;

function podFor(def: TenantDefinition): fc.Arbitrary<any> {
  const b = def.bounds!;
  const nodeKey = def.nodeLabelKey ?? 'tenant';
  const nodeValue = def.nodeLabelValue ?? def.name;
  const taint = { key: def.taintKey ?? 'tenant', operator: 'Equal', value: def.taintValue ?? def.name, effect: def.taintEffect };
  const q = (right: Array<string | number>, wrong: Array<string | number>) => often(fc.constantFrom(...right), fc.constantFrom(...wrong));
  const cpuRequest = q([b.minCpu!, '1', 1], ['1m', '99m', '249m', '499m']);
  const cpuLimit = q([b.maxCpu!, '2', 2], ['17', 17, '8001m', '4001m']);
  const memRequest = q([b.minMemory!, '1Gi', '1.5Gi', '1536Mi'], ['1Mi', '127Mi', '255Mi', '511Mi']);
  const memLimit = q([b.maxMemory!, '2Gi', 2147483648, '2048Mi'], ['65Gi', '32769Mi', '8193Mi', '9Gi']);
  const extended = fc.record({
    'nvidia.com/gpu': fc.option(fc.constantFrom<string | number>('0', '1', 1, '2', '3'), { nil: undefined, freq: 1 }),
    'example.com/fpga': fc.option(fc.constantFrom('0', '1', '2'), { nil: undefined, freq: 1 }),
  }).map(omitUndefined).chain((x) => often(fc.constant({}), fc.constant(x)));
  const resources = fc.record({ cpuRequest, cpuLimit, memRequest, memLimit, extended, drop: often<string | undefined>(fc.constant(undefined), fc.constantFrom('requests', 'limits', 'cpu')) })
    .map((r) => {
      const requests: any = { cpu: r.cpuRequest, memory: r.memRequest };
      const limits: any = { cpu: r.cpuLimit, memory: r.memLimit, ...r.extended };
      if (r.drop === 'cpu') delete limits.cpu;
      return omitUndefined({ requests: r.drop === 'requests' ? undefined : requests, limits: r.drop === 'limits' ? undefined : limits });
    });
  const container = fc.record({
    name: often(fc.constantFrom('main', 'side', 'autoscaler'), fc.constantFrom('wait-gcs-ready', 'wait-for-tls-ip-san', 'ray-history-collector')),
    resources,
    env: often(fc.constant(undefined), fc.constantFrom([{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }], [{ name: 'HOME', value: '/home' }])),
  }).map((c): any => ({ image: 'x', ...omitUndefined(c) }));
  const toleration = fc.record({
    key: fc.option(fc.constantFrom(...KEYS), { nil: undefined, freq: 6 }),
    operator: fc.option(fc.constantFrom('Equal', 'Exists', ''), { nil: undefined, freq: 3 }),
    value: fc.option(fc.constantFrom(...VALUES), { nil: undefined, freq: 3 }),
    effect: fc.option(fc.constantFrom('NoSchedule', 'NoExecute'), { nil: undefined, freq: 3 }),
  }).map(omitUndefined);
  const pinTerm = (values: fc.Arbitrary<string[]>) => fc.record({
    matchExpressions: fc.tuple(fc.constantFrom('In', 'In', 'In', 'NotIn'), values, fc.boolean())
      .map(([operator, vs, zone]) => [{ key: nodeKey, operator, values: vs }, ...(zone ? [{ key: 'zone', operator: 'In', values: ['z1'] }] : [])]),
  });
  const placement = fc.oneof(
    { weight: 20, arbitrary: fc.constant({ nodeSelector: { [nodeKey]: nodeValue } }) },
    {
      weight: 6,
      arbitrary: fc.array(often(pinTerm(fc.constant([nodeValue])), pinTerm(fc.subarray(VALUES))), { minLength: 1, maxLength: 3 })
        .map((terms) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...VALUES).map((v) => ({ nodeSelector: { [nodeKey]: v } })) },
    { weight: 1, arbitrary: fc.constant({}) },
  );
  return fc.record({
    namespace: often(fc.constant(def.namespace ?? def.name), fc.constantFrom('team-a', 'team-b', 'ml-c', 'default')),
    tenant: often(fc.constantFrom(def.name, undefined), fc.constantFrom('team-a', 'team-b', 'team-c', 'x')),
    kuberay: fc.boolean(),
    placement,
    tolerations: fc.tuple(
      often<Tolerations>(fc.constant([taint]), fc.constant([])),
      often<Tolerations>(fc.constant([]), fc.array(toleration, { minLength: 1, maxLength: 2 })),
    ).map(([mine, extra]) => [...mine, ...extra].map(omitUndefined)),
    containers: fc.array(container, { minLength: 1, maxLength: 3 }),
    initContainers: fc.array(container, { maxLength: 2 }),
    ephemeralContainers: fc.array(container.map((c) => { const { resources: _, ...rest } = c; return { ...rest, name: `debug-${c.name}` }; }), { maxLength: 1 }),
  }).map((g) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'gen', namespace: g.namespace, labels: omitUndefined({ 'tenant': g.tenant, 'ray.io/node-type': g.kuberay ? 'worker' : undefined }) },
    spec: omitUndefined({
      ...g.placement,
      tolerations: g.tolerations,
      containers: g.containers,
      initContainers: g.initContainers.length > 0 ? g.initContainers : undefined,
      ephemeralContainers: g.ephemeralContainers.length > 0 ? g.ephemeralContainers : undefined,
    }),
  }));
}
const podArb = fc.constantFrom(...DEFS).chain(podFor);

test('generated pods (created by the operator, so identity plays no part): same verdicts', () => {
  let refused = 0;
  let judged = 0;
  fc.assert(fc.property(podArb, (pod) => {
    const o = judge(pod, 'operator');
    expect({ pod, ...o }).toEqual({ pod, ...o, vap: o.engine, kyverno: o.engine });
    if (pod.metadata.namespace !== 'default') judged++;
    if (o.vap === 'refuse') refused++;
  }), params(300));
  (tally['generated pods'] = { pods: judged, agree: judged, identity: 0, refused });
  // the generator reaches both verdicts
  expect(refused).toBeGreaterThan(0);
  expect(refused).toBeLessThan(judged);
}, 120_000);
