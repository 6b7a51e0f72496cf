import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';

/** A synthesized manifest. */
export type Manifest = Record<string, any>;

/** The reference folder beside the repo, or undefined (tests that need it skip, visibly). */
export const SHARED = path.resolve(__dirname, '../../../shared');
export function sharedPath(...parts: string[]): string | undefined {
  const p = path.join(SHARED, ...parts);
  if (fs.existsSync(p)) return p;
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
