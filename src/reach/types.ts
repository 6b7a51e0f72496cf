/**
 * The vocabulary of `reach`: peers (pods and external endpoints), namespaces, probes and verdicts.
 * Pure data and two helpers; the semantics live in `policies.ts` (what a NetworkPolicy says),
 * `shapes.ts` (which peers every policy treats alike) and `judge.ts` (one direction of one
 * connection).
 *
 * @module
 */

/** A transport protocol a NetworkPolicy can name. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** A named container port of a pod (what a policy's named `port` resolves against). */
export interface NamedPort {
  /** The port's name; only a named port matches a named policy port. */
  readonly name?: string;
  /** The port number. */
  readonly containerPort: number;
  /** @default 'TCP' */
  readonly protocol?: string;
}

/** A pod in the cluster. */
export interface PodPeer {
  /** The pod's name. */
  readonly name: string;
  /** The pod's namespace. */
  readonly namespace: string;
  /** The pod's labels (what policies' `podSelector`s match). */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Its address; without one, no `ipBlock` matches it (a `hostNetwork` pod without one has its
   * node's address, unknown: whether an `ipBlock` matches it is then undecided).
   */
  readonly ip?: string;
  /** Its containers' ports (only named ones matter, for named policy ports). */
  readonly ports?: readonly NamedPort[];
  /**
   * `spec.hostNetwork: true`: the pod uses its node's network namespace and address. Kubernetes
   * leaves NetworkPolicy undefined for such pods; `reach` never reports one as isolated.
   * @default false
   */
  readonly hostNetwork?: boolean;
}

/** An endpoint outside the cluster (no namespace, no labels, no policies). */
export interface ExternalPeer {
  /** Its display name (its peer id). */
  readonly name: string;
  /** Its address (what policies' `ipBlock`s match). */
  readonly ip: string;
}

/** Either side of a connection. */
export type Peer = PodPeer | ExternalPeer;

/** A namespace and its labels (`kubernetes.io/metadata.name` is added when missing). */
export interface NamespaceInfo {
  /** The namespace's name. */
  readonly name: string;
  /** Its labels (what policies' `namespaceSelector`s match). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A NetworkPolicy as JSON (`{ metadata: { name, namespace }, spec: {...} }`); unknown fields are ignored. */
export type NetworkPolicyJson = Record<string, unknown>;

/** What one direction decided. */
export interface DirectionVerdict {
  /**
   * True when this direction may let the traffic through: allowed, or allowed by some network
   * plugins (`depends` then says why). False only when every conformant plugin refuses it.
   */
  readonly allowed: boolean;
  /**
   * The policies (`namespace/name`) with a rule that allows (or may allow) the traffic; empty when
   * denied; or a sentence when the direction is not judged (`'no policy selects the source'`,
   * `'no policy selects the destination'`, `'the source is outside the cluster'`,
   * `'the destination is outside the cluster'`).
   */
  readonly by: readonly string[] | string;
  /** The policies (`namespace/name`) that select the pod for this direction. */
  readonly selectedBy: readonly string[];
  /**
   * Present when the verdict depends on how the network plugin treats `hostNetwork` pods, which
   * Kubernetes leaves undefined: why. `allowed` is then true (the traffic may pass).
   */
  readonly depends?: string;
}

/** The verdict on one connection. */
export interface Verdict {
  /** `egress.allowed && ingress.allowed`: true when the connection may be allowed. */
  readonly allowed: boolean;
  /** The source's egress. */
  readonly egress: DirectionVerdict;
  /** The destination's ingress. */
  readonly ingress: DirectionVerdict;
  /**
   * Present when the connection may be allowed and a direction's verdict depends on the network
   * plugin (`hostNetwork` pods): the reasons.
   */
  readonly depends?: readonly string[];
}

/** One port to try between every pair of peers. */
export interface Probe {
  /** The destination port. */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: Protocol;
  /** A short name for reports, e.g. `gcs`. @default `<port>/<protocol>` */
  readonly label?: string;
}

/** True when the peer is a pod (it has a namespace). */
export function isPod(peer: Peer): peer is PodPeer {
  return typeof (peer as PodPeer).namespace === 'string';
}

/** A peer's display id: `namespace/name` for a pod, the name for an external endpoint. */
export function peerId(peer: Peer): string {
  return isPod(peer) ? `${peer.namespace}/${peer.name}` : peer.name;
}

/** Fills in a probe's protocol and label. */
export function normalizeProbe(p: Probe): Required<Probe> {
  const protocol = (p.protocol ?? 'TCP').toUpperCase() as Protocol;
  return { port: p.port, protocol, label: p.label ?? `${p.port}/${protocol}` };
}
