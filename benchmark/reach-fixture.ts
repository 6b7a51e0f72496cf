/**
 * The input of the `reach` benchmark: what a platform team would feed `secure-ray reach` for a
 * busy cluster — the construct's own output (Namespaces are implied, RayClusters and their
 * NetworkPolicies) plus the running pods as `kubectl get pods -o yaml` lists them (KubeRay's
 * labels, a per-replica name, a `pod-template-hash`-like label, `status.podIP`, the node).
 *
 * `reachManifests(pods)` spreads `pods` plain Pods over clusters of {@link PODS_PER_CLUSTER} pods
 * (one head and two worker groups) in {@link NAMESPACES} tenant namespaces.
 */
import { App, Chart } from 'cdk8s';
import { NetworkMode, SecureTenantRayCluster, TenantProfile } from '../src';

type Json = Record<string, any>;

/** Tenant namespaces. */
export const NAMESPACES = 10;
/** Pods per RayCluster: a head, then workers split over two groups. */
export const PODS_PER_CLUSTER = 50;

const bounds = { minCpu: '250m', maxCpu: '8', minMemory: '256Mi', maxMemory: '32Gi' };
const TENANTS = Array.from({ length: NAMESPACES }, (_, t) => new TenantProfile({ name: `tenant-${t}`, bounds, defaultCpu: '1', defaultMemory: '2Gi' }));

function ip(n: number): string {
  return `10.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

/** The manifests of `clusters` SecureTenantRayClusters (every fourth in pinned-ports mode). */
function constructOutput(clusters: number): Json[] {
  const app = new App();
  const charts = TENANTS.map((t, i) => new Chart(app, `t${i}`));
  for (let c = 0; c < clusters; c++) {
    new SecureTenantRayCluster(charts[c % NAMESPACES], `ray-${c}`, {
      tenant: TENANTS[c % NAMESPACES],
      name: `ray-${c}`,
      workerGroups: [{ groupName: 'cpu', replicas: 1 }, { groupName: 'gpu', replicas: 1 }],
      ...(c % 4 === 3 ? { network: { mode: NetworkMode.PINNED_PORTS } } : {}),
    });
  }
  return app.charts.flatMap((ch) => ch.toJson() as Json[]);
}

/** One running pod of cluster `c`. */
function runningPod(c: number, k: number, n: number): Json {
  const head = k === 0;
  const group = head ? 'headgroup' : k % 2 === 0 ? 'cpu' : 'gpu';
  const name = head ? `ray-${c}-head-${(c * 7919) % 100000}` : `ray-${c}-${group}-worker-${k.toString(36)}${c.toString(36)}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: TENANTS[c % NAMESPACES].namespace,
      labels: {
        'app.kubernetes.io/created-by': 'kuberay-operator',
        'app.kubernetes.io/name': 'kuberay',
        'ray.io/cluster': `ray-${c}`,
        'ray.io/group': group,
        'ray.io/identifier': `ray-${c}-${head ? 'head' : 'worker'}`,
        'ray.io/is-ray-node': 'yes',
        'ray.io/node-type': head ? 'head' : 'worker',
        'tenant': TENANTS[c % NAMESPACES].name,
        'pod-hash': `h${(c * 31 + k) % 997}`,
      },
    },
    spec: {
      nodeName: `node-${n % 64}`,
      containers: [{
        name: head ? 'ray-head' : 'ray-worker',
        image: 'rayproject/ray:2.52.0',
        ports: head
          ? [{ name: 'gcs-server', containerPort: 6379 }, { name: 'dashboard', containerPort: 8265 }, { name: 'client', containerPort: 10001 }, { name: 'metrics', containerPort: 8080 }]
          : [{ name: 'metrics', containerPort: 8080 }],
      }],
    },
    status: { phase: 'Running', podIP: ip(1 + n) },
  };
}

/** The benchmark's input for `pods` running pods: construct output first, then the pods. */
export function reachManifests(pods: number): Json[] {
  const clusters = Math.max(1, Math.ceil(pods / PODS_PER_CLUSTER));
  const docs = constructOutput(clusters);
  for (let n = 0; n < pods; n++) docs.push(runningPod(Math.floor(n / PODS_PER_CLUSTER), n % PODS_PER_CLUSTER, n));
  return docs;
}
