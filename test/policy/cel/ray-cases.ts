/**
 * The Ray kinds in the admission corpus: per tenant, its compliant RayCluster, RayJob, RayService
 * and RayCronJob pass its Ray policy, and each mutation breaks the validations it names (every
 * validation of every tenant's Ray policy both ways); plus the UPDATEs the match condition skips,
 * who may write the library's labels, and the kinds outside tenant namespaces.
 */
import type { AdmissionCase } from './cases';
import { autoscalerOptions, httpModeJob, rayCluster, rayContainer, rayCronJob, rayJob, rayService, rayTemplate } from './ray-objects';
import { changed, rayResource, request, User } from './support';
import { rayPolicyName } from '../../../src/policy/cel';
import { LIBRARY_MANAGED_LABEL } from '../../../src/policy/library-labels';
import { TenantDefinition } from '../../../src/policy/tenant-definition';

/** The Ray policy's cases for one tenant. */
export function rayTenantCases(def: TenantDefinition): AdmissionCase[] {
  const policy = rayPolicyName(def.name);
  const key = def.nodeLabelKey ?? 'tenant';
  const taintKey = def.taintKey ?? 'tenant';
  const gpuMax = def.bounds?.extendedResources?.['nvidia.com/gpu'];
  const exposed = def.allowExposure === true;
  const c = (name: string, object: any, denies?: RegExp, user: User = 'alice', oldObject?: any): AdmissionCase => ({
    name: `${def.name} Ray: ${name}`,
    request: request(rayResource(object.kind), oldObject ? 'UPDATE' : 'CREATE', user, { object, ...(oldObject ? { oldObject } : {}) }),
    ...(denies ? { denies: { [policy]: denies } } : {}),
  });
  const rc = rayCluster(def);
  const worker = (f: (x: any) => void) => changed(rc, (x) => f(x.spec.workerGroupSpecs[0]));
  const head = (f: (x: any) => void) => changed(rc, (x) => f(x.spec.headGroupSpec));
  const autoscaling = changed(rc, (x) => { x.spec.enableInTreeAutoscaling = true; x.spec.autoscalerOptions = autoscalerOptions(); });
  const job = rayJob(def);
  const svc = rayService(def);
  const cases: AdmissionCase[] = [
    // compliant objects of every kind
    c('a compliant RayCluster', rc),
    c('a compliant RayCluster with the autoscaler (KubeRay\'s default resources, a restricted securityContext)', autoscaling),
    c('a compliant RayCluster with mTLS (wait-for-tls-ip-san copies the Ray container\'s securityContext)', changed(rc, (x) => { x.spec.tlsOptions = { enabled: true }; })),
    c('a compliant RayJob in K8sJobMode with a submitter template', job),
    c('a compliant RayJob in HTTPMode (no submitter pod)', httpModeJob(def)),
    c('a compliant RayJob on an existing cluster (clusterSelector: only the submitter pod)', changed(job, (x) => { delete x.spec.rayClusterSpec; x.spec.clusterSelector = { 'ray.io/cluster': 'rc' }; })),
    c('a compliant RayService', svc),
    c('a compliant RayCronJob', rayCronJob(def)),
    // the object's metadata
    c('no tenant label', changed(rc, (x) => { delete x.metadata.labels; }), /must carry the label tenant=/),
    c('another tenant label', changed(rc, (x) => { x.metadata.labels.tenant = 'someone-else'; }), /not tenant=someone-else/),
    c('the operator\'s RayJob from a RayCronJob, without a tenant label (KubeRay copies none)', changed(job, (x) => { x.metadata.labels = { 'ray.io/cronjob-name': 'cron' }; }), undefined, 'operator'),
    c('a name of 64 characters', changed(rc, (x) => { x.metadata.name = 'r'.repeat(64); }), /longer than 63 characters/),
    // the tenant label of the pods, placement, tolerations
    c('a group\'s labels override the template\'s tenant label', worker((g) => { g.labels = { tenant: 'someone-else' }; }), /workers \(tenant=someone-else\)/),
    c('a template without the tenant label', head((g) => { delete g.template.metadata; }), /headgroup \(tenant=\)/),
    c('a worker group not pinned', worker((g) => { g.template.spec.nodeSelector = { [key]: 'other' }; }), /nodes only.*these do not: workers$/),
    c('a worker group pinned by required node affinity', worker((g) => {
      delete g.template.spec.nodeSelector;
      g.template.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values: [def.nodeLabelValue ?? def.name] }] }] } } };
    })),
    c('a head not tolerating the taint', head((g) => { g.template.spec.tolerations = []; }), /must tolerate.*headgroup/),
    c('Exists on the taint key', worker((g) => { g.template.spec.tolerations.push({ key: taintKey, operator: 'Exists' }); }), /operator Exists.*in: workers/),
    c('another tenant\'s taint', worker((g) => { g.template.spec.tolerations.push({ key: taintKey, operator: 'Equal', value: 'other' }); }), /another tenant's taint: workers: .*=other/),
    // bounds, extended resources, GPUs
    c('a worker\'s CPU limit above the maximum', worker((g) => { g.template.spec.containers[0].resources.limits.cpu = '1000'; }), /CPU request .*these do not: workers: ray-worker$/),
    c('a head\'s memory request below the minimum', head((g) => { g.template.spec.containers[0].resources.requests.memory = '1Mi'; }), /memory request .*headgroup: ray-head/),
    c('an init container without resources', worker((g) => { g.template.spec.initContainers = [{ ...rayContainer(def, 'fetch'), resources: {} }]; }), /CPU request .*workers: fetch/),
    c('the autoscaler above the CPU maximum (autoscalerOptions.resources)', changed(autoscaling, (x) => {
      x.spec.autoscalerOptions.resources = { requests: { cpu: '1000', memory: String(def.bounds!.minMemory) }, limits: { cpu: '1000', memory: String(def.bounds!.minMemory) } };
    }), /CPU request .*headgroup: autoscaler/),
    c('an extended resource without a bound', worker((g) => { g.template.spec.containers[0].resources.limits['example.com/asic'] = '1'; }), /extended resources only: .*workers: ray-worker/),
    c('NVIDIA_VISIBLE_DEVICES in a worker\'s Ray container without a GPU (wait-gcs-ready copies it too)', worker((g) => {
      g.template.spec.containers[0].env = [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }];
    }), /NVIDIA_VISIBLE_DEVICES .*workers: ray-worker, wait-gcs-ready/),
    c('the GPU taint without a GPU', worker((g) => { g.template.spec.tolerations.push({ key: 'nvidia.com/gpu', operator: 'Exists' }); }), /GPU taint.*: workers/),
    // the restricted Pod Security Standard
    c('hostNetwork on the head', head((g) => { g.template.spec.hostNetwork = true; }), /no hostNetwork.*headgroup: \(pod\)/),
    c('a privileged worker', worker((g) => { g.template.spec.containers[0].securityContext.privileged = true; }), /no privileged container.*workers: ray-worker, wait-gcs-ready/),
    c('allowPrivilegeEscalation unset', worker((g) => { delete g.template.spec.containers[0].securityContext.allowPrivilegeEscalation; }), /allowPrivilegeEscalation: false.*workers: ray-worker, wait-gcs-ready/),
    c('an added capability', head((g) => { g.template.spec.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; }), /capabilities.drop: \[ALL\].*headgroup: ray-head/),
    c('runAsNonRoot false on a container', head((g) => { g.template.spec.containers[0].securityContext.runAsNonRoot = false; }), /runAsNonRoot: true .*headgroup: ray-head/),
    c('runAsNonRoot false on the pod', head((g) => { g.template.spec.securityContext.runAsNonRoot = false; }), /runAsNonRoot: true .*headgroup: \(pod\) ray-head/),
    c('runAsUser 0', worker((g) => { g.template.spec.securityContext.runAsUser = 0; }), /no runAsUser: 0.*workers: \(pod\)/),
    c('runAsUser 0 in a user namespace (hostUsers: false)', worker((g) => { g.template.spec.securityContext.runAsUser = 0; g.template.spec.hostUsers = false; })),
    c('seccomp Unconfined on a container', worker((g) => { g.template.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }), /seccompProfile.type .*workers: ray-worker, wait-gcs-ready/),
    c('no seccomp profile anywhere', head((g) => { delete g.template.spec.securityContext.seccompProfile; }), /seccompProfile.type .*headgroup: ray-head/),
    c('a Windows template (exempt from allowPrivilegeEscalation, capabilities and seccomp)', worker((g) => {
      g.template.spec.os = { name: 'windows' };
      g.template.spec.containers[0].securityContext = {};
      delete g.template.spec.securityContext.seccompProfile;
    })),
    c('a hostPath volume', worker((g) => { g.template.spec.volumes = [{ name: 'h', hostPath: { path: '/' } }, { name: 'scratch', emptyDir: {} }]; }), /volumes of these types only.*workers: \(pod\)/),
    c('a hostPort', head((g) => { g.template.spec.containers[0].ports = [{ containerPort: 8265, hostPort: 8265 }]; }), /no hostPort.*headgroup: ray-head/),
    c('procMount Unmasked', worker((g) => { g.template.spec.containers[0].securityContext.procMount = 'Unmasked'; }), /procMount Default.*workers: ray-worker/),
    c('the autoscaler without a securityContext (KubeRay copies none to it)', changed(autoscaling, (x) => { delete x.spec.autoscalerOptions; }),
      /allowPrivilegeEscalation: false.*headgroup: autoscaler/),
    // what KubeRay adds that no field makes safe
    c('a RayJob in SidecarMode', changed(job, (x) => { x.spec.submissionMode = 'SidecarMode'; delete x.spec.submitterPodTemplate; }), /SidecarMode/),
    c('a RayJob in K8sJobMode without a submitter template', changed(job, (x) => { delete x.spec.submitterPodTemplate; }), /without spec.submitterPodTemplate KubeRay runs its default submitter pod/),
    c('a RayJob whose submitter template is not pinned', changed(job, (x) => { delete x.spec.submitterPodTemplate.spec.nodeSelector; }), /nodes only.*these do not: submitter$/),
    c('a RayJob whose submitter runs as root', changed(job, (x) => { x.spec.submitterPodTemplate.spec.containers[0].securityContext.runAsUser = 0; }), /no runAsUser: 0.*submitter: submitter/),
    c('a history collector', changed(rc, (x) => { x.spec.historyServerOptions = { collectorOptions: { image: 'collector' } }; }), /ray-history-collector/),
    c('a privileged head inside a RayCronJob\'s job template', changed(rayCronJob(def), (x) => {
      x.spec.jobTemplate.rayClusterSpec.headGroupSpec.template.spec.containers[0].securityContext.privileged = true;
    }), /^RayCronJob cron: restricted|no privileged container.*headgroup: ray-head/),
    // labels NetworkPolicies select by
    c('secure-ray.io/workload on a tenant\'s template', worker((g) => { g.template.metadata.labels['secure-ray.io/workload'] = 'rayjob-x'; }),
      /alice@example.com may not set, change or remove the labels secure-ray.io\/workload=rayjob-x of RayCluster rc/),
    c('secure-ray.io/workload on the library\'s templates, applied by the platform', worker((g) => { g.template.metadata.labels['secure-ray.io/workload'] = 'rayjob-x'; }), undefined, 'argocd'),
    c('the library\'s marker on a tenant\'s RayCluster', changed(rc, (x) => { x.metadata.labels[LIBRARY_MANAGED_LABEL.key] = LIBRARY_MANAGED_LABEL.value; }), /secure-ray.io\/managed-by=cdk8s-secure-ray/),
    c('a RayCluster the operator creates from a library RayJob (marker and workload labels copied)', changed(rc, (x) => {
      x.metadata.labels[LIBRARY_MANAGED_LABEL.key] = LIBRARY_MANAGED_LABEL.value;
      x.spec.headGroupSpec.template.metadata.labels['secure-ray.io/workload'] = 'rayjob-j';
    }), undefined, 'operator'),
    c('a platform group member setting the library\'s labels', changed(rc, (x) => { x.metadata.labels[LIBRARY_MANAGED_LABEL.key] = LIBRARY_MANAGED_LABEL.value; }), undefined, 'platformAdmin'),
    c('ray.io/cluster on a tenant\'s submitter template (KubeRay copies it to the submitter pod)', changed(job, (x) => { x.spec.submitterPodTemplate.metadata.labels['ray.io/cluster'] = 'victim'; }),
      /ray.io\/cluster=victim/),
    c('Ray\'s node labels (ray.io/market-type) in a group\'s labels', worker((g) => { g.labels = { 'ray.io/market-type': 'spot' }; g.template.metadata.labels['ray.io/accelerator-type'] = 'A100'; })),
    // UPDATEs
    c('the autoscaler scaling a cluster that no longer fits (replicas only: not judged)', changed(rc, (x) => {
      x.spec.workerGroupSpecs[0].replicas = 2;
      x.spec.workerGroupSpecs[0].scaleStrategy = { workersToDelete: ['w-1'] };
      x.spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.cpu = '1000';
    }), undefined, 'alice', changed(rc, (x) => { x.spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.cpu = '1000'; })),
    c('an UPDATE of a worker template (judged)', worker((g) => { g.template.spec.containers[0].resources.limits.cpu = '1000'; }), /CPU request/, 'alice', rc),
    c('an UPDATE of another spec field of a RayCluster (judged)', changed(autoscaling, (x) => { delete x.spec.autoscalerOptions; }), /allowPrivilegeEscalation/, 'alice', rc),
    c('an UPDATE that removes a spec field (judged)', changed(rc, (x) => { delete x.spec.rayVersion; x.metadata.labels = {}; }), /must carry the label tenant/, 'alice',
      changed(rc, (x) => { x.metadata.labels = {}; })),
    c('an UPDATE of the labels only (judged)', changed(rc, (x) => { x.metadata.labels.tenant = 'x'; }), /not tenant=x/, 'alice', rc),
    c('an UPDATE of a RayJob (judged)', changed(job, (x) => { x.spec.submissionMode = 'SidecarMode'; }), /SidecarMode/, 'alice', job),
    c('a tenant editing a library cluster, its library labels unchanged', changed(rc, (x) => {
      x.metadata.labels[LIBRARY_MANAGED_LABEL.key] = LIBRARY_MANAGED_LABEL.value;
      x.spec.headGroupSpec.template.spec.containers[0].image = 'rayproject/ray:2.53.0';
    }), undefined, 'alice', changed(rc, (x) => { x.metadata.labels[LIBRARY_MANAGED_LABEL.key] = LIBRARY_MANAGED_LABEL.value; })),
    c('a tenant removing the library\'s marker', rc, /\(before: secure-ray.io\/managed-by=cdk8s-secure-ray\)/, 'alice',
      changed(rc, (x) => { x.metadata.labels[LIBRARY_MANAGED_LABEL.key] = LIBRARY_MANAGED_LABEL.value; })),
  ];
  if (gpuMax !== undefined) {
    const gpu = (n: string) => worker((g) => {
      g.template.spec.containers[0].resources.limits['nvidia.com/gpu'] = n;
      g.template.spec.tolerations.push({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    });
    cases.push(
      c('GPUs up to the bound, tolerating the GPU taint', gpu(String(gpuMax))),
      c('more GPUs than the bound', gpu(String(Number(gpuMax) + 1)), /extended resources only: .*nvidia.com\/gpu <= .*workers: ray-worker/),
    );
  }
  const exposures: Array<[string, any, RegExp]> = [
    ['a NodePort head Service', head((g) => { g.serviceType = 'NodePort'; }), /headGroupSpec.serviceType NodePort/],
    ['enableIngress', head((g) => { g.enableIngress = true; }), /headGroupSpec.enableIngress/],
    ['a head Service template with externalIPs', head((g) => { g.headService = { spec: { externalIPs: ['203.0.113.7'] } }; }), /headGroupSpec.headService.spec/],
    ['a LoadBalancer serveService', changed(svc, (x) => { x.spec.serveService.spec.type = 'LoadBalancer'; }), /its serveService would leave the cluster network/],
    ['a serveService with a node port', changed(svc, (x) => { x.spec.serveService.spec.ports[0].nodePort = 30080; }), /serveService/],
    ['NewClusterWithIncrementalUpgrade', changed(svc, (x) => {
      x.spec.upgradeStrategy = { type: 'NewClusterWithIncrementalUpgrade', clusterUpgradeOptions: { gatewayClassName: 'istio' } };
      x.spec.rayClusterConfig.enableInTreeAutoscaling = true;
      x.spec.rayClusterConfig.autoscalerOptions = autoscalerOptions();
    }), /Gateway/],
  ];
  for (const [name, object, denies] of exposures) cases.push(c(name, object, exposed ? undefined : denies));
  return cases;
}

/** Cases that do not depend on the tenant. */
export function rayGeneralCases(a: TenantDefinition): AdmissionCase[] {
  const rc = rayCluster(a);
  return [
    {
      name: 'Ray: a RayCluster outside tenant namespaces, breaking every rule, is not judged',
      request: request('rayclusters', 'CREATE', 'alice', { object: changed(rc, (x) => { x.metadata.namespace = 'default'; x.spec.headGroupSpec.template.spec = { containers: [{ name: 'x' }], hostNetwork: true }; }) }),
    },
    { name: 'Ray: deleting a RayCluster is not judged (ArgoCD prune, RayJob clean-up)', request: request('rayclusters', 'DELETE', 'alice', { oldObject: changed(rc, (x) => { delete x.metadata.labels; }) }) },
    {
      name: 'Ray: a RayCluster with a template built in the kitchen sink (several groups, init containers, mTLS, the autoscaler)',
      request: request('rayclusters', 'CREATE', 'alice', {
        object: changed(rc, (x) => {
          x.spec.enableInTreeAutoscaling = true;
          x.spec.autoscalerOptions = autoscalerOptions();
          x.spec.tlsOptions = { enabled: true };
          x.spec.workerGroupSpecs.push({ groupName: 'more', replicas: 0, rayStartParams: {}, template: rayTemplate(a, 'ray-worker') });
          x.spec.workerGroupSpecs[1].template.spec.initContainers = [rayContainer(a, 'fetch')];
        }),
      }),
    },
  ];
}
