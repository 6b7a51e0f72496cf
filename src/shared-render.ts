import { ApiObject } from 'cdk8s';

/**
 * One render per object while nothing changes. cdk8s validates the whole app once per synthesis
 * **and again for every chart** it synthesizes, and every validation of a construct renders its
 * ApiObjects; the output is rendered once more. Rendering is the costly part of synthesis, so the
 * render is kept and reused for as long as its inputs are unchanged: the same JSON patches, the
 * same metadata, and the caller's own key (e.g. the version of a Lazy input). The kept JSON is
 * deep-frozen and only read by validations; `toJson()` hands out a fresh copy (a plain JSON copy
 * costs a fraction of a render), so callers may change what they get as they always could.
 */

/** The kept render, per object. */
const RENDERS = new WeakMap<ApiObject, { readonly json: unknown; readonly key: string }>();

/** What makes a render reusable: the same patches, the same metadata and the caller's key. */
function fingerprint(o: ApiObject, extra: string): string | undefined {
  const patches = (o as unknown as { patches?: unknown }).patches;
  if (!Array.isArray(patches)) return undefined;
  return `${patches.length}:${extra}:${metadataKey(o)}`;
}

/** The metadata's state, read from its fields (its `toJson()` resolves and sanitizes: far slower). */
function metadataKey(o: ApiObject): string {
  const m = o.metadata as unknown as Record<string, unknown>;
  const fields = ['name', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences', '_additionalAttributes'];
  if (!fields.every((f) => f in m)) return JSON.stringify(o.metadata.toJson());
  return JSON.stringify(fields.map((f) => m[f]));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** A deep copy of plain JSON. */
export function copyJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyJson) as unknown as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyJson(v);
    return out as T;
  }
  return value;
}

/** `render()` of `o`, or the kept (frozen) render while its fingerprint is unchanged. */
export function renderOnce(o: ApiObject, render: () => unknown, extraKey = ''): unknown {
  const key = fingerprint(o, extraKey);
  const kept = RENDERS.get(o);
  if (kept && key !== undefined && kept.key === key) return kept.json;
  const json = deepFreeze(render());
  if (key === undefined) RENDERS.delete(o);
  else RENDERS.set(o, { json, key });
  return json;
}
