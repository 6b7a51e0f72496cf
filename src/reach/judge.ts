/**
 * One direction of one connection under Kubernetes NetworkPolicy semantics, on shapes: the
 * source's egress (judged against the destination) or the destination's ingress (judged against
 * the source). Three outcomes: allowed, denied, or allowed by some network plugins only.
 *
 * - A peer selected by no policy for a direction is open in that direction; one selected by at
 *   least one is closed except for what the union of the selecting policies' rules allows.
 * - A rule allows when its `ports` match (numbers, `endPort` ranges, or names resolved on the
 *   DESTINATION pod's container ports; `protocol` defaults to TCP; absent or empty = every port)
 *   and one of its peers matches (absent or empty `from`/`to` = every peer).
 * - Rule peers: `podSelector` alone = those pods of the policy's namespace; `namespaceSelector`
 *   alone = every pod of the matching namespaces; both = those pods in those namespaces; `ipBlock` =
 *   addresses in `cidr` and in no `except`.
 * - External endpoints have no policies: only the in-cluster side of their traffic is judged.
 * - `hostNetwork` pods: Kubernetes leaves NetworkPolicy undefined for them, between two
 *   possibilities — the plugin applies policies to them like to other pods, or (most common) it
 *   ignores them when matching selectors and treats their traffic as their node's (an `ipBlock`
 *   with the node's address matches them; a pod cannot block traffic from its own node). The verdict
 *   is "denied" only when both possibilities deny; "allowed" when both allow; otherwise allowed by
 *   some plugins only, with the reason. So a `hostNetwork` pod is never reported as isolated.
 *
 * @module
 */
import { CompiledRule, PolicySet } from './policies';
import { ShapeFacts } from './shapes';
import { DirectionVerdict, Verdict } from './types';

/** Denied by every network plugin. */
export const NO = 0;
/** Allowed by some network plugins only (`hostNetwork` pods). */
export const MAYBE = 1;
/** Allowed. */
export const YES = 2;
/** A three-valued outcome: {@link NO}, {@link MAYBE} or {@link YES}. */
export type Outcome = 0 | 1 | 2;

/** Why a direction is {@link MAYBE}. */
export const DEPENDS = {
  hostNetworkSubject: 'hostNetwork pod: Kubernetes leaves NetworkPolicy undefined for it and most network plugins do not isolate it',
  fromHostNetwork: 'from a hostNetwork pod: most network plugins see its node\'s address, and a pod cannot block traffic from its own node',
  hostNetworkPeer: 'the rule matches the hostNetwork peer only if the network plugin applies selectors to hostNetwork pods, or if its node\'s address (unknown here) is in the ipBlock',
} as const;

/** The direction being judged. */
export type Direction = 'ingress' | 'egress';

function portsMatch(rule: CompiledRule, port: number, protocol: string, dest: ShapeFacts): boolean {
  if (rule.ports === undefined) return true;
  for (const p of rule.ports) {
    if (p.protocol !== protocol) continue;
    if (p.name !== undefined) {
      if (dest.ports.some((cp) => cp.name === p.name && cp.protocol === protocol && cp.containerPort === port)) return true;
    } else if (p.port === undefined || (port >= p.port && port <= (p.endPort ?? p.port))) {
      return true;
    }
  }
  return false;
}

function peerOutcome(set: PolicySet, entry: number, other: ShapeFacts): Outcome {
  const e = set.entries[entry];
  if (e.kind === 'ipBlock') {
    if (other.ipKnown) return other.ipBlocks.has(entry) ? YES : NO;
    return other.hostNetwork ? MAYBE : NO;
  }
  if (other.external || !other.entries.has(entry)) return NO;
  return other.hostNetwork ? MAYBE : YES;
}

function ruleOutcome(set: PolicySet, rule: CompiledRule, other: ShapeFacts, dest: ShapeFacts, port: number, protocol: string): Outcome {
  if (!portsMatch(rule, port, protocol, dest)) return NO;
  if (rule.peers === undefined) return YES;
  let best: Outcome = NO;
  for (const i of rule.peers) {
    const o = peerOutcome(set, i, other);
    if (o === YES) return YES;
    if (o > best) best = o;
  }
  return best;
}

function policyOutcome(set: PolicySet, policy: number, dir: Direction, other: ShapeFacts, dest: ShapeFacts, port: number, protocol: string): Outcome {
  let best: Outcome = NO;
  for (const rule of set.policies[policy][dir] ?? []) {
    const o = ruleOutcome(set, rule, other, dest, port, protocol);
    if (o === YES) return YES;
    if (o > best) best = o;
  }
  return best;
}

/** The outcome for the subject's side, given what its selecting policies' rules allow. */
function adjust(best: Outcome, dir: Direction, subject: ShapeFacts, other: ShapeFacts): { outcome: Outcome; depends?: string } {
  if (best === YES) return { outcome: YES };
  if (subject.hostNetwork) return { outcome: MAYBE, depends: DEPENDS.hostNetworkSubject };
  if (dir === 'ingress' && other.hostNetwork) return { outcome: MAYBE, depends: DEPENDS.fromHostNetwork };
  return best === MAYBE ? { outcome: MAYBE, depends: DEPENDS.hostNetworkPeer } : { outcome: NO };
}

/**
 * The outcome of one direction: `subject`'s policies for `dir`, against `other`, for traffic to
 * `dest` (the destination: `other` for egress, `subject` for ingress) on `port`/`protocol`.
 */
export function directionOutcome(
  set: PolicySet, dir: Direction, subject: ShapeFacts, other: ShapeFacts, port: number, protocol: string,
): Outcome {
  if (subject.external) return YES;
  const selected = dir === 'ingress' ? subject.selectedIngress : subject.selectedEgress;
  if (selected.length === 0) return YES;
  const dest = dir === 'ingress' ? subject : other;
  let best: Outcome = NO;
  for (const p of selected) {
    const o = policyOutcome(set, p, dir, other, dest, port, protocol);
    if (o === YES) return YES;
    if (o > best) best = o;
  }
  return adjust(best, dir, subject, other).outcome;
}

/** The same as {@link directionOutcome}, explained: which policies select the subject and which allow. */
export function directionVerdict(
  set: PolicySet, dir: Direction, subject: ShapeFacts, other: ShapeFacts, port: number, protocol: string,
): DirectionVerdict {
  if (subject.external) {
    return { allowed: true, by: dir === 'egress' ? 'the source is outside the cluster' : 'the destination is outside the cluster', selectedBy: [] };
  }
  const selected = dir === 'ingress' ? subject.selectedIngress : subject.selectedEgress;
  if (selected.length === 0) {
    return { allowed: true, by: `no policy selects the ${dir === 'egress' ? 'source' : 'destination'}`, selectedBy: [] };
  }
  const dest = dir === 'ingress' ? subject : other;
  const by: string[] = [];
  let best: Outcome = NO;
  for (const p of selected) {
    const o = policyOutcome(set, p, dir, other, dest, port, protocol);
    if (o > NO) by.push(set.policies[p].id);
    if (o > best) best = o;
  }
  const { outcome, depends } = adjust(best, dir, subject, other);
  return { allowed: outcome > NO, by, selectedBy: selected.map((p) => set.policies[p].id), ...(depends !== undefined ? { depends } : {}) };
}

/** Both directions of a connection from `from` to `to`, combined: allowed only when both sides may allow it. */
export function connectionVerdict(set: PolicySet, from: ShapeFacts, to: ShapeFacts, port: number, protocol: string): Verdict {
  const egress = directionVerdict(set, 'egress', from, to, port, protocol);
  const ingress = directionVerdict(set, 'ingress', to, from, port, protocol);
  const allowed = egress.allowed && ingress.allowed;
  const depends = allowed ? [egress.depends, ingress.depends].filter((d): d is string => d !== undefined) : [];
  return { allowed, egress, ingress, ...(depends.length > 0 ? { depends } : {}) };
}
