/**
 * `enforce-tenant-isolation`, on the pods KubeRay will build from a RayCluster.
 *
 * @module
 */
import { buildRayPods, INJECTED_CONTAINERS, InjectedContainer, RayPod } from '../../kuberay';
import { asArray, asObject, asString, JsonObject, JsonValue } from '../../kubernetes/json';
import { PodSource } from '../../kubernetes/pod';
import { TENANT_LABEL, TenantDefinition, tenantNamespace } from '../tenant-definition';
import { Violation } from '../types';
import { Bounds, checkPodLevelResources, checkResources, readBounds } from './bounds';
import { checkExposure } from './exposure';
import { checkExtendedResources } from './extended';
import { checkPinning, checkTolerations, Placement, readPlacement } from './placement';

const RULE = 'enforce-tenant-isolation' as const;

/** Options of {@link checkTenantIsolation}. */
export interface TenantIsolationOptions {
  /**
   * The platform's tenant definitions by name. When given, a RayCluster's bounds, namespace, node
   * label, taint and exposure come from its tenant's definition (they win over the RayCluster's
   * own annotations), and a tenant that is not defined fails.
   * @default - bounds from the RayCluster's `minCpu`/`maxCpu`/`minMemory`/`maxMemory` (and `maxExtendedResources`) annotations,
   * placement from its `nodeLabelKey`/`nodeLabelValue`/`taintKey`/`taintValue`/`taintEffect` annotations (else `tenant=<tenant>`)
   */
  readonly tenants?: ReadonlyMap<string, TenantDefinition>;
  /**
   * The pods KubeRay builds from the RayCluster, when the caller has them already.
   * @default - built here with `buildRayPods`
   */
  readonly pods?: readonly RayPod[];
  /**
   * Where the cluster's spec is in the document the user wrote: `spec` for a RayCluster,
   * `spec.rayClusterSpec` for a RayJob, `spec.rayClusterConfig` for a RayService (the pods' paths
   * must point there too).
   * @default 'spec'
   */
  readonly specPath?: string;
}

/** What the checks of one document share: its tenant, the tenant's definition and bounds. */
export interface TenantContext {
  /** The `tenant` label, when it is a non-empty string. */
  readonly tenant?: string;
  /** The tenant's definition, when tenants were given and it is defined. */
  readonly def?: TenantDefinition;
  /** The bounds (from the definition, else the annotations), when they are complete. */
  readonly bounds?: Bounds;
  /** The node label and taint the pods must select and tolerate (from the definition, else the annotations, else `tenant=<tenant>`). */
  readonly placement: Placement;
}

/**
 * `enforce-tenant-isolation`: what the seed's Kyverno rule meant, judged on what will run — the
 * pods KubeRay builds from the head group and every worker group, their containers, init
 * containers and the containers KubeRay injects:
 *
 * - the RayCluster has a `tenant` label, lives in the tenant's namespace (a missing namespace fails
 *   when the tenant is defined), and every pod carries the same `tenant` label — the label KubeRay
 *   really puts on the pod: the group's `labels`, merged over the template's;
 * - pods are pinned to the tenant's nodes: a nodeSelector `<key>: <value>`, or a required node
 *   affinity whose every term requires `<key> In [<value>]` (that tenant only);
 * - pods tolerate the tenant's taint, and no toleration matches other tenants' taints; the GPU
 *   taint only on pods that request GPUs;
 * - every container has CPU and memory limits <= the tenant's max and requests >= its min, with
 *   requests <= limits; missing values fail; every extended resource (GPUs) within the tenant's
 *   bound for it, and none without one; no `NVIDIA_VISIBLE_DEVICES` without a GPU request.
 *   Quantities are compared exactly. Pod-level `spec.resources` is refused: it replaces the
 *   containers' sum for the resources it names, which per-container bounds cannot judge;
 * - the head Service stays ClusterIP, without external IPs or node ports, and no Ingress, unless
 *   the tenant's definition allows exposure.
 *
 * Bounds and placement come from the tenant definition when one is given, else from the
 * RayCluster's annotations (the construct stamps both); missing or unparseable bounds fail, an
 * unusable placement annotation fails, and without placement annotations the node label and taint
 * are `tenant=<tenant>`.
 */
export function checkTenantIsolation(rayCluster: JsonObject, options: TenantIsolationOptions = {}): Violation[] {
  const out: Violation[] = [];
  const ctx = checkTenantMetadata(rayCluster, options.tenants, out);
  const { tenant, def, bounds, placement } = ctx;
  const specPath = options.specPath ?? 'spec';
  const spec = asObject(rayCluster.spec) ?? {};
  const pods = options.pods ?? buildRayPods(rayCluster);
  const podOf = new Map(pods.map((p) => [p.groupPath, p]));

  const groups: { path: string; group: JsonObject | undefined }[] = [
    { path: `${specPath}.headGroupSpec`, group: asObject(spec.headGroupSpec) },
    // Array.from, not map: a sparse array (from JavaScript callers) must not leave holes here.
    ...Array.from(asArray(spec.workerGroupSpecs), (g, i) => ({ path: `${specPath}.workerGroupSpecs[${i}]`, group: asObject(g) })),
  ];
  for (const { path, group } of groups) {
    if (!group) {
      out.push({ rule: RULE, path, message: 'the group is missing or not an object', fix: 'define the group with a pod template' });
      continue;
    }
    const tpath = `${path}.template`;
    const podSpec = asObject(asObject(group.template)?.spec) ?? {};
    if (tenant) checkPodTenantLabel(podOf.get(path), group, path, tenant, out);
    checkPlacement(podSpec, `${tpath}.spec`, placement, out);
    checkPodLevelResources(podSpec, `${tpath}.spec`, out);
    for (const list of ['initContainers', 'containers'] as const) {
      asArray(podSpec[list]).forEach((c, i) => {
        const container = asObject(c) ?? {};
        checkResources(asObject(container.resources), `${tpath}.spec.${list}[${i}].resources`, `container "${asString(container.name) ?? i}"`, bounds, true, out);
      });
    }
  }

  // The containers KubeRay injects run in the same pods: the autoscaler's resources are the
  // user's to set (spec.autoscalerOptions.resources); the others are fixed by the operator and only
  // their limits are held against the tenant's maximum.
  if (bounds) {
    for (const pod of pods) {
      for (const injected of pod.injected) {
        const list = asArray(asObject(pod.pod.spec)?.[injected.list]);
        const container = list.map(asObject).find((c) => c && c.name === injected.name);
        if (!container) continue;
        if (injected.name === INJECTED_CONTAINERS.autoscaler) {
          const userResources = asObject(asObject(spec.autoscalerOptions)?.resources);
          checkResources(userResources ?? asObject(container.resources), `${specPath}.autoscalerOptions.resources`,
            userResources ? 'the autoscaler sidecar' : `the autoscaler sidecar (KubeRay's default resources; ${specPath}.autoscalerOptions.resources is unset)`, bounds, true, out);
        } else {
          checkResources(asObject(container.resources), `${pod.groupPath}.template.spec`,
            `the "${injected.name}" container KubeRay injects`, bounds, false, out);
        }
      }
    }
  }
  checkExtendedResources(pods, bounds, out);
  if (def?.allowExposure !== true) checkExposure(spec, specPath, tenant, out);
  return out;
}

/**
 * The document-level part of `enforce-tenant-isolation`: a `tenant` label, a defined tenant (when
 * tenants are given), the tenant's namespace (a missing one fails), the bounds and the placement.
 * Returns what the pod-level checks need.
 */
export function checkTenantMetadata(doc: JsonObject, tenants: ReadonlyMap<string, TenantDefinition> | undefined, out: Violation[]): TenantContext {
  const metadata = asObject(doc.metadata) ?? {};
  const labels = asObject(metadata.labels);
  const annotations = asObject(metadata.annotations);
  const tenantValue = labels?.[TENANT_LABEL];
  const tenant = asString(tenantValue);
  const kind = asString(doc.kind) ?? 'object';
  if (tenant === undefined || tenant === '') {
    out.push({
      rule: RULE,
      path: 'metadata.labels.tenant',
      value: tenantValue,
      message: `the ${kind} has no "tenant" label, so it cannot be tied to a tenant's nodes and bounds`,
      fix: 'add metadata.labels.tenant: <tenant name>',
    });
  }
  const def = tenant !== undefined ? tenants?.get(tenant) : undefined;
  if (tenant && tenants && !def) {
    out.push({
      rule: RULE,
      path: 'metadata.labels.tenant',
      value: tenant,
      message: `tenant "${tenant}" is not defined in the tenants file`,
      bound: `one of: ${[...tenants.keys()].join(', ') || '(none)'}`,
      fix: 'use a defined tenant, or ask the platform team to define it',
    });
  }
  if (def && metadata.namespace !== tenantNamespace(def)) {
    const ns = tenantNamespace(def);
    out.push({
      rule: RULE,
      path: 'metadata.namespace',
      value: metadata.namespace as JsonValue,
      message: metadata.namespace === undefined || metadata.namespace === ''
        ? `the ${kind} has no namespace: it would land in whatever namespace kubectl or Argo CD defaults to, not tenant "${tenant}"'s "${ns}"`
        : `tenant "${tenant}" may only use namespace "${ns}"`,
      bound: ns,
      fix: `set metadata.namespace: ${ns}`,
    });
  }
  const bounds = readBounds(def, tenant, annotations, out);
  const placement = readPlacement(def, tenant, annotations, out);
  return { ...(tenant ? { tenant } : {}), ...(def ? { def } : {}), ...(bounds ? { bounds } : {}), placement };
}

function checkPlacement(podSpec: JsonObject, path: string, p: Placement, out: Violation[]): void {
  if (p.nodeValue) checkPinning(podSpec, path, p.nodeKey, p.nodeValue, out);
  if (p.taintValue !== undefined) checkTolerations(podSpec, path, p.taintKey, p.taintValue, p.taintEffect, out);
}

/** A pod KubeRay creates outside a RayCluster (a RayJob's submitter), as the rules see it. */
export interface TenantPod {
  /** The pod (`{ metadata, spec }`). */
  readonly pod: JsonObject;
  /** Where its parts come from in the user's document. */
  readonly source: PodSource;
  /** The containers KubeRay invented in it. */
  readonly injected: readonly InjectedContainer[];
  /** What it is, for messages (`the submitter pod`). */
  readonly what: string;
}

/**
 * `enforce-tenant-isolation` on a pod KubeRay creates beside the cluster (a RayJob's K8sJobMode
 * submitter): the tenant label, pinned to the tenant's nodes, the tenant's toleration only, every
 * container's CPU and memory within the bounds, extended resources and `NVIDIA_VISIBLE_DEVICES`.
 */
export function checkTenantPod(p: TenantPod, ctx: TenantContext, out: Violation[]): void {
  const spec = asObject(p.pod.spec) ?? {};
  const label = asObject(asObject(p.pod.metadata)?.labels)?.[TENANT_LABEL];
  if (ctx.tenant && label !== ctx.tenant) {
    out.push({
      rule: RULE,
      path: `${p.source.metadataPath}.labels.tenant`,
      value: label,
      message: `${p.what} has ${label === undefined ? 'no "tenant" label' : `the tenant label "${String(label)}"`}, not the workload's tenant "${ctx.tenant}"`,
      bound: ctx.tenant,
      fix: `set ${p.source.metadataPath}.labels.tenant: ${ctx.tenant}`,
    });
  }
  checkPlacement(spec, p.source.specPath, ctx.placement, out);
  checkPodLevelResources(spec, p.source.specPath, out);
  for (const list of ['initContainers', 'containers'] as const) {
    asArray(spec[list]).forEach((c, i) => {
      const container = asObject(c) ?? {};
      const path = p.source.containerPaths?.[list]?.[i] ?? `${p.source.specPath}.${list}[${i}]`;
      const injected = p.injected.find((x) => x.list === list && x.name === container.name);
      const who = injected ? `the "${injected.name}" container KubeRay creates in ${p.what}` : `container "${asString(container.name) ?? i}" of ${p.what}`;
      checkResources(asObject(container.resources), `${path}.resources`, who, ctx.bounds, true, out);
    });
  }
  checkExtendedResources([{ pod: p.pod, source: p.source, injected: [...p.injected] }], ctx.bounds, out);
}

/**
 * The `tenant` label of the pods KubeRay builds for a group: the template's labels with the
 * group's `labels` merged over them (`mergeLabels`, then `labelPod`).
 */
function checkPodTenantLabel(pod: RayPod | undefined, group: JsonObject, path: string, tenant: string, out: Violation[]): void {
  const actual = asObject(asObject(pod?.pod.metadata)?.labels)?.[TENANT_LABEL];
  if (actual === tenant) return;
  const fromGroup = asObject(group.labels)?.[TENANT_LABEL] !== undefined;
  const at = fromGroup ? `${path}.labels.tenant` : `${path}.template.metadata.labels.tenant`;
  out.push({
    rule: RULE,
    path: at,
    value: actual,
    message: fromGroup
      ? `the group's labels put tenant=${String(actual)} on its pods (KubeRay merges them over the template's labels), not the RayCluster's tenant "${tenant}"`
      : actual === undefined ? 'the pod template has no "tenant" label' : `the pod template's tenant label differs from the RayCluster's ("${tenant}")`,
    bound: tenant,
    fix: fromGroup ? `remove ${at}, or set it to ${tenant}` : `set ${at}: ${tenant}`,
  });
}

export { checkServiceExposure, refuseExposure } from './exposure';
