import { NetworkPeer } from './peer';
import { PortTarget, RayPort } from './port';
import { PropsError } from '../tenant';

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
    const added = checked('allowFrom', peer, ports);
    this.ingress.push(...added);
    if (added.some((c) => c.port.target === PortTarget.HEAD)) this.onHeadIngress();
    return this;
  }

  /** Lets every pod of the cluster connect to `peer` on each port (e.g. an object store on 443, an external Redis). */
  public allowTo(peer: NetworkPeer, ...ports: RayPort[]): this {
    this.egress.push(...checked('allowTo', peer, ports));
    return this;
  }

  /** Declared ingress to pods of `target`. */
  public ingressTo(target: PortTarget): DeclaredConnection[] {
    return this.ingress.filter((c) => c.port.target === target);
  }

  /** How many connections were declared (it only grows): a change marks the policies' render stale. */
  public get version(): number {
    return this.ingress.length + this.egress.length;
  }

  /** Declared egress. */
  public get egressRules(): DeclaredConnection[] {
    return [...this.egress];
  }
}

function checked(method: string, peer: NetworkPeer, ports: RayPort[]): DeclaredConnection[] {
  if (!(peer instanceof NetworkPeer)) throw new PropsError(`connections.${method}: expected a NetworkPeer (NetworkPeer.namespace/pods/ipBlock)`);
  if (ports.length === 0) throw new PropsError(`connections.${method}(${peer.description}): name at least one RayPort; there is no "all ports"`);
  for (const p of ports) {
    if (!(p instanceof RayPort)) throw new PropsError(`connections.${method}(${peer.description}): expected RayPort values (RayPort.DASHBOARD, RayPort.tcp(443), ...)`);
  }
  return ports.map((port) => ({ peer, port }));
}
