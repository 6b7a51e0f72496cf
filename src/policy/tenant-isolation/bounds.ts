/**
 * The tenant's per-container bounds, and the check of one container's resources against them.
 *
 * @module
 */
import { asObject, JsonObject, JsonValue } from '../../kubernetes/json';
import { Quantity } from '../../kubernetes/quantity';
import { BOUND_ANNOTATIONS, BoundName, EXTENDED_RESOURCES_ANNOTATION, TenantDefinition } from '../tenant-definition';
import { Violation } from '../types';

const RULE = 'enforce-tenant-isolation' as const;

/** A tenant's per-container bounds, parsed. */
export interface Bounds {
  /** The smallest CPU request. */
  readonly minCpu: Quantity;
  /** The largest CPU limit. */
  readonly maxCpu: Quantity;
  /** The smallest memory request. */
  readonly minMemory: Quantity;
  /** The largest memory limit. */
  readonly maxMemory: Quantity;
  /** The largest amount of each extended resource; a resource not in the map may not be used. */
  readonly extended: ReadonlyMap<string, Quantity>;
}

const RESOURCES = [
  { key: 'cpu', min: 'minCpu', max: 'maxCpu', noun: 'CPU' },
  { key: 'memory', min: 'minMemory', max: 'maxMemory', noun: 'memory' },
] as const;

/**
 * The bounds from the tenant's definition, else from the RayCluster's annotations (the four
 * quantities and {@link EXTENDED_RESOURCES_ANNOTATION}). Missing or unparseable bounds are
 * violations, and no bounds are returned.
 */
export function readBounds(def: TenantDefinition | undefined, tenant: string | undefined, annotations: JsonObject | undefined,
  out: Violation[]): Bounds | undefined {
  const parsed: Partial<Record<BoundName, Quantity>> = {};
  const extended = readExtended(def, tenant, annotations, out);
  let ok = true;
  for (const name of BOUND_ANNOTATIONS) {
    const raw = def ? def.bounds?.[name] : annotations?.[name];
    const where = def ? `tenant "${tenant}" in the tenants file` : `metadata.annotations.${name}`;
    const path = def ? 'metadata.labels.tenant' : `metadata.annotations.${name}`;
    const q = Quantity.tryParse(raw);
    if (raw === undefined || raw === null) {
      out.push({
        rule: RULE,
        path,
        message: `the tenant bound ${name} is missing (${where})`,
        fix: def ? `define bounds.${name} for tenant "${tenant}"` : `add the annotation ${name}, or pass --tenants with the platform's tenant definitions`,
      });
      ok = false;
    } else if (!q || q.isNegative()) {
      out.push({
        rule: RULE,
        path,
        value: raw as JsonValue,
        message: `the tenant bound ${name} ${JSON.stringify(raw)} is not a Kubernetes quantity (${where})`,
        fix: `write ${name} as a quantity such as '2', '500m' or '4Gi'`,
      });
      ok = false;
    } else {
      parsed[name] = q;
    }
  }
  return ok && extended ? { ...parsed as Record<BoundName, Quantity>, extended } : undefined;
}

/** The extended-resource bounds (none when not given: such resources may then not be used). */
function readExtended(def: TenantDefinition | undefined, tenant: string | undefined, annotations: JsonObject | undefined,
  out: Violation[]): Map<string, Quantity> | undefined {
  const fail = (path: string, value: JsonValue | undefined, message: string, fix: string): undefined => {
    out.push({ rule: RULE, path, value, message, fix });
    return undefined;
  };
  let raw: unknown;
  const path = def ? 'metadata.labels.tenant' : `metadata.annotations.${EXTENDED_RESOURCES_ANNOTATION}`;
  if (def) {
    raw = def.bounds?.extendedResources;
  } else {
    const text = annotations?.[EXTENDED_RESOURCES_ANNOTATION];
    if (text === undefined || text === null) return new Map();
    try {
      raw = JSON.parse(String(text));
    } catch {
      return fail(path, text, `the annotation ${EXTENDED_RESOURCES_ANNOTATION} is not JSON`, 'write it as a JSON map, e.g. {"nvidia.com/gpu":"1"}');
    }
  }
  if (raw === undefined || raw === null) return new Map();
  const map = asObject(raw);
  if (!map) {
    return fail(path, raw as JsonValue, `the extended-resource bounds${def ? ` of tenant "${tenant}"` : ''} are not a map of resource name to quantity`,
      'write them as a map, e.g. {"nvidia.com/gpu":"1"}');
  }
  const parsed = new Map<string, Quantity>();
  for (const [name, v] of Object.entries(map)) {
    const q = Quantity.tryParse(v);
    if (!q || q.isNegative()) {
      return fail(path, v as JsonValue, `the extended-resource bound ${name} ${JSON.stringify(v)} is not a Kubernetes quantity`, 'write a whole number such as "1"');
    }
    parsed.set(name, q);
  }
  return parsed;
}

/** CPU and memory of one container against the bounds (`full`: requests too; else only limits, for containers KubeRay fixes). */
export function checkResources(resources: JsonObject | undefined, path: string, who: string, bounds: Bounds | undefined,
  full: boolean, out: Violation[]): void {
  for (const r of RESOURCES) {
    const limitPath = `${path}.limits.${r.key}`;
    const requestPath = `${path}.requests.${r.key}`;
    const rawLimit = asObject(resources?.limits)?.[r.key];
    const rawRequest = asObject(resources?.requests)?.[r.key];
    const limit = quantityAt(rawLimit, full ? limitPath : path, who, `${r.noun} limit`, out);
    const request = full ? quantityAt(rawRequest, requestPath, who, `${r.noun} request`, out) : undefined;
    if (full && rawLimit === undefined) {
      out.push({
        rule: RULE,
        path: limitPath,
        message: `${who} has no ${r.noun} limit`,
        bound: bounds ? `<= ${bounds[r.max].toString()} (${r.max})` : undefined,
        fix: `set ${limitPath}${bounds ? ` to at most ${bounds[r.max].toString()}` : ''}`,
      });
    }
    if (full && rawRequest === undefined) {
      out.push({
        rule: RULE,
        path: requestPath,
        message: `${who} has no ${r.noun} request`,
        bound: bounds ? `>= ${bounds[r.min].toString()} (${r.min})` : undefined,
        fix: `set ${requestPath}${bounds ? ` to at least ${bounds[r.min].toString()}` : ''}`,
      });
    }
    if (bounds && limit && limit.greaterThan(bounds[r.max])) {
      out.push({
        rule: RULE,
        path: full ? limitPath : path,
        value: rawLimit as JsonValue,
        message: `${who}: ${r.noun} limit ${String(rawLimit)} exceeds the tenant's ${r.max} ${bounds[r.max].toString()}`,
        bound: `<= ${bounds[r.max].toString()} (${r.max})`,
        fix: full ? `lower ${limitPath} to at most ${bounds[r.max].toString()}, or ask the platform team to raise ${r.max}`
          : `raise the tenant's ${r.max} to at least ${String(rawLimit)} (KubeRay fixes this container's resources)`,
      });
    }
    if (bounds && request && request.lessThan(bounds[r.min])) {
      out.push({
        rule: RULE,
        path: requestPath,
        value: rawRequest as JsonValue,
        message: `${who}: ${r.noun} request ${String(rawRequest)} is below the tenant's ${r.min} ${bounds[r.min].toString()}`,
        bound: `>= ${bounds[r.min].toString()} (${r.min})`,
        fix: `raise ${requestPath} to at least ${bounds[r.min].toString()}`,
      });
    }
    if (limit && request && request.greaterThan(limit)) {
      out.push({
        rule: RULE,
        path: requestPath,
        value: rawRequest as JsonValue,
        message: `${who}: ${r.noun} request ${String(rawRequest)} is greater than its limit ${String(rawLimit)}`,
        bound: `<= ${String(rawLimit)} (the limit)`,
        fix: `set ${requestPath} to at most the limit`,
      });
    }
  }
}

function quantityAt(raw: unknown, path: string, who: string, what: string, out: Violation[]): Quantity | undefined {
  if (raw === undefined) return undefined;
  const q = Quantity.tryParse(raw);
  if (!q || q.isNegative()) {
    out.push({
      rule: RULE,
      path,
      value: raw as JsonValue,
      message: `${who}: ${what} ${JSON.stringify(raw)} is not a valid Kubernetes quantity`,
      fix: 'write a quantity such as \'500m\', \'2\' or \'4Gi\'',
    });
    return undefined;
  }
  return q;
}

/**
 * Pod-level `spec.resources` (PodLevelResources, beta from Kubernetes 1.34): the pod's cpu, memory
 * and hugepages are then what it names, not the containers' sum, so a pod within every
 * per-container bound may still take 100 CPU. Per-container bounds cannot judge that: refused.
 */
export function checkPodLevelResources(podSpec: JsonObject, path: string, out: Violation[]): void {
  const r = podSpec.resources;
  if (r === undefined || r === null) return;
  const o = asObject(r);
  // An empty map (or one whose entries a mapper left undefined) sets nothing.
  const empty = (v: JsonValue | undefined) => {
    const m = asObject(v);
    return v === undefined || v === null || (m !== undefined && Object.values(m).every((x) => x === undefined));
  };
  if (o && Object.values(o).every(empty)) return;
  out.push({
    rule: RULE,
    path: `${path}.resources`,
    value: r as JsonValue,
    message: 'pod-level resources (spec.resources) replace the containers\' sum for the resources they name, so the pod may use more '
      + 'than its containers\' limits say; per-container bounds cannot judge them',
    bound: 'no spec.resources on the pod template',
    fix: `remove ${path}.resources and set each container's resources within the tenant's bounds`,
  });
}
