/**
 * Runtime cost of the Ray policy on worst-case Ray objects, measured with the harness (cel-go
 * units, approximately): a RayCluster of 20 worker groups x 10 containers x 50 env vars (with the
 * autoscaler, mTLS, tolerations and labels on every group), the same as a RayJob with a submitter,
 * and an UPDATE of it. Every expression stays far below the per-expression limit (1,000,000), the
 * evaluation far below the per-evaluation budget (10,000,000), and cost grows linearly with the
 * groups, the containers and the env vars. docs/ARCHITECTURE.md quotes these numbers.
 */
import { autoscalerOptions, rayCluster, rayContainer, rayJob, rayTemplate } from './ray-objects';
import { admit, changed, rayResource, request, TEAM_B } from './support';
import { rayPolicyName } from '../../../src/policy/cel';
import { AdmissionVerdict, PER_CALL_COST_LIMIT, RUNTIME_COST_BUDGET } from '../../support/cel';

const POLICY = `ValidatingAdmissionPolicy/${rayPolicyName(TEAM_B.name)}`;

/** A team-b pod template of `containers` containers (a fifth of them init containers) with `env` env vars each, 20 tolerations, 20 labels. */
function bigTemplate(name: string, containers: number, env: number): any {
  return changed(rayTemplate(TEAM_B, name), (t) => {
    const container = (n: string) => ({
      ...rayContainer(TEAM_B, n),
      env: Array.from({ length: env }, (_, i) => ({ name: `VAR_${i}`, value: 'x'.repeat(32) })),
      ports: [{ containerPort: 8000 + 1 }],
    });
    const init = Math.floor(containers / 5);
    t.spec.containers = Array.from({ length: containers - init }, (_, i) => container(`${name}-${i}`));
    t.spec.initContainers = Array.from({ length: init }, (_, i) => container(`${name}-init-${i}`));
    t.spec.tolerations.push(...Array.from({ length: 20 }, (_, i) => ({ key: `example.com/t${i}`, operator: 'Exists' })));
    t.spec.volumes = Array.from({ length: 10 }, (_, i) => ({ name: `v${i}`, emptyDir: {} }));
    Object.assign(t.metadata.labels, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`example.com/label-${i}`, 'v'])));
  });
}

/** A team-b RayCluster of `groups` worker groups of `containers` containers with `env` env vars, the autoscaler and mTLS. */
function bigCluster(groups: number, containers: number, env: number): any {
  return changed(rayCluster(TEAM_B, 'big'), (x) => {
    x.spec.enableInTreeAutoscaling = true;
    x.spec.autoscalerOptions = autoscalerOptions();
    x.spec.tlsOptions = { enabled: true };
    x.spec.headGroupSpec.template = bigTemplate('head', containers, env);
    x.spec.workerGroupSpecs = Array.from({ length: groups }, (_, i) => ({
      groupName: `g${i}`, replicas: 1, maxReplicas: 10, rayStartParams: {}, labels: { 'ray.io/market-type': 'spot' }, template: bigTemplate(`g${i}`, containers, env),
    }));
  });
}

function cost(v: AdmissionVerdict): { total: number; max: { cost: number; path: string } } {
  let total = 0;
  let max = { cost: 0, path: '' };
  for (const e of v.evaluations.filter((x) => x.policy === POLICY)) {
    total += e.cost;
    if (e.cost > max.cost) max = { cost: e.cost, path: e.path };
  }
  return { total, max };
}

function measure(object: any, oldObject?: any) {
  const v = admit('vap', request(rayResource(object.kind), oldObject ? 'UPDATE' : 'CREATE', 'alice', { object, ...(oldObject ? { oldObject } : {}) }));
  expect(v.errors).toEqual([]);
  expect(v.allowed).toBe(true);
  return cost(v);
}

const rows: string[] = [];
afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`Ray policy CEL cost (cel-go units; limits ${PER_CALL_COST_LIMIT} per expression, ${RUNTIME_COST_BUDGET} per evaluation):\n  ${rows.join('\n  ')}`);
});

test('a RayCluster of 20 worker groups x 10 containers x 50 env vars (autoscaler, mTLS, 21 tolerations and 21 labels per group): within the budgets', () => {
  const c = measure(bigCluster(20, 10, 50));
  rows.push(`RayCluster 20 groups x 10 containers x 50 env: ${c.total} per evaluation; largest expression ${c.max.cost} (${c.max.path})`);
  expect(c.total).toBeLessThan(RUNTIME_COST_BUDGET / 10);
  expect(c.max.cost).toBeLessThan(PER_CALL_COST_LIMIT / 5);
});

test('the same cluster in a RayJob with a submitter of 10 containers, and an UPDATE of its template', () => {
  const job = changed(rayJob(TEAM_B, 'big'), (x) => {
    x.spec.rayClusterSpec = bigCluster(20, 10, 50).spec;
    x.spec.submitterPodTemplate = bigTemplate('submitter', 10, 50);
  });
  const c = measure(job);
  rows.push(`RayJob (the same cluster, a submitter of 10 containers x 50 env): ${c.total}; largest expression ${c.max.cost} (${c.max.path})`);
  const updated = changed(job, (x) => { x.spec.rayClusterSpec.workerGroupSpecs[19].template.spec.containers[0].image = 'rayproject/ray:2.53.0'; });
  const u = measure(updated, job);
  rows.push(`its UPDATE (old and new object read): ${u.total}; largest expression ${u.max.cost} (${u.max.path})`);
  for (const x of [c, u]) {
    expect(x.total).toBeLessThan(RUNTIME_COST_BUDGET / 10);
    expect(x.max.cost).toBeLessThan(PER_CALL_COST_LIMIT / 5);
  }
});

test('cost grows linearly with the groups, the containers and the env vars', () => {
  const base = measure(bigCluster(10, 10, 25)).total;
  const groups = measure(bigCluster(20, 10, 25)).total;
  const containers = measure(bigCluster(10, 20, 25)).total;
  const env = measure(bigCluster(10, 10, 50)).total;
  rows.push(`linearity: 10 groups x 10 containers x 25 env ${base}; 20 groups ${groups} (x${(groups / base).toFixed(2)}); `
    + `20 containers ${containers} (x${(containers / base).toFixed(2)}); 50 env ${env} (x${(env / base).toFixed(2)})`);
  for (const r of [groups / base, containers / base]) {
    expect(r).toBeGreaterThan(1.6);
    expect(r).toBeLessThan(2.2);
  }
  expect(env / base).toBeLessThan(2.0);
});

test('the compliant RayCluster of the corpus costs little', () => {
  const c = measure(rayCluster(TEAM_B));
  rows.push(`the corpus's RayCluster: ${c.total}; largest expression ${c.max.cost} (${c.max.path})`);
  expect(c.total).toBeLessThan(30_000);
});
