import { isCidr } from './peer';
import { NetworkMode, PinnedPortsOptions } from './pinned-ports';
import { describe, isDns1123Label, isLabelKey, isLabelValue, PropsError } from '../tenant';

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

/** Throws a PropsError naming the prop for any malformed network option (JavaScript callers included). */
export function validateNetworkOptions(prop: string, network: NetworkOptions | undefined): void {
  if (network === undefined) return;
  if (network === null || typeof network !== 'object' || Array.isArray(network)) {
    throw new PropsError(`${prop}: expected { dns?, apiServer?, mode?, pinnedPorts? }, got ${describe(network)}`);
  }
  const port = (p: string, v: unknown) => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535)) {
      throw new PropsError(`${p}: expected a port number 1-65535, got ${describe(v)}`);
    }
  };
  const api = network.apiServer;
  if (api !== undefined) {
    if (api === null || typeof api !== 'object') throw new PropsError(`${prop}.apiServer: expected { cidr, port? }, got ${describe(api)}`);
    if (!isCidr(api.cidr)) throw new PropsError(`${prop}.apiServer.cidr: ${JSON.stringify(api.cidr)} is not a CIDR such as 172.18.0.2/32`);
    port(`${prop}.apiServer.port`, api.port);
  }
  const dns = network.dns;
  if (dns !== undefined) {
    if (dns === null || typeof dns !== 'object') throw new PropsError(`${prop}.dns: expected { namespace?, podLabels?, port? }, got ${describe(dns)}`);
    if (dns.namespace !== undefined && !isDns1123Label(dns.namespace)) throw new PropsError(`${prop}.dns.namespace: ${JSON.stringify(dns.namespace)} is not a namespace name`);
    port(`${prop}.dns.port`, dns.port);
    if (dns.podLabels !== undefined) {
      const labels = dns.podLabels;
      if (labels === null || typeof labels !== 'object' || Object.keys(labels).length === 0
        || Object.entries(labels).some(([k, v]) => !isLabelKey(k) || !isLabelValue(v))) {
        throw new PropsError(`${prop}.dns.podLabels: expected a non-empty map of valid labels, got ${JSON.stringify(labels)}`);
      }
    }
  }
}
