/**
 * Argument parsing for `secure-ray`. Pure: no IO, no process access.
 *
 * @module
 */
import { PssLevel, SUPPORTED_PSS_VERSIONS, isSupportedPssVersion } from '../policy/pod-security';

/** A command-line mistake: the CLI prints the message on one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The output formats of `check`. */
export type OutputFormat = 'text' | 'json';

/** The options of `secure-ray check`. */
export interface CheckCommand {
  readonly command: 'check';
  readonly output: OutputFormat;
  readonly pssLevel: PssLevel;
  readonly pssVersion: string;
  /** The `--tenants` file, when given. */
  readonly tenantsFile?: string;
  /** The paths as given; `-` is stdin. */
  readonly paths: readonly string[];
}

/** What the command line asks for. */
export type ParsedArgs = { readonly command: 'help' } | { readonly command: 'version' } | CheckCommand;

/** The usage text printed by `--help`. */
export const USAGE = `Usage: secure-ray check [options] PATH...

Checks Kubernetes manifests (KubeRay RayClusters and Pods) against the rules
enforce-tenant-isolation, generate-network-policies and pod-security.

PATH is a file, a directory (searched recursively for *.yaml, *.yml and *.json,
skipping node_modules and dot-directories) or - for stdin.

Options:
  --output text|json      output format (default: text)
  --pss-level LEVEL       Pod Security Standards level: baseline or restricted
                          (default: restricted)
  --pss-version VERSION   Pod Security Standards version: ${SUPPORTED_PSS_VERSIONS}
                          (default: latest)
  --tenants FILE          tenant definitions (YAML or JSON: a list, or {tenants: [...]});
                          bounds and node placement then come from this file
                          instead of each RayCluster's annotations
  -h, --help              print this help and exit
  --version               print the version and exit

Exit status: 0 every document passes, 1 a rule failed, 2 usage or input error.
`;

/** Appended to usage error messages. */
export const USAGE_HINT = "(see 'secure-ray --help')";

const VALUE_FLAGS = ['--output', '--pss-level', '--pss-version', '--tenants'] as const;
type ValueFlag = typeof VALUE_FLAGS[number];

/**
 * Parses the arguments after the program name (e.g. `['check', '--output=json', 'dist']`).
 * Options may come before or after the command and paths; `--` ends the options.
 * @throws UsageError
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const endOfOptions = argv.indexOf('--');
  const optionArgs = endOfOptions < 0 ? argv : argv.slice(0, endOfOptions);
  if (optionArgs.includes('--help') || optionArgs.includes('-h')) return { command: 'help' };
  if (optionArgs.includes('--version')) return { command: 'version' };

  const values: Partial<Record<ValueFlag, string>> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!(VALUE_FLAGS as readonly string[]).includes(name)) {
      throw new UsageError(`unknown option ${JSON.stringify(name)}`);
    }
    let value: string | undefined;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else if (i + 1 < argv.length && !(argv[i + 1].startsWith('--') && argv[i + 1].length > 2)) {
      value = argv[++i];
    }
    if (value === undefined || value === '') throw new UsageError(`option ${name} needs a value`);
    values[name as ValueFlag] = value;
  }

  const [command, ...paths] = positionals;
  if (command === undefined) throw new UsageError('missing command (expected "check")');
  if (command !== 'check') throw new UsageError(`unknown command ${JSON.stringify(command)} (expected "check")`);
  if (paths.length === 0) throw new UsageError('check: missing PATH (a file, a directory or - for stdin)');

  const output = values['--output'] ?? 'text';
  if (output !== 'text' && output !== 'json') {
    throw new UsageError(`invalid --output ${JSON.stringify(output)}: expected text or json`);
  }
  const pssLevel = values['--pss-level'] ?? 'restricted';
  if (pssLevel !== 'baseline' && pssLevel !== 'restricted') {
    throw new UsageError(`invalid --pss-level ${JSON.stringify(pssLevel)}: expected baseline or restricted`);
  }
  const pssVersion = values['--pss-version'] ?? 'latest';
  if (!isSupportedPssVersion(pssVersion)) {
    throw new UsageError(`invalid --pss-version ${JSON.stringify(pssVersion)}: expected ${SUPPORTED_PSS_VERSIONS}`);
  }
  return {
    command: 'check',
    output,
    pssLevel,
    pssVersion,
    ...(values['--tenants'] !== undefined ? { tenantsFile: values['--tenants'] } : {}),
    paths,
  };
}
