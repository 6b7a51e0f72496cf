import { JsonObject, JsonValue } from './types';

/** Joins a base path and a key the way violation paths are written (`a.b`, `a[0]`). */
export function join(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (safe.startsWith('[')) return `${base}${safe}`;
  return base === '' ? safe : `${base}.${safe}`;
}

/** The value as an object, or undefined when it is not a plain object. */
export function obj(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as JsonObject : undefined;
}

/** The value as an array, or an empty array. */
export function arr(value: unknown): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

/** The value as a string, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
