import { buildRayPods } from '../kuberay';
import { JsonObject } from './types';
import { asArray, asObject, asString } from '../kubernetes/json';
import { Quantity } from '../kubernetes/quantity';

/** A resource total: requests and limits per resource name (`cpu`, `memory`, `nvidia.com/gpu`, ...), and pods. */
export interface ResourceTotals {
  /** Total requests per resource name. */
  readonly requests: Map<string, Quantity>;
  /** Total limits per resource name. */
  readonly limits: Map<string, Quantity>;
  /** The number of pods. */
  readonly pods: number;
}

/** One cluster's worst case. */
export interface ClusterBudget {
  /** `namespace/name` of the RayCluster. */
  readonly cluster: string;
  /** Its resources and pods at every worker group's `maxReplicas`. */
  readonly totals: ResourceTotals;
}

function emptyTotals(): { requests: Map<string, Quantity>; limits: Map<string, Quantity>; pods: number } {
  return { requests: new Map(), limits: new Map(), pods: 0 };
}

function addTo(map: Map<string, Quantity>, name: string, q: Quantity, times: number): void {
  map.set(name, (map.get(name) ?? Quantity.ZERO).add(q.times(times)));
}

/** The values of a `requests`/`limits` map as exact quantities (invalid values are skipped; other rules report them). */
function quantities(map: unknown): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [k, v] of Object.entries(asObject(map) ?? {})) {
    const q = Quantity.tryParse(v);
    if (q && !q.isNegative()) out.set(k, q);
  }
  return out;
}

/**
 * A pod's effective requests and limits as the scheduler and ResourceQuota count them:
 * per resource, the larger of the sum over its containers and the largest init container
 * (sidecar init containers with `restartPolicy: Always` add to the sum). A request that is
 * absent defaults to the limit, as the API server does.
 */
export function podResources(podSpec: JsonObject): {
  /** The pod's effective requests per resource name. */
  requests: Map<string, Quantity>;
  /** The pod's effective limits per resource name. */
  limits: Map<string, Quantity>;
} {
  const result = { requests: new Map<string, Quantity>(), limits: new Map<string, Quantity>() };
  for (const kind of ['requests', 'limits'] as const) {
    const sum = new Map<string, Quantity>();
    const initMax = new Map<string, Quantity>();
    const read = (c: JsonObject) => {
      const r = asObject(c.resources);
      const limits = quantities(r?.limits);
      if (kind === 'limits') return limits;
      const requests = quantities(r?.requests);
      for (const [k, v] of limits) if (!requests.has(k)) requests.set(k, v);
      return requests;
    };
    for (const c of asArray(podSpec.containers).map(asObject)) if (c) for (const [k, v] of read(c)) addTo(sum, k, v, 1);
    for (const c of asArray(podSpec.initContainers).map(asObject)) {
      if (!c) continue;
      const values = read(c);
      if (c.restartPolicy === 'Always') {
        for (const [k, v] of values) addTo(sum, k, v, 1);
      } else {
        for (const [k, v] of values) if (!initMax.has(k) || v.greaterThan(initMax.get(k)!)) initMax.set(k, v);
      }
    }
    const target = result[kind];
    for (const k of new Set([...sum.keys(), ...initMax.keys()])) {
      const a = sum.get(k) ?? Quantity.ZERO;
      const b = initMax.get(k) ?? Quantity.ZERO;
      target.set(k, a.greaterThan(b) ? a : b);
    }
  }
  return result;
}

/**
 * The worst case of one RayCluster: the head pod plus each worker group's pod × `maxReplicas` ×
 * `numOfHosts`, with the containers KubeRay injects (wait-gcs-ready, the autoscaler, ...).
 */
export function clusterBudget(rayCluster: JsonObject): ClusterBudget {
  const totals = emptyTotals();
  for (const pod of buildRayPods(rayCluster)) {
    const count = pod.nodeType === 'head' ? 1 : pod.replicas.max * Math.max(1, pod.replicas.numOfHosts);
    const r = podResources(asObject(pod.pod.spec) ?? {});
    for (const [k, v] of r.requests) addTo(totals.requests, k, v, count);
    for (const [k, v] of r.limits) addTo(totals.limits, k, v, count);
    totals.pods += count;
  }
  const metadata = asObject(rayCluster.metadata);
  return { cluster: `${asString(metadata?.namespace) ?? ''}/${asString(metadata?.name) ?? ''}`, totals };
}

/** The `hard` keys of a ResourceQuota this check understands, and how to read them from totals. */
function usedFor(key: string, t: ResourceTotals): Quantity | undefined {
  if (key === 'pods') return Quantity.parse(t.pods);
  if (key.startsWith('requests.')) return t.requests.get(key.slice('requests.'.length)) ?? Quantity.ZERO;
  if (key.startsWith('limits.')) return t.limits.get(key.slice('limits.'.length)) ?? Quantity.ZERO;
  if (key === 'cpu' || key === 'memory') return t.requests.get(key) ?? Quantity.ZERO;
  return undefined;
}

/** One quota line that the clusters' worst case exceeds. */
export interface BudgetOverrun {
  /** The quota key, e.g. `requests.cpu`, `limits.memory`, `requests.nvidia.com/gpu`, `pods`. */
  readonly key: string;
  /** The quota. */
  readonly hard: string;
  /** The worst case of all clusters. */
  readonly used: string;
  /** Each cluster's share of it. */
  readonly shares: {
    /** `namespace/name` of the RayCluster. */
    readonly cluster: string;
    /** Its worst case for this key. */
    readonly used: string;
  }[];
}

/** Compares the sum of the clusters' worst cases with a ResourceQuota's `hard` map. */
export function checkBudget(clusters: readonly ClusterBudget[], hard: Record<string, string | number>): BudgetOverrun[] {
  const out: BudgetOverrun[] = [];
  for (const [key, raw] of Object.entries(hard)) {
    const limit = Quantity.tryParse(raw);
    if (!limit) continue;
    const shares = clusters.map((c) => ({ cluster: c.cluster, q: usedFor(key, c.totals) }));
    if (shares.some((s) => s.q === undefined)) continue;
    const used = shares.reduce((a, s) => a.add(s.q!), Quantity.ZERO);
    if (used.greaterThan(limit)) {
      out.push({ key, hard: limit.toString(), used: used.toString(), shares: shares.map((s) => ({ cluster: s.cluster, used: s.q!.toString() })) });
    }
  }
  return out;
}
