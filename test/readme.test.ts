import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { checkManifests } from '../src/policy/engine';

/**
 * Every ```ts block of README.md is compiled with --strict against the library and then run: the
 * README cannot drift from the code.
 */
const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const library = path.join(root, 'src', 'index');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
const files = blocks.map((code, i) => {
  const file = path.join(dir, `example${i}.ts`);
  fs.writeFileSync(file, code.replace(/from 'cdk8s-secure-ray'/g, `from ${JSON.stringify(library)}`));
  return file;
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the README has the examples (zero-config, fuller, protected node label, jobs and services, check API, network, exposure, guardrails, admission, escape hatch)', () => {
  expect(blocks.length).toBe(10);
  expect(blocks[0]).toContain("new SecureTenantRayCluster(chart, 'analytics', { tenant: teamA });");
});

test('every example type-checks with --strict', () => {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    skipLibCheck: true,
    // the examples compile against src/ here (the library's own sources use Node's types)
    types: ['node'],
    typeRoots: [path.join(root, 'node_modules', '@types')],
    baseUrl: root,
    paths: { '*': ['node_modules/*'] },
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
}, 120_000);

const synthesizing = files.filter((f) => fs.readFileSync(f, 'utf8').includes('app.synth()'));

test('eight examples synthesize', () => expect(synthesizing).toHaveLength(8));

test.each(files.filter((f) => !synthesizing.includes(f)).map((f) => [path.basename(f), f]))('%s runs', (_, file) => {
  const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  expect(() => new Function('require', 'module', 'exports', js)(require, { exports: {} }, {})).not.toThrow();
});

test.each(synthesizing.map((f) => [path.basename(f), f]))('%s synthesizes manifests that pass the policy engine', (_, file) => {
  const out = fs.mkdtempSync(path.join(dir, 'out-'));
  const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = out;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('require', 'module', 'exports', js)(require, { exports: {} }, {});
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
  const docs = fs.readdirSync(out).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(out, f), 'utf8')).map((d) => d.toJS()));
  expect(docs.length).toBeGreaterThan(0);
  // every RayCluster comes with its NetworkPolicy, and everything passes the engine
  expect(docs.filter((d) => d.kind === 'NetworkPolicy').length).toBeGreaterThanOrEqual(docs.filter((d) => d.kind === 'RayCluster').length);
  expect(checkManifests(docs).summary.failed).toBe(0);
});
