import * as path from 'path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { SecureTenantRayCluster, TenantProfile } from '../../src';
import { parseArgs, USAGE } from '../../src/cli/args';
import { main } from '../../src/cli/main';
import { newChart } from '../support/manifests';

const F = 'test/fixtures/reach';
const REPO = path.resolve(__dirname, '..', '..');

interface Run { code: number; stdout: string; stderr: string }

async function cli(argv: string[], stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stdin: async () => stdin, env: {} });
  return { code, stdout, stderr };
}

async function json(argv: string[], stdin?: string): Promise<Run & { out: any }> {
  const r = await cli(['reach', '--output', 'json', ...argv], stdin);
  return { ...r, out: JSON.parse(r.stdout) };
}

/** The allowed probe labels of one pair in a JSON report. */
function allowed(out: any, from: string, to: string): string[] {
  const cell = out.matrix.find((c: any) => c.from === from && c.to === to);
  if (!cell) throw new Error(`no cell ${from} → ${to}`);
  return cell.allowed;
}

/** The construct's real output for one tenant cluster, as YAML. */
function constructYaml(): string {
  const { chart } = newChart();
  const tenant = new TenantProfile({ name: 'team-a', bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' } });
  new SecureTenantRayCluster(chart, 'demo', { tenant, name: 'demo' });
  return Testing.synth(chart).map((d) => stringify(d)).join('---\n');
}

const ALL = ['gcs', 'dashboard', 'client', 'worker', 'raylet', 'object-manager', 'metrics', 'agent', 'dns', 'dns-tcp'];

let cwd: string;
beforeAll(() => { cwd = process.cwd(); process.chdir(REPO); });
afterAll(() => process.chdir(cwd));

describe('secure-ray reach', () => {
  test('construct output: the cluster reaches itself on every probe, DNS only to kube-dns, nothing else', async () => {
    const r = await json(['-'], constructYaml());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.out.peers.map((p: any) => p.id)).toEqual(['team-a/demo-head', 'team-a/demo-workers-worker', 'team-a/tenant-pod', 'kube-system/kube-dns']);
    expect(r.out.probes.map((p: any) => p.label)).toEqual(ALL);
    expect(allowed(r.out, 'team-a/demo-head', 'team-a/demo-workers-worker')).toEqual(ALL);
    expect(allowed(r.out, 'team-a/demo-workers-worker', 'team-a/demo-head')).toEqual(ALL);
    expect(allowed(r.out, 'team-a/demo-head', 'kube-system/kube-dns')).toEqual(['dns', 'dns-tcp']);
    expect(allowed(r.out, 'team-a/tenant-pod', 'team-a/demo-head')).toEqual([]);
    expect(allowed(r.out, 'team-a/demo-head', 'team-a/tenant-pod')).toEqual([]);
    const gcs = r.out.matrix.find((c: any) => c.from === 'team-a/tenant-pod' && c.to === 'team-a/demo-head').results[0];
    expect(gcs).toEqual({
      probe: 'gcs',
      allowed: false,
      egress: { allowed: true, by: 'no policy selects the source' },
      ingress: { allowed: false, by: [] },
    });
    expect(r.out.errors).toEqual([]);
  });

  test('the seed-style policy: the tenant-labelled pod reaches the GCS, and Ray\'s own ports are closed', async () => {
    const r = await json([`${F}/seed-style.yaml`]);
    expect(r.code).toBe(0);
    expect(r.out.policies).toEqual(['ray-ns/seed-tenant']);
    expect(allowed(r.out, 'ray-ns/tenant-pod', 'ray-ns/seed-head')).toEqual(['gcs', 'dashboard', 'client']);
    expect(allowed(r.out, 'ray-ns/seed-workers-worker', 'ray-ns/seed-head')).toEqual(['gcs', 'dashboard', 'client']);
    expect(allowed(r.out, 'ray-ns/seed-head', 'kube-system/kube-dns')).toEqual([]); // no DNS egress either
  });

  test('text output: a legend and one aligned line per pair', async () => {
    const r = await cli(['reach', `${F}/seed-style.yaml`]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('4 peers, 10 probes, 1 NetworkPolicies (✓ allowed, - denied; only the policies in the input apply)');
    expect(lines[1]).toBe('probes: gcs=6379/TCP dashboard=8265/TCP client=10001/TCP worker=10002/TCP raylet=40000/TCP '
      + 'object-manager=40001/TCP metrics=8080/TCP agent=52365/TCP dns=53/UDP dns-tcp=53/TCP');
    expect(lines[3]).toMatch(/^FROM\s+TO\s+gcs {2}dashboard {2}client {2}worker/);
    const row = lines.find((l) => l.startsWith('ray-ns/tenant-pod ') && l.includes(' ray-ns/seed-head '))!;
    expect(row.split(/\s+/).slice(2)).toEqual(['✓', '✓', '✓', '-', '-', '-', '-', '-', '-', '-']);
    expect(lines.filter((l) => l !== '')).toHaveLength(3 + 4 * 3);
  });

  test('markdown output: a table with a column per probe', async () => {
    const r = await cli(['reach', '--output=markdown', '--ports', 'gcs=6379,53/UDP', `${F}/seed-style.yaml`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| from | to | gcs 6379/TCP | 53/UDP |\n|---|---|:-:|:-:|\n');
    expect(r.stdout).toContain('| ray-ns/tenant-pod | ray-ns/seed-head | ✓ | ✗ |\n');
  });

  test('--external adds endpoints; plain Pods, Lists and named ports work; pod addresses are kept or faked', async () => {
    const r = await json(['--external', 'internet=8.8.8.8', '--external=v6=2001:db8::1', '--ports', 'pg=5432', `${F}/pods.yaml`]);
    expect(r.code).toBe(0);
    const ips = Object.fromEntries(r.out.peers.map((p: any) => [p.id, p.ip]));
    expect(ips['shop/web']).toBe('10.9.0.5');
    expect(ips['shop/db']).toMatch(/^10\.244\./);
    expect(ips.internet).toBe('8.8.8.8');
    expect(ips.v6).toBe('2001:db8::1');
    expect(r.out.peers.some((p: any) => p.id.endsWith('tenant-pod'))).toBe(false); // no RayCluster, no tenant pod
    expect(allowed(r.out, 'shop/web', 'shop/db')).toEqual(['pg']);
    expect(allowed(r.out, 'internet', 'shop/db')).toEqual([]);
    expect(allowed(r.out, 'kube-system/kube-dns', 'shop/db')).toEqual([]);
    expect(allowed(r.out, 'shop/db', 'internet')).toEqual(['pg']); // nothing governs db's egress
  });

  test('a directory is read like check reads it', async () => {
    const r = await json([F]);
    expect(r.code).toBe(2); // invalid.yaml is in it
    expect(r.out.peers.map((p: any) => p.id)).toContain('ray-ns/seed-head');
    expect(r.out.peers.map((p: any) => p.id)).toContain('shop/web');
  });

  test('an input error is exit 2, one line on stderr, the rest still reported', async () => {
    const r = await json([`${F}/invalid.yaml`, 'no/such.yaml', `${F}/seed-style.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^secure-ray: ${F}/invalid.yaml:\\d+: invalid YAML: `)),
      'secure-ray: no/such.yaml: no such file or directory',
      '',
    ]);
    expect(r.out.errors).toHaveLength(2);
    expect(r.out.peers.map((p: any) => p.id)).toContain('ray-ns/seed-head');
  });

  test.each([
    [['reach'], 'reach: missing PATH'],
    [['reach', '--output', 'yaml', 'x'], 'invalid --output "yaml": expected text, markdown or json'],
    [['reach', '--external', 'nope', 'x'], 'invalid --external "nope": expected NAME=IP'],
    [['reach', '--external', 'a=1.2.3', 'x'], 'invalid --external "a=1.2.3"'],
    [['reach', '--external', 'a=1.2.3.4', '--external', 'a=1.2.3.5', 'x'], '--external "a" is given twice'],
    [['reach', '--ports', '70000', 'x'], 'invalid --ports item "70000"'],
    [['reach', '--ports', '53/ICMP', 'x'], 'invalid --ports item "53/ICMP"'],
    [['reach', '--pss-level', 'baseline', 'x'], 'option --pss-level does not apply to reach'],
    [['check', '--external', 'a=1.2.3.4', 'x'], 'option --external does not apply to check'],
    [['check', '--output', 'markdown', 'x'], 'invalid --output "markdown": expected text or json'],
    [['probe', 'x'], 'unknown command "probe" (expected "check" or "reach")'],
  ])('usage error %j → exit 2, one line', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([expect.stringContaining(`secure-ray: ${message}`), '']);
  });

  test('parseArgs: defaults and repeated options', () => {
    expect(parseArgs(['reach', 'a.yaml'])).toEqual({ command: 'reach', output: 'text', externals: [], paths: ['a.yaml'] });
    expect(parseArgs(['reach', '--ports', 'gcs=6379', '--ports', '53/udp,8265', '-'])).toEqual({
      command: 'reach',
      output: 'text',
      externals: [],
      paths: ['-'],
      probes: [{ label: 'gcs', port: 6379, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 8265, protocol: 'TCP' }],
    });
  });

  test('--help documents both commands', async () => {
    const r = await cli(['reach', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(USAGE);
    expect(USAGE).toMatch(/^Usage: secure-ray check \[options\] PATH\.\.\.\n {7}secure-ray reach \[options\] PATH\.\.\.\n/);
    expect(USAGE).toContain('--external NAME=IP');
  });
});
