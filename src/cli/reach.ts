/**
 * `secure-ray reach`: which pods may connect to which, on which ports, under the NetworkPolicies
 * of some manifests.
 *
 * ```
 * secure-ray reach [--output text|markdown|json] [--by auto|pod|shape] [--external NAME=IP ...] [--ports LIST ...]
 *                  [--operator-namespace NS] [--operator-label K=V ...] PATH...
 * ```
 *
 * Reads manifests as `check` does (files, directories, `-` for stdin, multi-document YAML, `kind:
 * List`), builds the peers with `environmentFromManifests` (one pod per group of each RayCluster
 * and of the cluster KubeRay creates for each RayJob and RayService, as KubeRay builds it; each
 * RayJob's K8sJobMode submitter; plain Pods, `kube-system/kube-dns`, a `tenant-pod` labelled
 * `tenant=<tenant>` per namespace holding one of those, the KubeRay operator when there is any
 * `ray.io` object, and the `--external` endpoints; pods get distinct fake addresses from
 * 10.244.0.0/16), computes the matrix once per pair of shapes (`reachModel`), and prints it:
 *
 * - by pod (up to {@link POD_VIEW_MAX_PEERS} peers, or `--by pod`): one row per ordered pair of
 *   distinct peers, one column per probe — `text`: `✓` allowed, `-` denied, `?` allowed by some
 *   network plugins only; `markdown`: the same as a table (`✗` denied); `json`: `{ view: "pod",
 *   peers, probes, policies, matrix: [{ from, to, allowed, denied, depends?, results: [{ probe,
 *   allowed, egress: { allowed, by, depends? }, ingress: {…} }] }], notes, errors }`;
 * - by shape (above, or `--by shape`): the shapes (id, member count, namespaces, an example, the
 *   labels some selector reads), then one row per ordered pair of shapes with some probe allowed
 *   (`PAIRS` = the pairs of distinct peers it stands for), and the count of pairs of shapes where
 *   every probe is denied; `json`: `{ view: "shape", peers (each with its shape), probes,
 *   policies, shapes, matrix: [{ from, to, pairs, allowed, denied, depends?, results }], omitted:
 *   { shapePairs, peerPairs }, notes, errors }`.
 *
 * Notes (other APIs' policies, refused policies, duplicates, hostNetwork pods) are printed on
 * stderr (`secure-ray: note: <object>: <message>`), at the end of the text and markdown reports,
 * and in JSON `notes`. Output is written in chunks as it is produced.
 *
 * Only the policies in the input apply: a namespace's other policies (default-deny, platform
 * policies) are not known. Exit status: 0 the report was printed (it is a report, not a check), 2
 * a usage or input error (the readable documents are still reported).
 *
 * @module
 */
import { POD_VIEW_MAX_PEERS, ReachCommand, ReachView } from './args';
import { escapeJson, escapeText, formatInputError, formatSkipped } from './format';
import { CliIo } from './main';
import { InputError, parseManifests, readInputs } from './read';
import { Environment, environmentFromManifests } from '../reach/environment';
import { MAYBE, NO, Outcome, YES } from '../reach/judge';
import { anyDependsBetweenPeers, listedShapePairs, pairCount, peerPairs, ReachModel, reachModel, shapeSummary, ShapeSummary } from '../reach/matrix';
import { RAY_PROBES } from '../reach/probes';
import { isPod, Peer, peerId, Verdict } from '../reach/types';

const SYMBOLS: Record<'text' | 'markdown', Record<Outcome, string>> = {
  text: { [YES]: '✓', [NO]: '-', [MAYBE]: '?' },
  markdown: { [YES]: '✓', [NO]: '✗', [MAYBE]: '?' },
};

/**
 * The documents of a JSON object text (`kubectl get pods -o json`), read with `JSON.parse`: a
 * `kind: List`'s items (when every item is an object), or the object itself. Undefined for
 * anything else (invalid JSON, a list, a bad item), which the YAML reader then reports with its
 * line. A 10,000-pod List parses in tens of milliseconds this way instead of seconds.
 */
function jsonDocuments(text: string): unknown[] | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  if (obj.kind === 'List' && Array.isArray(obj.items)) {
    return obj.items.every((i) => typeof i === 'object' && i !== null && !Array.isArray(i)) ? obj.items : undefined;
  }
  return [obj];
}

/** Reads every path (as `check` does) into documents, reporting input errors as they come. */
async function readDocuments(paths: readonly string[], io: CliIo, reportError: (e: InputError) => void): Promise<unknown[]> {
  const docs: unknown[] = [];
  await readInputs(paths, io.stdin, reportError, (text, source) => {
    const json = jsonDocuments(text);
    if (json) {
      for (const d of json) docs.push(d);
      return;
    }
    const parsed = parseManifests(text, source);
    parsed.errors.forEach(reportError);
    docs.push(...parsed.docs);
  }, { stdinOnce: true, onSkipped: (dir) => io.stderr(formatSkipped(dir)) });
  return docs;
}

/** Collects output and hands it to `sink` in chunks of about 64 KiB. */
function chunked(sink: (s: string) => void): { emit: (s: string) => void; flush: () => void } {
  let parts: string[] = [];
  let size = 0;
  const flush = () => {
    if (parts.length > 0) sink(parts.join(''));
    parts = [];
    size = 0;
  };
  return { emit: (s) => { parts.push(s); size += s.length; if (size >= 65536) flush(); }, flush };
}

/** The inputs of every report. */
interface ReportInput {
  readonly env: Environment;
  readonly model: ReachModel;
  readonly view: ReachView;
  /** Why the view was chosen (for the shape view's header). */
  readonly forced: boolean;
}

const shapeId = (s: number) => `S${s + 1}`;
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function legend(anyDepends: boolean): string {
  return anyDepends ? '✓ allowed, - denied, ? allowed by some network plugins only' : '✓ allowed, - denied';
}

function pad(s: string, n: number): string {
  // Column widths count code points (✓ is one).
  return s + ' '.repeat(Math.max(0, n - [...s].length));
}

function maxLength(values: Iterable<string>, min: number): number {
  let n = min;
  for (const v of values) if (v.length > n) n = v.length;
  return n;
}

/** Markdown table text from the input: terminal-safe (control characters escaped) and without cell breaks. */
function mdEscape(s: string): string {
  return escapeText(s).replace(/\|/g, '\\|');
}

/** What a shape looks like, for the shape table and JSON. */
interface ShapeView {
  readonly namespaces: string[];
  readonly example: string;
  readonly labels: Record<string, string>;
  readonly external: boolean;
  readonly hostNetwork: boolean;
}

function describeShape(model: ReachModel, s: number): ShapeView {
  const members = model.shapes.members[s];
  const first = model.peers[members[0]];
  const namespaces = [...new Set(members.map((i) => model.peers[i]).filter(isPod).map((p) => p.namespace))];
  const labels: Record<string, string> = {};
  if (isPod(first)) {
    for (const k of [...model.policySet.podLabelKeys].sort()) if (Object.prototype.hasOwnProperty.call(first.labels, k)) labels[k] = first.labels[k];
  }
  // Everything here comes from the input: escaped, so it cannot write control characters to a terminal.
  const escaped: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) escaped[escapeText(k)] = escapeText(v);
  return {
    namespaces: namespaces.map(escapeText),
    example: escapeText(peerId(first)),
    labels: escaped,
    external: !isPod(first),
    hostNetwork: isPod(first) && first.hostNetwork === true,
  };
}

function notesText(env: Environment, markdown: boolean): string {
  if (env.notes.length === 0) return '';
  const item = (n: Environment['notes'][number]) => (markdown ? `- ${mdEscape(n.object)}: ${mdEscape(n.message)}` : `- ${escapeText(n.object)}: ${escapeText(n.message)}`);
  return `\nnotes:\n${env.notes.map(item).join('\n')}\n`;
}

function probesLine(model: ReachModel): string {
  return `probes: ${model.probes.map((p) => `${p.label}=${p.port}/${p.protocol}`).join(' ')}`;
}

function shapeHeading(input: ReportInput, summary: ShapeSummary): string[] {
  const why = input.forced ? '--by shape' : `more than ${POD_VIEW_MAX_PEERS} peers; --by pod lists every pair`;
  return [
    `grouped by shape (${why}): a shape is a set of peers that every policy treats alike, and a row stands for every pair of distinct peers of its two shapes.`,
    `${count(summary.deniedShapePairs, 'pair')} of shapes (${count(summary.deniedPeerPairs, 'pair')} of peers) with every probe denied `
      + `${summary.deniedShapePairs === 1 ? 'is' : 'are'} not listed.`,
  ];
}

/** The text report: by pod, a legend then one aligned line per pair; by shape, the shapes then one line per listed pair of shapes. */
function reachText(input: ReportInput, emit: (s: string) => void): void {
  const { env, model } = input;
  const probeW = model.probes.map((p) => Math.max(1, p.label.length));
  const sym = SYMBOLS.text;
  const cells = (o: ArrayLike<number>) => model.probes.map((_, i) => pad(sym[o[i] as Outcome], probeW[i]));
  if (input.view === 'pod') {
    emit(`${env.peers.length} peers, ${model.probes.length} probes, ${env.policies.length} NetworkPolicies`
      + ` (${legend(anyDependsBetweenPeers(model))}; only the policies in the input apply)\n${probesLine(model)}\n\n`);
    const ids = env.peers.map((p) => escapeText(peerId(p)));
    const fromW = ids.length > 1 ? maxLength(ids, 4) : 4;
    const toW = ids.length > 1 ? maxLength(ids, 2) : 2;
    emit(`${[pad('FROM', fromW), pad('TO', toW), ...model.probes.map((p, i) => pad(p.label, probeW[i]))].join('  ').trimEnd()}\n`);
    for (const { from, to, outcomes } of peerPairs(model)) {
      emit(`${[pad(ids[from], fromW), pad(ids[to], toW), ...cells(outcomes)].join('  ').trimEnd()}\n`);
    }
  } else {
    const summary = shapeSummary(model);
    const n = model.shapes.facts.length;
    const [grouped, omitted] = shapeHeading(input, summary);
    emit(`${env.peers.length} peers in ${n} shapes, ${model.probes.length} probes, ${env.policies.length} NetworkPolicies`
      + ` (${legend(summary.anyDepends)}; only the policies in the input apply)\n${probesLine(model)}\n${grouped}\n\n`);
    const rows = Array.from({ length: n }, (_, s) => {
      const d = describeShape(model, s);
      const ns = d.external ? '(external)' : d.namespaces.length <= 3 ? d.namespaces.join(',') : `${d.namespaces.slice(0, 3).join(',')},…+${d.namespaces.length - 3}`;
      const labels = Object.entries(d.labels).map(([k, v]) => `${k}=${v}`).concat(d.hostNetwork ? ['(hostNetwork)'] : []).join(' ');
      return [shapeId(s), String(model.shapes.members[s].length), ns, d.example, labels];
    });
    const heads = ['SHAPE', 'PEERS', 'NAMESPACES', 'EXAMPLE', 'LABELS'];
    const widths = heads.map((h, c) => maxLength(rows.map((r) => r[c]), h.length));
    for (const r of [heads, ...rows]) emit(`${r.map((x, c) => pad(x, widths[c])).join('  ').trimEnd()}\n`);
    emit('\n');
    const ids = Array.from({ length: n }, (_, s) => shapeId(s));
    const idW = maxLength(ids, 4);
    let maxPairs = 0;
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) maxPairs = Math.max(maxPairs, pairCount(model.shapes, a, b));
    const pairsW = Math.max(5, String(maxPairs).length);
    emit(`${[pad('FROM', idW), pad('TO', idW), pad('PAIRS', pairsW), ...model.probes.map((p, i) => pad(p.label, probeW[i]))].join('  ').trimEnd()}\n`);
    for (const r of listedShapePairs(model)) {
      emit(`${[pad(ids[r.from], idW), pad(ids[r.to], idW), pad(String(r.pairs), pairsW), ...cells(r.outcomes)].join('  ').trimEnd()}\n`);
    }
    emit(`\n${omitted}\n`);
  }
  emit(notesText(env, false));
}

/** The markdown report: one table, a row per pair (of peers, or of shapes after a table of shapes), a column per probe. */
function reachMarkdown(input: ReportInput, emit: (s: string) => void): void {
  const { env, model } = input;
  const sym = SYMBOLS.markdown;
  const head = (p: ReachModel['probes'][number]) => {
    const where = `${p.port}/${p.protocol}`;
    return p.label === where ? where : `${mdEscape(p.label)} ${where}`;
  };
  const cells = (o: ArrayLike<number>) => model.probes.map((_, i) => sym[o[i] as Outcome]).join(' | ');
  if (input.view === 'pod') {
    emit(`${env.peers.length} peers, ${model.probes.length} probes, ${env.policies.length} NetworkPolicies (only the policies in the input apply).\n\n`);
    emit(`| from | to | ${model.probes.map(head).join(' | ')} |\n|---|---|${model.probes.map(() => ':-:').join('|')}|\n`);
    const ids = env.peers.map((p) => mdEscape(peerId(p)));
    for (const { from, to, outcomes } of peerPairs(model)) emit(`| ${ids[from]} | ${ids[to]} | ${cells(outcomes)} |\n`);
    if (anyDependsBetweenPeers(model)) emit('\n? = allowed by some network plugins only (hostNetwork pods).\n');
  } else {
    const summary = shapeSummary(model);
    const n = model.shapes.facts.length;
    const [grouped, omitted] = shapeHeading(input, summary);
    emit(`${env.peers.length} peers in ${n} shapes, ${model.probes.length} probes, ${env.policies.length} NetworkPolicies (only the policies in the input apply); ${grouped}\n\n`);
    emit('| shape | peers | namespaces | example | labels |\n|---|--:|---|---|---|\n');
    for (let s = 0; s < n; s++) {
      const d = describeShape(model, s);
      const labels = Object.entries(d.labels).map(([k, v]) => `${k}=${v}`).concat(d.hostNetwork ? ['(hostNetwork)'] : []).join(' ');
      emit(`| ${shapeId(s)} | ${model.shapes.members[s].length} | ${mdEscape(d.external ? '(external)' : d.namespaces.join(', '))} | ${mdEscape(d.example)} | ${mdEscape(labels)} |\n`);
    }
    emit(`\n| from | to | pairs | ${model.probes.map(head).join(' | ')} |\n|---|---|--:|${model.probes.map(() => ':-:').join('|')}|\n`);
    for (const r of listedShapePairs(model)) emit(`| ${shapeId(r.from)} | ${shapeId(r.to)} | ${r.pairs} | ${cells(r.outcomes)} |\n`);
    emit(`\n${omitted}${summary.anyDepends ? ' ? = allowed by some network plugins only (hostNetwork pods).' : ''}\n`);
  }
  emit(notesText(env, true));
}

function peerJson(p: Peer): Record<string, unknown> {
  if (!isPod(p)) return { id: peerId(p), kind: 'external', name: p.name, ip: p.ip };
  return {
    id: peerId(p),
    kind: 'pod',
    namespace: p.namespace,
    name: p.name,
    labels: p.labels,
    ip: p.ip ?? null,
    ports: p.ports ?? [],
    ...(p.hostNetwork === true ? { hostNetwork: true } : {}),
  };
}

function directionJson(d: Verdict['egress']): Record<string, unknown> {
  return { allowed: d.allowed, by: d.by, ...(d.depends !== undefined ? { depends: d.depends } : {}) };
}

/** The JSON of one row: what is allowed, denied, plugin-dependent, and every probe's verdict. */
function rowJson(model: ReachModel, from: number, to: number): Record<string, unknown> {
  const results = model.probes.map((p, i) => {
    const v = model.verdict(from, to, i);
    return { probe: p.label, allowed: v.allowed, egress: directionJson(v.egress), ingress: directionJson(v.ingress) };
  });
  const outcomes = model.outcomes(from, to);
  const depends = model.probes.filter((_, i) => outcomes[i] === MAYBE).map((p) => p.label);
  return {
    allowed: results.filter((x) => x.allowed).map((x) => x.probe),
    denied: results.filter((x) => !x.allowed).map((x) => x.probe),
    ...(depends.length > 0 ? { depends } : {}),
    results,
  };
}

/** Writes `JSON.stringify(object, null, 2)`, streaming the fields given as iterables (arrays of rows). */
function streamJson(emit: (s: string) => void, fields: readonly (readonly [string, unknown])[]): void {
  const nest = (v: unknown, indent: string) => JSON.stringify(v, null, 2).replace(/\n/g, `\n${indent}`);
  emit('{');
  fields.forEach(([key, value], f) => {
    emit(`${f > 0 ? ',' : ''}\n  ${JSON.stringify(key)}: `);
    if (Array.isArray(value) || typeof value !== 'object' || value === null || !(Symbol.iterator in value)) {
      emit(nest(value, '  '));
      return;
    }
    let first = true;
    for (const item of value as Iterable<unknown>) {
      emit(`${first ? '[' : ','}\n    ${nest(item, '    ')}`);
      first = false;
    }
    emit(first ? '[]' : '\n  ]');
  });
  emit('\n}\n');
}

/** The JSON report. */
function reachJson(input: ReportInput, errors: readonly InputError[], emit: (s: string) => void): void {
  const { env, model } = input;
  const policies = env.policies.map((p) => {
    const md = (p.metadata ?? {}) as Record<string, unknown>;
    return `${typeof md.namespace === 'string' && md.namespace ? md.namespace : 'default'}/${String(md.name ?? '(unnamed)')}`;
  });
  const notes = env.notes.map((n) => ({ kind: n.kind, object: n.object, message: n.message }));
  const errorsJson = errors.map((e) => ({ source: e.source, line: e.line ?? null, message: e.message }));
  const { shapeOf } = model.shapes;
  if (input.view === 'pod') {
    const cache = new Map<number, Record<string, unknown>>();
    const n = model.shapes.facts.length;
    function* pairRows(): Generator<Record<string, unknown>> {
      const ids = env.peers.map(peerId);
      for (const { from, to } of peerPairs(model)) {
        const key = shapeOf[from] * n + shapeOf[to];
        let row = cache.get(key);
        if (!row) {
          if (cache.size >= 100_000) cache.clear();
          row = rowJson(model, shapeOf[from], shapeOf[to]);
          cache.set(key, row);
        }
        yield { from: ids[from], to: ids[to], ...row };
      }
    }
    streamJson(emit, [['view', 'pod'], ['peers', env.peers.map(peerJson)], ['probes', model.probes], ['policies', policies],
      ['matrix', pairRows()], ['notes', notes], ['errors', errorsJson]]);
    return;
  }
  const summary = shapeSummary(model);
  const shapes = model.shapes.members.map((members, s) => {
    const d = describeShape(model, s);
    return {
      id: shapeId(s),
      size: members.length,
      namespaces: d.namespaces,
      example: d.example,
      labels: d.labels,
      ...(d.external ? { external: true } : {}),
      ...(d.hostNetwork ? { hostNetwork: true } : {}),
      members: members.map((i) => peerId(model.peers[i])),
    };
  });
  function* shapeRows(): Generator<Record<string, unknown>> {
    for (const r of listedShapePairs(model)) yield { from: shapeId(r.from), to: shapeId(r.to), pairs: r.pairs, ...rowJson(model, r.from, r.to) };
  }
  streamJson(emit, [['view', 'shape'], ['peers', env.peers.map((p, i) => ({ ...peerJson(p), shape: shapeId(shapeOf[i]) }))],
    ['probes', model.probes], ['policies', policies], ['shapes', shapes], ['matrix', shapeRows()],
    ['omitted', { shapePairs: summary.deniedShapePairs, peerPairs: summary.deniedPeerPairs }], ['notes', notes], ['errors', errorsJson]]);
}

/** Runs `secure-ray reach`; returns the exit code (0, or 2 after an input error). */
export async function reach(args: ReachCommand, io: CliIo): Promise<number> {
  const errors: InputError[] = [];
  const docs = await readDocuments(args.paths, io, (e) => {
    errors.push(e);
    io.stderr(formatInputError(e));
  });
  const env = environmentFromManifests(docs, { externals: args.externals, ...(args.operator ? { operator: args.operator } : {}) });
  docs.length = 0; // the model keeps only what it reads
  for (const n of env.notes) io.stderr(`secure-ray: note: ${escapeText(n.object)}: ${escapeText(n.message)}\n`);
  const model = reachModel(env.policies, env.namespaces, env.peers, args.probes ?? RAY_PROBES);
  const view: ReachView = args.by ?? (env.peers.length <= POD_VIEW_MAX_PEERS ? 'pod' : 'shape');
  const input: ReportInput = { env, model, view, forced: args.by !== undefined };
  const out = chunked(io.stdout);
  // JSON.stringify escapes C0 controls in strings; escapeJson the rest (C1, DEL, U+2028/U+2029, bidi controls).
  if (args.output === 'json') reachJson(input, errors, (chunk) => out.emit(escapeJson(chunk)));
  else if (args.output === 'markdown') reachMarkdown(input, out.emit);
  else reachText(input, out.emit);
  out.flush();
  return errors.length > 0 ? 2 : 0;
}
