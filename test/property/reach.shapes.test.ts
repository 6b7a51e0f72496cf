/**
 * The equivalence-class design of `reach` is sound: grouping many peers into shapes and judging
 * once per pair of shapes gives, for every pair of peers, exactly the verdict that judging that
 * pair alone gives (`evaluate`). And the model never throws on arbitrary input.
 */
import * as fc from 'fast-check';
import { announce, params, timeoutFor } from './support';
import { environmentFromManifests, evaluate, ExternalPeer, NamespaceInfo, NetworkPolicyJson, PodPeer, listedShapePairs, reachabilityMatrix, reachModel, RAY_PROBES, shapeSummary } from '../../src/reach';

const RUNS = { sound: 200, robust: 500 };
announce('test/property/reach.shapes.test.ts', RUNS);

const KEYS = ['app', 'tier'];
const VALUES = ['a', 'b'];
const NAMESPACES: NamespaceInfo[] = [{ name: 'n1', labels: { team: 'x' } }, { name: 'n2', labels: { team: 'y' } }, { name: 'n3' }];

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });
const selector = fc.record({
  matchLabels: labels,
  matchExpressions: fc.array(fc.oneof(
    fc.record({ key: fc.constantFrom(...KEYS, 'team'), operator: fc.constantFrom('In', 'NotIn'), values: fc.uniqueArray(fc.constantFrom(...VALUES, 'x'), { minLength: 1, maxLength: 2 }) }),
    fc.record({ key: fc.constantFrom(...KEYS, 'team'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
  ), { maxLength: 2 }),
}, { requiredKeys: [] });
const ipBlock = fc.constantFrom(
  { cidr: '10.0.0.0/16' }, { cidr: '10.0.0.0/16', except: ['10.0.0.0/24'] }, { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }, { cidr: '192.168.0.0/24' },
);
const peerEntry = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: selector }),
  fc.record({ podSelector: selector, namespaceSelector: selector }),
  fc.record({ ipBlock }),
);
const port = fc.constantFrom<object>({ port: 80 }, { port: 'web' }, { port: 'dns', protocol: 'UDP' }, { protocol: 'UDP', port: 53 }, { port: 1, endPort: 100 }, { protocol: 'UDP' }, { protocol: 'SCTP' });
const rule = fc.record({ ports: fc.array(port, { maxLength: 2 }) }, { requiredKeys: [] })
  .chain((r) => fc.record({ peers: fc.array(peerEntry, { maxLength: 2 }) }).map(({ peers }) => ({ r, peers })));
const policy = (i: number) => fc.record({
  namespace: fc.constantFrom('n1', 'n2', 'n3'),
  podSelector: selector,
  types: fc.option(fc.subarray(['Ingress', 'Egress']), { nil: undefined }),
  ingress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }),
  egress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }),
}).map((p): NetworkPolicyJson => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: `p${i}`, namespace: p.namespace },
  spec: {
    podSelector: p.podSelector,
    ...(p.types ? { policyTypes: p.types } : {}),
    ...(p.ingress ? { ingress: p.ingress.map(({ r, peers }) => ({ ...r, from: peers })) } : {}),
    ...(p.egress ? { egress: p.egress.map(({ r, peers }) => ({ ...r, to: peers })) } : {}),
  },
}));
const pod = (i: number) => fc.record({
  namespace: fc.constantFrom('n1', 'n2', 'n3'),
  labels,
  ip: fc.constantFrom(undefined, '10.0.0.1', '10.0.1.5', '192.168.0.7'),
  ports: fc.constantFrom([], [{ name: 'web', containerPort: 80 }], [{ name: 'web', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }]),
  hostNetwork: fc.boolean(),
}).map((p): PodPeer => ({
  name: `pod${i}`,
  namespace: p.namespace,
  labels: p.labels,
  ports: p.ports,
  ...(p.ip ? { ip: p.ip } : {}),
  ...(p.hostNetwork ? { hostNetwork: true } : {}),
}));
const externals: ExternalPeer[] = [{ name: 'ext1', ip: '8.8.8.8' }, { name: 'ext2', ip: '10.0.0.9' }];
const world = fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 4 })).chain(([nPods, nPolicies]) => fc.record({
  pods: fc.tuple(...Array.from({ length: nPods }, (_, i) => pod(i))),
  policies: nPolicies === 0 ? fc.constant([] as NetworkPolicyJson[]) : fc.tuple(...Array.from({ length: nPolicies }, (_, i) => policy(i))),
}));
const PROBES = [{ port: 80 }, { port: 8080 }, { port: 53, protocol: 'UDP' as const }, { port: 9, protocol: 'SCTP' as const }];

describe('shapes', () => {
  test('every pair of peers gets, from the matrix by shape, the verdict it gets judged alone', () => {
    fc.assert(fc.property(world, ({ pods, policies }) => {
      const peers = [...pods, ...externals];
      const m = reachabilityMatrix(policies, NAMESPACES, peers, PROBES);
      for (const [i, row] of m.rows.entries()) {
        for (const cell of row.cells) {
          const j = m.peers.indexOf(cell.to);
          cell.results.forEach((r, k) => {
            expect(r.verdict).toEqual(evaluate(policies, NAMESPACES, peers[i], peers[j], PROBES[k].port, PROBES[k].protocol ?? 'TCP'));
          });
        }
      }
    }), params(RUNS.sound));
  }, timeoutFor(RUNS.sound, 50));

  test('the model never throws on arbitrary documents, and its summary accounts for every pair of peers', () => {
    fc.assert(fc.property(fc.array(fc.oneof(
      fc.anything(),
      fc.record({ apiVersion: fc.constantFrom('networking.k8s.io/v1', 'v1', 'ray.io/v1', 'projectcalico.org/v3'), kind: fc.constantFrom('NetworkPolicy', 'Pod', 'Namespace', 'RayCluster'), metadata: fc.anything(), spec: fc.anything(), status: fc.anything() }),
    ), { maxLength: 6 }), (docs) => {
      const env = environmentFromManifests(docs);
      const model = reachModel(env.policies, env.namespaces, env.peers, RAY_PROBES);
      const s = shapeSummary(model);
      const pairs = s.listedPeerPairs + s.deniedPeerPairs;
      expect([...listedShapePairs(model)]).toHaveLength(s.listedShapePairs);
      expect(pairs).toBe(env.peers.length * (env.peers.length - 1));
    }), params(RUNS.robust));
  }, timeoutFor(RUNS.robust, 20));
});
