/**
 * Input for `secure-ray check` and `reach`: expands paths, reads files one at a time and decodes
 * their manifests exactly as kubectl does (see `../input/manifests.ts`), with line numbers. Never
 * throws for bad input: problems come back as {@link InputError}s.
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';
import { Document, LineCounter, Node, isMap, isSeq, parseDocument } from 'yaml';
import { decodeManifests } from '../input/manifests';
import { firstInvalidUtf8 } from '../input/utf8';
import { TenantDefinition } from '../policy/tenant-definition';
import { tenantSetProblems } from '../policy/tenant-set';

/** A problem with the input: an unreadable path, invalid YAML, a binary file, a non-object document. */
export interface InputError {
  /** The path as given (or as found under a directory as given); `-` for stdin. */
  readonly source: string;
  /** The 1-based line, when the problem is at one. */
  readonly line?: number;
  /** What is wrong, e.g. `invalid YAML: ...` or `no such file or directory`. */
  readonly message: string;
  /**
   * True when the file could not be read past this point; its documents are then not judged
   * (kubectl would apply none of them).
   */
  readonly fatal?: boolean;
}

/** Where a parsed document came from. */
export interface DocumentSource {
  readonly source: string;
  /** The 0-based position of the document among the file's non-empty documents. */
  readonly index: number;
  /** For an item of a list (any object with `items`): its 0-based position in `items`. */
  readonly item?: number;
  /** The 1-based line where the document (or List item) starts. */
  readonly line: number;
}

/** The documents of one input, ready for the engine, plus its input errors. */
export interface ParsedInput {
  readonly docs: unknown[];
  readonly sources: DocumentSource[];
  readonly errors: InputError[];
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
const BINARY_PROBE_BYTES = 8192;

/** The largest file read: 256 MiB (documents are limited to 3 MiB each, see MAX_DOCUMENT_BYTES). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** The OS reason of a filesystem error, e.g. `no such file or directory` for ENOENT. */
export function osReason(err: unknown): string {
  // Not `instanceof Error`: errors from Node's fs may come from another realm (e.g. under jest).
  const raw = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  const message = typeof raw === 'string' ? raw : String(err);
  const m = /^(?:Error: )?[A-Z0-9_]+: ([^,]+)/.exec(message);
  return (m ? m[1] : message.split('\n')[0]).trim();
}

function joinAsGiven(dir: string, name: string): string {
  return dir.endsWith('/') || dir.endsWith(path.sep) ? dir + name : `${dir}${path.sep}${name}`;
}

/**
 * The files a path stands for: the path itself for a file (any extension), or, for a directory,
 * every `*.yaml`, `*.yml` and `*.json` file under it, sorted by name at each level (depth-first),
 * skipping `node_modules` and directories whose name starts with a dot (listed in `skipped`, so
 * the caller can say so; a skipped directory given as the path itself is searched). Symbolic links
 * to files are followed; symbolic links to directories are not (no cycles). Each file is named by
 * joining what was found to the directory as given (`dir/sub/a.yaml`).
 */
export function expandPath(given: string): { files: string[]; errors: InputError[]; skipped: string[] } {
  const files: string[] = [];
  const errors: InputError[] = [];
  const skipped: string[] = [];
  let stat: fs.Stats;
  try {
    stat = fs.statSync(given);
  } catch (err) {
    return { files, errors: [{ source: given, message: osReason(err) }], skipped };
  }
  if (!stat.isDirectory()) return { files: [given], errors, skipped };
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      errors.push({ source: dir, message: osReason(err) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = joinAsGiven(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          isFile = fs.statSync(full).isFile();
        } catch {
          isFile = false;
        }
        isDir = false;
      }
      if (isDir) {
        if (entry.name.startsWith('.') || entry.name === 'node_modules') {
          skipped.push(full);
          continue;
        }
        walk(full);
      } else if (isFile && MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
        files.push(full);
      }
    }
  };
  walk(given);
  if (files.length === 0 && errors.length === 0) {
    // A directory that holds no manifest at all is most likely the wrong path.
    errors.push({ source: given, message: `no manifests (*${MANIFEST_EXTENSIONS.join(', *')}) in this directory` });
  }
  return { files, errors, skipped };
}

/** True when the first 8 KB hold a NUL byte. */
export function looksBinary(data: Buffer | string): boolean {
  if (typeof data === 'string') return data.slice(0, BINARY_PROBE_BYTES).includes('\u0000');
  return data.subarray(0, BINARY_PROBE_BYTES).includes(0);
}

/**
 * Decodes bytes as UTF-8 (a leading byte-order mark is kept: the manifest reader treats it as
 * kubectl does), or says where they are not UTF-8.
 */
export function decodeUtf8(data: Buffer, source: string): { text: string } | { error: InputError } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data) };
  } catch {
    const at = firstInvalidUtf8(data);
    let line = 1;
    for (let i = data.indexOf(0x0a); i !== -1 && i < at; i = data.indexOf(0x0a, i + 1)) line++;
    return { error: { source, line, message: `not valid UTF-8 (byte 0x${data[Math.max(0, at)].toString(16).padStart(2, '0')} at offset ${at}): save the file as UTF-8` } };
  }
}

/** Reads one file as UTF-8 text, or says why it cannot. */
export function readText(file: string): { text: string } | { error: InputError } {
  let data: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_FILE_BYTES) {
      return { error: { source: file, message: `${(size / 2 ** 20).toFixed(0)} MiB, larger than the ${MAX_FILE_BYTES / 2 ** 20} MiB this tool reads from one file: split it` } };
    }
    data = fs.readFileSync(file);
  } catch (err) {
    return { error: { source: file, message: osReason(err) } };
  }
  if (looksBinary(data)) return { error: { source: file, message: 'binary file' } };
  return decodeUtf8(data, file);
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function lineOf(lc: LineCounter, offset: number | undefined): number {
  return offset === undefined ? 1 : lc.linePos(offset).line;
}

/** The first YAML error of a parsed document, as an input error, or undefined. */
function yamlError(doc: Document, lc: LineCounter, source: string, textLength: number): InputError | undefined {
  const e = doc.errors[0];
  if (e === undefined) return undefined;
  // An error at the end of the input is reported at the last line, not the one after it.
  const offset = Math.max(0, Math.min(e.pos[0], textLength - 1));
  return { source, line: lineOf(lc, offset), message: `invalid YAML: ${firstLine(e.message)}` };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'scalar'}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toJs(doc: Document, lc: LineCounter, source: string): { value: unknown } | { error: InputError } {
  try {
    return { value: doc.toJS({ maxAliasCount: 1000 }) };
  } catch (err) {
    return { error: { source, line: lineOf(lc, doc.contents?.range?.[0]), message: `invalid YAML: ${firstLine(String((err as { message?: unknown } | null)?.message ?? err))}` } };
  }
}

/**
 * Decodes the manifests of one input exactly as kubectl does (see `../input/manifests.ts`): JSON
 * or YAML streams, YAML 1.1 values and merge keys, lists (any object with `items`) flattened into
 * their items.
 *
 * - Empty documents (between `---` separators, comment-only, or `null`) are skipped; `index`
 *   counts the non-empty documents.
 * - After an error that stops the stream (invalid YAML, input read differently by YAML 1.1 and
 *   1.2, ...: `fatal`), the file yields only errors and no documents: kubectl would apply none.
 * - A document or list item that is not an object, has no `kind`, or whose `metadata` Kubernetes
 *   would refuse is an input error at its line; the file's other documents are still returned.
 * - A list's items are reported with the list's `index` and their own `item` position.
 */
export function parseManifests(text: string, source: string,
  onDocument?: (doc: Record<string, unknown>, where: DocumentSource) => void): ParsedInput {
  const docs: unknown[] = [];
  const sources: DocumentSource[] = [];
  const errors: InputError[] = [];
  // With a callback, each document is handed over as soon as it is read and not kept: a large
  // file's documents are never all in memory at once.
  decodeManifests(text, (doc, where) => {
    const at: DocumentSource = { source, index: where.index, line: where.line, ...(where.item !== undefined ? { item: where.item } : {}) };
    if (onDocument) {
      onDocument(doc, at);
    } else {
      docs.push(doc);
      sources.push(at);
    }
  }, (e) => {
    errors.push({ source, ...(e.line !== undefined ? { line: e.line } : {}), message: e.message, ...(e.fatal ? { fatal: true } : {}) });
  });
  if (errors.some((e) => e.fatal)) return { docs: [], sources: [], errors };
  return { docs, sources, errors };
}

/** A bad `--tenants` file: fatal, exit 2. */
export class TenantsFileError extends Error {
  constructor(readonly error: InputError) {
    super(error.message);
    this.name = 'TenantsFileError';
  }
}

const TENANT_STRING_FIELDS = ['namespace', 'nodeLabelKey', 'nodeLabelValue', 'taintKey', 'taintValue', 'taintEffect'] as const;
const BOUND_FIELDS = ['minCpu', 'maxCpu', 'minMemory', 'maxMemory'] as const;

/**
 * The first problem with a list of tenant definitions (as in a `--tenants` file or the plugin's
 * `tenants` property), with the index of the tenant it is in, or undefined: `name` is a non-empty
 * string and unique, the other fields are strings, `bounds` values are strings or numbers, and no
 * unknown keys; then the set (`policy/tenant-set.ts`): no two tenants share a namespace, node
 * label or taint, no reserved name. Pure.
 */
export function tenantDefinitionsProblem(list: readonly unknown[]): { index: number; message: string } | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    const at = (message: string) => ({ index: i, message });
    if (!isObject(t)) return at(`tenant ${i} is ${t === null ? 'null' : describe(t)}, expected an object`);
    if (typeof t.name !== 'string' || t.name === '') return at(`tenant ${i}: "name" must be a non-empty string`);
    const name = t.name;
    if (seen.has(name)) return at(`tenant ${i}: duplicate tenant name ${JSON.stringify(name)}`);
    seen.add(name);
    for (const key of Object.keys(t)) {
      if (key === 'name') continue;
      if (key === 'bounds') {
        if (!isObject(t.bounds)) return at(`tenant ${JSON.stringify(name)}: "bounds" must be an object`);
        for (const [b, v] of Object.entries(t.bounds)) {
          if (b === 'extendedResources') {
            if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string' && typeof x !== 'number')) {
              return at(`tenant ${JSON.stringify(name)}: bounds.extendedResources must map resource names to quantities, e.g. {"nvidia.com/gpu": "1"}`);
            }
            continue;
          }
          if (!(BOUND_FIELDS as readonly string[]).includes(b)) return at(`tenant ${JSON.stringify(name)}: unknown bound ${JSON.stringify(b)} (expected ${[...BOUND_FIELDS, 'extendedResources'].join(', ')})`);
          if (typeof v !== 'string' && typeof v !== 'number') return at(`tenant ${JSON.stringify(name)}: bounds.${b} must be a string or a number`);
        }
      } else if (key === 'allowExposure') {
        if (typeof t.allowExposure !== 'boolean') return at(`tenant ${JSON.stringify(name)}: "allowExposure" must be true or false`);
      } else if ((TENANT_STRING_FIELDS as readonly string[]).includes(key)) {
        if (typeof t[key] !== 'string') return at(`tenant ${JSON.stringify(name)}: "${key}" must be a string`);
      } else {
        return at(`tenant ${JSON.stringify(name)}: unknown key ${JSON.stringify(key)}`);
      }
    }
  }
  // The set as a whole: no shared namespace, node label or taint, no reserved name.
  const problems = tenantSetProblems(list as TenantDefinition[]);
  if (problems.length === 0) return undefined;
  const p = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return { index: p.index, message: `${p.message}; fix: ${p.fix}${more}` };
}

/**
 * Reads a `--tenants` file: YAML or JSON holding a list of tenant definitions or
 * `{ tenants: [...] }`, validated by {@link tenantDefinitionsProblem}.
 * @throws TenantsFileError
 */
export function readTenantsFile(file: string): TenantDefinition[] {
  const read = readText(file);
  if ('error' in read) throw new TenantsFileError({ ...read.error, message: `tenants file: ${read.error.message}` });
  const lc = new LineCounter();
  const doc = parseDocument(read.text, { lineCounter: lc, prettyErrors: false });
  const fail = (message: string, offset?: number): never => {
    throw new TenantsFileError({ source: file, line: lineOf(lc, offset), message: `tenants file: ${message}` });
  };
  const err = yamlError(doc, lc, file, read.text.length);
  if (err) throw new TenantsFileError({ ...err, message: `tenants file: ${err.message}` });
  const converted = toJs(doc, lc, file);
  if ('error' in converted) fail(converted.error.message, doc.contents?.range?.[0]);
  const value = (converted as { value: unknown }).value;
  let list: unknown;
  let listNode: unknown = doc.contents;
  if (Array.isArray(value)) {
    list = value;
  } else if (isObject(value) && Array.isArray(value.tenants)) {
    const extra = Object.keys(value).filter((k) => k !== 'tenants');
    if (extra.length > 0) fail(`unknown key ${JSON.stringify(extra[0])} (expected only "tenants")`, doc.contents?.range?.[0]);
    list = value.tenants;
    listNode = isMap(doc.contents) ? doc.contents.get('tenants', true) : undefined;
  } else {
    fail('expected a list of tenant definitions or { tenants: [...] }', doc.contents?.range?.[0]);
  }
  const nodes = isSeq(listNode) ? listNode.items : [];
  const problem = tenantDefinitionsProblem(list as unknown[]);
  if (problem) fail(problem.message, (nodes[problem.index] as Node | undefined)?.range?.[0]);
  return list as TenantDefinition[];
}

/**
 * Reads and decodes one manifest file as `secure-ray check` does (for the cdk8s validation
 * plugin): its documents with their sources, and its input errors.
 */
export function readManifestFile(file: string): ParsedInput {
  const read = readText(file);
  if ('error' in read) return { docs: [], sources: [], errors: [{ ...read.error, fatal: true }] };
  return parseManifests(read.text, file);
}

/** The first line of an error's message. */
export function oneLine(err: unknown): string {
  const raw = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return (typeof raw === 'string' ? raw : String(err)).split('\n')[0];
}

/**
 * Reads every PATH the way both commands do — a file, a directory (recursively), or `-` for stdin
 * (read once; a repeated `-` gives the same text again unless `stdinOnce`) — and hands each text to
 * `onText`. Unreadable paths, binary files, text that is not UTF-8 and a missing stdin are reported
 * through `reportError`, and the other paths are still read. Directories skipped in a walk go to
 * `onSkipped`.
 */
export async function readInputs(paths: readonly string[], stdin: (() => Promise<string>) | undefined,
  reportError: (e: InputError) => void, onText: (text: string, source: string) => void,
  options: { readonly stdinOnce?: boolean; readonly onSkipped?: (dir: string) => void } = {}): Promise<void> {
  let stdinText: string | undefined;
  for (const given of paths) {
    if (given === '-') {
      const first = stdinText === undefined;
      if (first) {
        if (!stdin) {
          reportError({ source: '-', message: 'stdin is not available' });
          continue;
        }
        try {
          stdinText = await stdin();
        } catch (err) {
          reportError({ source: '-', message: oneLine(err) });
          continue;
        }
      }
      if (!first && options.stdinOnce) continue;
      if (looksBinary(stdinText!)) reportError({ source: '-', message: 'binary file' });
      else onText(stdinText!, '-');
      continue;
    }
    const expanded = expandPath(given);
    expanded.errors.forEach(reportError);
    if (options.onSkipped) expanded.skipped.forEach(options.onSkipped);
    for (const file of expanded.files) {
      const read = readText(file);
      if ('error' in read) reportError(read.error);
      else onText(read.text, file);
    }
  }
}
