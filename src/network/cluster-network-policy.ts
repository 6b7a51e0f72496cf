import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DnsOptions, NetworkOptions } from './options';
import { RAY_LABELS } from '../policy/kuberay-pods';

/** Properties of {@link RayClusterNetworkPolicy}. */
export interface RayClusterNetworkPolicyProps {
  /** The RayCluster's name (its pods carry `ray.io/cluster=<name>`). */
  readonly clusterName: string;
  /** The namespace. */
  readonly namespace: string;
  /** Labels of the policy object. */
  readonly labels?: Record<string, string>;
  /** Network options. */
  readonly network?: NetworkOptions;
  /** Whether the autoscaler runs (it needs the API server). */
  readonly autoscaling: boolean;
}

/**
 * The default NetworkPolicy of one RayCluster: it selects the cluster's pods by the
 * `ray.io/cluster` label KubeRay sets (tenants cannot remove it) and allows
 * - every port between the cluster's own pods, both ways (Ray's raylet, object manager, worker
 *   and agent ports are many and mostly random: see the README's network section);
 * - DNS egress to kube-dns on UDP and TCP 53;
 * - API-server egress when autoscaling is on;
 * and nothing else in or out.
 */
export class RayClusterNetworkPolicy extends Construct {
  /** The NetworkPolicy object. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: RayClusterNetworkPolicyProps) {
    super(scope, id);
    const self = { podSelector: { matchLabels: { [RAY_LABELS.cluster]: props.clusterName } } };
    const dns: DnsOptions = props.network?.dns ?? {};
    const dnsPort = dns.port ?? 53;
    const egress: k8s.NetworkPolicyEgressRule[] = [
      { to: [self] },
      {
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': dns.namespace ?? 'kube-system' } },
          podSelector: { matchLabels: { ...(dns.podLabels ?? { 'k8s-app': 'kube-dns' }) } },
        }],
        ports: [
          { protocol: 'UDP', port: k8s.IntOrString.fromNumber(dnsPort) },
          { protocol: 'TCP', port: k8s.IntOrString.fromNumber(dnsPort) },
        ],
      },
    ];
    const api = props.network?.apiServer;
    if (props.autoscaling && api) {
      egress.push({ to: [{ ipBlock: { cidr: api.cidr } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(api.port ?? 6443) }] });
    }
    this.resource = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: `${props.clusterName}-isolation`, namespace: props.namespace, labels: props.labels },
      spec: {
        podSelector: self.podSelector,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [self] }],
        egress,
      },
    });
  }
}
