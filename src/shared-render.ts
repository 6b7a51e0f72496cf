import { ApiObject } from 'cdk8s';

/**
 * One render per object while nothing changes. cdk8s validates the whole app once per synthesis
 * **and again for every chart** it synthesizes, and every validation of a construct renders its
 * ApiObjects; the output is rendered once more. Rendering is the costly part of synthesis, so the
 * render is kept and reused for as long as its inputs are unchanged: the same JSON patches, the
 * same metadata, and the caller's own key (e.g. the version of a Lazy input). The kept JSON is
 * only read by the rules (which never change their input); `toJson()` hands out a fresh copy (a
 * plain JSON copy costs a fraction of a render), so callers may change what they get as they
 * always could, and a public accessor of the kept render freezes it first ({@link deepFreeze}).
 */

/** The kept render, per object. */
const RENDERS = new WeakMap<ApiObject, { readonly json: unknown; readonly key: string }>();

/** How often each tracked object was changed (a JSON patch or a metadata change). */
const CHANGES = new WeakMap<ApiObject, number>();

/** The metadata methods that change what an object renders. */
const METADATA_MUTATORS = ['addLabel', 'addAnnotation', 'addFinalizers', 'addOwnerReference', 'add'] as const;

/**
 * Counts the changes of an object made through its public API — `addJsonPatch` and the metadata's
 * `add*` methods — so that {@link renderOnce} knows a render is still current from one number,
 * without reading the patches and metadata at every validation. Call it in the constructor of the
 * object's class, after `super`.
 */
export function trackChanges(o: ApiObject): void {
  CHANGES.set(o, 0);
  const changed = () => CHANGES.set(o, (CHANGES.get(o) ?? 0) + 1);
  const metadata = o.metadata as unknown as Record<string, unknown>;
  for (const name of METADATA_MUTATORS) {
    const method = metadata[name];
    if (typeof method !== 'function') continue;
    metadata[name] = function (this: unknown, ...args: unknown[]) {
      changed();
      return method.apply(this, args);
    };
  }
  const addJsonPatch = o.addJsonPatch;
  o.addJsonPatch = function (this: ApiObject, ...ops: Parameters<ApiObject['addJsonPatch']>) {
    changed();
    return addJsonPatch.apply(this, ops);
  };
}

/** What makes a render reusable: the same changes (or patches and metadata) and the caller's key. */
function fingerprint(o: ApiObject, extra: string): string | undefined {
  const changes = CHANGES.get(o);
  if (changes !== undefined) return `#${changes}:${extra}`;
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

/** Freezes a JSON tree in place (a tree whose root is frozen already is returned at once). */
export function deepFreeze<T>(value: T): T {
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
  const json = render();
  if (key === undefined) RENDERS.delete(o);
  else RENDERS.set(o, { json, key });
  return json;
}

/**
 * A subclass of an imported L1 (`RayCluster`, `RayJob`, `RayService`) rendered once per synthesis:
 * its changes are tracked, validations share the kept render, `toJson()` hands out copies.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withKeptRender<TBase extends new (...args: any[]) => ApiObject>(Base: TBase): TBase & KeptRenderClass {
  const KeptRender = class extends Base {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      trackChanges(this);
    }

    /** The rendered manifest, kept while nothing changes (the rules only read it). */
    public renderForValidation(): unknown {
      return renderOnce(this, () => super.toJson());
    }

    /** A fresh copy of the kept render. */
    public override toJson(): any {
      return copyJson(this.renderForValidation());
    }
  };
  return KeptRender as unknown as TBase & KeptRenderClass;
}

/** An ApiObject whose render is kept (see {@link withKeptRender}). */
export interface KeptRenderObject {
  /** The rendered manifest, kept while nothing changes. */
  renderForValidation(): unknown;
}

/** The constructor type {@link withKeptRender} adds. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KeptRenderClass = new (...args: any[]) => KeptRenderObject;
