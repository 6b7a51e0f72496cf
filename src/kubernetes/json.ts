/**
 * The one JSON toolkit of the pure layers (`kubernetes/`, `kuberay/`, `policy/`, `reach/`):
 * defensive readers over parsed JSON/YAML and the one builder of field paths.
 *
 * The rules never trust the shape of their input: every read goes through these helpers, so a
 * wrongly typed field can never cause a `TypeError`. Where the API server would reject a wrongly
 * typed value outright, callers "fail closed": a value of the wrong type never counts as an
 * allowed value (`privileged: "false"`, a string, is reported as privileged).
 *
 * @module
 */

/** A parsed JSON/YAML value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object (a manifest or part of one). */
export interface JsonObject { [key: string]: JsonValue | undefined }

/** A JSON object whose members are all present (the form the builders of new objects use). */
export type JsonMap = { [key: string]: JsonValue };

/** True when `v` is an object whose members are JSON values (for builders that add members). */
export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when `v` is a JSON object (not an array, not null). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value if it is a JSON object (not an array, not null), otherwise `undefined`. */
export function asObject(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

/** The value if it is an object, typed for builders that add to it or embed it ({@link isMap}), otherwise `undefined`. */
export function asMap(v: unknown): JsonMap | undefined {
  return isMap(v) ? v : undefined;
}

/**
 * The value if it is an array, otherwise an empty array (a missing or mistyped list holds nothing).
 * A sparse array (from JavaScript callers) comes back dense, its holes `undefined`: `map` would
 * otherwise keep the holes and callers would meet `undefined` views.
 */
export function asArray(v: unknown): readonly (JsonValue | undefined)[] {
  if (!Array.isArray(v)) return [];
  for (let i = 0; i < v.length; i++) if (!(i in v)) return Array.from(v);
  return v;
}

/** The value if it is a string, otherwise `undefined`. */
export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The value if it is an integer, otherwise `fallback` (`undefined` when none is given). */
export function asInteger(v: unknown): number | undefined;
export function asInteger(v: unknown, fallback: number): number;
export function asInteger(v: unknown, fallback?: number): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : fallback;
}

/** The field of an object, or `undefined` when the parent is not an object. */
export function field(parent: unknown, key: string): JsonValue | undefined {
  const o = asObject(parent);
  return o === undefined ? undefined : o[key];
}

/** Walks a chain of object keys. */
export function dig(parent: unknown, ...keys: string[]): JsonValue | undefined {
  let cur: unknown = parent;
  for (const k of keys) {
    cur = field(cur, k);
    if (cur === undefined) return undefined;
  }
  return cur as JsonValue;
}

/** True when a field is present with a non-null value (Go: a non-nil pointer). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * For fields whose allowed values are `false` or unset (`privileged`, `hostNetwork`,
 * `hostProcess`, ...): true when the field is set to anything other than `false`.
 */
export function enabled(v: unknown): boolean {
  return isSet(v) && v !== false;
}

/**
 * The value as Go would print a string field: a string as it is, a missing or null value as `""`,
 * anything else as its JSON text (so a mistyped value is still shown).
 */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * A string map from a labels/annotations object: strings kept, numbers and booleans stringified,
 * anything else dropped.
 */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  }
  return out;
}

/** Deep copy of a JSON value; `undefined` members are dropped, non-JSON values become null. */
export function cloneJson(v: unknown): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return Array.from(v, (x) => (x === undefined ? null : cloneJson(x)));
  if (typeof v === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x !== undefined) out[k] = cloneJson(x);
    }
    return out;
  }
  return null;
}

/** A deep copy ({@link cloneJson}) of `v` when it is an object, otherwise a new empty object. */
export function cloneMap(v: unknown): JsonMap {
  return isMap(v) ? (cloneJson(v) as JsonMap) : {};
}

/**
 * The index of the first object in a list of named objects (containers, env vars, volumes,
 * ports…) whose `name` is `name`, or -1; a list that is not an array holds nothing. Go's
 * `EnvVarExists`, `VolumeExists`… are `namedIndex(list, name) >= 0`.
 */
export function namedIndex(list: unknown, name: string): number {
  return asArray(list).findIndex((x) => isMap(x) && x.name === name);
}

/** The first object of a list of named objects whose `name` is `name` (see {@link namedIndex}). */
export function named(list: unknown, name: string): JsonMap | undefined {
  const i = namedIndex(list, name);
  return i < 0 ? undefined : (asArray(list)[i] as JsonMap);
}

// ---------------------------------------------------------------------------------------------
// Field paths
// ---------------------------------------------------------------------------------------------

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** One path segment: `.key`, `["odd/key"]` for keys that are not plain identifiers, or `[n]`. */
function segment(s: string | number): string {
  if (typeof s === 'number') return `[${s}]`;
  return IDENTIFIER.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
}

/**
 * Appends segments to a field path, in the dotted form used across the engine
 * (`spec.containers[0].securityContext.privileged`, `metadata.labels["ray.io/cluster"]`).
 *
 * A base may carry a trailing note after the first whitespace
 * (`spec.autoscalerOptions (injected autoscaler container)`); the segments go before the note so
 * the path part stays a path.
 */
export function childPath(base: string, ...segments: Array<string | number>): string {
  const ws = base.search(/\s/);
  const path = ws < 0 ? base : base.slice(0, ws);
  const note = ws < 0 ? '' : base.slice(ws);
  let out = path + segments.map(segment).join('');
  if (path === '' && out.startsWith('.')) out = out.slice(1);
  return out + note;
}
