/**
 * Shared settings of the property-based tests: the number of generated cases and the seed come
 * from the environment so that a failure can be replayed exactly.
 *
 * - `FC_NUM_RUNS`: cases per property (default: each property's own, chosen so the whole property
 *   suite stays well under a minute on 2 cores; `npm run test:property-long` sets 20000).
 * - `FC_SEED`: the seed (default {@link DEFAULT_SEED}). fast-check prints the seed and the
 *   counterexample's path on failure; replay with `FC_SEED=<seed> npx jest test/property/<file>`.
 */
import * as fc from 'fast-check';

/** The fixed default seed: runs are reproducible unless FC_SEED says otherwise. */
export const DEFAULT_SEED = 20260611;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** The seed of this run. */
export const SEED = envInt('FC_SEED') ?? DEFAULT_SEED;
const NUM_RUNS = envInt('FC_NUM_RUNS');
if (NUM_RUNS !== undefined && NUM_RUNS < 1) throw new Error('FC_NUM_RUNS must be >= 1');

/** The number of cases for a property whose CI default is `defaultRuns`. */
export function numRuns(defaultRuns: number): number {
  return NUM_RUNS ?? defaultRuns;
}

/** fast-check parameters for a property whose CI default is `defaultRuns`. */
export function params<T>(defaultRuns: number): fc.Parameters<T> {
  return { numRuns: numRuns(defaultRuns), seed: SEED };
}

/** A jest timeout that grows with the number of cases (`perCaseMs` is a generous per-case budget). */
export function timeoutFor(defaultRuns: number, perCaseMs: number): number {
  return 30_000 + numRuns(defaultRuns) * perCaseMs;
}

/** Logs the seed and the number of runs once for a test file. */
export function announce(file: string, runs: Record<string, number>): void {
  const list = Object.entries(runs).map(([k, v]) => `${k}=${numRuns(v)}`).join(', ');
  // eslint-disable-next-line no-console
  console.log(`${file}: FC_SEED=${SEED} (replay: FC_SEED=${SEED} FC_NUM_RUNS=<n> npx jest ${file}); runs: ${list}`);
}

/** Sets (or deletes) the value at a random path of a deep copy. */
export function mutate(doc: unknown, choices: number[], replacement: unknown, del: boolean): unknown {
  const copy = JSON.parse(JSON.stringify(doc));
  let node: any = copy;
  for (const c of choices) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = keys[c % keys.length];
    const child = node[k];
    if (child === null || typeof child !== 'object' || c % 3 === 0) {
      if (del) delete node[k];
      else node[k] = replacement;
      return copy;
    }
    node = child;
  }
  return copy;
}
