import { Construct } from 'constructs';
import { declareWorkloadName } from './app-workloads';
import { renderClusterSpec } from './cluster/cluster-spec';
import { RayClusterConfig } from './cluster/config';
import { containerSecurityContext, renderResources } from './cluster/pod-template';
import { resolveBoundedResources, resolveClusterConfig } from './cluster/resolve';
import { ResolvedResources } from './cluster/resolved';
import { JudgedWorkload, WorkloadVerdict } from './cluster/verdict';
import { RENAMED_WORKLOAD, resolveWorkloadBase, syncWave, workloadName, WorkloadSyncWaves, yamlOfObject } from './cluster/workload';
import { SYNC_WAVE_ANNOTATION, SyncWaves } from './gitops';
import { RayJob, RayJobSpec } from '../imports/rayjob-ray.io';
import { INJECTED_RESOURCES, RAY_LABELS, RAY_PORTS } from './kuberay/constants';
import { asObject, JsonObject } from './kubernetes/json';
import { RayClusterNetworkPolicy } from './network/cluster-network-policy';
import { ClusterConnections } from './network/connections';
import { NetworkOptions } from './network/options';
import { LIBRARY_LABELS, LIBRARY_MANAGED_LABEL } from './policy/library-labels';
import { operatorPeer } from './policy/network-policies';
import { checkPinnedPorts, checkRenderedName, checkTemplateLabels, clusterTemplates } from './policy/network-policy-rule';
import { PinnedPortPlan } from './policy/pinned-ports';
import { Violation } from './policy/types';
import { ContainerResources } from './ray-group';
import { SecureTenantRayCluster } from './secure-tenant-ray-cluster';
import { deepFreeze, KeptRenderObject, withKeptRender } from './shared-render';
import { TenantProfile } from './tenant';
import { enumValue, optionalInt, PropsError, requireString } from './validation';

/** How KubeRay submits a RayJob's entrypoint. */
export enum SubmissionMode {
  /**
   * A batch/v1 Job runs a submitter pod that calls the Jobs API (KubeRay's default). The construct
   * renders that pod's template: pinned to the tenant's nodes, restricted, bounded, no
   * service-account token, and let in to the head's dashboard by its own NetworkPolicy.
   */
  K8S_JOB = 'K8sJobMode',
  /** The operator itself posts the job to the dashboard: no submitter pod. */
  HTTP = 'HTTPMode',
  /** Nothing is submitted: the RayJob waits for `spec.jobId` (a user submits by hand). */
  INTERACTIVE = 'InteractiveMode',
  /**
   * A submitter container KubeRay appends to the head pod. KubeRay never sets its securityContext
   * and no field does, so the restricted standard rejects the head pod: the construct refuses it.
   */
  SIDECAR = 'SidecarMode',
}

/** The K8sJobMode submitter pod. */
export interface SubmitterOptions {
  /**
   * CPU and memory of the submitter container (it only runs `ray job submit` and follows the logs).
   * @default - KubeRay's default submitter limits, 1 CPU and 1Gi, moved into the tenant's bounds (request = limit)
   */
  readonly resources?: ContainerResources;
  /**
   * The submitter's image (it runs `ray job submit`).
   * @default the cluster's Ray image
   */
  readonly image?: string;
}

/** Properties of {@link SecureTenantRayJob}. */
export interface SecureTenantRayJobProps extends RayClusterConfig {
  /** The platform's definition of the tenant that owns the job. */
  readonly tenant: TenantProfile;
  /**
   * The RayJob's name (a DNS-1035 label of at most 47 characters: KubeRay names its cluster `<name>-<5 chars>`).
   * @default - derived from the construct path
   */
  readonly name?: string;
  /**
   * The command the job runs on the cluster (`python script.py`). KubeRay passes it to a shell in
   * the submitter; the entrypoint is the tenant's own code.
   * @default - none; required except in SubmissionMode.INTERACTIVE
   */
  readonly entrypoint?: string;
  /**
   * The Ray runtime environment (pip packages, env vars, working dir), as an object; rendered as
   * `runtimeEnvYAML`. Installing packages needs egress (`connections.allowTo(NetworkPeer.internet(), RayPort.tcp(443))`).
   * @default - none
   */
  readonly runtimeEnv?: Record<string, unknown>;
  /**
   * How KubeRay submits the job.
   * @default SubmissionMode.K8S_JOB
   */
  readonly submissionMode?: SubmissionMode;
  /**
   * Delete the cluster when the job finishes (a finished job's cluster keeps the tenant's nodes and
   * quota otherwise). Not on an existing cluster (`cluster`), which the job does not own.
   * @default - true; false on an existing cluster
   */
  readonly shutdownAfterJobFinishes?: boolean;
  /**
   * Seconds after the job finishes before the cluster is deleted (needs shutdownAfterJobFinishes).
   * @default 0
   */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * Seconds the job may run before KubeRay stops it and marks it Failed.
   * @default - no deadline
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * Create the job suspended (for a queue such as Kueue to admit it); needs shutdownAfterJobFinishes.
   * @default false
   */
  readonly suspend?: boolean;
  /**
   * The K8sJobMode submitter pod.
   * @default - the tenant's defaults
   */
  readonly submitter?: SubmitterOptions;
  /**
   * Run on an existing cluster of the same tenant and namespace (`clusterSelector`) instead of
   * creating one; the cluster props (head, workerGroups, …) must then be absent. The construct
   * lets the submitter and the operator reach that cluster's dashboard.
   * @default - KubeRay creates a cluster for the job from the cluster props
   */
  readonly cluster?: SecureTenantRayCluster;
  /**
   * Network isolation of the job's cluster (and where the KubeRay operator runs).
   * @default - the cluster's pods reach each other, DNS; the operator and the submitter reach the dashboard
   */
  readonly network?: NetworkOptions;
  /**
   * Extra labels of the RayJob (KubeRay copies them to its RayCluster; the `tenant` label is always set).
   * @default - only `tenant`
   */
  readonly labels?: Record<string, string>;
  /**
   * ArgoCD sync waves.
   * @default { networkPolicy: -1, workload: 0 }
   */
  readonly syncWaves?: WorkloadSyncWaves;
}

const RayJobResource = withKeptRender(RayJob);
const CLUSTER_PROPS: readonly (keyof RayClusterConfig)[] = ['rayVersion', 'image', 'head', 'workerGroups', 'autoscaling', 'runAsUser', 'runAsGroup', 'authentication'];
const SUBMITTER_CONTAINER = 'ray-job-submitter';
const DASHBOARD = { protocol: 'TCP', port: RAY_PORTS.dashboard };

const SECURE_TENANT_RAY_JOB = Symbol.for('cdk8s-secure-ray.SecureTenantRayJob');

/**
 * A KubeRay `RayJob` for one tenant, secure by construction: the cluster KubeRay creates for it is
 * rendered by the same code as {@link SecureTenantRayCluster} (tenant isolation, the restricted
 * standard, token authentication); in K8sJobMode the construct renders the submitter pod (pinned,
 * restricted, bounded, no token); its NetworkPolicies select the job's pods by the label
 * `secure-ray.io/workload` (the cluster's name is generated), let the submitter and the KubeRay
 * operator reach the dashboard, and nothing else in. SidecarMode is refused.
 *
 * At synth it judges what it rendered, after escape-hatch patches, with the rules of
 * `secure-ray check` (which judges RayJobs too). Escape hatch: `cluster.resource` (id `Resource`).
 */
export class SecureTenantRayJob extends Construct {
  /** True when `x` is a SecureTenantRayJob, from this copy of the library or another one. */
  public static isSecureTenantRayJob(x: unknown): x is SecureTenantRayJob {
    return typeof x === 'object' && x !== null && SECURE_TENANT_RAY_JOB in x;
  }

  /** The RayJob (the `cdk8s import`ed L1, at construct id `Resource`). */
  public readonly resource: RayJob;
  /** The job's NetworkPolicies (undefined when it runs on an existing cluster's). */
  public readonly networkPolicy?: RayClusterNetworkPolicy;
  /** The RayJob's name. */
  public readonly name: string;
  /** The tenant. */
  public readonly tenant: TenantProfile;
  /**
   * Who may reach the job's cluster and whom it may reach, besides its own pods, DNS, the
   * submitter and the operator: nothing until declared. On an existing cluster, that cluster's
   * connections.
   */
  public readonly connections: ClusterConnections;
  /** The pinned ports, in pinned-ports mode. */
  public readonly pinnedPorts?: PinnedPortPlan;

  constructor(scope: Construct, id: string, props: SecureTenantRayJobProps) {
    super(scope, id);
    Object.defineProperty(this, SECURE_TENANT_RAY_JOB, { value: true });
    const base = resolveWorkloadBase(this, props);
    const { tenant, where, network } = base;
    this.tenant = tenant;
    this.name = workloadName(this, where, props.name);
    declareWorkloadName(this, 'RayJob', tenant.namespace, this.name);
    const mode = enumValue(where('submissionMode'), props.submissionMode, SubmissionMode) ?? SubmissionMode.K8S_JOB;
    if (mode === SubmissionMode.SIDECAR) {
      throw new PropsError(`${where('submissionMode')}: SidecarMode appends a submitter container to the head pod whose securityContext KubeRay never sets `
        + '(no field sets it), so the restricted Pod Security Standard rejects the head pod; use SubmissionMode.K8S_JOB (the default) or HTTP');
    }
    const entrypoint = props.entrypoint === undefined ? undefined : requireString(where('entrypoint'), props.entrypoint, (v) => v.trim().length > 0, 'a command');
    if (entrypoint === undefined && mode !== SubmissionMode.INTERACTIVE) throw new PropsError(`${where('entrypoint')}: required in ${mode}: the command the job runs`);
    const onCluster = props.cluster !== undefined;
    const shutdown = props.shutdownAfterJobFinishes ?? !onCluster;
    if (typeof shutdown !== 'boolean') throw new PropsError(`${where('shutdownAfterJobFinishes')}: expected true or false`);
    if (shutdown && onCluster) throw new PropsError(`${where('shutdownAfterJobFinishes')}: the job runs on an existing cluster it does not own; KubeRay never deletes it`);
    const ttl = optionalInt(where('ttlSecondsAfterFinished'), props.ttlSecondsAfterFinished, undefined, 0);
    if (ttl !== undefined && ttl > 0 && !shutdown) throw new PropsError(`${where('ttlSecondsAfterFinished')}: needs shutdownAfterJobFinishes (KubeRay refuses it otherwise)`);
    const deadline = optionalInt(where('activeDeadlineSeconds'), props.activeDeadlineSeconds, undefined, 1);
    const suspend = props.suspend ?? false;
    if (typeof suspend !== 'boolean') throw new PropsError(`${where('suspend')}: expected true or false`);
    if (suspend && onCluster) throw new PropsError(`${where('suspend')}: KubeRay cannot suspend a job on an existing cluster (clusterSelector)`);
    if (suspend && !shutdown) throw new PropsError(`${where('suspend')}: needs shutdownAfterJobFinishes (KubeRay refuses a suspended job that keeps its cluster)`);
    const runtimeEnvYaml = props.runtimeEnv === undefined ? undefined : yamlOfObject(where('runtimeEnv'), props.runtimeEnv, 'an object (a Ray runtime environment)');
    const workload = { [LIBRARY_LABELS.workload]: `rayjob-${this.name}` };
    const submitterLabels = { [LIBRARY_LABELS.submitter]: this.name };
    const waves = props.syncWaves;

    let rayClusterSpec: Record<string, any> | undefined;
    let clusterSelector: Record<string, string> | undefined;
    let pod: { image: string; runAsUser: number; runAsGroup: number };
    if (props.cluster !== undefined) {
      const cluster = props.cluster;
      if (!SecureTenantRayCluster.isSecureTenantRayCluster(cluster)) throw new PropsError(`${where('cluster')}: expected a SecureTenantRayCluster`);
      if (cluster.tenant.name !== tenant.name || cluster.tenant.namespace !== tenant.namespace) {
        throw new PropsError(`${where('cluster')}: cluster "${cluster.name}" belongs to tenant "${cluster.tenant.name}" in namespace "${cluster.tenant.namespace}"; `
          + `a job of tenant "${tenant.name}" may only run on its own tenant's clusters in "${tenant.namespace}"`);
      }
      const given = CLUSTER_PROPS.filter((k) => props[k] !== undefined);
      if (given.length > 0) throw new PropsError(`${where(given[0])}: the job runs on the existing cluster "${cluster.name}"; cluster props do not apply`);
      clusterSelector = { [RAY_LABELS.cluster]: cluster.name };
      this.connections = cluster.connections;
      pod = { image: cluster.image, runAsUser: cluster.runAsUser, runAsGroup: cluster.runAsGroup };
      if (mode === SubmissionMode.K8S_JOB) cluster.networkPolicy.addSubmitter(`Submitter-${this.node.addr}`, `${this.name}-submitter`, submitterLabels);
      cluster.networkPolicy.admitOperator(network.operator);
    } else {
      this.connections = new ClusterConnections(() => this.networkPolicy?.ensureHeadPolicy());
      const config = resolveClusterConfig(where, tenant, props, network, { podLabels: workload });
      this.pinnedPorts = network.pinnedPorts;
      rayClusterSpec = renderClusterSpec(config);
      pod = { image: config.image, runAsUser: config.runAsUser, runAsGroup: config.runAsGroup };
      this.networkPolicy = new RayClusterNetworkPolicy(this, 'NetworkPolicy', {
        clusterName: this.name,
        namespace: tenant.namespace,
        labels: { tenant: tenant.name },
        annotations: { [SYNC_WAVE_ANNOTATION]: syncWave(where, waves, 'networkPolicy', SyncWaves.NETWORK_POLICY) },
        network,
        autoscaling: config.autoscaling !== undefined,
        connections: this.connections,
        selector: workload,
        fixedHeadIngress: [{ peers: [operatorPeer(network.operator)], ports: [DASHBOARD] }],
        ...(mode === SubmissionMode.K8S_JOB ? { submitter: submitterLabels } : {}),
      });
    }
    if (props.submitter !== undefined && mode !== SubmissionMode.K8S_JOB) throw new PropsError(`${where('submitter')}: only K8sJobMode has a submitter pod (submissionMode is ${mode})`);
    const submitterPodTemplate = mode === SubmissionMode.K8S_JOB
      ? renderSubmitterTemplate(tenant, submitterLabels, resolveSubmitter(where('submitter'), tenant, props.submitter, pod.image), pod.runAsUser, pod.runAsGroup)
      : undefined;

    const spec: Record<string, unknown> = {
      entrypoint,
      runtimeEnvYaml,
      submissionMode: mode,
      shutdownAfterJobFinishes: shutdown,
      ttlSecondsAfterFinished: ttl,
      activeDeadlineSeconds: deadline,
      suspend: suspend ? true : undefined,
      rayClusterSpec,
      clusterSelector,
      submitterPodTemplate,
    };
    this.resource = new RayJobResource(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: tenant.namespace,
        // KubeRay copies these labels to the cluster it creates: the marker makes the admission-time generators skip it.
        labels: { ...base.labels, tenant: tenant.name, [LIBRARY_MANAGED_LABEL.key]: LIBRARY_MANAGED_LABEL.value },
        annotations: { ...tenant.boundAnnotations(), ...tenant.placementAnnotations(), [SYNC_WAVE_ANNOTATION]: syncWave(where, waves, 'workload', SyncWaves.WORKLOAD) },
      },
      spec: spec as RayJobSpec,
    });

    const verdict = new WorkloadVerdict({
      tenant,
      networkPolicy: this.networkPolicy,
      render: () => this.render(),
      checks: (json) => this.checks(json, workload, submitterLabels),
    } as JudgedWorkload);
    this.node.addValidation({ validate: () => verdict.errors() });
  }

  /** The RayJob as it will be synthesized (after escape-hatch patches), frozen (copy it to change it). */
  public renderedManifest(): JsonObject {
    return deepFreeze(this.render());
  }

  private render(): JsonObject {
    return (this.resource as unknown as KeptRenderObject).renderForValidation() as JsonObject;
  }

  /** The labels the policies select by, still on every template; the pinned ports. */
  private checks(json: JsonObject, workload: Record<string, string>, submitter: Record<string, string>): Violation[] {
    const spec = asObject(json.spec) ?? {};
    const out: Violation[] = [...checkRenderedName(json, this.name, 'RayJob', RENAMED_WORKLOAD)];
    const cluster = asObject(spec.rayClusterSpec);
    if (cluster && this.networkPolicy) {
      out.push(...checkTemplateLabels(clusterTemplates(cluster, 'spec.rayClusterSpec'), workload));
      if (this.pinnedPorts) out.push(...checkPinnedPorts(cluster, this.pinnedPorts, 'spec.rayClusterSpec'));
    }
    if (spec.submissionMode === SubmissionMode.K8S_JOB) {
      out.push(...checkTemplateLabels([{ path: 'spec.submitterPodTemplate', template: spec.submitterPodTemplate }], submitter));
    }
    return out;
  }
}

interface ResolvedSubmitter { readonly image: string; readonly resources: ResolvedResources }

function resolveSubmitter(prop: string, tenant: TenantProfile, s: SubmitterOptions | undefined, image: string): ResolvedSubmitter {
  if (s !== undefined && (s === null || typeof s !== 'object')) throw new PropsError(`${prop}: expected { resources?, image? }`);
  return {
    image: s?.image === undefined ? image : requireString(`${prop}.image`, s.image, (v) => v.trim() === v && v.length > 0, 'an image reference'),
    resources: resolveBoundedResources(`${prop}.resources`, tenant, s?.resources, INJECTED_RESOURCES.submitter.limits),
  };
}

/**
 * The K8sJobMode submitter pod: pinned to the tenant's nodes and tolerating its taint, the
 * restricted settings on pod and container, the tenant's default (or the given) resources, no
 * service-account token, `restartPolicy: Never`. KubeRay takes `containers[0]` as the submitter and
 * sets its command, the dashboard address and the token env (from the cluster's Secret).
 */
function renderSubmitterTemplate(tenant: TenantProfile, labels: Record<string, string>, s: ResolvedSubmitter,
  uid: number, gid: number): Record<string, unknown> {
  return {
    metadata: { labels: { ...labels, tenant: tenant.name } },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      nodeSelector: { ...tenant.nodeSelector },
      tolerations: [{ ...tenant.toleration }],
      securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: SUBMITTER_CONTAINER,
        image: s.image,
        resources: renderResources(s.resources, undefined, { cpu: tenant.defaultCpu, memory: tenant.defaultMemory }),
        securityContext: containerSecurityContext(undefined),
      }],
    },
  };
}
