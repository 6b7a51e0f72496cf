/**
 * Who may do what the tenant may not: the identities the admission rules compare
 * `request.userInfo` with, as plain usernames and groups.
 *
 * @module
 */

/** The Kubernetes username of a service account. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The identities of the admission rules, resolved to usernames and groups. */
export interface AdmissionIdentities {
  /** The KubeRay operator's username: the only one who may set `ray.io/*` labels on pods and pod templates. */
  readonly kubeRayOperator: string;
  /**
   * Built-in controllers that create pods from templates (Job, ReplicaSet, StatefulSet, DaemonSet,
   * ReplicationController) or workloads from workloads (Deployment → ReplicaSet, CronJob → Job):
   * they copy `ray.io/*` labels from templates the same rule already guarded.
   */
  readonly workloadControllers: readonly string[];
  /** Usernames that may create, change and delete NetworkPolicies in tenant namespaces. */
  readonly platformUsers: readonly string[];
  /** Groups whose members may create, change and delete NetworkPolicies in tenant namespaces. */
  readonly platformGroups: readonly string[];
  /**
   * Usernames that write NetworkPolicies for the platform and nothing else (Kyverno's background
   * controller, for the GeneratingPolicy): allowed by the NetworkPolicy policy, not trusted with
   * the library's labels on Ray objects.
   * @default - none
   */
  readonly networkPolicyGenerators?: readonly string[];
}

/** The KubeRay Helm chart's service account (`serviceAccount.name: kuberay-operator`) in the namespace `kuberay-system`. */
export const DEFAULT_KUBERAY_OPERATOR = { namespace: 'kuberay-system', name: 'kuberay-operator' } as const;

/** The Argo CD application controller (the Argo CD manifests' `argocd-application-controller` in `argocd`). */
export const DEFAULT_PLATFORM_SERVICE_ACCOUNT = { namespace: 'argocd', name: 'argocd-application-controller' } as const;

/**
 * kube-controller-manager's controllers that create pods and workloads, as they authenticate with
 * `--use-service-account-credentials` (kubeadm's default), and as the controller manager itself
 * when they do not.
 */
export const WORKLOAD_CONTROLLERS: readonly string[] = [
  ...['job-controller', 'replicaset-controller', 'statefulset-controller', 'daemon-set-controller', 'replication-controller',
    'deployment-controller', 'cronjob-controller'].map((n) => serviceAccountUsername('kube-system', n)),
  'system:kube-controller-manager',
];

/**
 * Identities that delete objects for the cluster, not for a tenant: the namespace controller
 * empties a namespace being deleted, the garbage collector deletes objects whose owner is gone.
 * They may delete NetworkPolicies (on DELETE only): otherwise a tenant namespace could never be
 * deleted.
 */
export const SYSTEM_DELETERS: readonly string[] = [
  serviceAccountUsername('kube-system', 'namespace-controller'),
  serviceAccountUsername('kube-system', 'generic-garbage-collector'),
  'system:kube-controller-manager',
];
