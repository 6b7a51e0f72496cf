/**
 * `secure-ray`: checks Kubernetes manifests with the project's policy engine.
 *
 * ```
 * secure-ray check [--output text|json] [--pss-level L] [--pss-version V] [--tenants FILE] PATH...
 * secure-ray reach [--output text|markdown|json] [--by auto|pod|shape] [--external NAME=IP ...] [--ports LIST ...] PATH...
 * ```
 *
 * `reach` (see `./reach.ts`) prints which pods may connect to which under the input's
 * NetworkPolicies; it exits 0, or 2 after a usage or input error. The rest of this header is
 * about `check`.
 *
 * Exit status: 0 when every document passes every rule that applies, 1 when a rule fails, 2 for a
 * usage or input error (exit 2 wins over 1; every readable document is still checked and
 * reported). Input errors are one line each on stderr (`secure-ray: <file>:<line>: <message>`) and,
 * with `--output json`, in the `errors` array.
 *
 * Documents are reported by `source` (the path as given, a file found under a directory joined to
 * the directory as given, or `-` for stdin) and `index` (0-based position among the file's
 * non-empty documents). Each item of a `kind: List` document is checked and reported as its own
 * document with the List's `index` and an extra `item` key (its 0-based position in `items`); in
 * text output it reads `file.yaml#3.items[0]`. Manifests are read exactly as kubectl reads them
 * (`../input/manifests.ts`): any object with `items` is a list, YAML is YAML 1.1 (merge keys,
 * `yes`, octal numbers), and input that YAML tools read differently is refused (exit 2).
 *
 * Directories skipped in a walk (`node_modules`, dot-directories) are named on stderr
 * (`secure-ray: note: ...`); that is not an error.
 *
 * A bad `--tenants` file is fatal: one line on stderr, nothing on stdout, exit 2.
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';
import { CheckCommand, USAGE, USAGE_HINT, UsageError, parseArgs } from './args';
import { ReportedDocument, failedCount, formatDocumentText, formatInputError, formatJson, formatSkipped, formatSummary, style } from './format';
import { reach } from './reach';
import { InputError, TenantsFileError, decodeUtf8, oneLine, parseManifests, readInputs, readTenantsFile } from './read';
import { CheckOptions, checkDocument } from '../policy/engine';
import { TenantDefinition } from '../policy/tenant-definition';

/** The CLI's view of its process: output sinks, stdin, terminal and environment. */
export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** Reads all of stdin (for the path `-`). */
  readonly stdin?: () => Promise<string>;
  /** Whether stdout is a terminal (colour only then, and only without `NO_COLOR`). */
  readonly isTTY?: boolean;
  readonly env?: Record<string, string | undefined>;
}

function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, rel), 'utf8'));
      if (pkg.name === 'cdk8s-secure-ray' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

/**
 * Runs the CLI with `argv` (the arguments after the program name) and returns the exit code.
 * Never throws: an unexpected error is reported as a bug on one line, exit 2.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await mainUnsafe(argv, io);
  } catch (err) {
    io.stderr(`secure-ray: internal error (this is a bug in secure-ray, please report it): ${oneLine(err)}\n`);
    return 2;
  }
}

async function mainUnsafe(argv: readonly string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`secure-ray: ${err.message} ${USAGE_HINT}\n`);
      return 2;
    }
    throw err;
  }
  if (args.command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (args.command === 'version') {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  if (args.command === 'reach') return reach(args, io);
  return check(args, io);
}

async function check(args: CheckCommand, io: CliIo): Promise<number> {
  let tenants: TenantDefinition[] | undefined;
  if (args.tenantsFile !== undefined) {
    try {
      tenants = readTenantsFile(args.tenantsFile);
    } catch (err) {
      if (err instanceof TenantsFileError) {
        io.stderr(formatInputError(err.error));
        return 2;
      }
      throw err;
    }
  }
  const options: CheckOptions = {
    pssLevel: args.pssLevel,
    pssVersion: args.pssVersion,
    ...(tenants ? { tenants: new Map(tenants.map((t) => [t.name, t])) } : {}),
  };
  const env = io.env ?? {};
  const s = style(args.output === 'text' && io.isTTY === true && !env.NO_COLOR);
  const documents: ReportedDocument[] = [];
  const errors: InputError[] = [];
  const reportError = (e: InputError): void => {
    errors.push(e);
    io.stderr(formatInputError(e));
  };

  const checkText = (text: string, source: string): void => {
    // Each document is judged as soon as it is parsed and then dropped; only its verdict is kept.
    // An error that stops the file (invalid YAML, ...) discards the file's verdicts: kubectl would
    // apply none of its documents.
    const results: ReportedDocument[] = [];
    const parsed = parseManifests(text, source, (doc, where) => {
      const d = checkDocument(doc, options, { source: where.source, index: where.index });
      results.push(where.item !== undefined ? { ...d, item: where.item } : d);
    });
    parsed.errors.forEach(reportError);
    if (parsed.errors.some((e) => e.fatal)) return;
    for (const reported of results) {
      if (args.output === 'text') io.stdout(formatDocumentText(reported, s));
      documents.push(reported);
    }
  };

  await readInputs(args.paths, io.stdin, reportError, checkText, { onSkipped: (dir) => io.stderr(formatSkipped(dir)) });

  const failed = failedCount(documents);
  if (args.output === 'json') io.stdout(formatJson({ documents, errors }));
  else io.stdout(formatSummary(documents.length, failed, errors.length, s));
  return errors.length > 0 ? 2 : failed > 0 ? 1 : 0;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    process.stdin.on('end', () => {
      const decoded = decodeUtf8(Buffer.concat(chunks), '-');
      if ('text' in decoded) resolve(decoded.text);
      else reject(new Error(`${decoded.error.line !== undefined ? `line ${decoded.error.line}: ` : ''}${decoded.error.message}`));
    });
    process.stdin.on('error', reject);
  });
}

/** Runs the CLI on the process's arguments and streams; sets `process.exitCode`. */
export function run(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // A closed pipe (`secure-ray check ... | head`) is not an error worth a stack trace.
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`secure-ray: cannot write output: ${err.message}\n`);
    process.exit(2);
  });
  void main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    stdin: readStdin,
    isTTY: process.stdout.isTTY === true,
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) {
  run();
}
