/**
 * Argument parsing for `secure-ray`. Pure: no IO, no process access.
 *
 * @module
 */
import { parseIp } from '../kubernetes/cidr';
import { isDns1123Label, isLabelKey, isLabelValue } from '../kubernetes/names';
import { DEFAULT_OPERATOR, OperatorTarget } from '../policy/network-policies';
import { PssLevel, SUPPORTED_PSS_VERSIONS, isSupportedPssVersion } from '../policy/pod-security';
import { ExternalPeer, Probe, Protocol } from '../reach/types';

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

/** The output formats of `reach`. */
export type ReachOutputFormat = 'text' | 'markdown' | 'json';

/** How `reach` lays out the matrix: a row per pair of peers, or per pair of shapes. */
export type ReachView = 'pod' | 'shape';

/** `reach` lists every pair of peers when there are at most this many peers, and groups by shape above (unless `--by` says otherwise). */
export const POD_VIEW_MAX_PEERS = 100;

/** The options of `secure-ray reach`. */
export interface ReachCommand {
  readonly command: 'reach';
  readonly output: ReachOutputFormat;
  /** `--by`, when given (otherwise: by pod up to {@link POD_VIEW_MAX_PEERS} peers, by shape above). */
  readonly by?: ReachView;
  /** `--external name=ip`, in order. */
  readonly externals: readonly ExternalPeer[];
  /** `--ports`, when given (replacing the default probes). */
  readonly probes?: readonly Probe[];
  /** `--operator-namespace` and `--operator-label`, when either is given (the other keeps its default). */
  readonly operator?: OperatorTarget;
  /** The paths as given; `-` is stdin. */
  readonly paths: readonly string[];
}

/** What the command line asks for. */
export type ParsedArgs = { readonly command: 'help' } | { readonly command: 'version' } | CheckCommand | ReachCommand;

/** The usage text printed by `--help`. */
export const USAGE = `Usage: secure-ray check [options] PATH...
       secure-ray reach [options] PATH...

check: checks Kubernetes manifests (KubeRay RayClusters and Pods) against the rules
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

reach: reports which pods may connect to which, on which ports, under the
NetworkPolicies found in the manifests (Kubernetes semantics). Peers: one pod
per group of each RayCluster and of the cluster KubeRay creates for each RayJob
and RayService (the pods KubeRay builds, with its labels), each RayJob's
submitter pod (K8sJobMode), plain Pods, a kube-system/kube-dns pod, a pod
labelled tenant=<tenant> in each namespace holding one of those, the KubeRay
operator (when there is any ray.io object), and the --external endpoints.

Peers that every policy treats alike (same namespace labels, same labels
that some selector reads, same named ports, address blocks and hostNetwork)
share a shape; the matrix is computed once per pair of shapes. Up to
${POD_VIEW_MAX_PEERS} peers it lists every pair of peers; above, it lists the shapes
(member counts, an example, the labels that matter) and one row per pair of
shapes with some probe allowed, counting the pairs where every probe is denied.
Only networking.k8s.io/v1 NetworkPolicies are modelled; other APIs' policies
(Calico, Cilium, ...), policies the API server would refuse and earlier
duplicates are ignored with a note on stderr. hostNetwork pods are never shown
as isolated: ? marks what only some network plugins allow.

Options:
  --output text|markdown|json   output format (default: text)
  --by auto|pod|shape     a row per pair of peers, or per pair of shapes
                          (default: auto, by pod up to ${POD_VIEW_MAX_PEERS} peers)
  --external NAME=IP      add an endpoint outside the cluster (repeatable),
                          e.g. --external internet=8.8.8.8
  --ports LIST            probes instead of Ray's defaults (repeatable): a
                          comma-separated list of [LABEL=]PORT[/TCP|UDP|SCTP],
                          e.g. --ports gcs=6379,dns=53/UDP
                          (default: gcs 6379, dashboard 8265, client 10001,
                          serve 8000, worker 10002, raylet 40000,
                          object-manager 40001, metrics 8080, agent 52365,
                          dns 53/UDP, dns-tcp 53/TCP)
  --operator-namespace NS where the KubeRay operator runs (default: kuberay-system)
  --operator-label K=V    a label of the operator's pods (repeatable; replaces the
                          default app.kubernetes.io/name=kuberay-operator)

Exit status: 0 the report was printed, 2 usage or input error.
`;

/** Appended to usage error messages. */
export const USAGE_HINT = "(see 'secure-ray --help')";

const VALUE_FLAGS = [
  '--output', '--pss-level', '--pss-version', '--tenants', '--external', '--ports', '--by', '--operator-namespace', '--operator-label',
] as const;
type ValueFlag = typeof VALUE_FLAGS[number];
/** The options each command accepts (another known option is an error for it). */
const COMMAND_FLAGS: Record<'check' | 'reach', readonly ValueFlag[]> = {
  check: ['--output', '--pss-level', '--pss-version', '--tenants'],
  reach: ['--output', '--external', '--ports', '--by', '--operator-namespace', '--operator-label'],
};
const COMMANDS = '"check" or "reach"';
const PROTOCOLS: readonly string[] = ['TCP', 'UDP', 'SCTP'];

/** Parses one `--ports` list: `[LABEL=]PORT[/PROTOCOL]`, comma-separated. */
function parseProbes(list: string): Probe[] {
  return list.split(',').map((item) => {
    const m = /^(?:([^=,/\s]+)=)?([0-9]+)(?:\/([A-Za-z]+))?$/.exec(item.trim());
    const port = m ? Number(m[2]) : NaN;
    const protocol = (m?.[3] ?? 'TCP').toUpperCase();
    if (!m || port < 1 || port > 65535 || !PROTOCOLS.includes(protocol)) {
      throw new UsageError(`invalid --ports item ${JSON.stringify(item)}: expected [LABEL=]PORT[/TCP|UDP|SCTP] with PORT 1-65535`);
    }
    return { port, protocol: protocol as Protocol, ...(m[1] !== undefined ? { label: m[1] } : {}) };
  });
}

/** Parses one `--external NAME=IP`. */
function parseExternal(value: string): ExternalPeer {
  const eq = value.indexOf('=');
  const name = eq < 0 ? '' : value.slice(0, eq);
  const ip = eq < 0 ? '' : value.slice(eq + 1);
  if (name === '' || parseIp(ip) === undefined) {
    throw new UsageError(`invalid --external ${JSON.stringify(value)}: expected NAME=IP with an IPv4 or IPv6 address`);
  }
  return { name, ip };
}

/** Parses one `--operator-label KEY=VALUE`. */
function parseLabel(value: string): [string, string] {
  const eq = value.indexOf('=');
  const key = eq < 0 ? '' : value.slice(0, eq);
  const v = eq < 0 ? '' : value.slice(eq + 1);
  if (eq < 0 || !isLabelKey(key) || !isLabelValue(v)) {
    throw new UsageError(`invalid --operator-label ${JSON.stringify(value)}: expected KEY=VALUE with a valid label key and value`);
  }
  return [key, v];
}

/** `--operator-namespace` and `--operator-label`, over the Helm chart's defaults; undefined when neither is given. */
function parseOperator(values: Partial<Record<ValueFlag, string>>, given: readonly { name: ValueFlag; value: string }[]): OperatorTarget | undefined {
  const ns = values['--operator-namespace'];
  const labels = given.filter((g) => g.name === '--operator-label').map((g) => parseLabel(g.value));
  if (ns === undefined && labels.length === 0) return undefined;
  if (ns !== undefined && !isDns1123Label(ns)) throw new UsageError(`invalid --operator-namespace ${JSON.stringify(ns)}: expected a namespace name`);
  const podLabels: Record<string, string> = {};
  for (const [k, v] of labels) {
    if (k in podLabels && podLabels[k] !== v) throw new UsageError(`--operator-label ${JSON.stringify(k)} is given twice with different values`);
    podLabels[k] = v;
  }
  return { namespace: ns ?? DEFAULT_OPERATOR.namespace, podLabels: labels.length > 0 ? podLabels : { ...DEFAULT_OPERATOR.podLabels } };
}

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
  const given: { name: ValueFlag; value: string }[] = [];
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
    given.push({ name: name as ValueFlag, value });
  }

  const [command, ...paths] = positionals;
  if (command === undefined) throw new UsageError(`missing command (expected ${COMMANDS})`);
  if (command !== 'check' && command !== 'reach') throw new UsageError(`unknown command ${JSON.stringify(command)} (expected ${COMMANDS})`);
  const misplaced = given.find((g) => !COMMAND_FLAGS[command].includes(g.name));
  if (misplaced) throw new UsageError(`option ${misplaced.name} does not apply to ${command}`);
  if (paths.length === 0) throw new UsageError(`${command}: missing PATH (a file, a directory or - for stdin)`);
  if (command === 'reach') return parseReach(values, given, paths);

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

function parseReach(
  values: Partial<Record<ValueFlag, string>>,
  given: readonly { name: ValueFlag; value: string }[],
  paths: readonly string[],
): ReachCommand {
  const output = values['--output'] ?? 'text';
  if (output !== 'text' && output !== 'markdown' && output !== 'json') {
    throw new UsageError(`invalid --output ${JSON.stringify(output)}: expected text, markdown or json`);
  }
  const externals = given.filter((g) => g.name === '--external').map((g) => parseExternal(g.value));
  const names = new Set<string>();
  for (const e of externals) {
    if (names.has(e.name)) throw new UsageError(`--external ${JSON.stringify(e.name)} is given twice`);
    names.add(e.name);
  }
  const portLists = given.filter((g) => g.name === '--ports');
  const probes = portLists.length > 0 ? portLists.flatMap((g) => parseProbes(g.value)) : undefined;
  const by = values['--by'] ?? 'auto';
  if (by !== 'auto' && by !== 'pod' && by !== 'shape') {
    throw new UsageError(`invalid --by ${JSON.stringify(by)}: expected auto, pod or shape`);
  }
  const operator = parseOperator(values, given);
  return { command: 'reach', output, ...(by !== 'auto' ? { by } : {}), externals, ...(probes ? { probes } : {}), ...(operator ? { operator } : {}), paths };
}
