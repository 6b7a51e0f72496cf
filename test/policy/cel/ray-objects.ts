/**
 * Ray objects that comply with a tenant's rules (and with the restricted Pod Security Standard),
 * for the Ray policy's cases, its differential test and its cost test: a RayCluster, a RayJob (K8sJobMode
 * with a submitter template, or HTTPMode), a RayService and a RayCronJob, all in the tenant's
 * namespace and labelled for it. Each is built fresh; change copies with `changed`.
 */
import { TenantDefinition } from '../../../src/policy/tenant-definition';

const RAY_IMAGE = 'rayproject/ray:2.52.0';

/** A container within the tenant's bounds and the restricted standard. */
export function rayContainer(def: TenantDefinition, name: string): any {
  const b = def.bounds!;
  return {
    name,
    image: RAY_IMAGE,
    resources: { requests: { cpu: String(b.minCpu), memory: String(b.minMemory) }, limits: { cpu: String(b.maxCpu), memory: String(b.maxMemory) } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
}

/** The tenant's toleration. */
export function tenantToleration(def: TenantDefinition): any {
  return { key: def.taintKey ?? 'tenant', operator: 'Equal', value: def.taintValue ?? def.name, ...(def.taintEffect ? { effect: def.taintEffect } : {}) };
}

/** A pod template for the tenant: its label, pinned, tolerating, non-root with seccomp RuntimeDefault, one container. */
export function rayTemplate(def: TenantDefinition, container: string): any {
  return {
    metadata: { labels: { tenant: def.name } },
    spec: {
      nodeSelector: { [def.nodeLabelKey ?? 'tenant']: def.nodeLabelValue ?? def.name },
      tolerations: [tenantToleration(def)],
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [rayContainer(def, container)],
    },
  };
}

/** A RayCluster spec for the tenant: a head and one worker group. */
export function rayClusterSpec(def: TenantDefinition): any {
  return {
    rayVersion: '2.52.0',
    headGroupSpec: { rayStartParams: {}, template: rayTemplate(def, 'ray-head') },
    workerGroupSpecs: [{ groupName: 'workers', replicas: 1, minReplicas: 1, maxReplicas: 2, rayStartParams: {}, template: rayTemplate(def, 'ray-worker') }],
  };
}

function metadata(def: TenantDefinition, name: string): any {
  return { name, namespace: def.namespace ?? def.name, labels: { tenant: def.name } };
}

/** A compliant RayCluster. */
export function rayCluster(def: TenantDefinition, name = 'rc'): any {
  return { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: metadata(def, name), spec: rayClusterSpec(def) };
}

/** The autoscaler's options that comply: a restricted securityContext (KubeRay's default resources, 500m/512Mi, fit every tenant here). */
export function autoscalerOptions(): any {
  return { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } };
}

/** A compliant RayJob in K8sJobMode with a submitter template. */
export function rayJob(def: TenantDefinition, name = 'job'): any {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayJob',
    metadata: metadata(def, name),
    spec: {
      entrypoint: 'python -c "import ray; ray.init()"',
      submissionMode: 'K8sJobMode',
      rayClusterSpec: rayClusterSpec(def),
      submitterPodTemplate: { ...rayTemplate(def, 'submitter'), spec: { ...rayTemplate(def, 'submitter').spec, restartPolicy: 'Never' } },
    },
  };
}

/** A compliant RayJob in HTTPMode (the operator submits; no submitter pod). */
export function httpModeJob(def: TenantDefinition, name = 'http-job'): any {
  const job = rayJob(def, name);
  job.spec.submissionMode = 'HTTPMode';
  delete job.spec.submitterPodTemplate;
  return job;
}

/** A compliant RayService. */
export function rayService(def: TenantDefinition, name = 'svc'): any {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayService',
    metadata: metadata(def, name),
    spec: { serveConfigV2: 'applications: []\n', rayClusterConfig: rayClusterSpec(def), serveService: { spec: { type: 'ClusterIP', ports: [{ name: 'serve', port: 8000 }] } } },
  };
}

/** A compliant RayCronJob. */
export function rayCronJob(def: TenantDefinition, name = 'cron'): any {
  return { apiVersion: 'ray.io/v1', kind: 'RayCronJob', metadata: metadata(def, name), spec: { schedule: '0 * * * *', jobTemplate: rayJob(def).spec } };
}
