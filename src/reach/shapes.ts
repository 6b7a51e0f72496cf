/**
 * Pod shapes: the equivalence classes of peers that every policy treats alike. Two peers have the
 * same shape when they give the same answer to every question a verdict asks of them:
 *
 * - which policies select them (same namespace, `spec.podSelector` matches their labels);
 * - which rule peers (`podSelector`/`namespaceSelector` entries, deduplicated across policies)
 *   match them — which is where their namespace's labels and their own labels come in;
 * - which `ipBlock` entries contain their address, and whether the address is known;
 * - their named ports that some rule names (named ports resolve on the destination);
 * - whether they are on the host network, and whether they are external endpoints.
 *
 * Every verdict is then a function of the two shapes, so the matrix is computed once per pair of
 * shapes and expanded (or summarised) only for output: the cost grows with the number of shapes,
 * not with the number of pod pairs. Pods of one RayCluster group, or of one Deployment, share a
 * shape unless a policy tells them apart.
 *
 * @module
 */
import { PeerEntry, PolicySet } from './policies';
import { isPod, NamedPort, NamespaceInfo, Peer } from './types';
import { cidrContains, IpBytes, parseIp } from '../kubernetes/cidr';

/** What a verdict reads of a peer; equal for every member of a shape. */
export interface ShapeFacts {
  /** An endpoint outside the cluster. */
  readonly external: boolean;
  /** A pod on the host network. */
  readonly hostNetwork: boolean;
  /** Its address is known (external endpoints always; pods with an `ip`). */
  readonly ipKnown: boolean;
  /** Indices of the policies that select it and govern ingress. */
  readonly selectedIngress: readonly number[];
  /** Indices of the policies that select it and govern egress. */
  readonly selectedEgress: readonly number[];
  /** Indices of the `pods` peer entries that match it. */
  readonly entries: ReadonlySet<number>;
  /** Indices of the `ipBlock` peer entries that contain its address. */
  readonly ipBlocks: ReadonlySet<number>;
  /** Its named ports that some rule names (protocol upper-cased). */
  readonly ports: readonly NamedPort[];
}

/** The peers grouped by shape. */
export interface Shapes {
  /** Per shape: what the verdicts read. */
  readonly facts: readonly ShapeFacts[];
  /** Per shape: its members (peer indices, ascending). Shapes are ordered by their first member. */
  readonly members: readonly (readonly number[])[];
  /** Per peer: its shape. */
  readonly shapeOf: Int32Array;
}

function blockMatches(entry: PeerEntry, ip: IpBytes): boolean {
  if (entry.kind !== 'ipBlock' || !cidrContains(entry.cidr, ip)) return false;
  return !entry.except.some((e) => cidrContains(e, ip));
}

/** Groups the peers by shape under a compiled policy set. */
export function shapesOf(set: PolicySet, namespaces: readonly NamespaceInfo[], peers: readonly Peer[]): Shapes {
  const nsLabelsOf = new Map<string, Record<string, string>>();
  for (const n of namespaces) nsLabelsOf.set(n.name, { ...(n.labels ?? {}), 'kubernetes.io/metadata.name': n.name });
  const labelKeys = [...set.podLabelKeys].sort();
  const ipBlockEntries: number[] = [];
  set.entries.forEach((e, i) => { if (e.kind === 'ipBlock') ipBlockEntries.push(i); });

  // Per namespace: the policies in it, and the `pods` entries that can match its pods.
  const perNamespace = new Map<string, { policies: number[]; entries: number[] }>();
  const namespaceView = (ns: string) => {
    let v = perNamespace.get(ns);
    if (!v) {
      const labels = nsLabelsOf.get(ns) ?? { 'kubernetes.io/metadata.name': ns };
      const policies: number[] = [];
      set.policies.forEach((p, i) => { if (p.namespace === ns) policies.push(i); });
      const entries: number[] = [];
      set.entries.forEach((e, i) => {
        if (e.kind !== 'pods') return;
        if (e.namespaceSelector ? e.namespaceSelector.matches(labels) : e.namespace === ns) entries.push(i);
      });
      v = { policies, entries };
      perNamespace.set(ns, v);
    }
    return v;
  };

  // What the labels decide, cached by namespace and the labels that some selector reads.
  const byLabels = new Map<string, { selectedIngress: number[]; selectedEgress: number[]; entries: number[] }>();
  const labelFacts = (ns: string, labels: Readonly<Record<string, string>>) => {
    let key = ns;
    for (const k of labelKeys) {
      if (Object.prototype.hasOwnProperty.call(labels, k)) key += `\u0000${k}\u0001${labels[k]}`;
    }
    let f = byLabels.get(key);
    if (!f) {
      const view = namespaceView(ns);
      const selectedIngress: number[] = [];
      const selectedEgress: number[] = [];
      for (const i of view.policies) {
        const p = set.policies[i];
        if (!p.podSelector.matches(labels)) continue;
        if (p.ingress) selectedIngress.push(i);
        if (p.egress) selectedEgress.push(i);
      }
      const entries = view.entries.filter((i) => {
        const e = set.entries[i];
        return e.kind === 'pods' && (e.podSelector === undefined || e.podSelector.matches(labels));
      });
      f = { selectedIngress, selectedEgress, entries };
      byLabels.set(key, f);
    }
    return f;
  };

  const index = new Map<string, number>();
  const facts: ShapeFacts[] = [];
  const members: number[][] = [];
  const shapeOf = new Int32Array(peers.length);
  const none: readonly number[] = [];
  peers.forEach((peer, pi) => {
    const bytes = typeof peer.ip === 'string' ? parseIp(peer.ip) : undefined;
    const ipBlocks = bytes ? ipBlockEntries.filter((i) => blockMatches(set.entries[i], bytes)) : none;
    let signature: string;
    let make: () => ShapeFacts;
    if (!isPod(peer)) {
      signature = `x|${ipBlocks.join(',')}`;
      make = () => ({
        external: true,
        hostNetwork: false,
        ipKnown: true,
        selectedIngress: none,
        selectedEgress: none,
        entries: new Set(),
        ipBlocks: new Set(ipBlocks),
        ports: [],
      });
    } else {
      const hostNetwork = peer.hostNetwork === true;
      const ipKnown = bytes !== undefined;
      const lf = labelFacts(peer.namespace, peer.labels ?? {});
      const ports = (peer.ports ?? [])
        .filter((p) => p.name !== undefined && set.portNames.has(p.name))
        .map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: (p.protocol ?? 'TCP').toUpperCase() }))
        .sort((a, b) => `${a.name}/${a.protocol}/${a.containerPort}` < `${b.name}/${b.protocol}/${b.containerPort}` ? -1 : 1);
      signature = [
        'p', hostNetwork ? 1 : 0, ipKnown ? 1 : 0, lf.selectedIngress.join(','), lf.selectedEgress.join(','), lf.entries.join(','),
        ipBlocks.join(','), ports.map((p) => `${p.name}/${p.protocol}/${p.containerPort}`).join(','),
      ].join('|');
      make = () => ({
        external: false,
        hostNetwork,
        ipKnown,
        selectedIngress: lf.selectedIngress,
        selectedEgress: lf.selectedEgress,
        entries: new Set(lf.entries),
        ipBlocks: new Set(ipBlocks),
        ports,
      });
    }
    let s = index.get(signature);
    if (s === undefined) {
      s = facts.length;
      index.set(signature, s);
      facts.push(make());
      members.push([]);
    }
    members[s].push(pi);
    shapeOf[pi] = s;
  });
  return { facts, members, shapeOf };
}
