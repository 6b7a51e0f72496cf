/**
 * `secure-ray check` bounds memory and time per document: a document over 3 MiB (the API server's
 * limit on a request) is an input error, exit 2, named with its size; a file over 256 MiB is not
 * read. Documents under the limit are judged. The large documents are made, and peak memory and
 * time measured, in a child process (the jest worker's own heap would hide them, and keep them).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { MAX_DOCUMENT_BYTES } from '../../src/input/manifests';

const REPO = path.join(__dirname, '..', '..');
let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-size-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * In a child process (so the jest worker never holds the large text): writes a compliant
 * RayCluster on one line (YAML flow style, a long env list) of about `bytes` bytes — at most
 * MAX_DOCUMENT_BYTES when `underLimit` — to `file`, runs the CLI on it, and reports its exit code,
 * output, size, wall time and peak RSS.
 */
interface ChildRun { code: number; stdout: string; stderr: string; size: number; ms: number; maxRssMiB: number }

function runChild(file: string, bytes: number, underLimit = false): ChildRun {
  const script = [
    "require('ts-node').register({ transpileOnly: true, project: 'tsconfig.json' });",
    "const fs = require('fs');",
    "const YAML = require('yaml');",
    "const { main } = require('./src/cli/main');",
    `const [file, bytes, limit] = [${JSON.stringify(file)}, ${bytes}, ${underLimit ? MAX_DOCUMENT_BYTES : 'Infinity'}];`,
    "const cluster = YAML.parse(fs.readFileSync('test/fixtures/cli/compliant.yaml', 'utf8'));",
    "cluster.spec.workerGroupSpecs[0].template.spec.containers[0].env = ['ENV_PLACEHOLDER'];",
    "const line = YAML.stringify(cluster, { collectionStyle: 'flow', lineWidth: 0 }).replace(/\\n\\s*/g, ' ');",
    'const env = []; let size = line.length;',
    'for (let i = 0; size < bytes; i++) { env.push(`{ name: V${i}, value: x${i} }`); size += env[i].length + 2; }',
    'while (size + 1 > limit) size -= env.pop().length + 2;',
    "const text = line.replace('ENV_PLACEHOLDER', env.join(', ')) + '\\n';",
    'fs.writeFileSync(file, text);',
    'let out = ""; let err = ""; const started = Date.now();',
    "main(['check', file], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {} })",
    '  .then((code) => process.stdout.write(JSON.stringify({ code, out, err, size: Buffer.byteLength(text), ms: Date.now() - started, maxRss: process.resourceUsage().maxRSS })));',
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout);
  return { code: res.code, stdout: res.out, stderr: res.err, size: res.size, ms: res.ms, maxRssMiB: res.maxRss / 1024 };
}

test('a single-line 10 MB RayCluster: exit 2 naming its size (time and memory are logged; targets live in the benchmark)', () => {
  const file = path.join(tmp, 'ray-10mb.yaml');
  const r = runChild(file, 10 * 2 ** 20);
  // eslint-disable-next-line no-console
  console.log(`10 MB one-line RayCluster: exit ${r.code}, ${r.ms} ms, peak RSS ${r.maxRssMiB.toFixed(0)} MiB`);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^secure-ray: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: document 0 is \\d+\\.\\d MiB, larger than the 3\\.0 MiB this tool reads \\(the API server refuses requests over 3 MiB\\); split it\\n$`));
  expect(r.stdout).toBe('0 documents, 0 failed, 1 input errors\n');
}, 60_000);

test('a single-line RayCluster just under 3 MiB is judged', () => {
  const file = path.join(tmp, 'ray-3mb.yaml');
  const r = runChild(file, MAX_DOCUMENT_BYTES, true);
  // eslint-disable-next-line no-console
  console.log(`${(r.size / 2 ** 20).toFixed(2)} MiB one-line RayCluster: exit ${r.code}, ${r.ms} ms, peak RSS ${r.maxRssMiB.toFixed(0)} MiB`);
  expect(r.size).toBeGreaterThan(MAX_DOCUMENT_BYTES - 64 * 1024);
  expect(r.size).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^\S+ray-3mb.yaml#0 RayCluster team-a\/cpu-autoscaling  ✓ pass\n(.*\n)*1 documents, 0 failed\n$/);
}, 120_000);

test('a JSON document over the limit is refused too, and the next one is still judged', async () => {
  const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(MAX_DOCUMENT_BYTES) } });
  const small = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'small' } });
  let stdout = '';
  let stderr = '';
  const code = await main(['check', '--output', 'json', '-'], {
    stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stdin: async () => `${big}\n${small}\n`, env: {},
  });
  expect(code).toBe(2);
  expect(stderr).toBe('secure-ray: -:1: document 0 is 3.0 MiB, larger than the 3.0 MiB this tool reads (the API server refuses requests over 3 MiB); split it\n');
  expect(JSON.parse(stdout).documents.map((d: any) => [d.index, d.name])).toEqual([[1, 'small']]);
});

test('a file over 256 MiB is not read', async () => {
  const file = path.join(tmp, 'huge.yaml');
  fs.writeFileSync(file, '');
  fs.truncateSync(file, 300 * 2 ** 20); // sparse: nothing is written
  let stderr = '';
  const code = await main(['check', file], { stdout: () => undefined, stderr: (s) => { stderr += s; }, env: {} });
  expect(code).toBe(2);
  expect(stderr).toBe(`secure-ray: ${file}: 300 MiB, larger than the 256 MiB this tool reads from one file: split it\n`);
});
