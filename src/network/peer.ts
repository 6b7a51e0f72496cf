import { ipInBlock } from '../kubernetes/cidr';
import { JsonMap } from '../kubernetes/json';
import { cidrPrefix, isDns1123Label } from '../kubernetes/names';
import { METADATA_ADDRESSES, MIN_PREFIX, NON_INTERNET_RANGES } from '../policy/network-policies';
import { checkSelector, PropsError, requireCidr, requireString } from '../validation';

const NETWORK_PEER = Symbol.for('cdk8s-secure-ray.NetworkPeer');

/** What a peer is, for the checks `connections` makes. */
type PeerKind = 'pods' | 'namespace' | 'ipBlock' | 'internet';

/**
 * Who may connect to a cluster, or whom it may reach: pods by labels, namespaces, IP blocks, or
 * the internet for egress. Peers are always explicit: there is no "anyone" — `/0` is refused, and
 * blocks wider than `MIN_PREFIX` allows are refused (see the README's "Network isolation").
 */
export class NetworkPeer {
  /**
   * True when `x` is a NetworkPeer, from this copy of the library or another one (an app may
   * resolve two copies; `instanceof` would then say no).
   */
  public static isNetworkPeer(x: unknown): x is NetworkPeer {
    return typeof x === 'object' && x !== null && NETWORK_PEER in x;
  }

  /** Every pod in the named namespace (by its `kubernetes.io/metadata.name` label). */
  public static namespace(name: string): NetworkPeer {
    requireString('NetworkPeer.namespace', name, isDns1123Label, 'a namespace name');
    return new NetworkPeer(`namespace ${name}`, 'namespace', [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } }], []);
  }

  /**
   * Pods with these labels, in the cluster's own namespace or in the named one. This is how a
   * RayJob submitter in the tenant's namespace reaches the dashboard/Jobs API.
   */
  public static pods(labels: Record<string, string>, options: { readonly namespace?: string } = {}): NetworkPeer {
    const selected = checkSelector('NetworkPeer.pods', labels);
    if (options === null || typeof options !== 'object') throw new PropsError('NetworkPeer.pods: options must be { namespace? }');
    if (options.namespace !== undefined) requireString('NetworkPeer.pods: namespace', options.namespace, isDns1123Label, 'a namespace name');
    const podSelector = { matchLabels: selected };
    const describe = `pods ${Object.entries(selected).map(([k, v]) => `${k}=${v}`).join(',')}${options.namespace ? ` in ${options.namespace}` : ''}`;
    return new NetworkPeer(describe, 'pods', [options.namespace === undefined ? { podSelector }
      : { podSelector, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.namespace } } }], []);
  }

  /**
   * An IPv4 or IPv6 CIDR (e.g. an object store or an external Redis), optionally with exceptions.
   * At least /8 (IPv4) or /32 (IPv6), never `/0`: the internet is {@link NetworkPeer.internet}.
   * As an ingress peer it must be at least /16 or /48; as an egress peer it must not contain a
   * cloud metadata address (169.254.169.254).
   */
  public static ipBlock(cidr: string, except: string[] = []): NetworkPeer {
    requireCidr('NetworkPeer.ipBlock', cidr);
    const width = cidrPrefix(cidr)!;
    const min = width.bits === 32 ? MIN_PREFIX.any.ipv4 : MIN_PREFIX.any.ipv6;
    if (width.prefix < min) {
      throw new PropsError(`NetworkPeer.ipBlock: ${cidr} is too wide (/${width.prefix}; at least /${min} here): there is no "anyone". `
        + 'For egress to the internet use NetworkPeer.internet() with named ports; for ingress name the network it comes from');
    }
    if (!Array.isArray(except)) throw new PropsError('NetworkPeer.ipBlock: except must be an array of CIDRs');
    except.forEach((c, i) => requireCidr(`NetworkPeer.ipBlock: except[${i}]`, c));
    return new NetworkPeer(`ipBlock ${cidr}`, 'ipBlock', [{ ipBlock: { cidr, ...(except.length > 0 ? { except: [...except] } : {}) } }], [{ cidr, except: [...except] }]);
  }

  /**
   * The public internet, for egress only (e.g. `pip install` in a runtime environment): every
   * address except the private, shared, link-local and loopback ranges (`NON_INTERNET_RANGES`:
   * the cluster's own networks and the cloud metadata service stay out), IPv4 and IPv6. Use it
   * with named ports (`RayPort.tcp(443)`), never a range.
   */
  public static internet(): NetworkPeer {
    return new NetworkPeer('the internet', 'internet', [
      { ipBlock: { cidr: '0.0.0.0/0', except: [...NON_INTERNET_RANGES.ipv4] } },
      { ipBlock: { cidr: '::/0', except: [...NON_INTERNET_RANGES.ipv6] } },
    ], []);
  }

  private constructor(
    /** A short description, for docs and errors. */
    public readonly description: string,
    private readonly kind: PeerKind,
    private readonly peers: JsonMap[],
    private readonly blocks: readonly { readonly cidr: string; readonly except: readonly string[] }[]) {
    Object.defineProperty(this, NETWORK_PEER, { value: true });
  }

  /** @internal the NetworkPolicy peers, as plain JSON */
  public _render(): JsonMap[] {
    return this.peers.map((p) => JSON.parse(JSON.stringify(p)));
  }

  /**
   * @internal Why this peer may not be used in that direction, or undefined: the internet only for
   * egress; an ipBlock for ingress at least /16 or /48; no egress block reaching a cloud metadata address.
   */
  public _refusal(direction: 'ingress' | 'egress'): string | undefined {
    if (this.kind === 'internet' && direction === 'ingress') {
      return 'the internet is never an ingress peer; put a Gateway or load balancer in its own namespace in front and allow that namespace';
    }
    for (const b of this.blocks) {
      const width = cidrPrefix(b.cidr)!;
      const min = width.bits === 32 ? MIN_PREFIX.ingress.ipv4 : MIN_PREFIX.ingress.ipv6;
      if (direction === 'ingress' && width.prefix < min) {
        return `${b.cidr} is too wide for ingress (/${width.prefix}; at least /${min}): name the network the traffic comes from`;
      }
      const metadata = METADATA_ADDRESSES.find((ip) => ipInBlock(ip, b.cidr, b.except));
      if (direction === 'egress' && metadata) {
        return `${b.cidr} contains the cloud metadata service ${metadata} (instance credentials); exclude it or narrow the block`;
      }
    }
    return undefined;
  }

  /** @internal whether this peer is the internet (its ports must be single, named ports) */
  public _isInternet(): boolean {
    return this.kind === 'internet';
  }
}
