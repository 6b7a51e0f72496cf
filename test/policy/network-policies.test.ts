import { RAY_LABELS } from '../../src/kuberay/constants';
import {
  ClusterNetworkSpec, DEFAULT_DNS, dnsEgressRule, headPolicySpec, isolationPolicySpec, needsHeadPolicy,
} from '../../src/policy/network-policies';
import { checkGeneratedNetworkPolicy, checkPinnedPorts } from '../../src/policy/network-policy-rule';
import { PinnedPortPlan, pinnedPolicyPorts, pinnedStartParams } from '../../src/policy/pinned-ports';

/** The generator and the rule that holds a rendered policy to it, without a synth. */
const spec: ClusterNetworkSpec = {
  clusterName: 'rc',
  namespace: 'team-a',
  selector: { [RAY_LABELS.cluster]: 'rc' },
  dns: DEFAULT_DNS,
  autoscaling: true,
  apiServer: { cidr: '10.0.0.1/32', port: 6443 },
  ingress: [{ peers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
  headIngress: [{ peers: [{ podSelector: { matchLabels: { app: 'submitter' } } }], ports: [{ protocol: 'TCP', port: 8265 }] }],
  egress: [],
  submitters: [],
};
const self = { podSelector: { matchLabels: { 'ray.io/cluster': 'rc' } } };

describe('the generated NetworkPolicies', () => {
  test('DNS egress: the DNS pods of their namespace, UDP and TCP', () => {
    expect(dnsEgressRule({ namespace: 'dns', podLabels: { app: 'coredns' }, port: 5353 })).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }],
      ports: [{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }],
    });
  });

  test('isolation: the cluster\'s own pods both ways, DNS, declared all-pod ingress; nothing else', () => {
    expect(isolationPolicySpec(spec)).toEqual({
      podSelector: self.podSelector,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [self] }, { from: spec.ingress[0].peers, ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [{ to: [self] }, dnsEgressRule(DEFAULT_DNS)],
    });
  });

  test('pinned ports: the internal rules carry exactly the pinned ports and the worker range', () => {
    const plan: PinnedPortPlan = {
      gcs: 6379,
      dashboard: 8265,
      nodeManager: 20100,
      objectManager: 20101,
      dashboardAgentGrpc: 20102,
      runtimeEnvAgent: 20103,
      dashboardAgentHttp: 52365,
      metrics: 8080,
      minWorker: 10002,
      maxWorker: 11001,
    };
    const s = isolationPolicySpec({ ...spec, internalPorts: pinnedPolicyPorts(plan) });
    const ports = (s.ingress as any[])[0].ports;
    expect(ports).toContainEqual({ protocol: 'TCP', port: 10002, endPort: 11001 });
    expect(ports.map((p: any) => p.port)).toEqual([6379, 8080, 8265, 20100, 20101, 20102, 20103, 52365, 10002]);
    expect((s.egress as any[])[0].ports).toEqual(ports);
  });

  test('head: declared head ingress and, with autoscaling, the API server only', () => {
    expect(needsHeadPolicy(spec)).toBe(true);
    expect(needsHeadPolicy({ autoscaling: false, headIngress: [], submitters: [] })).toBe(false);
    expect(headPolicySpec(spec)).toEqual({
      podSelector: { matchLabels: { 'ray.io/cluster': 'rc', 'ray.io/node-type': 'head' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: spec.headIngress[0].peers, ports: [{ protocol: 'TCP', port: 8265 }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }],
    });
    expect(headPolicySpec({ ...spec, autoscaling: false }).egress).toEqual([]);
  });
});

describe('checkGeneratedNetworkPolicy and checkPinnedPorts (rules on rendered output)', () => {
  const cluster = { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: { name: 'rc', namespace: 'team-a' }, spec: {} };
  const expected = { name: 'rc-isolation', namespace: 'team-a', spec: isolationPolicySpec(spec) };
  const policy = (s: any, namespace?: string): any => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'rc-isolation', ...(namespace !== undefined ? { namespace } : {}) }, spec: s,
  });
  const paths = (s: any, ns: string | null = 'team-a') => checkGeneratedNetworkPolicy(policy(s, ns ?? undefined), expected).map((v) => v.path.replace('NetworkPolicy rc-isolation: ', ''));

  test('the generated policy passes, keys in any order; removing a rule only narrows it and passes', () => {
    expect(paths(JSON.parse(JSON.stringify(isolationPolicySpec(spec))))).toEqual([]);
    const narrowed = isolationPolicySpec(spec);
    (narrowed.ingress as any[]).pop();
    expect(paths(narrowed)).toEqual([]);
  });

  test.each([
    ['ingress from everyone ({})', (s: any) => s.ingress.push({}), 'spec.ingress[2]'],
    ['every namespace', (s: any) => s.ingress.push({ from: [{ namespaceSelector: {} }] }), 'spec.ingress[2]'],
    ['egress to 0.0.0.0/0', (s: any) => s.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }), 'spec.egress[2]'],
    ['a declared rule widened to every port', (s: any) => { delete s.ingress[1].ports; }, 'spec.ingress[1]'],
    ['a selector that selects no pod', (s: any) => { s.podSelector = { matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }; }, 'spec.podSelector'],
    ['another cluster selected', (s: any) => { s.podSelector = { matchLabels: { 'ray.io/cluster': 'other' } }; }, 'spec.podSelector'],
    ['egress not isolated', (s: any) => { s.policyTypes = ['Ingress']; }, 'spec.policyTypes'],
  ])('%s fails at the field', (_, edit, path) => {
    const s = JSON.parse(JSON.stringify(isolationPolicySpec(spec)));
    edit(s);
    expect(paths(s)).toEqual([path]);
  });

  test('a missing or other namespace fails', () => {
    expect(paths(isolationPolicySpec(spec), null)).toEqual(['metadata.namespace']);
    expect(paths(isolationPolicySpec(spec), 'team-b')).toEqual(['metadata.namespace']);
    expect(cluster.metadata.namespace).toBe(expected.namespace);
  });

  test('pinned ports: a rayStartParams value that no longer matches the plan fails at its path', () => {
    const plan: PinnedPortPlan = {
      gcs: 6379,
      dashboard: 8265,
      nodeManager: 20100,
      objectManager: 20101,
      dashboardAgentGrpc: 20102,
      runtimeEnvAgent: 20103,
      dashboardAgentHttp: 52365,
      metrics: 8080,
      minWorker: 10002,
      maxWorker: 11001,
    };
    const rc = {
      ...cluster,
      spec: {
        headGroupSpec: { rayStartParams: pinnedStartParams(plan, true) },
        workerGroupSpecs: [{ rayStartParams: { ...pinnedStartParams(plan, false), 'max-worker-port': '19999' } }],
      },
    };
    expect(checkPinnedPorts(rc.spec, plan).map((v) => [v.path, v.value, v.bound]))
      .toEqual([['spec.workerGroupSpecs[0].rayStartParams["max-worker-port"]', '19999', '11001']]);
  });
});
