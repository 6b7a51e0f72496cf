/**
 * Extended resources and GPU isolation, on every container of every pod KubeRay builds (the
 * injected ones included):
 *
 * - each extended resource (`nvidia.com/gpu`, any domain-prefixed resource) within the tenant's
 *   bound for it; a resource the tenant has no bound for may not be used;
 * - no `NVIDIA_VISIBLE_DEVICES` in a container that requests no GPU: with the NVIDIA container
 *   runtime it makes every GPU of the node visible (`all`), whatever the scheduler allotted;
 * - the GPU taint (`nvidia.com/gpu`) tolerated only by pods that request GPUs.
 *
 * @module
 */
import { GPU_RESOURCE, RayPod } from '../../kuberay';
import { asArray, asObject, asString, childPath, JsonObject, JsonValue } from '../../kubernetes/json';
import { CONTAINER_KINDS, ContainerKind } from '../../kubernetes/pod';
import { Quantity } from '../../kubernetes/quantity';
import { Violation } from '../types';
import { Bounds } from './bounds';

const RULE = 'enforce-tenant-isolation' as const;

/** The env var that selects GPUs in the NVIDIA container runtime. */
export const NVIDIA_VISIBLE_DEVICES = 'NVIDIA_VISIBLE_DEVICES';

/** True for an extended resource name (domain-prefixed, not one of Kubernetes' own). */
export function isExtendedResource(name: string): boolean {
  return name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');
}

/** The amount of a resource a container gets: its limit, else its request (extended resources are not overcommitted). */
function amount(resources: JsonObject | undefined, name: string): { raw: JsonValue | undefined; q: Quantity | undefined } {
  const raw = asObject(resources?.limits)?.[name] ?? asObject(resources?.requests)?.[name];
  return { raw, q: Quantity.tryParse(raw) };
}

/** The container's path in the user's document (KubeRay's injected containers map to where their settings come from). */
function containerPath(pod: JudgedPod, list: ContainerKind, i: number): string {
  return pod.source.containerPaths?.[list]?.[i] ?? `${pod.source.specPath}.${list}[${i}]`;
}

/** What {@link checkExtendedResources} reads of a pod: a pod KubeRay builds, or a plain Pod (no injected containers). */
export type JudgedPod = Pick<RayPod, 'pod' | 'source' | 'injected'>;

/** Extended resources, `NVIDIA_VISIBLE_DEVICES` and the GPU toleration of the pods. */
export function checkExtendedResources(pods: readonly JudgedPod[], bounds: Bounds | undefined, out: Violation[]): void {
  const seen = new Set<string>();
  const push = (v: Violation) => {
    const key = `${v.path}\u0000${v.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  };
  for (const pod of pods) {
    const spec = asObject(pod.pod.spec) ?? {};
    let podRequestsGpu = false;
    // Ephemeral containers too (a plain Pod after `kubectl debug`; KubeRay builds none): the API
    // forbids resources on them, but not NVIDIA_VISIBLE_DEVICES.
    for (const list of CONTAINER_KINDS) {
      asArray(spec[list]).forEach((c, i) => {
        const container = asObject(c) ?? {};
        const resources = asObject(container.resources);
        const path = containerPath(pod, list, i);
        const injected = pod.injected.find((x) => x.list === list && x.name === container.name);
        const who = injected ? `the "${injected.name}" container KubeRay injects` : `container "${asString(container.name) ?? i}"`;
        const names = new Set([...Object.keys(asObject(resources?.limits) ?? {}), ...Object.keys(asObject(resources?.requests) ?? {})]);
        for (const name of [...names].filter(isExtendedResource).sort()) {
          const { raw, q } = amount(resources, name);
          if (!q || q.isNegative()) {
            push({
              rule: RULE,
              path: childPath(`${path}.resources.limits`, name),
              value: raw,
              message: `${who}: ${name} ${JSON.stringify(raw)} is not a valid Kubernetes quantity`,
              fix: 'write a whole number such as 1',
            });
            continue;
          }
          if (q.isZero()) continue;
          if (name === GPU_RESOURCE) podRequestsGpu = true;
          if (!bounds) continue;
          const max = bounds.extended.get(name);
          const at = childPath(`${path}.resources.limits`, name);
          if (max === undefined) {
            push({
              rule: RULE,
              path: at,
              value: raw,
              message: `${who} asks for ${name}, which the tenant may not use`,
              bound: 'none (not in the tenant\'s extendedResources)',
              fix: `remove ${name}, or ask the platform team to add it to the tenant's bounds.extendedResources`,
            });
          } else if (q.greaterThan(max)) {
            push({
              rule: RULE,
              path: at,
              value: raw,
              message: `${who}: ${name} ${String(raw)} exceeds the tenant's maximum ${max.toString()}`,
              bound: `<= ${max.toString()}`,
              fix: `lower it to at most ${max.toString()}`,
            });
          }
        }
        const gpu = amount(resources, GPU_RESOURCE).q;
        if (!gpu || gpu.isZero()) {
          asArray(container.env).forEach((e, k) => {
            if (asObject(e)?.name !== NVIDIA_VISIBLE_DEVICES) return;
            push({
              rule: RULE,
              path: injected ? `${path}.env` : `${path}.env[${k}]`,
              value: asObject(e)?.value ?? asObject(e)?.valueFrom,
              message: `${who} sets ${NVIDIA_VISIBLE_DEVICES} without requesting ${GPU_RESOURCE}: with the NVIDIA runtime it would see the node's GPUs, `
                + 'including those allotted to other tenants\' pods',
              bound: `only with a ${GPU_RESOURCE} request`,
              fix: `remove ${NVIDIA_VISIBLE_DEVICES} (the device plugin sets it for containers that request ${GPU_RESOURCE})`,
            });
          });
        }
      });
    }
    if (!podRequestsGpu) {
      asArray(spec.tolerations).forEach((t, i) => {
        const tol = asObject(t);
        if (tol?.key !== GPU_RESOURCE) return;
        push({
          rule: RULE,
          path: `${pod.source.specPath}.tolerations[${i}]`,
          value: t,
          message: `pods of this group tolerate the GPU taint ${GPU_RESOURCE} but request no GPU: they would take places on GPU nodes`,
          bound: `only groups that request ${GPU_RESOURCE}`,
          fix: 'remove the toleration, or request GPUs',
        });
      });
    }
  }
}
