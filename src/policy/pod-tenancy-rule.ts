/**
 * `enforce-tenant-isolation` for a plain Pod in a tenant's namespace: the same placement, bounds
 * and GPU rules as for the pods KubeRay builds from a RayCluster, on the pod as it will run —
 * whoever made it (a person, a Job controller, the KubeRay operator). The admission policies of
 * `policy/cel/` say the same thing in CEL; `test/policy/cel/differential.test.ts` holds the two
 * to the same verdicts.
 *
 * @module
 */
import { INJECTED_CONTAINERS, RAY_LABELS } from '../kuberay';
import { TENANT_LABEL, TenantDefinition, tenantNamespace } from './tenant-definition';
import { asArray, asObject, asString, JsonObject } from '../kubernetes/json';
import { POD_SOURCE } from '../kubernetes/pod';
import { checkPodLevelResources, checkResources, readBounds } from './tenant-isolation/bounds';
import { checkExtendedResources } from './tenant-isolation/extended';
import { checkPinning, checkTolerations } from './tenant-isolation/placement';
import { Violation } from './types';

const RULE = 'enforce-tenant-isolation' as const;

/**
 * The containers KubeRay injects with fixed resources (`wait-gcs-ready`, the mTLS init container,
 * the history collector). In a pod KubeRay built, their requests may be below the tenant's minimum
 * (the tenant cannot resize them); only their limits are held against the maximum, as the
 * RayCluster rule does.
 */
export const FIXED_INJECTED_CONTAINERS: readonly string[] = [
  INJECTED_CONTAINERS.waitGcsReady,
  INJECTED_CONTAINERS.tlsInit,
  INJECTED_CONTAINERS.historyCollector,
];

/**
 * The label that marks a pod KubeRay built (`ray.io/node-type`, always set by the operator). At
 * admission only the KubeRay operator (and the workload controllers, from templates the same
 * admission policy guards) may set `ray.io/*` pod labels, so the label stands for the operator.
 */
export const KUBERAY_POD_LABEL = RAY_LABELS.nodeType;

/** The tenant whose namespace this is, if any. */
export function tenantOfNamespace(namespace: string | undefined,
  tenants: ReadonlyMap<string, TenantDefinition> | undefined): TenantDefinition | undefined {
  if (namespace === undefined || namespace === '' || tenants === undefined) return undefined;
  for (const def of tenants.values()) if (tenantNamespace(def) === namespace) return def;
  return undefined;
}

/**
 * Pod tenancy: a Pod whose `metadata.namespace` is a tenant's namespace must
 *
 * - carry no `tenant` label other than the tenant's name (none at all is fine);
 * - be pinned to the tenant's nodes: a nodeSelector `<key>: <value>`, or a required node affinity
 *   whose every term requires `<key> In [<value>]`;
 * - tolerate the tenant's taint, with no `Exists` toleration on the tenant key or without a key,
 *   and no other value of the tenant key; the GPU taint only when the pod requests GPUs;
 * - give every container and init container CPU and memory requests >= the tenant's minimum and
 *   limits <= its maximum, requests <= limits, none missing (KubeRay's fixed injected containers
 *   in a pod KubeRay built: limits only). Ephemeral containers are exempt from this: the API
 *   forbids resources on them, and they run inside the pod's cgroup;
 * - use extended resources (GPUs) only within the tenant's bounds, in every container including
 *   ephemeral ones, and set `NVIDIA_VISIBLE_DEVICES` only with a `nvidia.com/gpu` request.
 *
 * Not judged here (admission only, it depends on who asks): `ray.io/*` labels from anyone but the
 * KubeRay operator. A pod outside every tenant's namespace, or without a namespace, is not judged.
 */
export function checkPodTenancy(pod: JsonObject, def: TenantDefinition): Violation[] {
  const out: Violation[] = [];
  const metadata = asObject(pod.metadata) ?? {};
  const labels = asObject(metadata.labels) ?? {};
  const tenantLabel = labels[TENANT_LABEL];
  if (tenantLabel !== undefined && tenantLabel !== def.name) {
    out.push({
      rule: RULE,
      path: 'metadata.labels.tenant',
      value: tenantLabel,
      message: `the pod claims tenant "${String(tenantLabel)}" in tenant "${def.name}"'s namespace`,
      bound: def.name,
      fix: `set metadata.labels.tenant: ${def.name}, or remove it`,
    });
  }
  const spec = asObject(pod.spec) ?? {};
  checkPinning(spec, 'spec', def.nodeLabelKey ?? TENANT_LABEL, def.nodeLabelValue ?? def.name, out);
  checkTolerations(spec, 'spec', def.taintKey ?? TENANT_LABEL, def.taintValue ?? def.name, def.taintEffect, out);
  checkPodLevelResources(spec, 'spec', out);
  const bounds = readBounds(def, def.name, undefined, out);
  const builtByKubeRay = labels[KUBERAY_POD_LABEL] !== undefined;
  for (const list of ['initContainers', 'containers'] as const) {
    asArray(spec[list]).forEach((c, i) => {
      const container = asObject(c) ?? {};
      const name = asString(container.name);
      const fixed = builtByKubeRay && name !== undefined && FIXED_INJECTED_CONTAINERS.includes(name);
      const path = `spec.${list}[${i}].resources`;
      checkResources(asObject(container.resources), path, fixed ? `the "${name}" container KubeRay injects` : `container "${name ?? i}"`,
        bounds, !fixed, out);
    });
  }
  checkExtendedResources([{ pod, source: POD_SOURCE, injected: [] }], bounds, out);
  return out;
}
