/**
 * Where `reach` must agree with Kubernetes beyond the table in evaluate.test.ts: which objects are
 * NetworkPolicies at all, what the API server keeps of duplicates and of objects it refuses,
 * hostNetwork pods, and the corners of the spec (selectors absent or empty, except, endPort,
 * named ports, SCTP, policyTypes defaulting, empty lists).
 *
 * Each test here was written against the review's findings and failed before the fix (except
 * those marked "agrees already", kept as regression tests for corners the review asked about).
 */
import { environmentFromManifests, evaluate, ExternalPeer, NamespaceInfo, NetworkPolicyJson, PodPeer } from '../../src/reach';

const API = 'networking.k8s.io/v1';
const namespaces: NamespaceInfo[] = [{ name: 'a', labels: { team: 'a' } }, { name: 'b', labels: { team: 'b' } }];
const web: PodPeer = { name: 'web', namespace: 'a', labels: { app: 'web' }, ip: '10.0.0.1' };
const db: PodPeer = { name: 'db', namespace: 'a', labels: { app: 'db' }, ip: '10.0.0.2', ports: [{ name: 'pg', containerPort: 5432 }, { name: 'assoc', containerPort: 3868, protocol: 'SCTP' }] };
const other: PodPeer = { name: 'other', namespace: 'b', labels: { app: 'web' }, ip: '10.1.0.1' };
const ext: ExternalPeer = { name: 'internet', ip: '8.8.8.8' };

function np(name: string, namespace: string, spec: Record<string, unknown>, apiVersion = API): NetworkPolicyJson {
  return { apiVersion, kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}
/** A policy on db allowing ingress from `from` on `ports`. */
const dbIngress = (from: unknown, ports?: unknown, extra: Record<string, unknown> = {}) =>
  np('p', 'a', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ...(from === undefined ? {} : { from }), ...(ports === undefined ? {} : { ports }) }], ...extra });

const allowed = (policies: NetworkPolicyJson[], from: PodPeer | ExternalPeer, to: PodPeer | ExternalPeer, port: number, protocol = 'TCP') =>
  evaluate(policies, namespaces, from, to, port, protocol).allowed;

const pod = (name: string, namespace: string, labels: Record<string, string>, spec: Record<string, unknown> = {}, status?: Record<string, unknown>) =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec }, ...(status ? { status } : {}) });

// ---------------------------------------------------------------------------------------------
// 1. Only networking.k8s.io/v1 NetworkPolicies are Kubernetes NetworkPolicies
// ---------------------------------------------------------------------------------------------

describe('item 1: other APIs\' policies are not Kubernetes NetworkPolicies', () => {
  const calico = np('deny-all', 'a', { selector: 'all()', types: ['Ingress'] }, 'projectcalico.org/v3');

  test('a projectcalico.org/v3 NetworkPolicy does not isolate anything in the model', () => {
    expect(allowed([calico], web, db, 5432)).toBe(true);
  });

  test('a cilium.io/v2 object of kind NetworkPolicy is ignored too', () => {
    expect(allowed([np('x', 'a', {}, 'cilium.io/v2')], web, db, 1)).toBe(true);
  });

  test('a networking.k8s.io/v1 policy with the same spec does isolate (the control)', () => {
    expect(allowed([np('deny-all', 'a', { podSelector: {} })], web, db, 5432)).toBe(false);
  });

  test('the environment keeps only Kubernetes policies and notes each other policy, naming its API', () => {
    const env = environmentFromManifests([
      pod('web', 'a', { app: 'web' }),
      calico,
      { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'a' }, spec: {} },
      { kind: 'NetworkPolicy', metadata: { name: 'no-api', namespace: 'a' }, spec: {} },
      np('real', 'a', { podSelector: {} }),
    ], { kubeDns: false });
    expect(env.policies.map((p: any) => p.metadata.name)).toEqual(['real']);
    const notes = env.notes;
    expect(notes.map((n) => [n.kind, n.object])).toEqual([
      ['not-modelled', 'NetworkPolicy projectcalico.org/v3 a/deny-all'],
      ['not-modelled', 'CiliumNetworkPolicy cilium.io/v2 a/c'],
      ['not-modelled', 'NetworkPolicy (no apiVersion) a/no-api'],
    ]);
    expect(notes[0].message).toMatch(/not modelled.*ignores it/);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. One object per namespace/name: the last one given wins
// ---------------------------------------------------------------------------------------------

describe('item 2: duplicates — the API server keeps one object per namespace/name', () => {
  const first = dbIngress([{ podSelector: { matchLabels: { app: 'web' } } }], [{ port: 5432 }]);
  const second = dbIngress([{ podSelector: { matchLabels: { app: 'web' } } }], [{ port: 80 }]);

  test('two policies a/p: the later replaces the earlier, they are not unioned', () => {
    expect(allowed([first, second], web, db, 5432)).toBe(false);
    expect(allowed([first, second], web, db, 80)).toBe(true);
    expect(allowed([second, first], web, db, 5432)).toBe(true);
  });

  test('the environment keeps the last policy, pod and namespace of each name and notes every duplicate', () => {
    const env = environmentFromManifests([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { team: 'a', env: 'prod' } } },
      pod('web', 'a', { app: 'old' }),
      first,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { team: 'a' } } },
      pod('web', 'a', { app: 'web' }),
      second,
    ], { kubeDns: false });
    expect(env.policies).toEqual([second]);
    expect(env.peers.map((p: any) => [p.name, p.labels.app])).toEqual([['web', 'web']]);
    expect(env.namespaces).toEqual([{ name: 'a', labels: { 'team': 'a', 'kubernetes.io/metadata.name': 'a' } }]);
    const notes = env.notes;
    expect(notes.filter((n) => n.kind === 'duplicate').map((n) => n.object)).toEqual([
      'Namespace v1 a', 'Pod v1 a/web', 'NetworkPolicy networking.k8s.io/v1 a/p',
    ]);
  });

  test('two RayClusters a/demo: one set of pods, from the later one', () => {
    const rc = (group: string) => ({
      apiVersion: 'ray.io/v1',
      kind: 'RayCluster',
      metadata: { name: 'demo', namespace: 'a' },
      spec: {
        headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] } } },
        workerGroupSpecs: [{ groupName: group, replicas: 1, rayStartParams: {}, template: { spec: { containers: [{ name: 'ray-worker', image: 'rayproject/ray:2.52.0' }] } } }],
      },
    });
    const env = environmentFromManifests([rc('old'), rc('new')], { kubeDns: false, tenantProbes: false, operator: false });
    expect(env.peers.map((p: any) => p.name)).toEqual(['demo-head', 'demo-new-worker']);
    expect(env.notes.map((n) => n.object)).toEqual(['RayCluster ray.io/v1 a/demo']);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. hostNetwork pods are never reported as isolated
// ---------------------------------------------------------------------------------------------

describe('item 3: hostNetwork pods', () => {
  const agent: PodPeer = { name: 'agent', namespace: 'a', labels: { app: 'agent' }, hostNetwork: true };
  const denyAll = np('deny', 'a', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

  test('a default-deny that selects a hostNetwork pod does not isolate it: ingress and egress may pass, with the reason', () => {
    const v = evaluate([denyAll], namespaces, other, agent, 80);
    expect(v.allowed).toBe(true);
    expect(v).toMatchObject({ ingress: { allowed: true, depends: expect.stringContaining('hostNetwork') } });
    const out = evaluate([denyAll], namespaces, agent, ext, 443);
    expect(out.allowed).toBe(true);
    expect(out).toMatchObject({ egress: { depends: expect.stringContaining('hostNetwork') }, depends: [expect.any(String)] });
  });

  test('a rule selecting the hostNetwork pod by label allows it only with some plugins (most see the node address)', () => {
    const v = evaluate([dbIngress([{ podSelector: { matchLabels: { app: 'agent' } } }])], namespaces, agent, db, 5432);
    expect(v.allowed).toBe(true);
    expect(v).toMatchObject({ depends: [expect.stringContaining('hostNetwork')] });
  });

  test('an isolated pod cannot be sure to refuse a hostNetwork pod: it may run on the same node', () => {
    const v = evaluate([dbIngress([{ podSelector: { matchLabels: { app: 'web' } } }])], namespaces, agent, db, 5432);
    expect(v.allowed).toBe(true);
    expect(v).toMatchObject({ ingress: { depends: expect.stringContaining('own node') } });
  });

  test('egress to a hostNetwork pod denied by every possibility stays denied; a pod-network pod is unaffected', () => {
    const egressToWeb = np('e', 'a', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
    expect(allowed([egressToWeb], db, agent, 80)).toBe(false);
    expect(evaluate([egressToWeb], namespaces, db, web, 80)).toEqual(expect.objectContaining({ allowed: true }));
    expect(evaluate([egressToWeb], namespaces, db, web, 80)).not.toHaveProperty('depends');
  });

  test('a RayCluster group with hostNetwork: true gives a hostNetwork pod', () => {
    const env = environmentFromManifests([{
      apiVersion: 'ray.io/v1',
      kind: 'RayCluster',
      metadata: { name: 'demo', namespace: 'a' },
      spec: {
        headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] } } },
        workerGroupSpecs: [{ groupName: 'net', replicas: 1, rayStartParams: {}, template: { spec: { hostNetwork: true, containers: [{ name: 'ray-worker', image: 'rayproject/ray:2.52.0' }] } } }],
      },
    }], { kubeDns: false, tenantProbes: false, operator: false });
    expect(env.peers.map((p: any) => [p.name, p.hostNetwork ?? false])).toEqual([['demo-head', false], ['demo-net-worker', true]]);
    expect(env.notes).toEqual([expect.objectContaining({ kind: 'host-network', object: 'Pod a/demo-net-worker' })]);
  });

  test('the environment marks hostNetwork pods, gives them no made-up pod address, and notes them', () => {
    const env = environmentFromManifests([
      pod('agent', 'a', { app: 'agent' }, { hostNetwork: true }),
      pod('known', 'a', { app: 'agent' }, { hostNetwork: true }, { podIP: '192.168.1.10' }),
      pod('web', 'a', { app: 'web' }),
    ], { kubeDns: false });
    const peers = env.peers as any[];
    expect(peers.map((p) => [p.name, p.hostNetwork ?? false, p.ip])).toEqual([
      ['agent', true, undefined], ['known', true, '192.168.1.10'], ['web', false, '10.244.0.2'],
    ]);
    expect(env.notes.filter((n) => n.kind === 'host-network')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('never reported as isolated') }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. The corners of the spec
// ---------------------------------------------------------------------------------------------

describe('item 5: a policy the API server refuses does not exist', () => {
  test.each<[string, NetworkPolicyJson]>([
    ['an empty peer {}', dbIngress([{}])],
    ['a null peer', dbIngress([null])],
    ['ipBlock beside a podSelector', dbIngress([{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }])],
    ['an except that is not inside the cidr', dbIngress([{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }])],
    ['an except equal to the cidr (not a strict subset)', dbIngress([{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }])],
    ['an except of the other family', dbIngress([{ ipBlock: { cidr: '10.0.0.0/8', except: ['fd00::/64'] } }])],
    ['an invalid except', dbIngress([{ ipBlock: { cidr: '10.0.0.0/8', except: ['bogus'] } }])],
    ['an invalid cidr', dbIngress([{ ipBlock: { cidr: '10.0.0.0/33' } }])],
    ['protocol in lower case', dbIngress(undefined, [{ protocol: 'tcp', port: 5432 }])],
    ['protocol ICMP', dbIngress(undefined, [{ protocol: 'ICMP' }])],
    ['endPort below port', dbIngress(undefined, [{ port: 6000, endPort: 5000 }])],
    ['endPort with a named port', dbIngress(undefined, [{ port: 'pg', endPort: 6000 }])],
    ['endPort without port', dbIngress(undefined, [{ endPort: 6000 }])],
    ['port 0', dbIngress(undefined, [{ port: 0 }])],
    ['port 70000', dbIngress(undefined, [{ port: 70000 }])],
    ['a port name that is not an IANA service name', dbIngress(undefined, [{ port: 'Not_A_Name' }])],
    ['a numeric string port', dbIngress(undefined, [{ port: '5432' }])],
    ['operator In without values in a peer', dbIngress([{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } }])],
    ['an unknown operator in a peer', dbIngress([{ podSelector: { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] } }])],
    ['a number as a matchLabels value', dbIngress([{ podSelector: { matchLabels: { app: 5 } } }])],
    ['an invalid label key', dbIngress([{ namespaceSelector: { matchLabels: { 'bad key': 'x' } } }])],
    ['policyTypes in lower case', dbIngress([{ podSelector: {} }], undefined, { policyTypes: ['ingress'] })],
    ['three policyTypes', dbIngress([{ podSelector: {} }], undefined, { policyTypes: ['Ingress', 'Egress', 'Ingress'] })],
    ['from is not a list', dbIngress({ podSelector: {} })],
    ['no name', { apiVersion: API, kind: 'NetworkPolicy', metadata: { namespace: 'a' }, spec: { podSelector: { matchLabels: { app: 'db' } } } }],
  ])('%s: the policy is refused, so db stays open to everyone', (_, policy) => {
    expect(allowed([policy], other, db, 5432)).toBe(true);
    expect(allowed([policy], ext, db, 5432)).toBe(true);
    const env = environmentFromManifests([policy], { kubeDns: false });
    expect(env.policies).toEqual([]);
    expect(env.notes).toEqual([expect.objectContaining({ kind: 'invalid', message: expect.stringContaining('the API server would refuse it') })]);
  });

  test('a null rule decodes to an empty rule (allow all), a null port to an empty port (every TCP port)', () => {
    expect(allowed([np('p', 'a', { podSelector: { matchLabels: { app: 'db' } }, ingress: [null] })], other, db, 1)).toBe(true);
    expect(allowed([dbIngress(undefined, [null])], other, db, 1)).toBe(true);
    expect(allowed([dbIngress(undefined, [null])], other, db, 1, 'UDP')).toBe(false);
  });

  test('the control: valid neighbours of those policies are kept', () => {
    for (const p of [
      dbIngress([{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } }]),
      dbIngress(undefined, [{ protocol: 'SCTP' }, { port: 'pg' }, { port: 5000, endPort: 5000 }, null]),
      dbIngress([{ podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, namespaceSelector: {} }]),
      dbIngress([{ podSelector: {} }], undefined, { policyTypes: ['Ingress', 'Ingress'] }),
    ]) {
      expect(environmentFromManifests([p], { kubeDns: false }).policies).toEqual([p]);
    }
  });
});

describe('item 5: made-up pod addresses', () => {
  const internetOnly = np('internet', 'a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] });
  const toGoogle = np('google', 'a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '8.8.0.0/16' } }] }] });

  test('a policy whose ipBlock reaches into the made-up pod network gets a note: its pod-to-pod verdicts rest on them', () => {
    const env = environmentFromManifests([pod('web', 'a', { app: 'web' }), internetOnly, toGoogle], { kubeDns: false });
    expect(env.notes).toEqual([{
      kind: 'assumption',
      object: 'NetworkPolicy networking.k8s.io/v1 a/internet',
      message: expect.stringContaining('its ipBlock 0.0.0.0/0, 10.0.0.0/8 reaches into 10.244.0.0/16'),
    }]);
  });

  test('no note when every pod has its real address', () => {
    const env = environmentFromManifests([pod('web', 'a', { app: 'web' }, {}, { podIP: '10.1.2.3' }), internetOnly], { kubeDns: false });
    expect(env.notes).toEqual([]);
  });
});

describe('item 5: corners that agree already (regression)', () => {
  test('namespaceSelector {} is every namespace; absent is the policy\'s own', () => {
    expect(allowed([dbIngress([{ namespaceSelector: {} }])], other, db, 5432)).toBe(true);
    expect(allowed([dbIngress([{ podSelector: {} }])], other, db, 5432)).toBe(false);
    expect(allowed([dbIngress([{ podSelector: {} }])], web, db, 5432)).toBe(true);
  });

  test('a peer with only namespaceSelector matches every pod of those namespaces', () => {
    expect(allowed([dbIngress([{ namespaceSelector: { matchLabels: { team: 'b' } } }])], other, db, 5432)).toBe(true);
    expect(allowed([dbIngress([{ namespaceSelector: { matchLabels: { team: 'b' } } }])], web, db, 5432)).toBe(false);
  });

  test('from: [] and an absent from both match every source; ingress: [] denies everything', () => {
    expect(allowed([dbIngress([])], ext, db, 1)).toBe(true);
    expect(allowed([dbIngress(undefined)], ext, db, 1)).toBe(true);
    expect(allowed([np('p', 'a', { podSelector: { matchLabels: { app: 'db' } }, ingress: [] })], web, db, 1)).toBe(false);
  });

  test('policyTypes defaulting: egress rules make it govern egress; egress: [] does not', () => {
    const withEgress = np('p', 'a', { podSelector: { matchLabels: { app: 'db' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'none' } } }] }] });
    expect(allowed([withEgress], db, web, 80)).toBe(false);
    expect(allowed([withEgress], web, db, 80)).toBe(false); // Ingress is always governed
    const emptyEgress = np('p', 'a', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{}], egress: [] });
    expect(allowed([emptyEgress], db, web, 80)).toBe(true);
  });

  test('except carves out of cidr; endPort is inclusive; named ports resolve on the destination with their protocol', () => {
    const block = dbIngress([{ ipBlock: { cidr: '8.0.0.0/8', except: ['8.8.0.0/16'] } }]);
    expect(allowed([block], ext, db, 1)).toBe(false);
    expect(allowed([block], { name: 'x', ip: '8.9.0.1' }, db, 1)).toBe(true);
    expect(allowed([dbIngress(undefined, [{ port: 5000, endPort: 5432 }])], web, db, 5432)).toBe(true);
    expect(allowed([dbIngress(undefined, [{ port: 'assoc', protocol: 'SCTP' }])], web, db, 3868, 'SCTP')).toBe(true);
    expect(allowed([dbIngress(undefined, [{ port: 'assoc' }])], web, db, 3868, 'SCTP')).toBe(false); // TCP by default
  });

  test('SCTP is its own protocol: an SCTP rule does not open TCP, a TCP rule does not open SCTP', () => {
    expect(allowed([dbIngress(undefined, [{ protocol: 'SCTP', port: 3868 }])], web, db, 3868, 'SCTP')).toBe(true);
    expect(allowed([dbIngress(undefined, [{ protocol: 'SCTP', port: 3868 }])], web, db, 3868, 'TCP')).toBe(false);
    expect(allowed([dbIngress(undefined, [{ port: 3868 }])], web, db, 3868, 'SCTP')).toBe(false);
  });

});
