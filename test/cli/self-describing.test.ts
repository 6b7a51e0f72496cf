import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import {
  NetworkPeer, PROTECTED_NODE_LABEL_KEY, RayPort, SecureTenantRayCluster, SecureTenantRayJob, SecureTenantRayService, TaintEffect,
  TenantAdmissionPolicy, TenantNamespace, TenantProfile,
} from '../../src';
import { main } from '../../src/cli/main';
import { checkDocument } from '../../src/policy/engine';

/**
 * The README's CI job — `secure-ray check dist/` without flags — passes on every valid app: the
 * construct stamps the tenant's placement (node label, taint) on the RayCluster beside its bounds,
 * and the engine reads them when it has no tenants file.
 */
interface Run { code: number; stdout: string; stderr: string }
async function cli(argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stdin: async () => '', env: {} });
  return { code, stdout, stderr };
}

const bounds = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };

/** A consumer's platform: custom node labels and taints, as a platform team would write it. */
function consumerApp(outdir: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const research = new TenantProfile({
    name: 'research',
    nodeLabelKey: 'pool',
    nodeLabelValue: 'research-pool',
    taint: { key: 'example.com/dedicated', value: 'research', effect: TaintEffect.NO_EXECUTE },
    bounds,
  });
  const ml = new TenantProfile({ name: 'ml', nodeLabelKey: PROTECTED_NODE_LABEL_KEY, taint: { key: 'dedicated' }, bounds });
  new TenantAdmissionPolicy(new Chart(app, 'platform'), 'admission', { tenants: [research, ml] });
  for (const tenant of [research, ml]) {
    const chart = new Chart(app, tenant.name);
    new TenantNamespace(chart, 'namespace', { tenant, quota: { requestsCpu: '32', limitsCpu: '32', requestsMemory: '64Gi', limitsMemory: '64Gi' } });
    const cluster = new SecureTenantRayCluster(chart, 'ray', { tenant, workerGroups: [{ groupName: 'w', replicas: 1, maxReplicas: 3 }] });
    cluster.connections.allowFrom(NetworkPeer.namespace('monitoring'), RayPort.METRICS);
  }
  // The RayJob and RayService constructs stamp the placement too.
  new SecureTenantRayJob(app.node.findChild('research') as Chart, 'job', { tenant: research, name: 'job', entrypoint: 'python -c "print(1)"' });
  new SecureTenantRayService(app.node.findChild('ml') as Chart, 'serve', {
    tenant: ml, name: 'serve', serveConfig: { applications: [{ name: 'a', route_prefix: '/', import_path: 'a:app' }] },
  });
  return app;
}

test('a synthesized app with a custom node label and taint passes `secure-ray check dist/` without flags (exit 0)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-consumer-'));
  try {
    consumerApp(dir).synth();
    expect(fs.readdirSync(dir).sort()).toEqual(['ml.k8s.yaml', 'platform.k8s.yaml', 'research.k8s.yaml']);
    const r = await cli(['check', dir]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/\d+ documents, 0 failed\n$/);
    expect(r.code).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('the engine reads the placement annotations without a tenants file; a definition wins over them', () => {
  type Taint = { key: string; value: string; effect?: string };
  function cluster(annotations: Record<string, string>, pin: { key: string; value: string }, taint: Taint): any {
    const template = {
      metadata: { labels: { tenant: 'research' } },
      spec: {
        nodeSelector: { [pin.key]: pin.value },
        tolerations: [{ operator: 'Equal', ...taint }],
        containers: [{ name: 'ray', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }],
      },
    };
    return {
      apiVersion: 'ray.io/v1',
      kind: 'RayCluster',
      metadata: { name: 'rc', namespace: 'research', labels: { tenant: 'research' }, annotations: { ...bounds, ...annotations } },
      spec: { headGroupSpec: { template } },
    };
  }
  const isolation = (doc: any, tenants?: any[]) => checkDocument(doc, tenants ? { tenants } : {}).rules['enforce-tenant-isolation'].violations
    .map((v) => `${v.path}: ${v.message}`);
  const placement = { nodeLabelKey: 'pool', nodeLabelValue: 'gpu', taintKey: 'dedicated', taintValue: 'research', taintEffect: 'NoExecute' };
  const pinned = { key: 'pool', value: 'gpu' };
  const tolerated = { key: 'dedicated', value: 'research', effect: 'NoExecute' };

  test('annotated placement: the pods pinned and tolerating as annotated pass', () => {
    expect(isolation(cluster(placement, pinned, tolerated))).toEqual([]);
  });
  test('without the annotations the defaults (tenant=research) are expected', () => {
    expect(isolation(cluster({}, pinned, tolerated))).toEqual([
      'spec.headGroupSpec.template.spec.nodeSelector: pods are not pinned to the tenant\'s nodes (no nodeSelector tenant: research)',
      'spec.headGroupSpec.template.spec.tolerations: pods do not tolerate the tenant\'s taint tenant=research',
    ]);
  });
  test('the annotated effect is held: a toleration for another effect does not count', () => {
    expect(isolation(cluster(placement, pinned, { ...tolerated, effect: 'NoSchedule' })))
      .toEqual(['spec.headGroupSpec.template.spec.tolerations: pods do not tolerate the tenant\'s taint dedicated=research:NoExecute']);
  });
  test('a tenant definition wins over the annotations', () => {
    const def = { name: 'research', bounds };
    expect(isolation(cluster(placement, pinned, tolerated), [def])).toEqual([
      'spec.headGroupSpec.template.spec.nodeSelector: pods are not pinned to the tenant\'s nodes (no nodeSelector tenant: research)',
      'spec.headGroupSpec.template.spec.tolerations: pods do not tolerate the tenant\'s taint tenant=research',
    ]);
  });
  test.each([
    ['nodeLabelKey', 'kubernetes.io/hostname', 'metadata.annotations.nodeLabelKey: the placement annotation nodeLabelKey every kubelet sets "kubernetes.io/hostname"'],
    ['nodeLabelKey', 'a b', 'metadata.annotations.nodeLabelKey: the placement annotation nodeLabelKey is not a label key'],
    ['nodeLabelValue', '', 'metadata.annotations.nodeLabelValue: the placement annotation nodeLabelValue is not a non-empty label value'],
    ['taintKey', 'node-role.kubernetes.io/control-plane', 'metadata.annotations.taintKey: the placement annotation taintKey the taint "node-role.kubernetes.io/control-plane"'],
    ['taintEffect', 'Sometimes', 'metadata.annotations.taintEffect: the placement annotation taintEffect is not one of NoSchedule, PreferNoSchedule, NoExecute'],
  ])('an unusable annotation %s=%j fails', (name, value, message) => {
    expect(isolation(cluster({ ...placement, [name]: value }, pinned, tolerated))).toContainEqual(expect.stringContaining(message));
  });
});
