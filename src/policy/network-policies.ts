/**
 * The NetworkPolicies this library generates, as pure functions of plain inputs: the constructs
 * render them, the `generate-network-policies` rule holds a rendered (possibly patched) policy to
 * them, and the admission policies build their DNS rule from the same {@link dnsEgressRule}.
 *
 * @module
 */
import { PolicyPort } from './pinned-ports';
import { RAY_LABELS, RAY_PORTS } from '../kuberay/constants';
import { JsonMap } from '../kubernetes/json';

/** Where cluster DNS runs: the target of every DNS egress rule. */
export interface DnsTarget {
  /** The namespace of the DNS pods. */
  readonly namespace: string;
  /** The labels of the DNS pods (never empty: an empty selector would select every pod of the namespace). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The DNS port, opened for UDP and TCP. */
  readonly port: number;
}

/** kube-dns (and CoreDNS) in kube-system on port 53. */
export const DEFAULT_DNS: DnsTarget = Object.freeze({
  namespace: 'kube-system',
  podLabels: Object.freeze({ 'k8s-app': 'kube-dns' }),
  port: 53,
});

/** The Kubernetes API server's endpoints, for the autoscaler's egress. */
export interface ApiServerTarget {
  /** The endpoints as a CIDR. */
  readonly cidr: string;
  /** The port on the endpoints. */
  readonly port: number;
}

/** The default API-server port on its endpoints. */
export const DEFAULT_API_SERVER_PORT = 6443;

/**
 * How wide an IP block may be. There is no "anyone": `/0` is never a peer, and narrower limits
 * apply where a wide block would open a tenant's Ray cluster (whose dashboard runs any code it is
 * sent) to networks nobody named:
 *
 * - any ipBlock: at least /8 (IPv4) or /32 (IPv6); wider blocks are "the internet" in all but
 *   name — egress to the internet goes through `NetworkPeer.internet()` and named ports;
 * - ingress from an ipBlock: at least /16 or /48 (a network someone can name, at most 65,536
 *   IPv4 addresses);
 * - the API server: at least /24 or /64 (its endpoints are a handful of addresses).
 */
export const MIN_PREFIX = {
  /** Any ipBlock. */
  any: { ipv4: 8, ipv6: 32 },
  /** Ingress from an ipBlock. */
  ingress: { ipv4: 16, ipv6: 48 },
  /** The API server's endpoints. */
  apiServer: { ipv4: 24, ipv6: 64 },
} as const;

/**
 * The addresses `NetworkPeer.internet()` leaves out: private, shared (CGNAT), link-local (the
 * cloud metadata service at 169.254.169.254 among them) and loopback ranges — the cluster's own
 * networks are never "the internet".
 */
export const NON_INTERNET_RANGES = {
  /** IPv4. */
  ipv4: ['10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'],
  /** IPv6. */
  ipv6: ['::1/128', 'fc00::/7', 'fe80::/10'],
} as const;

/** Cloud metadata services (instance credentials): no egress rule may reach them. */
export const METADATA_ADDRESSES = ['169.254.169.254', 'fd00:ec2::254'] as const;

/** One declared connection as NetworkPolicy peers and ports. */
export interface DeclaredRule {
  /** The peers (`from` for ingress, `to` for egress). */
  readonly peers: readonly JsonMap[];
  /** The ports. */
  readonly ports: readonly PolicyPort[];
}

/** Everything the policies of one cluster are generated from. */
export interface ClusterNetworkSpec {
  /** The RayCluster's name: the policies are `<name>-isolation` and `<name>-head`. */
  readonly clusterName: string;
  /** The namespace of the cluster and its policies. */
  readonly namespace: string;
  /** The labels every pod of the cluster carries and no other pod does (today `ray.io/cluster=<name>`). */
  readonly selector: Readonly<Record<string, string>>;
  /** DNS egress. */
  readonly dns: DnsTarget;
  /** Whether the autoscaler runs in the head pod. */
  readonly autoscaling: boolean;
  /** The API server, for the autoscaler's egress. */
  readonly apiServer?: ApiServerTarget;
  /** In pinned-ports mode, the only ports open between the cluster's pods. */
  readonly internalPorts?: readonly PolicyPort[];
  /** Declared ingress to ports every pod listens on. */
  readonly ingress: readonly DeclaredRule[];
  /** Declared ingress to head ports. */
  readonly headIngress: readonly DeclaredRule[];
  /** Declared egress. */
  readonly egress: readonly DeclaredRule[];
  /**
   * RayJob K8sJobMode submitters that submit to this cluster: each gets its own policy (egress
   * only, to the head's dashboard and DNS), and the head lets them in on the dashboard port.
   */
  readonly submitters: readonly SubmitterSpec[];
}

/** One RayJob's submitter pods. */
export interface SubmitterSpec {
  /** The name of its policy (`<rayjob>-submitter`). */
  readonly policyName: string;
  /** The labels of its pods. */
  readonly labels: Readonly<Record<string, string>>;
}

/** The KubeRay operator's pods, for the ingress the operator needs (it calls the dashboard of RayJob and RayService clusters). */
export interface OperatorTarget {
  /** The operator's namespace. */
  readonly namespace: string;
  /** Labels of the operator's pods. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** The KubeRay Helm chart's defaults: `helm install kuberay-operator kuberay/kuberay-operator -n kuberay-system`. */
export const DEFAULT_OPERATOR: OperatorTarget = Object.freeze({
  namespace: 'kuberay-system',
  podLabels: Object.freeze({ 'app.kubernetes.io/name': 'kuberay-operator' }),
});

/** The NetworkPolicy peer of the operator's pods. */
export function operatorPeer(o: OperatorTarget): JsonMap {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': o.namespace } },
    podSelector: { matchLabels: { ...o.podLabels } },
  };
}

/** A NetworkPolicy port in manifest form. */
export function policyPort(p: PolicyPort): JsonMap {
  return { protocol: p.protocol, port: p.port, ...(p.endPort !== undefined ? { endPort: p.endPort } : {}) };
}

/** The egress rule to cluster DNS, on UDP and TCP. */
export function dnsEgressRule(dns: DnsTarget): JsonMap {
  return {
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': dns.namespace } },
      podSelector: { matchLabels: { ...dns.podLabels } },
    }],
    ports: [policyPort({ protocol: 'UDP', port: dns.port }), policyPort({ protocol: 'TCP', port: dns.port })],
  };
}

function declared(rules: readonly DeclaredRule[], side: 'from' | 'to'): JsonMap[] {
  return rules.map((r) => ({ [side]: r.peers.map((p) => ({ ...p })), ports: r.ports.map(policyPort) }));
}

/**
 * The spec of `<cluster>-isolation`, selecting every pod of the cluster: in and out only to the
 * cluster's own pods (every port, or the pinned ones), DNS egress, declared ingress to ports every
 * pod listens on, and declared egress.
 */
export function isolationPolicySpec(s: ClusterNetworkSpec): JsonMap {
  const self = (side: 'from' | 'to'): JsonMap => {
    const rule: JsonMap = { [side]: [{ podSelector: { matchLabels: { ...s.selector } } }] };
    if (s.internalPorts) rule.ports = s.internalPorts.map(policyPort);
    return rule;
  };
  return {
    podSelector: { matchLabels: { ...s.selector } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [self('from'), ...declared(s.ingress, 'from')],
    egress: [self('to'), dnsEgressRule(s.dns), ...declared(s.egress, 'to')],
  };
}

/** Whether the cluster has a `<cluster>-head` policy: with autoscaling, a submitter, or ingress to a head port. */
export function needsHeadPolicy(s: Pick<ClusterNetworkSpec, 'autoscaling' | 'headIngress' | 'submitters'>): boolean {
  return s.autoscaling || s.headIngress.length > 0 || s.submitters.length > 0;
}

/**
 * The spec of `<cluster>-head`, selecting the head pod: declared ingress to head ports
 * (dashboard/Jobs API, Ray Client, GCS, head metrics) and the autoscaler's API-server egress.
 */
export function headPolicySpec(s: ClusterNetworkSpec): JsonMap {
  const submitter: DeclaredRule[] = s.submitters.map((x) => ({
    peers: [{ podSelector: { matchLabels: { ...x.labels } } }], ports: [{ protocol: 'TCP', port: RAY_PORTS.dashboard }],
  }));
  return {
    podSelector: headSelector(s),
    policyTypes: ['Ingress', 'Egress'],
    ingress: declared([...submitter, ...s.headIngress], 'from'),
    egress: s.autoscaling && s.apiServer
      ? [{ to: [{ ipBlock: { cidr: s.apiServer.cidr } }], ports: [policyPort({ protocol: 'TCP', port: s.apiServer.port })] }]
      : [],
  };
}

function headSelector(s: ClusterNetworkSpec): JsonMap {
  return { matchLabels: { ...s.selector, [RAY_LABELS.nodeType]: 'head' } };
}

/**
 * The spec of a submitter's policy, selecting a RayJob's K8sJobMode submitter pods: no ingress;
 * egress to the head's dashboard (the Jobs API it submits to) and DNS, nothing else.
 */
export function submitterPolicySpec(s: ClusterNetworkSpec, submitter: SubmitterSpec): JsonMap {
  return {
    podSelector: { matchLabels: { ...submitter.labels } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [],
    egress: [
      { to: [{ podSelector: headSelector(s) }], ports: [policyPort({ protocol: 'TCP', port: RAY_PORTS.dashboard })] },
      dnsEgressRule(s.dns),
    ],
  };
}
