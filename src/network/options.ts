import { NetworkMode, PinnedPortsOptions, planPinnedPorts } from './pinned-ports';
import { ipInBlock } from '../kubernetes/cidr';
import { cidrPrefix, isDns1123Label } from '../kubernetes/names';
import {
  ApiServerTarget, DEFAULT_API_SERVER_PORT, DEFAULT_DNS, DEFAULT_OPERATOR, DnsTarget, METADATA_ADDRESSES, MIN_PREFIX, OperatorTarget,
} from '../policy/network-policies';
import { PinnedPortPlan } from '../policy/pinned-ports';
import { checkSelector, describe, enumValue, optionalPort, PropsError, requireCidr, requireString } from '../validation';

/** Where cluster DNS runs, for the DNS egress rule. */
export interface DnsOptions {
  /**
   * The namespace of the DNS pods.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the DNS pods (a non-empty map: an empty one would select every pod of the namespace).
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
  /**
   * Where the KubeRay operator runs (a platform setting). The operator calls the dashboard of
   * every RayJob's and RayService's cluster (job status, Serve applications) and a RayService
   * head's serve port (its proxy health check), so those clusters let it in on exactly those ports.
   * @default - namespace `kuberay-system`, pods labelled `app.kubernetes.io/name: kuberay-operator` (the Helm chart's labels)
   */
  readonly operator?: KubeRayOperatorLocation;
}

/** Where the KubeRay operator's pods run. */
export interface KubeRayOperatorLocation {
  /** The operator's namespace. */
  readonly namespace: string;
  /**
   * Labels of the operator's pods.
   * @default { 'app.kubernetes.io/name': 'kuberay-operator' }
   */
  readonly podLabels?: Record<string, string>;
}

/** Network options, checked and with their defaults applied (an immutable copy of the props). */
export interface ResolvedNetwork {
  /** DNS egress. */
  readonly dns: DnsTarget;
  /** API-server egress. */
  readonly apiServer?: ApiServerTarget;
  /** The mode. */
  readonly mode: NetworkMode;
  /** The pinned ports, in pinned-ports mode. */
  readonly pinnedPorts?: PinnedPortPlan;
  /** Where the KubeRay operator runs. */
  readonly operator: OperatorTarget;
}

/** Checks DNS options (every construct that renders a DNS rule uses this) and applies the defaults. */
export function resolveDns(prop: string, dns: DnsOptions | undefined): DnsTarget {
  if (dns === undefined) return DEFAULT_DNS;
  if (dns === null || typeof dns !== 'object' || Array.isArray(dns)) {
    throw new PropsError(`${prop}: expected { namespace?, podLabels?, port? }, got ${describe(dns)}`);
  }
  const namespace = dns.namespace === undefined ? DEFAULT_DNS.namespace
    : requireString(`${prop}.namespace`, dns.namespace, isDns1123Label, 'a namespace name');
  const podLabels = dns.podLabels === undefined ? DEFAULT_DNS.podLabels : checkSelector(`${prop}.podLabels`, dns.podLabels);
  const port = optionalPort(`${prop}.port`, dns.port, DEFAULT_DNS.port);
  return Object.freeze({ namespace, podLabels: Object.freeze({ ...podLabels }), port });
}

/** Checks API-server egress options and applies the default port. */
export function resolveApiServer(prop: string, api: ApiServerEgress | undefined): ApiServerTarget | undefined {
  if (api === undefined) return undefined;
  if (api === null || typeof api !== 'object' || Array.isArray(api)) throw new PropsError(`${prop}: expected { cidr, port? }, got ${describe(api)}`);
  const cidr = requireCidr(`${prop}.cidr`, api.cidr);
  const width = cidrPrefix(cidr)!;
  const min = width.bits === 32 ? MIN_PREFIX.apiServer.ipv4 : MIN_PREFIX.apiServer.ipv6;
  if (width.prefix < min) {
    throw new PropsError(`${prop}.cidr: ${cidr} is too wide for the API server (/${width.prefix}; at least /${min}): `
      + 'give its endpoint addresses (kubectl get endpoints kubernetes -n default), e.g. 172.18.0.2/32');
  }
  const metadata = METADATA_ADDRESSES.find((ip) => ipInBlock(ip, cidr));
  if (metadata) throw new PropsError(`${prop}.cidr: ${cidr} contains the cloud metadata service ${metadata}; give the API server's endpoint addresses`);
  return Object.freeze({ cidr, port: optionalPort(`${prop}.port`, api.port, DEFAULT_API_SERVER_PORT) });
}

/** Checks the network options of a cluster once, at construction, and applies their defaults. */
export function resolveNetworkOptions(prop: string, network: NetworkOptions | undefined): ResolvedNetwork {
  if (network !== undefined && (network === null || typeof network !== 'object' || Array.isArray(network))) {
    throw new PropsError(`${prop}: expected { dns?, apiServer?, mode?, pinnedPorts? }, got ${describe(network)}`);
  }
  const mode = enumValue(`${prop}.mode`, network?.mode, NetworkMode as unknown as Record<string, NetworkMode>) ?? NetworkMode.ALL_PORTS;
  return Object.freeze({
    dns: resolveDns(`${prop}.dns`, network?.dns),
    apiServer: resolveApiServer(`${prop}.apiServer`, network?.apiServer),
    mode,
    pinnedPorts: mode === NetworkMode.PINNED_PORTS ? planPinnedPorts(`${prop}.pinnedPorts`, network?.pinnedPorts) : undefined,
    operator: resolveOperator(`${prop}.operator`, network?.operator),
  });
}

/** Checks where the operator runs and applies the chart's default labels. */
export function resolveOperator(prop: string, operator: KubeRayOperatorLocation | undefined): OperatorTarget {
  if (operator === undefined) return DEFAULT_OPERATOR;
  if (operator === null || typeof operator !== 'object' || Array.isArray(operator)) {
    throw new PropsError(`${prop}: expected { namespace, podLabels? }, got ${describe(operator)}`);
  }
  const namespace = requireString(`${prop}.namespace`, operator.namespace, isDns1123Label, 'a namespace name');
  const podLabels = operator.podLabels === undefined ? DEFAULT_OPERATOR.podLabels : checkSelector(`${prop}.podLabels`, operator.podLabels);
  return Object.freeze({ namespace, podLabels: Object.freeze({ ...podLabels }) });
}
