/**
 * The cluster a set of manifests describes, as peers for the reachability model: the pods KubeRay
 * will build for each RayCluster, plain Pods, NetworkPolicies, namespaces, plus synthetic probe
 * pods. Pure: plain JSON in, plain JSON out; never throws; what it cannot model it reports in
 * `notes`.
 *
 * - Each RayCluster (`ray.io/*`) gives one representative pod per group (`buildRayPods`: KubeRay's
 *   labels `ray.io/cluster`, `ray.io/node-type`, `ray.io/group`…, the template's own labels, the
 *   Ray container's named ports plus KubeRay's `metrics`, `hostNetwork`), named like KubeRay's pods
 *   without the random suffix (`<cluster>-head`, `<cluster>-<group>-worker`).
 * - Plain Pods (`v1`) are taken as written (`status.podIP` when present, `spec.hostNetwork`).
 * - Every pod without an address gets a distinct fake one from 10.244.0.0/16, in order — except
 *   `hostNetwork` pods, whose address is their node's (unknown unless `status.podIP` says it). A
 *   policy whose `ipBlock` reaches into that range then gets a note: its verdicts between pods
 *   rest on the made-up addresses.
 * - Namespaces come from Namespace objects (their labels) or are implied by any object's
 *   `metadata.namespace` (RayClusters, Pods and NetworkPolicies without one are in `default`);
 *   each has `kubernetes.io/metadata.name`.
 * - NetworkPolicies: only valid `networking.k8s.io/v1` ones (see `policies.ts`); other APIs'
 *   policies (Calico, Cilium, AdminNetworkPolicy…) and refused ones are reported, not modelled.
 * - Duplicates: the API server keeps one object per kind and namespace/name; the last one given
 *   wins (what `kubectl apply` of the whole set leaves), and each duplicate is reported.
 * - Synthetic peers (each can be turned off): `kube-system/kube-dns` (labels `k8s-app: kube-dns`,
 *   ports 53 UDP and TCP), and per namespace holding a RayCluster a plain pod `tenant-pod`
 *   labelled `tenant=<tenant>` (the RayCluster's `tenant` label, else the namespace): the pod any
 *   tenant user can create, showing that a policy trusting the `tenant` label is spoofable.
 *
 * @module
 */
import { admitPolicies, describeObject, DUPLICATE_MESSAGE, objectKey, objectNamespace } from './policies';
import { ExternalPeer, NamedPort, NamespaceInfo, NetworkPolicyJson, Peer, PodPeer } from './types';
import { buildRayPods } from '../kuberay';
import { cidrContains, parseCidr } from '../kubernetes/cidr';
import { isObject, JsonObject, stringMap } from '../kubernetes/json';

/** Options of {@link environmentFromManifests}. */
export interface EnvironmentOptions {
  /** External endpoints to add as peers. @default none */
  readonly externals?: readonly ExternalPeer[];
  /** Add the synthetic `kube-system/kube-dns` pod. @default true */
  readonly kubeDns?: boolean;
  /** Add a synthetic `tenant-pod` (labelled `tenant=<tenant>`) to each namespace that holds a RayCluster. @default true */
  readonly tenantProbes?: boolean;
}

/** Something in the manifests the matrix does not model as written. */
export interface ReachNote {
  /**
   * `not-modelled`: another API's policy (Calico, Cilium…), ignored; `invalid`: a NetworkPolicy
   * the API server would refuse, ignored; `duplicate`: a later object with the same kind and
   * namespace/name replaces this one; `host-network`: pods whose isolation Kubernetes leaves
   * undefined; `assumption`: a policy whose ipBlock reaches into the made-up pod addresses.
   */
  readonly kind: 'not-modelled' | 'invalid' | 'duplicate' | 'host-network' | 'assumption';
  /** The object(s): `Kind apiVersion namespace/name`, or the hostNetwork pods. */
  readonly object: string;
  /** What the matrix does about it, in one sentence. */
  readonly message: string;
}

/** What the manifests describe. */
export interface Environment {
  /** The NetworkPolicies the API server would hold, in input order. */
  readonly policies: NetworkPolicyJson[];
  /** Every namespace, declared or implied, with its labels. */
  readonly namespaces: NamespaceInfo[];
  /** Pods (RayCluster pods, plain Pods, synthetic pods), then external peers. */
  readonly peers: Peer[];
  /** For each RayCluster pod, its cluster and node type (by peer id `namespace/name`). */
  readonly rayPods: {
    /** The pod's peer id (`namespace/name`). */
    readonly id: string;
    /** The name of its RayCluster. */
    readonly cluster: string;
    /** Whether it is the head pod or a worker pod. */
    readonly nodeType: 'head' | 'worker';
    /** `headgroup`, or the worker group's `groupName`. */
    readonly group: string;
  }[];
  /** What the matrix does not model as written, in input order (hostNetwork pods last). */
  readonly notes: ReachNote[];
}

/** The name of the synthetic tenant pod in each namespace. */
export const TENANT_PROBE_POD = 'tenant-pod';
/** The synthetic DNS pod. */
export const KUBE_DNS_POD: PodPeer = {
  name: 'kube-dns',
  namespace: 'kube-system',
  labels: { 'k8s-app': 'kube-dns' },
  ports: [
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
  ],
};

/** What a note on hostNetwork pods says. */
export const HOST_NETWORK_MESSAGE = 'on the host network: Kubernetes leaves NetworkPolicy undefined for such pods (most network plugins treat '
  + 'their traffic as their node\'s); they are never reported as isolated, and a verdict that depends on the plugin shows ?';

/** Where pods without `status.podIP` get their made-up addresses. */
export const ASSUMED_POD_NETWORK = '10.244.0.0/16';

function assumptionMessage(blocks: readonly string[]): string {
  return `its ipBlock ${blocks.join(', ')} reaches into ${ASSUMED_POD_NETWORK}, where pods without status.podIP get made-up addresses: `
    + 'its verdicts between pods assume the pod network is there (give status.podIP for real addresses)';
}

/** The CIDRs (and excepts) of a valid policy's ipBlocks. */
function ipBlocksOf(policy: Obj): string[] {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const out: string[] = [];
  for (const [dir, key] of [['ingress', 'from'], ['egress', 'to']] as const) {
    for (const rule of Array.isArray(spec[dir]) ? spec[dir] : []) {
      const peers = isObject(rule) && Array.isArray(rule[key]) ? rule[key] : [];
      for (const peer of peers) {
        if (!isObject(peer) || !isObject(peer.ipBlock)) continue;
        if (typeof peer.ipBlock.cidr === 'string') out.push(peer.ipBlock.cidr);
        for (const e of Array.isArray(peer.ipBlock.except) ? peer.ipBlock.except : []) if (typeof e === 'string') out.push(e);
      }
    }
  }
  return [...new Set(out)];
}

/** True when two CIDRs (of the same family) share an address. */
function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x !== undefined && y !== undefined && (cidrContains(x, y.bytes) || cidrContains(y, x.bytes));
}

type Obj = JsonObject;
type PendingPod = Omit<PodPeer, 'ip'> & { ip?: string };

/** The named ports of every container of a pod spec. */
function podPorts(spec: unknown): NamedPort[] {
  const out: NamedPort[] = [];
  if (!isObject(spec) || !Array.isArray(spec.containers)) return out;
  for (const c of spec.containers) {
    if (!isObject(c) || !Array.isArray(c.ports)) continue;
    for (const p of c.ports) {
      if (!isObject(p) || typeof p.containerPort !== 'number') continue;
      out.push({
        ...(typeof p.name === 'string' ? { name: p.name } : {}),
        containerPort: p.containerPort,
        protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
      });
    }
  }
  return out;
}

function hostNetwork(spec: unknown): { hostNetwork?: true } {
  return isObject(spec) && spec.hostNetwork === true ? { hostNetwork: true } : {};
}

/** One group of pods per object, keyed by kind and namespace/name: the last object given wins. */
interface Source {
  readonly at: number;
  readonly pods: PendingPod[];
  readonly rayPods: Environment['rayPods'];
  readonly tenant?: { ns: string; tenant: string };
}

/**
 * Builds the peers, namespaces and policies of a set of manifests (documents that are not objects
 * are ignored).
 */
export function environmentFromManifests(docs: readonly unknown[], options: EnvironmentOptions = {}): Environment {
  const nsLabels = new Map<string, { at: number; labels: Record<string, string> | undefined }>();
  const touch = (ns: string, at: number) => { if (!nsLabels.has(ns)) nsLabels.set(ns, { at, labels: undefined }); };
  const sources = new Map<string, Source>();
  const notes: (ReachNote & { at: number })[] = [];
  const duplicate = (object: string, at: number) => notes.push({ kind: 'duplicate', object, message: DUPLICATE_MESSAGE, at });

  const admitted = admitPolicies(docs, { requireApiVersion: true });
  for (const p of admitted.problems) notes.push({ kind: p.kind, object: p.object, message: p.message, at: p.index });

  docs.forEach((doc, at) => {
    if (!isObject(doc)) return;
    const md = isObject(doc.metadata) ? doc.metadata : {};
    if (doc.kind === 'Namespace' && typeof md.name === 'string') {
      const before = nsLabels.get(md.name);
      if (before?.labels !== undefined) duplicate(`Namespace ${typeof doc.apiVersion === 'string' ? doc.apiVersion : '(no apiVersion)'} ${md.name}`, at);
      nsLabels.set(md.name, { at: before?.at ?? at, labels: stringMap(md.labels) });
      return;
    }
    const ns = objectNamespace(doc);
    if (typeof md.namespace === 'string' && md.namespace !== '') touch(ns, at);
    if (doc.kind === 'NetworkPolicy') {
      touch(ns, at);
    } else if (doc.kind === 'RayCluster' && typeof doc.apiVersion === 'string' && doc.apiVersion.startsWith('ray.io/')) {
      touch(ns, at);
      const key = `RayCluster ${objectKey(doc)}`;
      if (sources.has(key)) duplicate(describeObject(doc), at);
      const cluster = typeof md.name === 'string' ? md.name : '';
      const pods: PendingPod[] = [];
      const rayPods: Environment['rayPods'] = [];
      for (const rp of buildRayPods(doc as Obj)) {
        const pmd = rp.pod.metadata as Obj;
        const name = typeof pmd.name === 'string' ? pmd.name : `${cluster}-${rp.nodeType}`;
        pods.push({ name, namespace: ns, labels: stringMap(pmd.labels), ports: podPorts(rp.pod.spec), ...hostNetwork(rp.pod.spec) });
        rayPods.push({ id: `${ns}/${name}`, cluster, nodeType: rp.nodeType, group: rp.group });
      }
      sources.delete(key);
      sources.set(key, { at, pods, rayPods, tenant: { ns, tenant: stringMap(md.labels).tenant ?? ns } });
    } else if (doc.kind === 'Pod' && (doc.apiVersion === 'v1' || doc.apiVersion === undefined)) {
      touch(ns, at);
      const key = `Pod ${objectKey(doc)}`;
      if (sources.has(key)) duplicate(`Pod ${String(doc.apiVersion ?? 'v1')} ${objectKey(doc)}`, at);
      const status = isObject(doc.status) ? doc.status : {};
      sources.delete(key);
      sources.set(key, {
        at,
        rayPods: [],
        pods: [{
          name: typeof md.name === 'string' ? md.name : '(unnamed)',
          namespace: ns,
          labels: stringMap(md.labels),
          ports: podPorts(doc.spec),
          ...hostNetwork(doc.spec),
          ...(typeof status.podIP === 'string' ? { ip: status.podIP } : {}),
        }],
      });
    }
  });

  const ordered = [...sources.values()].sort((a, b) => a.at - b.at);
  const pods: PendingPod[] = ordered.flatMap((s) => s.pods);
  const rayPods = ordered.flatMap((s) => s.rayPods);
  if (options.tenantProbes !== false) {
    const tenantOfNs = new Map<string, string>();
    for (const s of ordered) if (s.tenant && !tenantOfNs.has(s.tenant.ns)) tenantOfNs.set(s.tenant.ns, s.tenant.tenant);
    for (const [ns, tenant] of tenantOfNs) pods.push({ name: TENANT_PROBE_POD, namespace: ns, labels: { tenant } });
  }
  if (options.kubeDns !== false) {
    touch(KUBE_DNS_POD.namespace, Number.MAX_SAFE_INTEGER);
    pods.push(KUBE_DNS_POD);
  }

  const used = new Set(pods.map((p) => p.ip).filter((ip): ip is string => ip !== undefined));
  let next = 1;
  const fakeIp = (): string => {
    for (;;) {
      const ip = `10.244.${Math.floor(next / 254)}.${(next % 254) + 1}`;
      next++;
      if (!used.has(ip)) return ip;
    }
  };
  const peers: Peer[] = pods.map((p) => (p.ip !== undefined || p.hostNetwork === true ? p : { ...p, ip: fakeIp() }));
  peers.push(...(options.externals ?? []));

  if (next > 1) {
    // Some pods got a made-up address: an ipBlock reaching into that range decides pod traffic on it.
    admitted.policies.forEach((policy) => {
      const blocks = ipBlocksOf(policy).filter((c) => overlaps(c, ASSUMED_POD_NETWORK));
      if (blocks.length > 0) {
        notes.push({ kind: 'assumption', object: describeObject(policy), message: assumptionMessage(blocks), at: docs.indexOf(policy) });
      }
    });
  }

  const onHost = pods.filter((p) => p.hostNetwork === true).map((p) => `${p.namespace}/${p.name}`);
  if (onHost.length > 0) {
    const object = onHost.length === 1 ? `Pod ${onHost[0]}` : `${onHost.length} Pods (${onHost.slice(0, 3).join(', ')}${onHost.length > 3 ? ', …' : ''})`;
    notes.push({ kind: 'host-network', object, message: HOST_NETWORK_MESSAGE, at: Number.MAX_SAFE_INTEGER });
  }

  const namespaces: NamespaceInfo[] = [...nsLabels.entries()]
    .sort(([, a], [, b]) => a.at - b.at)
    .map(([name, { labels }]) => ({ name, labels: { ...(labels ?? {}), 'kubernetes.io/metadata.name': name } }));
  return {
    policies: [...admitted.policies],
    namespaces,
    peers,
    rayPods,
    notes: notes.sort((a, b) => a.at - b.at).map(({ kind, object, message }) => ({ kind, object, message })),
  };
}
