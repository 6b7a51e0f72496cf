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

const NAMED_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * Go's `%q` verb for a string (`strconv.Quote`): double-quoted, with `"` and `\`
 * escaped, printable characters kept as they are and the rest written as
 * `\a`-style, `\xNN`, `\uNNNN` or `\UNNNNNNNN` escapes.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) {
      out += named;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate cannot be encoded as UTF-8; Go would see U+FFFD.
      out += '\uFFFD';
    } else if (PRINTABLE.test(ch)) {
      out += ch;
    } else if (cp < 0x80) {
      out += `\\x${cp.toString(16).padStart(2, '0')}`;
    } else if (cp <= 0xffff) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else {
      out += `\\U${cp.toString(16).padStart(8, '0')}`;
    }
  }
  return `${out}"`;
}
