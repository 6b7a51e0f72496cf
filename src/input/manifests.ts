/**
 * Kubernetes manifests read exactly as kubectl (and the API server, ArgoCD) read them, so a verdict
 * is about the objects that would be applied:
 *
 * 1. **The stream.** A stream whose first non-space character (within 4096 bytes) is `{` is read as
 *    a stream of JSON values; if the first or second value is not valid JSON, the rest is read as
 *    YAML (`k8s.io/apimachinery`'s `YAMLOrJSONDecoder`). YAML is split into documents at every
 *    line that starts with `---` (even inside a quoted scalar); such a line may hold only spaces
 *    and a comment after the dashes. CRLF line ends are read as LF.
 * 2. **Each document** is decoded as `sigs.k8s.io/yaml` does (go-yaml v2, YAML 1.1, see
 *    `./go-yaml.ts`). Only a document's first YAML document counts: anything after a `...` line is
 *    ignored, as kubectl ignores it.
 * 3. **Objects.** An object with an `items` key is a list: its items are the objects (an item
 *    without `kind` and `apiVersion` takes the list's `apiVersion` and its `kind` without the
 *    `List` suffix); a list inside a list is refused. Every other object needs a `kind`, and its
 *    `metadata` must fit Kubernetes' `ObjectMeta` types.
 *
 * Input that kubectl and common YAML tools read differently is refused rather than guessed at:
 * U+0085, U+2028 and U+2029 (line breaks in YAML 1.1, not in YAML 1.2), a CR without LF, a
 * byte-order mark after the start, control characters. Documents larger than
 * {@link MAX_DOCUMENT_BYTES} are refused (the API server would not take them either).
 *
 * Pure: text in, plain objects and errors (with 1-based lines) out; no I/O.
 *
 * @module
 */
import { Composer, Document, isMap, isScalar, isSeq, LineCounter, Node, Parser, Scalar } from 'yaml';
import { decodeGoYaml, GoYamlError, setOwn } from './go-yaml';
import { isGoSpace, JsonSyntaxError, looksLikeJson, scanJsonValue } from './json-stream';
import { objectMetaProblem } from './object-meta';
import { checkDoubleQuoted, implicitKeyProblem, leadingTabProblem, PASS_THROUGH_TAGS, REFUSED_CHARACTERS, refusedCharacter, visitNodes } from './yaml-refusals';

/** Where an object came from. */
export interface ManifestLocation {
  /** 0-based position of the document among the stream's non-empty documents. */
  readonly index: number;
  /** For an item of a list: its 0-based position in `items`. */
  readonly item?: number;
  /** 1-based line where the document (or the list item) starts. */
  readonly line: number;
}

/** A problem with the input. */
export interface ManifestError {
  /** 1-based line, when the problem is at one. */
  readonly line?: number;
  readonly message: string;
  /**
   * True when the stream cannot be read past this point (kubectl stops there and applies nothing
   * from the file); false when only this document (or list item) is refused.
   */
  readonly fatal: boolean;
}

/**
 * The largest document read, in bytes of UTF-8: 3 MiB, the API server's limit on a request body
 * (etcd's default limit on a stored object is lower still, 1.5 MiB).
 */
export const MAX_DOCUMENT_BYTES = 3 * 1024 * 1024;

export interface DecodeOptions {
  /** @default MAX_DOCUMENT_BYTES */
  readonly maxDocumentBytes?: number;
}

function goTrimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s[a])) a++;
  while (b > a && isGoSpace(s[b - 1])) b--;
  return s.slice(a, b);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'scalar'}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(obj: Record<string, unknown>, key: string): string {
  const v = obj[key];
  return typeof v === 'string' ? v : '';
}

interface Decoded {
  readonly value: unknown;
  /** 1-based line of the document's content. */
  readonly line: number;
  /** 1-based lines of the `items` elements, when known. */
  readonly itemLines?: readonly number[];
}

/**
 * Decodes a manifest stream (one file's text). Objects are handed to `onObject` one at a time, as
 * soon as they are read; problems to `onError`. After a fatal error nothing more is read.
 */
export function decodeManifests(text: string,
  onObject: (obj: Record<string, unknown>, where: ManifestLocation) => void,
  onError: (e: ManifestError) => void,
  options: DecodeOptions = {}): void {
  const maxBytes = options.maxDocumentBytes ?? MAX_DOCUMENT_BYTES;
  const src = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
  const cr = src.indexOf('\r');
  if (cr !== -1) {
    onError({ line: lineAt(src, cr), message: 'a carriage return (CR) without a line feed: Kubernetes\' document splitter and its YAML parser disagree on such line ends; use LF or CRLF line ends', fatal: true });
    return;
  }
  let index = 0;
  let stopped = false;
  const fatal = (line: number | undefined, message: string): void => {
    onError({ ...(line !== undefined ? { line } : {}), message, fatal: true });
    stopped = true;
  };
  const tooLarge = (bytes: number, line: number): void => {
    onError({
      line,
      message: `document ${index} is ${(bytes / 2 ** 20).toFixed(1)} MiB, larger than the ${(maxBytes / 2 ** 20).toFixed(1)} MiB this tool reads `
        + '(the API server refuses requests over 3 MiB); split it',
      fatal: false,
    });
    index++;
  };
  const emit = (decoded: Decoded): void => {
    const { value, line } = decoded;
    if (value === null || value === undefined) return;
    const at = index++;
    if (!isObject(value)) {
      onError({ line, message: `document ${at} is ${describe(value)}, not a Kubernetes object`, fatal: false });
      return;
    }
    const docError = (message: string): void => onError({ line, message: `document ${at}: ${message}`, fatal: false });
    if (Object.prototype.hasOwnProperty.call(value, 'items')) {
      emitList(value, decoded, at, docError);
      return;
    }
    if (stringField(value, 'kind') === '') {
      docError('no "kind" (kubectl refuses an object without one)');
      return;
    }
    const meta = objectMetaProblem(value);
    if (meta) {
      docError(meta);
      return;
    }
    onObject(value, { index: at, line });
  };
  const emitList = (list: Record<string, unknown>, decoded: Decoded, at: number, docError: (m: string) => void): void => {
    const items = list.items;
    if (items !== null && !Array.isArray(items)) {
      docError(`"items" is ${describe(items)}: Kubernetes reads any object with "items" as a list of objects, so kubectl refuses it`);
      return;
    }
    const listKind = stringField(list, 'kind');
    if (listKind === '') {
      docError('a list ("items") without "kind" (kubectl refuses it)');
      return;
    }
    const meta = objectMetaProblem(list);
    if (meta) {
      docError(meta);
      return;
    }
    const itemKind = listKind.endsWith('List') ? listKind.slice(0, -'List'.length) : listKind;
    const listApiVersion = stringField(list, 'apiVersion');
    ((items ?? []) as unknown[]).forEach((raw, i) => {
      const line = decoded.itemLines?.[i] ?? decoded.line;
      const itemError = (message: string): void => onError({ line, message: `item ${i} of List document ${at} ${message}`, fatal: false });
      if (raw !== null && !isObject(raw)) {
        itemError(`is ${describe(raw)}, not a Kubernetes object`);
        return;
      }
      const item: Record<string, unknown> = raw === null ? {} : raw;
      if (stringField(item, 'kind') === '' && stringField(item, 'apiVersion') === '') {
        // As kubectl does for typed lists (PodList items carry no kind).
        setOwn(item, 'kind', itemKind);
        setOwn(item, 'apiVersion', listApiVersion);
      }
      if (Object.prototype.hasOwnProperty.call(item, 'items') && item.items !== null) {
        itemError(Array.isArray(item.items)
          ? 'is itself a list ("items"): kubectl refuses a list inside a list; put its items in the outer list'
          : `has "items" that is ${describe(item.items)}: kubectl reads "items" as a list and refuses it`);
        return;
      }
      if (stringField(item, 'kind') === '') {
        itemError('has no "kind" (kubectl refuses it)');
        return;
      }
      if (stringField(item, 'apiVersion') === '') {
        itemError('has no "apiVersion" (kubectl refuses it)');
        return;
      }
      onObject(item, { index: at, item: i, line });
    });
  };

  // JSON stream, as long as it is one.
  let pos = 0;
  // Lines of the JSON values, counted on from the previous one (not from the start each time).
  let countedTo = 0;
  let countedLine = 1;
  const jsonLine = (offset: number): number => {
    for (let i = src.indexOf('\n', countedTo); i !== -1 && i < offset; i = src.indexOf('\n', i + 1)) countedLine++;
    countedTo = offset;
    return countedLine;
  };
  if (looksLikeJson(src)) {
    let count = 0;
    for (;;) {
      let start = pos;
      while (start < src.length && ' \t\n\r'.includes(src[start])) start++;
      if (start >= src.length) return;
      let end: number;
      try {
        end = scanJsonValue(src, start);
      } catch (err) {
        if (!(err instanceof JsonSyntaxError)) throw err;
        if (count > 1) {
          fatal(lineAt(src, err.offset), `invalid JSON: ${err.message}`);
          return;
        }
        // Not JSON after all: the rest is read as YAML, from the start of the next line. (kubectl
        // reads 4 bytes at a time while skipping the spaces: with fewer left, it gives up.)
        let p = pos;
        const fewerThan4Bytes = (at: number): boolean => src.length - at < 4 && Buffer.byteLength(src.slice(at)) < 4;
        while (!fewerThan4Bytes(p) && isGoSpace(src[p]) && src[p] !== '\n') p++;
        if (fewerThan4Bytes(p)) {
          fatal(lineAt(src, err.offset), `invalid JSON: ${err.message}`);
          return;
        }
        if (src[p] === '\n') p++;
        pos = p;
        break;
      }
      count++;
      const bytes = Buffer.byteLength(src.slice(start, end));
      const line = jsonLine(start);
      if (bytes > maxBytes) tooLarge(bytes, line);
      // -0 is 0 to Kubernetes (an int64).
      else emit({ value: JSON.parse(src.slice(start, end), (_k, v) => (v === 0 ? 0 : v)), line });
      pos = end;
    }
  }

  // YAML: documents split at lines starting with `---`.
  let chunkStart = -1;
  let chunkLine = 0;
  let lineNo = lineAt(src, pos);
  const flush = (end: number): void => {
    if (chunkStart === -1 || stopped) return;
    let chunk = src.slice(chunkStart, end);
    if (!chunk.endsWith('\n')) chunk += '\n';
    const bytes = Buffer.byteLength(chunk);
    if (bytes > maxBytes) {
      tooLarge(bytes, chunkLine);
    } else {
      const decoded = decodeYamlDocument(chunk, chunkLine, fatal);
      if (decoded && !stopped) emit(decoded);
    }
    chunkStart = -1;
  };
  while (pos < src.length && !stopped) {
    const nl = src.indexOf('\n', pos);
    const end = nl === -1 ? src.length : nl + 1;
    if (src.startsWith('---', pos)) {
      const rest = goTrimSpace(src.slice(pos + 3, nl === -1 ? src.length : nl));
      if (rest !== '' && rest[0] !== '#') {
        fatal(lineNo, `invalid document separator "---${rest.length > 40 ? `${rest.slice(0, 40)}…` : rest}": `
          + 'kubectl allows only a comment after ---; put the content on the next line');
        return;
      }
      if (chunkStart !== -1) {
        flush(pos);
        pos = end;
        lineNo++;
        continue;
      }
    }
    if (chunkStart === -1) {
      chunkStart = pos;
      chunkLine = lineNo;
    }
    pos = end;
    lineNo++;
  }
  flush(src.length);
}

/** One YAML document (a `---`-delimited chunk) as Kubernetes decodes it, or undefined after a fatal error. */
function decodeYamlDocument(chunk: string, firstLine: number, fatal: (line: number | undefined, message: string) => void): Decoded | undefined {
  const lines = chunk.split('\n');
  // Only the first YAML document counts: go-yaml stops at `...`.
  let seenContent = false;
  let explicitStart = false;
  let text = chunk;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^\.\.\.(?:[ \t]|$)/.test(l)) {
      if (!seenContent && !explicitStart) {
        fatal(firstLine + i, 'invalid YAML: did not find expected node content (a "..." document end before any content)');
        return undefined;
      }
      text = lines.slice(0, i + 1).join('\n') + '\n';
      break;
    }
    if (i === 0 && l.startsWith('---')) {
      explicitStart = true;
      continue;
    }
    const trimmed = l.trim();
    if (l.startsWith('%')) {
      if (!seenContent && !explicitStart) {
        fatal(firstLine + i, 'invalid YAML: a %YAML or %TAG directive: kubectl splits documents at "---" lines, so the directive is cut off from its document (did not find expected <document start>); remove it');
        return undefined;
      }
      // A directive after `---` or content ends the document for go-yaml, which reads only the first.
      text = lines.slice(0, i).join('\n') + '\n';
      break;
    }
    if (trimmed !== '' && !trimmed.startsWith('#')) seenContent = true;
  }
  // Characters that YAML 1.1 and YAML 1.2 read differently, or that kubectl refuses (one regular
  // expression over the text: a loop over its characters costs seconds of GC on a 50 MB file).
  REFUSED_CHARACTERS.lastIndex = 0;
  for (let m = REFUSED_CHARACTERS.exec(text); m !== null; m = REFUSED_CHARACTERS.exec(text)) {
    // A byte-order mark is allowed at the start of the stream only.
    if (m[0] === '\ufeff' && m.index === 0 && firstLine === 1) continue;
    fatal(lineAt(text, m.index) + firstLine - 1, refusedCharacter(m[0]) ?? 'a lone surrogate');
    return undefined;
  }
  const lc = new LineCounter();
  const lineOf = (offset: number | undefined): number => (offset === undefined ? firstLine : firstLine - 1 + lc.linePos(offset).line);
  const tokens = [...new Parser(lc.addNewLine).parse(text)];
  let doc: Document.Parsed | undefined;
  // Tags only name types here: values are resolved by go-yaml's rules in ./go-yaml.ts, so even
  // the YAML 1.1 collection and scalar tags the `yaml` package knows must not change the nodes.
  const composer = new Composer({ schema: 'failsafe', uniqueKeys: false, prettyErrors: false, customTags: PASS_THROUGH_TAGS });
  // Not `break` after the first: closing the composer's generator early costs ~4 ms a document.
  for (const d of composer.compose(tokens, true, text.length)) doc ??= d;
  if (doc === undefined) return { value: null, line: firstLine };
  const err = doc.errors[0];
  if (err !== undefined) {
    fatal(lineOf(Math.max(0, Math.min(err.pos[0], text.length - 1))), `invalid YAML: ${err.message.split('\n')[0].trim()}`);
    return undefined;
  }
  const keyProblem = implicitKeyProblem(tokens, text);
  if (keyProblem) {
    fatal(lineOf(keyProblem.offset), `invalid YAML: ${keyProblem.message}`);
    return undefined;
  }
  const root = (doc.contents ?? null) as Node | null;
  const tab = leadingTabProblem(text, root);
  if (tab !== undefined) {
    fatal(lineOf(tab), 'invalid YAML: a tab in the indentation: kubectl\'s YAML parser refuses tabs there (found character that cannot start any token); indent with spaces');
    return undefined;
  }
  let escapeProblem: { offset: number; message: string } | undefined;
  visitNodes(root, (node) => {
    if (escapeProblem || !isScalar(node) || (node as Scalar).type !== 'QUOTE_DOUBLE' || !node.range) return;
    const p = checkDoubleQuoted(text.slice(node.range[0], node.range[1]));
    if (p) escapeProblem = { offset: node.range[0] + p.offset, message: p.message };
  });
  if (escapeProblem) {
    fatal(lineOf(escapeProblem.offset), `invalid YAML: ${escapeProblem.message}`);
    return undefined;
  }
  let value: unknown;
  try {
    value = decodeGoYaml(doc);
  } catch (e) {
    if (!(e instanceof GoYamlError)) throw e;
    fatal(lineOf(e.offset ?? root?.range?.[0]), `invalid YAML: ${e.message}`);
    return undefined;
  }
  const contentLine = lineOf(root?.range?.[0]);
  let itemLines: number[] | undefined;
  if (isMap(root)) {
    const items = root.items.find((p) => isScalar(p.key) && (p.key as Scalar).source === 'items')?.value;
    if (isSeq(items)) itemLines = items.items.map((n) => lineOf((n as Node | null)?.range?.[0] ?? items.range?.[0]));
  }
  return { value, line: contentLine, ...(itemLines ? { itemLines } : {}) };
}
