import { buildRayJob, buildRayPods, buildRayService, RayPod } from '../kuberay';
import { JsonObject } from './types';
import { asArray, asObject, asString } from '../kubernetes/json';
import { isExtendedResourceName } from '../kubernetes/names';
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
  /** `namespace/name` of the RayCluster (`RayJob namespace/name`, `RayService namespace/name`). */
  readonly cluster: string;
  /** Its resources and pods at every worker group's `maxReplicas` (a RayService's two clusters during an upgrade). */
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

/** Whether pod-level `spec.resources` may name a resource (component-helpers `IsSupportedPodLevelResource`). */
export function isPodLevelResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name.startsWith('hugepages-');
}

function maxInto(map: Map<string, Quantity>, from: ReadonlyMap<string, Quantity>): void {
  for (const [k, v] of from) if (!map.has(k) || v.greaterThan(map.get(k)!)) map.set(k, v);
}

/** Defaults a container's missing requests and limits may take (a LimitRange's, as LimitRanger applies them at admission). */
export interface ContainerDefaults {
  /** Requests for the resources a container does not request (after its limits defaulted them). */
  readonly requests?: ReadonlyMap<string, Quantity>;
  /** Limits for the resources a container does not limit. */
  readonly limits?: ReadonlyMap<string, Quantity>;
}

/**
 * One container's requests and limits as admitted: a missing request defaults to the container's
 * own limit (API-server defaulting), then to the LimitRange's `defaultRequest`; a missing limit
 * to the LimitRange's `default` (LimitRanger runs before ResourceQuota).
 */
function containerResources(c: JsonObject, defaults: ContainerDefaults): { requests: Map<string, Quantity>; limits: Map<string, Quantity> } {
  const r = asObject(c.resources);
  const limits = quantities(r?.limits);
  const requests = quantities(r?.requests);
  for (const [k, v] of limits) if (!requests.has(k)) requests.set(k, v);
  for (const [k, v] of defaults.limits ?? []) if (!limits.has(k)) limits.set(k, v);
  for (const [k, v] of defaults.requests ?? []) if (!requests.has(k)) requests.set(k, v);
  return { requests, limits };
}

/**
 * The containers' part of a pod's requests or limits, as Kubernetes aggregates them
 * (`k8s.io/component-helpers/resource` `AggregateContainerRequests`, the sidecar KEP 753 formula):
 * the regular containers and every native sidecar (an init container with `restartPolicy:
 * Always`) run together; each other init container runs beside the sidecars started before it;
 * the pod needs the larger of the two, per resource.
 */
function aggregate(podSpec: JsonObject, pick: (c: JsonObject) => Map<string, Quantity>): Map<string, Quantity> {
  const running = new Map<string, Quantity>();
  for (const c of asArray(podSpec.containers).map(asObject)) if (c) for (const [k, v] of pick(c)) addTo(running, k, v, 1);
  const sidecars = new Map<string, Quantity>();
  const initPeak = new Map<string, Quantity>();
  for (const c of asArray(podSpec.initContainers).map(asObject)) {
    if (!c) continue;
    const own = pick(c);
    if (c.restartPolicy === 'Always') {
      for (const [k, v] of own) {
        addTo(running, k, v, 1);
        addTo(sidecars, k, v, 1);
      }
      maxInto(initPeak, sidecars);
    } else {
      const withSidecars = new Map(sidecars);
      for (const [k, v] of own) addTo(withSidecars, k, v, 1);
      maxInto(initPeak, withSidecars);
    }
  }
  maxInto(running, initPeak);
  return running;
}

/**
 * A pod's effective requests and limits as the scheduler and ResourceQuota count them
 * (`k8s.io/component-helpers/resource` `PodRequests`/`PodLimits`):
 *
 * - the containers' part: regular containers plus native sidecars, or an init container plus the
 *   sidecars started before it, whichever is larger (see {@link aggregate});
 * - pod-level `spec.resources` (PodLevelResources) replaces that for the resources it names (cpu,
 *   memory, hugepages-*). A pod-level limit without a pod-level request defaults the request: to
 *   the pod limit on current Kubernetes, to the containers' requests on older releases — counted
 *   here as the larger of the two, so the budget never undercounts;
 * - a request that is absent defaults to the limit, as the API server does; `defaults` (a
 *   LimitRange's) fill what a container still lacks.
 *
 * Pod overhead (RuntimeClass) is not known from the manifest and is not counted.
 */
export function podResources(podSpec: JsonObject, defaults: ContainerDefaults = {}): {
  /** The pod's effective requests per resource name. */
  requests: Map<string, Quantity>;
  /** The pod's effective limits per resource name. */
  limits: Map<string, Quantity>;
} {
  const resolved = new Map<JsonObject, ReturnType<typeof containerResources>>();
  const of = (c: JsonObject) => {
    let r = resolved.get(c);
    if (!r) resolved.set(c, r = containerResources(c, defaults));
    return r;
  };
  const requests = aggregate(podSpec, (c) => of(c).requests);
  const limits = aggregate(podSpec, (c) => of(c).limits);
  const podLevel = asObject(podSpec.resources);
  const podRequests = [...quantities(podLevel?.requests)].filter(([k]) => isPodLevelResource(k));
  const podLimits = [...quantities(podLevel?.limits)].filter(([k]) => isPodLevelResource(k));
  const containerRequests = new Map(requests);
  for (const [k, v] of podLimits) limits.set(k, v);
  for (const [k, v] of podLimits) {
    const fromContainers = containerRequests.get(k);
    requests.set(k, fromContainers && fromContainers.greaterThan(v) ? fromContainers : v);
  }
  for (const [k, v] of podRequests) requests.set(k, v);
  return { requests, limits };
}

/**
 * The defaults a LimitRange gives containers (LimitRanger applies them at admission, before
 * ResourceQuota counts the pod), after Kubernetes' defaulting of the LimitRange itself: a missing
 * `default` is the `max`, a missing `defaultRequest` the `default`, else the `min`. Items of type
 * Container only; a later item wins, as in LimitRanger.
 */
export function limitRangeDefaults(limitRange: JsonObject | undefined): ContainerDefaults {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  for (const raw of asArray(asObject(limitRange?.spec)?.limits)) {
    const item = asObject(raw);
    if (!item || item.type !== 'Container') continue;
    const def = quantities(item.default);
    for (const [k, v] of quantities(item.max)) if (!def.has(k)) def.set(k, v);
    const req = quantities(item.defaultRequest);
    for (const [k, v] of def) if (!req.has(k)) req.set(k, v);
    for (const [k, v] of quantities(item.min)) if (!req.has(k)) req.set(k, v);
    for (const [k, v] of def) limits.set(k, v);
    for (const [k, v] of req) requests.set(k, v);
  }
  return { requests, limits };
}

/**
 * The worst case of one RayCluster: the head pod plus each worker group's pod × `maxReplicas` ×
 * `numOfHosts`, with the containers KubeRay injects (wait-gcs-ready, the autoscaler, ...), and
 * the namespace's LimitRange defaults for what a container does not state.
 */
export function clusterBudget(rayCluster: JsonObject, defaults: ContainerDefaults = {}): ClusterBudget {
  return workloadBudget(rayCluster, defaults);
}

/**
 * The worst case of a Ray workload: a RayCluster as {@link clusterBudget}; a RayJob's cluster plus
 * its K8sJobMode submitter pod; a RayService's cluster twice unless `upgradeStrategy.type` is
 * `None` (an upgrade builds the new cluster beside the old one). Other kinds count nothing.
 */
export function workloadBudget(doc: JsonObject, defaults: ContainerDefaults = {}): ClusterBudget {
  const totals = emptyTotals();
  const add = (podSpec: unknown, count: number) => {
    const r = podResources(asObject(podSpec) ?? {}, defaults);
    for (const [k, v] of r.requests) addTo(totals.requests, k, v, count);
    for (const [k, v] of r.limits) addTo(totals.limits, k, v, count);
    totals.pods += count;
  };
  const addCluster = (pods: readonly RayPod[], times: number) => {
    for (const pod of pods) add(pod.pod.spec, times * (pod.nodeType === 'head' ? 1 : pod.replicas.max * Math.max(1, pod.replicas.numOfHosts)));
  };
  if (doc.kind === 'RayJob') {
    const model = buildRayJob(doc);
    addCluster(model.rayPods, 1);
    if (model.submitterPod) add(model.submitterPod.pod.spec, 1);
  } else if (doc.kind === 'RayService') {
    const type = asString(asObject(asObject(doc.spec)?.upgradeStrategy)?.type);
    addCluster(buildRayService(doc).rayPods, type === 'None' ? 1 : 2);
  } else if (doc.kind === 'RayCluster' || doc.kind === undefined) {
    addCluster(buildRayPods(doc), 1);
  }
  const metadata = asObject(doc.metadata);
  const kind = doc.kind === 'RayJob' || doc.kind === 'RayService' ? `${String(doc.kind)} ` : '';
  return { cluster: `${kind}${asString(metadata?.namespace) ?? ''}/${asString(metadata?.name) ?? ''}`, totals };
}

/** The `hard` keys of a ResourceQuota this check understands, and how to read them from totals. */
function usedFor(key: string, t: ResourceTotals): Quantity | undefined {
  if (key === 'pods') return Quantity.parse(t.pods);
  if (key.startsWith('requests.')) return t.requests.get(key.slice('requests.'.length)) ?? Quantity.ZERO;
  if (key.startsWith('limits.')) return t.limits.get(key.slice('limits.'.length)) ?? Quantity.ZERO;
  if (key === 'cpu' || key === 'memory' || key === 'ephemeral-storage') return t.requests.get(key) ?? Quantity.ZERO;
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

/** An extended resource the clusters request that the quota does not name. */
export interface UncappedResource {
  /** The resource, e.g. `nvidia.com/gpu`. */
  readonly resource: string;
  /** The quota key that would cap it, `requests.<resource>`. */
  readonly key: string;
  /** The worst case of all clusters. */
  readonly used: string;
  /** Each requesting cluster's share. */
  readonly shares: {
    /** `namespace/name` of the RayCluster. */
    readonly cluster: string;
    /** Its worst case. */
    readonly used: string;
  }[];
}

/**
 * Extended resources (GPUs, any domain-prefixed resource) the clusters request while the quota
 * has no `requests.<name>` for them: Kubernetes quotas only what a quota names, so they would be
 * uncapped.
 */
export function uncappedExtendedResources(clusters: readonly ClusterBudget[], hard: Record<string, unknown>): UncappedResource[] {
  const names = new Set(clusters.flatMap((c) => [...c.totals.requests.keys(), ...c.totals.limits.keys()]));
  const out: UncappedResource[] = [];
  for (const resource of [...names].filter(isExtendedResourceName).sort()) {
    const key = `requests.${resource}`;
    if (key in hard) continue;
    const shares = clusters.map((c) => ({ cluster: c.cluster, q: c.totals.requests.get(resource) ?? c.totals.limits.get(resource) ?? Quantity.ZERO }))
      .filter((s) => !s.q.isZero());
    if (shares.length === 0) continue;
    const used = shares.reduce((a, s) => a.add(s.q), Quantity.ZERO);
    out.push({ resource, key, used: used.toString(), shares: shares.map((s) => ({ cluster: s.cluster, used: s.q.toString() })) });
  }
  return out;
}
