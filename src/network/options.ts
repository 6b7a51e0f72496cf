import { NetworkMode, PinnedPortsOptions } from './pinned-ports';

/** Where cluster DNS runs, for the DNS egress rule. */
export interface DnsOptions {
  /**
   * The namespace of the DNS pods.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the DNS pods.
   * @default { 'k8s-app': 'kube-dns' } (CoreDNS and kube-dns both use it)
   */
  readonly podLabels?: Record<string, string>;
  /**
   * The DNS port (UDP and TCP).
   * @default 53
   */
  readonly port?: number;
}

/**
 * Egress to the Kubernetes API server. NetworkPolicies judge traffic after the `kubernetes`
 * Service is translated, so this is the API server's endpoint address (see
 * `kubectl get endpoints kubernetes -n default`), not the Service's ClusterIP. Cilium does not
 * apply ipBlock rules to in-cluster addresses: there use a CiliumNetworkPolicy with the
 * `kube-apiserver` entity.
 */
export interface ApiServerEgress {
  /** The API server endpoints as a CIDR, e.g. `'172.18.0.2/32'`. */
  readonly cidr: string;
  /**
   * The API server port on its endpoints.
   * @default 6443
   */
  readonly port?: number;
}

/** The cluster's network isolation. */
export interface NetworkOptions {
  /**
   * DNS egress.
   * @default - kube-dns in kube-system on UDP and TCP 53
   */
  readonly dns?: DnsOptions;
  /**
   * Egress to the Kubernetes API server. Required when autoscaling is on: the autoscaler sidecar
   * calls the API server to add and remove workers.
   * @default - none (an error when autoscaling is on)
   */
  readonly apiServer?: ApiServerEgress;
  /**
   * Which ports are open between the cluster's own pods.
   * @default NetworkMode.ALL_PORTS
   */
  readonly mode?: NetworkMode;
  /**
   * The ports pinned in {@link NetworkMode.PINNED_PORTS}.
   * @default - see PinnedPortsOptions
   */
  readonly pinnedPorts?: PinnedPortsOptions;
}
