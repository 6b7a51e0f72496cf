/**
 * Runtime cost of the emitted policies on worst-case objects, measured with the harness (cel-go
 * units, approximately): every expression stays far below the per-expression limit (1,000,000)
 * and every policy evaluation far below the per-evaluation budget (10,000,000), and the cost grows
 * linearly with the lists it walks. docs/ARCHITECTURE.md ("Admission policies: cost") quotes these
 * numbers.
 */
import { admit, changed, request, TEAM_B, tenantPod } from './support';
import { AdmissionVerdict, PER_CALL_COST_LIMIT, RUNTIME_COST_BUDGET } from '../../support/cel';

/** A team-b pod built by KubeRay: `n` containers and `n / 2` init containers of `env` env vars each, `n` tolerations, `n` labels. */
function bigPod(n: number, env: number, affinity = false): any {
  const base = tenantPod(TEAM_B);
  const container = (name: string) => ({
    name,
    image: 'rayproject/ray:2.52.0',
    env: Array.from({ length: env }, (_, i) => ({ name: `VAR_${i}`, value: 'x'.repeat(32) })),
    resources: {
      requests: { 'cpu': '500m', 'memory': '1Gi', 'example.com/unused': '0' },
      limits: { 'cpu': '2', 'memory': '4Gi', 'nvidia.com/gpu': '1', 'hugepages-2Mi': '64Mi', 'ephemeral-storage': '1Gi' },
    },
  });
  return changed(base, (p) => {
    p.metadata.labels = {
      ...p.metadata.labels,
      'ray.io/node-type': 'worker',
      'ray.io/cluster': 'big',
      ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`example.com/label-${i}`, 'v'])),
    };
    p.spec.containers = Array.from({ length: n }, (_, i) => container(`c${i}`));
    p.spec.initContainers = Array.from({ length: n / 2 }, (_, i) => container(`i${i}`));
    p.spec.tolerations = [
      ...p.spec.tolerations,
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ...Array.from({ length: n }, (_, i) => ({ key: `example.com/t${i}`, operator: 'Exists' })),
    ];
    if (affinity) {
      delete p.spec.nodeSelector;
      const term = { matchExpressions: Array.from({ length: 10 }, (_, i) => ({ key: i === 9 ? 'tenant' : `k${i}`, operator: 'In', values: Array(10).fill(i === 9 ? 'team-b' : 'v') })) };
      p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: Array(n).fill(term) } } };
    }
  });
}

interface Cost { readonly total: Record<string, number>; readonly maxExpression: { cost: number; policy: string; path: string } }

function cost(v: AdmissionVerdict): Cost {
  const total: Record<string, number> = {};
  let maxExpression = { cost: 0, policy: '', path: '' };
  for (const e of v.evaluations) {
    total[e.policy] = (total[e.policy] ?? 0) + e.cost;
    if (e.cost > maxExpression.cost) maxExpression = { cost: e.cost, policy: e.policy, path: e.path };
  }
  return { total, maxExpression };
}

const measure = (pod: any) => {
  const v = admit('vap', request('pods', 'CREATE', 'operator', { object: pod }));
  expect(v.errors).toEqual([]);
  expect(v.allowed).toBe(true);
  return cost(v);
};

const rows: string[] = [];
afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`CEL cost (cel-go units; limits ${PER_CALL_COST_LIMIT} per expression, ${RUNTIME_COST_BUDGET} per evaluation):\n  ${rows.join('\n  ')}`);
});

test.each([
  ['100 containers + 50 init containers x 100 env vars, 102 tolerations, 102 labels', 100, 100, false],
  ['the same pinned by required node affinity: 100 terms x 10 expressions x 10 values', 100, 100, true],
])('%s: within the budgets', (name, n, env, affinity) => {
  const c = measure(bigPod(n, env, affinity));
  rows.push(`${name}: per policy ${JSON.stringify(c.total)}; largest expression ${c.maxExpression.cost} (${c.maxExpression.policy} ${c.maxExpression.path})`);
  for (const total of Object.values(c.total)) expect(total).toBeLessThan(RUNTIME_COST_BUDGET / 20);
  expect(c.maxExpression.cost).toBeLessThan(PER_CALL_COST_LIMIT / 5);
});

test('cost grows linearly with the containers, the env vars and the tolerations', () => {
  const pods = (p: Cost) => p.total['ValidatingAdmissionPolicy/secure-ray-pods-team-b'];
  const small = pods(measure(bigPod(20, 50)));
  const twiceContainers = pods(measure(bigPod(40, 50)));
  const twiceEnv = pods(measure(bigPod(20, 100)));
  rows.push(`linearity: 20 containers x 50 env ${small}; 40 x 50 ${twiceContainers} (x${(twiceContainers / small).toFixed(2)}); 20 x 100 ${twiceEnv} (x${(twiceEnv / small).toFixed(2)})`);
  expect(twiceContainers / small).toBeGreaterThan(1.6);
  expect(twiceContainers / small).toBeLessThan(2.2);
  expect(twiceEnv / small).toBeLessThan(2.0);
});

test('the bare pod of the corpus costs little', () => {
  const c = measure(tenantPod(TEAM_B));
  rows.push(`a bare pod: per policy ${JSON.stringify(c.total)}`);
  for (const total of Object.values(c.total)) expect(total).toBeLessThan(2_000);
});

test('a pathological pod past the per-expression limit is refused (failurePolicy Fail), never admitted', () => {
  // ~7 units per env var in the NVIDIA_VISIBLE_DEVICES scan: 160,000 of them exceed 1,000,000.
  const pod = changed(tenantPod(TEAM_B), (p) => { p.spec.containers[0].env = Array.from({ length: 160_000 }, (_, i) => ({ name: `V${i}` })); });
  const v = admit('vap', request('pods', 'CREATE', 'alice', { object: pod }));
  expect(v.allowed).toBe(false);
  expect(v.message).toMatch(/cost limit exceeded|running out of cost budget/);
  rows.push(`160,000 env vars in one container: refused with "${v.message}"`);
}, 60_000);
