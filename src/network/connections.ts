import { NetworkPeer } from './peer';
import { PortTarget, RayPort } from './port';
import { DeclaredRule } from '../policy/network-policies';
import { PropsError } from '../validation';

/** One declared connection. */
export interface DeclaredConnection {
  /** The remote side. */
  readonly peer: NetworkPeer;
  /** The port on the cluster's pods (ingress) or on the peer (egress). */
  readonly port: RayPort;
}

/**
 * The connections a cluster allows besides its own pods and DNS: nothing, until declared.
 *
 * ```ts
 * cluster.connections.allowFrom(NetworkPeer.pods({ app: 'job-submitter' }), RayPort.DASHBOARD);
 * cluster.connections.allowFrom(NetworkPeer.namespace('monitoring'), RayPort.METRICS);
 * cluster.connections.allowTo(NetworkPeer.ipBlock('203.0.113.0/24'), RayPort.tcp(443));
 * ```
 */
export class ClusterConnections {
  private readonly ingress: DeclaredConnection[] = [];
  private readonly egress: DeclaredConnection[] = [];

  /** @param onHeadIngress called when ingress to a head port is first declared */
  constructor(private readonly onHeadIngress: () => void = () => undefined) {}

  /**
   * Lets `peer` connect to the cluster on each port, at the pods that listen on it (the head for
   * the dashboard, Ray Client, GCS and head metrics; every pod for Serve and metrics).
   */
  public allowFrom(peer: NetworkPeer, ...ports: RayPort[]): this {
    const added = checked('allowFrom', 'ingress', peer, ports);
    this.ingress.push(...added);
    if (added.some((c) => c.port.target === PortTarget.HEAD)) this.onHeadIngress();
    return this;
  }

  /** Lets every pod of the cluster connect to `peer` on each port (e.g. an object store on 443, an external Redis). */
  public allowTo(peer: NetworkPeer, ...ports: RayPort[]): this {
    this.egress.push(...checked('allowTo', 'egress', peer, ports));
    return this;
  }

  /** Declared ingress to pods of `target`. */
  public ingressTo(target: PortTarget): DeclaredConnection[] {
    return this.ingress.filter((c) => c.port.target === target);
  }

  /** Declared egress. */
  public get egressRules(): DeclaredConnection[] {
    return [...this.egress];
  }

  /** How many connections were declared (it only grows): a change marks the policies' render stale. */
  public get version(): number {
    return this.ingress.length + this.egress.length;
  }

  /** @internal the declared connections as NetworkPolicy rules */
  public _rules(): { readonly ingress: DeclaredRule[]; readonly headIngress: DeclaredRule[]; readonly egress: DeclaredRule[] } {
    const rules = (list: DeclaredConnection[]): DeclaredRule[] => list.map((c) => ({ peers: c.peer._render(), ports: [c.port._render()] }));
    return { ingress: rules(this.ingressTo(PortTarget.ALL_PODS)), headIngress: rules(this.ingressTo(PortTarget.HEAD)), egress: rules(this.egress) };
  }
}

function checked(method: string, direction: 'ingress' | 'egress', peer: NetworkPeer, ports: RayPort[]): DeclaredConnection[] {
  if (!NetworkPeer.isNetworkPeer(peer)) throw new PropsError(`connections.${method}: expected a NetworkPeer (NetworkPeer.namespace/pods/ipBlock/internet)`);
  const refusal = peer._refusal(direction);
  if (refusal) throw new PropsError(`connections.${method}(${peer.description}): ${refusal}`);
  if (ports.length === 0) throw new PropsError(`connections.${method}(${peer.description}): name at least one RayPort; there is no "all ports"`);
  for (const p of ports) {
    if (!RayPort.isRayPort(p)) throw new PropsError(`connections.${method}(${peer.description}): expected RayPort values (RayPort.DASHBOARD, RayPort.tcp(443), ...)`);
    if (peer._isInternet() && p.endPort !== undefined) {
      throw new PropsError(`connections.${method}(${peer.description}): ${p.name} is a port range; egress to the internet is allowed only on named ports (RayPort.tcp(443))`);
    }
  }
  return ports.map((port) => ({ peer, port }));
}
