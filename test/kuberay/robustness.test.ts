/**
 * Robustness of the RayJob/RayService/RayCronJob models: arbitrary JSON and KubeRay's samples
 * mutated at random paths never make them throw or mutate their input, and the results are well
 * formed (JSON-serialisable, findings with a path and a message, pods with a source path per
 * container). Seed and run counts as in test/property (FC_SEED, FC_NUM_RUNS).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { loadDocs } from './helpers';
import { buildRayCronJob, buildRayJob, buildRayService, KubeRayNote, KubeRayRefusal } from '../../src/kuberay';
import type { RayPod } from '../../src/kuberay';
import type { JsonObject } from '../../src/policy/types';
import { announce, mutate, params, timeoutFor } from '../property/support';
import { sharedPath } from '../support/manifests';

const RUNS = { anything: 500, mutated: 600 };
announce('test/kuberay/robustness.test.ts', RUNS);

function expectFindings(list: ReadonlyArray<KubeRayRefusal | KubeRayNote>): void {
  for (const f of list) {
    expect(typeof f.path).toBe('string');
    expect(f.path.length).toBeGreaterThan(0);
    expect(typeof f.message).toBe('string');
    expect(f.message.length).toBeGreaterThan(0);
  }
}

function expectPods(pods: readonly RayPod[]): void {
  for (const p of pods) {
    const spec = p.pod.spec as JsonObject;
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    expect(p.source.containerPaths?.containers ?? []).toHaveLength(containers.length);
  }
}

/** Builds with the model the kind asks for (RayJob by default) and checks the result's shape. */
function buildAndCheck(doc: unknown): void {
  const before = JSON.stringify(doc);
  const input = doc as JsonObject;
  const kind = doc !== null && typeof doc === 'object' ? (doc as JsonObject).kind : undefined;
  if (kind === 'RayService') {
    const m = buildRayService(input);
    expectFindings(m.refusals);
    expectFindings(m.notes);
    expectPods(m.rayPods);
    expect(() => JSON.stringify(m)).not.toThrow();
  } else if (kind === 'RayCronJob') {
    const m = buildRayCronJob(input, { featureGates: { RayCronJob: true } });
    expectFindings(m.refusals);
    expectFindings(m.job.notes);
    expectPods(m.job.rayPods);
    expect(() => JSON.stringify(m)).not.toThrow();
  } else {
    for (const mode of [undefined, 'SidecarMode']) {
      const m = buildRayJob(input, mode ? { featureGates: { SidecarSubmitterRestart: true } } : {});
      expectFindings(m.refusals);
      expectFindings(m.notes);
      expectPods(m.rayPods);
      expect(() => JSON.stringify(m)).not.toThrow();
    }
  }
  expect(JSON.stringify(doc)).toBe(before);
}

describe('the KubeRay models never throw and return well-formed results', () => {
  test('arbitrary JSON, with each kind', () => {
    const doc = fc.tuple(fc.constantFrom('RayJob', 'RayService', 'RayCronJob'), fc.anything({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }))
      .map(([kind, a, b]) => ({ kind, apiVersion: 'ray.io/v1', metadata: { name: 'x' }, spec: { a, rayClusterSpec: b, rayClusterConfig: b, jobTemplate: { rayClusterSpec: b } } }));
    fc.assert(fc.property(fc.oneof(fc.anything(), doc), (d) => buildAndCheck(d)), params(RUNS.anything));
  }, timeoutFor(RUNS.anything, 30));

  const dir = sharedPath('kuberay', 'samples-jobs');
  const samples = dir ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((f) => loadDocs(path.join(dir, f))).filter((d) => ['RayJob', 'RayService', 'RayCronJob'].includes(String(d.kind))) : [];
  (samples.length > 0 ? test : test.skip)(`mutated KubeRay samples (${samples.length} objects from ../shared/kuberay/samples-jobs)`, () => {
    const replacement = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom(null, -1, 'x', [], {}, true, 'SidecarMode', 'token', 'NewClusterWithIncrementalUpgrade'));
    fc.assert(fc.property(fc.nat({ max: samples.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), replacement, fc.boolean(),
      (i, choices, value, del) => buildAndCheck(mutate(samples[i], choices, value, del))), params(RUNS.mutated));
  }, timeoutFor(RUNS.mutated, 40));
});
