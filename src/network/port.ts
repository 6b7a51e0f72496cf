import { PropsError } from '../tenant';

/** Transport protocol of a {@link RayPort}. */
export enum PortProtocol {
  /** TCP. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
}

/** Which of the cluster's pods listen on a port. */
export enum PortTarget {
  /** Only the head pod. */
  HEAD = 'head',
  /** Every pod of the cluster (head and workers). */
  ALL_PODS = 'all',
}

/**
 * A port (or port range) of a Ray cluster, with where it listens. The well-known ones keep their
 * real names: 6379 is Ray's GCS (not Redis), 10001 is the Ray Client server (not the workers).
 */
export class RayPort {
  /** GCS server, on the head (6379). Clients outside the cluster never need it. */
  public static readonly GCS = new RayPort('gcs', 6379, undefined, PortProtocol.TCP, PortTarget.HEAD);
  /** Dashboard and Jobs API, on the head (8265): `ray job submit`, RayJob submitters. */
  public static readonly DASHBOARD = new RayPort('dashboard', 8265, undefined, PortProtocol.TCP, PortTarget.HEAD);
  /** Ray Client server, on the head (10001): `ray.init("ray://...")`. */
  public static readonly CLIENT = new RayPort('client', 10001, undefined, PortProtocol.TCP, PortTarget.HEAD);
  /** Ray Serve HTTP proxy (8000), on every pod. */
  public static readonly SERVE = new RayPort('serve', 8000, undefined, PortProtocol.TCP, PortTarget.ALL_PODS);
  /** Prometheus metrics export (8080; KubeRay pins it), on every pod. */
  public static readonly METRICS = new RayPort('metrics', 8080, undefined, PortProtocol.TCP, PortTarget.ALL_PODS);
  /** Autoscaler metrics (44217), on the head. */
  public static readonly AUTOSCALER_METRICS = new RayPort('autoscaler-metrics', 44217, undefined, PortProtocol.TCP, PortTarget.HEAD);
  /** Dashboard metrics (44227), on the head. */
  public static readonly DASHBOARD_METRICS = new RayPort('dashboard-metrics', 44227, undefined, PortProtocol.TCP, PortTarget.HEAD);

  /** Any TCP port on the given pods (egress: the remote port). */
  public static tcp(port: number, target: PortTarget = PortTarget.ALL_PODS): RayPort {
    return new RayPort(`tcp-${port}`, checkPort(port), undefined, PortProtocol.TCP, target);
  }

  /** Any UDP port. */
  public static udp(port: number, target: PortTarget = PortTarget.ALL_PODS): RayPort {
    return new RayPort(`udp-${port}`, checkPort(port), undefined, PortProtocol.UDP, target);
  }

  /** A TCP port range, inclusive. */
  public static tcpRange(from: number, to: number, target: PortTarget = PortTarget.ALL_PODS): RayPort {
    if (checkPort(to) < checkPort(from)) throw new PropsError(`RayPort.tcpRange: ${to} is below ${from}`);
    return new RayPort(`tcp-${from}-${to}`, from, to, PortProtocol.TCP, target);
  }

  private constructor(
    /** A name for docs and reports. */
    public readonly name: string,
    /** The port (or first port of the range). */
    public readonly port: number,
    /** The last port of a range. */
    public readonly endPort: number | undefined,
    /** The protocol. */
    public readonly protocol: PortProtocol,
    /** Where in the cluster it listens (for ingress). */
    public readonly target: PortTarget) {}

  /** @internal the NetworkPolicy port */
  public _render(): { protocol: string; port: number; endPort?: number } {
    return { protocol: this.protocol, port: this.port, ...(this.endPort !== undefined ? { endPort: this.endPort } : {}) };
  }
}

function checkPort(port: number): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PropsError(`RayPort: ${JSON.stringify(port)} is not a port number 1-65535`);
  }
  return port;
}
