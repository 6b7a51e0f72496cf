/**
 * JSON streams as `k8s.io/apimachinery`'s `YAMLOrJSONDecoder` reads them: the sniff that decides a
 * stream is JSON, and the scan of one JSON value with Go's decoder rules.
 *
 * @module
 */

/** Go's `unicode.IsSpace`. */
export function isGoSpace(c: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(c);
}

const SNIFF_BYTES = 4096;

/** `GuessJSONStream`: within the first 4096 bytes, is the first non-space character `{`? */
export function looksLikeJson(text: string): boolean {
  let bytes = 0;
  for (const ch of text) {
    if (isGoSpace(ch)) {
      bytes += Buffer.byteLength(ch);
      if (bytes >= SNIFF_BYTES) return false;
      continue;
    }
    return ch === '{';
  }
  return false;
}

/** A JSON syntax error at an offset. */
export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const JSON_MAX_DEPTH = 10000;
const SAFE_INT = BigInt(Number.MAX_SAFE_INTEGER);

/** The end of the JSON value starting at `pos` (after whitespace), validated as Go's decoder does. */
export function scanJsonValue(text: string, start: number): number {
  let pos = start;
  const stack: string[] = [];
  const fail = (what: string): never => {
    throw new JsonSyntaxError(pos >= text.length ? 'unexpected end of JSON input' : `invalid character ${JSON.stringify(text[pos])} ${what}`, pos);
  };
  const skipSpace = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  };
  const scanString = (): void => {
    pos++;
    for (;;) {
      if (pos >= text.length) fail('in string literal');
      const c = text.charCodeAt(pos);
      if (c === 0x22) { pos++; return; }
      if (c < 0x20) fail('in string literal');
      if (c === 0x5c) {
        const e = text[pos + 1];
        if (e === 'u') {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) { pos++; fail('in \\u hexadecimal character escape'); }
          const cp = parseInt(hex, 16);
          if (cp >= 0xd800 && cp <= 0xdfff) {
            const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(text.slice(pos + 6, pos + 12));
            if (cp >= 0xdc00 || !low) throw new JsonSyntaxError(`a lone surrogate escape \\u${hex} (Kubernetes reads it as U+FFFD): remove it`, pos);
            pos += 6;
          }
          pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          pos += 2;
        } else {
          pos++;
          fail('in string escape code');
        }
        continue;
      }
      pos++;
    }
  };
  const scanNumber = (): void => {
    const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (!m || m[0] === '-') fail('looking for beginning of value');
    const literal = m![0];
    if (m![1] === undefined && m![2] === undefined && literal.length > 15) {
      const v = BigInt(literal);
      // Kubernetes keeps integers that fit int64 exactly; JavaScript numbers cannot beyond 2^53.
      if ((v > SAFE_INT || v < -SAFE_INT) && v < BigInt(2) ** BigInt(63) && v >= -(BigInt(2) ** BigInt(63)) && BigInt(Number(v)) !== v) {
        throw new JsonSyntaxError(`the integer ${literal} is too large to check exactly (beyond ±2^53)`, pos);
      }
    }
    pos += literal.length;
  };
  for (;;) {
    skipSpace();
    // A value.
    const c = text[pos];
    if (c === '{' || c === '[') {
      stack.push(c);
      if (stack.length > JSON_MAX_DEPTH) throw new JsonSyntaxError(`exceeded max depth of ${JSON_MAX_DEPTH}`, pos);
      pos++;
      skipSpace();
      if (text[pos] === (c === '{' ? '}' : ']')) {
        stack.pop();
        pos++;
      } else if (c === '{') {
        if (text[pos] !== '"') fail('looking for beginning of object key string');
        scanString();
        skipSpace();
        if (text[pos] !== ':') fail('after object key');
        pos++;
        continue;
      } else {
        continue;
      }
    } else if (c === '"') {
      scanString();
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      scanNumber();
    } else if (text.startsWith('true', pos)) {
      pos += 4;
    } else if (text.startsWith('false', pos)) {
      pos += 5;
    } else if (text.startsWith('null', pos)) {
      pos += 4;
    } else {
      fail('looking for beginning of value');
    }
    // After a value: close containers or go on to the next element.
    for (;;) {
      if (stack.length === 0) return pos;
      skipSpace();
      const top = stack[stack.length - 1];
      if (text[pos] === ',') {
        pos++;
        if (top === '{') {
          skipSpace();
          if (text[pos] !== '"') fail('looking for beginning of object key string');
          scanString();
          skipSpace();
          if (text[pos] !== ':') fail('after object key');
          pos++;
        }
        break;
      }
      if (text[pos] === (top === '{' ? '}' : ']')) {
        stack.pop();
        pos++;
        continue;
      }
      fail(top === '{' ? 'after object key:value pair' : 'after array element');
    }
  }
}

