/**
 * The Ray policy for a tenant whose bounds are below what KubeRay injects: a tiny tenant (max
 * 100m CPU, 128Mi memory) cannot run a worker group (wait-gcs-ready's fixed 200m/256Mi limits) nor
 * the autoscaler with KubeRay's default 500m/512Mi — at `kubectl apply`, as the engine says, not
 * when the pods are refused one by one.
 */
import { autoscalerOptions, rayCluster } from './ray-objects';
import { apiServerNamespace, changed, IDENTITIES, USERS } from './support';
import { rayWorkloadRuleSet, validatingAdmissionPolicy } from '../../../src/policy/cel';
import { checkDocument, documentFailed } from '../../../src/policy/engine';
import { TenantProfile } from '../../../src/tenant';
import { evaluateValidatingAdmissionPolicies } from '../../support/cel';

const TINY = new TenantProfile({ name: 'tiny', bounds: { minCpu: '10m', maxCpu: '100m', minMemory: '16Mi', maxMemory: '128Mi' } }).toDefinition();
const [policy, binding] = validatingAdmissionPolicy(rayWorkloadRuleSet(TINY, IDENTITIES), ['Deny']) as any[];

function verdicts(object: any) {
  const v = evaluateValidatingAdmissionPolicies([policy], [binding], {
    operation: 'CREATE',
    kind: { group: 'ray.io', version: 'v1', kind: 'RayCluster' },
    resource: { group: 'ray.io', version: 'v1', resource: 'rayclusters' },
    namespace: 'tiny',
    name: object.metadata.name,
    object,
    userInfo: { ...USERS.alice, groups: [...USERS.alice.groups] },
  }, { namespaces: [apiServerNamespace('tiny')] });
  expect(v.errors).toEqual([]);
  return { admission: v.allowed ? 'admit' : 'refuse', engine: documentFailed(checkDocument(object, { tenants: [TINY] })) ? 'refuse' : 'admit', message: v.message ?? '' };
}

test('a head-only cluster fits', () => {
  expect(verdicts(changed(rayCluster(TINY), (x) => { delete x.spec.workerGroupSpecs; }))).toMatchObject({ admission: 'admit', engine: 'admit' });
});

test('a worker group does not: wait-gcs-ready\'s fixed limits are above the tenant\'s maximum', () => {
  const v = verdicts(rayCluster(TINY));
  expect(v).toMatchObject({ admission: 'refuse', engine: 'refuse' });
  expect(v.message).toMatch(/CPU request >= 10m and a limit <= 100m.*these do not: workers: wait-gcs-ready$/);
});

test('nor the autoscaler with KubeRay\'s default resources; with its own within the bounds it does', () => {
  const auto = changed(rayCluster(TINY), (x) => {
    delete x.spec.workerGroupSpecs;
    x.spec.enableInTreeAutoscaling = true;
    x.spec.autoscalerOptions = autoscalerOptions();
  });
  expect(verdicts(auto)).toMatchObject({ admission: 'refuse', engine: 'refuse', message: expect.stringMatching(/headgroup: autoscaler/) });
  const small = changed(auto, (x) => {
    x.spec.autoscalerOptions.resources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } };
  });
  expect(verdicts(small)).toMatchObject({ admission: 'admit', engine: 'admit' });
});
