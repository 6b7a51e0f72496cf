import { JsonMap } from '../kubernetes/json';
import { isDns1123Label } from '../kubernetes/names';
import { checkSelector, PropsError, requireCidr, requireString } from '../validation';

const NETWORK_PEER = Symbol.for('cdk8s-secure-ray.NetworkPeer');

/**
 * Who may connect to a cluster, or whom it may reach: pods by labels, namespaces, or IP blocks.
 * Peers are always explicit: there is no "anyone".
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
    return new NetworkPeer(`namespace ${name}`, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } }]);
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
    return new NetworkPeer(describe, [options.namespace === undefined ? { podSelector }
      : { podSelector, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.namespace } } }]);
  }

  /** An IPv4 or IPv6 CIDR (e.g. an object store or an external Redis), optionally with exceptions. */
  public static ipBlock(cidr: string, except: string[] = []): NetworkPeer {
    requireCidr('NetworkPeer.ipBlock', cidr);
    if (!Array.isArray(except)) throw new PropsError('NetworkPeer.ipBlock: except must be an array of CIDRs');
    except.forEach((c, i) => requireCidr(`NetworkPeer.ipBlock: except[${i}]`, c));
    return new NetworkPeer(`ipBlock ${cidr}`, [{ ipBlock: { cidr, ...(except.length > 0 ? { except: [...except] } : {}) } }]);
  }

  private constructor(
    /** A short description, for docs and errors. */
    public readonly description: string,
    private readonly peers: JsonMap[]) {
    Object.defineProperty(this, NETWORK_PEER, { value: true });
  }

  /** @internal the NetworkPolicy peers, as plain JSON */
  public _render(): JsonMap[] {
    return this.peers.map((p) => JSON.parse(JSON.stringify(p)));
  }
}
