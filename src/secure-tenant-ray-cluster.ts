import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AutoscalingOptions, AutoscalerVersion, UpscalingMode } from './autoscaling';
import { ClusterSyncWaves, SYNC_WAVE_ANNOTATION, SyncWaves } from './gitops';
import { RayCluster, RayClusterSpec } from '../imports/ray.io';
import { RayClusterNetworkPolicy } from './network/cluster-network-policy';
import { ClusterConnections } from './network/connections';
import { NetworkOptions, validateNetworkOptions } from './network/options';
import { NetworkMode, PinnedPortPlan, pinnedStartParams, planPinnedPorts } from './network/pinned-ports';
import { checkDocument, RULE_IDS } from './policy/engine';
import { RAY_LABELS } from './policy/kuberay-pods';
import { obj } from './policy/paths';
import { Quantity } from './policy/quantity';
import { JsonObject, Violation } from './policy/types';
import { ContainerOptions, ContainerPort, ContainerResources, HeadGroupOptions, RayGroupOptions, WorkerGroupOptions } from './ray-group';
import { copyJson, renderOnce } from './shared-render';
import { describe, isDns1123Label, isLabelKey, isLabelValue, PropsError, requireQuantity, requireString, TenantProfile } from './tenant';
import { RayVolume, VolumeMount } from './volume';

/** The Ray version used when none is given (KubeRay v1.7.0's samples use it). */
export const DEFAULT_RAY_VERSION = '2.52.0';
/** UID of the `ray` user in the rayproject/ray images. */
export const RAY_UID = 1000;
/** GID of the `users` group in the rayproject/ray images. */
export const RAY_GID = 100;

/** The imported RayCluster L1, rendered once per synthesis (validation and output share the render). */
class RayClusterResource extends RayCluster {
  /** The rendered manifest, kept (frozen) while nothing changes: validations share it. */
  public renderForValidation(): any {
    return renderOnce(this, () => super.toJson());
  }

  /** A fresh copy of the kept render. */
  public override toJson(): any {
    return copyJson(this.renderForValidation());
  }
}

/** Properties of {@link SecureTenantRayCluster}. */
export interface SecureTenantRayClusterProps {
  /** The platform's definition of the tenant that owns the cluster. */
  readonly tenant: TenantProfile;
  /**
   * The RayCluster's name (a DNS-1123 label of at most 63 characters).
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * The Ray version.
   * @default DEFAULT_RAY_VERSION ('2.52.0')
   */
  readonly rayVersion?: string;
  /**
   * The image of the Ray containers (and of the autoscaler sidecar).
   * @default `rayproject/ray:<rayVersion>`
   */
  readonly image?: string;
  /**
   * The head group.
   * @default - a head with the tenant's default resources
   */
  readonly head?: HeadGroupOptions;
  /**
   * The worker groups.
   * @default - one group `workers` with one replica
   */
  readonly workerGroups?: WorkerGroupOptions[];
  /**
   * In-tree autoscaling.
   * @default - no autoscaling
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * Network isolation options.
   * @default - pods of the cluster reach each other on every port; DNS egress; nothing else
   */
  readonly network?: NetworkOptions;
  /**
   * Extra labels of the RayCluster (the `tenant` label is always set).
   * @default - only `tenant`
   */
  readonly labels?: Record<string, string>;
  /**
   * ArgoCD sync waves (annotation `argocd.argoproj.io/sync-wave`): policies before the cluster.
   * @default { networkPolicy: -1, rayCluster: 0 }
   */
  readonly syncWaves?: ClusterSyncWaves;
  /**
   * The UID the pods run as.
   * @default RAY_UID (1000, the `ray` user of rayproject/ray images)
   */
  readonly runAsUser?: number;
  /**
   * The GID the pods run as, and their fsGroup.
   * @default RAY_GID (100)
   */
  readonly runAsGroup?: number;
}

type Json = Record<string, any>;

const HEAD_PORTS: ContainerPort[] = [
  { name: 'gcs-server', containerPort: 6379 },
  { name: 'dashboard', containerPort: 8265 },
  { name: 'client', containerPort: 10001 },
];
const GPU_RESOURCE = 'nvidia.com/gpu';
/** KubeRay's default autoscaler resources (requests = limits). */
const AUTOSCALER_DEFAULT = { cpu: '500m', memory: '512Mi' };

/**
 * A KubeRay `RayCluster` for one tenant, secure by construction:
 *
 * - tenant isolation: the `tenant` label and bound annotations on the RayCluster; on every pod
 *   template the tenant label, a nodeSelector for the tenant's nodes and a toleration of its taint;
 *   every container's CPU and memory within the tenant's bounds;
 * - the `restricted` Pod Security Standard on every container that will run, including the
 *   `autoscaler` sidecar KubeRay injects (its securityContext is set explicitly);
 * - a NetworkPolicy that lets the cluster's pods reach each other and DNS, and nothing else.
 *
 * What the construct adds never overwrites an explicit value. At synth it validates what it
 * rendered (after escape-hatch patches) with the same rules as `secure-ray check`, and fails with
 * every violation: field path, value, bound and fix.
 *
 * Escape hatch: `ApiObject.of(cluster.resource)` (construct id `Resource`) or
 * `cluster.resource.addJsonPatch(...)`.
 */
export class SecureTenantRayCluster extends Construct {
  /** The RayCluster (the `cdk8s import`ed L1, at construct id `Resource`). */
  public readonly resource: RayCluster;
  /** The cluster's NetworkPolicy. */
  public readonly networkPolicy: RayClusterNetworkPolicy;
  /** The RayCluster's name. */
  public readonly name: string;
  /** The tenant. */
  public readonly tenant: TenantProfile;
  /**
   * Who may reach the cluster and whom it may reach, besides its own pods and DNS: nothing until
   * declared (`cluster.connections.allowFrom(NetworkPeer.namespace('monitoring'), RayPort.METRICS)`).
   */
  public readonly connections: ClusterConnections = new ClusterConnections(() => this.networkPolicy.ensureHeadPolicy());
  /** The pinned ports, in {@link NetworkMode.PINNED_PORTS}. */
  public readonly pinnedPorts?: PinnedPortPlan;
  /** The last verdict, for the render it judged (cdk8s runs validations more than once per synthesis). */
  private lastVerdict?: { readonly json: unknown; readonly np: unknown; readonly errors: string[] };

  constructor(scope: Construct, id: string, props: SecureTenantRayClusterProps) {
    super(scope, id);
    if (props === null || typeof props !== 'object') {
      throw new PropsError(`${this.node.path}: expected props { tenant, ... }, got ${describe(props)}`);
    }
    if (!(props.tenant instanceof TenantProfile)) {
      throw new PropsError(`${this.node.path}: props.tenant must be a TenantProfile (new TenantProfile({...})), got ${describe(props.tenant)}`);
    }
    const tenant = props.tenant;
    this.tenant = tenant;
    const where = (prop: string) => `${this.node.path}: ${prop}`;
    if (props.name !== undefined) requireString(where('name'), props.name, isDns1123Label, 'a DNS-1123 label of at most 63 characters');
    const rayVersion = props.rayVersion === undefined ? DEFAULT_RAY_VERSION
      : requireString(where('rayVersion'), props.rayVersion, (v) => /^\d+\.\d+\.\d+([-.+][0-9A-Za-z.-]+)?$/.test(v), 'a Ray version such as "2.52.0"');
    const image = props.image === undefined ? `rayproject/ray:${rayVersion}`
      : requireString(where('image'), props.image, (v) => v.trim() === v && v.length > 0, 'an image reference');
    const ctx: RenderContext = {
      tenant,
      image,
      where,
      runAsUser: optionalInt(where('runAsUser'), props.runAsUser, RAY_UID, 1)!,
      runAsGroup: optionalInt(where('runAsGroup'), props.runAsGroup, RAY_GID, 0)!,
    };
    validateNetworkOptions(where('network'), props.network);
    const autoscaling = props.autoscaling;
    if (autoscaling !== undefined && (autoscaling === null || typeof autoscaling !== 'object')) {
      throw new PropsError(`${where('autoscaling')}: expected { idleTimeout?, upscalingMode?, version?, resources? }, got ${describe(autoscaling)}`);
    }
    if (autoscaling && !props.network?.apiServer) {
      throw new PropsError(`${where('network.apiServer')}: autoscaling is on, and the autoscaler sidecar must reach the Kubernetes API server; `
        + 'set network.apiServer: { cidr: \'<API server endpoint IPs>/32\', port: 6443 } (see `kubectl get endpoints kubernetes`)');
    }
    const labels = checkLabels(where('labels'), props.labels);
    const mode = props.network?.mode ?? NetworkMode.ALL_PORTS;
    enumValue(where('network.mode'), mode, NetworkMode as unknown as Record<string, string>);
    this.pinnedPorts = mode === NetworkMode.PINNED_PORTS ? planPinnedPorts(where('network.pinnedPorts'), props.network?.pinnedPorts) : undefined;
    const waves = props.syncWaves ?? {};
    const wave = (k: keyof ClusterSyncWaves, d: number) => String(optionalInt(where(`syncWaves.${k}`), waves[k], d, -1000) ?? d);

    const head = props.head ?? {};
    const workers = props.workerGroups ?? [{ groupName: 'workers' }];
    if (!Array.isArray(workers)) throw new PropsError(`${where('workerGroups')}: expected an array, got ${describe(workers)}`);
    const names = new Set<string>();
    const workerGroupSpecs = workers.map((w, i) => {
      if (w === null || typeof w !== 'object') throw new PropsError(`${where(`workerGroups[${i}]`)}: expected { groupName, ... }, got ${describe(w)}`);
      const groupName = requireString(where(`workerGroups[${i}].groupName`), w.groupName, isDns1123Label, 'a DNS-1123 label');
      if (groupName === 'headgroup') throw new PropsError(`${where(`workerGroups[${i}].groupName`)}: "headgroup" is the name KubeRay gives the head group`);
      if (names.has(groupName)) throw new PropsError(`${where(`workerGroups[${i}].groupName`)}: duplicate group name "${groupName}"`);
      names.add(groupName);
      return renderWorkerGroup(w, i, groupName, ctx, autoscaling !== undefined, this.pinnedPorts);
    });

    const headTemplate = renderTemplate(head, 'head', 'head', ctx, !!autoscaling);
    const spec: Json = {
      rayVersion,
      enableInTreeAutoscaling: autoscaling ? true : undefined,
      autoscalerOptions: autoscaling ? renderAutoscaler(autoscaling, ctx) : undefined,
      headGroupSpec: {
        serviceType: 'ClusterIP',
        rayStartParams: withPinnedPorts(where('head.rayStartParams'), head.rayStartParams, this.pinnedPorts, true, headTemplate),
        template: headTemplate,
      },
      workerGroupSpecs,
    };

    this.resource = new RayClusterResource(this, 'Resource', {
      metadata: {
        ...(props.name !== undefined ? { name: props.name } : {}),
        namespace: tenant.namespace,
        labels: { ...labels, tenant: tenant.name },
        annotations: { ...tenant.bounds, [SYNC_WAVE_ANNOTATION]: wave('rayCluster', SyncWaves.WORKLOAD) },
      },
      spec: prune(spec) as RayClusterSpec,
    });
    this.name = this.resource.name;

    this.networkPolicy = new RayClusterNetworkPolicy(this, 'NetworkPolicy', {
      clusterName: this.name,
      namespace: tenant.namespace,
      labels: { tenant: tenant.name },
      annotations: { [SYNC_WAVE_ANNOTATION]: wave('networkPolicy', SyncWaves.NETWORK_POLICY) },
      network: props.network,
      autoscaling: autoscaling !== undefined,
      connections: this.connections,
      pinnedPorts: this.pinnedPorts,
    });

    this.node.addValidation({ validate: () => this.validateRendered() });
  }

  /**
   * The RayCluster as it will be synthesized (after escape-hatch patches), as plain JSON, for
   * validations: rendered once while nothing changes, and frozen (copy it to change it).
   */
  public renderedManifest(): JsonObject {
    return (this.resource as RayClusterResource).renderForValidation() as JsonObject;
  }

  /**
   * Judges what was rendered (after any escape-hatch patch) with the policy engine: all three
   * rules, the tenant's definition as the source of bounds, and the restricted standard.
   */
  private validateRendered(): string[] {
    const json = this.renderedManifest();
    // cdk8s validates again inside each chart's synthesis; the same render has the same verdict.
    const np = this.networkPolicy.renderForValidation() as JsonObject;
    if (this.lastVerdict && this.lastVerdict.json === json && this.lastVerdict.np === np) return this.lastVerdict.errors;
    const errors = this.judge(json, np);
    this.lastVerdict = { json, np, errors };
    return errors;
  }

  private judge(json: JsonObject, np: JsonObject): string[] {
    const result = checkDocument(json, { tenants: [this.tenant.toDefinition()], pssLevel: 'restricted', pssVersion: 'latest' });
    const violations: Violation[] = RULE_IDS.flatMap((r) => result.rules[r].violations);
    violations.push(...this.checkNetworkPolicy(json, np));
    if (this.pinnedPorts) violations.push(...this.checkPinnedPorts(json, this.pinnedPorts));
    return violations.map(formatViolation);
  }

  /** In pinned-ports mode the rendered rayStartParams must still pin what the policy opens. */
  private checkPinnedPorts(cluster: JsonObject, plan: PinnedPortPlan): Violation[] {
    const spec = obj(cluster.spec) ?? {};
    const groups = [
      { path: 'spec.headGroupSpec', group: obj(spec.headGroupSpec), head: true },
      ...(Array.isArray(spec.workerGroupSpecs) ? spec.workerGroupSpecs : []).map((g, i) => ({ path: `spec.workerGroupSpecs[${i}]`, group: obj(g), head: false })),
    ];
    const out: Violation[] = [];
    for (const { path, group, head } of groups) {
      const params = obj(group?.rayStartParams) ?? {};
      for (const [k, v] of Object.entries(pinnedStartParams(plan, head))) {
        if (params[k] !== v) {
          out.push({
            rule: 'generate-network-policies',
            path: `${path}.rayStartParams["${k}"]`,
            value: params[k],
            bound: v,
            message: 'pinned-ports mode opens only the pinned ports; this parameter no longer matches, so the NetworkPolicy would block Ray',
            fix: 'remove the patch, or change the port through network.pinnedPorts',
          });
        }
      }
    }
    return out;
  }

  private checkNetworkPolicy(cluster: JsonObject, np: JsonObject): Violation[] {
    const spec = obj(np.spec) ?? {};
    const name = obj(cluster.metadata)?.name;
    const out: Violation[] = [];
    const selected = obj(obj(spec.podSelector)?.matchLabels)?.[RAY_LABELS.cluster];
    if (selected !== name) {
      out.push({
        rule: 'generate-network-policies',
        path: `NetworkPolicy ${String(obj(np.metadata)?.name)}: spec.podSelector.matchLabels["ray.io/cluster"]`,
        value: selected,
        bound: String(name),
        message: 'the NetworkPolicy does not select the cluster\'s pods',
        fix: 'remove the patch that changed the policy\'s podSelector',
      });
    }
    const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
    if (!types.includes('Ingress') || !types.includes('Egress')) {
      out.push({
        rule: 'generate-network-policies',
        path: `NetworkPolicy ${String(obj(np.metadata)?.name)}: spec.policyTypes`,
        value: spec.policyTypes,
        bound: '[Ingress, Egress]',
        message: 'the NetworkPolicy must isolate both ingress and egress',
        fix: 'set spec.policyTypes: [Ingress, Egress]',
      });
    }
    if (obj(np.metadata)?.namespace !== obj(cluster.metadata)?.namespace) {
      out.push({
        rule: 'generate-network-policies',
        path: `NetworkPolicy ${String(obj(np.metadata)?.name)}: metadata.namespace`,
        value: obj(np.metadata)?.namespace,
        bound: String(obj(cluster.metadata)?.namespace),
        message: 'the NetworkPolicy is not in the RayCluster\'s namespace',
        fix: 'keep the policy in the cluster\'s namespace',
      });
    }
    return out;
  }
}

/** One violation as one line of a synth error. */
export function formatViolation(v: Violation): string {
  const value = v.value === undefined ? '' : ` = ${JSON.stringify(v.value)}`;
  const context = v.context ? ` [${v.context}]` : '';
  const bound = v.bound ? ` (bound: ${v.bound})` : '';
  const fix = v.fix ? ` Fix: ${v.fix}.` : '';
  return `${v.rule}: ${v.path}${value}${context}: ${v.message}${bound}.${fix}`;
}

interface RenderContext {
  readonly tenant: TenantProfile;
  readonly image: string;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly where: (prop: string) => string;
}

function renderWorkerGroup(w: WorkerGroupOptions, i: number, groupName: string, ctx: RenderContext, autoscaling: boolean,
  pinned: PinnedPortPlan | undefined): Json {
  const p = (k: string) => ctx.where(`workerGroups[${i}].${k}`);
  const replicas = optionalInt(p('replicas'), w.replicas, undefined, 0);
  const min = optionalInt(p('minReplicas'), w.minReplicas, autoscaling ? 0 : (replicas ?? 1), 0)!;
  const desired = replicas ?? Math.max(min, autoscaling ? min : 1);
  const max = optionalInt(p('maxReplicas'), w.maxReplicas, autoscaling ? Math.max(desired, min, 1) : desired, 0)!;
  if (min > max) throw new PropsError(`${p('minReplicas')}: minReplicas ${min} is greater than maxReplicas ${max}`);
  if (desired < min || desired > max) throw new PropsError(`${p('replicas')}: replicas ${desired} is outside [minReplicas ${min}, maxReplicas ${max}]`);
  const template = renderTemplate(w, `workerGroups[${i}]`, 'worker', ctx, false);
  return {
    groupName,
    replicas: desired,
    minReplicas: min,
    maxReplicas: max,
    rayStartParams: withPinnedPorts(p('rayStartParams'), w.rayStartParams, pinned, false, template),
    template,
  };
}

/**
 * The group's `rayStartParams`, with the pinned ports added in pinned-ports mode. A parameter the
 * user set to another value is an error (the policy would not match it), and the worker range
 * must hold the group's CPUs: one port per worker process, actor and driver.
 */
function withPinnedPorts(prop: string, given: Record<string, string> | undefined, plan: PinnedPortPlan | undefined,
  head: boolean, template: Json): Record<string, string> {
  const params = stringMap(prop, given);
  if (!plan) return params;
  for (const [k, v] of Object.entries(pinnedStartParams(plan, head))) {
    if (params[k] !== undefined && params[k] !== v) {
      throw new PropsError(`${prop}.${k}: "${params[k]}" conflicts with pinned-ports mode (${v}); set the port through network.pinnedPorts`);
    }
    params[k] = v;
  }
  const cpus = params['num-cpus'] !== undefined ? Number(params['num-cpus'])
    : Number((Quantity.tryParse(template.spec?.containers?.[0]?.resources?.limits?.cpu?.value)?.toMilliCeil() ?? 0n) + 999n) / 1000;
  const cpuCount = Math.floor(cpus);
  const size = plan.maxWorker - plan.minWorker + 1;
  if (Number.isFinite(cpuCount) && size < cpuCount + 1) {
    throw new PropsError(`${prop}: the pinned worker range ${plan.minWorker}-${plan.maxWorker} has ${size} ports, fewer than the group's ${cpuCount} CPUs plus a driver; `
      + 'every worker process, actor and driver takes a port and a full range hangs jobs; widen network.pinnedPorts.minWorkerPort/maxWorkerPort');
  }
  return params;
}

function renderAutoscaler(a: AutoscalingOptions, ctx: RenderContext): Json {
  const p = (k: string) => ctx.where(`autoscaling.${k}`);
  if (a.idleTimeout !== undefined && !(a.idleTimeout instanceof Duration)) {
    throw new PropsError(`${p('idleTimeout')}: expected a Duration (Duration.seconds(60)), got ${describe(a.idleTimeout)}`);
  }
  enumValue(p('upscalingMode'), a.upscalingMode, UpscalingMode);
  enumValue(p('version'), a.version, AutoscalerVersion);
  const t = ctx.tenant;
  const clamp = (value: string, min: string, max: string) => {
    const q = Quantity.parse(value);
    if (q.lessThan(Quantity.parse(min))) return min;
    if (q.greaterThan(Quantity.parse(max))) return max;
    return value;
  };
  const defaults = {
    cpu: clamp(AUTOSCALER_DEFAULT.cpu, t.bounds.minCpu, t.bounds.maxCpu),
    memory: clamp(AUTOSCALER_DEFAULT.memory, t.bounds.minMemory, t.bounds.maxMemory),
  };
  return {
    idleTimeoutSeconds: (a.idleTimeout ?? Duration.seconds(60)).toSeconds(),
    upscalingMode: a.upscalingMode ?? UpscalingMode.DEFAULT,
    version: a.version ?? AutoscalerVersion.V2,
    image: ctx.image,
    resources: renderResources(p('resources'), a.resources, undefined, defaults),
    securityContext: containerSecurityContext(undefined),
  };
}

/** Builds a pod template in the generated types' form, adding only what is absent. */
function renderTemplate(g: RayGroupOptions & { template?: unknown }, prop: string, nodeType: 'head' | 'worker', ctx: RenderContext, autoscalerInPod: boolean): Json {
  const p = (k: string) => ctx.where(`${prop}.${k}`);
  if (g === null || typeof g !== 'object') throw new PropsError(`${ctx.where(prop)}: expected an object, got ${describe(g)}`);
  const template: Json = g.template === undefined ? {} : cloneTemplate(p('template'), g.template);
  const tenant = ctx.tenant;
  const metadata: Json = objectAt(p('template.metadata'), template.metadata);
  template.metadata = metadata;
  metadata.labels = { ...checkLabels(p('podLabels'), g.podLabels), ...(metadata.labels ?? {}) };
  if (metadata.labels.tenant === undefined) metadata.labels.tenant = tenant.name;

  const spec: Json = objectAt(p('template.spec'), template.spec);
  template.spec = spec;
  spec.nodeSelector = { ...checkLabels(p('nodeSelector'), g.nodeSelector), ...(spec.nodeSelector ?? {}) };
  if (spec.nodeSelector[tenant.nodeLabelKey] === undefined) spec.nodeSelector[tenant.nodeLabelKey] = tenant.nodeLabelValue;

  const gpus = optionalInt(p('gpus'), g.gpus, 0, 0)!;
  const tolerations: Json[] = Array.isArray(spec.tolerations) ? [...spec.tolerations] : [];
  const want = tenant.toleration;
  if (!tolerations.some((t) => t.key === want.key && (t.operator ?? 'Equal') === 'Equal' && t.value === want.value)) tolerations.push({ ...want });
  if (gpus > 0 && !tolerations.some((t) => t.key === GPU_RESOURCE)) tolerations.push({ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' });
  spec.tolerations = tolerations;

  // Pod-level restricted settings (absent fields only).
  const psc: Json = objectAt(p('template.spec.securityContext'), spec.securityContext);
  spec.securityContext = psc;
  psc.runAsNonRoot ??= true;
  psc.runAsUser ??= ctx.runAsUser;
  psc.runAsGroup ??= ctx.runAsGroup;
  psc.fsGroup ??= ctx.runAsGroup;
  psc.seccompProfile ??= { type: 'RuntimeDefault' };
  if (g.serviceAccountName !== undefined) {
    spec.serviceAccountName ??= requireString(p('serviceAccountName'), g.serviceAccountName, isDns1123Subdomain, 'a service account name');
  }
  // Ray pods do not call the API server; the head pod's autoscaler sidecar does.
  if (!autoscalerInPod) spec.automountServiceAccountToken ??= false;

  const volumes: Json[] = Array.isArray(spec.volumes) ? [...spec.volumes] : [];
  for (const [i, v] of listAt(p('volumes'), g.volumes).entries()) {
    if (!(v instanceof RayVolume)) throw new PropsError(`${p(`volumes[${i}]`)}: expected a RayVolume (RayVolume.emptyDir(...), .configMap, .secret, .persistentVolumeClaim), got ${describe(v)}`);
    if (volumes.some((x) => x.name === v.name)) throw new PropsError(`${p(`volumes[${i}]`)}: duplicate volume name "${v.name}"`);
    volumes.push(v._render());
  }
  if (volumes.length > 0) spec.volumes = volumes;
  const volumeNames = new Set(volumes.map((v) => v.name));

  const containers: Json[] = Array.isArray(spec.containers) ? [...spec.containers] : [];
  if (containers.length === 0) containers.push({ name: nodeType === 'head' ? 'ray-head' : 'ray-worker' });
  const ray: Json = { ...containers[0] };
  ray.image ??= ctx.image;
  const ports = g.ports ?? (nodeType === 'head' && !ray.ports ? HEAD_PORTS : []);
  if (ports.length > 0) ray.ports = [...(ray.ports ?? []), ...renderPorts(p('ports'), ports)];
  const env = renderEnv(p('env'), g.env);
  if (env.length > 0) ray.env = [...(ray.env ?? []), ...env];
  const mounts = renderMounts(p('volumeMounts'), g.volumeMounts, volumeNames);
  if (mounts.length > 0) ray.volumeMounts = [...(ray.volumeMounts ?? []), ...mounts];
  ray.resources = renderResources(p('resources'), g.resources, ray.resources, { cpu: tenant.defaultCpu, memory: tenant.defaultMemory });
  if (gpus > 0) {
    ray.resources.limits = { ...ray.resources.limits, [GPU_RESOURCE]: ray.resources.limits?.[GPU_RESOURCE] ?? { value: gpus } };
  }
  ray.securityContext = containerSecurityContext(ray.securityContext);
  containers[0] = ray;
  for (const [i, c] of listAt(p('sidecars'), g.sidecars).entries()) containers.push(renderContainer(p(`sidecars[${i}]`), c, ctx, volumeNames));
  spec.containers = containers.map((c, i) => i === 0 ? c : hardenContainer(c, ctx));

  const inits: Json[] = Array.isArray(spec.initContainers) ? [...spec.initContainers] : [];
  for (const [i, c] of listAt(p('initContainers'), g.initContainers).entries()) inits.push(renderContainer(p(`initContainers[${i}]`), c, ctx, volumeNames));
  if (inits.length > 0) spec.initContainers = inits.map((c) => hardenContainer(c, ctx));
  const names = new Set<string>();
  for (const c of [...spec.containers, ...inits]) {
    if (names.has(c.name)) throw new PropsError(`${ctx.where(prop)}: two containers are named "${c.name}"; container and init container names must be unique in a pod`);
    names.add(c.name);
  }
  return template;
}

function renderContainer(prop: string, c: ContainerOptions, ctx: RenderContext, volumeNames: Set<string>): Json {
  if (c === null || typeof c !== 'object') throw new PropsError(`${prop}: expected { name, ... }, got ${describe(c)}`);
  const name = requireString(`${prop}.name`, c.name, isDns1123Label, 'a DNS-1123 label');
  const list = (k: string, v: unknown) => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new PropsError(`${prop}.${k}: expected an array of strings, got ${describe(v)}`);
    return [...v];
  };
  const env = renderEnv(`${prop}.env`, c.env);
  const mounts = renderMounts(`${prop}.volumeMounts`, c.volumeMounts, volumeNames);
  const ports = renderPorts(`${prop}.ports`, c.ports ?? []);
  return {
    name,
    image: c.image === undefined ? ctx.image : requireString(`${prop}.image`, c.image, (v) => v.length > 0, 'an image reference'),
    command: list('command', c.command),
    args: list('args', c.args),
    env: env.length > 0 ? env : undefined,
    volumeMounts: mounts.length > 0 ? mounts : undefined,
    ports: ports.length > 0 ? ports : undefined,
    resources: renderResources(`${prop}.resources`, c.resources, undefined, { cpu: ctx.tenant.defaultCpu, memory: ctx.tenant.defaultMemory }),
  };
}

function hardenContainer(c: Json, ctx: RenderContext): Json {
  return {
    ...c,
    resources: c.resources ?? renderResources('', undefined, undefined, { cpu: ctx.tenant.defaultCpu, memory: ctx.tenant.defaultMemory }),
    securityContext: containerSecurityContext(c.securityContext),
  };
}

/** The restricted container settings, added where absent; explicit values are kept (and judged). */
function containerSecurityContext(existing: Json | undefined): Json {
  const sc: Json = { ...(existing ?? {}) };
  sc.allowPrivilegeEscalation ??= false;
  const caps: Json = { ...(sc.capabilities ?? {}) };
  caps.drop ??= ['ALL'];
  sc.capabilities = caps;
  sc.runAsNonRoot ??= true;
  sc.seccompProfile ??= { type: 'RuntimeDefault' };
  return sc;
}

/**
 * Requests and limits of cpu and memory, in the generated types' form (`{ value }`). An absent
 * request is the limit, else the default; an absent limit is the request. Explicit values are kept.
 */
function renderResources(prop: string, given: ContainerResources | undefined, existing: Json | undefined,
  defaults: { cpu: string; memory: string }): Json {
  if (given !== undefined && (given === null || typeof given !== 'object')) throw new PropsError(`${prop}: expected { cpu?, memory? }, got ${describe(given)}`);
  const limits: Json = { ...(existing?.limits ?? {}) };
  const requests: Json = { ...(existing?.requests ?? {}) };
  for (const r of ['cpu', 'memory'] as const) {
    const g = given?.[r];
    if (g !== undefined && (g === null || typeof g !== 'object')) throw new PropsError(`${prop}.${r}: expected { request?, limit? }, got ${describe(g)}`);
    if (g?.request !== undefined) { requireQuantity(`${prop}.${r}.request`, g.request); requests[r] = { value: g.request }; }
    if (g?.limit !== undefined) { requireQuantity(`${prop}.${r}.limit`, g.limit); limits[r] = { value: g.limit }; }
    requests[r] ??= limits[r] ?? { value: defaults[r] };
    limits[r] ??= requests[r];
  }
  return { ...(existing ?? {}), limits, requests };
}

function renderPorts(prop: string, ports: ContainerPort[]): Json[] {
  if (!Array.isArray(ports)) throw new PropsError(`${prop}: expected an array of { containerPort, name?, protocol? }, got ${describe(ports)}`);
  return ports.map((port, i) => {
    const n = port?.containerPort;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) throw new PropsError(`${prop}[${i}].containerPort: expected a port number 1-65535, got ${describe(n)}`);
    if (port.name !== undefined) requireString(`${prop}[${i}].name`, port.name, (v) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) && v.length <= 15 && /[a-z]/.test(v), 'an IANA service name (at most 15 lowercase characters)');
    enumValue(`${prop}[${i}].protocol`, port.protocol, { TCP: 'TCP', UDP: 'UDP', SCTP: 'SCTP' });
    return { containerPort: n, ...(port.name ? { name: port.name } : {}), ...(port.protocol ? { protocol: port.protocol } : {}) };
  });
}

function renderEnv(prop: string, env: Record<string, string> | undefined): Json[] {
  return Object.entries(stringMap(prop, env)).map(([name, value]) => {
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) throw new PropsError(`${prop}: ${JSON.stringify(name)} is not a valid environment variable name`);
    return { name, value };
  });
}

function renderMounts(prop: string, mounts: VolumeMount[] | undefined, volumeNames: Set<string>): Json[] {
  if (mounts === undefined) return [];
  if (!Array.isArray(mounts)) throw new PropsError(`${prop}: expected an array, got ${describe(mounts)}`);
  return mounts.map((m, i) => {
    const name = m?.volume instanceof RayVolume ? m.volume.name : m?.volume;
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

function stringMap(prop: string, map: Record<string, string> | undefined): Record<string, string> {
  if (map === undefined) return {};
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw new PropsError(`${prop}: expected a map of strings, got ${describe(map)}`);
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') throw new PropsError(`${prop}.${k}: expected a string, got ${describe(v)}`);
  }
  return { ...map };
}

function checkLabels(prop: string, labels: Record<string, string> | undefined): Record<string, string> {
  const map = stringMap(prop, labels);
  for (const [k, v] of Object.entries(map)) {
    if (!isLabelKey(k)) throw new PropsError(`${prop}: ${JSON.stringify(k)} is not a valid label key`);
    if (!isLabelValue(v)) throw new PropsError(`${prop}.${k}: ${JSON.stringify(v)} is not a valid label value`);
  }
  return map;
}

function optionalInt(prop: string, value: unknown, fallback: number | undefined, min: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new PropsError(`${prop}: expected an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

function enumValue(prop: string, value: unknown, e: Record<string, string>): void {
  if (value !== undefined && !Object.values(e).includes(value as string)) {
    throw new PropsError(`${prop}: ${JSON.stringify(value)} is not one of ${Object.values(e).join(', ')}`);
  }
}

/** The value as an object to fill in (a fresh one when absent); a PropsError when it is not an object. */
function objectAt(prop: string, value: unknown): Json {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PropsError(`${prop}: expected an object, got ${describe(value)}`);
  return value as Json;
}

/** The value as a list (empty when absent); a PropsError when it is not an array. */
function listAt<T>(prop: string, value: T[] | undefined): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new PropsError(`${prop}: expected an array, got ${describe(value)}`);
  return value;
}

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

function isDns1123Subdomain(v: string): boolean {
  return v.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v);
}

/** A deep copy of a user's template (plain data; IntOrString wrappers keep their `value`). */
function cloneTemplate(prop: string, template: unknown): Json {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw new PropsError(`${prop}: expected a pod template object, got ${describe(template)}`);
  }
  const copy = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return Array.from(v, (x, i) => copy(x, `${path}[${i}]`));
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

/** Drops undefined fields (so the rendered spec has only what was set). */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v !== null && typeof v === 'object') {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = prune(x);
    return out;
  }
  return v;
}
