/**
 * Output of `secure-ray check`, text and JSON. Pure functions over the engine's results.
 *
 * Everything that came from the input (paths, kinds, names, namespaces, violation paths, values,
 * messages) is printed through {@link escapeText}: a control character in a document (ESC, CR,
 * LF) could otherwise rewrite the terminal or forge a `✓ pass` line. JSON output is escaped by
 * JSON encoding, plus C1 controls, U+2028/U+2029 and bidirectional controls as `\uXXXX`.
 *
 * @module
 */
import { InputError } from './read';
import { DocumentResult, RULE_IDS, documentFailed } from '../policy/engine';
import { Violation } from '../policy/types';

/** A document's verdicts plus, for an item of a `kind: List` document, the item's position. */
export type ReportedDocument = DocumentResult & { readonly item?: number };

/** Everything one run reports. */
export interface Report {
  readonly documents: readonly ReportedDocument[];
  readonly errors: readonly InputError[];
}

/** The number of documents with a failing rule. */
export function failedCount(documents: readonly ReportedDocument[]): number {
  return documents.filter(documentFailed).length;
}

function violationJson(v: Violation): Record<string, unknown> {
  return {
    path: v.path,
    message: v.message,
    ...(v.value !== undefined ? { value: v.value } : {}),
    ...(v.bound !== undefined ? { bound: v.bound } : {}),
    ...(v.fix !== undefined ? { fix: v.fix } : {}),
    ...(v.check !== undefined ? { check: v.check } : {}),
    ...(v.context !== undefined ? { context: v.context } : {}),
  };
}

// C0 and C1 controls, DEL, line/paragraph separators and bidirectional controls ("Trojan Source").
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function hexEscape(c: string): string {
  const cp = c.charCodeAt(0);
  return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/**
 * Text from the input made safe for a terminal: control characters, line and paragraph separators
 * and bidirectional controls are written as escapes (`\n`, `\x1b`, `\u202e`).
 */
export function escapeText(s: string): string {
  return s.replace(UNSAFE_TEXT, (c) => NAMED_ESCAPES[c] ?? hexEscape(c));
}

/** JSON text with C1 controls, DEL, U+2028/U+2029 and bidirectional controls as `\uXXXX` (same value). */
export function escapeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The JSON form of one document's verdicts. */
export function documentJson(d: ReportedDocument): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  for (const id of RULE_IDS) {
    const r = d.rules[id];
    rules[id] = { status: r.status, violations: r.violations.map(violationJson) };
  }
  return {
    source: d.source ?? '',
    index: d.index ?? 0,
    ...(d.item !== undefined ? { item: d.item } : {}),
    kind: d.kind,
    name: d.name,
    namespace: d.namespace,
    rules,
  };
}

/** The JSON form of an input error; `line` is `null` when the error is not at a line. */
export function errorJson(e: InputError): Record<string, unknown> {
  return { source: e.source, line: e.line ?? null, message: e.message };
}

/** `--output json`: exactly one JSON object, newline-terminated. */
export function formatJson(report: Report): string {
  return escapeJson(JSON.stringify({
    documents: report.documents.map(documentJson),
    summary: { documents: report.documents.length, failed: failedCount(report.documents) },
    errors: report.errors.map(errorJson),
  })) + '\n';
}

/** ANSI styling, or none. */
export interface Style {
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const ansi = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const plain = (s: string) => s;

/** The style for a terminal (`color` true) or for anything else. */
export function style(color: boolean): Style {
  return color
    ? { red: ansi('31'), green: ansi('32'), yellow: ansi('33'), dim: ansi('2'), bold: ansi('1') }
    : { red: plain, green: plain, yellow: plain, dim: plain, bold: plain };
}

const MAX_VALUE_CHARS = 80;

function compactValue(value: unknown): string {
  const s = escapeText(JSON.stringify(value) ?? String(value));
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS - 1)}…` : s;
}

/** `<source>#<index>[.items[<item>]] Kind namespace/name`. */
export function documentLabel(d: ReportedDocument): string {
  const where = `${escapeText(d.source ?? '')}#${d.index ?? 0}${d.item !== undefined ? `.items[${d.item}]` : ''}`;
  const name = d.name === '' ? '(unnamed)' : escapeText(d.name);
  return `${where} ${d.kind === '' ? '(no kind)' : escapeText(d.kind)} ${d.namespace === '' ? name : `${escapeText(d.namespace)}/${name}`}`;
}

/**
 * The text form of one document. A document that passes (or to which no rule applies) is one
 * line; a failing one is a block with each rule and each violation.
 */
export function formatDocumentText(d: ReportedDocument, s: Style): string {
  const label = documentLabel(d);
  const warnings = (d.warnings ?? []).map((w) => `  ${s.yellow('! warning')} ${escapeText(w.path)}: ${escapeText(w.message)}`
    + `${w.fix !== undefined ? s.dim(` (fix: ${escapeText(w.fix)})`) : ''}\n`).join('');
  if (!documentFailed(d)) {
    const applied = RULE_IDS.filter((id) => d.rules[id].status !== 'skip');
    return applied.length === 0
      ? `${label}  ${s.dim('- skipped (no rule applies)')}\n`
      : `${label}  ${s.green('✓ pass')}\n${warnings}`;
  }
  const lines = [`${s.bold(label)}  ${s.red('✗ fail')}`];
  for (const id of RULE_IDS) {
    const r = d.rules[id];
    if (r.status === 'skip') {
      lines.push(`  ${s.dim(`- ${id} (skipped)`)}`);
      continue;
    }
    lines.push(r.status === 'pass' ? `  ${s.green('✓')} ${id}` : `  ${s.red('✗')} ${id}`);
    for (const v of r.violations) {
      lines.push(`      ${escapeText(v.path)}: ${escapeText(v.message)}${v.context !== undefined ? s.dim(` [${escapeText(v.context)}]`) : ''}`);
      const details = [
        ...(v.value !== undefined ? [`value ${compactValue(v.value)}`] : []),
        ...(v.bound !== undefined ? [`bound ${escapeText(v.bound)}`] : []),
        ...(v.fix !== undefined ? [`fix: ${escapeText(v.fix)}`] : []),
      ];
      if (details.length > 0) lines.push(`        ${s.dim(details.join('; '))}`);
    }
  }
  return lines.join('\n') + '\n' + warnings;
}

/** `N documents, M failed[, K input errors]`. */
export function formatSummary(documents: number, failed: number, errors: number, s: Style): string {
  const text = `${documents} documents, ${failed} failed${errors > 0 ? `, ${errors} input errors` : ''}`;
  return `${failed > 0 || errors > 0 ? s.red(text) : s.green(text)}\n`;
}

/** The whole text report (the CLI streams {@link formatDocumentText} instead). */
export function formatText(report: Report, s: Style): string {
  return report.documents.map((d) => formatDocumentText(d, s)).join('')
    + formatSummary(report.documents.length, failedCount(report.documents), report.errors.length, s);
}

/** The one stderr line for an input error: `secure-ray: <file>[:<line>]: <message>`. */
export function formatInputError(e: InputError): string {
  return `secure-ray: ${escapeText(e.source)}${e.line !== undefined ? `:${e.line}` : ''}: ${escapeText(e.message)}\n`;
}

/** The stderr note for a directory a walk skipped (not an error). */
export function formatSkipped(dir: string): string {
  return `secure-ray: note: ${escapeText(dir)}: skipped (node_modules and directories whose name starts with "." are not searched; give the directory itself as a PATH to check it)\n`;
}
