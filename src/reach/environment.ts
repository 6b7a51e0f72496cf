/**
 * The cluster a set of manifests describes, as peers for the reachability model: the pods KubeRay
 * will build for each RayCluster, RayJob and RayService, plain Pods, NetworkPolicies, namespaces,
 * plus synthetic probe pods. Pure: plain JSON in, plain JSON out; never throws; what it cannot
 * model it reports in `notes`.
 *
 * - Each RayCluster (`ray.io/*`) gives one representative pod per group (`buildRayPods`: KubeRay's
 *   labels `ray.io/cluster`, `ray.io/node-type`, `ray.io/group`…, the template's own labels, the
 *   Ray container's named ports plus KubeRay's `metrics`, `hostNetwork`), named like KubeRay's pods
 *   without the random suffix (`<cluster>-head`, `<cluster>-<group>-worker`).
 * - Each RayJob gives the pods of the RayCluster KubeRay creates for it (`buildRayJob`; the
 *   cluster is `<rayjob>-xxxxx`, so its head is `<rayjob>-xxxxx-head`; none in clusterSelector
 *   mode, where the job runs on a RayCluster given on its own) and its K8sJobMode submitter pod,
 *   named `<rayjob>-submitter`. Each RayService gives the pods of its RayCluster
 *   (`buildRayService`, `<rayservice>-xxxxx`; the steady state, one cluster). Whether KubeRay
 *   would accept the object is `check`'s concern: the pods are modelled as written. A RayCronJob
 *   creates RayJobs on a schedule, none of them in the manifests: it gives no pods.
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
 *   ports 53 UDP and TCP); per namespace holding a RayCluster, RayJob or RayService a plain pod
 *   `tenant-pod` labelled `tenant=<tenant>` (the object's `tenant` label, else the namespace): the
 *   pod any tenant user can create, showing that a policy trusting the `tenant` label is spoofable;
 *   and, when the manifests hold any `ray.io` object, the KubeRay operator
 *   (`kuberay-system/kuberay-operator`, labelled `app.kubernetes.io/name: kuberay-operator` as the
 *   Helm chart labels it; {@link EnvironmentOptions.operator} moves it), which calls the dashboard
 *   of RayJob and RayService clusters and the Serve health check. It is left out when a given Pod
 *   already is the operator (its namespace and labels).
 *
 * @module
 */
import { admitPolicies, describeObject, DUPLICATE_MESSAGE, objectKey, objectNamespace } from './policies';
import { ExternalPeer, NamedPort, NamespaceInfo, NetworkPolicyJson, Peer, PodPeer } from './types';
import { buildRayJob, buildRayPods, buildRayService, RayPod } from '../kuberay';
import { cidrContains, parseCidr } from '../kubernetes/cidr';
import { isObject, JsonObject, stringMap } from '../kubernetes/json';
import { DEFAULT_OPERATOR, OperatorTarget } from '../policy/network-policies';

/** Options of {@link environmentFromManifests}. */
export interface EnvironmentOptions {
  /** External endpoints to add as peers. @default none */
  readonly externals?: readonly ExternalPeer[];
  /** Add the synthetic `kube-system/kube-dns` pod. @default true */
  readonly kubeDns?: boolean;
  /** Add a synthetic `tenant-pod` (labelled `tenant=<tenant>`) to each namespace that holds a RayCluster, RayJob or RayService. @default true */
  readonly tenantProbes?: boolean;
  /**
   * Where the synthetic KubeRay operator pod is (added when the manifests hold any `ray.io` object),
   * or `false` for none.
   * @default - namespace `kuberay-system`, labels `app.kubernetes.io/name: kuberay-operator` (the Helm chart's)
   */
  readonly operator?: false | OperatorTarget;
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
  /** Pods (Ray pods and submitters, plain Pods, synthetic pods), then external peers. */
  readonly peers: Peer[];
  /** For each Ray pod (of a RayCluster, or of the cluster of a RayJob or RayService), its cluster and node type (by peer id `namespace/name`). */
  readonly rayPods: {
    /** The pod's peer id (`namespace/name`). */
    readonly id: string;
    /** The name of its RayCluster (`<rayjob>-xxxxx`, `<rayservice>-xxxxx` for the clusters KubeRay creates). */
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
/** The name of the synthetic KubeRay operator pod. */
export const KUBERAY_OPERATOR_POD = 'kuberay-operator';
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

/** The kinds of `ray.io` whose pods are modelled. */
const RAY_WORKLOADS: readonly string[] = ['RayCluster', 'RayJob', 'RayService'];

function isRayObject(doc: Obj): boolean {
  return typeof doc.apiVersion === 'string' && doc.apiVersion.startsWith('ray.io/');
}

/** The pods of one RayCluster, real or created by KubeRay for a RayJob or RayService. */
function rayPodPeers(built: readonly RayPod[], cluster: string, ns: string): Pick<Source, 'pods' | 'rayPods'> {
  const pods: PendingPod[] = [];
  const rayPods: Environment['rayPods'] = [];
  for (const rp of built) {
    const pmd = isObject(rp.pod.metadata) ? rp.pod.metadata : {};
    const name = typeof pmd.name === 'string' ? pmd.name : `${cluster}-${rp.nodeType}`;
    pods.push({ name, namespace: ns, labels: stringMap(pmd.labels), ports: podPorts(rp.pod.spec), ...hostNetwork(rp.pod.spec) });
    rayPods.push({ id: `${ns}/${name}`, cluster, nodeType: rp.nodeType, group: rp.group });
  }
  return { pods, rayPods };
}

/**
 * The pods of a RayCluster, RayJob or RayService. A RayJob in clusterSelector mode is given the
 * selected RayCluster (the last one of that name in its namespace), which decides its submitter.
 */
function rayWorkloadPods(doc: Obj, ns: string, clusters: ReadonlyMap<string, Obj>): Pick<Source, 'pods' | 'rayPods'> {
  const md = isObject(doc.metadata) ? doc.metadata : {};
  if (doc.kind === 'RayCluster') return rayPodPeers(buildRayPods(doc), typeof md.name === 'string' ? md.name : '', ns);
  if (doc.kind === 'RayService') {
    const model = buildRayService(doc);
    return rayPodPeers(model.rayPods, model.clusterName, ns);
  }
  const spec = isObject(doc.spec) ? doc.spec : {};
  const selected = stringMap(spec.clusterSelector)['ray.io/cluster'];
  const selectedCluster = selected === undefined ? undefined : clusters.get(`${ns}/${selected}`);
  const model = buildRayJob(doc, selectedCluster ? { selectedCluster } : {});
  const out = rayPodPeers(model.rayPods, model.clusterName, ns);
  const submitter = model.submitterPod?.pod;
  if (submitter) {
    const smd = isObject(submitter.metadata) ? submitter.metadata : {};
    out.pods.push({ name: `${model.name}-submitter`, namespace: ns, labels: stringMap(smd.labels), ports: podPorts(submitter.spec), ...hostNetwork(submitter.spec) });
  }
  return out;
}

/** True when every label of `want` is on `labels`. */
function hasLabels(labels: Readonly<Record<string, string>>, want: Readonly<Record<string, string>>): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
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

  // The RayClusters a RayJob in clusterSelector mode may select (the last of each name).
  const clusters = new Map<string, Obj>();
  for (const doc of docs) if (isObject(doc) && doc.kind === 'RayCluster' && isRayObject(doc)) clusters.set(objectKey(doc), doc);
  let anyRay = false;

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
    if (isRayObject(doc)) anyRay = true;
    if (doc.kind === 'NetworkPolicy') {
      touch(ns, at);
    } else if (typeof doc.kind === 'string' && RAY_WORKLOADS.includes(doc.kind) && isRayObject(doc)) {
      touch(ns, at);
      const key = `${doc.kind} ${objectKey(doc)}`;
      if (sources.has(key)) duplicate(describeObject(doc), at);
      sources.delete(key);
      sources.set(key, { at, ...rayWorkloadPods(doc, ns, clusters), tenant: { ns, tenant: stringMap(md.labels).tenant ?? ns } });
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
  const operator = options.operator ?? DEFAULT_OPERATOR;
  if (anyRay && operator !== false && !pods.some((p) => p.namespace === operator.namespace && hasLabels(p.labels, operator.podLabels))) {
    touch(operator.namespace, Number.MAX_SAFE_INTEGER);
    pods.push({ name: KUBERAY_OPERATOR_POD, namespace: operator.namespace, labels: { ...operator.podLabels } });
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
