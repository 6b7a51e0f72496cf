/**
 * The props of a tenant namespace's ResourceQuota and of the LimitRange's ephemeral storage, and
 * their checks: what {@link TenantNamespace} renders as `spec.hard` and as LimitRange entries.
 *
 * @module
 */
import { isDns1123Subdomain, isExtendedResourceName } from './kubernetes/names';
import { Quantity } from './kubernetes/quantity';
import { describe, optionalInt, PropsError, requireQuantity } from './validation';

/** A namespace-wide cap on what a tenant's pods may request and limit in total. */
export interface TenantQuota {
  /** Total CPU requests (`requests.cpu`), e.g. `'32'`. */
  readonly requestsCpu: string;
  /** Total memory requests (`requests.memory`), e.g. `'128Gi'`. */
  readonly requestsMemory: string;
  /** Total CPU limits (`limits.cpu`). */
  readonly limitsCpu: string;
  /** Total memory limits (`limits.memory`). */
  readonly limitsMemory: string;
  /**
   * Maximum number of pods.
   * @default - no pod count limit
   */
  readonly pods?: number;
  /**
   * Extended resources by name, e.g. `{ 'nvidia.com/gpu': '4' }`, rendered as
   * `requests.<name>` (Kubernetes quotas extended resources on requests only). A RayCluster of the
   * tenant that requests an extended resource not named here fails the budget check: the quota
   * would not cap it.
   * @default - none
   */
  readonly extended?: Record<string, string>;
  /**
   * Total ephemeral-storage requests (`requests.ephemeral-storage`), e.g. `'100Gi'`: node-local
   * disk (emptyDir, container writable layers, logs).
   * @default - no cap on ephemeral-storage requests
   */
  readonly requestsEphemeralStorage?: string;
  /**
   * Total ephemeral-storage limits (`limits.ephemeral-storage`). With it, every pod must state an
   * ephemeral-storage limit: give the LimitRange a default (`TenantNamespaceProps.ephemeralStorage`).
   * @default - no cap on ephemeral-storage limits
   */
  readonly limitsEphemeralStorage?: string;
  /**
   * Total storage requested by PersistentVolumeClaims (`requests.storage`), e.g. `'1Ti'`.
   * @default - no cap on claimed storage
   */
  readonly requestsStorage?: string;
  /**
   * Maximum number of PersistentVolumeClaims (`persistentvolumeclaims`).
   * @default - no PVC count limit
   */
  readonly persistentVolumeClaims?: number;
  /**
   * Object counts by resource (`count/<resource>[.<group>]`), e.g.
   * `{ 'services': 10, 'secrets': 50, 'configmaps': 50, 'rayclusters.ray.io': 4 }`.
   * @default - none
   */
  readonly objectCounts?: Record<string, number>;
}

/** Ephemeral storage per container: the LimitRange's `ephemeral-storage` entries. */
export interface ContainerEphemeralStorage {
  /** The largest ephemeral-storage limit a container may have, e.g. `'20Gi'`. */
  readonly max: string;
  /**
   * The ephemeral-storage limit of a container that states none (the containers KubeRay injects
   * state none).
   * @default - max, as Kubernetes defaults a LimitRange's `default` to its `max`
   */
  readonly defaultLimit?: string;
  /**
   * The ephemeral-storage request of a container that states none.
   * @default - defaultLimit, as Kubernetes defaults it
   */
  readonly defaultRequest?: string;
}

/** The quota's `hard` map, checked: quantities as given, object counts as numbers. */
export function quotaHard(where: string, quota: TenantQuota): Record<string, string | number> {
  if (quota === null || typeof quota !== 'object') {
    throw new PropsError(`${where}.quota: expected { requestsCpu, requestsMemory, limitsCpu, limitsMemory, ... }, got ${describe(quota)}`);
  }
  const hard: Record<string, string | number> = {};
  const required = [
    ['requestsCpu', 'requests.cpu'], ['requestsMemory', 'requests.memory'],
    ['limitsCpu', 'limits.cpu'], ['limitsMemory', 'limits.memory'],
  ] as const;
  for (const [prop, key] of required) {
    requireQuantity(`${where}.quota.${prop}`, quota[prop]);
    hard[key] = String(quota[prop]);
  }
  const optional = [
    ['requestsEphemeralStorage', 'requests.ephemeral-storage'], ['limitsEphemeralStorage', 'limits.ephemeral-storage'],
    ['requestsStorage', 'requests.storage'],
  ] as const;
  for (const [prop, key] of optional) {
    if (quota[prop] === undefined) continue;
    requireQuantity(`${where}.quota.${prop}`, quota[prop]);
    hard[key] = String(quota[prop]);
  }
  const pairs = [['requestsCpu', 'limitsCpu'], ['requestsMemory', 'limitsMemory'], ['requestsEphemeralStorage', 'limitsEphemeralStorage']] as const;
  for (const [req, lim] of pairs) {
    const r = quota[req];
    const l = quota[lim];
    if (r !== undefined && l !== undefined && Quantity.parse(r).greaterThan(Quantity.parse(l))) {
      throw new PropsError(`${where}.quota: ${req} ${r} is greater than ${lim} ${l}; pods could never use the requests`);
    }
  }
  if (quota.pods !== undefined) hard.pods = optionalInt(`${where}.quota.pods`, quota.pods, 0, 1);
  if (quota.persistentVolumeClaims !== undefined) {
    hard.persistentvolumeclaims = optionalInt(`${where}.quota.persistentVolumeClaims`, quota.persistentVolumeClaims, 0, 0);
  }
  for (const [name, value] of Object.entries(mapOf(`${where}.quota.objectCounts`, quota.objectCounts, 'resource name to count'))) {
    if (!isDns1123Subdomain(name)) {
      throw new PropsError(`${where}.quota.objectCounts: ${JSON.stringify(name)} is not a resource name (<resource>[.<group>], e.g. 'services' or 'rayclusters.ray.io')`);
    }
    hard[`count/${name}`] = optionalInt(`${where}.quota.objectCounts["${name}"]`, value, 0, 0);
  }
  for (const [name, value] of Object.entries(mapOf(`${where}.quota.extended`, quota.extended, 'resource name to quantity'))) {
    if (!isExtendedResourceName(name)) {
      throw new PropsError(`${where}.quota.extended: ${JSON.stringify(name)} is not an extended resource name (a domain-prefixed name such as 'nvidia.com/gpu')`);
    }
    const parsed = requireQuantity(`${where}.quota.extended["${name}"]`, value);
    if (!parsed.equals(Quantity.parse((parsed.toMilliCeil() / 1000n).toString()))) {
      throw new PropsError(`${where}.quota.extended["${name}"]: ${JSON.stringify(value)} is not a whole number; extended resources are counted in units`);
    }
    hard[`requests.${name}`] = String(value);
  }
  return hard;
}

function mapOf(prop: string, value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PropsError(`${prop}: expected a map of ${what}, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

/**
 * The LimitRange's ephemeral-storage entries, with Kubernetes' own defaulting spelled out (a
 * missing `default` is the `max`, a missing `defaultRequest` the `default`): `defaultRequest <=
 * defaultLimit <= max`.
 */
export function ephemeralStorageLimits(where: string, e: ContainerEphemeralStorage | undefined):
{ max: string; defaultLimit: string; defaultRequest: string } | undefined {
  if (e === undefined) return undefined;
  if (e === null || typeof e !== 'object' || Array.isArray(e)) {
    throw new PropsError(`${where}.ephemeralStorage: expected { max, defaultLimit?, defaultRequest? }, got ${describe(e)}`);
  }
  const max = requireQuantity(`${where}.ephemeralStorage.max`, e.max);
  const limit = e.defaultLimit === undefined ? max : requireQuantity(`${where}.ephemeralStorage.defaultLimit`, e.defaultLimit);
  const request = e.defaultRequest === undefined ? limit : requireQuantity(`${where}.ephemeralStorage.defaultRequest`, e.defaultRequest);
  if (max.isZero()) throw new PropsError(`${where}.ephemeralStorage.max: must be greater than zero`);
  if (limit.greaterThan(max)) throw new PropsError(`${where}.ephemeralStorage.defaultLimit: ${e.defaultLimit} is greater than max ${e.max}`);
  if (request.greaterThan(limit)) {
    throw new PropsError(`${where}.ephemeralStorage.defaultRequest: ${e.defaultRequest} is greater than the default limit ${String(e.defaultLimit ?? e.max)}`);
  }
  const text = (v: string | undefined, fallback: string) => (v === undefined ? fallback : String(v));
  const defaultLimit = text(e.defaultLimit, String(e.max));
  return { max: String(e.max), defaultLimit, defaultRequest: text(e.defaultRequest, defaultLimit) };
}
