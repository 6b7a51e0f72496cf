/**
 * Robustness of the policy engine: arbitrary JSON, and real KubeRay sample manifests mutated at
 * random paths, never make `checkManifests` throw, and the results are always well formed.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { announce, mutate, params, timeoutFor } from './support';
import { checkManifests, CheckOptions, RULE_IDS, TenantDefinition } from '../../src';
import { sharedPath } from '../support/manifests';

const RUNS = { anything: 1500, kubeish: 1000, mutated: 1000 };
announce('test/property/engine.robustness.test.ts', RUNS);

const STATUSES = ['pass', 'fail', 'skip'];

function assertWellFormed(docs: unknown[], options: CheckOptions): void {
  const report = checkManifests(docs, options);
  expect(report.documents).toHaveLength(docs.length);
  expect(report.summary.documents).toBe(docs.length);
  let failed = 0;
  for (const d of report.documents) {
    expect(typeof d.kind).toBe('string');
    expect(typeof d.name).toBe('string');
    expect(typeof d.namespace).toBe('string');
    let anyFail = false;
    for (const r of RULE_IDS) {
      const res = d.rules[r];
      expect(STATUSES).toContain(res.status);
      expect(Array.isArray(res.violations)).toBe(true);
      expect(res.status === 'fail').toBe(res.violations.length > 0);
      if (res.status === 'fail') anyFail = true;
      for (const v of res.violations) {
        expect(v.rule).toBe(r);
        expect(typeof v.path).toBe('string');
        expect(v.path.length).toBeGreaterThan(0);
        expect(typeof v.message).toBe('string');
        expect(v.message.length).toBeGreaterThan(0);
        // JSON-serialisable (the CLI prints it).
        expect(() => JSON.stringify(v)).not.toThrow();
      }
    }
    if (anyFail) failed++;
  }
  expect(report.summary.failed).toBe(failed);
}

const tenants: TenantDefinition[] = [
  { name: 'team-a', namespace: 'team-a', bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' } },
  { name: 'weird', bounds: { minCpu: 'x', maxCpu: -1 as unknown as string } },
];
const optionsArb = fc.record({
  pssLevel: fc.constantFrom('restricted', 'baseline', undefined),
  pssVersion: fc.constantFrom('latest', 'v1.0', 'v1.23', 'v1.37', undefined),
  tenants: fc.constantFrom(undefined, tenants, []),
  initContainerInjection: fc.constantFrom(true, false, undefined),
}).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as CheckOptions);

/** Values shaped a bit like manifests, so the rules go deep before meeting garbage. */
const leaf = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 6 }),
  fc.constantFrom('RayCluster', 'Pod', 'v1', 'ray.io/v1', '500m', '1e400', '-1', 'Exists', 'Equal', '__proto__', 'constructor', 'ALL', 'RuntimeDefault', 'Unconfined', 'tenant'));
const KEYS = ['apiVersion', 'kind', 'metadata', 'labels', 'annotations', 'name', 'namespace', 'spec', 'headGroupSpec', 'workerGroupSpecs', 'template',
  'containers', 'initContainers', 'ephemeralContainers', 'securityContext', 'resources', 'limits', 'requests', 'cpu', 'memory', 'tolerations',
  'nodeSelector', 'affinity', 'volumes', 'hostPath', 'capabilities', 'drop', 'add', 'seccompProfile', 'type', 'items', 'replicas', 'minReplicas',
  'maxReplicas', 'autoscalerOptions', 'enableInTreeAutoscaling', 'rayStartParams', 'groupName', 'tenant', 'minCpu', 'maxCpu', 'ports', 'hostPort',
  'privileged', 'runAsUser', 'runAsNonRoot', 'sysctls', 'windowsOptions', 'hostProcess', 'appArmorProfile', 'tlsOptions', '__proto__', 'toString'];
const kubeish = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array')),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 6 }),
  array: fc.array(tie('value'), { maxLength: 4 }),
})).value;

function readSamples(): unknown[] {
  const dir = sharedPath('kuberay', 'samples');
  if (!dir) return [];
  const out: unknown[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
    for (const d of parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8'))) {
      const v = (d as { toJS?: () => unknown }).toJS?.();
      if (v && typeof v === 'object') out.push(v);
    }
  }
  return out;
}

describe('checkManifests never throws and returns well-formed results', () => {
  test('arbitrary JSON values', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.anything(), fc.jsonValue()), { maxLength: 4 }), optionsArb, (docs, options) => {
      assertWellFormed(docs, options);
    }), params(RUNS.anything));
  }, timeoutFor(RUNS.anything, 20));

  test('manifest-shaped garbage (RayCluster and Pod kinds with random structure)', () => {
    const doc = fc.tuple(fc.constantFrom('RayCluster', 'Pod', 'List'), fc.constantFrom('ray.io/v1', 'ray.io/v1alpha1', 'v1'), fc.dictionary(fc.constantFrom(...KEYS), kubeish, { maxKeys: 6 }))
      .map(([kind, apiVersion, rest]) => ({ ...rest, kind, apiVersion }));
    fc.assert(fc.property(fc.array(doc, { minLength: 1, maxLength: 3 }), optionsArb, (docs, options) => {
      assertWellFormed(docs, options);
    }), params(RUNS.kubeish));
  }, timeoutFor(RUNS.kubeish, 20));

  const samples = readSamples();
  (samples.length > 0 ? test : test.skip)(`mutated KubeRay samples (${samples.length} documents from ../shared/kuberay/samples)`, () => {
    const replacement = fc.oneof(fc.anything({ maxDepth: 2 }), kubeish, fc.constantFrom(null, -1, '1e400', 'x', [], {}, true));
    const sample = fc.nat({ max: samples.length - 1 });
    fc.assert(fc.property(sample, fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), replacement, fc.boolean(), optionsArb,
      (i, choices, value, del, options) => {
        const doc = mutate(samples[i], choices, value, del);
        assertWellFormed([doc], options);
        assertWellFormed([doc], { ...options, tenants });
      }), params(RUNS.mutated));
  }, timeoutFor(RUNS.mutated, 40));
});
