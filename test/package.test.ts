import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The published package's shape, checked without building it: entry points that map to sources,
 * peer ranges that match what we test, the version the changelog names, and a packed file list
 * (`npm pack --dry-run`) free of tests, fixtures, sources and local files. The consumer test
 * (`npm run test:consumer`) then builds, packs and installs the real tarball.
 */
const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The generated KubeRay modules (tools/import-crd.ts), one per kind, each a package subpath. */
const IMPORT_KINDS: Record<string, string> = {
  'ray.io': 'RayCluster',
  'rayjob-ray.io': 'RayJob',
  'rayservice-ray.io': 'RayService',
  'raycronjob-ray.io': 'RayCronJob',
};
const IMPORT_MODULES = Object.keys(IMPORT_KINDS);

/** The TypeScript source a compiled lib/ path comes from (tsc's rootDir is the project root). */
function sourceOf(libPath: string): string {
  const rel = libPath.replace(/^\.\//, '');
  expect(rel).toMatch(/^lib\/(src|imports)\/.*\.(js|d\.ts)$/);
  return path.join(root, rel.replace(/^lib\//, '').replace(/\.(d\.ts|js)$/, '.ts'));
}

/** The files `npm pack` would put in the tarball now (lib/ as it is; no build). */
function packList(): string[] {
  const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], { cwd: root, encoding: 'utf8' });
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout)[0].files.map((f: { path: string }) => f.path).sort();
}

describe('package.json', () => {
  test('version 0.1.0, with its CHANGELOG.md entry', () => {
    expect(pkg.version).toBe('0.1.0');
    const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(/^# Changelog/);
    expect(changelog).toContain(`## [${pkg.version}]`);
  });

  test('main, types and the exports map point at compiled sources that exist', () => {
    expect(pkg.main).toBe('lib/src/index.js');
    expect(pkg.types).toBe('lib/src/index.d.ts');
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', ...IMPORT_MODULES.map((m) => `./imports/${m}`), './package.json'].sort());
    expect(pkg.exports['./package.json']).toBe('./package.json');
    expect(pkg.exports['.']).toEqual({ types: './lib/src/index.d.ts', require: './lib/src/index.js', default: './lib/src/index.js' });
    // `types` must come first: TypeScript takes the first matching condition.
    expect(Object.keys(pkg.exports['.'])[0]).toBe('types');
    const targets: string[] = [pkg.main, pkg.types, ...Object.values(pkg.exports['.']) as string[]];
    for (const m of IMPORT_MODULES) {
      const sub = pkg.exports[`./imports/${m}`];
      expect(sub).toEqual({ types: `./lib/imports/${m}.d.ts`, require: `./lib/imports/${m}.js`, default: `./lib/imports/${m}.js` });
      expect(Object.keys(sub)[0]).toBe('types');
      targets.push(...Object.values(sub) as string[]);
    }
    for (const target of targets) expect(fs.existsSync(sourceOf(target))).toBe(true);
    for (const [m, kind] of Object.entries(IMPORT_KINDS)) {
      expect(fs.readFileSync(path.join(root, 'imports', `${m}.ts`), 'utf8')).toContain(`export class ${kind} extends ApiObject`);
    }
  });

  test('typesVersions gives node10 resolution the same subpaths as exports', () => {
    expect(pkg.typesVersions).toEqual({ '*': Object.fromEntries(IMPORT_MODULES.map((m) => [`imports/${m}`, [`lib/imports/${m}.d.ts`]])) });
  });

  test('the secure-ray bin runs the compiled CLI', () => {
    expect(pkg.bin).toEqual({ 'secure-ray': 'bin/secure-ray' });
    const bin = fs.readFileSync(path.join(root, 'bin', 'secure-ray'), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(bin).toContain("require('../lib/src/cli/main.js').run()");
    expect(() => fs.accessSync(path.join(root, 'bin', 'secure-ray'), fs.constants.X_OK)).not.toThrow();
    expect(fs.readFileSync(sourceOf('lib/src/cli/main.js'), 'utf8')).toMatch(/export function run\(/);
  });

  test('peer dependencies: cdk8s 2.x and constructs 10.x, lower bounds = the pinned dev versions we test', () => {
    expect(pkg.peerDependencies).toEqual({ cdk8s: '^2.70.0', constructs: '^10.3.0' });
    expect(`^${pkg.devDependencies.cdk8s}`).toBe(pkg.peerDependencies.cdk8s);
    expect(`^${pkg.devDependencies.constructs}`).toBe(pkg.peerDependencies.constructs);
    expect(pkg.dependencies.cdk8s).toBeUndefined();
    expect(pkg.dependencies.constructs).toBeUndefined();
    expect(pkg.engines).toEqual({ node: '>= 20.0.0' });
  });

  test('prepack builds lib/ from scratch; test:consumer and docs are tasks', () => {
    expect(pkg.scripts.prepack).toBe('projen prepack');
    const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8')).tasks;
    expect(tasks.prepack.steps).toEqual([
      { exec: expect.stringContaining("rmSync('lib'") },
      { spawn: 'compile' },
    ]);
    expect(tasks['test:consumer'].steps[0].exec).toBe('bash tools/consumer-test.sh');
    expect(tasks.docs.steps.map((s: { exec: string }) => s.exec)).toEqual([expect.stringContaining('rmSync(p'), 'typedoc --options typedoc.json']);
  });

  test('coverage is off in npm test (it more than doubles the run) and on in test:coverage', () => {
    expect(pkg.jest.collectCoverage).toBe(false);
    const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8')).tasks;
    expect(tasks.test.steps[0]).toEqual({ execArgs: ['jest', '--ci'], receiveArgs: true });
    expect(tasks['test:coverage'].steps).toEqual([{ exec: 'jest --ci --coverage', receiveArgs: true }]);
    expect(pkg.scripts['test:coverage']).toBe('projen test:coverage');
  });
});

describe('tsconfig.json (the package build)', () => {
  test('emits declarations but no inline source maps or sources', () => {
    const text = fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    const options = JSON.parse(text).compilerOptions;
    expect(options).toMatchObject({ declaration: true, inlineSourceMap: false, inlineSources: false, rootDir: '.', outDir: 'lib' });
    expect(options.sourceMap).toBeFalsy();
    expect(options.declarationMap).toBeFalsy();
  });
});

describe('the packed file list', () => {
  const files = packList();

  test('holds only compiled lib/ files, the CLI launcher and the documents', () => {
    const allowed = /^(lib\/(src|imports)\/.+\.(js|d\.ts)|bin\/secure-ray|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/secure-ray']) expect(files).toContain(f);
  });

  test('no tests, fixtures, sources, maps, scratch, benchmarks, tools, dist or the example app', () => {
    const forbidden = [/^test\//, /fixtures/, /\.map$/, /^src\//, /^imports\//, /\.scratch/, /^benchmark\//, /^tools\//,
      /^dist\//, /^docs\//, /^coverage\//, /^pkg\//, /^\.ci\//, /tsbuildinfo/, /^lib\/src\/main\./, /\.test\./];
    expect(files.filter((f) => forbidden.some((re) => re.test(f)))).toEqual([]);
  });

  test('README "Release notes" lists exactly the files a build packs', () => {
    // What tsc emits for every source file (lib/ may not be built when the unit tests run).
    const walk = (dir: string): string[] => fs.readdirSync(path.join(root, dir), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const compiled = [...walk('src'), ...IMPORT_MODULES.map((m) => `imports/${m}.ts`)]
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== path.join('src', 'main.ts'))
      .flatMap((f) => [`lib/${f.replace(/\.ts$/, '.js')}`, `lib/${f.replace(/\.ts$/, '.d.ts')}`]);
    const expected = [...compiled, 'bin/secure-ray', 'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].sort();

    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.split(/^## Release notes$/m)[1];
    expect(section).toBeDefined();
    const block = /```text\n([\s\S]*?)```/.exec(section);
    expect(block).not.toBeNull();
    const listed = block![1].split('\n').map((l) => l.trim()).filter(Boolean).sort();
    expect(listed).toEqual(expected);
  });
});
