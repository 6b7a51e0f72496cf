/**
 * Defensive readers over parsed JSON/YAML. The evaluator never trusts the shape of
 * its input: every read goes through these helpers, so a wrongly typed field can
 * never cause a `TypeError`.
 *
 * Where the Go decoder would reject a wrongly typed value outright (the API server
 * would answer 400), these readers "fail closed": a value of the wrong type never
 * counts as an allowed value. For example `privileged: "false"` (a string) is
 * reported as privileged, and `allowPrivilegeEscalation: "false"` does not satisfy
 * the restricted requirement.
 *
 * @module
 */
import { JsonObject, JsonValue } from '../types';

/** The value if it is a JSON object (not an array, not null), otherwise `undefined`. */
export function asObject(v: unknown): JsonObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
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
    if (cur === undefined) {
      return undefined;
    }
  }
  return cur as JsonValue;
}

/** True when a field is present with a non-null value (Go: a non-nil pointer). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * The value as Go would print a string field: a string as it is, a missing or null
 * value as `""`, anything else as its JSON text (so a mistyped value is still shown).
 */
export function text(v: unknown): string {
  if (typeof v === 'string') {
    return v;
  }
  if (v === undefined || v === null) {
    return '';
  }
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * For fields whose allowed values are `false` or unset (`privileged`, `hostNetwork`,
 * `hostProcess`, ...): true when the field is set to anything other than `false`.
 */
export function enabled(v: unknown): boolean {
  return isSet(v) && v !== false;
}
