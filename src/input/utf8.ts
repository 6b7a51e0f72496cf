/**
 * UTF-8 as Go reads it (`unicode/utf8`): no overlong forms, no surrogates, nothing past U+10FFFF.
 * Pure.
 *
 * @module
 */
/* eslint-disable no-bitwise */

/** The code point at `i` and its length in bytes, or undefined where the bytes are not UTF-8. */
function decodeAt(bytes: Uint8Array, i: number): { cp: number; size: number } | undefined {
  const b = bytes[i];
  if (b < 0x80) return { cp: b, size: 1 };
  const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
  if (need < 0) return undefined;
  let cp = b & (0x3f >> need);
  for (let k = 1; k <= need; k++) {
    const c = bytes[i + k];
    if (c === undefined || (c & 0xc0) !== 0x80) return undefined;
    cp = (cp << 6) | (c & 0x3f);
  }
  const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return { cp, size: need + 1 };
}

/** The offset of the first byte that is not part of valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const r = decodeAt(bytes, i);
    if (r === undefined) return i;
    i += r.size;
  }
  return -1;
}

/** Bytes as Go's JSON encoder writes a string: each byte of invalid UTF-8 becomes U+FFFD. */
export function goStringFromBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const r = decodeAt(bytes, i);
    if (r === undefined) {
      out += '\ufffd';
      i++;
    } else {
      out += String.fromCodePoint(r.cp);
      i += r.size;
    }
  }
  return out;
}
