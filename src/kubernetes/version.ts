/**
 * Versions as Kubernetes code parses and compares them
 * (`k8s.io/apimachinery/pkg/util/version`): KubeRay reads `spec.rayVersion` this way.
 *
 * @module
 */

/**
 * Mirrors `version.ParseGeneric`: `[v]X.Y[.Z…]` with anything after the numbers ignored.
 * Returns the numeric components, or undefined when it does not parse.
 */
export function parseGenericVersion(s: string): number[] | undefined {
  const m = /^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$/.exec(s);
  if (!m) return undefined;
  const parts = m[1].split('.');
  if (parts.length < 2) return undefined;
  return parts.map((p) => Number(p));
}

/** Compares two parsed versions (missing components count as 0): negative, zero or positive. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
