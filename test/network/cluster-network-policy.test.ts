import { JsonPatch, Testing } from 'cdk8s';
import { NetworkMode, NetworkPeer, PortTarget, RayPort, SecureTenantRayCluster, SecureTenantRayClusterProps, TenantProfile } from '../../src';
import { errorOf, findObject, Manifest, newChart } from '../support/manifests';

const tenant = new TenantProfile({ name: 'team-a', bounds: { minCpu: '500m', maxCpu: '16', minMemory: '512Mi', maxMemory: '64Gi' } });

function build(props: Partial<SecureTenantRayClusterProps> = {}, more?: (c: SecureTenantRayCluster) => void): Manifest[] {
  const { chart } = newChart();
  const c = new SecureTenantRayCluster(chart, 'ray', { tenant, name: 'demo', ...props });
  more?.(c);
  return Testing.synth(chart);
}

describe('declared connections', () => {
  test('nothing is open from outside until declared: no head policy, one isolation policy', () => {
    const m = build();
    expect(m.filter((x) => x.kind === 'NetworkPolicy').map((x) => x.metadata.name)).toEqual(['demo-isolation']);
  });

  test('ingress to head ports goes to the head policy; to every-pod ports to the isolation policy', () => {
    const m = build({}, (c) => c.connections
      .allowFrom(NetworkPeer.pods({ app: 'submitter' }), RayPort.DASHBOARD, RayPort.CLIENT)
      .allowFrom(NetworkPeer.namespace('monitoring'), RayPort.METRICS)
      .allowFrom(NetworkPeer.pods({ app: 'web' }, { namespace: 'frontend' }), RayPort.SERVE));
    const head = findObject(m, 'NetworkPolicy', 'demo-head');
    expect(head.spec.podSelector).toEqual({ matchLabels: { 'ray.io/cluster': 'demo', 'ray.io/node-type': 'head' } });
    expect(head.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'submitter' } } }], ports: [{ protocol: 'TCP', port: 8265 }] },
      { from: [{ podSelector: { matchLabels: { app: 'submitter' } } }], ports: [{ protocol: 'TCP', port: 10001 }] },
    ]);
    expect(head.spec.egress).toEqual([]);
    const iso = findObject(m, 'NetworkPolicy', 'demo-isolation');
    expect(iso.spec.ingress.slice(1)).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      {
        from: [{ podSelector: { matchLabels: { app: 'web' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } } }],
        ports: [{ protocol: 'TCP', port: 8000 }],
      },
    ]);
  });

  test('declared egress: an object store on 443, a port range', () => {
    const m = build({}, (c) => c.connections.allowTo(NetworkPeer.ipBlock('203.0.113.0/24', ['203.0.113.7/32']), RayPort.tcp(443), RayPort.tcpRange(9000, 9010)));
    expect(findObject(m, 'NetworkPolicy', 'demo-isolation').spec.egress.slice(2)).toEqual([
      { to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.7/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.7/32'] } }], ports: [{ protocol: 'TCP', port: 9000, endPort: 9010 }] },
    ]);
  });

  test('the seed\'s ports keep their real names and targets', () => {
    expect([RayPort.GCS.name, RayPort.GCS.port, RayPort.GCS.target]).toEqual(['gcs', 6379, PortTarget.HEAD]);
    expect([RayPort.CLIENT.name, RayPort.CLIENT.port]).toEqual(['client', 10001]);
    expect([RayPort.DASHBOARD.name, RayPort.DASHBOARD.port]).toEqual(['dashboard', 8265]);
  });

  test.each([
    ['no port', (c: SecureTenantRayCluster) => c.connections.allowFrom(NetworkPeer.namespace('x')), /name at least one RayPort/],
    ['bad namespace', () => NetworkPeer.namespace('Bad'), /"Bad" is not a namespace name/],
    ['empty pod selector', () => NetworkPeer.pods({}), /expected a non-empty map of labels/],
    ['bad CIDR', () => NetworkPeer.ipBlock('10.0.0.0'), /"10.0.0.0" is not a CIDR/],
    ['bad port', () => RayPort.tcp(0), /RayPort: expected a port number 1-65535, got number 0/],
    ['reversed range', () => RayPort.tcpRange(10, 5), /5 is below 10/],
    ['not a peer', (c: SecureTenantRayCluster) => c.connections.allowTo({} as any, RayPort.tcp(1)), /expected a NetworkPeer/],
  ])('refused: %s', (_, fn, pattern) => {
    expect(errorOf(() => build({}, fn as any))).toMatch(pattern);
  });
});

describe('pinned-ports mode', () => {
  const pinned = { network: { mode: NetworkMode.PINNED_PORTS } };

  test('pins every Ray port in every group and opens only those between the cluster\'s pods', () => {
    const m = build({ ...pinned, workerGroups: [{ groupName: 'a' }, { groupName: 'b' }] });
    const rc = findObject(m, 'RayCluster', 'demo');
    const common = {
      'node-manager-port': '20100',
      'object-manager-port': '20101',
      'dashboard-agent-grpc-port': '20102',
      'runtime-env-agent-port': '20103',
      'min-worker-port': '10002',
      'max-worker-port': '11001',
    };
    expect(rc.spec.headGroupSpec.rayStartParams).toEqual({ ...common, port: '6379' });
    for (const g of rc.spec.workerGroupSpecs) expect(g.rayStartParams).toEqual(common);
    const iso = findObject(m, 'NetworkPolicy', 'demo-isolation');
    const ports = [6379, 8080, 8265, 20100, 20101, 20102, 20103, 52365].map((port) => ({ protocol: 'TCP', port }));
    const all = [...ports, { protocol: 'TCP', port: 10002, endPort: 11001 }];
    expect(iso.spec.ingress[0]).toEqual({ from: [{ podSelector: { matchLabels: { 'ray.io/cluster': 'demo' } } }], ports: all });
    expect(iso.spec.egress[0]).toEqual({ to: [{ podSelector: { matchLabels: { 'ray.io/cluster': 'demo' } } }], ports: all });
  });

  test('custom ports and range', () => {
    const pinnedPorts = { nodeManagerPort: 30000, minWorkerPort: 31000, maxWorkerPort: 31099 };
    const m = build({ network: { mode: NetworkMode.PINNED_PORTS, pinnedPorts } });
    const rc = findObject(m, 'RayCluster', 'demo');
    expect(rc.spec.workerGroupSpecs[0].rayStartParams).toMatchObject({ 'node-manager-port': '30000', 'min-worker-port': '31000', 'max-worker-port': '31099' });
  });

  test('a worker range that cannot hold the group\'s CPUs is refused', () => {
    const msg = errorOf(() => build({
      network: { mode: NetworkMode.PINNED_PORTS, pinnedPorts: { minWorkerPort: 31000, maxWorkerPort: 31007 } },
      workerGroups: [{ groupName: 'big', resources: { cpu: { request: '16', limit: '16' } } }],
    }));
    expect(msg).toContain('workerGroups[0].rayStartParams: the pinned worker range 31000-31007 has 8 ports, fewer than the group\'s 16 CPUs plus a driver');
  });

  test('num-cpus counts over the container limit: 4 CPUs plus a driver fit in 8 ports', () => {
    const out = build({
      network: { mode: NetworkMode.PINNED_PORTS, pinnedPorts: { minWorkerPort: 31000, maxWorkerPort: 31007 } },
      workerGroups: [{ groupName: 'small', rayStartParams: { 'num-cpus': '4' }, resources: { cpu: { request: '16', limit: '16' } } }],
    });
    const params = out.find((m) => m.kind === 'RayCluster')!.spec.workerGroupSpecs[0].rayStartParams;
    expect(params).toMatchObject({ 'num-cpus': '4', 'min-worker-port': '31000', 'max-worker-port': '31007' });
  });

  test.each([
    ['a conflicting rayStartParam', { ...pinned, head: { rayStartParams: { 'node-manager-port': '1234' } } }, /head\.rayStartParams\.node-manager-port: "1234" conflicts with pinned-ports mode \(20100\)/],
    ['a pinned port inside the worker range', { network: { mode: NetworkMode.PINNED_PORTS, pinnedPorts: { nodeManagerPort: 10500 } } }, /nodeManagerPort port 10500 lies inside the worker range 10002-11001/],
    ['two ports alike', { network: { mode: NetworkMode.PINNED_PORTS, pinnedPorts: { objectManagerPort: 20100 } } }, /objectManagerPort and nodeManagerPort both use port 20100/],
    ['an unknown mode', { network: { mode: 'open' as any } }, /network\.mode: "open" is not one of all-ports, pinned-ports/],
  ])('refused: %s', (_, props, pattern) => {
    expect(errorOf(() => build(props as any))).toMatch(pattern);
  });

  test('a patch that changes a pinned port fails validation (the policy would block Ray)', () => {
    const msg = errorOf(() => build(pinned, (c) => c.resource.addJsonPatch(JsonPatch.replace('/spec/workerGroupSpecs/0/rayStartParams/node-manager-port', '9999'))));
    expect(msg).toContain('generate-network-policies: spec.workerGroupSpecs[0].rayStartParams["node-manager-port"] = "9999"');
    expect(msg).toContain('(bound: 20100)');
  });
});

describe('ArgoCD sync waves', () => {
  test('policies before the cluster by default, configurable', () => {
    const wave = (m: Manifest[], kind: string) => m.find((x) => x.kind === kind)!.metadata.annotations['argocd.argoproj.io/sync-wave'];
    const m = build();
    expect([wave(m, 'NetworkPolicy'), wave(m, 'RayCluster')]).toEqual(['-1', '0']);
    const n = build({ syncWaves: { networkPolicy: 5, rayCluster: 6 } });
    expect([wave(n, 'NetworkPolicy'), wave(n, 'RayCluster')]).toEqual(['5', '6']);
  });
});
