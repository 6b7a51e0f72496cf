/**
 * What the API server keeps of a set of NetworkPolicy objects, and those policies compiled for
 * evaluation.
 *
 * - Only `networking.k8s.io/v1` `NetworkPolicy` objects are Kubernetes NetworkPolicies. Calico's
 *   `projectcalico.org/v3` `NetworkPolicy`, Cilium's `CiliumNetworkPolicy`, AdminNetworkPolicy
 *   and the like are enforced (if at all) by their own controllers with their own semantics: they
 *   are not modelled, and each is reported.
 * - A policy the API server would refuse (`ValidateNetworkPolicy`: an empty peer, `ipBlock` beside a
 *   selector, an `except` that is not a strict subset of its `cidr`, a protocol other than `TCP`,
 *   `UDP` or `SCTP` as written, `endPort` below `port` or beside a named port, an invalid selector,
 *   a wrongly typed field, a missing name…) does not exist in the cluster: it is dropped, and
 *   reported.
 * - The API server keeps one object per namespace and name: of two policies with the same
 *   `namespace/name`, the later one in input order is kept (what `kubectl apply` of the whole set
 *   leaves), and the duplicate is reported.
 *
 * @module
 */
import { CompiledSelector, compileSelector, validateSelector } from './selector';
import { Protocol } from './types';
import { Cidr, cidrContains, parseCidr } from '../kubernetes/cidr';
import { isObject, JsonObject } from '../kubernetes/json';
import { isDns1123Label, isDns1123Subdomain, isIanaServiceName } from '../kubernetes/names';

/** The apiVersion of Kubernetes NetworkPolicies. */
export const NETWORK_POLICY_API_VERSION = 'networking.k8s.io/v1';

/** Something about a policy object that the model reports. */
export interface PolicyProblem {
  /**
   * `not-modelled`: another API's policy, ignored; `invalid`: the API server would refuse it, ignored;
   * `duplicate`: a later object with the same namespace/name replaces it.
   */
  readonly kind: 'not-modelled' | 'invalid' | 'duplicate';
  /** `Kind apiVersion namespace/name` of the object. */
  readonly object: string;
  /** What happened, in one sentence. */
  readonly message: string;
  /** The object's position in the list given (0-based). */
  readonly index: number;
}

type Obj = JsonObject;

function meta(doc: Obj): Obj {
  return isObject(doc.metadata) ? doc.metadata : {};
}

/** The namespace of a namespaced object (`default` when unset, as `kubectl apply` without `-n` would place it). */
export function objectNamespace(doc: Obj): string {
  const ns = meta(doc).namespace;
  return typeof ns === 'string' && ns !== '' ? ns : 'default';
}

/** `namespace/name` of a namespaced object (`(unnamed)` for a missing name). */
export function objectKey(doc: Obj): string {
  const name = meta(doc).name;
  return `${objectNamespace(doc)}/${typeof name === 'string' && name !== '' ? name : '(unnamed)'}`;
}

/** What a duplicate note says. */
export const DUPLICATE_MESSAGE = 'given more than once: the API server keeps one object per name, the last one given (as kubectl apply of the whole set leaves it); the earlier ones are ignored';

/** `Kind apiVersion namespace/name`, as notes name an object. */
export function describeObject(doc: Obj): string {
  const kind = typeof doc.kind === 'string' ? doc.kind : '(no kind)';
  const api = typeof doc.apiVersion === 'string' ? doc.apiVersion : '(no apiVersion)';
  return `${kind} ${api} ${objectKey(doc)}`;
}

/** True for a document that is a Kubernetes NetworkPolicy (`networking.k8s.io/v1`, kind `NetworkPolicy`). */
export function isKubernetesNetworkPolicy(doc: unknown): boolean {
  return isObject(doc) && doc.kind === 'NetworkPolicy' && doc.apiVersion === NETWORK_POLICY_API_VERSION;
}

/**
 * True for a document of another network-policy API (its kind ends in `NetworkPolicy`, or is
 * `NetworkPolicy` under another apiVersion): Calico, Cilium, Antrea, AdminNetworkPolicy…
 */
export function isOtherNetworkPolicy(doc: unknown): boolean {
  return isObject(doc) && typeof doc.kind === 'string' && /NetworkPolicy$/.test(doc.kind) && !isKubernetesNetworkPolicy(doc);
}

function isInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function list(v: unknown, path: string, out: string[]): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    out.push(`${path}: must be a list`);
    return [];
  }
  return v;
}

function validatePort(p: unknown, path: string, out: string[]): void {
  if (p === null) return; // a null item decodes to an empty port: every TCP port
  if (!isObject(p)) {
    out.push(`${path}: must be an object`);
    return;
  }
  if (p.protocol !== undefined && p.protocol !== null && p.protocol !== 'TCP' && p.protocol !== 'UDP' && p.protocol !== 'SCTP') {
    out.push(`${path}.protocol: ${JSON.stringify(p.protocol)} is not supported (TCP, UDP or SCTP, as written)`);
  }
  const hasEnd = p.endPort !== undefined && p.endPort !== null;
  if (hasEnd && !isInteger(p.endPort)) out.push(`${path}.endPort: must be an integer`);
  if (p.port === undefined || p.port === null) {
    if (hasEnd) out.push(`${path}.endPort: may not be specified when \`port\` is not specified`);
  } else if (typeof p.port === 'number') {
    if (!isInteger(p.port) || p.port < 1 || p.port > 65535) out.push(`${path}.port: ${p.port} must be between 1 and 65535, inclusive`);
    if (hasEnd && isInteger(p.endPort)) {
      if (p.endPort < p.port) out.push(`${path}.endPort: ${p.endPort} must be greater than or equal to \`port\``);
      if (p.endPort < 1 || p.endPort > 65535) out.push(`${path}.endPort: ${p.endPort} must be between 1 and 65535, inclusive`);
    }
  } else if (typeof p.port === 'string') {
    if (hasEnd) out.push(`${path}.endPort: may not be specified when \`port\` is non-numeric`);
    if (!isIanaServiceName(p.port)) out.push(`${path}.port: ${JSON.stringify(p.port)} is not a valid port name (an IANA service name: at most 15 lowercase letters, digits and '-', with a letter)`);
  } else {
    out.push(`${path}.port: must be a number or a port name`);
  }
}

function validateIpBlock(b: unknown, path: string, out: string[]): void {
  if (!isObject(b)) {
    out.push(`${path}: must be an object`);
    return;
  }
  if (typeof b.cidr !== 'string' || b.cidr === '') {
    out.push(`${path}.cidr: required`);
    return;
  }
  const cidr = parseCidr(b.cidr);
  if (!cidr) out.push(`${path}.cidr: ${JSON.stringify(b.cidr)} is not a valid CIDR`);
  list(b.except, `${path}.except`, out).forEach((e, i) => {
    const at = `${path}.except[${i}]`;
    const ex = typeof e === 'string' ? parseCidr(e) : undefined;
    if (!ex) {
      out.push(`${at}: ${JSON.stringify(e)} is not a valid CIDR`);
    } else if (cidr && (!cidrContains(cidr, ex.bytes) || ex.prefix <= cidr.prefix)) {
      out.push(`${at}: ${JSON.stringify(e)} must be a strict subset of \`cidr\``);
    }
  });
}

function validatePeer(peer: unknown, path: string, out: string[]): void {
  if (!isObject(peer)) {
    out.push(peer === null ? `${path}: must specify a peer` : `${path}: must be an object`);
    return;
  }
  const present = (['podSelector', 'namespaceSelector', 'ipBlock'] as const).filter((k) => peer[k] !== undefined && peer[k] !== null);
  if (present.length === 0) out.push(`${path}: must specify a peer (podSelector, namespaceSelector or ipBlock)`);
  else if (present.length > 1 && present.includes('ipBlock')) out.push(`${path}: may not specify both ipBlock and another peer`);
  out.push(...validateSelector(peer.podSelector, `${path}.podSelector`));
  out.push(...validateSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  if (present.includes('ipBlock')) validateIpBlock(peer.ipBlock, `${path}.ipBlock`, out);
}

/**
 * The API server's objections to a NetworkPolicy object (`ValidateNetworkPolicy` over the fields
 * the model reads, plus the type errors that make decoding fail), each as `path: message`. Empty
 * when the API server would accept it.
 */
export function validateNetworkPolicy(doc: unknown): string[] {
  if (!isObject(doc)) return ['the object is not a JSON object'];
  const out: string[] = [];
  const md = doc.metadata;
  if (!isObject(md)) {
    out.push('metadata: required');
  } else {
    if (!isDns1123Subdomain(md.name)) out.push(`metadata.name: ${JSON.stringify(md.name ?? null)} must be a DNS-1123 subdomain`);
    if (md.namespace !== undefined && md.namespace !== null && md.namespace !== '' && !isDns1123Label(md.namespace)) {
      out.push(`metadata.namespace: ${JSON.stringify(md.namespace)} must be a DNS-1123 label`);
    }
  }
  if (doc.spec === undefined || doc.spec === null) return out;
  if (!isObject(doc.spec)) return [...out, 'spec: must be an object'];
  const spec = doc.spec;
  out.push(...validateSelector(spec.podSelector, 'spec.podSelector'));
  for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    list(spec[dir], `spec.${dir}`, out).forEach((rule, i) => {
      const at = `spec.${dir}[${i}]`;
      if (rule === null) return; // a null item decodes to an empty rule
      if (!isObject(rule)) {
        out.push(`${at}: must be an object`);
        return;
      }
      list(rule.ports, `${at}.ports`, out).forEach((p, j) => validatePort(p, `${at}.ports[${j}]`, out));
      list(rule[peersKey], `${at}.${peersKey}`, out).forEach((p, j) => validatePeer(p, `${at}.${peersKey}[${j}]`, out));
    });
  }
  const types = list(spec.policyTypes, 'spec.policyTypes', out);
  if (types.length > 2) out.push('spec.policyTypes: may not specify more than two policyTypes');
  else types.forEach((t, i) => { if (t !== 'Ingress' && t !== 'Egress') out.push(`spec.policyTypes[${i}]: ${JSON.stringify(t)} is not supported (Ingress or Egress)`); });
  return out;
}

/** The policies the API server would hold, and what happened to the others. */
export interface AdmittedPolicies {
  /** Valid Kubernetes NetworkPolicies, one per namespace/name (the last one given), in input order. */
  readonly policies: readonly Obj[];
  /** One entry per object not kept as given. */
  readonly problems: readonly PolicyProblem[];
}

/**
 * Keeps what the API server would hold of these objects: the valid `networking.k8s.io/v1`
 * NetworkPolicies, the last one of each namespace/name. Objects whose `kind` is set to something
 * else, or whose `apiVersion` is set to something else, are skipped; those of another
 * network-policy API are reported as not modelled. Objects without `kind` and `apiVersion` are
 * taken as NetworkPolicies (programmatic callers).
 */
export function admitPolicies(docs: readonly unknown[], options: { requireApiVersion?: boolean } = {}): AdmittedPolicies {
  const problems: PolicyProblem[] = [];
  const byKey = new Map<string, { doc: Obj; at: number }>();
  docs.forEach((doc, at) => {
    if (!isObject(doc)) return;
    if (isOtherNetworkPolicy(doc) && doc.kind !== 'NetworkPolicy') {
      problems.push({ kind: 'not-modelled', object: describeObject(doc), index: at, message: 'not a Kubernetes NetworkPolicy: its controller\'s own semantics are not modelled, the matrix ignores it (the cluster may allow or deny more than shown)' });
      return;
    }
    if (doc.kind !== undefined && doc.kind !== 'NetworkPolicy') return;
    const api = doc.apiVersion;
    if (api !== NETWORK_POLICY_API_VERSION && (api !== undefined || options.requireApiVersion === true)) {
      problems.push({
        kind: 'not-modelled',
        object: describeObject(doc),
        index: at,
        message: api === undefined
          ? 'no apiVersion: kubectl refuses it; the matrix ignores it'
          : `apiVersion ${JSON.stringify(api)} is not ${NETWORK_POLICY_API_VERSION}: not a Kubernetes NetworkPolicy, its controller's own semantics are not modelled, the matrix ignores it (the cluster may allow or deny more than shown)`,
      });
      return;
    }
    const errors = validateNetworkPolicy(doc);
    if (errors.length > 0) {
      problems.push({ kind: 'invalid', object: describeObject(doc), index: at, message: `the API server would refuse it (${errors.join('; ')}); the matrix ignores it` });
      return;
    }
    const key = objectKey(doc);
    const before = byKey.get(key);
    if (before) {
      problems.push({ kind: 'duplicate', object: describeObject(doc), index: at, message: DUPLICATE_MESSAGE });
      byKey.delete(key);
    }
    byKey.set(key, { doc, at });
  });
  return { policies: [...byKey.values()].sort((a, b) => a.at - b.at).map((x) => x.doc), problems };
}

/** The directions a policy governs: its `policyTypes`, or the API server's default. */
export function policyTypes(p: Record<string, unknown>): {
  /** True when the policy governs ingress. */
  ingress: boolean;
  /** True when the policy governs egress. */
  egress: boolean;
} {
  const spec = isObject(p.spec) ? p.spec : {};
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) {
    return { ingress: spec.policyTypes.includes('Ingress'), egress: spec.policyTypes.includes('Egress') };
  }
  return { ingress: true, egress: Array.isArray(spec.egress) && spec.egress.length > 0 };
}

/** One NetworkPolicyPeer, compiled. Equal peers (same kind, selectors, namespace or block) share one entry. */
export type PeerEntry =
  | {
    /** An `ipBlock` peer. */
    readonly kind: 'ipBlock';
    /** Its `cidr`. */
    readonly cidr: Cidr;
    /** Its `except` blocks. */
    readonly except: readonly Cidr[];
  }
  | {
    /** A `podSelector` and/or `namespaceSelector` peer. */
    readonly kind: 'pods';
    /** Without a namespace selector: the policy's namespace (the only one the peer matches). */
    readonly namespace?: string;
    /** Its `namespaceSelector`, when set. */
    readonly namespaceSelector?: CompiledSelector;
    /** Its `podSelector`, when set (absent: every pod of the namespaces). */
    readonly podSelector?: CompiledSelector;
  };

/** One port of a rule, compiled (`protocol` defaulted). */
export interface PortRule {
  /** The protocol (`TCP` when the rule leaves it out). */
  readonly protocol: Protocol;
  /** The port number; with neither `port` nor `name`, every port of the protocol. */
  readonly port?: number;
  /** The last port of the range starting at `port`. */
  readonly endPort?: number;
  /** A named port, resolved on the destination pod's container ports. */
  readonly name?: string;
}

/** One ingress or egress rule, compiled. */
export interface CompiledRule {
  /** Peer entry indices; `undefined` = every peer (an absent or empty `from`/`to`). */
  readonly peers?: readonly number[];
  /** `undefined` = every port and protocol (an absent or empty `ports`). */
  readonly ports?: readonly PortRule[];
}

/** A NetworkPolicy, compiled. */
export interface CompiledPolicy {
  /** `namespace/name`. */
  readonly id: string;
  /** Its namespace (the only one whose pods it selects). */
  readonly namespace: string;
  /** `spec.podSelector` (absent: every pod of the namespace). */
  readonly podSelector: CompiledSelector;
  /** The ingress rules when the policy governs ingress, else `undefined`. */
  readonly ingress?: readonly CompiledRule[];
  /** The egress rules when the policy governs egress, else `undefined`. */
  readonly egress?: readonly CompiledRule[];
}

/** Every policy, compiled, with the peer entries their rules share. */
export interface PolicySet {
  /** The policies kept, in input order. */
  readonly policies: readonly CompiledPolicy[];
  /** The rule peers of every policy, each distinct one once (rules refer to them by index). */
  readonly entries: readonly PeerEntry[];
  /** Every label key a pod selector reads (what makes two pods' labels differ for the policies). */
  readonly podLabelKeys: ReadonlySet<string>;
  /** Every port name a rule names. */
  readonly portNames: ReadonlySet<string>;
  /** What was not kept as given (see {@link admitPolicies}). */
  readonly problems: readonly PolicyProblem[];
}

/** Compiles the policies {@link admitPolicies} keeps. */
export function compilePolicies(docs: readonly unknown[], options: { requireApiVersion?: boolean } = {}): PolicySet {
  const admitted = admitPolicies(docs, options);
  const entries: PeerEntry[] = [];
  const entryIndex = new Map<string, number>();
  const podLabelKeys = new Set<string>();
  const portNames = new Set<string>();
  const entry = (key: string, make: () => PeerEntry): number => {
    let i = entryIndex.get(key);
    if (i === undefined) {
      i = entries.length;
      entries.push(make());
      entryIndex.set(key, i);
    }
    return i;
  };
  const compilePeer = (peer: Obj, namespace: string): number => {
    if (isObject(peer.ipBlock)) {
      const cidr = parseCidr(String(peer.ipBlock.cidr))!;
      const except = (Array.isArray(peer.ipBlock.except) ? peer.ipBlock.except : []).map((e) => parseCidr(String(e))!);
      return entry(`ip ${JSON.stringify([peer.ipBlock.cidr, peer.ipBlock.except ?? []])}`, () => ({ kind: 'ipBlock', cidr, except }));
    }
    const pods = isObject(peer.podSelector) ? compileSelector(peer.podSelector) : undefined;
    const nss = isObject(peer.namespaceSelector) ? compileSelector(peer.namespaceSelector) : undefined;
    pods?.labelKeys.forEach((k) => podLabelKeys.add(k));
    const key = `pods ${nss ? `ns ${nss.key}` : `in ${namespace}`} ${pods ? pods.key : '*'}`;
    return entry(key, () => ({ kind: 'pods', ...(nss ? { namespaceSelector: nss } : { namespace }), ...(pods ? { podSelector: pods } : {}) }));
  };
  const compileRules = (rules: unknown, peersKey: 'from' | 'to', namespace: string): CompiledRule[] =>
    (Array.isArray(rules) ? rules : []).map((r) => {
      const rule = isObject(r) ? r : {};
      const peers = Array.isArray(rule[peersKey]) ? rule[peersKey] as unknown[] : [];
      const ports = Array.isArray(rule.ports) ? rule.ports : [];
      return {
        ...(peers.length > 0 ? { peers: peers.map((p) => compilePeer(p as Obj, namespace)) } : {}),
        ...(ports.length > 0 ? {
          ports: ports.map((x): PortRule => {
            const p = isObject(x) ? x : {};
            const protocol = (typeof p.protocol === 'string' ? p.protocol : 'TCP') as Protocol;
            if (typeof p.port === 'string') {
              portNames.add(p.port);
              return { protocol, name: p.port };
            }
            if (typeof p.port === 'number') return { protocol, port: p.port, ...(typeof p.endPort === 'number' ? { endPort: p.endPort } : {}) };
            return { protocol };
          }),
        } : {}),
      };
    });
  const policies = admitted.policies.map((doc): CompiledPolicy => {
    const spec = isObject(doc.spec) ? doc.spec : {};
    const namespace = objectNamespace(doc);
    const types = policyTypes(doc);
    const podSelector = compileSelector(isObject(spec.podSelector) ? spec.podSelector : {});
    podSelector.labelKeys.forEach((k) => podLabelKeys.add(k));
    return {
      id: objectKey(doc),
      namespace,
      podSelector,
      ...(types.ingress ? { ingress: compileRules(spec.ingress, 'from', namespace) } : {}),
      ...(types.egress ? { egress: compileRules(spec.egress, 'to', namespace) } : {}),
    };
  });
  return { policies, entries, podLabelKeys, portNames, problems: admitted.problems };
}
