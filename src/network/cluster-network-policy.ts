import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ClusterConnections, DeclaredConnection } from './connections';
import { DnsOptions, NetworkOptions } from './options';
import { PinnedPortPlan, pinnedPolicyPorts } from './pinned-ports';
import { PortTarget } from './port';
import { RAY_LABELS } from '../policy/kuberay-pods';
import { copyJson, renderOnce } from '../shared-render';

/** The NetworkPolicy L1, rendered once per synthesis. */
class NetworkPolicyResource extends k8s.KubeNetworkPolicy {
  /** @param version the version of the Lazy inputs (declared connections) */
  constructor(scope: Construct, id: string, props: k8s.KubeNetworkPolicyProps, private readonly version: () => number) {
    super(scope, id, props);
  }

  /** The rendered policy, kept (frozen) while nothing changes: validations share it. */
  public renderForValidation(): any {
    return renderOnce(this, () => super.toJson(), String(this.version()));
  }

  /** A fresh copy of the kept render. */
  public override toJson(): any {
    return copyJson(this.renderForValidation());
  }
}

/** Properties of {@link RayClusterNetworkPolicy}. */
export interface RayClusterNetworkPolicyProps {
  /** The RayCluster's name (its pods carry `ray.io/cluster=<name>`). */
  readonly clusterName: string;
  /** The namespace. */
  readonly namespace: string;
  /**
   * Labels of the policy objects.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the policy objects (e.g. an ArgoCD sync wave).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Network options.
   * @default - DNS to kube-dns, nothing else
   */
  readonly network?: NetworkOptions;
  /** Whether the autoscaler runs in the head pod (it needs the API server). */
  readonly autoscaling: boolean;
  /** Declared connections (read when the policies are synthesized). */
  readonly connections: ClusterConnections;
  /**
   * The pinned ports; when given only those are open between the cluster's pods.
   * @default - every port between the cluster's pods
   */
  readonly pinnedPorts?: PinnedPortPlan;
}

/**
 * The NetworkPolicies of one RayCluster. They select its pods by the labels KubeRay sets and a
 * template cannot override (`ray.io/cluster`, `ray.io/node-type`), with `policyTypes: [Ingress,
 * Egress]`:
 *
 * - `<cluster>-isolation` (every pod): in and out only to the cluster's own pods — every port, or in
 *   pinned-ports mode only the pinned ones — plus DNS egress to kube-dns (UDP and TCP), declared
 *   ingress to ports every pod listens on (Serve, metrics) and declared egress;
 * - `<cluster>-head` (the head pod), when needed (autoscaling, or ingress declared to a head port): declared ingress to head ports (dashboard/Jobs API,
 *   Ray Client, GCS, head metrics) and the API-server egress of the autoscaler.
 *
 * Policies add up: traffic is allowed when any policy selecting the pod allows it.
 */
export class RayClusterNetworkPolicy extends Construct {
  /** The policy every pod of the cluster is selected by (`<cluster>-isolation`). */
  public readonly resource: ApiObject;
  private head?: ApiObject;
  private readonly props: RayClusterNetworkPolicyProps;

  constructor(scope: Construct, id: string, props: RayClusterNetworkPolicyProps) {
    super(scope, id);
    this.props = props;
    const cluster = { [RAY_LABELS.cluster]: props.clusterName };
    const self = { podSelector: { matchLabels: cluster } };
    const dns: DnsOptions = props.network?.dns ?? {};
    const dnsPort = dns.port ?? 53;
    const internalPorts = props.pinnedPorts ? pinnedPolicyPorts(props.pinnedPorts).map(toPolicyPort) : undefined;
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels: props.labels, annotations: props.annotations });
    const rules = (list: DeclaredConnection[], side: 'from' | 'to') => list.map((c) => ({ [side]: c.peer._render(), ports: [toPolicyPort(c.port._render())] }));

    this.resource = new NetworkPolicyResource(this, 'Resource', {
      metadata: metadata(`${props.clusterName}-isolation`),
      spec: {
        podSelector: self.podSelector,
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({
          produce: () => [
            { from: [self], ...(internalPorts ? { ports: internalPorts } : {}) },
            ...rules(props.connections.ingressTo(PortTarget.ALL_PODS), 'from'),
          ],
        }),
        egress: Lazy.any({
          produce: () => [
            { to: [self], ...(internalPorts ? { ports: internalPorts } : {}) },
            {
              to: [{
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': dns.namespace ?? 'kube-system' } },
                podSelector: { matchLabels: { ...(dns.podLabels ?? { 'k8s-app': 'kube-dns' }) } },
              }],
              ports: [toPolicyPort({ protocol: 'UDP', port: dnsPort }), toPolicyPort({ protocol: 'TCP', port: dnsPort })],
            },
            ...rules(props.connections.egressRules, 'to'),
          ],
        }),
      },
    }, () => props.connections.version);

    if (props.autoscaling) this.ensureHeadPolicy();
  }

  /** Renders the isolation policy for the cluster's validation (synthesis reuses the render). */
  public renderForValidation(): unknown {
    return (this.resource as NetworkPolicyResource).renderForValidation();
  }

  /** The head pod's policy (`<cluster>-head`), when there is one: declared ingress to head ports and the autoscaler's API-server egress. */
  public get headResource(): ApiObject | undefined {
    return this.head;
  }

  /** Creates the head pod's policy if it does not exist yet. */
  public ensureHeadPolicy(): ApiObject {
    if (this.head) return this.head;
    const props = this.props;
    const cluster = { [RAY_LABELS.cluster]: props.clusterName };
    const api = props.network?.apiServer;
    const rules = (list: DeclaredConnection[]) => list.map((c) => ({ from: c.peer._render(), ports: [toPolicyPort(c.port._render())] }));
    this.head = new k8s.KubeNetworkPolicy(this, 'Head', {
      metadata: { name: `${props.clusterName}-head`, namespace: props.namespace, labels: props.labels, annotations: props.annotations },
      spec: {
        podSelector: { matchLabels: { ...cluster, [RAY_LABELS.nodeType]: 'head' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({ produce: () => rules(props.connections.ingressTo(PortTarget.HEAD)) }),
        egress: props.autoscaling && api
          ? [{ to: [{ ipBlock: { cidr: api.cidr } }], ports: [toPolicyPort({ protocol: 'TCP', port: api.port ?? 6443 })] }]
          : [],
      },
    });
    return this.head;
  }
}

/** A NetworkPolicy port in the L1 types' form (the generated mapper reads `IntOrString.value`). */
function toPolicyPort(p: { protocol: string; port: number; endPort?: number }): k8s.NetworkPolicyPort {
  return { protocol: p.protocol, port: k8s.IntOrString.fromNumber(p.port), ...(p.endPort !== undefined ? { endPort: p.endPort } : {}) };
}
