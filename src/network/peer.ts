import { k8s } from 'cdk8s-plus-27';
import { isDns1123Label, isLabelKey, isLabelValue, PropsError } from '../tenant';

/**
 * Who may connect to a cluster, or whom it may reach: pods by labels, namespaces, or IP blocks.
 * Peers are always explicit: there is no "anyone".
 */
export class NetworkPeer {
  /** Every pod in the named namespace (by its `kubernetes.io/metadata.name` label). */
  public static namespace(name: string): NetworkPeer {
    if (!isDns1123Label(name)) throw new PropsError(`NetworkPeer.namespace: ${JSON.stringify(name)} is not a namespace name`);
    return new NetworkPeer(`namespace ${name}`, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } }]);
  }

  /**
   * Pods with these labels, in the cluster's own namespace or in the named one. This is how a
   * RayJob submitter in the tenant's namespace reaches the dashboard/Jobs API.
   */
  public static pods(labels: Record<string, string>, options: { readonly namespace?: string } = {}): NetworkPeer {
    checkSelector('NetworkPeer.pods', labels);
    if (options.namespace !== undefined && !isDns1123Label(options.namespace)) {
      throw new PropsError(`NetworkPeer.pods: namespace ${JSON.stringify(options.namespace)} is not a namespace name`);
    }
    const podSelector = { matchLabels: { ...labels } };
    const describe = `pods ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}${options.namespace ? ` in ${options.namespace}` : ''}`;
    return new NetworkPeer(describe, [options.namespace === undefined ? { podSelector }
      : { podSelector, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.namespace } } }]);
  }

  /** An IPv4 or IPv6 CIDR (e.g. an object store or an external Redis), optionally with exceptions. */
  public static ipBlock(cidr: string, except: string[] = []): NetworkPeer {
    for (const c of [cidr, ...except]) {
      if (!isCidr(c)) throw new PropsError(`NetworkPeer.ipBlock: ${JSON.stringify(c)} is not a CIDR such as 10.0.0.0/16`);
    }
    return new NetworkPeer(`ipBlock ${cidr}`, [{ ipBlock: { cidr, ...(except.length > 0 ? { except: [...except] } : {}) } }]);
  }

  private constructor(
    /** A short description, for docs and errors. */
    public readonly description: string,
    private readonly peers: k8s.NetworkPolicyPeer[]) {}

  /** @internal the NetworkPolicy peers */
  public _render(): k8s.NetworkPolicyPeer[] {
    return this.peers.map((p) => JSON.parse(JSON.stringify(p)));
  }
}

function checkSelector(prop: string, labels: Record<string, string>): void {
  if (labels === null || typeof labels !== 'object' || Object.keys(labels).length === 0) {
    throw new PropsError(`${prop}: expected a non-empty map of labels`);
  }
  for (const [k, v] of Object.entries(labels)) {
    if (!isLabelKey(k) || !isLabelValue(v)) throw new PropsError(`${prop}: ${JSON.stringify(k)}=${JSON.stringify(v)} is not a valid label`);
  }
}

/** True for an IPv4 (`a.b.c.d/n`) or IPv6 (`x::y/n`) CIDR. */
export function isCidr(value: string): boolean {
  if (typeof value !== 'string') return false;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!m) return false;
  const bits = Number(m[2]);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(m[1])) return bits <= 32 && m[1].split('.').every((o) => Number(o) <= 255);
  return m[1].includes(':') && /^[0-9a-fA-F:]+$/.test(m[1]) && bits <= 128;
}
