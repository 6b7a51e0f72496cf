/**
 * Kubernetes NetworkPolicy semantics (`networking.k8s.io/v1`), as a pure function: may this peer
 * reach that peer on this port? No cdk8s, no IO; policies are plain JSON as written in manifests.
 *
 * Semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * - A policy selects the pods of its own namespace matched by `spec.podSelector` (`matchLabels` AND
 *   `matchExpressions` with `In`, `NotIn`, `Exists`, `DoesNotExist`; an empty selector selects
 *   every pod of the namespace).
 * - `policyTypes` says which directions a policy governs; when absent, `Ingress` always and
 *   `Egress` when the policy has at least one egress rule (the API server's default).
 * - A pod selected by no policy for a direction is open in that direction. A pod selected by at
 *   least one is closed except for what the union of the rules of every selecting policy allows.
 * - Rule peers: `podSelector` alone = those pods of the policy's namespace; `namespaceSelector`
 *   alone = every pod of the matching namespaces; both = those pods in those namespaces; `ipBlock`
 *   = addresses in `cidr` and not in any `except` (it only matches a peer that has an `ip`; a pod
 *   matches it only when it carries one). An absent or empty `from`/`to` matches every peer.
 * - Ports: `port` as a number (with `endPort`, the range `port..endPort`) or a name, resolved
 *   against the DESTINATION pod's container ports (for ingress and egress rules alike; a name
 *   never matches an external destination); `protocol` defaults to TCP; no `port` = every port of
 *   the protocol; an absent or empty `ports` = every port and protocol.
 * - Traffic passes when the source's egress AND the destination's ingress allow it. An external
 *   peer has no policies: only the in-cluster side is judged.
 *
 * Not modelled: Services (policies see pod addresses after translation), host-network pods, the
 * node's own traffic to its pods (kubelet probes are allowed by most CNIs), and CNI quirks (e.g.
 * Cilium ignores ipBlocks for in-cluster addresses).
 *
 * @module
 */
import { ipInBlock } from '../kubernetes/cidr';
import { isObject, JsonObject } from '../kubernetes/json';

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
  /** Its address; without one, no `ipBlock` matches it. */
  readonly ip?: string;
  /** Its containers' ports (only named ones matter, for named policy ports). */
  readonly ports?: readonly NamedPort[];
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
  /** True when this direction lets the traffic through. */
  readonly allowed: boolean;
  /**
   * The policies (`namespace/name`) with a rule that allows the traffic; empty when denied;
   * or a sentence when the direction is not judged (`'no policy selects the source'`,
   * `'no policy selects the destination'`, `'the source is outside the cluster'`,
   * `'the destination is outside the cluster'`).
   */
  readonly by: readonly string[] | string;
  /** The policies (`namespace/name`) that select the pod for this direction. */
  readonly selectedBy: readonly string[];
}

/** The verdict on one connection. */
export interface Verdict {
  /** `egress.allowed && ingress.allowed`. */
  readonly allowed: boolean;
  /** The source's egress. */
  readonly egress: DirectionVerdict;
  /** The destination's ingress. */
  readonly ingress: DirectionVerdict;
}

/** True when the peer is a pod (it has a namespace). */
export function isPod(peer: Peer): peer is PodPeer {
  return typeof (peer as PodPeer).namespace === 'string';
}

/** A peer's display id: `namespace/name` for a pod, the name for an external endpoint. */
export function peerId(peer: Peer): string {
  return isPod(peer) ? `${peer.namespace}/${peer.name}` : peer.name;
}

type Obj = JsonObject;


function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * True when the labels match a LabelSelector (`matchLabels` AND every `matchExpressions` entry).
 * An empty selector matches everything; an unknown operator matches nothing.
 */
export function matchesSelector(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(selector)) return false;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  if (isObject(selector.matchLabels)) {
    for (const [k, v] of Object.entries(selector.matchLabels)) {
      if (!has(k) || labels[k] !== String(v)) return false;
    }
  }
  if (Array.isArray(selector.matchExpressions)) {
    for (const e of selector.matchExpressions) {
      if (!isObject(e) || typeof e.key !== 'string') return false;
      const values = strings(e.values);
      const present = has(e.key);
      switch (e.operator) {
        case 'In': if (!present || !values.includes(labels[e.key])) return false; break;
        case 'NotIn': if (present && values.includes(labels[e.key])) return false; break;
        case 'Exists': if (!present) return false; break;
        case 'DoesNotExist': if (present) return false; break;
        default: return false;
      }
    }
  }
  return true;
}

function policyNamespace(p: NetworkPolicyJson): string {
  const md = isObject(p.metadata) ? p.metadata : {};
  return typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : 'default';
}

function policyName(p: NetworkPolicyJson): string {
  const md = isObject(p.metadata) ? p.metadata : {};
  return `${policyNamespace(p)}/${typeof md.name === 'string' ? md.name : '(unnamed)'}`;
}

function policySpec(p: NetworkPolicyJson): Obj {
  return isObject(p.spec) ? p.spec : {};
}

/** The directions a policy governs: its `policyTypes`, or the API server's default. */
export function policyTypes(p: NetworkPolicyJson): {
  /** True when the policy governs ingress. */
  ingress: boolean;
  /** True when the policy governs egress. */
  egress: boolean;
} {
  const spec = policySpec(p);
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) {
    return { ingress: spec.policyTypes.includes('Ingress'), egress: spec.policyTypes.includes('Egress') };
  }
  return { ingress: true, egress: Array.isArray(spec.egress) && spec.egress.length > 0 };
}

/** True when the policy selects the pod (same namespace, `spec.podSelector` matches; absent = all). */
export function selectsPod(p: NetworkPolicyJson, pod: PodPeer): boolean {
  if (policyNamespace(p) !== pod.namespace) return false;
  const sel = policySpec(p).podSelector;
  return sel === undefined || sel === null ? true : matchesSelector(sel, pod.labels);
}

/** Namespace labels by name; a namespace not listed has only `kubernetes.io/metadata.name`. */
function namespaceLabels(namespaces: readonly NamespaceInfo[], name: string): Record<string, string> {
  const ns = namespaces.find((n) => n.name === name);
  return { ...(ns?.labels ?? {}), 'kubernetes.io/metadata.name': name };
}

/** True when one NetworkPolicyPeer (`podSelector`/`namespaceSelector`/`ipBlock`) matches the peer. */
function peerMatches(entry: unknown, policyNs: string, peer: Peer, namespaces: readonly NamespaceInfo[]): boolean {
  if (!isObject(entry)) return false;
  if (isObject(entry.ipBlock)) {
    const ip = peer.ip;
    if (typeof ip !== 'string' || typeof entry.ipBlock.cidr !== 'string') return false;
    return ipInBlock(ip, entry.ipBlock.cidr, strings(entry.ipBlock.except));
  }
  const hasPod = isObject(entry.podSelector);
  const hasNs = isObject(entry.namespaceSelector);
  if (!hasPod && !hasNs) return false; // an empty peer is invalid
  if (!isPod(peer)) return false;
  if (hasNs) {
    if (!matchesSelector(entry.namespaceSelector, namespaceLabels(namespaces, peer.namespace))) return false;
  } else if (peer.namespace !== policyNs) {
    return false;
  }
  return hasPod ? matchesSelector(entry.podSelector, peer.labels) : true;
}

/** True when a rule's `ports` allow `port/protocol` to the destination. */
function portsMatch(ports: unknown, port: number, protocol: string, destination: Peer): boolean {
  if (!Array.isArray(ports) || ports.length === 0) return true;
  return ports.some((p) => {
    if (!isObject(p)) return false;
    const proto = typeof p.protocol === 'string' ? p.protocol.toUpperCase() : 'TCP';
    if (proto !== protocol) return false;
    if (p.port === undefined || p.port === null) return true;
    if (typeof p.port === 'number') {
      const end = typeof p.endPort === 'number' ? p.endPort : p.port;
      return port >= p.port && port <= end;
    }
    if (typeof p.port === 'string') {
      if (!isPod(destination)) return false;
      return (destination.ports ?? []).some((cp) => cp.name === p.port
        && (cp.protocol ?? 'TCP').toUpperCase() === protocol && cp.containerPort === port);
    }
    return false;
  });
}

function judge(
  direction: 'ingress' | 'egress',
  policies: readonly NetworkPolicyJson[],
  namespaces: readonly NamespaceInfo[],
  subject: Peer,
  other: Peer,
  destination: Peer,
  port: number,
  protocol: string,
): DirectionVerdict {
  if (!isPod(subject)) {
    const by = direction === 'egress' ? 'the source is outside the cluster' : 'the destination is outside the cluster';
    return { allowed: true, by, selectedBy: [] };
  }
  const selecting = policies.filter((p) => policyTypes(p)[direction] && selectsPod(p, subject));
  if (selecting.length === 0) {
    return { allowed: true, by: `no policy selects the ${direction === 'egress' ? 'source' : 'destination'}`, selectedBy: [] };
  }
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  const by: string[] = [];
  for (const p of selecting) {
    const rules = policySpec(p)[direction];
    if (!Array.isArray(rules)) continue;
    const ns = policyNamespace(p);
    const allows = rules.some((rule) => {
      if (!isObject(rule)) return false;
      const peers = rule[peersKey];
      const peerOk = !Array.isArray(peers) || peers.length === 0 || peers.some((e) => peerMatches(e, ns, other, namespaces));
      return peerOk && portsMatch(rule.ports, port, protocol, destination);
    });
    if (allows) by.push(policyName(p));
  }
  return { allowed: by.length > 0, by, selectedBy: selecting.map(policyName) };
}

/**
 * May `from` open a connection to `to` on `port`/`protocol`? Judges the source's egress and the
 * destination's ingress under `policies` (every NetworkPolicy of the cluster; other objects in the
 * list are ignored when their `kind` is set and is not `NetworkPolicy`).
 */
export function evaluate(
  policies: readonly NetworkPolicyJson[],
  namespaces: readonly NamespaceInfo[],
  from: Peer,
  to: Peer,
  port: number,
  protocol: Protocol | string = 'TCP',
): Verdict {
  const proto = protocol.toUpperCase();
  const nps = policies.filter((p) => isObject(p) && (p.kind === undefined || p.kind === 'NetworkPolicy'));
  const egress = judge('egress', nps, namespaces, from, to, to, port, proto);
  const ingress = judge('ingress', nps, namespaces, to, from, to, port, proto);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
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

/** The probes' results for one (source, destination) pair. */
export interface MatrixCell {
  /** The source's peer id. */
  readonly from: string;
  /** The destination's peer id. */
  readonly to: string;
  /** One per probe, in probe order. */
  readonly results: readonly {
    /** The probe's label. */
    readonly probe: string;
    /** True when the connection is allowed (`verdict.allowed`). */
    readonly allowed: boolean;
    /** The full verdict. */
    readonly verdict: Verdict;
  }[];
  /** The labels of the probes that are allowed. */
  readonly allowed: readonly string[];
}

/** Every pair of distinct peers, probed. */
export interface ReachabilityMatrix {
  /** Peer ids (`namespace/name` or the external name), in input order. */
  readonly peers: readonly string[];
  /** The probes with their labels and protocols filled in. */
  readonly probes: readonly Required<Probe>[];
  /** One row per source, one cell per other peer (a peer is not probed against itself). */
  readonly rows: readonly {
    /** The source's peer id. */
    readonly from: string;
    /** One cell per destination, in peer order. */
    readonly cells: readonly MatrixCell[];
  }[];
}

/** Fills in a probe's protocol and label. */
export function normalizeProbe(p: Probe): Required<Probe> {
  const protocol = (p.protocol ?? 'TCP').toUpperCase() as Protocol;
  return { port: p.port, protocol, label: p.label ?? `${p.port}/${protocol}` };
}

/** Probes every ordered pair of distinct peers on every probe. */
export function reachabilityMatrix(
  policies: readonly NetworkPolicyJson[],
  namespaces: readonly NamespaceInfo[],
  peers: readonly Peer[],
  probes: readonly Probe[],
): ReachabilityMatrix {
  const full = probes.map(normalizeProbe);
  const rows = peers.map((from) => ({
    from: peerId(from),
    cells: peers.filter((to) => to !== from).map((to): MatrixCell => {
      const results = full.map((p) => {
        const verdict = evaluate(policies, namespaces, from, to, p.port, p.protocol);
        return { probe: p.label, allowed: verdict.allowed, verdict };
      });
      return { from: peerId(from), to: peerId(to), results, allowed: results.filter((r) => r.allowed).map((r) => r.probe) };
    }),
  }));
  return { peers: peers.map(peerId), probes: full, rows };
}
