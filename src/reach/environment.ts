/**
 * The cluster a set of manifests describes, as peers for {@link evaluate}: the pods KubeRay will
 * build for each RayCluster, plain Pods, NetworkPolicies, namespaces, plus synthetic probe pods.
 * Pure: plain JSON in, plain JSON out.
 *
 * - Each RayCluster gives one representative pod per group (`buildRayPods`: KubeRay's labels
 *   `ray.io/cluster`, `ray.io/node-type`, `ray.io/group`…, the template's own labels, the Ray
 *   container's named ports plus KubeRay's `metrics`), named like KubeRay's pods without the random
 *   suffix (`<cluster>-head`, `<cluster>-<group>-worker`).
 * - Plain Pods are taken as written (`status.podIP` when present).
 * - Every pod without an address gets a distinct fake one from 10.244.0.0/16, in order.
 * - Namespaces come from Namespace objects (their labels) or are implied by any object's
 *   `metadata.namespace` (RayClusters, Pods and NetworkPolicies without one are in `default`);
 *   each has `kubernetes.io/metadata.name`.
 * - Synthetic peers (each can be turned off): `kube-system/kube-dns` (labels `k8s-app: kube-dns`,
 *   ports 53 UDP and TCP), and per namespace holding a RayCluster a plain pod `tenant-pod`
 *   labelled `tenant=<tenant>` (the RayCluster's `tenant` label, else the namespace): the pod any
 *   tenant user can create, showing that a policy trusting the `tenant` label is spoofable.
 *
 * @module
 */
import { ExternalPeer, NamedPort, NamespaceInfo, NetworkPolicyJson, Peer, PodPeer } from './evaluate';
import { buildRayPods } from '../kuberay';
import { isObject, JsonObject } from '../kubernetes/json';

/** Options of {@link environmentFromManifests}. */
export interface EnvironmentOptions {
  /** External endpoints to add as peers. @default none */
  readonly externals?: readonly ExternalPeer[];
  /** Add the synthetic `kube-system/kube-dns` pod. @default true */
  readonly kubeDns?: boolean;
  /** Add a synthetic `tenant-pod` (labelled `tenant=<tenant>`) to each namespace that holds a RayCluster. @default true */
  readonly tenantProbes?: boolean;
}

/** What the manifests describe. */
export interface Environment {
  /** The NetworkPolicies, in input order. */
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

type Obj = JsonObject;


function labelsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  }
  return out;
}

function namespaceOf(doc: Obj): string {
  const md = isObject(doc.metadata) ? doc.metadata : {};
  return typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : 'default';
}

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

/**
 * Builds the peers, namespaces and policies of a set of manifests (documents that are not objects
 * are ignored).
 */
export function environmentFromManifests(docs: readonly unknown[], options: EnvironmentOptions = {}): Environment {
  const policies: NetworkPolicyJson[] = [];
  const nsLabels = new Map<string, Record<string, string>>();
  const touch = (ns: string) => { if (!nsLabels.has(ns)) nsLabels.set(ns, {}); };
  const pods: (Omit<PodPeer, 'ip'> & { ip?: string })[] = [];
  const rayPods: Environment['rayPods'] = [];
  const tenantOfNs = new Map<string, string>();

  for (const doc of docs) {
    if (!isObject(doc)) continue;
    const md = isObject(doc.metadata) ? doc.metadata : {};
    if (doc.kind === 'Namespace' && typeof md.name === 'string') {
      nsLabels.set(md.name, { ...(nsLabels.get(md.name) ?? {}), ...labelsOf(md.labels) });
      continue;
    }
    const ns = namespaceOf(doc);
    const scoped = typeof md.namespace === 'string' && md.namespace !== '';
    if (doc.kind === 'NetworkPolicy') {
      touch(ns);
      policies.push(doc);
    } else if (doc.kind === 'RayCluster' && typeof doc.apiVersion === 'string' && doc.apiVersion.startsWith('ray.io/')) {
      touch(ns);
      const cluster = typeof md.name === 'string' ? md.name : '';
      if (!tenantOfNs.has(ns)) tenantOfNs.set(ns, labelsOf(md.labels).tenant ?? ns);
      for (const rp of buildRayPods(doc as JsonObject)) {
        const pmd = rp.pod.metadata as Obj;
        const name = typeof pmd.name === 'string' ? pmd.name : `${cluster}-${rp.nodeType}`;
        pods.push({ name, namespace: ns, labels: labelsOf(pmd.labels), ports: podPorts(rp.pod.spec) });
        rayPods.push({ id: `${ns}/${name}`, cluster, nodeType: rp.nodeType, group: rp.group });
      }
    } else if (doc.kind === 'Pod' && (doc.apiVersion === 'v1' || doc.apiVersion === undefined)) {
      touch(ns);
      const status = isObject(doc.status) ? doc.status : {};
      pods.push({
        name: typeof md.name === 'string' ? md.name : '(unnamed)',
        namespace: ns,
        labels: labelsOf(md.labels),
        ports: podPorts(doc.spec),
        ...(typeof status.podIP === 'string' ? { ip: status.podIP } : {}),
      });
    } else if (scoped) {
      touch(ns);
    }
  }

  if (options.tenantProbes !== false) {
    for (const [ns, tenant] of tenantOfNs) {
      pods.push({ name: TENANT_PROBE_POD, namespace: ns, labels: { tenant } });
    }
  }
  if (options.kubeDns !== false) {
    touch(KUBE_DNS_POD.namespace);
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
  const peers: Peer[] = pods.map((p) => (p.ip !== undefined ? p : { ...p, ip: fakeIp() }));
  peers.push(...(options.externals ?? []));

  const namespaces: NamespaceInfo[] = [...nsLabels.entries()]
    .map(([name, labels]) => ({ name, labels: { ...labels, 'kubernetes.io/metadata.name': name } }));
  return { policies, namespaces, peers, rayPods };
}
