import { Chart, Testing } from 'cdk8s';
import { SecureTenantRayCluster, SecureTenantRayJob, SecureTenantRayService, TenantProfile } from '../src';
import { workloadNameCollisions } from '../src/app-workloads';
import { errorOf } from './support/manifests';

const tenant = new TenantProfile({ name: 'team-a', bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' } });
const other = new TenantProfile({ name: 'team-b', nodeLabelValue: 'team-b', bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' } });
const SERVE = { applications: [] };

describe('workload names: one name per namespace across RayCluster, RayJob and RayService', () => {
  test('a RayCluster and a RayJob of one name in one namespace fail synthesis, naming both (their policies would be one object)', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new SecureTenantRayCluster(chart, 'cluster', { tenant, name: 'etl' });
    new SecureTenantRayJob(chart, 'job', { tenant, name: 'etl', entrypoint: 'python x.py' });
    const err = errorOf(() => app.synth());
    expect(err).toContain('workload names: RayCluster at c/cluster and RayJob at c/job are all named "team-a/etl"');
    expect(err).toContain('etl-isolation');
  });

  test('a RayService and a RayJob of one name across two charts fail too', () => {
    const app = Testing.app();
    new SecureTenantRayService(new Chart(app, 'a'), 'svc', { tenant, name: 'model', serveConfig: SERVE });
    new SecureTenantRayJob(new Chart(app, 'b'), 'job', { tenant, name: 'model', entrypoint: 'python x.py' });
    expect(errorOf(() => app.synth())).toContain('RayService at a/svc and RayJob at b/job are all named "team-a/model"');
  });

  test('one name in two namespaces, and distinct names in one, synthesize', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new SecureTenantRayCluster(chart, 'a', { tenant, name: 'etl' });
    new SecureTenantRayCluster(chart, 'b', { tenant: other, name: 'etl' });
    new SecureTenantRayJob(chart, 'j', { tenant, name: 'etl-job', entrypoint: 'python x.py' });
    expect(Testing.synth(chart).filter((d) => d.kind === 'RayCluster')).toHaveLength(2);
  });

  test('the pure rule: one line per namespace/name with more than one workload', () => {
    expect(workloadNameCollisions([
      { kind: 'RayCluster', namespace: 'n', name: 'x', path: 'p1' },
      { kind: 'RayCluster', namespace: 'n', name: 'x', path: 'p2' },
      { kind: 'RayJob', namespace: 'm', name: 'x', path: 'p3' },
    ])).toEqual([expect.stringContaining('RayCluster at p1 and RayCluster at p2 are all named "n/x"')]);
  });
});
