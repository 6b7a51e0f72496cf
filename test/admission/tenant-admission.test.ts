import { Chart, Testing } from 'cdk8s';
import { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import {
  AdmissionAction, AdmissionEngine, TenantAdmission, tenantAdmissionManifests, TenantAdmissionProps, tenantAdmissionPolicyManifest,
} from '../../src/admission';
import { SYNC_WAVE_ANNOTATION, SyncWaves } from '../../src/gitops';
import { TENANTS } from '../../src/main';
import { TenantProfile } from '../../src/tenant';
import { PropsError } from '../../src/validation';
import { evaluateValidatingAdmissionPolicies } from '../support/cel';
import { loadCrdValidator } from '../support/crd-schema';
import { errorOf, sharedPath } from '../support/manifests';

const tenants = [TENANTS.teamA, TENANTS.teamB];
const names = (ms: any[]) => ms.map((m) => `${m.kind}/${m.metadata.name}`);
const synth = (props: TenantAdmissionProps, namespace?: string) => {
  const app = Testing.app();
  const chart = new Chart(app, 'platform', namespace ? { namespace } : {});
  new TenantAdmission(chart, 'admission', props);
  return Testing.synth(chart);
};

describe('TenantAdmission', () => {
  test('default: ValidatingAdmissionPolicies with their bindings, platform-wide then per tenant', () => {
    const out = synth({ tenants });
    expect(names(out)).toEqual([
      'ValidatingAdmissionPolicy/secure-ray-network-policies', 'ValidatingAdmissionPolicyBinding/secure-ray-network-policies',
      'ValidatingAdmissionPolicy/secure-ray-services', 'ValidatingAdmissionPolicyBinding/secure-ray-services',
      'ValidatingAdmissionPolicy/secure-ray-pods-team-a', 'ValidatingAdmissionPolicyBinding/secure-ray-pods-team-a',
      'ValidatingAdmissionPolicy/secure-ray-pod-labels-team-a', 'ValidatingAdmissionPolicyBinding/secure-ray-pod-labels-team-a',
      'ValidatingAdmissionPolicy/secure-ray-ray-team-a', 'ValidatingAdmissionPolicyBinding/secure-ray-ray-team-a',
      'ValidatingAdmissionPolicy/secure-ray-pods-team-b', 'ValidatingAdmissionPolicyBinding/secure-ray-pods-team-b',
      'ValidatingAdmissionPolicy/secure-ray-pod-labels-team-b', 'ValidatingAdmissionPolicyBinding/secure-ray-pod-labels-team-b',
      'ValidatingAdmissionPolicy/secure-ray-ray-team-b', 'ValidatingAdmissionPolicyBinding/secure-ray-ray-team-b',
    ]);
    for (const m of out) {
      expect(m.metadata.annotations[SYNC_WAVE_ANNOTATION]).toBe(String(SyncWaves.ADMISSION));
      if (m.kind === 'ValidatingAdmissionPolicy') expect(() => new ValidatingAdmissionPolicy(m).validate()).not.toThrow();
      else expect(() => new ValidatingAdmissionPolicyBinding(m).validate()).not.toThrow();
    }
    expect(out.filter((m) => m.kind === 'ValidatingAdmissionPolicyBinding').every((b) => b.spec.validationActions.join() === 'Deny')).toBe(true);
  });

  test('cluster-scoped: no metadata.namespace even in a chart with a namespace', () => {
    for (const m of synth({ tenants }, 'platform-ns')) expect(m.metadata.namespace).toBeUndefined();
  });

  test('the identities reach the expressions: the operator in the label policies, the platform in the NetworkPolicy policy', () => {
    const out = synth({
      tenants,
      kubeRayOperator: { namespace: 'ray-operator', name: 'kuberay' },
      platformIdentities: { serviceAccounts: [{ namespace: 'flux-system', name: 'kustomize-controller' }], users: ['admin@example.com'], groups: ['platform'] },
    });
    const text = (name: string) => JSON.stringify(out.find((m) => m.kind === 'ValidatingAdmissionPolicy' && m.metadata.name === name).spec);
    expect(text('secure-ray-pod-labels-team-a')).toContain("'system:serviceaccount:ray-operator:kuberay'");
    expect(text('secure-ray-ray-team-a')).toContain("request.userInfo.username in ['system:serviceaccount:ray-operator:kuberay', 'system:serviceaccount:flux-system:kustomize-controller', 'admin@example.com']");
    expect(text('secure-ray-ray-team-a')).toContain("g in ['platform']");
    expect(text('secure-ray-pod-labels-team-a')).not.toContain('kuberay-system');
    expect(text('secure-ray-network-policies')).toContain("request.userInfo.username in ['system:serviceaccount:flux-system:kustomize-controller', 'admin@example.com']");
    expect(text('secure-ray-network-policies')).toContain("g in ['platform']");
    expect(text('secure-ray-network-policies')).not.toContain('argocd');
    // the defaults
    const defaults = synth({ tenants });
    expect(JSON.stringify(defaults)).toContain("'system:serviceaccount:kuberay-system:kuberay-operator'");
    expect(JSON.stringify(defaults)).toContain("'system:serviceaccount:argocd:argocd-application-controller'");
  });

  test('tenants allowed exposure are left out of the Service policy; without any closed tenant there is none', () => {
    const open = new TenantProfile({ name: 'open', bounds: TENANTS.teamA.bounds, allowExposure: true });
    const services = (ts: TenantProfile[]) => tenantAdmissionManifests({ tenants: ts }).filter((m) => m.kind === 'ValidatingAdmissionPolicy' && m.metadata.name === 'secure-ray-services');
    expect(services([TENANTS.teamA, open])[0].spec.matchConstraints.namespaceSelector.matchExpressions[0].values).toEqual(['team-a']);
    expect(services([open])).toEqual([]);
  });

  test('KYVERNO_VALIDATING_POLICY: the same rules as Kyverno ValidatingPolicies, valid against the Kyverno CRD', () => {
    const out = synth({ tenants, engine: AdmissionEngine.KYVERNO_VALIDATING_POLICY, validationActions: [AdmissionAction.AUDIT] });
    expect(names(out)).toEqual([
      'ValidatingPolicy/secure-ray-network-policies', 'ValidatingPolicy/secure-ray-services',
      'ValidatingPolicy/secure-ray-pods-team-a', 'ValidatingPolicy/secure-ray-pod-labels-team-a', 'ValidatingPolicy/secure-ray-ray-team-a',
      'ValidatingPolicy/secure-ray-pods-team-b', 'ValidatingPolicy/secure-ray-pod-labels-team-b', 'ValidatingPolicy/secure-ray-ray-team-b',
    ]);
    const vap = synth({ tenants }).filter((m) => m.kind === 'ValidatingAdmissionPolicy');
    for (const [i, k] of out.entries()) {
      expect(k.spec.validationActions).toEqual(['Audit']);
      expect(k.spec.validations).toEqual(vap[i].spec.validations);
    }
    const crd = sharedPath('kyverno', 'crd-cel', 'policies.kyverno.io_validatingpolicies.yaml');
    if (crd) {
      const v = loadCrdValidator(crd, { version: 'v1' })!;
      for (const k of out) expect(v.validate(k)).toEqual([]);
    }
  });

  test('KYVERNO_CLUSTER_POLICY (legacy, Kyverno < 1.17): the ClusterPolicy of TenantAdmissionPolicy, with the sync wave', () => {
    const out = synth({ tenants, engine: AdmissionEngine.KYVERNO_CLUSTER_POLICY, clusterPolicy: { name: 'legacy' } });
    const expected = tenantAdmissionPolicyManifest({ tenants, name: 'legacy' });
    expected.metadata.annotations[SYNC_WAVE_ANNOTATION] = String(SyncWaves.ADMISSION);
    expect(out).toEqual([expected]);
  });

  test('networkPolicyGeneration: the Kyverno GeneratingPolicy after the policies (either CEL engine); Kyverno\'s background controller may write NetworkPolicies', () => {
    for (const engine of [AdmissionEngine.VALIDATING_ADMISSION_POLICY, AdmissionEngine.KYVERNO_VALIDATING_POLICY]) {
      const out = synth({ tenants, engine, networkPolicyGeneration: { apiServer: { cidr: '172.18.0.2/32' } } });
      const last = out[out.length - 1];
      expect([last.kind, last.metadata.name, last.metadata.namespace]).toEqual(['GeneratingPolicy', 'secure-ray-raycluster-network-policies', undefined]);
      expect(last.metadata.annotations[SYNC_WAVE_ANNOTATION]).toBe(String(SyncWaves.ADMISSION));
      expect(JSON.stringify(last.spec.variables)).toContain("'cidr': dyn('172.18.0.2/32')");
      const guard = out.find((m) => m.metadata.name === 'secure-ray-network-policies');
      expect(JSON.stringify(guard.spec)).toContain("'system:serviceaccount:kyverno:kyverno-background-controller'");
      // a NetworkPolicy writer only: not trusted with the library's labels on Ray objects
      expect(JSON.stringify(out.find((m) => m.metadata.name === 'secure-ray-ray-team-a').spec)).not.toContain('kyverno-background-controller');
      const crd = sharedPath('kyverno', 'crd-cel', 'policies.kyverno.io_generatingpolicies.yaml');
      if (crd) expect(loadCrdValidator(crd, { version: 'v1' })!.validate(last)).toEqual([]);
    }
    // Executed: the background controller may create a NetworkPolicy, not label a RayCluster as the library's.
    const vap = synth({ tenants, networkPolicyGeneration: {} });
    const admit = (resource: string, kind: string, group: string, object: any) => evaluateValidatingAdmissionPolicies(
      vap.filter((m) => m.kind === 'ValidatingAdmissionPolicy'), vap.filter((m) => m.kind === 'ValidatingAdmissionPolicyBinding'), {
        operation: 'CREATE',
        kind: { group, version: 'v1', kind },
        resource: { group, version: 'v1', resource },
        namespace: 'team-a',
        name: object.metadata.name,
        object,
        userInfo: { username: 'system:serviceaccount:kyverno:kyverno-background-controller', groups: ['system:serviceaccounts'] },
      }, { namespaces: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } } }] });
    const np = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'rc-isolation', namespace: 'team-a' }, spec: { podSelector: {} } };
    expect(admit('networkpolicies', 'NetworkPolicy', 'networking.k8s.io', np).allowed).toBe(true);
    const rc = { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: { name: 'rc', namespace: 'team-a', labels: { 'tenant': 'team-a', 'secure-ray.io/managed-by': 'cdk8s-secure-ray' } }, spec: {} };
    expect(admit('rayclusters', 'RayCluster', 'ray.io', rc).message).toMatch(/may not set, change or remove the labels secure-ray.io\/managed-by=cdk8s-secure-ray/);
    const own = synth({ tenants, networkPolicyGeneration: { kyvernoServiceAccount: { namespace: 'policy', name: 'generator' } } });
    expect(JSON.stringify(own.find((m) => m.metadata.name === 'secure-ray-network-policies').spec)).toContain("'system:serviceaccount:policy:generator'");
    expect(synth({ tenants }).some((m) => m.kind === 'GeneratingPolicy')).toBe(false);
  });

  test('Warn and Audit for a dry run; a syncWave of one\'s own', () => {
    const out = synth({ tenants, validationActions: [AdmissionAction.WARN, AdmissionAction.AUDIT], syncWave: -10 });
    expect(out.filter((m) => m.kind === 'ValidatingAdmissionPolicyBinding').map((b) => b.spec.validationActions)).toEqual(Array(8).fill(['Warn', 'Audit']));
    expect(out.every((m) => m.metadata.annotations[SYNC_WAVE_ANNOTATION] === '-10')).toBe(true);
  });

  test('bad props name the prop', () => {
    const bad = (props: any) => errorOf(() => tenantAdmissionManifests(props));
    expect(() => tenantAdmissionManifests({ tenants: [] })).toThrow(PropsError);
    expect(bad({ tenants: [] })).toMatch(/^TenantAdmission.tenants: expected a non-empty list/);
    expect(bad({ tenants: [{ name: 'x' }] })).toMatch(/^TenantAdmission.tenants\[0\]: expected a TenantProfile/);
    expect(bad({ tenants: [TENANTS.teamA, TENANTS.teamA] })).toMatch(/tenants\[1\]: tenant "team-a" is already used by tenants\[0\]/);
    const sameNs = new TenantProfile({ name: 'other', namespace: 'team-a', bounds: TENANTS.teamA.bounds });
    expect(bad({ tenants: [TENANTS.teamA, sameNs] })).toMatch(/tenants\[1\]: namespace "team-a" is already used by tenants\[0\]/);
    expect(bad({ tenants, engine: 'Gatekeeper' })).toMatch(/^TenantAdmission.engine: "Gatekeeper" is not one of/);
    expect(bad({ tenants, kubeRayOperator: { namespace: 'Kube Ray', name: 'x' } })).toMatch(/^TenantAdmission.kubeRayOperator.namespace: "Kube Ray" is not a namespace name/);
    expect(bad({ tenants, kubeRayOperator: 'kuberay-operator' })).toMatch(/^TenantAdmission.kubeRayOperator: expected \{ namespace, name \}/);
    expect(bad({ tenants, platformIdentities: {} })).toMatch(/^TenantAdmission.platformIdentities: name at least one/);
    expect(bad({ tenants, platformIdentities: { users: [' admin'] } })).toMatch(/users\[0\]: " admin" is not a username/);
    expect(bad({ tenants, validationActions: [] })).toMatch(/validationActions: expected a non-empty list/);
    expect(bad({ tenants, validationActions: ['Deny', 'Warn'] })).toMatch(/DENY and WARN may not be used together/);
    expect(bad({ tenants, validationActions: ['Enforce'] })).toMatch(/validationActions\[0\]: "Enforce" is not one of Deny, Warn, Audit/);
    expect(bad({ tenants, engine: AdmissionEngine.KYVERNO_CLUSTER_POLICY, validationActions: ['Deny'] })).toMatch(/clusterPolicy.failureAction instead/);
    expect(bad({ tenants, clusterPolicy: {} })).toMatch(/only used with AdmissionEngine.KYVERNO_CLUSTER_POLICY/);
    expect(bad({ tenants, syncWave: 1.5 })).toMatch(/syncWave: expected an integer/);
    expect(bad({ tenants, networkPolicyGeneration: 'yes' })).toMatch(/^TenantAdmission.networkPolicyGeneration: expected \{ dns\?, apiServer\?, kyvernoServiceAccount\? \}/);
    expect(bad({ tenants, networkPolicyGeneration: { apiServer: { cidr: '0.0.0.0/0' } } })).toMatch(/^TenantAdmission.networkPolicyGeneration.apiServer.cidr/);
    expect(bad({ tenants, networkPolicyGeneration: { kyvernoServiceAccount: { namespace: 'Kyverno', name: 'x' } } }))
      .toMatch(/^TenantAdmission.networkPolicyGeneration.kyvernoServiceAccount.namespace/);
    expect(bad({ tenants, engine: AdmissionEngine.KYVERNO_CLUSTER_POLICY, networkPolicyGeneration: {} })).toMatch(/generates the NetworkPolicies itself/);
  });
});
