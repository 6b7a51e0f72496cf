import { Duration, Testing } from 'cdk8s';
import * as lib from '../src';
import { findObject, Manifest, newChart } from './support/manifests';

/**
 * An app may resolve two copies of this library (an app and a shared platform package each
 * bringing one) or of cdk8s. Type checks then must not use `instanceof`: a TenantProfile, RayVolume,
 * NetworkPeer, RayPort or cdk8s Duration made by one copy works with the constructs of the other.
 */
let other: typeof lib;
let otherCdk8s: typeof import('cdk8s');
jest.isolateModules(() => {
  // A second module registry: fresh copies of src/ and of cdk8s.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  other = require('../src');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  otherCdk8s = require('cdk8s');
});

const bounds = { minCpu: '250m', maxCpu: '4', minMemory: '256Mi', maxMemory: '8Gi' };

describe('two copies of the library (and of cdk8s) in one app', () => {
  test('the copies are distinct module instances (the test would prove nothing otherwise)', () => {
    expect(other.TenantProfile).not.toBe(lib.TenantProfile);
    expect(otherCdk8s.Duration).not.toBe(Duration);
    expect(new other.TenantProfile({ name: 'x', bounds }) instanceof lib.TenantProfile).toBe(false);
  });

  test('a TenantProfile, RayVolume, NetworkPeer, RayPort and Duration of the other copy are accepted', () => {
    const { chart } = newChart();
    const tenant = new other.TenantProfile({ name: 'team-a', bounds });
    const cluster = new lib.SecureTenantRayCluster(chart, 'c', {
      tenant,
      name: 'c',
      head: { volumes: [other.RayVolume.emptyDir('scratch')], volumeMounts: [{ volume: 'scratch', mountPath: '/scratch' }] },
      autoscaling: { idleTimeout: otherCdk8s.Duration.minutes(2) },
      network: { apiServer: { cidr: '10.0.0.1/32' } },
    });
    cluster.connections.allowFrom(other.NetworkPeer.namespace('monitoring'), other.RayPort.METRICS);
    const manifests = Testing.synth(chart) as Manifest[];
    const rc = findObject(manifests, 'RayCluster', 'c');
    expect(rc.spec.autoscalerOptions.idleTimeoutSeconds).toBe(120);
    expect(rc.spec.headGroupSpec.template.spec.volumes).toContainEqual({ name: 'scratch', emptyDir: {} });
    const np = findObject(manifests, 'NetworkPolicy', 'c-isolation');
    expect(np.spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
  });

  test('the brand checks say yes to either copy and no to look-alikes', () => {
    const tenant = new other.TenantProfile({ name: 'a', bounds });
    expect(lib.TenantProfile.isTenantProfile(tenant)).toBe(true);
    expect(lib.TenantProfile.isTenantProfile({ ...tenant })).toBe(false);
    expect(lib.RayVolume.isRayVolume(other.RayVolume.emptyDir('v'))).toBe(true);
    expect(lib.NetworkPeer.isNetworkPeer(other.NetworkPeer.namespace('n'))).toBe(true);
    expect(lib.RayPort.isRayPort(other.RayPort.DASHBOARD)).toBe(true);
    expect(lib.RayPort.isRayPort({ port: 8265 })).toBe(false);
  });

  test('TenantNamespace takes the other copy\'s TenantProfile, and recognises the other copy\'s clusters', () => {
    const { chart } = newChart();
    const tenant = new other.TenantProfile({ name: 'team-a', bounds });
    new lib.TenantNamespace(chart, 'ns', { tenant, quota: { requestsCpu: '400m', limitsCpu: '400m', requestsMemory: '8Gi', limitsMemory: '8Gi' } });
    new lib.SecureTenantRayCluster(chart, 'c', { tenant, name: 'big' });
    expect(() => Testing.synth(chart)).toThrow(/budget: the worst case of tenant "team-a"/);
    // A construct tree mixing two copies of cdk8s does not synthesize (cdk8s's own Lazy is
    // instanceof-checked); the brand check itself holds across copies.
    const { chart: otherChart } = (() => {
      const app = otherCdk8s.Testing.app();
      return { chart: new otherCdk8s.Chart(app, 'o') };
    })();
    const foreign = new other.SecureTenantRayCluster(otherChart, 'c', { tenant, name: 'c' });
    expect(lib.SecureTenantRayCluster.isSecureTenantRayCluster(foreign)).toBe(true);
    expect(foreign instanceof lib.SecureTenantRayCluster).toBe(false);
  });
});
