/**
 * Output of `secure-ray check`, text and JSON. Pure functions over the engine's results.
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
  return JSON.stringify({
    documents: report.documents.map(documentJson),
    summary: { documents: report.documents.length, failed: failedCount(report.documents) },
    errors: report.errors.map(errorJson),
  }) + '\n';
}

/** ANSI styling, or none. */
export interface Style {
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const ansi = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const plain = (s: string) => s;

/** The style for a terminal (`color` true) or for anything else. */
export function style(color: boolean): Style {
  return color
    ? { red: ansi('31'), green: ansi('32'), dim: ansi('2'), bold: ansi('1') }
    : { red: plain, green: plain, dim: plain, bold: plain };
}

const MAX_VALUE_CHARS = 80;

function compactValue(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS - 1)}…` : s;
}

/** `<source>#<index>[.items[<item>]] Kind namespace/name`. */
export function documentLabel(d: ReportedDocument): string {
  const where = `${d.source ?? ''}#${d.index ?? 0}${d.item !== undefined ? `.items[${d.item}]` : ''}`;
  const name = d.name === '' ? '(unnamed)' : d.name;
  return `${where} ${d.kind === '' ? '(no kind)' : d.kind} ${d.namespace === '' ? name : `${d.namespace}/${name}`}`;
}

/**
 * The text form of one document. A document that passes (or to which no rule applies) is one
 * line; a failing one is a block with each rule and each violation.
 */
export function formatDocumentText(d: ReportedDocument, s: Style): string {
  const label = documentLabel(d);
  if (!documentFailed(d)) {
    const applied = RULE_IDS.filter((id) => d.rules[id].status !== 'skip');
    return applied.length === 0
      ? `${label}  ${s.dim('- skipped (no rule applies)')}\n`
      : `${label}  ${s.green('✓ pass')}\n`;
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
      lines.push(`      ${v.path}: ${v.message}${v.context !== undefined ? s.dim(` [${v.context}]`) : ''}`);
      const details = [
        ...(v.value !== undefined ? [`value ${compactValue(v.value)}`] : []),
        ...(v.bound !== undefined ? [`bound ${v.bound}`] : []),
        ...(v.fix !== undefined ? [`fix: ${v.fix}`] : []),
      ];
      if (details.length > 0) lines.push(`        ${s.dim(details.join('; '))}`);
    }
  }
  return lines.join('\n') + '\n';
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
  return `secure-ray: ${e.source}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}\n`;
}
