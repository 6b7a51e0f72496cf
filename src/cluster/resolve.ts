/**
 * Props checking and defaults of the Ray cluster config, apart from rendering: every prop is
 * checked here, once, at construction, and the result is an immutable {@link ResolvedClusterConfig}
 * the renderers read. Changing a props object after construction changes nothing.
 *
 * @module
 */
import { DEFAULT_RAY_VERSION, RAY_GID, RAY_UID, RayAuthentication, RayClusterConfig } from './config';
import {
  EnvVar, MountJson, PortJson, ResolvedAutoscaling, ResolvedClusterConfig, ResolvedContainer, ResolvedGroup, ResolvedQuantityPair, ResolvedResources,
} from './resolved';
import { AutoscalerVersion, AutoscalingOptions, UpscalingMode } from '../autoscaling';
import { GPU_RESOURCE, HEAD_GROUP_NAME, INJECTED_RESOURCES, RAY_PORTS } from '../kuberay/constants';
import { isDns1123Label, isDns1123Subdomain, isEnvVarName, isIanaServiceName } from '../kubernetes/names';
import { Quantity } from '../kubernetes/quantity';
import { ResolvedNetwork } from '../network/options';
import { LIBRARY_LABEL_PREFIX } from '../policy/library-labels';
import { PinnedPortPlan, pinnedStartParams } from '../policy/pinned-ports';
import { ContainerOptions, ContainerPort, ContainerResources, Protocol, RayGroupOptions, WorkerGroupOptions } from '../ray-group';
import { TenantProfile } from '../tenant';
import {
  checkLabels, describe, enumValue, listAt, objectAt, optionalInt, PropsError, requirePort, requireQuantity, requireString,
  stringMap,
} from '../validation';
import { RayVolume, VolumeMount } from '../volume';

type Json = Record<string, any>;

/** The Ray container's ports on the head when none are given. */
export const HEAD_PORTS: readonly PortJson[] = [
  { name: 'gcs-server', containerPort: RAY_PORTS.gcs },
  { name: 'dashboard', containerPort: RAY_PORTS.dashboard },
  { name: 'client', containerPort: RAY_PORTS.client },
];

/**
 * Kubernetes field names the generated types spell differently (`hostPID` is `hostPid`): in a
 * template they would be dropped without a word when the L1 renders, so they are refused.
 */
const KUBERNETES_SPELLINGS: Record<string, string> = {
  hostPID: 'hostPid',
  hostIPC: 'hostIpc',
  hostIP: 'hostIp',
  clusterIP: 'clusterIp',
  loadBalancerIP: 'loadBalancerIp',
  setHostnameAsFQDN: 'setHostnameAsFqdn',
  volumeID: 'volumeId',
  pdID: 'pdId',
  diskURI: 'diskUri',
  datasetUUID: 'datasetUuid',
  storagePolicyID: 'storagePolicyId',
  targetWWNs: 'targetWwNs',
};

const RAY_VERSION = /^\d+\.\d+\.\d+([-.+][0-9A-Za-z.-]+)?$/;

/** The first Ray release with token authentication (KubeRay refuses `authOptions.mode: token` below it). */
const TOKEN_AUTH_MIN_RAY = '2.52.0';

/** Compares the major.minor.patch of two Ray versions. */
function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[-+]/)[0].split('.').slice(0, 3).map((x) => Number.parseInt(x, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** True when `x` looks like a cdk8s `Duration` (of any copy of cdk8s: no `instanceof`). */
function isDuration(x: unknown): x is { toSeconds(): number } {
  return typeof x === 'object' && x !== null && typeof (x as { toSeconds?: unknown }).toSeconds === 'function';
}

/**
 * Checks a Ray cluster config and applies its defaults. Throws a {@link PropsError} naming the
 * prop for anything malformed.
 */
export function resolveClusterConfig(where: (prop: string) => string, tenant: TenantProfile, config: RayClusterConfig,
  network: ResolvedNetwork, extras: ClusterExtras = {}): ResolvedClusterConfig {
  const rayVersion = config.rayVersion === undefined ? DEFAULT_RAY_VERSION
    : requireString(where('rayVersion'), config.rayVersion, (v) => RAY_VERSION.test(v), 'a Ray version such as "2.52.0"');
  const image = config.image === undefined ? `rayproject/ray:${rayVersion}`
    : requireString(where('image'), config.image, (v) => v.trim() === v && v.length > 0, 'an image reference');
  const runAsUser = optionalInt(where('runAsUser'), config.runAsUser, RAY_UID, 1);
  const runAsGroup = optionalInt(where('runAsGroup'), config.runAsGroup, RAY_GID, 0);
  const autoscaling = resolveAutoscaling(where, tenant, config.autoscaling);
  if (autoscaling && !network.apiServer) {
    throw new PropsError(`${where('network.apiServer')}: autoscaling is on, and the autoscaler sidecar must reach the Kubernetes API server; `
      + 'set network.apiServer: { cidr: \'<API server endpoint IPs>/32\', port: 6443 } (see `kubectl get endpoints kubernetes`)');
  }
  const authentication = enumValue(where('authentication'), config.authentication, RayAuthentication) ?? RayAuthentication.TOKEN;
  if (authentication === RayAuthentication.TOKEN && compareVersions(rayVersion, TOKEN_AUTH_MIN_RAY) < 0) {
    throw new PropsError(`${where('authentication')}: Ray token authentication needs Ray ${TOKEN_AUTH_MIN_RAY} or newer (rayVersion is ${rayVersion}); `
      + 'use a newer Ray, or set authentication: RayAuthentication.NONE and accept that anything reaching the dashboard port can run code');
  }
  const ctx: GroupContext = { where, tenant, image, pinned: network.pinnedPorts, autoscaling: autoscaling !== undefined, extras };

  const head = resolveGroup(ctx, config.head ?? {}, 'head', 'head', HEAD_GROUP_NAME);
  const workerProps = config.workerGroups ?? [{ groupName: 'workers' }];
  if (!Array.isArray(workerProps)) throw new PropsError(`${where('workerGroups')}: expected an array, got ${describe(workerProps)}`);
  const names = new Set<string>();
  const workers = Array.from(workerProps, (w: WorkerGroupOptions, i) => {
    const prop = `workerGroups[${i}]`;
    if (w === null || typeof w !== 'object') throw new PropsError(`${where(prop)}: expected { groupName, ... }, got ${describe(w)}`);
    const groupName = requireString(where(`${prop}.groupName`), w.groupName, isDns1123Label, 'a DNS-1123 label');
    if (groupName === HEAD_GROUP_NAME) throw new PropsError(`${where(`${prop}.groupName`)}: "${HEAD_GROUP_NAME}" is the name KubeRay gives the head group`);
    if (names.has(groupName)) throw new PropsError(`${where(`${prop}.groupName`)}: duplicate group name "${groupName}"`);
    names.add(groupName);
    return resolveGroup(ctx, w, prop, 'worker', groupName);
  });
  return Object.freeze({
    where, tenant, rayVersion, image, runAsUser, runAsGroup, head, workers, autoscaling, pinnedPorts: network.pinnedPorts, authentication,
  });
}

interface GroupContext {
  readonly where: (prop: string) => string;
  readonly tenant: TenantProfile;
  readonly image: string;
  readonly pinned?: PinnedPortPlan;
  readonly autoscaling: boolean;
  readonly extras: ClusterExtras;
}

/** What a kind adds to every cluster it renders (a RayJob's or RayService's selector label, a RayService's serve port). */
export interface ClusterExtras {
  /** Labels every pod template gets; the user may not set these keys. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Ports the head's Ray container gets besides its own (e.g. `serve`). */
  readonly headPorts?: readonly PortJson[];
}

function resolveAutoscaling(where: (prop: string) => string, tenant: TenantProfile,
  a: AutoscalingOptions | undefined): ResolvedAutoscaling | undefined {
  if (a === undefined) return undefined;
  if (a === null || typeof a !== 'object') {
    throw new PropsError(`${where('autoscaling')}: expected { idleTimeout?, upscalingMode?, version?, resources? }, got ${describe(a)}`);
  }
  const p = (k: string) => where(`autoscaling.${k}`);
  let idleTimeoutSeconds = 60;
  if (a.idleTimeout !== undefined) {
    if (!isDuration(a.idleTimeout)) throw new PropsError(`${p('idleTimeout')}: expected a Duration (Duration.seconds(60)), got ${describe(a.idleTimeout)}`);
    try {
      idleTimeoutSeconds = a.idleTimeout.toSeconds();
    } catch (e) {
      throw new PropsError(`${p('idleTimeout')}: ${String((e as Error)?.message ?? e)}; give a whole number of seconds`);
    }
  }
  const upscalingMode = enumValue(p('upscalingMode'), a.upscalingMode, UpscalingMode) ?? UpscalingMode.DEFAULT;
  const version = enumValue(p('version'), a.version, AutoscalerVersion) ?? AutoscalerVersion.V2;
  const resources = resolveBoundedResources(p('resources'), tenant, a.resources, INJECTED_RESOURCES.autoscaler.limits);
  return Object.freeze({ idleTimeoutSeconds, upscalingMode, version, resources });
}

function resolveGroup(ctx: GroupContext, g: RayGroupOptions & { template?: unknown }, prop: string, nodeType: 'head' | 'worker', groupName: string): ResolvedGroup {
  const where = ctx.where;
  const p = (k: string) => where(`${prop}.${k}`);
  if (g === null || typeof g !== 'object') throw new PropsError(`${where(prop)}: expected an object, got ${describe(g)}`);
  const template = g.template === undefined ? {} : cloneTemplate(p('template'), g.template);
  const templateSpec = objectAt(p('template.spec'), template.spec);
  const templateLabels = objectAt(p('template.metadata.labels'), objectAt(p('template.metadata'), template.metadata).labels);
  withoutLibraryLabels(p('template.metadata.labels'), templateLabels);
  objectAt(p('template.spec.securityContext'), templateSpec.securityContext);

  const replicas = nodeType === 'worker' ? resolveReplicas(p, g as WorkerGroupOptions, ctx.autoscaling) : undefined;
  const gpus = optionalInt(p('gpus'), g.gpus, 0, 0);
  const maxGpus = ctx.tenant.bounds.extendedResources?.[GPU_RESOURCE];
  if (gpus > 0 && maxGpus === undefined) {
    throw new PropsError(`${p('gpus')}: tenant "${ctx.tenant.name}" may not use GPUs (its bounds.extendedResources has no ${GPU_RESOURCE}); `
      + 'ask the platform team to grant them, or remove gpus');
  }
  if (maxGpus !== undefined && Quantity.parse(String(gpus)).greaterThan(Quantity.parse(maxGpus))) {
    throw new PropsError(`${p('gpus')}: ${gpus} is more than tenant "${ctx.tenant.name}" allows per container (${maxGpus})`);
  }
  const resources = resolveResources(p('resources'), g.resources);

  const templateVolumes: Json[] = Array.isArray(templateSpec.volumes) ? templateSpec.volumes : [];
  const volumes: Json[] = [];
  listAt(p('volumes'), g.volumes).forEach((v, i) => {
    if (!RayVolume.isRayVolume(v)) throw new PropsError(`${p(`volumes[${i}]`)}: expected a RayVolume (RayVolume.emptyDir(...), .configMap, .secret, .persistentVolumeClaim), got ${describe(v)}`);
    if ([...templateVolumes, ...volumes].some((x) => x?.name === v.name)) throw new PropsError(`${p(`volumes[${i}]`)}: duplicate volume name "${v.name}"`);
    volumes.push(v._render());
  });
  const volumeNames = new Set([...templateVolumes, ...volumes].map((v) => v?.name));

  const sidecars = listAt(p('sidecars'), g.sidecars).map((c, i) => resolveContainer(`${p(`sidecars[${i}]`)}`, c, ctx, volumeNames));
  const initContainers = listAt(p('initContainers'), g.initContainers).map((c, i) => resolveContainer(`${p(`initContainers[${i}]`)}`, c, ctx, volumeNames));

  // Container names must be unique in the pod: the template's (or the default Ray container), then ours.
  const containers: Json[] = Array.isArray(templateSpec.containers) ? templateSpec.containers : [];
  const inits: Json[] = Array.isArray(templateSpec.initContainers) ? templateSpec.initContainers : [];
  const containerNames = [
    ...(containers.length > 0 ? containers.map((c) => c?.name) : [nodeType === 'head' ? 'ray-head' : 'ray-worker']),
    ...sidecars.map((c) => c.name),
    ...inits.map((c) => c?.name),
    ...initContainers.map((c) => c.name),
  ];
  const seen = new Set<unknown>();
  for (const name of containerNames) {
    if (seen.has(name)) throw new PropsError(`${where(prop)}: two containers are named "${String(name)}"; container and init container names must be unique in a pod`);
    seen.add(name);
  }

  const serviceAccountName = g.serviceAccountName === undefined ? undefined
    : requireString(p('serviceAccountName'), g.serviceAccountName, isDns1123Subdomain, 'a service account name');
  const ray: Json = containers[0] ?? {};
  const rayStartParams = withPinnedPorts(p('rayStartParams'), g.rayStartParams, ctx.pinned, nodeType === 'head',
    effectiveLimit(resources?.cpu, ray.resources, 'cpu') ?? ctx.tenant.defaultCpu);

  return Object.freeze({
    prop,
    nodeType,
    groupName,
    replicas,
    template,
    resources,
    gpus,
    rayStartParams,
    env: resolveEnv(p('env'), g.env),
    volumes,
    volumeMounts: resolveMounts(p('volumeMounts'), g.volumeMounts, volumeNames),
    ports: nodeType === 'head' && ctx.extras.headPorts
      ? withExtraPorts(g.ports === undefined ? (ray.ports === undefined ? HEAD_PORTS : []) : resolvePorts(p('ports'), g.ports), ray, ctx.extras.headPorts)
      : g.ports === undefined ? undefined : resolvePorts(p('ports'), g.ports),
    sidecars,
    initContainers,
    nodeSelector: checkLabels(p('nodeSelector'), g.nodeSelector),
    podLabels: { ...withoutLibraryLabels(p('podLabels'), checkLabels(p('podLabels'), g.podLabels)), ...(ctx.extras.podLabels ?? {}) },
    serviceAccountName,
  });
}

function resolveReplicas(p: (k: string) => string, w: WorkerGroupOptions, autoscaling: boolean): { desired: number; min: number; max: number } {
  const replicas = optionalInt(p('replicas'), w.replicas, undefined, 0);
  const min = optionalInt(p('minReplicas'), w.minReplicas, autoscaling ? 0 : (replicas ?? 1), 0);
  const desired = replicas ?? Math.max(min, autoscaling ? min : 1);
  const max = optionalInt(p('maxReplicas'), w.maxReplicas, autoscaling ? Math.max(desired, min, 1) : desired, 0);
  if (min > max) throw new PropsError(`${p('minReplicas')}: minReplicas ${min} is greater than maxReplicas ${max}`);
  if (desired < min || desired > max) throw new PropsError(`${p('replicas')}: replicas ${desired} is outside [minReplicas ${min}, maxReplicas ${max}]`);
  return { desired, min, max };
}

function resolveContainer(prop: string, c: ContainerOptions, ctx: GroupContext, volumeNames: Set<unknown>): ResolvedContainer {
  if (c === null || typeof c !== 'object') throw new PropsError(`${prop}: expected { name, ... }, got ${describe(c)}`);
  const name = requireString(`${prop}.name`, c.name, isDns1123Label, 'a DNS-1123 label');
  const list = (k: string, v: unknown) => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new PropsError(`${prop}.${k}: expected an array of strings, got ${describe(v)}`);
    return Object.freeze([...v]) as readonly string[];
  };
  return Object.freeze({
    name,
    image: c.image === undefined ? ctx.image : requireString(`${prop}.image`, c.image, (v) => v.length > 0, 'an image reference'),
    command: list('command', c.command),
    args: list('args', c.args),
    env: resolveEnv(`${prop}.env`, c.env),
    volumeMounts: resolveMounts(`${prop}.volumeMounts`, c.volumeMounts, volumeNames),
    ports: resolvePorts(`${prop}.ports`, c.ports ?? []),
    resources: resolveResources(`${prop}.resources`, c.resources),
  });
}

export function resolveResources(prop: string, given: ContainerResources | undefined): ResolvedResources | undefined {
  if (given === undefined) return undefined;
  if (given === null || typeof given !== 'object') throw new PropsError(`${prop}: expected { cpu?, memory? }, got ${describe(given)}`);
  const out: { cpu?: ResolvedQuantityPair; memory?: ResolvedQuantityPair } = {};
  for (const r of ['cpu', 'memory'] as const) {
    const g = given[r];
    if (g === undefined) continue;
    if (g === null || typeof g !== 'object') throw new PropsError(`${prop}.${r}: expected { request?, limit? }, got ${describe(g)}`);
    if (g.request !== undefined) requireQuantity(`${prop}.${r}.request`, g.request);
    if (g.limit !== undefined) requireQuantity(`${prop}.${r}.limit`, g.limit);
    out[r] = { request: g.request, limit: g.limit };
  }
  return Object.freeze(out);
}

/** Fills absent requests and limits: an absent request is the limit, else the default; an absent limit is the request. */
/**
 * The resources of a container the library adds (the autoscaler sidecar, a RayJob's submitter):
 * the given ones, else KubeRay's defaults moved into the tenant's bounds (request = limit).
 */
export function resolveBoundedResources(prop: string, tenant: TenantProfile, given: ContainerResources | undefined,
  defaults: { readonly cpu: string; readonly memory: string }): ResolvedResources {
  const clamp = (value: string, min: string, max: string) => {
    const q = Quantity.parse(value);
    if (q.lessThan(Quantity.parse(min))) return min;
    if (q.greaterThan(Quantity.parse(max))) return max;
    return value;
  };
  const b = tenant.bounds;
  return withDefaults(resolveResources(prop, given), {
    cpu: clamp(defaults.cpu, b.minCpu, b.maxCpu),
    memory: clamp(defaults.memory, b.minMemory, b.maxMemory),
  });
}

function withDefaults(given: ResolvedResources | undefined, defaults: { cpu: string; memory: string }): ResolvedResources {
  const pair = (g: ResolvedQuantityPair | undefined, d: string): ResolvedQuantityPair => {
    const request = g?.request ?? g?.limit ?? d;
    return { request, limit: g?.limit ?? request };
  };
  return { cpu: pair(given?.cpu, defaults.cpu), memory: pair(given?.memory, defaults.memory) };
}

/** The limit a resource will have once rendered (see `renderResources`), when it can be known now. */
function effectiveLimit(given: ResolvedQuantityPair | undefined, existing: Json | undefined, r: 'cpu' | 'memory'): string | undefined {
  const value = (v: unknown) => (v !== null && typeof v === 'object' ? (v as Json).value : v) as string | undefined;
  return given?.limit ?? value(existing?.limits?.[r]) ?? given?.request ?? value(existing?.requests?.[r]);
}

function resolvePorts(prop: string, ports: ContainerPort[]): PortJson[] {
  if (!Array.isArray(ports)) throw new PropsError(`${prop}: expected an array of { containerPort, name?, protocol? }, got ${describe(ports)}`);
  return Array.from(ports, (port, i) => {
    const n = requirePort(`${prop}[${i}].containerPort`, port?.containerPort);
    if (port.name !== undefined) requireString(`${prop}[${i}].name`, port.name, isIanaServiceName, 'an IANA service name (at most 15 lowercase characters)');
    enumValue(`${prop}[${i}].protocol`, port.protocol, Protocol);
    return { containerPort: n, ...(port.name ? { name: port.name } : {}), ...(port.protocol ? { protocol: port.protocol } : {}) };
  });
}

function resolveEnv(prop: string, env: Record<string, string> | undefined): EnvVar[] {
  return Object.entries(stringMap(prop, env)).map(([name, value]) => {
    if (!isEnvVarName(name)) throw new PropsError(`${prop}: ${JSON.stringify(name)} is not a valid environment variable name`);
    return { name, value };
  });
}

function resolveMounts(prop: string, mounts: VolumeMount[] | undefined, volumeNames: Set<unknown>): MountJson[] {
  return listAt(prop, mounts).map((m, i) => {
    const name = RayVolume.isRayVolume(m?.volume) ? m.volume.name : m?.volume;
    if (typeof name !== 'string' || !volumeNames.has(name)) throw new PropsError(`${prop}[${i}].volume: ${JSON.stringify(name)} is not a volume of this pod (add it to volumes)`);
    requireString(`${prop}[${i}].mountPath`, m.mountPath, (v) => v.startsWith('/'), 'an absolute path');
    return {
      name,
      mountPath: m.mountPath,
      ...(m.readOnly !== undefined ? { readOnly: m.readOnly } : {}),
      ...(m.subPath !== undefined ? { subPath: m.subPath } : {}),
    };
  });
}

/**
 * The group's `rayStartParams`, with the pinned ports added in pinned-ports mode. A parameter the
 * user set to another value is an error (the policy would not match it), and the worker range
 * must hold the group's CPUs: one port per worker process, actor and driver.
 */
function withPinnedPorts(prop: string, given: Record<string, string> | undefined, plan: PinnedPortPlan | undefined,
  head: boolean, cpuLimit: string): Record<string, string> {
  const params = stringMap(prop, given);
  if (!plan) return params;
  for (const [k, v] of Object.entries(pinnedStartParams(plan, head))) {
    if (params[k] !== undefined && params[k] !== v) {
      throw new PropsError(`${prop}.${k}: "${params[k]}" conflicts with pinned-ports mode (${v}); set the port through network.pinnedPorts`);
    }
    params[k] = v;
  }
  const cpus = params['num-cpus'] !== undefined ? Number(params['num-cpus'])
    : Number((Quantity.tryParse(cpuLimit)?.toMilliCeil() ?? 0n) + 999n) / 1000;
  const cpuCount = Math.floor(cpus);
  const size = plan.maxWorker - plan.minWorker + 1;
  if (Number.isFinite(cpuCount) && size < cpuCount + 1) {
    throw new PropsError(`${prop}: the pinned worker range ${plan.minWorker}-${plan.maxWorker} has ${size} ports, fewer than the group's ${cpuCount} CPUs plus a driver; `
      + 'every worker process, actor and driver takes a port and a full range hangs jobs; widen network.pinnedPorts.minWorkerPort/maxWorkerPort');
  }
  return params;
}

/**
 * A deep copy of a user's template (plain data; IntOrString wrappers keep their `value`), with
 * Kubernetes spellings and empty list entries refused.
 */
function cloneTemplate(prop: string, template: unknown): Json {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw new PropsError(`${prop}: expected a pod template object, got ${describe(template)}`);
  }
  const copy = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) {
      return Array.from(v, (x, i) => {
        // A hole (sparse array) or null renders as `null`, which no Kubernetes list accepts.
        if (x === undefined || x === null) throw new PropsError(`${path}[${i}]: an empty entry (${x === null ? 'null' : 'a hole in a sparse array'}) in a list; remove it`);
        return copy(x, `${path}[${i}]`);
      });
    }
    if (v !== null && typeof v === 'object') {
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) {
        if (KUBERNETES_SPELLINGS[k]) {
          throw new PropsError(`${path}.${k}: the generated types spell this field ${KUBERNETES_SPELLINGS[k]}; written as ${k} it would be dropped silently`);
        }
        out[k] = copy(x, `${path}.${k}`);
      }
      return out;
    }
    return v;
  };
  return copy(template, prop) as Json;
}

/** The given ports plus the kind's extra head ports, unless a port of that name is already there (given or in the template). */
function withExtraPorts(given: readonly PortJson[], ray: Json, extra: readonly PortJson[]): PortJson[] {
  const names = new Set([...given.map((x) => x.name), ...(Array.isArray(ray.ports) ? ray.ports.map((x: Json) => x?.name) : [])]);
  return [...given, ...extra.filter((x) => !names.has(x.name))];
}

/**
 * The labels, refusing `secure-ray.io/*` keys: the library sets them on the pods of RayJobs and RayServices and
 * selects by them; a pod of another workload that carried one would join that workload's policies.
 */
function withoutLibraryLabels<T extends Readonly<Record<string, unknown>>>(prop: string, labels: T): T {
  for (const k of Object.keys(labels)) {
    if (k.startsWith(LIBRARY_LABEL_PREFIX)) {
      throw new PropsError(`${prop}: ${JSON.stringify(k)} is a label the library owns: the NetworkPolicies of RayJobs and RayServices select their pods by `
        + `${LIBRARY_LABEL_PREFIX}* labels, and it sets them itself; remove it`);
    }
  }
  return labels;
}
