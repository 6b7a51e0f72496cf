/**
 * The reachability matrix, computed between shapes (see `shapes.ts`) and expanded to peers or
 * summarised by shape only for output. Memory stays in O(peers + shapes × probes × a bounded
 * number of rows); time in O(shapes² × probes) plus whatever the caller expands.
 *
 * @module
 */
import { connectionVerdict, directionOutcome, MAYBE, NO, Outcome } from './judge';
import { compilePolicies, PolicySet } from './policies';
import { Shapes, shapesOf } from './shapes';
import { NamespaceInfo, NetworkPolicyJson, normalizeProbe, Peer, peerId, Probe, Verdict } from './types';


/** The reachability of every pair of peers, by shape. */
export interface ReachModel {
  /** The peers, in input order. */
  readonly peers: readonly Peer[];
  /** The probes with their labels and protocols filled in. */
  readonly probes: readonly Required<Probe>[];
  /** The compiled policies. */
  readonly policySet: PolicySet;
  /** The peers grouped by shape. */
  readonly shapes: Shapes;
  /** The outcome of each probe from a member of shape `from` to a member of shape `to` (do not keep or modify the array). */
  outcomes(from: number, to: number): Uint8Array;
  /** The full verdict of one probe between shapes. */
  verdict(from: number, to: number, probe: number): Verdict;
}

/** The number of outcomes the model keeps computed (rows of shapes × probes), and the size of each direction's table. */
const CACHED_OUTCOMES = 16 * 1024 * 1024;

/** Numbers the distinct keys: the class of each item, and a representative item of each class. */
function classify(keys: readonly string[]): { of: Int32Array; rep: number[] } {
  const index = new Map<string, number>();
  const of = new Int32Array(keys.length);
  const rep: number[] = [];
  keys.forEach((key, i) => {
    let c = index.get(key);
    if (c === undefined) {
      c = rep.length;
      index.set(key, c);
      rep.push(i);
    }
    of[i] = c;
  });
  return { of, rep };
}

/**
 * One direction's outcomes, as a function of two classes of shapes: for egress, the source's
 * egress side (host network, the policies selecting it for egress) and the destination as a peer
 * and as the owner of named ports; for ingress, the destination's ingress side (host network, the
 * policies selecting it for ingress, its named ports) and the source as a peer. Shapes that differ
 * only in what the other direction reads share a class, so a table of classes is usually far
 * smaller than the shapes squared. Computed on demand; kept when it fits in the cache.
 */
function directionTable(
  classesA: { of: Int32Array; rep: number[] }, classesB: { of: Int32Array; rep: number[] }, k: number,
  compute: (a: number, b: number, probe: number) => Outcome,
): (shapeA: number, shapeB: number, probe: number) => Outcome {
  const nb = classesB.rep.length;
  const size = classesA.rep.length * nb * k;
  if (size > CACHED_OUTCOMES) return (a, b, p) => compute(classesA.rep[classesA.of[a]], classesB.rep[classesB.of[b]], p);
  const table = new Uint8Array(size).fill(255);
  return (a, b, p) => {
    const i = (classesA.of[a] * nb + classesB.of[b]) * k + p;
    let o = table[i];
    if (o === 255) {
      o = compute(classesA.rep[classesA.of[a]], classesB.rep[classesB.of[b]], p);
      table[i] = o;
    }
    return o as Outcome;
  };
}

/**
 * Builds the model: compiles the policies (see `policies.ts`; invalid, duplicate and other APIs'
 * policies are dropped — `policySet.problems` says which), groups the peers by shape, and computes
 * outcomes one source shape at a time on demand, each as the lesser of two table lookups (the
 * source's egress, the destination's ingress).
 */
export function reachModel(
  policies: readonly NetworkPolicyJson[],
  namespaces: readonly NamespaceInfo[],
  peers: readonly Peer[],
  probes: readonly Probe[],
): ReachModel {
  const full = probes.map(normalizeProbe);
  const policySet = compilePolicies(policies);
  const shapes = shapesOf(policySet, namespaces, peers);
  const { facts } = shapes;
  const n = facts.length;
  const k = full.length;
  const ports = facts.map((f) => f.ports.map((p) => `${p.name}/${p.protocol}/${p.containerPort}`).join(','));
  const asPeer = facts.map((f) => `${f.external ? 1 : 0}|${f.hostNetwork ? 1 : 0}|${f.ipKnown ? 1 : 0}|${[...f.entries].join(',')}|${[...f.ipBlocks].join(',')}`);
  const egressSide = classify(facts.map((f) => `${f.external ? 1 : 0}|${f.hostNetwork ? 1 : 0}|${f.selectedEgress.join(',')}`));
  const ingressSide = classify(facts.map((f, i) => `${f.external ? 1 : 0}|${f.hostNetwork ? 1 : 0}|${f.selectedIngress.join(',')}|${ports[i]}`));
  const peerSide = classify(asPeer);
  const destSide = classify(asPeer.map((key, i) => `${key}|${ports[i]}`));
  const egress = directionTable(egressSide, destSide, k,
    (a, b, p) => directionOutcome(policySet, 'egress', facts[a], facts[b], full[p].port, full[p].protocol));
  const ingress = directionTable(ingressSide, peerSide, k,
    (a, b, p) => directionOutcome(policySet, 'ingress', facts[a], facts[b], full[p].port, full[p].protocol));

  const rows = new Map<number, Uint8Array>();
  const maxRows = Math.max(1, Math.floor(CACHED_OUTCOMES / Math.max(1, n * k)));
  const row = (from: number): Uint8Array => {
    let r = rows.get(from);
    if (r) return r;
    r = new Uint8Array(n * k);
    for (let to = 0; to < n; to++) {
      for (let p = 0; p < k; p++) {
        const e = egress(from, to, p);
        if (e === NO) continue; // the array starts at NO
        const i = ingress(to, from, p);
        r[to * k + p] = e < i ? e : i;
      }
    }
    if (rows.size >= maxRows) rows.delete(rows.keys().next().value as number);
    rows.set(from, r);
    return r;
  };
  return {
    peers,
    probes: full,
    policySet,
    shapes,
    outcomes: (from, to) => row(from).subarray(to * k, to * k + k),
    verdict: (from, to, p) => connectionVerdict(policySet, facts[from], facts[to], full[p].port, full[p].protocol),
  };
}

/** The number of ordered pairs of distinct peers between two shapes. */
export function pairCount(shapes: Shapes, from: number, to: number): number {
  const a = shapes.members[from].length;
  return from === to ? a * (a - 1) : a * shapes.members[to].length;
}

/** A pair of shapes where some probe may be allowed (see {@link listedShapePairs}). */
export interface ShapePair {
  /** The source shape. */
  readonly from: number;
  /** The destination shape. */
  readonly to: number;
  /** The ordered pairs of distinct peers it stands for. */
  readonly pairs: number;
  /** One outcome per probe (the model's array: read it before the next step). */
  readonly outcomes: Uint8Array;
}

/** The matrix by shape, counted: which pairs of shapes are listed and which are not. */
export interface ShapeSummary {
  /** Pairs of shapes (standing for at least one pair of peers) with at least one probe allowed, or allowed by some network plugins. */
  readonly listedShapePairs: number;
  /** The pairs of peers those stand for. */
  readonly listedPeerPairs: number;
  /** Pairs of shapes (standing for at least one pair of peers) where every probe is denied. */
  readonly deniedShapePairs: number;
  /** The pairs of peers those stand for. */
  readonly deniedPeerPairs: number;
  /** True when some listed outcome depends on the network plugin. */
  readonly anyDepends: boolean;
}

/**
 * Every ordered pair of shapes that stands for at least one pair of distinct peers and where some
 * probe may be allowed, source-major. Nothing is kept: memory stays bounded however many there are.
 */
export function* listedShapePairs(model: ReachModel): Generator<ShapePair> {
  const n = model.shapes.facts.length;
  for (let from = 0; from < n; from++) {
    for (let to = 0; to < n; to++) {
      const pairs = pairCount(model.shapes, from, to);
      if (pairs === 0) continue;
      const outcomes = model.outcomes(from, to);
      if (outcomes.some((x) => x !== NO)) yield { from, to, pairs, outcomes };
    }
  }
}

/** Counts the pairs of shapes {@link listedShapePairs} lists and those it leaves out. */
export function shapeSummary(model: ReachModel): ShapeSummary {
  const n = model.shapes.facts.length;
  let listedShapes = 0;
  let listedPeerPairs = 0;
  let deniedShapePairs = 0;
  let deniedPeerPairs = 0;
  let anyDepends = false;
  for (let from = 0; from < n; from++) {
    for (let to = 0; to < n; to++) {
      const pairs = pairCount(model.shapes, from, to);
      if (pairs === 0) continue;
      const o = model.outcomes(from, to);
      if (o.every((x) => x === NO)) {
        deniedShapePairs++;
        deniedPeerPairs += pairs;
      } else {
        listedShapes++;
        listedPeerPairs += pairs;
        if (o.includes(MAYBE)) anyDepends = true;
      }
    }
  }
  return { listedShapePairs: listedShapes, listedPeerPairs, deniedShapePairs, deniedPeerPairs, anyDepends };
}

/** True when some pair of distinct peers has an outcome that depends on the network plugin. */
export function anyDependsBetweenPeers(model: ReachModel): boolean {
  const n = model.shapes.facts.length;
  for (let from = 0; from < n; from++) {
    for (let to = 0; to < n; to++) {
      if (pairCount(model.shapes, from, to) > 0 && model.outcomes(from, to).some((x) => x === MAYBE)) return true;
    }
  }
  return false;
}

/**
 * Every ordered pair of distinct peers, source-major in peer order, with its outcomes (the array
 * is the model's: read it before the next step).
 */
export function* peerPairs(model: ReachModel): Generator<{ from: number; to: number; outcomes: Uint8Array }> {
  const { shapeOf } = model.shapes;
  for (let from = 0; from < model.peers.length; from++) {
    for (let to = 0; to < model.peers.length; to++) {
      if (to !== from) yield { from, to, outcomes: model.outcomes(shapeOf[from], shapeOf[to]) };
    }
  }
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
    /** True when the connection may be allowed (`verdict.allowed`). */
    readonly allowed: boolean;
    /** The full verdict. */
    readonly verdict: Verdict;
  }[];
  /** The labels of the probes that may be allowed. */
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

/**
 * Probes every ordered pair of distinct peers on every probe, with full verdicts: O(peers²) in
 * size, for small inputs (`reachModel` is the scalable form). Verdicts are computed once per pair
 * of shapes and shared.
 */
export function reachabilityMatrix(
  policies: readonly NetworkPolicyJson[],
  namespaces: readonly NamespaceInfo[],
  peers: readonly Peer[],
  probes: readonly Probe[],
): ReachabilityMatrix {
  const model = reachModel(policies, namespaces, peers, probes);
  const { shapeOf } = model.shapes;
  const cache = new Map<string, MatrixCell['results']>();
  const results = (a: number, b: number): MatrixCell['results'] => {
    const key = `${a} ${b}`;
    let r = cache.get(key);
    if (!r) {
      r = model.probes.map((p, i) => {
        const verdict = model.verdict(a, b, i);
        return { probe: p.label, allowed: verdict.allowed, verdict };
      });
      cache.set(key, r);
    }
    return r;
  };
  const ids = peers.map(peerId);
  const rows = peers.map((_, from) => ({
    from: ids[from],
    cells: peers.flatMap((__, to): MatrixCell[] => {
      if (to === from) return [];
      const r = results(shapeOf[from], shapeOf[to]);
      return [{ from: ids[from], to: ids[to], results: r, allowed: r.filter((x) => x.allowed).map((x) => x.probe) }];
    }),
  }));
  return { peers: ids, probes: model.probes, rows };
}
