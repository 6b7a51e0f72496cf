import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { NetworkOptions, NetworkPeer, PropsError, RayPort, SecureTenantRayCluster, TenantProfile } from '../../src';
import { errorOf, findObject, Manifest, newChart } from '../support/manifests';

/**
 * "Judge what runs", networking: every NetworkPolicy the construct renders is judged in full after
 * escape-hatch patches, and there is no "anyone". Each attack below synthesized before.
 */
const tenant = new TenantProfile({ name: 'team-a', bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' } });
const apiServer = { cidr: '172.18.0.2/32', port: 6443 };

function build(edit?: (c: SecureTenantRayCluster) => void, network: NetworkOptions = { apiServer }): () => Manifest[] {
  const { chart } = newChart();
  const c = new SecureTenantRayCluster(chart, 'ray', { tenant, name: 'demo', autoscaling: {}, network });
  c.connections.allowFrom(NetworkPeer.namespace('monitoring'), RayPort.METRICS);
  edit?.(c);
  return () => Testing.synth(chart);
}
const isolation = (c: SecureTenantRayCluster) => ApiObject.of(c.networkPolicy.resource);
const head = (c: SecureTenantRayCluster) => ApiObject.of(c.networkPolicy.headResource!);

test('unpatched: synthesizes', () => {
  expect(build()()).toHaveLength(3);
});

describe('patched NetworkPolicies fail synthesis, naming the policy and the field', () => {
  test.each([
    ['ingress from everyone', (c: SecureTenantRayCluster) => isolation(c).addJsonPatch(JsonPatch.add('/spec/ingress/-', {})), /NetworkPolicy demo-isolation: spec\.ingress\[2\].*traffic from everyone on every port/],
    ['ingress from every namespace', (c: SecureTenantRayCluster) => isolation(c).addJsonPatch(JsonPatch.add('/spec/ingress/-', { from: [{ namespaceSelector: {} }] })), /demo-isolation: spec\.ingress\[2\]/],
    ['egress to 0.0.0.0/0', (c: SecureTenantRayCluster) => isolation(c).addJsonPatch(JsonPatch.add('/spec/egress/-', { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] })), /demo-isolation: spec\.egress\[2\]/],
    ['a podSelector with matchExpressions that selects no pod', (c: SecureTenantRayCluster) => isolation(c).addJsonPatch(JsonPatch.add('/spec/podSelector/matchExpressions', [{ key: 'nope', operator: 'Exists' }])), /demo-isolation: spec\.podSelector/],
    ['the head policy: ingress from everyone', (c: SecureTenantRayCluster) => head(c).addJsonPatch(JsonPatch.add('/spec/ingress/-', {})), /NetworkPolicy demo-head: spec\.ingress\[0\]/],
    ['the head policy: API-server egress widened', (c: SecureTenantRayCluster) => head(c).addJsonPatch(JsonPatch.replace('/spec/egress/0/to/0/ipBlock/cidr', '0.0.0.0/0')), /NetworkPolicy demo-head: spec\.egress\[0\]/],
    ['the policy\'s namespace removed', (c: SecureTenantRayCluster) => isolation(c).addJsonPatch(JsonPatch.remove('/metadata/namespace')), /demo-isolation: metadata\.namespace.*has no namespace/],
    ['the RayCluster\'s namespace removed', (c: SecureTenantRayCluster) => c.resource.addJsonPatch(JsonPatch.remove('/metadata/namespace')), /metadata\.namespace.*the RayCluster has no namespace/],
    ['the RayCluster renamed by a patch', (c: SecureTenantRayCluster) => c.resource.addJsonPatch(JsonPatch.replace('/metadata/name', 'other')), /metadata\.name = "other".*another ray\.io\/cluster label/],
    ['egress no longer isolated', (c: SecureTenantRayCluster) => isolation(c).addJsonPatch(JsonPatch.replace('/spec/policyTypes', ['Ingress'])), /demo-isolation: spec\.policyTypes/],
  ])('%s', (_, edit, pattern) => {
    expect(errorOf(() => build(edit)())).toMatch(pattern);
  });

  test('removing a rule only narrows: it synthesizes', () => {
    expect(() => build((c) => isolation(c).addJsonPatch(JsonPatch.remove('/spec/ingress/1')))()).not.toThrow();
    const out = build((c) => isolation(c).addJsonPatch(JsonPatch.remove('/spec/ingress/1')))();
    expect(findObject(out, 'NetworkPolicy', 'demo-isolation').spec.ingress).toHaveLength(1);
  });
});

describe('there is no "anyone"', () => {
  test.each([
    ['ipBlock 0.0.0.0/0', () => NetworkPeer.ipBlock('0.0.0.0/0'), /NetworkPeer.ipBlock: 0\.0\.0\.0\/0 is too wide/],
    ['ipBlock ::/0', () => NetworkPeer.ipBlock('::/0'), /::\/0 is too wide/],
    ['ipBlock 0.0.0.0/1 (half the internet)', () => NetworkPeer.ipBlock('0.0.0.0/1'), /too wide \(\/1; at least \/8 here\)/],
    ['tcpRange(1, 65535)', () => RayPort.tcpRange(1, 65535), /spans 65535 ports.*there is no "all ports"/],
  ])('%s is refused', (_, fn, pattern) => {
    expect(errorOf(fn)).toMatch(pattern);
    expect(() => fn()).toThrow(PropsError);
  });

  test.each([
    ['ingress from a /8', (c: SecureTenantRayCluster) => c.connections.allowFrom(NetworkPeer.ipBlock('10.0.0.0/8'), RayPort.DASHBOARD), /10\.0\.0\.0\/8 is too wide for ingress/],
    ['ingress from the internet', (c: SecureTenantRayCluster) => c.connections.allowFrom(NetworkPeer.internet(), RayPort.SERVE), /the internet is never an ingress peer/],
    ['egress to the internet on a range', (c: SecureTenantRayCluster) => c.connections.allowTo(NetworkPeer.internet(), RayPort.tcpRange(1, 1024)), /egress to the internet is allowed only on named ports/],
    ['egress to the cloud metadata service', (c: SecureTenantRayCluster) => c.connections.allowTo(NetworkPeer.ipBlock('169.254.0.0/16'), RayPort.tcp(80)), /cloud metadata service 169\.254\.169\.254/],
  ])('%s is refused', (_, edit, pattern) => {
    expect(errorOf(() => build(edit)())).toMatch(pattern);
  });

  test.each([
    ['0.0.0.0/0', /too wide for the API server/],
    ['10.0.0.0/16', /too wide for the API server \(\/16; at least \/24\)/],
    ['169.254.169.0/24', /contains the cloud metadata service/],
  ])('network.apiServer %s is refused', (cidr, pattern) => {
    expect(errorOf(() => build(undefined, { apiServer: { cidr } })())).toMatch(pattern);
  });

  test('egress to the internet: one named peer, named ports, private and link-local ranges left out', () => {
    const out = build((c) => c.connections.allowTo(NetworkPeer.internet(), RayPort.tcp(443)))();
    const egress = findObject(out, 'NetworkPolicy', 'demo-isolation').spec.egress;
    expect(egress).toContainEqual({
      to: [
        { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } },
        { ipBlock: { cidr: '::/0', except: ['::1/128', 'fc00::/7', 'fe80::/10'] } },
      ],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
  });
});

test('props are resolved once: changing network.dns after construction changes nothing', () => {
  const { chart } = newChart();
  const network: any = { dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 } };
  new SecureTenantRayCluster(chart, 'ray', { tenant, name: 'demo', network });
  network.dns.podLabels = {};
  network.dns.port = 443;
  network.dns.namespace = 'team-b';
  const np = findObject(Testing.synth(chart), 'NetworkPolicy', 'demo-isolation');
  expect(np.spec.egress[1]).toEqual({
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  });
});
