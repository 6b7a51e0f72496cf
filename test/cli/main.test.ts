import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';

const REPO = path.join(__dirname, '..', '..');
const F = 'test/fixtures/cli';

interface Run { code: number; stdout: string; stderr: string }

async function cli(argv: string[], extra: { stdin?: string; isTTY?: boolean; env?: Record<string, string> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    stdin: async () => extra.stdin ?? '',
    isTTY: extra.isTTY,
    env: extra.env ?? {},
  });
  return { code, stdout, stderr };
}

async function json(argv: string[], extra?: { stdin?: string }): Promise<Run & { out: any }> {
  const r = await cli(['check', '--output', 'json', ...argv], extra);
  return { ...r, out: JSON.parse(r.stdout) };
}

let cwd: string;
beforeAll(() => { cwd = process.cwd(); process.chdir(REPO); });
afterAll(() => process.chdir(cwd));

afterEach(() => {
  // no input may ever produce a stack trace
  expect(stderrSeen.join('')).not.toMatch(/\n\s+at /);
  stderrSeen.length = 0;
});
const stderrSeen: string[] = [];
async function track<T extends Run>(p: Promise<T>): Promise<T> {
  const r = await p;
  stderrSeen.push(r.stderr);
  return r;
}

describe('exit codes', () => {
  test('0 when every document passes', async () => {
    const r = await track(cli(['check', `${F}/compliant.yaml`, `${F}/configmap.yaml`]));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`${F}/compliant.yaml#0 RayCluster team-a/cpu-autoscaling  ✓ pass\n`);
    expect(r.stdout).toContain(`${F}/configmap.yaml#0 ConfigMap team-a/settings  - skipped (no rule applies)\n`);
    expect(r.stdout.endsWith('2 documents, 0 failed\n')).toBe(true);
    expect(r.stdout).not.toContain('\u001b[');
  });

  test('1 when a rule fails, with a block per failing document', async () => {
    const r = await track(cli(['check', `${F}/failing.yaml`]));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${F}/failing.yaml#0 RayCluster team-a/too-big  ✗ fail\n  ✗ enforce-tenant-isolation\n`);
    expect(r.stdout).toContain('      spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.cpu: container "ray-worker": CPU limit 8');
    expect(r.stdout).toContain('value "8"; bound <= 4 (maxCpu); fix: ');
    expect(r.stdout).toContain('  ✓ generate-network-policies\n  ✓ pod-security\n');
    expect(r.stdout.endsWith('1 documents, 1 failed\n')).toBe(true);
  });

  test('2 for an input error; the other files are still checked and reported', async () => {
    const r = await track(json([`${F}/invalid.yaml`, `${F}/failing.yaml`, 'no/such.yaml', `${F}/compliant.yaml`]));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `secure-ray: ${F}/invalid.yaml:5: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n`
      + 'secure-ray: no/such.yaml: no such file or directory\n');
    expect(r.out.documents.map((d: any) => d.source)).toEqual([`${F}/failing.yaml`, `${F}/compliant.yaml`]);
    expect(r.out.summary).toEqual({ documents: 2, failed: 1 });
    expect(r.out.errors).toEqual([
      { source: `${F}/invalid.yaml`, line: 5, message: 'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]' },
      { source: 'no/such.yaml', line: null, message: 'no such file or directory' },
    ]);
  });

  test('text summary counts input errors', async () => {
    const r = await track(cli(['check', `${F}/invalid.yaml`, `${F}/compliant.yaml`]));
    expect(r.code).toBe(2);
    expect(r.stdout.endsWith('1 documents, 0 failed, 1 input errors\n')).toBe(true);
  });
});

describe('--output json', () => {
  test('the exact shape', async () => {
    const r = await track(json([`${F}/failing.yaml`, `${F}/configmap.yaml`]));
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(r.out)).toEqual(['documents', 'summary', 'errors']);
    const [failing, cm] = r.out.documents;
    expect(Object.keys(failing)).toEqual(['source', 'index', 'kind', 'name', 'namespace', 'rules']);
    expect(failing).toMatchObject({ source: `${F}/failing.yaml`, index: 0, kind: 'RayCluster', name: 'too-big', namespace: 'team-a' });
    expect(Object.keys(failing.rules)).toEqual(['enforce-tenant-isolation', 'generate-network-policies', 'pod-security']);
    expect(failing.rules['generate-network-policies']).toEqual({ status: 'pass', violations: [] });
    expect(failing.rules['pod-security']).toEqual({ status: 'pass', violations: [] });
    expect(failing.rules['enforce-tenant-isolation']).toEqual({
      status: 'fail',
      violations: [{
        path: 'spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.cpu',
        message: 'container "ray-worker": CPU limit 8 exceeds the tenant\'s maxCpu 4',
        value: '8',
        bound: '<= 4 (maxCpu)',
        fix: expect.stringContaining('at most 4') as unknown as string,
      }],
    });
    const skip = { status: 'skip', violations: [] };
    expect(cm).toEqual({
      source: `${F}/configmap.yaml`,
      index: 0,
      kind: 'ConfigMap',
      name: 'settings',
      namespace: 'team-a',
      rules: { 'enforce-tenant-isolation': skip, 'generate-network-policies': skip, 'pod-security': skip },
    });
    expect(r.out.summary).toEqual({ documents: 2, failed: 1 });
    expect(r.out.errors).toEqual([]);
  });

  test('a Pod gets pod-security only (without --tenants); violations carry check and path', async () => {
    const r = await track(json([`${F}/pod.yaml`]));
    const [pod] = r.out.documents;
    expect(pod.rules['enforce-tenant-isolation'].status).toBe('skip');
    expect(pod.rules['pod-security'].status).toBe('fail');
    expect(pod.rules['pod-security'].violations[0]).toMatchObject({ path: expect.any(String), message: expect.any(String) });
    expect(r.code).toBe(1);
  });
});

describe('inputs', () => {
  test('stdin is -', async () => {
    const text = fs.readFileSync(`${F}/failing.yaml`, 'utf8');
    const r = await track(json(['-'], { stdin: text }));
    expect(r.code).toBe(1);
    expect(r.out.documents.map((d: any) => [d.source, d.index, d.name])).toEqual([['-', 0, 'too-big']]);
  });

  test('directories: recursive, sorted, only manifests, sources joined to the directory as given', async () => {
    const r = await track(json([`${F}/dir`]));
    expect(r.out.documents.map((d: any) => d.source)).toEqual([`${F}/dir/a/c.yml`, `${F}/dir/b.yaml`]);
    const again = await track(json([`${F}/dir/`]));
    expect(again.out.documents.map((d: any) => d.source)).toEqual([`${F}/dir/a/c.yml`, `${F}/dir/b.yaml`]);
  });

  test('skips node_modules and dot-directories, naming each on stderr; binary files are input errors', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-cli-'));
    try {
      const cm = fs.readFileSync(`${F}/configmap.yaml`);
      for (const d of ['node_modules', '.git', 'z', 'b']) fs.mkdirSync(path.join(tmp, d));
      for (const f of ['node_modules/x.yaml', '.git/x.yaml', 'z/1.yaml', 'b/2.json', 'a.yml']) fs.writeFileSync(path.join(tmp, f), cm);
      fs.writeFileSync(path.join(tmp, 'bin.yaml'), Buffer.from([0x61, 0x3a, 0x00, 0x01, 0x02]));
      const r = await track(json([tmp]));
      expect(r.code).toBe(2);
      expect(r.out.documents.map((d: any) => path.relative(tmp, d.source))).toEqual(['a.yml', 'b/2.json', 'z/1.yaml']);
      expect(r.out.errors).toEqual([{ source: path.join(tmp, 'bin.yaml'), line: null, message: 'binary file' }]);
      // A skipped directory is named (a note, not an error), so nothing is left out silently.
      const note = (d: string) => `secure-ray: note: ${path.join(tmp, d)}: skipped (node_modules and directories whose name starts with "." are not searched; give the directory itself as a PATH to check it)\n`;
      expect(r.stderr).toBe(`${note('.git')}${note('node_modules')}secure-ray: ${path.join(tmp, 'bin.yaml')}: binary file\n`);
      // Given as the PATH itself, a skipped directory is searched.
      const direct = await track(json([path.join(tmp, 'node_modules')]));
      expect(direct.code).toBe(0);
      expect(direct.out.documents.map((d: any) => path.relative(tmp, d.source))).toEqual(['node_modules/x.yaml']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('empty documents are skipped; non-object documents and List items', async () => {
    const text = [
      '---', '# only a comment', '---',
      '- a', '- list',
      '---',
      'apiVersion: v1', 'kind: List', 'items:',
      '  - apiVersion: v1', '    kind: ConfigMap', '    metadata: {name: one}',
      '  - 42',
      '  - apiVersion: v1', '    kind: Pod', '    metadata: {name: p}', '    spec: {containers: [{name: c, image: busybox}]}',
      '---', 'just a string', '',
    ].join('\n');
    const r = await track(json(['-'], { stdin: text }));
    expect(r.code).toBe(2);
    expect(r.out.documents.map((d: any) => [d.index, d.item, d.kind])).toEqual([[1, 0, 'ConfigMap'], [1, 2, 'Pod']]);
    expect(r.out.errors).toEqual([
      { source: '-', line: 4, message: 'document 0 is a list, not a Kubernetes object' },
      { source: '-', line: 13, message: 'item 1 of List document 1 is a number, not a Kubernetes object' },
      { source: '-', line: 19, message: 'document 2 is a string, not a Kubernetes object' },
    ]);
  });
});

describe('options', () => {
  test('--pss-level baseline changes the verdict on a Pod', async () => {
    expect((await track(cli(['check', `${F}/pod.yaml`]))).code).toBe(1);
    expect((await track(cli(['check', '--pss-level', 'baseline', `${F}/pod.yaml`]))).code).toBe(0);
    expect((await track(cli(['check', '--pss-level=baseline', `${F}/pod.yaml`]))).code).toBe(0);
  });

  test('--tenants wins over the annotations', async () => {
    expect((await track(cli(['check', `${F}/compliant.yaml`]))).code).toBe(0);
    const r = await track(json([`--tenants=${F}/tenants.yaml`, `${F}/compliant.yaml`]));
    expect(r.code).toBe(1);
    expect(r.out.documents[0].rules['enforce-tenant-isolation'].violations[0]).toMatchObject({
      path: 'spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.cpu',
      bound: '<= 2 (maxCpu)',
    });
  });

  test('--tenants judges a Pod in a tenant\'s namespace with enforce-tenant-isolation, as the admission policies do', async () => {
    const r = await track(json(['--pss-level=baseline', `--tenants=${F}/tenants.yaml`, `${F}/pod.yaml`]));
    expect(r.code).toBe(1);
    const rule = r.out.documents[0].rules['enforce-tenant-isolation'];
    expect(rule.status).toBe('fail');
    expect(rule.violations.map((v: { path: string }) => v.path)).toEqual([
      'spec.nodeSelector', 'spec.tolerations', 'spec.containers[0].resources.limits.cpu', 'spec.containers[0].resources.requests.cpu',
      'spec.containers[0].resources.limits.memory', 'spec.containers[0].resources.requests.memory',
    ]);
  });

  test('a bad tenants file is exit 2, one line, nothing on stdout', async () => {
    const r = await track(cli(['check', '--tenants', `${F}/tenants-bad.yaml`, `${F}/compliant.yaml`]));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`secure-ray: ${F}/tenants-bad.yaml:1: tenants file: tenant "team-a": bounds.maxCpu must be a string or a number\n`);
    const missing = await track(cli(['check', '--tenants', 'nope.yaml', `${F}/compliant.yaml`]));
    expect(missing.stderr).toBe('secure-ray: nope.yaml: tenants file: no such file or directory\n');
  });

  test('--pss-version is validated', async () => {
    expect((await track(cli(['check', '--pss-version', 'v1.20', `${F}/compliant.yaml`]))).code).toBe(0);
    const r = await track(cli(['check', '--pss-version=v2.0', `${F}/compliant.yaml`]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^secure-ray: invalid --pss-version "v2.0": expected latest, v1.0 to v1.\d+ \(see 'secure-ray --help'\)\n$/);
  });

  test.each([
    [['check', '--bogus', 'x.yaml'], 'unknown option "--bogus"'],
    [['check', '--output'], 'option --output needs a value'],
    [['check', '--output=yaml', 'x'], 'invalid --output "yaml": expected text or json'],
    [['check'], 'check: missing PATH'],
    [['lint', 'x'], 'unknown command "lint"'],
    [[], 'missing command'],
  ])('usage error %j → exit 2, one line on stderr', async (argv, message) => {
    const r = await track(cli(argv));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([expect.stringContaining(`secure-ray: ${message}`), '']);
    expect(r.stderr).toContain("'secure-ray --help'");
  });

  test('--help, -h and --version', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await track(cli(['check', flag]));
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: secure-ray check \[options\] PATH\.\.\./);
    }
    const v = await track(cli(['--version']));
    expect(v.code).toBe(0);
    expect(v.stdout).toBe(`${JSON.parse(fs.readFileSync('package.json', 'utf8')).version}\n`);
  });

  test('colour only on a TTY without NO_COLOR', async () => {
    expect((await track(cli(['check', `${F}/compliant.yaml`], { isTTY: true }))).stdout).toContain('\u001b[32m');
    expect((await track(cli(['check', `${F}/compliant.yaml`], { isTTY: true, env: { NO_COLOR: '1' } }))).stdout).not.toContain('\u001b[');
  });
});

test('the real entry point runs end to end', () => {
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', 'check', `${F}/failing.yaml`], {
    cwd: REPO,
    env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(1);
  expect(r.stdout).toContain(`${F}/failing.yaml#0 RayCluster team-a/too-big  ✗ fail`);
}, 20_000);
