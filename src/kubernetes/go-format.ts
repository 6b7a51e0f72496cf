/**
 * Go's text formats, as the Kubernetes and KubeRay code this project mirrors writes and reads
 * them: `strconv.Quote` (the `%q` verb), `encoding/json.Marshal` of decoded JSON/YAML, and
 * `time.ParseDuration`. Messages and generated commands compare equal to upstream's only when
 * they are written the way Go writes them.
 *
 * @module
 */
import { isMap, JsonMap, JsonValue } from './json';

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

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
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

/**
 * Go's `json.Marshal` of maps and slices decoded from YAML or JSON: object keys sorted,
 * and `<`, `>`, `&`, U+2028 and U+2029 escaped as Go does.
 */
export function goJsonMarshal(v: JsonValue): string {
  const sorted = (x: JsonValue): JsonValue => {
    if (Array.isArray(x)) return x.map(sorted);
    if (isMap(x)) {
      const out: JsonMap = {};
      for (const k of Object.keys(x).sort()) out[k] = sorted(x[k]);
      return out;
    }
    return x;
  };
  return JSON.stringify(sorted(v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const DURATION_UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Go's `time.ParseDuration`, in seconds: a signed sequence of decimal numbers with a unit each
 * (`300ms`, `-1.5h`, `2h45m`; units `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`), or `0`. Undefined when
 * it does not parse.
 */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m) return s === '0' ? 0 : undefined;
  let total = 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(s)) !== null) total += Number(part[1]) * DURATION_UNIT_SECONDS[part[2]];
  return m[1] === '-' ? -total : total;
}
