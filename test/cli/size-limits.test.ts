/**
 * `secure-ray check` bounds memory and time per document: a document over 3 MiB (the API server's
 * limit on a request) is an input error, exit 2, named with its size; a file over 256 MiB is not
 * read. Documents under the limit are judged. Peak memory is measured in a child process (the
 * jest process's own heap would hide it).
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

/** A compliant RayCluster on one line (YAML flow style) of about `bytes` bytes: a long env list. */
function oneLineRayCluster(bytes: number): string {
  const fixture = fs.readFileSync(path.join(REPO, 'test/fixtures/cli/compliant.yaml'), 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml');
  const cluster = YAML.parse(fixture);
  cluster.spec.workerGroupSpecs[0].template.spec.containers[0].env = ['ENV_PLACEHOLDER'];
  const line = YAML.stringify(cluster, { collectionStyle: 'flow', lineWidth: 0 }).replace(/\n\s*/g, ' ');
  const env: string[] = [];
  let size = line.length;
  for (let i = 0; size < bytes; i++) {
    env.push(`{ name: V${i}, value: x${i} }`);
    size += env[i].length + 2;
  }
  return `${line.replace('ENV_PLACEHOLDER', env.join(', '))}\n`;
}

/** Runs the CLI in a child process; its exit code, output, wall time and peak RSS. */
function runChild(file: string): { code: number; stdout: string; stderr: string; ms: number; maxRssMiB: number } {
  const script = [
    "require('ts-node').register({ transpileOnly: true, project: 'tsconfig.json' });",
    "const { main } = require('./src/cli/main');",
    'let out = ""; let err = "";',
    `main(['check', ${JSON.stringify(file)}], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {} })`,
    '  .then((code) => process.stdout.write(JSON.stringify({ code, out, err, maxRss: process.resourceUsage().maxRSS })));',
  ].join('\n');
  const started = Date.now();
  const r = spawnSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const ms = Date.now() - started;
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout);
  return { code: res.code, stdout: res.out, stderr: res.err, ms, maxRssMiB: res.maxRss / 1024 };
}

test('a single-line 10 MB RayCluster: exit 2 naming its size, quickly and in little memory', () => {
  const file = path.join(tmp, 'ray-10mb.yaml');
  fs.writeFileSync(file, oneLineRayCluster(10 * 2 ** 20));
  const r = runChild(file);
  // eslint-disable-next-line no-console
  console.log(`10 MB one-line RayCluster: exit ${r.code}, ${r.ms} ms, peak RSS ${r.maxRssMiB.toFixed(0)} MiB`);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^secure-ray: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: document 0 is \\d+\\.\\d MiB, larger than the 3\\.0 MiB this tool reads \\(the API server refuses requests over 3 MiB\\); split it\\n$`));
  expect(r.stdout).toBe('0 documents, 0 failed, 1 input errors\n');
  expect(r.maxRssMiB).toBeLessThan(400);
  expect(r.ms).toBeLessThan(30_000);
}, 60_000);

test('a single-line RayCluster just under 3 MiB is judged, in bounded memory and time', () => {
  const file = path.join(tmp, 'ray-3mb.yaml');
  let text = oneLineRayCluster(2.9 * 2 ** 20);
  while (Buffer.byteLength(text) > MAX_DOCUMENT_BYTES) text = oneLineRayCluster(Buffer.byteLength(text) - 64 * 1024);
  fs.writeFileSync(file, text);
  const r = runChild(file);
  // eslint-disable-next-line no-console
  console.log(`${(Buffer.byteLength(text) / 2 ** 20).toFixed(2)} MiB one-line RayCluster: exit ${r.code}, ${r.ms} ms, peak RSS ${r.maxRssMiB.toFixed(0)} MiB`);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.maxRssMiB).toBeLessThan(1536);
  expect(r.ms).toBeLessThan(60_000);
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
