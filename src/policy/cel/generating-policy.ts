/**
 * The NetworkPolicies of RayClusters made outside this library, generated at admission by a Kyverno
 * `policies.kyverno.io/v1` GeneratingPolicy (Kyverno 1.17+): the same objects the library renders
 * for a RayCluster without declared connections (`isolationPolicySpec`, `headPolicySpec` of
 * `policy/network-policies.ts`), so a hand-made cluster in a tenant's namespace is isolated as a
 * library one is, instead of being cut off by the namespace's default-deny.
 *
 * RayClusters this library made carry {@link LIBRARY_MANAGED_LABEL} and are skipped: they come
 * with their own policies of the same names, and two writers of one object would overwrite each
 * other. The label is only a skip: a tenant that sets it on a hand-made cluster gets no policy, and
 * its pods stay behind the namespace's default-deny (the Ray admission policy refuses the label
 * from a tenant anyway).
 *
 * @module
 */
import { LIBRARY_MANAGED_LABEL } from '../library-labels';
import { ApiServerTarget, ClusterNetworkSpec, DnsTarget, headPolicySpec, isolationPolicySpec } from '../network-policies';
import { TENANT_LABEL, TenantDefinition, tenantNamespace } from '../tenant-definition';
import { celJson, celString, celStringMap } from './expr';
import { CelNamedExpression, NAMESPACE_NAME_LABEL } from './rule-set';

/** The GeneratingPolicy's name. */
export const GENERATING_POLICY_NAME = 'secure-ray-raycluster-network-policies';

/** What the generated policies are made of. */
export interface NetworkPolicyGeneration {
  /** The tenants: their namespaces are where RayClusters get policies, their names the policies' `tenant` label. */
  readonly tenants: readonly TenantDefinition[];
  /** DNS egress. */
  readonly dns: DnsTarget;
  /** The API server, for the autoscaler's egress (in `<cluster>-head`). */
  readonly apiServer?: ApiServerTarget;
}

/** Placeholders for what only admission knows; `celJson` turns them into the variables. */
const HOLES = { name: '\u0000name', namespace: '\u0000namespace' } as const;

/** The cluster the generated specs describe: a RayCluster without declared connections, named by the holes. */
function clusterSpec(g: NetworkPolicyGeneration, autoscaling: boolean): ClusterNetworkSpec {
  return {
    clusterName: HOLES.name,
    namespace: HOLES.namespace,
    selector: { 'ray.io/cluster': HOLES.name },
    dns: g.dns,
    autoscaling,
    ...(g.apiServer ? { apiServer: g.apiServer } : {}),
    ingress: [],
    headIngress: [],
    egress: [],
    submitters: [],
  };
}

/** A NetworkPolicy literal named `<cluster><suffix>` in the cluster's namespace, labelled for its tenant. */
function networkPolicy(suffix: string, spec: unknown): string {
  const holes = { [HOLES.name]: 'variables.name', [HOLES.namespace]: 'variables.namespace' };
  return `{'apiVersion': dyn('networking.k8s.io/v1'), 'kind': dyn('NetworkPolicy'), 'metadata': dyn({'name': dyn(variables.name + ${celString(suffix)}),`
    + ` 'namespace': dyn(variables.namespace), 'labels': dyn({${celString(TENANT_LABEL)}: variables.tenant})}), 'spec': dyn(${celJson(spec, holes)})}`;
}

/**
 * The variables of the GeneratingPolicy, in order: `name`, `namespace`, `tenant`, `autoscaling`,
 * `isolation` (`<cluster>-isolation`), `head` (`<cluster>-head`, for a cluster with the
 * autoscaler, as the library renders it), `downstream` (what is generated).
 */
export function generatedPolicyVariables(g: NetworkPolicyGeneration): CelNamedExpression[] {
  const tenantOf = Object.fromEntries(g.tenants.map((t) => [tenantNamespace(t), t.name]));
  return [
    { name: 'name', expression: 'string(object.metadata.name)' },
    { name: 'namespace', expression: 'string(object.metadata.namespace)' },
    { name: 'tenant', expression: `${celStringMap(tenantOf)}[variables.namespace]` },
    { name: 'autoscaling', expression: 'object.spec.?enableInTreeAutoscaling.orValue(false) == true' },
    { name: 'isolation', expression: networkPolicy('-isolation', isolationPolicySpec(clusterSpec(g, true))) },
    { name: 'head', expression: networkPolicy('-head', headPolicySpec(clusterSpec(g, true))) },
    { name: 'downstream', expression: 'variables.autoscaling ? [variables.isolation, variables.head] : [variables.isolation]' },
  ];
}

/** The match condition that skips the library's RayClusters. */
export const NOT_LIBRARY_MADE = {
  name: 'not-made-by-the-library',
  expression: `object.metadata.?labels[?${celString(LIBRARY_MANAGED_LABEL.key)}].orValue('') != ${celString(LIBRARY_MANAGED_LABEL.value)}`,
} as const;

/**
 * The Kyverno GeneratingPolicy: for every RayCluster created or changed in a tenant's namespace
 * without {@link LIBRARY_MANAGED_LABEL}, `<cluster>-isolation` (its pods reach each other, and
 * DNS) and, with the autoscaler, `<cluster>-head` (API-server egress when an API server is given),
 * labelled `tenant: <the namespace's tenant>`. Kept in sync with the RayCluster (`synchronize`;
 * deleted with it), and generated for the RayClusters that exist when the policy is installed
 * (`generateExisting`). Kyverno's background controller writes them: it must be allowed to
 * (RBAC, and the platform identities of the NetworkPolicy admission policy).
 */
export function rayClusterNetworkPolicyGenerator(g: NetworkPolicyGeneration): object {
  const namespaces = [...new Set(g.tenants.map(tenantNamespace))].sort();
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'GeneratingPolicy',
    metadata: {
      name: GENERATING_POLICY_NAME,
      labels: { 'app.kubernetes.io/part-of': 'cdk8s-secure-ray' },
      annotations: {
        'policies.kyverno.io/title': 'NetworkPolicies of RayClusters made outside cdk8s-secure-ray',
        'policies.kyverno.io/description': 'For each RayCluster in a tenant namespace that cdk8s-secure-ray did not make (no label '
          + `${LIBRARY_MANAGED_LABEL.key}=${LIBRARY_MANAGED_LABEL.value}), the NetworkPolicies the library renders for a cluster without declared `
          + 'connections: <cluster>-isolation (its pods reach each other, and DNS) and, with the autoscaler, <cluster>-head (the API server). '
          + 'Generated by cdk8s-secure-ray.',
      },
    },
    spec: {
      evaluation: { generateExisting: { enabled: true }, synchronize: { enabled: true } },
      matchConstraints: {
        namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: namespaces }] },
        resourceRules: [{ apiGroups: ['ray.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['rayclusters'], scope: 'Namespaced' }],
      },
      matchConditions: [{ ...NOT_LIBRARY_MADE }],
      variables: generatedPolicyVariables(g),
      generate: [{ expression: 'generator.Apply(variables.namespace, variables.downstream)' }],
    },
  };
}
