/**
 * One `secure-ray reach` run for the benchmark, in its own process so that its peak RSS is its own:
 * `reach-run.ts FILE FORMAT` runs the CLI's `reach` on FILE (output counted, not kept) and prints
 * `{ code, ms, outputChars, baselineRssMb, maxRssMb, peers, shapes }` as JSON on stdout.
 * `ms` covers reading and parsing the file, the model and the whole report; `baselineRssMb` is
 * the RSS before that (node, ts-node and the loaded modules), `maxRssMb` the process's peak.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { main } from '../src/cli/main';
import { parseManifests } from '../src/cli/read';
import { environmentFromManifests, RAY_PROBES, reachModel } from '../src/reach';

async function run(): Promise<void> {
  const [file, format] = process.argv.slice(2);
  const baselineRssMb = process.memoryUsage().rss / 1048576;
  let outputChars = 0;
  const t0 = performance.now();
  const code = await main(['reach', '--output', format, file], { stdout: (s) => { outputChars += s.length; }, stderr: () => undefined, env: {} });
  const ms = performance.now() - t0;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const text = fs.readFileSync(file, 'utf8');
  const docs = file.endsWith('.json') ? (JSON.parse(text) as { items: unknown[] }).items : parseManifests(text, file).docs;
  const env = environmentFromManifests(docs);
  const shapes = reachModel(env.policies, env.namespaces, env.peers, RAY_PROBES).shapes.facts.length;
  process.stdout.write(JSON.stringify({ code, ms, outputChars, baselineRssMb, maxRssMb, peers: env.peers.length, shapes }));
}

void run();
