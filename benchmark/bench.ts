/**
 * Benchmark of cdk8s-secure-ray: `npm run bench` (add `--quick` for a run of well under a minute).
 *
 * Method (one process, warm-up first, every measurement repeated and the median reported):
 *
 * - synth: N SecureTenantRayClusters (N = 1, 10, 100, 1000; quick: 1, 10, 100) spread over 10
 *   tenants (one Chart per tenant), a mix of 1-3 worker groups, autoscaling on every third
 *   cluster, an extra GPU group on every fifth. Each repetition builds a fresh `App` and calls
 *   `app.synthYaml()` (resolve + validations + YAML stringify, in memory); `ms` covers building
 *   the constructs plus synthYaml(), `synthOnlyMs` synthYaml() alone. The baseline builds the
 *   same manifests (taken once beforehand from the construct's own output) as plain `ApiObject`s
 *   in the same charts and synthesizes them the same way. Construct and baseline runs are
 *   interleaved (alternating which goes first). Peak RSS is `process.memoryUsage().rss` sampled
 *   right after each construct synth of that N (app still alive), max over repetitions.
 * - check: a multi-document YAML text (RayClusters and NetworkPolicies from the synth output with
 *   varied names, plus plain Pods). Times what `secure-ray check` does — `parseManifests(text)`
 *   (the kubectl-faithful reader) followed by `checkManifests(docs)` — against the `yaml`
 *   package's parse alone (`parseAllDocuments(text).map(d => d.toJS())`), interleaved, on the
 *   same text.
 * - cliColdStart: spawns the CLI (`check test/fixtures/cli/pod.yaml`) through ts-node a few times
 *   (includes ts-node's start-up), and the compiled `lib/src/cli/main.js` if it exists.
 * - quantityRejectionMs: `Quantity.parse` refusing quantities whose decimal exponent is out of
 *   range (`1e400`, a 1000-digit exponent, ...): the slowest input's median. They must be refused
 *   without expanding the exponent (target < 100 ms; the unit tests only check they are refused).
 * - crdSchemaMsPerCluster: the test harness's KubeRay CRD validator (`test/support/crd-schema.ts`)
 *   over the RayClusters of the 47 upstream samples in `../shared` (null when it is absent):
 *   median ms per document (target < 50 ms).
 * - reach: `secure-ray reach` on 300, 3,000 and 10,000 running pods (quick: 300, 3,000) in 10
 *   namespaces, 50 pods per RayCluster, with the construct's RayClusters and NetworkPolicies
 *   (`reach-fixture.ts`), as one `kubectl get -o json` List file. Each run is its own process
 *   (`reach-run.ts`, through ts-node) so its peak RSS is its own; `ms` covers reading the file,
 *   the model and the whole report (text, then JSON), median of the repetitions; `maxRssMb` is the
 *   process's peak, `baselineRssMb` what node, ts-node and the modules took before the run. The
 *   largest size is also read as a multi-document YAML stream (`kubectl get -o yaml` split into
 *   documents), which costs the YAML parser's time. Target: 10,000 pods under 10 s and 500 MB
 *   peak. `npm run bench -- --reach-only` runs only this part (and writes no results).
 *
 * Results go to stdout (a table with the targets beside the numbers) and `benchmark/results.json`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as v8 from 'v8';
import * as vm from 'vm';
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import { parseAllDocuments, stringify } from 'yaml';
import { AutoscalerVersion, SecureTenantRayCluster, TenantProfile } from '../src';
import { reachManifests } from './reach-fixture';
import { parseManifests } from '../src/cli/read';
import { Quantity } from '../src/kubernetes/quantity';
import { checkManifests } from '../src/policy/engine';
import { WorkerGroupOptions } from '../src/ray-group';
import { loadCrdValidator } from '../test/support/crd-schema';

type Json = Record<string, any>;

const QUICK = process.argv.includes('--quick');
const ROOT = path.resolve(__dirname, '..');
const TENANT_COUNT = 10;
const SIZES = QUICK ? [1, 10, 100] : [1, 10, 100, 1000];
const REPS: Record<number, number> = QUICK ? { 1: 5, 10: 5, 100: 3 } : { 1: 11, 10: 9, 100: 7, 1000: 5 };
const CHECK_CLUSTER_COPIES = QUICK ? 2 : 10; // copies of the 100-cluster output, renamed
const CHECK_PODS = QUICK ? 200 : 1000;
const CHECK_REPS = QUICK ? 3 : 5;
const CLI_REPS = QUICK ? 3 : 5;
const REACH_SIZES = QUICK ? [300, 3000] : [300, 3000, 10000];
const REACH_REPS = QUICK ? 1 : 3;
const REACH_TARGET = { pods: 10000, ms: 10000, rssMb: 500 };

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const TENANTS = Array.from({ length: TENANT_COUNT }, (_, t) => new TenantProfile({
  name: `tenant-${t}`,
  // GPUs are closed by default: every fifth cluster has a GPU group, so the tenants may use one per container.
  bounds: { minCpu: '250m', maxCpu: '8', minMemory: '256Mi', maxMemory: '32Gi', extendedResources: { 'nvidia.com/gpu': '1' } },
  defaultCpu: '1',
  defaultMemory: '2Gi',
}));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Adds cluster `i` (a realistic mix) to its tenant's chart. */
function addCluster(chart: Chart, i: number): void {
  const tenant = TENANTS[i % TENANT_COUNT];
  const groups: WorkerGroupOptions[] = [];
  const cpuGroups = 1 + (Math.floor(i / TENANT_COUNT) % 3);
  for (let g = 0; g < cpuGroups; g++) {
    groups.push({
      groupName: `cpu-${g}`,
      replicas: 1,
      minReplicas: 0,
      maxReplicas: 8,
      resources: { cpu: { request: '2', limit: '4' }, memory: { request: '4Gi', limit: '8Gi' } },
    });
  }
  if (i % 5 === 0) {
    groups.push({
      groupName: 'gpu',
      replicas: 1,
      minReplicas: 1,
      maxReplicas: 4,
      gpus: 1,
      resources: { cpu: { request: '4', limit: '4' }, memory: { request: '16Gi', limit: '16Gi' } },
    });
  }
  const autoscale = i % 3 === 0;
  new SecureTenantRayCluster(chart, `cluster-${i}`, {
    tenant,
    name: `ray-${i}`,
    head: {
      rayStartParams: { 'num-cpus': '0' },
      resources: { cpu: { request: '1', limit: '2' }, memory: { request: '4Gi', limit: '4Gi' } },
    },
    workerGroups: groups,
    ...(autoscale ? {
      autoscaling: { idleTimeout: Duration.minutes(5), version: AutoscalerVersion.V2 },
      network: { apiServer: { cidr: '172.18.0.2/32' } },
    } : {}),
  });
}

function chartsFor(app: App, n: number): Chart[] {
  return Array.from({ length: Math.min(n, TENANT_COUNT) }, (_, t) => new Chart(app, `tenant-${t}`));
}

function constructApp(n: number): App {
  const app = new App();
  const charts = chartsFor(app, n);
  for (let i = 0; i < n; i++) addCluster(charts[i % charts.length], i);
  return app;
}

/** The construct's output, per chart, computed once. */
function manifestsOf(n: number): Json[][] {
  const app = constructApp(n);
  app.synthYaml(); // validates
  return app.charts.map((c) => c.toJson() as Json[]);
}

function baselineApp(n: number, manifests: Json[][]): App {
  const app = new App();
  const charts = chartsFor(app, n);
  charts.forEach((chart, c) => manifests[c].forEach((m, k) => new ApiObject(chart, `o${k}`, m as any)));
  return app;
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

interface SynthRow {
  clusters: number;
  ms: number;
  baselineMs: number;
  ratio: number;
  peakRssMb: number;
  synthOnlyMs: number;
  baselineSynthOnlyMs: number;
  yamlBytes: number;
}
interface CheckRow { documents: number; ms: number; parseMs: number; ratio: number; failedDocuments: number }

function benchSynth(): SynthRow[] {
  // Warm-up: JIT both paths.
  const warm = manifestsOf(10);
  for (let r = 0; r < 3; r++) {
    constructApp(10).synthYaml();
    baselineApp(10, warm).synthYaml();
  }
  const rows: SynthRow[] = [];
  for (const n of SIZES) {
    const manifests = manifestsOf(n);
    const yamlBytes = baselineApp(n, manifests).synthYaml().length;
    const ours: number[] = [];
    const base: number[] = [];
    const oursSynth: number[] = [];
    const baseSynth: number[] = [];
    let peak = 0;
    for (let r = 0; r < REPS[n]; r++) {
      const runOurs = () => {
        gc();
        const t0 = performance.now();
        const app = constructApp(n);
        const t1 = performance.now();
        app.synthYaml();
        const t2 = performance.now();
        ours.push(t2 - t0);
        oursSynth.push(t2 - t1);
        peak = Math.max(peak, process.memoryUsage().rss);
      };
      const runBase = () => {
        gc();
        const t0 = performance.now();
        const app = baselineApp(n, manifests);
        const t1 = performance.now();
        app.synthYaml();
        const t2 = performance.now();
        base.push(t2 - t0);
        baseSynth.push(t2 - t1);
      };
      if (r % 2 === 0) { runOurs(); runBase(); } else { runBase(); runOurs(); }
    }
    rows.push({
      clusters: n,
      ms: round(median(ours)),
      baselineMs: round(median(base)),
      ratio: round(median(ours) / median(base)),
      peakRssMb: round(peak / 1024 / 1024, 1),
      synthOnlyMs: round(median(oursSynth)),
      baselineSynthOnlyMs: round(median(baseSynth)),
      yamlBytes,
    });
    process.stderr.write(`synth N=${n} done\n`);
  }
  return rows;
}

function buildCheckText(): string {
  const base = manifestsOf(100).flat();
  const parts: string[] = [];
  for (let c = 0; c < CHECK_CLUSTER_COPIES; c++) {
    for (const m of base) {
      const copy = JSON.parse(JSON.stringify(m)) as Json;
      copy.metadata.name = `${copy.metadata.name}-c${c}`;
      if (copy.kind === 'NetworkPolicy') copy.spec.podSelector.matchLabels['ray.io/cluster'] = `${copy.spec.podSelector.matchLabels['ray.io/cluster']}-c${c}`;
      parts.push(stringify(copy));
    }
  }
  for (let p = 0; p < CHECK_PODS; p++) {
    const tenant = TENANTS[p % TENANT_COUNT];
    const compliant = p % 2 === 0;
    parts.push(stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${p}`, namespace: tenant.namespace, labels: { tenant: tenant.name } },
      spec: {
        ...(compliant ? { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } } : {}),
        containers: [{
          name: 'main',
          image: 'busybox:1.36',
          command: ['sleep', '3600'],
          resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
          ...(compliant ? { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } } : {}),
        }],
      },
    }));
  }
  return parts.join('---\n');
}

function benchCheck(): CheckRow[] {
  const text = buildCheckText();
  const tenants = TENANTS.map((t) => t.toDefinition());
  const parse = () => parseAllDocuments(text).map((d) => d.toJS() as unknown);
  let documents = 0;
  let failed = 0;
  const full = () => {
    const docs = parseManifests(text, 'bench.yaml').docs;
    documents = docs.length;
    failed = checkManifests(docs, { tenants }).summary.failed;
  };
  full(); parse(); // warm-up
  const ms: number[] = [];
  const parseMs: number[] = [];
  for (let r = 0; r < CHECK_REPS; r++) {
    const a = () => { gc(); ms.push(time(full)); };
    const b = () => { gc(); parseMs.push(time(parse)); };
    if (r % 2 === 0) { a(); b(); } else { b(); a(); }
  }
  process.stderr.write('check done\n');
  return [{ documents, ms: round(median(ms)), parseMs: round(median(parseMs)), ratio: round(median(ms) / median(parseMs)), failedDocuments: failed }];
}

function coldStart(args: string[], env: NodeJS.ProcessEnv): number | null {
  const times: number[] = [];
  for (let r = 0; r < CLI_REPS; r++) {
    const t0 = performance.now();
    const res = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (res.error || res.status === null || res.status > 1) {
      process.stderr.write(`CLI run failed (status ${res.status}): ${res.stderr ?? res.error}\n`);
      return null;
    }
  }
  return round(median(times), 1);
}

/** The slowest median time (ms) to refuse an out-of-range quantity. */
function benchQuantityRejection(): number {
  const inputs: (string | number)[] = ['1e101', '1e400', '1E400', '1e99999999', '1e-99999999', `1e${'9'.repeat(1000)}`, 1e300, 1e-300];
  const refuse = (input: string | number) => () => {
    try {
      Quantity.parse(input);
    } catch {
      return;
    }
    throw new Error(`${String(input)} was accepted`);
  };
  return round(Math.max(...inputs.map((input) => {
    refuse(input)(); // warm-up
    return median(Array.from({ length: 7 }, () => time(refuse(input))));
  })), 3);
}

/** Median ms per RayCluster of the KubeRay samples through the CRD schema validator, or null without ../shared. */
function benchCrdSchema(): number | null {
  const shared = path.resolve(ROOT, '..', 'shared', 'kuberay');
  const validator = loadCrdValidator(path.join(shared, 'crd', 'ray.io_rayclusters.yaml'));
  const samples = path.join(shared, 'samples');
  if (!validator || !fs.existsSync(samples)) return null;
  const clusters = fs.readdirSync(samples).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(samples, f), 'utf8')).map((d) => d.toJS() as Json))
    .filter((m) => m?.kind === 'RayCluster');
  const all = () => clusters.forEach((c) => validator.validate(c));
  all(); // warm-up
  const ms = Array.from({ length: QUICK ? 3 : 7 }, () => time(all));
  return round(median(ms) / clusters.length, 3);
}

interface ReachRow {
  pods: number;
  peers: number;
  shapes: number;
  input: 'json-list' | 'yaml-stream';
  format: string;
  ms: number;
  maxRssMb: number;
  baselineRssMb: number;
  outputChars: number;
  inputBytes: number;
}

function benchReach(): ReachRow[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-bench-'));
  const rows: ReachRow[] = [];
  try {
    for (const pods of REACH_SIZES) {
      const items = reachManifests(pods);
      const inputs: { input: ReachRow['input']; file: string; formats: string[] }[] = [
        { input: 'json-list', file: path.join(dir, `pods-${pods}.json`), formats: ['text', 'json'] },
      ];
      fs.writeFileSync(inputs[0].file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
      if (pods === REACH_SIZES[REACH_SIZES.length - 1]) {
        inputs.push({ input: 'yaml-stream', file: path.join(dir, `pods-${pods}.yaml`), formats: ['text'] });
        fs.writeFileSync(inputs[1].file, items.map((d) => stringify(d)).join('---\n'));
      }
      for (const { input, file, formats } of inputs) {
        const inputBytes = fs.statSync(file).size;
        for (const format of formats) {
          const runs: Json[] = [];
          for (let r = 0; r < REACH_REPS; r++) {
            const res = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'benchmark/reach-run.ts', file, format],
              { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' }, encoding: 'utf8', maxBuffer: 1024 * 1024 });
            if (res.status !== 0) throw new Error(`reach run failed (status ${res.status}): ${res.stderr}`);
            runs.push(JSON.parse(res.stdout) as Json);
          }
          rows.push({
            pods,
            peers: runs[0].peers,
            shapes: runs[0].shapes,
            input,
            format,
            ms: round(median(runs.map((x) => x.ms))),
            maxRssMb: round(Math.max(...runs.map((x) => x.maxRssMb)), 1),
            baselineRssMb: round(Math.max(...runs.map((x) => x.baselineRssMb)), 1),
            outputChars: runs[0].outputChars,
            inputBytes,
          });
        }
      }
      process.stderr.write(`reach ${pods} pods done\n`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

function main(): void {
  const reach = process.argv.includes('--reach-only') ? benchReach() : [];
  if (process.argv.includes('--reach-only')) {
    printReach(reach);
    return;
  }
  const synth = benchSynth();
  const check = benchCheck();
  const quantityRejectionMs = benchQuantityRejection();
  const crdSchemaMsPerCluster = benchCrdSchema();
  reach.push(...benchReach());
  const fixture = 'test/fixtures/cli/pod.yaml';
  const cliColdStartMs = coldStart(['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', 'check', fixture],
    { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' });
  const compiled = path.join(ROOT, 'lib/src/cli/main.js');
  const cliCompiledColdStartMs = fs.existsSync(compiled) ? coldStart([compiled, 'check', fixture], process.env) : null;
  const maxRssMb = round(process.resourceUsage().maxRSS / 1024, 1);

  const results = {
    synth,
    check,
    reach,
    reachTarget: REACH_TARGET,
    reachMethod: 'one process per run (ts-node): the CLI reach on a kubectl get -o json List file (and, at the largest size, the same objects as a '
      + 'YAML stream); ms = read + parse + model + report; maxRssMb = process peak; baselineRssMb = RSS before the run',
    cliColdStartMs,
    cliColdStartIncludes: 'node + ts-node/register/transpile-only start-up',
    cliCompiledColdStartMs,
    quantityRejectionMs,
    crdSchemaMsPerCluster,
    peakRssMethod: 'process.memoryUsage().rss sampled right after each construct synthYaml() of that N, max over repetitions',
    processMaxRssMb: maxRssMb,
    node: process.version,
    cpus: os.cpus().length,
    quick: QUICK,
    date: new Date().toISOString(),
  };
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');

  const mark = (ok: boolean) => (ok ? 'ok' : 'MISS');
  console.log('\nsynth (build + app.synthYaml() incl. validation; median ms)');
  console.log('clusters      ms  baseline   ratio  synthOnly  baseSynthOnly  peakRSS MB  target');
  synth.forEach((s, i) => {
    const prev = synth[i - 1];
    const notes: string[] = [];
    if (s.clusters === 1000) {
      notes.push(`ratio<=1.5 ${mark(s.ratio <= 1.5)}`, `rss<400MB ${mark(s.peakRssMb < 400)}`);
      if (prev?.clusters === 100) notes.push(`t(1000)/t(100)=${round(s.ms / prev.ms, 1)}<=12 ${mark(s.ms / prev.ms <= 12)}`);
    }
    console.log(`${String(s.clusters).padStart(8)} ${s.ms.toFixed(1).padStart(7)} ${s.baselineMs.toFixed(1).padStart(9)} ${s.ratio.toFixed(2).padStart(7)} ${s.synthOnlyMs.toFixed(1).padStart(10)} ${s.baselineSynthOnlyMs.toFixed(1).padStart(14)} ${s.peakRssMb.toFixed(0).padStart(11)}  ${notes.join(', ')}`);
  });
  console.log('\ncheck (parseManifests+checkManifests vs yaml parse+toJS alone; median ms)');
  for (const c of check) {
    console.log(`documents ${c.documents}: ${c.ms.toFixed(1)} ms vs parse ${c.parseMs.toFixed(1)} ms, ratio ${c.ratio.toFixed(2)} (target <=2.0 ${mark(c.ratio <= 2)})`);
  }
  printReach(reach);
  console.log(`\nCLI cold start (ts-node): ${cliColdStartMs ?? 'n/a'} ms (target <500 ${cliColdStartMs === null ? 'n/a' : mark(cliColdStartMs < 500)})`);
  console.log(`CLI cold start (compiled lib/): ${cliCompiledColdStartMs ?? 'null (lib/src/cli/main.js absent)'}`);
  console.log(`quantity: the slowest out-of-range exponent refused in ${quantityRejectionMs} ms (target <100 ${mark(quantityRejectionMs < 100)})`);
  console.log(`CRD schema: ${crdSchemaMsPerCluster ?? 'n/a (../shared absent)'} ms per KubeRay sample RayCluster `
    + `(target <50 ${crdSchemaMsPerCluster === null ? 'n/a' : mark(crdSchemaMsPerCluster < 50)})`);
  console.log(`process maxRSS: ${maxRssMb} MB; node ${process.version}, ${os.cpus().length} cpus, quick=${QUICK}`);
  console.log(`wrote ${path.relative(ROOT, path.join(__dirname, 'results.json'))}`);
}

function printReach(reach: ReachRow[]): void {
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISS');
  console.log('\nreach (secure-ray reach on a List of running pods + the construct\'s manifests; median ms, peak RSS of the process)');
  console.log('    pods   peers  shapes  input        format        ms  peakRSS MB  baseline MB  output chars  target');
  for (const r of reach) {
    const target = r.pods === REACH_TARGET.pods
      ? `<${REACH_TARGET.ms / 1000}s ${mark(r.ms < REACH_TARGET.ms)}, <${REACH_TARGET.rssMb}MB ${mark(r.maxRssMb < REACH_TARGET.rssMb)}`
      : '';
    console.log(`${String(r.pods).padStart(8)} ${String(r.peers).padStart(7)} ${String(r.shapes).padStart(7)}  ${r.input.padEnd(11)}  ${r.format.padEnd(6)}`
      + ` ${r.ms.toFixed(0).padStart(9)} ${r.maxRssMb.toFixed(0).padStart(11)} ${r.baselineRssMb.toFixed(0).padStart(12)} ${String(r.outputChars).padStart(13)}  ${target}`);
  }
}

main();
