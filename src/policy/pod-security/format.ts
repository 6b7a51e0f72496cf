/**
 * Text helpers that reproduce the wording rules of the upstream PodSecurity
 * admission controller (`k8s.io/pod-security-admission/policy`), so messages
 * compare equal to what a real API server returns.
 *
 * @module
 */

/** `"a", "b", "c"`: each item wrapped in double quotes, joined by `, `. No escaping (upstream does none). */
export function joinQuote(items: readonly string[]): string {
  if (items.length === 0) {
    return '';
  }
  return `"${items.join('", "')}"`;
}

/** The singular form for exactly one item, the plural form otherwise (also for zero). */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/**
 * Compares strings the way Go's `sort.Strings` does: by UTF-8 bytes, which is
 * the same as comparing Unicode code points. (JavaScript's default sort compares
 * UTF-16 code units, which orders characters outside the BMP differently.)
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) {
      return x.done ? (y.done ? 0 : -1) : 1;
    }
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) {
      return cx < cy ? -1 : 1;
    }
  }
}

/** The distinct values, sorted as Go's `sets.String.List()` returns them. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareGoStrings);
}
