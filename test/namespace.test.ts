import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { LimitRange, Namespace, ResourceQuota, ServiceAccount } from 'kubernetes-models/v1';
import { DEFAULT_POD_SECURITY_VERSION, MIN_POD_SECURITY_VERSION, TenantNamespace, TenantNamespaceProps } from '../src/namespace';
import { TenantProfile } from '../src/tenant';
import { PropsError } from '../src/validation';
import { errorOf, findObject, Manifest } from './support/manifests';

const bounds = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };
const teamA = new TenantProfile({ name: 'team-a', namespace: 'ml-team-a', bounds, defaultCpu: '1', defaultMemory: '2Gi' });
const quota = { requestsCpu: '32', requestsMemory: '128Gi', limitsCpu: '64', limitsMemory: '256Gi', pods: 50, extended: { 'nvidia.com/gpu': '4' } };

function synth(props: Partial<TenantNamespaceProps> = {}, chartNamespace?: string): Manifest[] {
  const app = Testing.app();
  const chart = new Chart(app, 'c', chartNamespace ? { namespace: chartNamespace } : {});
  new TenantNamespace(chart, 'ns', { tenant: teamA, ...props });
  return Testing.synth(chart);
}

/** kubernetes-models validates against the Kubernetes OpenAPI schema (types, formats, required fields). */
const MODELS: Record<string, (m: Manifest) => { validate(): void }> = {
  Namespace: (m) => new Namespace(m as any),
  ResourceQuota: (m) => new ResourceQuota(m as any),
  LimitRange: (m) => new LimitRange(m as any),
  NetworkPolicy: (m) => new NetworkPolicy(m as any),
  ServiceAccount: (m) => new ServiceAccount(m as any),
};

describe('TenantNamespace', () => {
  const all = synth({ quota });

  test('renders exactly the six objects', () => {
    expect(all.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'LimitRange/tenant-container-limits',
      'Namespace/ml-team-a',
      'NetworkPolicy/allow-dns-egress',
      'NetworkPolicy/default-deny',
      'ResourceQuota/tenant-quota',
      'ServiceAccount/ray',
    ]);
    for (const m of all.filter((x) => x.kind !== 'Namespace')) {
      expect([m.metadata.namespace, m.metadata.labels]).toEqual(['ml-team-a', { tenant: 'team-a' }]);
    }
  });

  test('Namespace: tenant label and pinned restricted Pod Security Admission labels', () => {
    const ns = findObject(all, 'Namespace', 'ml-team-a');
    expect(ns.metadata.labels).toEqual({
      'tenant': 'team-a',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.37',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.37',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.37',
    });
    expect(DEFAULT_POD_SECURITY_VERSION).toBe('v1.37');
    expect(ns.metadata.namespace).toBeUndefined();
  });

  test('the cluster-scoped Namespace has no namespace even when the chart has one; the others keep the tenant namespace', () => {
    const objs = synth({}, 'x');
    expect(findObject(objs, 'Namespace', 'ml-team-a').metadata).not.toHaveProperty('namespace');
    expect(findObject(objs, 'LimitRange', 'tenant-container-limits').metadata.namespace).toBe('ml-team-a');
    expect(findObject(objs, 'ServiceAccount', 'ray').metadata.namespace).toBe('ml-team-a');
  });

  test('pod security version is configurable from the floor to the newest, or latest', () => {
    for (const v of ['v1.30', MIN_POD_SECURITY_VERSION, 'v1.37', 'latest']) {
      const ns = findObject(synth({ podSecurityVersion: v }), 'Namespace', 'ml-team-a');
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce-version']).toBe(v);
    }
    expect(MIN_POD_SECURITY_VERSION).toBe('v1.23');
  });

  test('the TSDoc and the README name the derived floor', () => {
    const text = (f: string) => fs.readFileSync(path.join(__dirname, '..', f), 'utf8');
    expect(text('src/namespace.ts')).toContain(`accepts: \`${MIN_POD_SECURITY_VERSION}\`, derived`);
    expect(text('README.md')).toContain(`\`podSecurityVersion\` accepts \`${MIN_POD_SECURITY_VERSION}\` (\`MIN_POD_SECURITY_VERSION\`)`);
  });

  test('ResourceQuota: requests, limits, pods and extended resources as requests.<name>', () => {
    expect(findObject(all, 'ResourceQuota', 'tenant-quota').spec).toEqual({
      hard: {
        'requests.cpu': '32',
        'requests.memory': '128Gi',
        'limits.cpu': '64',
        'limits.memory': '256Gi',
        'pods': 50,
        'requests.nvidia.com/gpu': '4',
      },
    });
  });

  test('no quota, no ResourceQuota', () => {
    expect(synth().filter((m) => m.kind === 'ResourceQuota')).toEqual([]);
  });

  test('LimitRange: defaults, max, and min capped at what KubeRay injects (200m/256Mi)', () => {
    expect(findObject(all, 'LimitRange', 'tenant-container-limits').spec).toEqual({
      limits: [{
        type: 'Container',
        default: { cpu: '1', memory: '2Gi' },
        defaultRequest: { cpu: '1', memory: '2Gi' },
        max: { cpu: '4', memory: '8Gi' },
        // the tenant's 500m/512Mi minimum would reject wait-gcs-ready (200m/256Mi)
        min: { cpu: '200m', memory: '256Mi' },
      }],
    });
  });

  test('LimitRange min: the tenant min when it is below the cap (compared exactly); 50m/64Mi with alpha features', () => {
    const low = new TenantProfile({ name: 'low', bounds: { minCpu: '0.1', maxCpu: '2', minMemory: '0.25Gi', maxMemory: '4Gi' } });
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new TenantNamespace(chart, 'low', { tenant: low });
    new TenantNamespace(chart, 'alpha', { tenant: teamA, kubeRayAlphaFeatures: true });
    const objs = Testing.synth(chart);
    const mins = objs.filter((m) => m.kind === 'LimitRange').map((m) => [m.metadata.namespace, m.spec.limits[0].min]);
    expect(mins).toEqual([
      ['low', { cpu: '0.1', memory: '0.25Gi' }], // 0.25Gi == 256Mi: either is fine, the tenant's is kept
      ['ml-team-a', { cpu: '50m', memory: '64Mi' }],
    ]);
  });

  test('default deny for every pod, both directions, no rules', () => {
    expect(findObject(all, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('DNS egress for every pod: kube-dns in kube-system, UDP and TCP 53; configurable', () => {
    expect(findObject(all, 'NetworkPolicy', 'allow-dns-egress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
    const custom = findObject(synth({ dns: { namespace: 'dns', podLabels: { app: 'coredns' }, port: 5353 } }), 'NetworkPolicy', 'allow-dns-egress');
    expect(custom.spec.egress[0]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }],
      ports: [{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }],
    });
  });

  test('ServiceAccount: no token automount; name configurable', () => {
    expect(findObject(all, 'ServiceAccount', 'ray').automountServiceAccountToken).toBe(false);
    expect(findObject(synth({ serviceAccountName: 'ray-workers' }), 'ServiceAccount', 'ray-workers').automountServiceAccountToken).toBe(false);
  });

  test('sync waves', () => {
    const objs = synth({ quota, syncWaves: { namespace: -5, objects: -4 } });
    expect(findObject(objs, 'Namespace', 'ml-team-a').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-5' });
    for (const m of objs.filter((x) => x.kind !== 'Namespace')) {
      expect(m.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-4' });
    }
    // defaults: the namespace, then its guardrails, before the RayClusters (wave 0)
    expect(findObject(all, 'Namespace', 'ml-team-a').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-3' });
    expect(findObject(all, 'LimitRange', 'tenant-container-limits').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-2' });
  });

  test('every object validates against the Kubernetes schema (kubernetes-models)', () => {
    const objs = [...synth({ quota, syncWaves: { objects: 1 } }, 'x'), ...all];
    for (const m of objs) {
      expect(MODELS[m.kind]).toBeDefined();
      expect(() => MODELS[m.kind](m).validate()).not.toThrow();
    }
  });

  test('the schema check can fail: a bad quantity or a missing LimitRange type is rejected', () => {
    const lr = findObject(all, 'LimitRange', 'tenant-container-limits');
    const badQuantity = { ...lr, spec: { limits: [{ ...lr.spec.limits[0], max: { cpu: '4 cores' } }] } };
    expect(() => MODELS.LimitRange(badQuantity).validate()).toThrow(/quantity/);
    const noType = { ...lr, spec: { limits: [{ max: { cpu: '4' } }] } };
    expect(() => MODELS.LimitRange(noType).validate()).toThrow(/type/);
  });

  const bad: [string, Partial<TenantNamespaceProps>, string][] = [
    ['quota quantity', { quota: { ...quota, requestsMemory: '2 Gi' } }, 'TenantNamespace(team-a).quota.requestsMemory: "2 Gi" is not a Kubernetes quantity'],
    ['quota missing a field', { quota: { ...quota, limitsCpu: undefined as any } }, 'TenantNamespace(team-a).quota.limitsCpu: expected a Kubernetes quantity'],
    ['quota requests above limits', { quota: { ...quota, requestsCpu: '65' } }, 'TenantNamespace(team-a).quota: requestsCpu 65 is greater than limitsCpu 64'],
    ['quota pods', { quota: { ...quota, pods: 1.5 } }, 'TenantNamespace(team-a).quota.pods: expected an integer >= 1, got number 1.5'],
    ['extended name', { quota: { ...quota, extended: { gpu: '1' } } }, 'TenantNamespace(team-a).quota.extended: "gpu" is not an extended resource name'],
    ['extended quantity', { quota: { ...quota, extended: { 'nvidia.com/gpu': 'four' } } }, 'TenantNamespace(team-a).quota.extended["nvidia.com/gpu"]: "four" is not a Kubernetes quantity'],
    ['extended fraction', { quota: { ...quota, extended: { 'nvidia.com/gpu': '1.5' } } }, 'is not a whole number'],
    ['pss version', { podSecurityVersion: '1.30' }, 'TenantNamespace(team-a).podSecurityVersion: "1.30" is not a Pod Security Standards version'],
    // Below the floor the restricted level does not check what the library relies on.
    ['pss version v1.0', { podSecurityVersion: 'v1.0' }, 'TenantNamespace(team-a).podSecurityVersion: "v1.0" is older than v1.23, the oldest version whose restricted level checks everything the library\'s restricted settings rely on (runAsUser starts at v1.23'],
    ['pss version v1.18', { podSecurityVersion: 'v1.18' }, '"v1.18" is older than v1.23'],
    ['pss version v1.22', { podSecurityVersion: 'v1.22' }, '"v1.22" is older than v1.23'],
    ['pss version: nonsense minor', { podSecurityVersion: 'v1.999999999999999999999' }, '"v1.999999999999999999999" is not a version this library implements'],
    ['pss version: newer than the library', { podSecurityVersion: 'v1.38' }, '"v1.38" is not a version this library implements; write \'v1.23\' to \'v1.37\', or \'latest\''],
    ['pss version: leading zero', { podSecurityVersion: 'v1.030' }, '"v1.030" is not a Pod Security Standards version'],
    ['pss version: a number', { podSecurityVersion: 1.3 as any }, 'podSecurityVersion: expected a Pod Security Standards version'],
    ['service account', { serviceAccountName: 'Ray' }, 'TenantNamespace(team-a).serviceAccountName: "Ray" is not a DNS-1123 subdomain'],
    ['dns port', { dns: { port: 0 } }, 'TenantNamespace(team-a).dns.port: expected a port number'],
    ['dns namespace', { dns: { namespace: 'Kube_System' } }, 'TenantNamespace(team-a).dns.namespace'],
    ['sync wave', { syncWaves: { objects: 0.5 } }, 'TenantNamespace(team-a).syncWaves.objects: expected an integer'],
  ];
  test.each(bad)('PropsError: %s', (_, props, message) => {
    const make = () => synth(props);
    expect(errorOf(make)).toContain(message);
    expect(make).toThrow(PropsError);
  });

  test('PropsError: no tenant', () => {
    const chart = new Chart(new App(), 'c');
    expect(() => new TenantNamespace(chart, 'ns', {} as any)).toThrow(PropsError);
  });

  test('snapshot', () => {
    expect(synth({ quota })).toMatchSnapshot();
  });
});
