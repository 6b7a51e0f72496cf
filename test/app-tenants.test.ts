import { App, Chart, Testing } from 'cdk8s';
import {
  PropsError, SecureRayValidation, SecureTenantRayCluster, SecureTenantRayJob, SecureTenantRayService, TenantAdmission, TenantAdmissionPolicy,
  TenantNamespace, TenantProfile,
} from '../src';
import { errorOf, newChart } from './support/manifests';

/**
 * Tenants that collide, wherever more than one is known: an app's constructs (one app-level
 * validation), the admission policy's tenant list (a PropsError), the CLI's tenants file (exit 2,
 * test/cli). The rules themselves are tested in test/policy/tenant-set.test.ts.
 */
const bounds = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };
const quota = { requestsCpu: '64', requestsMemory: '128Gi', limitsCpu: '64', limitsMemory: '128Gi' };

describe('an app\'s TenantNamespaces and clusters are judged together', () => {
  test('two tenants in one namespace: synthesis fails naming both and where they are used', () => {
    const app = Testing.app();
    const a = new TenantProfile({ name: 'team-a', namespace: 'shared', bounds });
    const b = new TenantProfile({ name: 'team-b', namespace: 'shared', bounds: { ...bounds, maxCpu: '64' } });
    new TenantNamespace(new Chart(app, 'a'), 'ns', { tenant: a, quota });
    new TenantNamespace(new Chart(app, 'b'), 'ns', { tenant: b, quota });
    const msg = errorOf(() => app.synth());
    expect(msg).toContain('[] tenants: tenants "team-a" and "team-b" share the namespace "shared"');
    expect(msg).toContain('("team-a" at a/ns; "team-b" at b/ns). Fix: give each tenant a namespace of its own.');
  });

  test('the passing twin: two tenants, two namespaces', () => {
    const app = Testing.app();
    new TenantNamespace(new Chart(app, 'a'), 'ns', { tenant: new TenantProfile({ name: 'team-a', bounds }), quota });
    new TenantNamespace(new Chart(app, 'b'), 'ns', { tenant: new TenantProfile({ name: 'team-b', bounds }), quota });
    expect(app.synthYaml()).toContain('name: team-b');
  });

  test('clusters alone: two tenants on one node label', () => {
    const { chart } = newChart();
    const a = new TenantProfile({ name: 'team-a', nodeLabelKey: 'pool', nodeLabelValue: 'shared', bounds });
    const b = new TenantProfile({ name: 'team-b', nodeLabelKey: 'pool', nodeLabelValue: 'shared', bounds });
    new SecureTenantRayCluster(chart, 'a', { tenant: a });
    new SecureTenantRayCluster(chart, 'b', { tenant: b });
    expect(errorOf(() => Testing.synth(chart))).toContain('tenants "team-a" and "team-b" mark their nodes with the same label pool=shared');
  });

  test('two tenants on one taint', () => {
    const { chart } = newChart();
    new SecureTenantRayCluster(chart, 'a', { tenant: new TenantProfile({ name: 'team-a', taint: { value: 'gpu' }, bounds }) });
    new SecureTenantRayCluster(chart, 'b', { tenant: new TenantProfile({ name: 'team-b', taint: { value: 'gpu' }, bounds }) });
    expect(errorOf(() => Testing.synth(chart))).toContain('reserve their nodes with the same taint tenant=gpu');
  });

  test('two TenantProfile objects with one name and different definitions', () => {
    const { chart } = newChart();
    new TenantNamespace(chart, 'ns', { tenant: new TenantProfile({ name: 'team-a', bounds }), quota });
    new SecureTenantRayCluster(chart, 'ray', { tenant: new TenantProfile({ name: 'team-a', bounds: { ...bounds, maxCpu: '64' } }) });
    expect(errorOf(() => Testing.synth(chart))).toContain('tenants: tenant "team-a" is defined twice, differently (bounds');
  });

  test('two equal TenantProfile objects are one tenant', () => {
    const { chart } = newChart();
    new TenantNamespace(chart, 'ns', { tenant: new TenantProfile({ name: 'team-a', bounds }), quota });
    new SecureTenantRayCluster(chart, 'ray', { tenant: new TenantProfile({ name: 'team-a', bounds }) });
    expect(Testing.synth(chart).map((m) => m.kind)).toContain('RayCluster');
  });

  test('the admission policy\'s tenants count too: a different team-a there and in a cluster', () => {
    const app = new App();
    new TenantAdmissionPolicy(new Chart(app, 'platform'), 'admission', { tenants: [new TenantProfile({ name: 'team-a', namespace: 'ns-1', bounds })] });
    const chart = new Chart(app, 'team-a');
    new SecureTenantRayCluster(chart, 'ray', { tenant: new TenantProfile({ name: 'team-a', namespace: 'ns-2', bounds }) });
    expect(errorOf(() => Testing.synth(chart))).toContain('tenant "team-a" is defined twice, differently (namespace "ns-1" and "ns-2")');
  });
});

describe('the admission policy\'s tenant list', () => {
  test('two tenants in one namespace: a PropsError at construction naming both', () => {
    const tenants = [new TenantProfile({ name: 'team-a', namespace: 'shared', bounds }), new TenantProfile({ name: 'team-b', namespace: 'shared', bounds })];
    const make = () => new TenantAdmissionPolicy(newChart().chart, 'admission', { tenants });
    expect(make).toThrow(PropsError);
    expect(errorOf(make)).toContain('TenantAdmissionPolicy.tenants: tenants "team-a" and "team-b" share the namespace "shared"');
  });
  test('the same node label', () => {
    const { chart } = newChart();
    const tenants = [new TenantProfile({ name: 'team-a', bounds }), new TenantProfile({ name: 'team-b', nodeLabelValue: 'team-a', bounds })];
    expect(errorOf(() => new TenantAdmissionPolicy(chart, 'admission', { tenants }))).toContain('mark their nodes with the same label tenant=team-a');
  });
});

describe('the CEL admission\'s tenant list, and the validation plugin\'s tenants', () => {
  test('TenantAdmission: two tenants on one taint is a PropsError naming both', () => {
    const tenants = [new TenantProfile({ name: 'team-a', taint: { value: 'gpu' }, bounds }), new TenantProfile({ name: 'team-b', taint: { value: 'gpu' }, bounds })];
    const make = () => new TenantAdmission(newChart().chart, 'admission', { tenants });
    expect(make).toThrow(PropsError);
    expect(errorOf(make)).toContain('TenantAdmission.tenants: tenants "team-a" and "team-b" reserve their nodes with the same taint tenant=gpu');
  });
  test('TenantAdmission\'s tenants join the app-level check', () => {
    const app = new App();
    new TenantAdmission(new Chart(app, 'platform'), 'admission', { tenants: [new TenantProfile({ name: 'team-a', bounds })] });
    const chart = new Chart(app, 'team-a');
    new TenantNamespace(chart, 'ns', { tenant: new TenantProfile({ name: 'team-a', nodeLabelValue: 'pool-2', bounds }) });
    expect(errorOf(() => Testing.synth(chart))).toContain('tenant "team-a" is defined twice, differently (nodeLabelValue "team-a" and "pool-2")');
  });
  test('SecureRayValidation: tenants that share a namespace are a bad property', () => {
    const tenants = [{ name: 'team-a', namespace: 'shared', bounds }, { name: 'team-b', namespace: 'shared', bounds }];
    expect(() => new SecureRayValidation({ tenants })).toThrow('SecureRayValidation: property "tenants": tenants "team-a" and "team-b" share the namespace "shared"');
  });
});

describe('DNS egress may not point into a tenant\'s namespace', () => {
  const teamA = new TenantProfile({ name: 'team-a', bounds });
  const teamB = new TenantProfile({ name: 'team-b', bounds });
  const intoTeamB = { namespace: 'team-b', podLabels: { app: 'web' }, port: 443 };

  test('TenantNamespace: a "DNS" rule to team-b\'s pods on 443 fails when team-b is known in the app', () => {
    const { chart } = newChart();
    new TenantNamespace(chart, 'a', { tenant: teamA, dns: intoTeamB });
    new TenantNamespace(chart, 'b', { tenant: teamB });
    expect(errorOf(() => Testing.synth(chart))).toContain('tenants: test/a (dns) points DNS egress at namespace "team-b", tenant "team-b"\'s namespace: '
      + 'every pod with the rule could reach that tenant\'s pods labelled app=web on port 443');
  });

  test('TenantNamespace: DNS in the tenant\'s own namespace', () => {
    const { chart } = newChart();
    new TenantNamespace(chart, 'a', { tenant: teamA, dns: { namespace: 'team-a' } });
    expect(errorOf(() => Testing.synth(chart))).toContain('points DNS egress at namespace "team-a", tenant "team-a"\'s namespace');
  });

  test('SecureTenantRayCluster: network.dns into another tenant\'s namespace', () => {
    const { chart } = newChart();
    new SecureTenantRayCluster(chart, 'ray', { tenant: teamA, network: { dns: intoTeamB } });
    new TenantNamespace(chart, 'b', { tenant: teamB });
    expect(errorOf(() => Testing.synth(chart))).toContain('test/ray (network.dns) points DNS egress at namespace "team-b"');
  });

  test('TenantAdmissionPolicy: dns into a listed tenant\'s namespace is a PropsError', () => {
    const make = () => new TenantAdmissionPolicy(newChart().chart, 'admission', { tenants: [teamA, teamB], dns: intoTeamB });
    expect(make).toThrow(PropsError);
    expect(errorOf(make)).toContain('TenantAdmissionPolicy.tenants: TenantAdmissionPolicy.dns points DNS egress at namespace "team-b"');
  });

  test('the passing twin: a DNS namespace of its own (node-local DNS) on another port', () => {
    const { chart } = newChart();
    new TenantNamespace(chart, 'a', { tenant: teamA, dns: { namespace: 'node-local-dns', podLabels: { 'k8s-app': 'node-local-dns' }, port: 5353 } });
    new TenantNamespace(chart, 'b', { tenant: teamB });
    expect(Testing.synth(chart).filter((m) => m.metadata.name === 'allow-dns-egress')).toHaveLength(2);
  });
});

describe('the KubeRay operator may not be placed in a tenant\'s namespace', () => {
  const teamA = new TenantProfile({ name: 'team-a', bounds });
  const teamB = new TenantProfile({ name: 'team-b', bounds });
  const inTeamB = { namespace: 'team-b', podLabels: { app: 'anything' } };

  test('SecureTenantRayJob: network.operator in team-b\'s namespace would let team-b\'s pods into team-a\'s dashboard', () => {
    const { chart } = newChart();
    new SecureTenantRayJob(chart, 'job', { tenant: teamA, name: 'job', entrypoint: 'python x.py', network: { operator: inTeamB } });
    new TenantNamespace(chart, 'b', { tenant: teamB });
    expect(errorOf(() => Testing.synth(chart))).toContain('tenants: test/job (network.operator) lets the KubeRay operator in from namespace "team-b", '
      + 'tenant "team-b"\'s namespace: that tenant\'s pods labelled app=anything could reach the dashboards (8265)');
  });

  test('SecureTenantRayService: in its own tenant\'s namespace too', () => {
    const { chart } = newChart();
    new SecureTenantRayService(chart, 'svc', { tenant: teamA, name: 'svc', serveConfig: {}, network: { operator: { namespace: 'team-a' } } });
    expect(errorOf(() => Testing.synth(chart))).toContain('test/svc (network.operator) lets the KubeRay operator in from namespace "team-a"');
  });

  test('the passing twin: the operator in a namespace of its own', () => {
    const { chart } = newChart();
    new SecureTenantRayJob(chart, 'job', { tenant: teamA, name: 'job', entrypoint: 'python x.py', network: { operator: { namespace: 'ray-system' } } });
    new TenantNamespace(chart, 'b', { tenant: teamB });
    expect(Testing.synth(chart).filter((d) => d.kind === 'RayJob')).toHaveLength(1);
  });
});
