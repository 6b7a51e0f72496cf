/**
 * Container resources in CEL: CPU and memory within the tenant's bounds, extended resources
 * (GPUs) closed unless bounded, `NVIDIA_VISIBLE_DEVICES` and the GPU taint only with a GPU
 * request. The same rules as `checkResources` and `checkExtendedResources`
 * (`policy/tenant-isolation/`), compared with the Kubernetes quantity library (`quantity()`,
 * `isLessThan`, `isGreaterThan`: exact, `1.5Gi` equals `1536Mi`).
 *
 * @module
 */
import { GPU_RESOURCE } from '../../kuberay';
import { Quantity } from '../../kubernetes/quantity';
import { FIXED_INJECTED_CONTAINERS, KUBERAY_POD_LABEL } from '../pod-tenancy-rule';
import { TenantDefinition, tenantNamespace } from '../tenant-definition';
import { celString, celStringList, celStringMap, quantityLiteral, quantityOf } from './expr';
import { CelFragment } from './pod-placement';
import { NVIDIA_VISIBLE_DEVICES } from '../tenant-isolation/extended';

/** A tenant's bounds as quantity strings. */
export interface BoundStrings {
  /** The smallest CPU request. */
  readonly minCpu: string;
  /** The largest CPU limit. */
  readonly maxCpu: string;
  /** The smallest memory request. */
  readonly minMemory: string;
  /** The largest memory limit. */
  readonly maxMemory: string;
  /** The largest amount of each extended resource (none: none may be used). */
  readonly extended: Record<string, string>;
}

/** The tenant's bounds as quantity strings; throws when one is missing or not a quantity (the caller validated them). */
export function boundsOf(def: TenantDefinition): BoundStrings {
  const b = def.bounds ?? {};
  const q = (name: 'minCpu' | 'maxCpu' | 'minMemory' | 'maxMemory'): string => {
    const v = b[name];
    if (v === undefined || Quantity.tryParse(v) === undefined) throw new Error(`tenant "${def.name}": bounds.${name} ${JSON.stringify(v)} is not a quantity`);
    return String(v);
  };
  const extended: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.extendedResources ?? {})) {
    if (Quantity.tryParse(v) === undefined) throw new Error(`tenant "${def.name}": bounds.extendedResources["${k}"] ${JSON.stringify(v)} is not a quantity`);
    extended[k] = String(v);
  }
  return { minCpu: q('minCpu'), maxCpu: q('maxCpu'), minMemory: q('minMemory'), maxMemory: q('maxMemory'), extended };
}

/** `c` requests a GPU: its `nvidia.com/gpu` limit, else its request, is above zero. */
export function requestsGpu(c: string): string {
  const gpu = celString(GPU_RESOURCE);
  return `${quantityOf(`${c}.?resources.?limits[?${gpu}].orValue(${c}.?resources.?requests[?${gpu}].orValue('0'))`)}.isGreaterThan(quantity('0'))`;
}

/**
 * Container `c`'s `resource` (cpu or memory) within [min, max]: request and limit set, request >=
 * min, limit <= max, request <= limit. A container for which `fixed` holds (KubeRay's fixed
 * injected containers) only needs a limit <= max (as in the RayCluster rule: the tenant cannot
 * resize them).
 */
export function withinBounds(c: string, resource: string, min: string, max: string, fixed: string): string {
  const r = celString(resource);
  const request = quantityOf(`${c}.resources.requests[${r}]`);
  const limit = quantityOf(`${c}.resources.limits[${r}]`);
  return `(${fixed}) ? (!${c}.?resources.?limits[?${r}].hasValue() || !${limit}.isGreaterThan(${quantityLiteral(max)}))`
    + ` : (${c}.?resources.?requests[?${r}].hasValue() && ${c}.?resources.?limits[?${r}].hasValue()`
    + ` && !${request}.isLessThan(${quantityLiteral(min)}) && !${limit}.isGreaterThan(${quantityLiteral(max)})`
    + ` && !${request}.isGreaterThan(${limit}))`;
}

/** Extended resource `r` with amount `q` allowed: not extended, zero, or within the tenant's bound for it. */
function extendedAllowed(r: string, q: string, extended: Record<string, string>): string {
  const isExtended = `${r}.contains('/') && !${r}.startsWith('kubernetes.io/') && !${r}.startsWith('requests.')`;
  const nonZero = `${quantityOf(q)}.isGreaterThan(quantity('0'))`;
  const bounded = Object.keys(extended).length === 0 ? ''
    : ` || (${r} in ${celStringMap(extended)} && !${quantityOf(q)}.isGreaterThan(quantity(${celStringMap(extended)}[${r}])))`;
  return `!(${isExtended}) || !${nonZero}${bounded}`;
}

/**
 * Every extended resource of container `c` (its limits, and its requests without a limit) allowed:
 * not extended, zero, or within the tenant's bound for it.
 */
export function extendedOk(c: string, extended: Record<string, string>): string {
  return `${c}.?resources.?limits.orValue({}).all(r, ${extendedAllowed('r', `${c}.resources.limits[r]`, extended)})`
    + ` && ${c}.?resources.?requests.orValue({}).all(r, r in ${c}.?resources.?limits.orValue({}) || ${extendedAllowed('r', `${c}.resources.requests[r]`, extended)})`;
}

/** Container `c` sets no `NVIDIA_VISIBLE_DEVICES`, or requests a GPU. */
export function nvidiaOk(c: string): string {
  return `!${c}.?env.orValue([]).exists(e, e.name == ${celString(NVIDIA_VISIBLE_DEVICES)}) || ${requestsGpu(c)}`;
}

/** No toleration in `tols` (a list expression) tolerates the GPU taint. */
export function noGpuTolerationExpr(tols: string): string {
  return `!${tols}.exists(t, t.?key.orValue('') == ${celString(GPU_RESOURCE)})`;
}

/** The extended resources a tenant may use, in words (`none`, or `nvidia.com/gpu <= 1, …`). */
export function allowedExtendedText(b: BoundStrings): string {
  return Object.keys(b.extended).length === 0 ? 'none' : Object.entries(b.extended).map(([k, v]) => `${k} <= ${v}`).join(', ');
}

/**
 * Resources of every container of a tenant's pod:
 *
 * - containers and init containers: CPU and memory requests >= the tenant's minimum, limits <= its
 *   maximum, requests <= limits, none missing. Ephemeral containers are exempt: the API forbids
 *   resources on them (they run in the pod's cgroup, within its containers' limits);
 * - every container, ephemeral ones included: each extended resource (a domain-prefixed name
 *   outside `kubernetes.io/`) with a non-zero amount (its limit, else its request) is one the
 *   tenant has a bound for, within it; `NVIDIA_VISIBLE_DEVICES` only in a container that requests
 *   `nvidia.com/gpu` (with the NVIDIA runtime it would see every GPU of the node);
 * - the GPU taint (`nvidia.com/gpu`) tolerated only by a pod that requests GPUs.
 *
 * Needs the placement fragment's `variables.tolerations`.
 */
export function resourcesFragment(def: TenantDefinition): CelFragment {
  const b = boundsOf(def);
  const ns = tenantNamespace(def);
  const containerList = (predicate: string) => `variables.containers.filter(c, !(${predicate})).map(c, string(c.name)).join(', ')`;
  const fixed = `variables.builtByKubeRay && string(c.name) in ${celStringList(FIXED_INJECTED_CONTAINERS)}`;
  const cpu = withinBounds('c', 'cpu', b.minCpu, b.maxCpu, fixed);
  const memory = withinBounds('c', 'memory', b.minMemory, b.maxMemory, fixed);
  const extended = extendedOk('c', b.extended);
  const nvidia = nvidiaOk('c');
  const allowedExtended = allowedExtendedText(b);
  return {
    variables: [
      { name: 'containers', expression: 'object.spec.containers + object.spec.?initContainers.orValue([])' },
      { name: 'allContainers', expression: 'variables.containers + object.spec.?ephemeralContainers.orValue([])' },
      { name: 'builtByKubeRay', expression: `object.metadata.?labels[?${celString(KUBERAY_POD_LABEL)}].hasValue()` },
      { name: 'gpuPod', expression: `variables.allContainers.exists(c, ${requestsGpu('c')})` },
    ],
    validations: [
      {
        expression: `variables.containers.all(c, ${cpu})`,
        messageExpression: `${celString(`containers of tenant ${def.name} need a CPU request >= ${b.minCpu} and a limit <= ${b.maxCpu}, the request <= the limit; these do not: `)}`
          + ` + ${containerList(cpu)}`,
        message: `every container and init container in namespace ${ns} needs a CPU request >= ${b.minCpu} and a limit <= ${b.maxCpu}, the request <= the limit`,
        reason: 'Forbidden',
      },
      {
        expression: `variables.containers.all(c, ${memory})`,
        messageExpression: `${celString(`containers of tenant ${def.name} need a memory request >= ${b.minMemory} and a limit <= ${b.maxMemory}, the request <= the limit; these do not: `)}`
          + ` + ${containerList(memory)}`,
        message: `every container and init container in namespace ${ns} needs a memory request >= ${b.minMemory} and a limit <= ${b.maxMemory}, the request <= the limit`,
        reason: 'Forbidden',
      },
      {
        expression: `variables.allContainers.all(c, ${extended})`,
        messageExpression: `${celString(`containers of tenant ${def.name} may use these extended resources only: ${allowedExtended}; these ask for more: `)}`
          + ` + variables.allContainers.filter(c, !(${extended})).map(c, string(c.name)).join(', ')`,
        message: `containers in namespace ${ns} may use these extended resources only: ${allowedExtended}`,
        reason: 'Forbidden',
      },
      {
        expression: `variables.allContainers.all(c, ${nvidia})`,
        messageExpression: `${celString(`${NVIDIA_VISIBLE_DEVICES} without a ${GPU_RESOURCE} request would show the node's GPUs to: `)}`
          + ` + variables.allContainers.filter(c, !(${nvidia})).map(c, string(c.name)).join(', ')`,
        message: `a container in namespace ${ns} sets ${NVIDIA_VISIBLE_DEVICES} without requesting ${GPU_RESOURCE}`,
        reason: 'Forbidden',
      },
      {
        expression: `variables.gpuPod || ${noGpuTolerationExpr('variables.tolerations')}`,
        message: `a pod in namespace ${ns} that requests no ${GPU_RESOURCE} may not tolerate the GPU taint ${GPU_RESOURCE}: it would take places on GPU nodes`,
        reason: 'Forbidden',
      },
    ],
  };
}
