import { RAY_PORTS } from '../kuberay/constants';
import { PolicyPort } from '../policy/pinned-ports';
import { PropsError, requirePort } from '../validation';

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

const RAY_PORT = Symbol.for('cdk8s-secure-ray.RayPort');

/**
 * A port (or port range) of a Ray cluster, with where it listens. The well-known ones keep their
 * real names: 6379 is Ray's GCS (not Redis), 10001 is the Ray Client server (not the workers).
 */
export class RayPort {
  /** GCS server, on the head (6379). Clients outside the cluster never need it. */
  public static readonly GCS = new RayPort('gcs', RAY_PORTS.gcs, undefined, PortProtocol.TCP, PortTarget.HEAD);
  /** Dashboard and Jobs API, on the head (8265): `ray job submit`, RayJob submitters. */
  public static readonly DASHBOARD = new RayPort('dashboard', RAY_PORTS.dashboard, undefined, PortProtocol.TCP, PortTarget.HEAD);
  /** Ray Client server, on the head (10001): `ray.init("ray://...")`. */
  public static readonly CLIENT = new RayPort('client', RAY_PORTS.client, undefined, PortProtocol.TCP, PortTarget.HEAD);
  /** Ray Serve HTTP proxy (8000), on every pod. */
  public static readonly SERVE = new RayPort('serve', RAY_PORTS.serve, undefined, PortProtocol.TCP, PortTarget.ALL_PODS);
  /** Prometheus metrics export (8080; KubeRay pins it), on every pod. */
  public static readonly METRICS = new RayPort('metrics', RAY_PORTS.metrics, undefined, PortProtocol.TCP, PortTarget.ALL_PODS);
  /** Autoscaler metrics (44217), on the head. */
  public static readonly AUTOSCALER_METRICS = new RayPort('autoscaler-metrics', 44217, undefined, PortProtocol.TCP, PortTarget.HEAD);
  /** The widest range {@link RayPort.tcpRange} accepts: the size of Ray's default worker-port range (10002-19999). */
  public static readonly MAX_RANGE = 10000;

  /** Dashboard metrics (44227), on the head. */
  public static readonly DASHBOARD_METRICS = new RayPort('dashboard-metrics', 44227, undefined, PortProtocol.TCP, PortTarget.HEAD);

  /**
   * True when `x` is a RayPort, from this copy of the library or another one (an app may resolve
   * two copies; `instanceof` would then say no).
   */
  public static isRayPort(x: unknown): x is RayPort {
    return typeof x === 'object' && x !== null && RAY_PORT in x;
  }

  /** Any TCP port on the given pods (egress: the remote port). */
  public static tcp(port: number, target: PortTarget = PortTarget.ALL_PODS): RayPort {
    return new RayPort(`tcp-${port}`, checkPort(port), undefined, PortProtocol.TCP, checkTarget(target));
  }

  /** Any UDP port. */
  public static udp(port: number, target: PortTarget = PortTarget.ALL_PODS): RayPort {
    return new RayPort(`udp-${port}`, checkPort(port), undefined, PortProtocol.UDP, checkTarget(target));
  }

  /**
   * A TCP port range, inclusive, of at most {@link RayPort.MAX_RANGE} ports: there is no "all ports".
   */
  public static tcpRange(from: number, to: number, target: PortTarget = PortTarget.ALL_PODS): RayPort {
    if (checkPort(to) < checkPort(from)) throw new PropsError(`RayPort.tcpRange: ${to} is below ${from}`);
    if (to - from + 1 > RayPort.MAX_RANGE) {
      throw new PropsError(`RayPort.tcpRange: ${from}-${to} spans ${to - from + 1} ports, more than ${RayPort.MAX_RANGE}: there is no "all ports"; name the ports the peer needs`);
    }
    return new RayPort(`tcp-${from}-${to}`, from, to, PortProtocol.TCP, checkTarget(target));
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
    public readonly target: PortTarget) {
    Object.defineProperty(this, RAY_PORT, { value: true });
  }

  /** @internal the NetworkPolicy port */
  public _render(): PolicyPort {
    return { protocol: this.protocol, port: this.port, ...(this.endPort !== undefined ? { endPort: this.endPort } : {}) };
  }
}

function checkPort(port: number): number {
  return requirePort('RayPort', port);
}

function checkTarget(target: PortTarget): PortTarget {
  if (!(Object.values(PortTarget) as unknown[]).includes(target)) {
    throw new PropsError(`RayPort: target ${JSON.stringify(target)} is not one of ${Object.values(PortTarget).join(', ')}`);
  }
  return target;
}
