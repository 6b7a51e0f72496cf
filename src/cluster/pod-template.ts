/**
 * Pod-template rendering: a checked group (`resolve.ts`) merged into the user's template, in the
 * generated KubeRay types' form (quantities as `{ value }`). What the construct adds never
 * overwrites an explicit value: an explicit insecure value is kept, and fails validation at synth.
 *
 * Pure and total: everything that can be wrong with the props was refused by `resolve.ts`.
 *
 * @module
 */
import { HEAD_PORTS } from './resolve';
import { EnvVar, MountJson, PortJson, ResolvedContainer, ResolvedGroup, ResolvedQuantityPair, ResolvedResources } from './resolved';
import { GPU_RESOURCE } from '../kuberay/constants';
import { copyJson } from '../shared-render';
import { TenantProfile } from '../tenant';

type Json = Record<string, any>;


/** What a template is rendered for. */
export interface PodTemplateContext {
  /** The tenant. */
  readonly tenant: TenantProfile;
  /** The default image. */
  readonly image: string;
  /** The pods' UID. */
  readonly runAsUser: number;
  /** The pods' GID and fsGroup. */
  readonly runAsGroup: number;
  /** Whether the autoscaler sidecar runs in this pod (it needs the service-account token). */
  readonly autoscalerInPod: boolean;
}

/** Renders one group's pod template. */
export function renderPodTemplate(g: ResolvedGroup, ctx: PodTemplateContext): Json {
  const tenant = ctx.tenant;
  const template: Json = copyJson(g.template);
  const metadata: Json = template.metadata ?? {};
  template.metadata = metadata;
  metadata.labels = { ...g.podLabels, ...(metadata.labels ?? {}) };
  if (metadata.labels.tenant === undefined) metadata.labels.tenant = tenant.name;

  const spec: Json = template.spec ?? {};
  template.spec = spec;
  spec.nodeSelector = { ...g.nodeSelector, ...(spec.nodeSelector ?? {}) };
  if (spec.nodeSelector[tenant.nodeLabelKey] === undefined) spec.nodeSelector[tenant.nodeLabelKey] = tenant.nodeLabelValue;

  const tolerations: Json[] = Array.isArray(spec.tolerations) ? [...spec.tolerations] : [];
  const want = tenant.toleration;
  if (!tolerations.some((t) => t?.key === want.key && (t.operator ?? 'Equal') === 'Equal' && t.value === want.value)) tolerations.push({ ...want });
  if (g.gpus > 0 && !tolerations.some((t) => t?.key === GPU_RESOURCE)) tolerations.push({ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' });
  spec.tolerations = tolerations;

  // Pod-level restricted settings (absent fields only).
  const psc: Json = spec.securityContext ?? {};
  spec.securityContext = psc;
  psc.runAsNonRoot ??= true;
  psc.runAsUser ??= ctx.runAsUser;
  psc.runAsGroup ??= ctx.runAsGroup;
  psc.fsGroup ??= ctx.runAsGroup;
  psc.seccompProfile ??= { type: 'RuntimeDefault' };
  if (g.serviceAccountName !== undefined) spec.serviceAccountName ??= g.serviceAccountName;
  // Ray pods do not call the API server; the head pod's autoscaler sidecar does.
  if (!ctx.autoscalerInPod) spec.automountServiceAccountToken ??= false;

  const volumes: Json[] = [...(Array.isArray(spec.volumes) ? spec.volumes : []), ...copyJson(g.volumes)];
  if (volumes.length > 0) spec.volumes = volumes;

  const containers: Json[] = Array.isArray(spec.containers) ? [...spec.containers] : [];
  if (containers.length === 0) containers.push({ name: g.nodeType === 'head' ? 'ray-head' : 'ray-worker' });
  const ray: Json = { ...containers[0] };
  ray.image ??= ctx.image;
  const ports: readonly PortJson[] = g.ports ?? (g.nodeType === 'head' && !ray.ports ? HEAD_PORTS : []);
  if (ports.length > 0) ray.ports = [...(ray.ports ?? []), ...copyJson(ports)];
  if (g.env.length > 0) ray.env = [...(ray.env ?? []), ...envJson(g.env)];
  if (g.volumeMounts.length > 0) ray.volumeMounts = [...(ray.volumeMounts ?? []), ...copyJson(g.volumeMounts)];
  ray.resources = renderResources(g.resources, ray.resources, tenantDefaults(tenant));
  if (g.gpus > 0) {
    ray.resources.limits = { ...ray.resources.limits, [GPU_RESOURCE]: ray.resources.limits?.[GPU_RESOURCE] ?? { value: g.gpus } };
  }
  ray.securityContext = containerSecurityContext(ray.securityContext);
  containers[0] = ray;
  for (const c of g.sidecars) containers.push(renderContainer(c, tenant));
  spec.containers = containers.map((c, i) => i === 0 ? c : hardenContainer(c, tenant));

  const inits: Json[] = [
    ...(Array.isArray(spec.initContainers) ? spec.initContainers : []),
    ...g.initContainers.map((c) => renderContainer(c, tenant)),
  ];
  if (inits.length > 0) spec.initContainers = inits.map((c) => hardenContainer(c, tenant));
  return template;
}

function tenantDefaults(tenant: TenantProfile): { cpu: string; memory: string } {
  return { cpu: tenant.defaultCpu, memory: tenant.defaultMemory };
}

function envJson(env: readonly EnvVar[]): Json[] {
  return env.map((e) => ({ name: e.name, value: e.value }));
}

function renderContainer(c: ResolvedContainer, tenant: TenantProfile): Json {
  const list = <T>(v: readonly T[] | undefined) => (v === undefined ? undefined : [...v]);
  const nonEmpty = <T>(v: readonly T[]) => (v.length > 0 ? copyJson([...v]) : undefined);
  return {
    name: c.name,
    image: c.image,
    command: list(c.command),
    args: list(c.args),
    env: c.env.length > 0 ? envJson(c.env) : undefined,
    volumeMounts: nonEmpty<MountJson>(c.volumeMounts),
    ports: nonEmpty<PortJson>(c.ports),
    resources: renderResources(c.resources, undefined, tenantDefaults(tenant)),
  };
}

function hardenContainer(c: Json, tenant: TenantProfile): Json {
  return {
    ...c,
    resources: c.resources ?? renderResources(undefined, undefined, tenantDefaults(tenant)),
    securityContext: containerSecurityContext(c.securityContext),
  };
}

/** The restricted container settings, added where absent; explicit values are kept (and judged). */
export function containerSecurityContext(existing: Json | undefined): Json {
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
export function renderResources(given: ResolvedResources | undefined, existing: Json | undefined,
  defaults: { cpu: string; memory: string }): Json {
  const limits: Json = { ...(existing?.limits ?? {}) };
  const requests: Json = { ...(existing?.requests ?? {}) };
  for (const r of ['cpu', 'memory'] as const) {
    const g: ResolvedQuantityPair | undefined = given?.[r];
    if (g?.request !== undefined) requests[r] = { value: g.request };
    if (g?.limit !== undefined) limits[r] = { value: g.limit };
    requests[r] ??= limits[r] ?? { value: defaults[r] };
    limits[r] ??= requests[r];
  }
  return { ...(existing ?? {}), limits, requests };
}
