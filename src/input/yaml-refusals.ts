/**
 * The refusals: YAML that kubectl (go-yaml v2) and the `yaml` package read differently — characters
 * that are line breaks in YAML 1.1 only, escapes go-yaml does not know, implicit keys libyaml does
 * not accept, tabs in indentation — found before a document is decoded, with where they are.
 *
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, Node, Scalar, ScalarTag } from 'yaml';

/** Characters refused in YAML, with what to say about them. */
export function refusedCharacter(ch: string): string | undefined {
  const cp = ch.codePointAt(0)!;
  if (cp === 0x85 || cp === 0x2028 || cp === 0x2029) {
    const name = cp === 0x85 ? 'U+0085 (NEXT LINE)' : cp === 0x2028 ? 'U+2028 (LINE SEPARATOR)' : 'U+2029 (PARAGRAPH SEPARATOR)';
    return `${name} is a line break to Kubernetes' YAML 1.1 parser but not to most YAML tools, so the document would be read differently (e.g. a comment ends there): remove it, or write it as an escape in a double-quoted string`;
  }
  if (cp === 0xfeff) return 'a byte-order mark (U+FEFF) after the start of the file: remove it';
  // libyaml's printable set: TAB, LF, 0x20-0x7E, 0xA0-0xD7FF, 0xE000-0xFFFD, 0x10000 and up.
  const printable = cp === 0x09 || cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff)
    || (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
  if (printable) return undefined;
  return `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}: kubectl refuses control characters in YAML; write it as an escape in a double-quoted string`;
}

/**
 * What {@link refusedCharacter} refuses, as one expression: C0 controls but TAB and LF, DEL, C1
 * controls (U+0085 among them), U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF and lone surrogates.
 */
// eslint-disable-next-line no-control-regex
export const REFUSED_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/gu;

const ESCAPE_LENGTHS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** go-yaml's double-quoted escapes are YAML 1.1's (no `\/`); `\x`, `\u`, `\U` must be code points. */
export function checkDoubleQuoted(raw: string): { offset: number; message: string } | undefined {
  // The `yaml` package ends a double-quoted string at `\"` before a line break, where libyaml
  // (rightly) reads an escaped quote and goes on: the two would read different objects.
  const trailing = /(\\+)"$/.exec(raw);
  if (trailing && trailing[1].length % 2 === 1) {
    return { offset: raw.length - 2, message: 'a double-quoted string whose closing quote is escaped (\\" at the end of a line): YAML parsers disagree on where it ends; close the string on that line' };
  }
  for (let i = raw.indexOf('\\'); i !== -1; i = raw.indexOf('\\', i + 2)) {
    const e = raw[i + 1];
    if (e === undefined) return undefined;
    if ('0abt\tnvfre "\'\\N_LP\n'.includes(e)) continue;
    const n = ESCAPE_LENGTHS[e];
    if (n === undefined) return { offset: i, message: `found unknown escape character \\${e} (YAML 1.1 has no such escape)` };
    const hex = raw.slice(i + 2, i + 2 + n);
    const cp = /^[0-9a-fA-F]+$/.test(hex) && hex.length === n ? parseInt(hex, 16) : -1;
    if (cp < 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return { offset: i, message: 'found invalid Unicode character escape code' };
    i += n;
  }
  return undefined;
}

export const PASS_THROUGH_TAGS = [
  { tag: 'tag:yaml.org,2002:omap', collection: 'seq' as const, resolve: (n: unknown) => n },
  { tag: 'tag:yaml.org,2002:pairs', collection: 'seq' as const, resolve: (n: unknown) => n },
  { tag: 'tag:yaml.org,2002:set', collection: 'map' as const, resolve: (n: unknown) => n },
  { tag: 'tag:yaml.org,2002:binary', resolve: (s: string) => s },
  { tag: 'tag:yaml.org,2002:timestamp', resolve: (s: string) => s },
] as unknown as ScalarTag[];

interface CstToken { type?: string; offset?: number; items?: CstItem[]; value?: CstToken; key?: CstToken | null; start?: unknown; sep?: CstToken[] }
interface CstItem { start?: CstToken[]; key?: CstToken | null; sep?: CstToken[]; value?: CstToken | null }

/**
 * libyaml's rule for implicit keys, which the `yaml` package applies less strictly in flow
 * collections: the key and its `:` must be on one line and at most 1024 characters apart.
 */
export function implicitKeyProblem(tokens: unknown[], text: string): { offset: number; message: string } | undefined {
  const stack: unknown[] = [...tokens];
  while (stack.length > 0) {
    const t = stack.pop() as CstToken | undefined;
    if (t === null || typeof t !== 'object') continue;
    if (Array.isArray(t)) {
      stack.push(...t);
      continue;
    }
    for (const item of t.items ?? []) {
      const explicit = (item.start ?? []).some((s) => s.type === 'explicit-key-ind');
      const ind = (item.sep ?? []).find((s) => s.type === 'map-value-ind');
      if (!explicit && item.key && ind && item.key.offset !== undefined && ind.offset !== undefined) {
        const between = text.slice(item.key.offset, ind.offset);
        if (between.includes('\n')) {
          return { offset: item.key.offset, message: 'a key and its ":" must be on one line (could not find expected \':\')' };
        }
        if (between.length > 1024 && [...between].length > 1024) {
          return { offset: item.key.offset, message: 'a key and its ":" must be at most 1024 characters apart (could not find expected \':\')' };
        }
      }
      stack.push(item.key, item.value, ...(item.sep ?? []), ...(item.start ?? []));
    }
    if (t.value) stack.push(t.value);
  }
  return undefined;
}

/**
 * The offset of a line whose indentation holds a tab where libyaml refuses one: outside flow
 * collections and quoted scalars, and in a block scalar's indentation.
 */
export function leadingTabProblem(text: string, root: Node | null): number | undefined {
  if (!/^ *\t/m.test(text)) return undefined;
  const exempt: [number, number][] = [];
  const blocks: [number, number][] = [];
  visitNodes(root, (node) => {
    const range = node.range;
    if (!range) return;
    if (isScalar(node)) {
      const type = (node as Scalar).type;
      if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') exempt.push([range[0], range[1]]);
      else if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') blocks.push([range[0], range[1]]);
    } else if ((node as { flow?: boolean }).flow) {
      exempt.push([range[0], range[1]]);
    }
  });
  const inside = (ranges: [number, number][], at: number): [number, number] | undefined => ranges.find(([a, b]) => at > a && at < b);
  const re = /^( *)\t/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const at = m.index;
    if (inside(exempt, at)) continue;
    const block = inside(blocks, at);
    if (block) {
      // Content indentation: that of the block's first line with content.
      const body = text.slice(text.indexOf('\n', block[0]) + 1, block[1]);
      const first = /^( *)[^ \n]/m.exec(body);
      if (!first || m[1].length >= first[1].length) continue;
    }
    return at;
  }
  return undefined;
}

export function visitNodes(root: Node | null, fn: (node: Node) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || node === undefined || isAlias(node)) continue;
    fn(node as Node);
    if (isMap(node)) {
      for (const pair of node.items) stack.push(pair.key, pair.value);
    } else if (isSeq(node)) {
      stack.push(...node.items);
    }
  }
}

