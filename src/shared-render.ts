import { ApiObject } from 'cdk8s';

/**
 * One render per synthesis: a construct's validation renders its ApiObject (`keepRender`), and the
 * synthesis that follows right after reuses that render (`takeRender`) instead of resolving the
 * object again. A one-shot cache: it is dropped at the next `toJson()`, and a patch or metadata
 * change in between invalidates it. The output is identical.
 */

/** The render kept for validation, per object, until its next `toJson()`. */
const LAST_RENDER = new WeakMap<ApiObject, { readonly json: unknown; readonly key: string }>();

/** What makes a render reusable: the same patches and the same metadata. */
function fingerprint(o: ApiObject): string | undefined {
  const patches = (o as unknown as { patches?: unknown }).patches;
  if (!Array.isArray(patches)) return undefined;
  return `${patches.length}:${JSON.stringify(o.metadata.toJson())}`;
}

/** Renders `o` for validation and keeps the result for the synthesis that follows (reusing a still-valid kept render). */
export function keepRender(o: ApiObject, render: () => unknown): unknown {
  const kept = LAST_RENDER.get(o);
  if (kept && kept.key === fingerprint(o)) return kept.json;
  const json = render();
  const key = fingerprint(o);
  if (key === undefined) LAST_RENDER.delete(o);
  else LAST_RENDER.set(o, { json, key });
  return json;
}

/** `o.toJson()`: the kept render when still valid, else a fresh one. */
export function takeRender(o: ApiObject, render: () => unknown): unknown {
  const last = LAST_RENDER.get(o);
  LAST_RENDER.delete(o);
  if (last && last.key === fingerprint(o)) return last.json;
  return render();
}
