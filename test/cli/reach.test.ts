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

/**
 * `n` plain Pods over `clusters` groups in 2 namespaces (pod i in group i % clusters, labelled
 * app=c<group>), one NetworkPolicy per group of the first 3 letting the group reach itself, and
 * kube-dns; as one YAML stream.
 */
function manyPods(n: number, clusters = 3): string {
  const docs: object[] = [];
  for (let i = 0; i < n; i++) {
    const g = i % clusters;
    docs.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: `ns-${g % 2}`, labels: { app: `c${g}`, idx: String(i) } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  }
  for (let g = 0; g < clusters; g++) {
    docs.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `c${g}`, namespace: `ns-${g % 2}` },
      spec: { podSelector: { matchLabels: { app: `c${g}` } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: `c${g}` } } }] }] },
    });
  }
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs });
}

const ALL = ['gcs', 'dashboard', 'client', 'serve', 'worker', 'raylet', 'object-manager', 'metrics', 'agent', 'dns', 'dns-tcp'];

let cwd: string;
beforeAll(() => { cwd = process.cwd(); process.chdir(REPO); });
afterAll(() => process.chdir(cwd));

describe('secure-ray reach', () => {
  test('construct output: the cluster reaches itself on every probe, DNS only to kube-dns, nothing else', async () => {
    const r = await json(['-'], constructYaml());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.out.peers.map((p: any) => p.id)).toEqual(['team-a/demo-head', 'team-a/demo-workers-worker', 'team-a/tenant-pod', 'kuberay-system/kuberay-operator', 'kube-system/kube-dns']);
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
    expect(lines[0]).toBe('5 peers, 11 probes, 1 NetworkPolicies (✓ allowed, - denied; only the policies in the input apply)');
    expect(lines[1]).toBe('probes: gcs=6379/TCP dashboard=8265/TCP client=10001/TCP serve=8000/TCP worker=10002/TCP raylet=40000/TCP '
      + 'object-manager=40001/TCP metrics=8080/TCP agent=52365/TCP dns=53/UDP dns-tcp=53/TCP');
    expect(lines[3]).toMatch(/^FROM\s+TO\s+gcs {2}dashboard {2}client {2}serve {2}worker/);
    const row = lines.find((l) => l.startsWith('ray-ns/tenant-pod ') && l.includes(' ray-ns/seed-head '))!;
    expect(row.split(/\s+/).slice(2)).toEqual(['✓', '✓', '✓', '-', '-', '-', '-', '-', '-', '-', '-']);
    expect(lines.filter((l) => l !== '')).toHaveLength(3 + 5 * 4); // 5 peers: the seed's two Ray pods, tenant-pod, the KubeRay operator, kube-dns
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
    [['reach', '--by', 'node', 'x'], 'invalid --by "node": expected auto, pod or shape'],
    [['reach', '--pss-level', 'baseline', 'x'], 'option --pss-level does not apply to reach'],
    [['check', '--external', 'a=1.2.3.4', 'x'], 'option --external does not apply to check'],
    [['check', '--output', 'markdown', 'x'], 'invalid --output "markdown": expected text or json'],
    [['probe', 'x'], 'unknown command "probe" (expected "check" or "reach")'],
    [['reach', '--operator-namespace', 'Kube_Ray', 'x'], 'invalid --operator-namespace "Kube_Ray": expected a namespace name'],
    [['reach', '--operator-label', 'app', 'x'], 'invalid --operator-label "app": expected KEY=VALUE'],
    [['reach', '--operator-label', 'a=b', '--operator-label', 'a=c', 'x'], '--operator-label "a" is given twice with different values'],
    [['reach', '--operator-namespace', 'x'], 'reach: missing PATH'],
    [['reach', '--operator', 'x'], 'unknown option "--operator"'],
    [['check', '--operator-namespace', 'ops', 'x'], 'option --operator-namespace does not apply to check'],
  ])('usage error %j → exit 2, one line', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([expect.stringContaining(`secure-ray: ${message}`), '']);
  });

  test('parseArgs: defaults and repeated options', () => {
    expect(parseArgs(['reach', 'a.yaml'])).toEqual({ command: 'reach', output: 'text', externals: [], paths: ['a.yaml'] });
    expect(parseArgs(['reach', '--by', 'shape', 'a.yaml'])).toEqual({ command: 'reach', output: 'text', by: 'shape', externals: [], paths: ['a.yaml'] });
    expect(parseArgs(['reach', '--ports', 'gcs=6379', '--ports', '53/udp,8265', '-'])).toEqual({
      command: 'reach',
      output: 'text',
      externals: [],
      paths: ['-'],
      probes: [{ label: 'gcs', port: 6379, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 8265, protocol: 'TCP' }],
    });
    // the operator: either option keeps the other's default; labels replace the default labels
    expect(parseArgs(['reach', '--operator-namespace', 'ray-ops', 'a.yaml'])).toEqual(expect.objectContaining({
      operator: { namespace: 'ray-ops', podLabels: { 'app.kubernetes.io/name': 'kuberay-operator' } },
    }));
    expect(parseArgs(['reach', '--operator-label', 'app=kuberay', '--operator-label=tier=ops', 'a.yaml'])).toEqual(expect.objectContaining({
      operator: { namespace: 'kuberay-system', podLabels: { app: 'kuberay', tier: 'ops' } },
    }));
  });

  test('the KubeRay operator peer: added for Ray objects, moved by --operator-namespace and --operator-label', async () => {
    const ops = (out: any) => out.peers.filter((p: any) => p.name === 'kuberay-operator').map((p: any) => [p.id, p.labels]);
    const dflt = await json(['-'], constructYaml());
    expect(ops(dflt.out)).toEqual([['kuberay-system/kuberay-operator', { 'app.kubernetes.io/name': 'kuberay-operator' }]]);
    const moved = await json(['--operator-namespace', 'ray-ops', '--operator-label', 'app=kuberay', '-'], constructYaml());
    expect(moved.code).toBe(0);
    expect(ops(moved.out)).toEqual([['ray-ops/kuberay-operator', { app: 'kuberay' }]]);
    const plain = await json([`${F}/pods.yaml`]);
    expect(ops(plain.out)).toEqual([]); // no ray.io object, no operator
  });

  test('notes: other APIs\' policies, refused and duplicate policies, hostNetwork pods — on stderr, in JSON, at the end of the text', async () => {
    const docs = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'agent', namespace: 'shop', labels: { app: 'agent' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x' }] } },
      { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'calico', namespace: 'shop' }, spec: { selector: 'all()' } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'bad', namespace: 'shop' }, spec: { ingress: [{ from: [{}] }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'none' } } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {} } },
    ].map((d) => stringify(d)).join('---\n');
    const j = await json(['--ports', '80', '-'], docs);
    expect(j.code).toBe(0);
    expect(j.out.policies).toEqual(['shop/deny']);
    expect(j.out.notes.map((n: any) => [n.kind, n.object])).toEqual([
      ['not-modelled', 'NetworkPolicy projectcalico.org/v3 shop/calico'],
      ['invalid', 'NetworkPolicy networking.k8s.io/v1 shop/bad'],
      ['duplicate', 'NetworkPolicy networking.k8s.io/v1 shop/deny'],
      ['host-network', 'Pod shop/agent'],
    ]);
    expect(j.stderr.split('\n').filter((l) => l !== '')).toEqual(j.out.notes.map((n: any) => `secure-ray: note: ${n.object}: ${n.message}`));
    // the later shop/deny selects every pod: web is isolated, the hostNetwork agent is not
    expect(allowed(j.out, 'shop/agent', 'shop/web')).toEqual(['80/TCP']);
    expect(j.out.matrix.find((c: any) => c.from === 'shop/agent' && c.to === 'shop/web').depends).toEqual(['80/TCP']);
    expect(allowed(j.out, 'kube-system/kube-dns', 'shop/web')).toEqual([]);
    expect(allowed(j.out, 'kube-system/kube-dns', 'shop/agent')).toEqual(['80/TCP']);
    const t = await cli(['reach', '--ports', '80', '-'], docs);
    const lines = t.stdout.split('\n');
    expect(lines[0]).toBe('3 peers, 1 probes, 1 NetworkPolicies (✓ allowed, - denied, ? allowed by some network plugins only; only the policies in the input apply)');
    expect(lines.find((l) => l.startsWith('shop/agent ') && l.includes(' shop/web '))!.split(/\s+/)[2]).toBe('?');
    expect(lines.find((l) => l.startsWith('kube-system/kube-dns ') && l.includes(' shop/web '))!.split(/\s+/)[2]).toBe('-');
    expect(t.stdout).toContain('\nnotes:\n- NetworkPolicy projectcalico.org/v3 shop/calico: ');
    const md = await cli(['reach', '--output', 'markdown', '--ports', '80', '-'], docs);
    expect(md.stdout).toContain('| shop/agent | shop/web | ? |');
  });

  test('more than 100 peers: grouped by shape, with member counts, fully denied pairs of shapes counted, not listed', async () => {
    const input = manyPods(150);
    const r = await cli(['reach', '--ports', 'gcs=6379,dns=53/UDP', '-'], input);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('151 peers in 4 shapes, 2 probes, 3 NetworkPolicies (✓ allowed, - denied; only the policies in the input apply)');
    expect(lines[2]).toMatch(/^grouped by shape \(more than 100 peers; --by pod lists every pair\): /);
    expect(r.stdout).toMatch(/\nSHAPE +PEERS +NAMESPACES +EXAMPLE +LABELS\n/);
    expect(r.stdout).toMatch(/\nS1 +50 +ns-0 +ns-0\/pod-0 +app=c0\n/);
    expect(r.stdout).toMatch(/\nS4 +1 +kube-system +kube-system\/kube-dns\n/); // no label of it is read by a selector
    const rows = lines.filter((l) => /^S\d+ +S\d+ /.test(l)).map((l) => l.split(/ +/));
    // each group reaches itself on every port, and everyone reaches kube-dns (nothing isolates it); nothing else
    expect(rows).toEqual([
      ['S1', 'S1', '2450', '✓', '✓'], ['S1', 'S4', '50', '✓', '✓'],
      ['S2', 'S2', '2450', '✓', '✓'], ['S2', 'S4', '50', '✓', '✓'],
      ['S3', 'S3', '2450', '✓', '✓'], ['S3', 'S4', '50', '✓', '✓'],
    ]);
    expect(r.stdout).toContain('\n9 pairs of shapes (15150 pairs of peers) with every probe denied are not listed.\n');

    const j = await json(['--ports', 'gcs=6379,dns=53/UDP', '-'], input);
    expect(j.out.view).toBe('shape');
    expect(j.out.shapes[0]).toEqual(expect.objectContaining({ id: 'S1', size: 50, namespaces: ['ns-0'], labels: { app: 'c0' } }));
    expect(j.out.shapes[0].members).toHaveLength(50);
    expect(j.out.peers[0]).toEqual(expect.objectContaining({ id: 'ns-0/pod-0', shape: 'S1' }));
    expect(j.out.matrix[0]).toEqual(expect.objectContaining({ from: 'S1', to: 'S1', pairs: 2450, allowed: ['gcs', 'dns'], denied: [] }));
    expect(j.out.omitted).toEqual({ shapePairs: 9, peerPairs: 15150 });
  });

  test('--by pod lists every pair of a large input; --by shape groups a small one; the two views agree', async () => {
    const input = manyPods(120);
    const pods = await json(['--by', 'pod', '--ports', 'gcs=6379,dns=53/UDP', '-'], input);
    const shapes = await json(['--by', 'shape', '--ports', 'gcs=6379,dns=53/UDP', '-'], input);
    expect(pods.out.view).toBe('pod');
    expect(pods.out.matrix).toHaveLength(121 * 120);
    const shapeOf = new Map<string, string>(shapes.out.peers.map((p: any) => [p.id, p.shape]));
    const rowOf = new Map<string, string[]>(shapes.out.matrix.map((c: any) => [`${c.from} ${c.to}`, c.allowed]));
    for (const c of pods.out.matrix) expect([c.from, c.to, rowOf.get(`${shapeOf.get(c.from)} ${shapeOf.get(c.to)}`) ?? []]).toEqual([c.from, c.to, c.allowed]);
    const small = await cli(['reach', '--by', 'shape', `${F}/seed-style.yaml`]);
    expect(small.stdout.split('\n')[0]).toBe('5 peers in 2 shapes, 11 probes, 1 NetworkPolicies (✓ allowed, - denied; only the policies in the input apply)');
  });

  test('markdown by shape: a table of shapes, then a row per listed pair of shapes', async () => {
    const r = await cli(['reach', '--output', 'markdown', '--external', 'internet=8.8.8.8', '--ports', 'gcs=6379', '-'], manyPods(150));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^152 peers in 5 shapes, 1 probes, 3 NetworkPolicies \(only the policies in the input apply\); grouped by shape \(more than 100 peers/);
    expect(r.stdout).toContain('| shape | peers | namespaces | example | labels |\n|---|--:|---|---|---|\n| S1 | 50 | ns-0 | ns-0/pod-0 | app=c0 |\n');
    expect(r.stdout).toContain('| S5 | 1 | (external) | internet |  |\n');
    expect(r.stdout).toContain('| from | to | pairs | gcs 6379/TCP |\n|---|---|--:|:-:|\n| S1 | S1 | 2450 | ✓ |\n');
    expect(r.stdout).toContain('| S5 | S4 | 1 | ✓ |\n'); // the internet reaches kube-dns, which nothing isolates
    expect(r.stdout).toMatch(/\n\d+ pairs of shapes \(\d+ pairs of peers\) with every probe denied are not listed\.\n$/);
  });

  test('a JSON List (kubectl get -o json) and the same objects as a YAML stream give the same report', async () => {
    const list = manyPods(30);
    const yamlStream = (JSON.parse(list).items as object[]).map((d) => stringify(d)).join('---\n');
    const fromJson = await cli(['reach', '--output', 'json', '-'], list);
    const fromYaml = await cli(['reach', '--output', 'json', '-'], yamlStream);
    expect(fromJson.code).toBe(0);
    expect(fromJson.stdout).toBe(fromYaml.stdout);
    // a JSON text that is not one object (or a List of objects) goes to the YAML reader, which reports it
    const bad = await cli(['reach', '-'], '{"kind": "List", "items": [1]}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('item 0 of List document 0 is a number, not a Kubernetes object');
    const broken = await cli(['reach', '-'], '{"kind": "Pod", ');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^secure-ray: -:1: invalid YAML: /);
  });

  test('scale: 5,000 pods in 100 clusters take seconds, not pairs of pods', async () => {
    const t0 = Date.now();
    const r = await cli(['reach', '--output', 'json', '-'], manyPods(5000, 100));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.shapes).toHaveLength(101);
    expect(out.peers).toHaveLength(5001);
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 60_000);

  test('--help documents both commands', async () => {
    const r = await cli(['reach', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(USAGE);
    expect(USAGE).toMatch(/^Usage: secure-ray check \[options\] PATH\.\.\.\n {7}secure-ray reach \[options\] PATH\.\.\.\n/);
    expect(USAGE).toContain('--external NAME=IP');
    expect(USAGE).toContain('--by auto|pod|shape');
    expect(USAGE).toContain('Up to\n100 peers it lists every pair of peers; above, it lists the shapes');
  });
});
