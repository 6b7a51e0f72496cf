import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';

/** A synthesized manifest. */
export type Manifest = Record<string, any>;

/** The reference folder beside the repo. Reach it through {@link sharedPath}. */
export const SHARED = path.resolve(__dirname, '../../../shared');

/**
 * The environment variable CI sets (`.ci/run`): with `SECURE_RAY_REQUIRE_SHARED=1`, a missing
 * `../shared` fails the run instead of skipping the tests that need it.
 */
export const REQUIRE_SHARED_ENV = 'SECURE_RAY_REQUIRE_SHARED';

/**
 * A path under `../shared`, or undefined when it is absent: the tests that need it then skip,
 * visibly (a `SKIPPED:` warning). In CI (`SECURE_RAY_REQUIRE_SHARED=1`) it is always there, so
 * its absence throws and fails the suite.
 */
export function sharedPath(...parts: string[]): string | undefined {
  const p = path.join(SHARED, ...parts);
  if (fs.existsSync(p)) return p;
  if (process.env[REQUIRE_SHARED_ENV] === '1') {
    throw new Error(`${p} not found, and ${REQUIRE_SHARED_ENV}=1: CI runs with ../shared beside the repository; without it these tests would be skipped`);
  }
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED: ${p} not found (../shared is absent); tests that need it are skipped`);
  return undefined;
}

/** A new app and chart for a test. */
export function newChart(id = 'test'): { app: App; chart: Chart } {
  const app = Testing.app();
  return { app, chart: new Chart(app, id) };
}

/** The one manifest of this kind and name; fails the test with a clear message otherwise. */
export function findObject(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} named ${name}, found ${found.length} among ${manifests.map((m) => `${m.kind}/${m.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

/** Every manifest of a kind. */
export function ofKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** Every pod template of a RayCluster with its path: head first, then worker groups. */
export function templates(rayCluster: Manifest): { path: string; template: Manifest }[] {
  return [
    { path: 'spec.headGroupSpec.template', template: rayCluster.spec.headGroupSpec.template },
    ...rayCluster.spec.workerGroupSpecs.map((g: Manifest, i: number) => ({ path: `spec.workerGroupSpecs[${i}].template`, template: g.template })),
  ];
}

/** The error message of `fn`, failing when it does not throw. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected an error, but none was thrown');
}
