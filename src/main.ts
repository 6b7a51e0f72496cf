/**
 * The example platform: two tenants and their Ray clusters. `npm run synth` writes one
 * `dist/<tenant>.k8s.yaml` per tenant; ArgoCD applies `dist/`.
 *
 * Run directly (`ts-node src/main.ts`), it synthesizes into a fresh temporary directory and only
 * then replaces the output directory, so a failed synthesis leaves the previous `dist/` as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  AutoscalerVersion, EmptyDirMedium, NetworkMode, NetworkPeer, RayPort, RayVolume,
  SecureTenantRayCluster, SecureTenantRayJob, SecureTenantRayService, TenantAdmission, TenantNamespace, TenantProfile,
} from '.';

/** The platform team's tenants, defined once. */
export const TENANTS = {
  teamA: new TenantProfile({
    name: 'team-a',
    bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' },
    defaultCpu: '1',
    defaultMemory: '2Gi',
  }),
  teamB: new TenantProfile({
    name: 'team-b',
    // GPUs are closed by default: team-b's containers may have one each.
    bounds: { minCpu: '250m', maxCpu: '8', minMemory: '256Mi', maxMemory: '32Gi', extendedResources: { 'nvidia.com/gpu': '1' } },
    defaultCpu: '2',
    defaultMemory: '8Gi',
  }),
};

/** The API server endpoints of the example fleet (the autoscaler's egress). */
const API_SERVER = { cidr: '172.18.0.2/32', port: 6443 };

/** A job script for the restricted example, run from the head: `python /home/ray/samples/sum_of_squares.py`. */
const SUM_OF_SQUARES = `import ray

ray.init()


@ray.remote
def square(x):
    return x * x


total = sum(ray.get([square.remote(i) for i in range(1000)]))
print(f"sum of squares below 1000: {total}")
assert total == 332833500
`;

/** A Ray Serve application for team-b's RayService, mounted from a ConfigMap: `hello:app`. */
const HELLO_SERVE = `from ray import serve


@serve.deployment(num_replicas=2, ray_actor_options={"num_cpus": 0.5})
class Hello:
    def __call__(self, request):
        return "hello from team-b"


app = Hello.bind()
`;

/** team-a: a CPU cluster with autoscaling, the equivalent of KubeRay's restricted sample, and a batch RayJob. */
export class TeamAChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const tenant = TENANTS.teamA;
    // The namespace and its guardrails; the budget check fails synthesis if the clusters' worst case outgrows the quota.
    new TenantNamespace(this, 'namespace', {
      tenant,
      quota: { requestsCpu: '64', limitsCpu: '96', requestsMemory: '128Gi', limitsMemory: '128Gi', pods: 30 },
    });

    const cpu = new SecureTenantRayCluster(this, 'cpu-autoscaling', {
      tenant,
      name: 'cpu-autoscaling',
      head: {
        rayStartParams: { 'num-cpus': '0' },
        resources: { cpu: { request: '1', limit: '2' }, memory: { request: '4Gi', limit: '4Gi' } },
      },
      workerGroups: [{
        groupName: 'cpu',
        minReplicas: 0,
        maxReplicas: 10,
        resources: { cpu: { request: '4', limit: '4' }, memory: { request: '8Gi', limit: '8Gi' } },
      }],
      autoscaling: { idleTimeout: Duration.minutes(5), version: AutoscalerVersion.V2 },
      network: { apiServer: API_SERVER },
    });
    // The RayJob submitter pattern: a pod in the tenant's namespace reaches the Jobs API; Prometheus scrapes metrics.
    cpu.connections
      .allowFrom(NetworkPeer.pods({ 'app.kubernetes.io/name': 'ray-job-submitter' }), RayPort.DASHBOARD)
      .allowFrom(NetworkPeer.namespace('monitoring'), RayPort.METRICS, RayPort.AUTOSCALER_METRICS, RayPort.DASHBOARD_METRICS);

    // KubeRay's `ray-cluster.pod-security.yaml`, written as typed templates: the construct keeps
    // every explicit field and adds the tenant's placement and the rest of the restricted settings.
    const script = new k8s.KubeConfigMap(this, 'pod-security-script', {
      metadata: { name: 'ray-example', namespace: tenant.namespace, labels: { tenant: tenant.name } },
      data: { 'sum_of_squares.py': SUM_OF_SQUARES },
    });
    const logs = RayVolume.emptyDir('ray-logs');
    const samples = RayVolume.configMap('ray-example-configmap', script.name, {
      items: [{ key: 'sum_of_squares.py', path: 'sum_of_squares.py' }],
    });
    const preStop = { preStop: { exec: { command: ['/bin/sh', '-c', 'ray stop'] } } };
    new SecureTenantRayCluster(this, 'pod-security', {
      tenant,
      name: 'raycluster-pod-security',
      head: {
        rayStartParams: { 'dashboard-host': '0.0.0.0' },
        volumes: [logs, samples],
        volumeMounts: [{ volume: logs, mountPath: '/tmp/ray' }, { volume: samples, mountPath: '/home/ray/samples' }],
        resources: { cpu: { request: '1', limit: '1' }, memory: { request: '2Gi', limit: '2Gi' } },
        template: { spec: { containers: [{ name: 'ray-head', lifecycle: preStop }] } },
      },
      workerGroups: [{
        groupName: 'large-group',
        replicas: 1,
        minReplicas: 1,
        maxReplicas: 10,
        volumes: [logs],
        volumeMounts: [{ volume: logs, mountPath: '/tmp/ray' }],
        resources: { cpu: { request: '1', limit: '4' }, memory: { request: '2Gi', limit: '2Gi' } },
        template: { spec: { containers: [{ name: 'ray-worker', lifecycle: preStop }] } },
      }],
    });

    // A batch job: KubeRay creates a cluster for it, a submitter pod runs the script on it, and the
    // cluster is deleted when the job ends. The script comes from the same ConfigMap, on the head.
    new SecureTenantRayJob(this, 'sum-of-squares', {
      tenant,
      name: 'sum-of-squares',
      entrypoint: 'python /home/ray/samples/sum_of_squares.py',
      activeDeadlineSeconds: 1800,
      ttlSecondsAfterFinished: 300,
      head: {
        volumes: [samples],
        volumeMounts: [{ volume: samples, mountPath: '/home/ray/samples' }],
      },
      workerGroups: [{ groupName: 'cpu', replicas: 2, resources: { cpu: { request: '1', limit: '2' }, memory: { request: '2Gi', limit: '2Gi' } } }],
      submitter: { resources: { cpu: { request: '500m', limit: '500m' }, memory: { request: '512Mi', limit: '1Gi' } } },
    });
  }
}

/** team-b: a cluster with a GPU worker group beside a CPU group, in pinned-ports mode, and a Ray Serve application. */
export class TeamBChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new TenantNamespace(this, 'namespace', {
      tenant: TENANTS.teamB,
      quota: { requestsCpu: '56', limitsCpu: '56', requestsMemory: '224Gi', limitsMemory: '224Gi', pods: 16, extended: { 'nvidia.com/gpu': '4' } },
    });
    new SecureTenantRayCluster(this, 'gpu-training', {
      tenant: TENANTS.teamB,
      name: 'gpu-training',
      // Only the pinned Ray ports are open between the cluster's pods.
      network: { mode: NetworkMode.PINNED_PORTS },
      head: { resources: { cpu: { request: '2', limit: '2' }, memory: { request: '8Gi', limit: '8Gi' } } },
      workerGroups: [
        {
          groupName: 'cpu',
          replicas: 2,
          resources: { cpu: { request: '4', limit: '4' }, memory: { request: '16Gi', limit: '16Gi' } },
        },
        {
          groupName: 'gpu',
          replicas: 1,
          minReplicas: 1,
          maxReplicas: 4,
          gpus: 1,
          resources: { cpu: { request: '8', limit: '8' }, memory: { request: '32Gi', limit: '32Gi' } },
          volumes: [RayVolume.emptyDir('shm', { medium: EmptyDirMedium.MEMORY, sizeLimit: '8Gi' })],
          volumeMounts: [{ volume: 'shm', mountPath: '/dev/shm' }],
        },
      ],
    });

    // A Ray Serve application. KubeRay keeps one cluster for it (two during an upgrade) and a
    // ClusterIP serve Service; only the web namespace may call it, on the Serve port.
    const code = new k8s.KubeConfigMap(this, 'hello-code', {
      metadata: { name: 'hello-serve', namespace: TENANTS.teamB.namespace, labels: { tenant: TENANTS.teamB.name } },
      data: { 'hello.py': HELLO_SERVE },
    });
    const app = RayVolume.configMap('serve-app', code.name);
    const mounted = { volumes: [app], volumeMounts: [{ volume: app, mountPath: '/home/ray/serve' }] };
    const hello = new SecureTenantRayService(this, 'hello', {
      tenant: TENANTS.teamB,
      name: 'hello',
      serveConfig: {
        applications: [{ name: 'hello', route_prefix: '/', import_path: 'hello:app', runtime_env: { env_vars: { PYTHONPATH: '/home/ray/serve' } } }],
      },
      head: { ...mounted, rayStartParams: { 'num-cpus': '0' }, resources: { cpu: { request: '1', limit: '1' }, memory: { request: '2Gi', limit: '2Gi' } } },
      workerGroups: [{ groupName: 'serve', replicas: 1, ...mounted, resources: { cpu: { request: '1', limit: '1' }, memory: { request: '2Gi', limit: '2Gi' } } }],
    });
    hello.connections.allowFrom(NetworkPeer.namespace('web'), RayPort.SERVE);
  }
}

/**
 * What the platform installs once, before the tenants' charts: the admission policies that hold
 * every pod, Service and NetworkPolicy in a tenant namespace to the tenant's rules, whoever makes
 * it (ValidatingAdmissionPolicies and bindings; Kubernetes 1.30+).
 */
export class PlatformChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new TenantAdmission(this, 'admission', {
      tenants: [TENANTS.teamA, TENANTS.teamB],
      // The operator installed by KubeRay's Helm chart into kuberay-system; Argo CD applies the platform's objects.
      kubeRayOperator: { namespace: 'kuberay-system', name: 'kuberay-operator' },
      platformIdentities: { serviceAccounts: [{ namespace: 'argocd', name: 'argocd-application-controller' }] },
    });
  }
}

/** Adds the platform's and the example tenants' charts to an app. */
export function buildExampleApp(app: App): App {
  new PlatformChart(app, 'platform');
  new TeamAChart(app, 'team-a');
  new TeamBChart(app, 'team-b');
  return app;
}

/**
 * Synthesizes into a temporary directory beside `outdir`, then swaps it in. On any error the
 * previous `outdir` is untouched and the temporary directory is removed.
 */
export function synthesizeSafely(outdir: string, build: (app: App) => void): string[] {
  const parent = path.dirname(path.resolve(outdir));
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(outdir)}.staging-`));
  try {
    const app = new App({ outdir: staging, outputFileExtension: '.k8s.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
    build(app);
    app.synth();
    const files = fs.readdirSync(staging).sort();
    const old = `${staging}.old`;
    if (fs.existsSync(outdir)) fs.renameSync(outdir, old);
    fs.renameSync(staging, outdir);
    fs.rmSync(old, { recursive: true, force: true });
    return files;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  try {
    const files = synthesizeSafely(outdir, buildExampleApp);
    for (const f of files) console.log(`  - ${path.join(outdir, f)}`);
  } catch (e) {
    console.error(`synth failed; ${outdir}/ was left as it was.\n${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
