import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { TenantNamespace, TenantProfile } from '../src';
import { errorOf, findObject, Manifest, newChart } from './support/manifests';

/**
 * "Judge what runs" for the namespace: every object TenantNamespace renders is judged after
 * escape-hatch patches, as the cluster construct judges its RayCluster. Each patch below
 * synthesized before; each fails naming the object, the field and the rule.
 */
const tenant = new TenantProfile({ name: 'team-a', bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' } });
const quota = { requestsCpu: '32', requestsMemory: '64Gi', limitsCpu: '32', limitsMemory: '64Gi', pods: 20, extended: { 'nvidia.com/gpu': '2' } };

type Edit = (ns: TenantNamespace) => void;
function build(edit?: Edit): () => Manifest[] {
  const { chart } = newChart();
  const ns = new TenantNamespace(chart, 'ns', { tenant, quota, ephemeralStorage: { max: '20Gi', defaultRequest: '1Gi' } });
  edit?.(ns);
  return () => Testing.synth(chart);
}
const patch = (pick: (ns: TenantNamespace) => ApiObject, ...patches: JsonPatch[]): Edit => (ns) => pick(ns).addJsonPatch(...patches);
const namespace = (ns: TenantNamespace) => ns.namespace;
const deny = (ns: TenantNamespace) => ns.defaultDeny;
const dns = (ns: TenantNamespace) => ns.dnsEgress;
const sa = (ns: TenantNamespace) => ns.serviceAccount;
const lr = (ns: TenantNamespace) => ns.limitRange;
const rq = (ns: TenantNamespace) => ns.resourceQuota!;
const label = (k: string) => `/metadata/labels/${k.replace(/\//g, '~1')}`;
// The generated L1s (KubeResourceQuota, KubeLimitRange) map quantities from `{ value }` after the
// patches apply, so a patch that changes a quantity writes `.../value` (a plain string there would
// vanish from the output: the key is then judged as removed, which is what would be applied).

test('unpatched: synthesizes the six objects', () => {
  expect(build()()).toHaveLength(6);
});

describe('a patched namespace object fails synthesis, naming the object and the field', () => {
  test.each([
    // Pod Security Admission labels
    ['enforce: privileged', patch(namespace, JsonPatch.replace(label('pod-security.kubernetes.io/enforce'), 'privileged')),
      'pod-security: Namespace team-a: metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged": Pod Security Admission must enforce the restricted level'],
    ['enforce label removed', patch(namespace, JsonPatch.remove(label('pod-security.kubernetes.io/enforce'))), 'metadata.labels["pod-security.kubernetes.io/enforce"]: Pod Security Admission must enforce'],
    ['audit: baseline', patch(namespace, JsonPatch.replace(label('pod-security.kubernetes.io/audit'), 'baseline')), 'metadata.labels["pod-security.kubernetes.io/audit"] = "baseline"'],
    ['warn removed', patch(namespace, JsonPatch.remove(label('pod-security.kubernetes.io/warn'))), 'metadata.labels["pod-security.kubernetes.io/warn"]: Pod Security Admission must warn'],
    ['enforce-version v1.0', patch(namespace, JsonPatch.replace(label('pod-security.kubernetes.io/enforce-version'), 'v1.0')),
      'metadata.labels["pod-security.kubernetes.io/enforce-version"] = "v1.0": older than v1.23'],
    ['enforce-version removed', patch(namespace, JsonPatch.remove(label('pod-security.kubernetes.io/enforce-version'))), 'enforce-version"]: not a Pod Security Standards version the library implements'],
    ['audit-version v1.999', patch(namespace, JsonPatch.replace(label('pod-security.kubernetes.io/audit-version'), 'v1.999')), 'audit-version"] = "v1.999": not a Pod Security Standards version'],
    // the Namespace itself
    ['tenant label changed', patch(namespace, JsonPatch.replace(label('tenant'), 'team-b')), 'Namespace team-a: metadata.labels.tenant = "team-b": the namespace\'s tenant label names another tenant'],
    ['tenant label removed', patch(namespace, JsonPatch.remove(label('tenant'))), 'Namespace team-a: metadata.labels.tenant: the namespace\'s tenant label names another tenant, or none'],
    ['Namespace renamed', patch(namespace, JsonPatch.replace('/metadata/name', 'other')), 'Namespace team-a: metadata.name = "other": the Namespace was renamed'],
    ['Namespace given a namespace', patch(namespace, JsonPatch.add('/metadata/namespace', 'x')), 'Namespace team-a: metadata.namespace = "x": a Namespace is cluster-scoped'],
    // default-deny
    ['default-deny podSelector narrowed', patch(deny, JsonPatch.add('/spec/podSelector/matchLabels', { app: 'x' })), 'generate-network-policies: NetworkPolicy default-deny: spec.podSelector'],
    ['default-deny egress no longer isolated', patch(deny, JsonPatch.replace('/spec/policyTypes', ['Ingress'])), 'NetworkPolicy default-deny: spec.policyTypes = ["Ingress"]: the NetworkPolicy must isolate both ingress and egress'],
    ['default-deny given an allow-all rule', patch(deny, JsonPatch.add('/spec/ingress', [{}])), 'NetworkPolicy default-deny: spec.ingress[0] = {}: a rule the library does not generate: it would allow traffic from everyone on every port'],
    ['default-deny namespace removed', patch(deny, JsonPatch.remove('/metadata/namespace')), 'NetworkPolicy default-deny: metadata.namespace: the NetworkPolicy has no namespace'],
    // DNS egress
    ['DNS rule widened to every namespace', patch(dns, JsonPatch.replace('/spec/egress/0/to/0', { namespaceSelector: {} })), 'NetworkPolicy allow-dns-egress: spec.egress[0]'],
    ['DNS policy given an extra egress rule', patch(dns, JsonPatch.add('/spec/egress/-', { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] })), 'NetworkPolicy allow-dns-egress: spec.egress[1]'],
    ['DNS policy given ingress', patch(dns, JsonPatch.add('/spec/ingress', [{}])), 'NetworkPolicy allow-dns-egress: spec.ingress[0]'],
    ['DNS policy no longer isolating egress', patch(dns, JsonPatch.replace('/spec/policyTypes', ['Ingress'])), 'NetworkPolicy allow-dns-egress: spec.policyTypes = ["Ingress"]: the NetworkPolicy must isolate egress'],
    // ServiceAccount
    ['automountServiceAccountToken: true', patch(sa, JsonPatch.replace('/automountServiceAccountToken', true)),
      'enforce-tenant-isolation: ServiceAccount ray: automountServiceAccountToken = true: Ray pods would get an API token mounted'],
    ['automountServiceAccountToken removed (defaults to true)', patch(sa, JsonPatch.remove('/automountServiceAccountToken')), 'ServiceAccount ray: automountServiceAccountToken: Ray pods would get an API token'],
    ['ServiceAccount namespace removed', patch(sa, JsonPatch.remove('/metadata/namespace')), 'ServiceAccount ray: metadata.namespace: the ServiceAccount has no namespace'],
    // LimitRange
    ['LimitRange max cpu removed', patch(lr, JsonPatch.remove('/spec/limits/0/max/cpu')), 'LimitRange tenant-container-limits: spec.limits[0].max.cpu: the LimitRange\'s cpu maximum was removed'],
    ['LimitRange max memory raised', patch(lr, JsonPatch.replace('/spec/limits/0/max/memory/value', '64Gi')),
      'LimitRange tenant-container-limits: spec.limits[0].max.memory = "64Gi": the LimitRange\'s max memory is above the tenant\'s maximum (bound: <= 8Gi)'],
    ['LimitRange default above the maximum', patch(lr, JsonPatch.replace('/spec/limits/0/default/cpu/value', '5')), 'spec.limits[0].default.cpu = "5": the LimitRange\'s default cpu is above the tenant\'s maximum'],
    ['LimitRange defaultRequest above the maximum', patch(lr, JsonPatch.replace('/spec/limits/0/defaultRequest/memory/value', '9Gi')), 'spec.limits[0].defaultRequest.memory = "9Gi"'],
    ['LimitRange min above the maximum', patch(lr, JsonPatch.replace('/spec/limits/0/min/cpu/value', '4001m')), 'spec.limits[0].min.cpu = "4001m"'],
    ['LimitRange limits emptied', patch(lr, JsonPatch.replace('/spec/limits', [])), 'LimitRange tenant-container-limits: spec.limits = []: the LimitRange has no Container limits'],
    ['LimitRange item turned into a Pod item', patch(lr, JsonPatch.replace('/spec/limits/0/type', 'Pod')), 'the LimitRange has no Container limits'],
    ['LimitRange max not a quantity', patch(lr, JsonPatch.replace('/spec/limits/0/max/cpu/value', 'lots')), 'spec.limits[0].max.cpu = "lots": not a Kubernetes quantity'],
    ['LimitRange ephemeral-storage max raised', (ns: TenantNamespace) => ns.limitRange.addJsonPatch(JsonPatch.replace('/spec/limits/0/max/ephemeral-storage/value', '1Ti')),
      'spec.limits[0].max.ephemeral-storage = "1Ti": the LimitRange\'s max ephemeral-storage is above the tenant\'s maximum (bound: <= 20Gi)'],
    ['LimitRange ephemeral-storage max removed', (ns: TenantNamespace) => ns.limitRange.addJsonPatch(JsonPatch.remove('/spec/limits/0/max/ephemeral-storage')),
      'spec.limits[0].max.ephemeral-storage: the LimitRange\'s ephemeral-storage maximum was removed'],
    ['LimitRange namespace removed', patch(lr, JsonPatch.remove('/metadata/namespace')), 'LimitRange tenant-container-limits: metadata.namespace: the LimitRange has no namespace'],
    // ResourceQuota
    ['quota raised', patch(rq, JsonPatch.replace('/spec/hard/requests.cpu/value', '64')),
      'enforce-tenant-isolation: ResourceQuota tenant-quota: spec.hard["requests.cpu"] = "64": the quota on requests.cpu was raised above what the TenantNamespace was given (bound: <= 32)'],
    ['quota key removed', patch(rq, JsonPatch.remove('/spec/hard/limits.memory')), 'ResourceQuota tenant-quota: spec.hard["limits.memory"]: the quota on limits.memory was removed'],
    ['quota replaced by a plain string (the mapper drops it)', patch(rq, JsonPatch.replace('/spec/hard/limits.cpu', '64')), 'spec.hard["limits.cpu"]: the quota on limits.cpu was removed'],
    ['GPU quota removed', patch(rq, JsonPatch.remove('/spec/hard/requests.nvidia.com~1gpu')), 'spec.hard["requests.nvidia.com/gpu"]: the quota on requests.nvidia.com/gpu was removed'],
    ['pods quota raised', patch(rq, JsonPatch.replace('/spec/hard/pods/value', 1000)), 'spec.hard["pods"] = 1000: the quota on pods was raised'],
    ['quota scoped to BestEffort pods', patch(rq, JsonPatch.add('/spec/scopes', ['BestEffort'])), 'ResourceQuota tenant-quota: spec.scopes = ["BestEffort"]: a scoped quota counts only the pods in its scope'],
    ['quota namespace removed', patch(rq, JsonPatch.remove('/metadata/namespace')), 'ResourceQuota tenant-quota: metadata.namespace: the ResourceQuota has no namespace'],
  ] as [string, Edit, string][])('%s', (_, edit, message) => {
    expect(errorOf(build(edit))).toContain(message);
  });
});

describe('patches that only tighten synthesize', () => {
  test.each([
    ['a lower quota', patch(rq, JsonPatch.replace('/spec/hard/requests.cpu/value', '16'))],
    ['an extra quota key', patch(rq, JsonPatch.add('/spec/hard/services', { value: 5 }))],
    ['a lower LimitRange max', patch(lr, JsonPatch.replace('/spec/limits/0/max/cpu/value', '2'))],
    ['an extra Pod item in the LimitRange', patch(lr, JsonPatch.add('/spec/limits/-', { type: 'Pod', max: { cpu: { value: '8' } } }))],
    ['a DNS rule removed', patch(dns, JsonPatch.replace('/spec/egress', []))],
    ['an annotation on the Namespace', patch(namespace, JsonPatch.add('/metadata/annotations/team', 'a'))],
    ['a newer pinned version', patch(namespace, JsonPatch.replace(label('pod-security.kubernetes.io/warn-version'), 'latest'))],
  ] as [string, Edit][])('%s', (_, edit) => {
    const out = build(edit)();
    expect(findObject(out, 'Namespace', 'team-a').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});
