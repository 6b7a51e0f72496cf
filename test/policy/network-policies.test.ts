import { RAY_LABELS } from '../../src/kuberay/constants';
import {
  ClusterNetworkSpec, DEFAULT_DNS, dnsEgressRule, headPolicySpec, isolationPolicySpec, needsHeadPolicy,
} from '../../src/policy/network-policies';
import { checkClusterNetworkPolicy, checkPinnedPorts } from '../../src/policy/network-policy-rule';
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
    expect(needsHeadPolicy({ autoscaling: false, headIngress: [] })).toBe(false);
    expect(headPolicySpec(spec)).toEqual({
      podSelector: { matchLabels: { 'ray.io/cluster': 'rc', 'ray.io/node-type': 'head' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: spec.headIngress[0].peers, ports: [{ protocol: 'TCP', port: 8265 }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }],
    });
    expect(headPolicySpec({ ...spec, autoscaling: false }).egress).toEqual([]);
  });
});

describe('checkClusterNetworkPolicy and checkPinnedPorts (rules on rendered output)', () => {
  const cluster = { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: { name: 'rc', namespace: 'team-a' }, spec: {} };
  const policy = (s: any, namespace = 'team-a'): any => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'rc-isolation', namespace }, spec: s });

  test('the generated policy passes', () => {
    expect(checkClusterNetworkPolicy(cluster, policy(isolationPolicySpec(spec)))).toEqual([]);
  });

  test.each([
    ['another cluster selected', { ...isolationPolicySpec(spec), podSelector: { matchLabels: { 'ray.io/cluster': 'other' } } }, 'team-a',
      'NetworkPolicy rc-isolation: spec.podSelector.matchLabels["ray.io/cluster"]'],
    ['egress not isolated', { ...isolationPolicySpec(spec), policyTypes: ['Ingress'] }, 'team-a', 'NetworkPolicy rc-isolation: spec.policyTypes'],
    ['another namespace', isolationPolicySpec(spec), 'team-b', 'NetworkPolicy rc-isolation: metadata.namespace'],
  ])('%s fails at the field', (_, s, ns, path) => {
    expect(checkClusterNetworkPolicy(cluster, policy(s, ns)).map((v) => [v.rule, v.path])).toEqual([['generate-network-policies', path]]);
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
    expect(checkPinnedPorts(rc, plan).map((v) => [v.path, v.value, v.bound]))
      .toEqual([['spec.workerGroupSpecs[0].rayStartParams["max-worker-port"]', '19999', '11001']]);
  });
});
