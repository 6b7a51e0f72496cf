/**
 * `secure-ray reach`: which pods may connect to which, on which ports, under the NetworkPolicies
 * of some manifests.
 *
 * ```
 * secure-ray reach [--output text|markdown|json] [--external NAME=IP ...] [--ports LIST ...] PATH...
 * ```
 *
 * Reads manifests as `check` does (files, directories, `-` for stdin, multi-document YAML, `kind:
 * List`), builds the peers with `environmentFromManifests` (one pod per RayCluster group as KubeRay
 * builds it, plain Pods, `kube-system/kube-dns`, a `tenant-pod` labelled `tenant=<tenant>` per
 * namespace holding a RayCluster, and the `--external` endpoints; pods get distinct fake
 * addresses from 10.244.0.0/16), probes every ordered pair of distinct peers on every probe, and
 * prints the matrix:
 *
 * - `text`: one line per (source, destination) pair, one column per probe, `✓` allowed, `-` denied;
 * - `markdown`: the same as a table;
 * - `json`: `{ peers, probes, matrix: [{ from, to, allowed, denied, results: [{ probe, allowed,
 *   egress: { allowed, by }, ingress: { allowed, by } }] }], errors }`.
 *
 * Only the policies in the input apply: a namespace's other policies (default-deny, platform
 * policies) are not known. Exit status: 0 the report was printed (it is a report, not a check), 2
 * a usage or input error (the readable documents are still reported).
 *
 * @module
 */
import { ReachCommand } from './args';
import { formatInputError } from './format';
import { CliIo } from './main';
import { InputError, parseManifests, readInputs } from './read';
import { environmentFromManifests, Environment } from '../reach/environment';
import { ReachabilityMatrix, reachabilityMatrix } from '../reach/matrix';
import { RAY_PROBES } from '../reach/probes';
import { isPod, Peer, peerId } from '../reach/types';

const ALLOWED = '✓';
const DENIED = '-';

/** Reads every path (as `check` does) into documents, reporting input errors as they come. */
async function readDocuments(paths: readonly string[], io: CliIo, reportError: (e: InputError) => void): Promise<unknown[]> {
  const docs: unknown[] = [];
  await readInputs(paths, io.stdin, reportError, (text, source) => {
    const parsed = parseManifests(text, source);
    parsed.errors.forEach(reportError);
    docs.push(...parsed.docs);
  }, { stdinOnce: true });
  return docs;
}

function peerJson(p: Peer): Record<string, unknown> {
  if (!isPod(p)) return { id: peerId(p), kind: 'external', name: p.name, ip: p.ip };
  return { id: peerId(p), kind: 'pod', namespace: p.namespace, name: p.name, labels: p.labels, ip: p.ip ?? null, ports: p.ports ?? [] };
}

/** The JSON report. */
export function reachJson(env: Environment, m: ReachabilityMatrix, errors: readonly InputError[]): string {
  const matrix = m.rows.flatMap((r) => r.cells.map((c) => ({
    from: c.from,
    to: c.to,
    allowed: c.allowed,
    denied: c.results.filter((x) => !x.allowed).map((x) => x.probe),
    results: c.results.map((x) => ({
      probe: x.probe,
      allowed: x.allowed,
      egress: { allowed: x.verdict.egress.allowed, by: x.verdict.egress.by },
      ingress: { allowed: x.verdict.ingress.allowed, by: x.verdict.ingress.by },
    })),
  })));
  return JSON.stringify({
    peers: env.peers.map(peerJson),
    probes: m.probes,
    policies: env.policies.map((p) => {
      const md = (p.metadata ?? {}) as Record<string, unknown>;
      return `${typeof md.namespace === 'string' && md.namespace ? md.namespace : 'default'}/${String(md.name ?? '(unnamed)')}`;
    }),
    matrix,
    errors: errors.map((e) => ({ source: e.source, line: e.line ?? null, message: e.message })),
  }, null, 2) + '\n';
}

function pad(s: string, n: number): string {
  // Column widths count code points (✓ is one).
  return s + ' '.repeat(Math.max(0, n - [...s].length));
}

/** The text report: a legend, then one line per pair. */
export function reachText(env: Environment, m: ReachabilityMatrix): string {
  const lines: string[] = [];
  lines.push(`${env.peers.length} peers, ${m.probes.length} probes, ${env.policies.length} NetworkPolicies`
    + ` (${ALLOWED} allowed, ${DENIED} denied; only the policies in the input apply)`);
  lines.push(`probes: ${m.probes.map((p) => `${p.label}=${p.port}/${p.protocol}`).join(' ')}`);
  lines.push('');
  const cells = m.rows.flatMap((r) => r.cells);
  const fromW = Math.max(4, ...cells.map((c) => c.from.length));
  const toW = Math.max(2, ...cells.map((c) => c.to.length));
  const widths = m.probes.map((p) => Math.max(1, p.label.length));
  lines.push([pad('FROM', fromW), pad('TO', toW), ...m.probes.map((p, i) => pad(p.label, widths[i]))].join('  ').trimEnd());
  for (const c of cells) {
    lines.push([pad(c.from, fromW), pad(c.to, toW), ...c.results.map((x, i) => pad(x.allowed ? ALLOWED : DENIED, widths[i]))].join('  ').trimEnd());
  }
  return lines.join('\n') + '\n';
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The markdown report: one table, a row per pair, a column per probe. */
export function reachMarkdown(env: Environment, m: ReachabilityMatrix): string {
  const lines: string[] = [];
  lines.push(`${env.peers.length} peers, ${m.probes.length} probes, ${env.policies.length} NetworkPolicies (only the policies in the input apply).`);
  lines.push('');
  const head = (p: ReachabilityMatrix['probes'][number]) => {
    const where = `${p.port}/${p.protocol}`;
    return p.label === where ? where : `${mdEscape(p.label)} ${where}`;
  };
  lines.push(`| from | to | ${m.probes.map(head).join(' | ')} |`);
  lines.push(`|---|---|${m.probes.map(() => ':-:').join('|')}|`);
  for (const c of m.rows.flatMap((r) => r.cells)) {
    lines.push(`| ${mdEscape(c.from)} | ${mdEscape(c.to)} | ${c.results.map((x) => (x.allowed ? '✓' : '✗')).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

/** Runs `secure-ray reach`; returns the exit code (0, or 2 after an input error). */
export async function reach(args: ReachCommand, io: CliIo): Promise<number> {
  const errors: InputError[] = [];
  const docs = await readDocuments(args.paths, io, (e) => {
    errors.push(e);
    io.stderr(formatInputError(e));
  });
  const env = environmentFromManifests(docs, { externals: args.externals });
  const m = reachabilityMatrix(env.policies, env.namespaces, env.peers, args.probes ?? RAY_PROBES);
  if (args.output === 'json') io.stdout(reachJson(env, m, errors));
  else if (args.output === 'markdown') io.stdout(reachMarkdown(env, m));
  else io.stdout(reachText(env, m));
  return errors.length > 0 ? 2 : 0;
}
