/**
 * The one module that checks construct props (internal: not exported from the package).
 *
 * Every check throws a {@link PropsError} whose message names the prop (with its construct path or
 * owner), the value and what is expected, so JavaScript callers and wrongly typed values get the
 * same clear error as TypeScript callers. The predicates behind the checks are the pure ones in
 * `kubernetes/names.ts`, shared with the policy engine.
 *
 * @module
 */
import { isCidr, isLabelKey, isLabelValue, isPortNumber } from './kubernetes/names';
import { Quantity, QuantityError } from './kubernetes/quantity';
import { LATEST_PSS_VERSION, parsePssVersion, RESTRICTED_FLOOR } from './policy/pod-security';

/** A validation error in construct props. Its message names the prop, the value and the fix. */
export class PropsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropsError';
  }
}

/** A short description of a value of the wrong type, for error messages. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${typeof value === 'object' ? '' : String(value)}`.trim();
}

/** Throws a {@link PropsError} naming `prop` unless `value` is a string that passes `test`. */
export function requireString(prop: string, value: unknown, test: (v: string) => boolean, what: string): string {
  if (typeof value !== 'string') throw new PropsError(`${prop}: expected ${what}, got ${describe(value)}`);
  if (!test(value)) throw new PropsError(`${prop}: ${JSON.stringify(value)} is not ${what}`);
  return value;
}

/** Parses a quantity prop; throws a {@link PropsError} naming the prop. Negative values are refused. */
export function requireQuantity(prop: string, value: unknown): Quantity {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new PropsError(`${prop}: expected a Kubernetes quantity such as '500m', '2' or '4Gi', got ${describe(value)}`);
  }
  let q: Quantity;
  try {
    q = Quantity.parse(value);
  } catch (e) {
    const why = e instanceof QuantityError ? e.message : String(e);
    throw new PropsError(`${prop}: ${JSON.stringify(value)} is not a Kubernetes quantity (${why}); write e.g. '500m', '2' or '4Gi'`);
  }
  if (q.isNegative()) throw new PropsError(`${prop}: ${JSON.stringify(value)} is negative; resource quantities must be >= 0`);
  return q;
}

/** An optional integer prop of at least `min` (and at most `max`): the value, or `fallback` when absent. */
export function optionalInt<F extends number | undefined>(prop: string, value: unknown, fallback: F, min: number,
  max: number = Number.MAX_SAFE_INTEGER): number | F {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}-${max}`;
    throw new PropsError(`${prop}: expected an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

/** A port prop (an integer 1-65535, or from `min`). */
export function requirePort(prop: string, value: unknown, min = 1): number {
  if (!isPortNumber(value) || value < min) throw new PropsError(`${prop}: expected a port number ${min}-65535, got ${describe(value)}`);
  return value;
}

/** An optional port prop (1-65535, or from `min`): the value, or `fallback` when absent. */
export function optionalPort<F extends number | undefined>(prop: string, value: unknown, fallback: F, min = 1): number | F {
  return value === undefined ? fallback : requirePort(prop, value, min);
}

/** Throws unless `value` is absent or one of the enum's values. */
export function enumValue<T extends string>(prop: string, value: unknown, e: Record<string, T>): T | undefined {
  if (value !== undefined && !(Object.values(e) as unknown[]).includes(value)) {
    throw new PropsError(`${prop}: ${JSON.stringify(value)} is not one of ${Object.values(e).join(', ')}`);
  }
  return value as T | undefined;
}

/** The value as an object (a fresh empty one when absent); a PropsError when it is not an object. */
export function objectAt(prop: string, value: unknown): Record<string, any> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PropsError(`${prop}: expected an object, got ${describe(value)}`);
  return value as Record<string, any>;
}

/** The value as a list (empty when absent); a PropsError when it is not an array. */
export function listAt<T>(prop: string, value: readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new PropsError(`${prop}: expected an array, got ${describe(value)}`);
  return value;
}

/** A copy of a map of strings; a PropsError when it is not one. */
export function stringMap(prop: string, map: Readonly<Record<string, string>> | undefined): Record<string, string> {
  if (map === undefined) return {};
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw new PropsError(`${prop}: expected a map of strings, got ${describe(map)}`);
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') throw new PropsError(`${prop}.${k}: expected a string, got ${describe(v)}`);
  }
  return { ...map };
}

/** A copy of a label map whose every key and value is valid. */
export function checkLabels(prop: string, labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const map = stringMap(prop, labels);
  for (const [k, v] of Object.entries(map)) {
    if (!isLabelKey(k)) throw new PropsError(`${prop}: ${JSON.stringify(k)} is not a valid label key`);
    if (!isLabelValue(v)) throw new PropsError(`${prop}.${k}: ${JSON.stringify(v)} is not a valid label value`);
  }
  return map;
}

/** A non-empty label map (a selector that must select something specific). */
export function checkSelector(prop: string, labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const map = checkLabels(prop, labels);
  if (Object.keys(map).length === 0) throw new PropsError(`${prop}: expected a non-empty map of labels (an empty selector selects every pod)`);
  return map;
}

/** A CIDR as the API server parses it (`10.0.0.0/16`, `fd00::/64`). */
export function requireCidr(prop: string, value: unknown): string {
  return requireString(prop, value, isCidr, 'a CIDR such as 10.0.0.0/16 or fd00::/64');
}

/** The oldest Pod Security Standards version a namespace may pin (see {@link RESTRICTED_FLOOR}). */
export const MIN_PSS_VERSION = `v1.${RESTRICTED_FLOOR.minor}`;

/**
 * A Pod Security Standards version for the namespace labels: `latest`, or `v1.N` from
 * {@link MIN_PSS_VERSION} (older restricted levels do not check what the library relies on) to
 * the newest version the library implements.
 */
export function requirePodSecurityVersion(prop: string, value: unknown): string {
  const range = `'${MIN_PSS_VERSION}' to '${LATEST_PSS_VERSION}', or 'latest'`;
  if (typeof value !== 'string') throw new PropsError(`${prop}: expected a Pod Security Standards version (${range}), got ${describe(value)}`);
  const parsed = parsePssVersion(value);
  if (parsed === undefined) {
    const newer = /^v1\.[1-9][0-9]*$/.test(value);
    throw new PropsError(`${prop}: ${JSON.stringify(value)} is not ${newer ? 'a version this library implements' : 'a Pod Security Standards version'}; `
      + `write ${range}${newer ? ` (${LATEST_PSS_VERSION} is the newest whose checks this library knows)` : ''}`);
  }
  if (value !== 'latest' && parsed.minor < RESTRICTED_FLOOR.minor) {
    throw new PropsError(`${prop}: ${JSON.stringify(value)} is older than ${MIN_PSS_VERSION}, the oldest version whose restricted level `
      + `checks everything the library's restricted settings rely on (${RESTRICTED_FLOOR.checkId} starts at ${MIN_PSS_VERSION}; `
      + 'at v1.18 a pod without seccomp or drop: [ALL] is still "restricted"); '
      + `write ${range}`);
  }
  return value;
}
