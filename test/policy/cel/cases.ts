/**
 * The admission corpus: requests as Kubernetes really makes them, with the verdict each must get
 * from the emitted policies (ValidatingAdmissionPolicies and Kyverno ValidatingPolicies alike).
 *
 * `denies` lists every policy that must deny, with a pattern one of its messages must match;
 * absent, the request must be admitted.
 */
import { rayGeneralCases, rayTenantCases } from './ray-cases';
import { changed, exampleRayPods, request, TEAM_A, TEAM_B, TEAM_C, tenantPod, withLimitRangeDefaults } from './support';
import { TENANTS } from '../../../src/main';
import { NETWORK_POLICY_POLICY_NAME, podLabelPolicyName, podPolicyName, SERVICE_POLICY_NAME } from '../../../src/policy/cel';
import { TenantDefinition } from '../../../src/policy/tenant-definition';
import { AdmissionRequestInput } from '../../support/cel';

/** One request and its verdict. */
export interface AdmissionCase {
  readonly name: string;
  readonly request: AdmissionRequestInput;
  readonly denies?: Readonly<Record<string, RegExp>>;
}

const PODS_A = podPolicyName('team-a');
const LABELS_A = podLabelPolicyName('team-a');
const ns = (d: TenantDefinition) => d.namespace ?? d.name;

// ---- pods: what runs ------------------------------------------------------------------------------

const a = tenantPod(TEAM_A);
const pin = (values: string[], key = 'tenant') => ({ matchExpressions: [{ key, operator: 'In', values }] });
const withAffinity = (...terms: any[]) => changed(a, (p) => {
  delete p.spec.nodeSelector;
  p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
});
const withResources = (resources: any) => changed(a, (p) => { p.spec.containers[0].resources = resources; });

/** A Job's pod as the Job controller creates it: generateName, the Job's labels, an owner reference. */
function jobPod(def: TenantDefinition, extraLabels: Record<string, string> = {}): any {
  return changed(tenantPod(def), (p) => {
    delete p.metadata.name;
    p.metadata.generateName = 'train-';
    p.metadata.labels = { 'batch.kubernetes.io/job-name': 'train', 'job-name': 'train', 'batch.kubernetes.io/controller-uid': 'f00', ...extraLabels };
    p.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'train', uid: 'f00', controller: true, blockOwnerDeletion: true }];
    p.spec.restartPolicy = 'Never';
  });
}

const rayPods = exampleRayPods();
const rayPod = (cluster: string, group: string) => rayPods.find((p) => p.cluster === cluster && p.group === group)!.pod;
const head = rayPod('cpu-autoscaling', 'headgroup');
const worker = rayPod('cpu-autoscaling', 'cpu');
const gpuWorker = rayPod('gpu-training', 'gpu');

export const POD_CASES: AdmissionCase[] = [
  { name: 'a bare pod, pinned, tolerating, within the bounds', request: request('pods', 'CREATE', 'alice', { object: a }) },
  { name: 'a pod in a namespace of no tenant, breaking every rule, is not judged', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.metadata.namespace = 'default'; p.spec = { containers: [{ name: 'x', image: 'x' }] }; }) }) },
  {
    name: 'a pod with no placement at all',
    request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { delete p.spec.nodeSelector; p.spec.tolerations = p.spec.tolerations.slice(1); }) }),
    denies: { [PODS_A]: /must run on tenant team-a's nodes only|must tolerate tenant team-a's taint tenant=team-a:NoSchedule/ },
  },
  { name: 'nodeSelector of another tenant', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.nodeSelector.tenant = 'team-b'; }) }), denies: { [PODS_A]: /must run on tenant team-a's nodes only/ } },
  {
    name: 'nodeSelector of another tenant, even with an affinity that would pin',
    request: request('pods', 'CREATE', 'alice', { object: changed(withAffinity(pin(['team-a'])), (p) => { p.spec.nodeSelector = { tenant: 'team-b' }; }) }),
    denies: { [PODS_A]: /must run on tenant team-a's nodes only/ },
  },
  { name: 'required node affinity with one pinning term', request: request('pods', 'CREATE', 'alice', { object: withAffinity(pin(['team-a'])) }) },
  {
    name: 'required node affinity, one term with an extra zone expression',
    request: request('pods', 'CREATE', 'alice', { object: withAffinity({ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z1'] }, ...pin(['team-a']).matchExpressions] }) }),
  },
  { name: 'affinity with two terms, one another tenant\'s (terms are ORed)', request: request('pods', 'CREATE', 'alice', { object: withAffinity(pin(['team-a']), pin(['team-b'])) }), denies: { [PODS_A]: /nodes only/ } },
  { name: 'affinity listing two tenants in one term', request: request('pods', 'CREATE', 'alice', { object: withAffinity(pin(['team-a', 'team-b'])) }), denies: { [PODS_A]: /nodes only/ } },
  { name: 'affinity with NotIn another tenant', request: request('pods', 'CREATE', 'alice', { object: withAffinity({ matchExpressions: [{ key: 'tenant', operator: 'NotIn', values: ['team-b'] }] }) }), denies: { [PODS_A]: /nodes only/ } },
  { name: 'affinity term with matchFields only', request: request('pods', 'CREATE', 'alice', { object: withAffinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }) }), denies: { [PODS_A]: /nodes only/ } },
  { name: 'affinity with an empty value list', request: request('pods', 'CREATE', 'alice', { object: withAffinity(pin([])) }), denies: { [PODS_A]: /nodes only/ } },
  { name: 'keyless Exists toleration (tolerates every taint)', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.tolerations.push({ operator: 'Exists' }); }) }), denies: { [PODS_A]: /may not tolerate with operator Exists/ } },
  { name: 'Exists on the tenant key', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.tolerations.push({ key: 'tenant', operator: 'Exists', effect: 'NoSchedule' }); }) }), denies: { [PODS_A]: /operator Exists/ } },
  { name: 'another tenant\'s taint value', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.tolerations.push({ key: 'tenant', operator: 'Equal', value: 'team-b' }); }) }), denies: { [PODS_A]: /another tenant's taint: tenant=team-b/ } },
  { name: 'another tenant\'s taint value, operator omitted (means Equal)', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.tolerations.push({ key: 'tenant', value: 'team-b', effect: 'NoSchedule' }); }) }), denies: { [PODS_A]: /tenant=team-b/ } },
  { name: 'the tenant\'s toleration, operator omitted', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { delete p.spec.tolerations[0].operator; }) }) },
  { name: 'the tenant\'s toleration without effect (matches every effect)', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { delete p.spec.tolerations[0].effect; }) }) },
  { name: 'the tenant\'s taint tolerated for another effect only', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.tolerations[0].effect = 'NoExecute'; }) }), denies: { [PODS_A]: /must tolerate tenant team-a's taint/ } },
  {
    name: 'requests without limits, as written (no LimitRange)',
    request: request('pods', 'CREATE', 'alice', { object: withResources({ requests: { cpu: '1', memory: '1Gi' } }) }),
    denies: { [PODS_A]: /CPU request >= 500m and a limit <= 4.*these do not: main|memory request >= 512Mi/ },
  },
  {
    name: 'requests without limits, after the namespace\'s LimitRange defaults them (LimitRanger runs before validation)',
    request: request('pods', 'CREATE', 'alice', { object: withLimitRangeDefaults(withResources({ requests: { cpu: '1', memory: '1Gi' } }), TENANTS.teamA) }),
  },
  {
    name: 'a request above the LimitRange default limit stays refused (request > limit)',
    request: request('pods', 'CREATE', 'alice', { object: withLimitRangeDefaults(withResources({ requests: { cpu: '2', memory: '1Gi' } }), TENANTS.teamA) }),
    denies: { [PODS_A]: /CPU request >= 500m and a limit <= 4, the request <= the limit; these do not: main/ },
  },
  { name: 'limits only, requests defaulted to the limits by the API server', request: request('pods', 'CREATE', 'alice', { object: withResources({ limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '2', memory: '4Gi' } }) }) },
  { name: '1.5Gi request with a 1536Mi limit (equal quantities)', request: request('pods', 'CREATE', 'alice', { object: withResources({ requests: { cpu: '500m', memory: '1.5Gi' }, limits: { cpu: '0.5', memory: '1536Mi' } }) }) },
  { name: 'memory limit 8192Mi is exactly maxMemory 8Gi', request: request('pods', 'CREATE', 'alice', { object: withResources({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '8192Mi' } }) }) },
  { name: 'memory limit 8193Mi is above maxMemory 8Gi', request: request('pods', 'CREATE', 'alice', { object: withResources({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '8193Mi' } }) }), denies: { [PODS_A]: /memory request >= 512Mi and a limit <= 8Gi.*: main/ } },
  { name: 'CPU request 499m is below minCpu 500m', request: request('pods', 'CREATE', 'alice', { object: withResources({ requests: { cpu: '499m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }) }), denies: { [PODS_A]: /CPU request >= 500m/ } },
  { name: 'integer quantities (as YAML numbers)', request: request('pods', 'CREATE', 'alice', { object: withResources({ requests: { cpu: 1, memory: 1073741824 }, limits: { cpu: 4, memory: 8589934592 } }) }) },
  { name: 'an integer CPU limit above the maximum', request: request('pods', 'CREATE', 'alice', { object: withResources({ requests: { cpu: 1, memory: '1Gi' }, limits: { cpu: 5, memory: '1Gi' } }) }), denies: { [PODS_A]: /a limit <= 4/ } },
  { name: 'a request greater than its limit', request: request('pods', 'CREATE', 'alice', { object: withResources({ requests: { cpu: '2', memory: '2Gi' }, limits: { cpu: '1', memory: '1Gi' } }) }), denies: { [PODS_A]: /request <= the limit/ } },
  {
    name: 'an init container without resources',
    request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.initContainers = [{ name: 'fetch', image: 'busybox' }]; }) }),
    denies: { [PODS_A]: /CPU request.*these do not: fetch$/ },
  },
  {
    name: 'a sidecar (restartable init container) above the maximum',
    request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.initContainers = [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '8', memory: '1Gi' } } }]; }) }),
    denies: { [PODS_A]: /these do not: proxy/ },
  },
  { name: 'hugepages and ephemeral-storage are not extended resources', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { Object.assign(p.spec.containers[0].resources.limits, { 'hugepages-2Mi': '64Mi', 'ephemeral-storage': '1Gi' }); }) }) },
  { name: 'a GPU for a tenant without GPUs', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.containers[0].resources.limits['nvidia.com/gpu'] = '1'; }) }), denies: { [PODS_A]: /extended resources only: none; these ask for more: main/ } },
  { name: 'a GPU by request only (no limit)', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.containers[0].resources.requests['nvidia.com/gpu'] = '1'; }) }), denies: { [PODS_A]: /extended resources only: none/ } },
  { name: 'zero GPUs are no GPUs', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.containers[0].resources.limits['nvidia.com/gpu'] = '0'; }) }) },
  { name: 'kubernetes.io/ resources are not extended', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.containers[0].resources.limits['kubernetes.io/batch-cpu'] = '1'; }) }) },
  { name: 'NVIDIA_VISIBLE_DEVICES=all without a GPU', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.containers[0].env = [{ name: 'HOME', value: '/tmp' }, { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }]; }) }), denies: { [PODS_A]: /NVIDIA_VISIBLE_DEVICES without a nvidia.com\/gpu request would show the node's GPUs to: main/ } },
  { name: 'the GPU taint tolerated by a pod without GPUs', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.tolerations.push({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }); }) }), denies: { [PODS_A]: /may not tolerate the GPU taint/ } },
  { name: 'a Job\'s pod, created by the Job controller', request: request('pods', 'CREATE', 'jobController', { object: jobPod(TEAM_A) }) },
  { name: 'a Job\'s pod without placement, created by the Job controller', request: request('pods', 'CREATE', 'jobController', { object: changed(jobPod(TEAM_A), (p) => { delete p.spec.nodeSelector; }) }), denies: { [PODS_A]: /nodes only/ } },
  { name: 'KubeRay\'s head pod with the autoscaler sidecar, created by the operator', request: request('pods', 'CREATE', 'operator', { object: head }) },
  { name: 'KubeRay\'s worker pod with wait-gcs-ready (200m, below team-a\'s 500m minimum), created by the operator', request: request('pods', 'CREATE', 'operator', { object: worker }) },
  { name: 'KubeRay\'s GPU worker pod of team-b (integer GPU limit), created by the operator', request: request('pods', 'CREATE', 'operator', { object: gpuWorker }) },
  {
    name: 'KubeRay\'s worker pod whose wait-gcs-ready limit exceeds the maximum',
    request: request('pods', 'CREATE', 'operator', { object: changed(worker, (p) => { p.spec.initContainers[0].resources.limits.cpu = '5'; }) }),
    denies: { [PODS_A]: /these do not: wait-gcs-ready/ },
  },
  {
    name: 'a tenant\'s own container named wait-gcs-ready, in a pod KubeRay did not build',
    request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.spec.initContainers = [{ name: 'wait-gcs-ready', image: 'x', resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '200m', memory: '256Mi' } } }]; }) }),
    denies: { [PODS_A]: /these do not: wait-gcs-ready/ },
  },
  {
    name: 'kubectl debug: an ephemeral container without resources (the API forbids them)',
    request: request('pods', 'UPDATE', 'alice', { subResource: 'ephemeralcontainers', oldObject: a, object: changed(a, (p) => { p.spec.ephemeralContainers = [{ name: 'debugger', image: 'busybox', targetContainerName: 'main' }]; }) }),
  },
  {
    name: 'kubectl debug with NVIDIA_VISIBLE_DEVICES',
    request: request('pods', 'UPDATE', 'alice', { subResource: 'ephemeralcontainers', oldObject: a, object: changed(a, (p) => { p.spec.ephemeralContainers = [{ name: 'debugger', image: 'cuda', env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }] }]; }) }),
    denies: { [PODS_A]: /would show the node's GPUs to: debugger/ },
  },
  {
    name: 'in-place resize above the maximum (pods/resize)',
    request: request('pods', 'UPDATE', 'alice', { subResource: 'resize', oldObject: a, object: changed(a, (p) => { p.spec.containers[0].resources.limits.cpu = '6'; }) }),
    denies: { [PODS_A]: /a limit <= 4/ },
  },
  {
    name: 'an UPDATE that adds another tenant\'s toleration',
    request: request('pods', 'UPDATE', 'alice', { oldObject: a, object: changed(a, (p) => { p.spec.tolerations.push({ key: 'tenant', operator: 'Equal', value: 'team-b', effect: 'NoSchedule' }); }) }),
    denies: { [PODS_A]: /tenant=team-b/ },
  },
  {
    name: 'a metadata-only UPDATE of a pod that predates tighter bounds (the garbage collector removing a finalizer)',
    request: request('pods', 'UPDATE', 'garbageCollector', {
      oldObject: changed(a, (p) => { p.metadata.finalizers = ['example.com/x']; p.spec.containers[0].resources.limits.cpu = '16'; }),
      object: changed(a, (p) => { p.spec.containers[0].resources.limits.cpu = '16'; }),
    }),
  },
  { name: 'deleting a pod is not judged', request: request('pods', 'DELETE', 'alice', { oldObject: changed(a, (p) => { p.spec.containers[0].resources.limits.cpu = '16'; }) }) },
  { name: 'team-a\'s pod in team-b\'s namespace', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.metadata.namespace = 'team-b'; delete p.metadata.labels.tenant; }) }), denies: { [podPolicyName('team-b')]: /nodes only/ } },
];

// ---- pod labels ---------------------------------------------------------------------------------

const spoofed = changed(a, (p) => { p.metadata.labels['ray.io/cluster'] = 'cpu-autoscaling'; });
const job = (labels: Record<string, string>) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'submit', namespace: 'team-a' },
  spec: { template: { metadata: { labels }, spec: tenantPod(TEAM_A).spec } },
});
const submitterLabels = { 'ray.io/originated-from-cr-name': 'job-1', 'ray.io/originated-from-crd': 'RayJob', 'app.kubernetes.io/created-by': 'kuberay-operator' };

export const LABEL_CASES: AdmissionCase[] = [
  { name: 'a tenant spoofing ray.io/cluster on a bare pod', request: request('pods', 'CREATE', 'alice', { object: spoofed }), denies: { [LABELS_A]: /alice@example.com may not set, change or remove the labels ray.io\/cluster: only the KubeRay operator and the workload controllers/ } },
  { name: 'a tenant\'s service account copying a whole KubeRay head pod', request: request('pods', 'CREATE', 'tenantSa', { object: head }), denies: { [LABELS_A]: /system:serviceaccount:team-a:deployer may not set.*ray.io\/cluster/ } },
  { name: 'the KubeRay operator setting ray.io/ labels', request: request('pods', 'CREATE', 'operator', { object: spoofed }) },
  { name: 'the RayJob submitter\'s pod, created by the Job controller from the Job KubeRay made', request: request('pods', 'CREATE', 'jobController', { object: jobPod(TEAM_A, submitterLabels) }) },
  { name: 'a tenant Job whose template claims to be a RayJob submitter', request: request('jobs', 'CREATE', 'alice', { object: job(submitterLabels) }), denies: { [LABELS_A]: /ray.io\/originated-from-cr-name, ray.io\/originated-from-crd|ray.io\/originated-from-crd, ray.io\/originated-from-cr-name/ } },
  { name: 'the KubeRay operator creating the submitter Job', request: request('jobs', 'CREATE', 'operator', { object: job(submitterLabels) }) },
  {
    name: 'a tenant CronJob with ray.io/ labels in its job template',
    request: request('cronjobs', 'CREATE', 'alice', {
      object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'team-a' }, spec: { schedule: '@daily', jobTemplate: { spec: job({ 'ray.io/cluster': 'x' }).spec } } },
    }),
    denies: { [LABELS_A]: /ray.io\/cluster/ },
  },
  {
    name: 'a tenant Deployment with ray.io/ labels in its template',
    request: request('deployments', 'CREATE', 'alice', { object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'team-a' }, spec: { template: job({ 'ray.io/node-type': 'head' }).spec.template } } }),
    denies: { [LABELS_A]: /ray.io\/node-type/ },
  },
  { name: 'a tenant Deployment with ordinary labels', request: request('deployments', 'CREATE', 'alice', { object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'team-a' }, spec: { template: job({ app: 'web', tenant: 'team-a' }).spec.template } } }) },
  { name: 'a ReplicaSet created by the Deployment controller copies its template', request: request('replicasets', 'CREATE', 'replicaSetController', { object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'd-1', namespace: 'team-a' }, spec: { template: job({ app: 'web' }).spec.template } } }) },
  { name: 'a tenant adding ray.io/cluster to a running pod', request: request('pods', 'UPDATE', 'alice', { oldObject: a, object: spoofed }), denies: { [LABELS_A]: /ray.io\/cluster/ } },
  { name: 'a tenant removing ray.io/cluster from a KubeRay pod', request: request('pods', 'UPDATE', 'alice', { oldObject: head, object: changed(head, (p) => { delete p.metadata.labels['ray.io/cluster']; }) }), denies: { [LABELS_A]: /ray.io\/cluster/ } },
  { name: 'a tenant changing ray.io/group on a KubeRay pod', request: request('pods', 'UPDATE', 'alice', { oldObject: head, object: changed(head, (p) => { p.metadata.labels['ray.io/group'] = 'other'; }) }), denies: { [LABELS_A]: /ray.io\/group/ } },
  { name: 'a tenant changing another label of a KubeRay pod (its ray.io/ labels unchanged)', request: request('pods', 'UPDATE', 'alice', { oldObject: head, object: changed(head, (p) => { p.metadata.labels.owner = 'alice'; }) }) },
  { name: 'the operator setting ray.io/serve on a RayService head pod', request: request('pods', 'UPDATE', 'operator', { oldObject: head, object: changed(head, (p) => { p.metadata.labels['ray.io/serve'] = 'true'; }) }) },
  { name: 'another tenant\'s tenant label', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.metadata.labels.tenant = 'team-b'; }) }), denies: { [LABELS_A]: /the label tenant=team-b claims another tenant in tenant team-a's namespace team-a/ } },
  { name: 'another tenant\'s tenant label, even from the operator', request: request('pods', 'CREATE', 'operator', { object: changed(head, (p) => { p.metadata.labels.tenant = 'team-b'; }) }), denies: { [LABELS_A]: /tenant=team-b/ } },
  { name: 'a pod without a tenant label', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { delete p.metadata.labels; }) }) },
  { name: 'a tenant spoofing secure-ray.io/workload (a RayJob\'s or RayService\'s pods) on a bare pod', request: request('pods', 'CREATE', 'alice', { object: changed(a, (p) => { p.metadata.labels['secure-ray.io/workload'] = 'rayjob-train'; }) }), denies: { [LABELS_A]: /alice@example.com may not set, change or remove the labels secure-ray.io\/workload/ } },
  { name: 'a tenant Job whose template claims to be a RayJob\'s submitter (secure-ray.io/submitter)', request: request('jobs', 'CREATE', 'alice', { object: job({ 'secure-ray.io/submitter': 'train' }) }), denies: { [LABELS_A]: /secure-ray.io\/submitter/ } },
  { name: 'the KubeRay operator creating the submitter Job from a library RayJob\'s template (secure-ray.io/submitter)', request: request('jobs', 'CREATE', 'operator', { object: job({ ...submitterLabels, 'secure-ray.io/submitter': 'job-1' }) }) },
  { name: 'the Job controller creating the submitter pod from that Job', request: request('pods', 'CREATE', 'jobController', { object: jobPod(TEAM_A, { ...submitterLabels, 'secure-ray.io/submitter': 'job-1' }) }) },
  { name: 'the KubeRay operator creating a library RayJob\'s cluster pod (secure-ray.io/workload)', request: request('pods', 'CREATE', 'operator', { object: changed(head, (p) => { p.metadata.labels['secure-ray.io/workload'] = 'rayjob-train'; }) }) },
  { name: 'a tenant removing secure-ray.io/workload from a running pod', request: request('pods', 'UPDATE', 'alice', { oldObject: changed(head, (p) => { p.metadata.labels['secure-ray.io/workload'] = 'rayjob-train'; }), object: head }), denies: { [LABELS_A]: /secure-ray.io\/workload/ } },
  { name: 'a spoofed ray.io/ label outside tenant namespaces is not judged', request: request('pods', 'CREATE', 'alice', { object: changed(spoofed, (p) => { p.metadata.namespace = 'default'; }) }) },
];

// ---- Services ---------------------------------------------------------------------------------

const service = (namespace: string, spec: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace }, spec: { ports: [{ port: 8265 }], ...spec } });

export const SERVICE_CASES: AdmissionCase[] = [
  { name: 'a ClusterIP Service', request: request('services', 'CREATE', 'alice', { object: service('team-a', { type: 'ClusterIP' }) }) },
  { name: 'a headless Service', request: request('services', 'CREATE', 'operator', { object: service('team-a', { type: 'ClusterIP', clusterIP: 'None' }) }) },
  { name: 'a Service without a type', request: request('services', 'CREATE', 'alice', { object: service('team-b', {}) }) },
  { name: 'a NodePort Service', request: request('services', 'CREATE', 'alice', { object: service('team-a', { type: 'NodePort' }) }), denies: { [SERVICE_POLICY_NAME]: /Service svc is of type NodePort/ } },
  { name: 'the operator creating a LoadBalancer head Service', request: request('services', 'CREATE', 'operator', { object: service('team-b', { type: 'LoadBalancer' }) }), denies: { [SERVICE_POLICY_NAME]: /of type LoadBalancer/ } },
  { name: 'an ExternalName Service', request: request('services', 'CREATE', 'alice', { object: service('team-a', { type: 'ExternalName', externalName: 'example.com' }) }), denies: { [SERVICE_POLICY_NAME]: /of type ExternalName/ } },
  { name: 'externalIPs on a ClusterIP Service', request: request('services', 'CREATE', 'alice', { object: service('team-a', { type: 'ClusterIP', externalIPs: ['203.0.113.7'] }) }), denies: { [SERVICE_POLICY_NAME]: /claims externalIPs 203.0.113.7 \(CVE-2020-8554\)/ } },
  { name: 'an UPDATE to NodePort', request: request('services', 'UPDATE', 'alice', { oldObject: service('team-a', { type: 'ClusterIP' }), object: service('team-a', { type: 'NodePort' }) }), denies: { [SERVICE_POLICY_NAME]: /NodePort/ } },
  { name: 'a NodePort Service of a tenant allowed exposure', request: request('services', 'CREATE', 'alice', { object: service('ml-c', { type: 'NodePort', externalIPs: ['203.0.113.7'] }) }) },
  { name: 'a LoadBalancer outside tenant namespaces', request: request('services', 'CREATE', 'alice', { object: service('default', { type: 'LoadBalancer' }) }) },
  { name: 'deleting a NodePort Service is not judged', request: request('services', 'DELETE', 'alice', { oldObject: service('team-a', { type: 'NodePort' }) }) },
];

// ---- NetworkPolicies ------------------------------------------------------------------------------

const netpol = (namespace: string, name = 'allow-all') => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector: {}, ingress: [{}], egress: [{}], policyTypes: ['Ingress', 'Egress'] },
});

export const NETWORK_POLICY_CASES: AdmissionCase[] = [
  { name: 'a tenant creating a NetworkPolicy', request: request('networkpolicies', 'CREATE', 'alice', { object: netpol('team-a') }), denies: { [NETWORK_POLICY_POLICY_NAME]: /alice@example.com may not create NetworkPolicy allow-all in tenant namespace team-a/ } },
  { name: 'a tenant\'s service account creating one', request: request('networkpolicies', 'CREATE', 'tenantSa', { object: netpol('ml-c') }), denies: { [NETWORK_POLICY_POLICY_NAME]: /may not create/ } },
  { name: 'the KubeRay operator creating one (its alpha networkPolicy feature; not a platform identity here)', request: request('networkpolicies', 'CREATE', 'operator', { object: netpol('team-a') }), denies: { [NETWORK_POLICY_POLICY_NAME]: /may not create/ } },
  { name: 'Argo CD creating the platform\'s policy', request: request('networkpolicies', 'CREATE', 'argocd', { object: netpol('team-a', 'default-deny') }) },
  { name: 'a member of the platform group changing one', request: request('networkpolicies', 'UPDATE', 'platformAdmin', { oldObject: netpol('team-b'), object: netpol('team-b') }) },
  { name: 'a tenant widening the platform\'s policy', request: request('networkpolicies', 'UPDATE', 'alice', { oldObject: netpol('team-a', 'default-deny'), object: netpol('team-a', 'default-deny') }), denies: { [NETWORK_POLICY_POLICY_NAME]: /may not update NetworkPolicy default-deny/ } },
  { name: 'a tenant deleting the platform\'s default-deny (DELETE: the name comes from oldObject)', request: request('networkpolicies', 'DELETE', 'alice', { oldObject: netpol('team-a', 'default-deny') }), denies: { [NETWORK_POLICY_POLICY_NAME]: /alice@example.com may not delete NetworkPolicy default-deny in tenant namespace team-a/ } },
  { name: 'Argo CD pruning a policy', request: request('networkpolicies', 'DELETE', 'argocd', { oldObject: netpol('team-a', 'old') }) },
  { name: 'the namespace controller emptying a namespace being deleted', request: request('networkpolicies', 'DELETE', 'namespaceController', { oldObject: netpol('team-a', 'default-deny') }) },
  { name: 'the garbage collector deleting an owned policy', request: request('networkpolicies', 'DELETE', 'garbageCollector', { oldObject: netpol('team-b', 'owned') }) },
  { name: 'the namespace controller may delete, not create', request: request('networkpolicies', 'CREATE', 'namespaceController', { object: netpol('team-a') }), denies: { [NETWORK_POLICY_POLICY_NAME]: /may not create/ } },
  { name: 'a generateName policy from a tenant', request: request('networkpolicies', 'CREATE', 'alice', { object: changed(netpol('team-a'), (n) => { delete n.metadata.name; n.metadata.generateName = 'np-'; }) }), denies: { [NETWORK_POLICY_POLICY_NAME]: /may not create NetworkPolicy np- in/ } },
  { name: 'a NetworkPolicy outside tenant namespaces', request: request('networkpolicies', 'CREATE', 'alice', { object: netpol('default') }) },
];

// ---- every rule of every tenant's policies, both ways ----------------------------------------------

/**
 * Per tenant: its compliant pod passes, and each mutation breaks exactly one validation of its
 * pod policy; plus its label rules and the UPDATEs its match conditions skip.
 */
export function tenantCases(def: TenantDefinition): AdmissionCase[] {
  const pods = podPolicyName(def.name);
  const labels = podLabelPolicyName(def.name);
  const p = tenantPod(def);
  const key = def.nodeLabelKey ?? 'tenant';
  const taintKey = def.taintKey ?? 'tenant';
  const gpuMax = def.bounds?.extendedResources?.['nvidia.com/gpu'];
  const c = (name: string, object: any, denies?: Record<string, RegExp>, user: 'alice' | 'operator' = 'alice'): AdmissionCase =>
    ({ name: `${def.name}: ${name}`, request: request('pods', 'CREATE', user, { object }), ...(denies ? { denies } : {}) });
  const cases: AdmissionCase[] = [
    c('compliant', p),
    c('compliant, built by KubeRay', changed(p, (x) => { x.metadata.labels['ray.io/node-type'] = 'worker'; }), undefined, 'operator'),
    c('unpinned', changed(p, (x) => { x.spec.nodeSelector = { [key]: 'other' }; }), { [pods]: /nodes only/ }),
    c('pinned by required node affinity', changed(p, (x) => {
      delete x.spec.nodeSelector;
      const terms = [pin([def.nodeLabelValue ?? def.name], key)];
      x.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
    })),
    c('affinity pinned to another value', changed(p, (x) => {
      delete x.spec.nodeSelector;
      x.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [pin(['other'], key)] } } };
    }), { [pods]: /nodes only/ }),
    c('not tolerating', changed(p, (x) => { x.spec.tolerations.shift(); }), { [pods]: /must tolerate/ }),
    c('Exists on the taint key', changed(p, (x) => { x.spec.tolerations.push({ key: taintKey, operator: 'Exists' }); }), { [pods]: /operator Exists/ }),
    c('another value of the taint key', changed(p, (x) => { x.spec.tolerations.push({ key: taintKey, operator: 'Equal', value: 'other' }); }), { [pods]: /another tenant's taint/ }),
    c('CPU limit above the maximum', changed(p, (x) => { x.spec.containers[0].resources.limits.cpu = '1000'; }), { [pods]: /CPU request/ }),
    c('memory request below the minimum', changed(p, (x) => { x.spec.containers[0].resources.requests.memory = '1Mi'; }), { [pods]: /memory request/ }),
    c('an extended resource it has no bound for', changed(p, (x) => { x.spec.containers[0].resources.limits['example.com/asic'] = '1'; }), { [pods]: /extended resources only/ }),
    c('NVIDIA_VISIBLE_DEVICES without a GPU', changed(p, (x) => { x.spec.containers[0].env = [{ name: 'NVIDIA_VISIBLE_DEVICES', value: '0' }]; }), { [pods]: /NVIDIA_VISIBLE_DEVICES/ }),
    c('the GPU taint without a GPU', changed(p, (x) => { x.spec.tolerations.push({ key: 'nvidia.com/gpu', operator: 'Exists' }); }), { [pods]: /GPU taint/ }),
    c('a ray.io/ label from a tenant', changed(p, (x) => { x.metadata.labels['ray.io/cluster'] = 'x'; }), { [labels]: /ray.io\/cluster/ }),
    c('another tenant label', changed(p, (x) => { x.metadata.labels.tenant = 'someone-else'; }), { [labels]: /claims another tenant/ }),
    {
      name: `${def.name}: an UPDATE that changes neither spec nor labels is not judged`,
      request: request('pods', 'UPDATE', 'alice', { oldObject: changed(p, (x) => { x.spec.nodeSelector = {}; x.metadata.labels.tenant = 'x'; }), object: changed(p, (x) => { x.spec.nodeSelector = {}; x.metadata.labels.tenant = 'x'; x.metadata.annotations = { a: 'b' }; }) }),
    },
  ];
  if (gpuMax !== undefined) {
    const gpu = (n: string, env = false) => changed(p, (x) => {
      x.spec.containers[0].resources.limits['nvidia.com/gpu'] = n;
      x.spec.tolerations.push({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
      if (env) x.spec.containers[0].env = [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }];
    });
    cases.push(
      c('GPUs up to its bound, with the GPU taint and NVIDIA_VISIBLE_DEVICES', gpu(String(gpuMax), true)),
      c('more GPUs than its bound', gpu(String(Number(gpuMax) + 1)), { [pods]: /extended resources only: .*nvidia.com\/gpu <= / }),
    );
  }
  return cases;
}

export const TENANT_CASES: AdmissionCase[] = [TEAM_A, TEAM_B, TEAM_C].flatMap(tenantCases);

/** Every case. */
export const ALL_CASES: AdmissionCase[] = [
  ...POD_CASES, ...LABEL_CASES, ...SERVICE_CASES, ...NETWORK_POLICY_CASES, ...TENANT_CASES,
  ...[TEAM_A, TEAM_B, TEAM_C].flatMap(rayTenantCases), ...rayGeneralCases(TEAM_A),
];

/** The pods of the corpus a tenant's namespace judges (CREATE only), for the differential test. */
export function corpusPods(): Array<{ name: string; pod: any; user: string }> {
  return ALL_CASES
    .filter((x) => x.request.resource.resource === 'pods' && x.request.operation === 'CREATE' && x.request.subResource === undefined)
    .map((x) => ({ name: x.name, pod: x.request.object as any, user: x.request.userInfo!.username! }))
    .filter((x) => [ns(TEAM_A), ns(TEAM_B), ns(TEAM_C), 'default'].includes(x.pod.metadata.namespace));
}
