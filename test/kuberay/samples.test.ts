import * as fs from 'fs';
import * as path from 'path';
import { containersOf, loadDocs, obj } from './helpers';
import { buildRayCronJob, buildRayJob, buildRayService, RayJobModel } from '../../src/kuberay';
import type { RayPod } from '../../src/kuberay';
import type { JsonObject } from '../../src/policy/types';
import { loadCrdValidator } from '../support/crd-schema';
import { sharedPath } from '../support/manifests';

/**
 * Every RayJob, RayService and RayCronJob sample of KubeRay v1.7.0 (../shared/kuberay/samples-jobs,
 * 43 files, one such object each), run through the models. The table is the expectation, written
 * out: the submission mode and submitter, each pod with its init containers and containers in
 * order, the serve Service, and the paths of the notes. No sample is refused (with the v1.7.0
 * default feature gates). Built RayClusters (and the RayCronJobs' RayJobs) must pass their CRD schema.
 */
interface Row {
  readonly kind: 'RayJob' | 'RayService' | 'RayCronJob';
  readonly mode?: string;
  readonly submitter?: string;
  readonly rayJob?: string;
  readonly pods: readonly string[];
  readonly serve?: string;
  readonly gateway?: boolean;
  readonly notes: readonly string[];
}

const EXPECTED: Record<string, Row> = {
  'ray-cluster.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker sandbox-executor-workers: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-cronjob-timezone.sample.yaml': { kind: 'RayCronJob', rayJob: 'raycronjob-timezone-sample-29453760', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: ['kind'] },
  'ray-cronjob.sample.yaml': { kind: 'RayCronJob', rayJob: 'raycronjob-sample-29453760', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: ['kind'] },
  'ray-data-image-resize-gcsfusecsi-job.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker worker-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.batch-inference.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head'], notes: [] },
  'ray-job.custom-head-svc.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.deletion-rules.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.image-resize.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.interactive-mode.yaml': { kind: 'RayJob', mode: 'InteractiveMode', submitter: 'none', pods: ['head: ray-head', 'worker default-group: wait-gcs-ready (init), ray-worker'], notes: ['spec.submissionMode'] },
  'ray-job.kueue-toy-sample.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.light-weight-submitter.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (user template: my-custom-rayjob-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.platform-events.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.pytorch-distributed-training.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head'], notes: [] },
  'ray-job.pytorch-image-classifier.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker gpu-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.pytorch-mnist.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.resources.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.sample.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.sandbox.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker worker-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.shutdown.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.sidecar-mode.yaml': { kind: 'RayJob', mode: 'SidecarMode', submitter: 'sidecar', pods: ['head: ray-head, ray-job-submitter', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.tpu-jax.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker tpu-workers: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.tpu-v6e-16-multihost.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker tpu-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.tpu-v6e-256-multihost.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker tpu-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.tpu-v6e-singlehost.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker tpu-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.use-existing-raycluster.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: [], notes: ['spec.clusterSelector', 'spec.clusterSelector'] },
  'ray-job.volcano-scheduler-queue.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-job.yunikorn-scheduler.yaml': { kind: 'RayJob', mode: 'K8sJobMode', submitter: 'job (default template: ray-job-submitter)', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], notes: [] },
  'ray-service.custom-serve-service.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], serve: 'custom-ray-serve-service-name serve:8000 LoadBalancer', notes: [] },
  'ray-service.deepseek.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker gpu-group: wait-gcs-ready (init), ray-worker'], serve: 'deepseek-r1-serve-svc serve:8000', notes: [] },
  'ray-service.different-port.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], serve: 'rayservice-sample-serve-svc serve:9000', notes: [] },
  'ray-service.high-availability.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker worker: wait-gcs-ready (init), ray-worker'], serve: 'rayservice-ha-serve-svc serve:8000', notes: [] },
  'ray-service.high-throughput-gemma4.yaml': { kind: 'RayService', pods: ['head: ray-node', 'worker gpu-group: wait-gcs-ready (init), llm'], serve: 'ray-gemma4-e2b-it-serve-svc serve:8000', notes: [] },
  'ray-service.high-throughput-llm.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker gpu-group: wait-gcs-ready (init), llm'], serve: 'qwen-35-4b-serve-svc serve:8000', notes: [] },
  'ray-service.incremental-upgrade.yaml': { kind: 'RayService', pods: ['head: ray-head, autoscaler', 'worker small-group: wait-gcs-ready (init), ray-worker'], serve: 'rayservice-incremental-upgrade-xxxxx-serve-svc serve:8000', gateway: true, notes: [] },
  'ray-service.llm-serve.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker gpu-group: wait-gcs-ready (init), ray-worker'], serve: 'ray-serve-llm-serve-svc serve:8000', notes: [] },
  'ray-service.mobilenet.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker worker: wait-gcs-ready (init), ray-worker'], serve: 'rayservice-mobilenet-serve-svc serve:8000', notes: [] },
  'ray-service.no-ray-serve-replica.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], serve: 'rayservice-no-ray-serve-replica-serve-svc serve:8000', notes: [] },
  'ray-service.sample.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], serve: 'rayservice-sample-serve-svc serve:8000', notes: [] },
  'ray-service.stable-diffusion.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker gpu-group: wait-gcs-ready (init), ray-worker'], serve: 'stable-diffusion-serve-svc serve:8000', notes: [] },
  'ray-service.text-ml.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker small-group: wait-gcs-ready (init), ray-worker'], serve: 'rayservice-sample-serve-svc serve:8000', notes: [] },
  'ray-service.text-summarizer.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker gpu-group: wait-gcs-ready (init), ray-worker'], serve: 'text-summarizer-serve-svc serve:8000', notes: [] },
  'ray-service.tpu-single-host.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker tpu-group: wait-gcs-ready (init), ray-worker'], serve: 'stable-diffusion-tpu-serve-svc serve:8000', notes: [] },
  'ray-service.vllm-tpu-v6e-singlehost.yaml': { kind: 'RayService', pods: ['head: ray-head', 'worker tpu-group: wait-gcs-ready (init), ray-worker'], serve: 'vllm-tpu-serve-svc serve:8000', notes: [] },
};

function podsOf(pods: readonly RayPod[]): string[] {
  return pods.map((p) => {
    const init = containersOf(p.pod, 'initContainers').map((c) => `${String(c.name)} (init)`);
    const main = containersOf(p.pod).map((c) => String(c.name));
    return `${p.nodeType === 'head' ? 'head' : `worker ${p.group}`}: ${[...init, ...main].join(', ')}`;
  });
}

function submitterOf(m: RayJobModel): string {
  if (m.submitter !== 'k8s-job') return m.submitter;
  const names = m.submitterPod ? containersOf(m.submitterPod.pod).map((c) => String(c.name)).join(', ') : '';
  return `job (${m.submitterPod?.template} template: ${names})`;
}

/** Every container of every pod has a source path into the document, under one of the expected roots. */
function expectPathsInto(pods: ReadonlyArray<{ pod: JsonObject; source: RayPod['source'] }>, roots: readonly string[], file: string): void {
  for (const p of pods) {
    for (const list of ['containers', 'initContainers'] as const) {
      const paths = p.source.containerPaths?.[list] ?? [];
      const n = containersOf(p.pod, list).length;
      if (paths.length > 0) expect({ file, list, n: paths.length }).toEqual({ file, list, n });
      for (const at of paths) expect({ file, ok: roots.some((r) => at.startsWith(r)), at }).toEqual({ file, ok: true, at });
    }
    expect({ file, ok: roots.some((r) => p.source.specPath.startsWith(r)) }).toEqual({ file, ok: true });
  }
}

describe('KubeRay v1.7.0 RayJob/RayService/RayCronJob samples (../shared/kuberay/samples-jobs)', () => {
  const dir = sharedPath('kuberay', 'samples-jobs');
  const crdDir = sharedPath('kuberay', 'crd');
  const maybe = dir && crdDir ? test : test.skip;

  maybe('every sample is in the table, and builds what the table says', () => {
    const files = fs.readdirSync(dir!).filter((f) => f.endsWith('.yaml')).sort();
    expect(files).toHaveLength(43);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
    // As the API server sees them: unknown fields pruned, nulls pruned (ray-service.high-throughput-gemma4.yaml has `metadata:` empty).
    const clusterCrd = loadCrdValidator(path.join(crdDir!, 'ray.io_rayclusters.yaml'), { rejectUnknownFields: false })!;
    const jobCrd = loadCrdValidator(path.join(crdDir!, 'ray.io_rayjobs.yaml'), { rejectUnknownFields: false })!;
    for (const file of files) {
      const docs = loadDocs(path.join(dir!, file)).filter((d) => ['RayJob', 'RayService', 'RayCronJob'].includes(String(d.kind)));
      expect({ file, objects: docs.length }).toEqual({ file, objects: 1 });
      const doc = docs[0];
      const before = JSON.stringify(doc);
      let actual: Row;
      let cluster: JsonObject | undefined;
      if (doc.kind === 'RayJob') {
        const m = buildRayJob(doc);
        actual = { kind: 'RayJob', mode: m.submissionMode, submitter: submitterOf(m), pods: podsOf(m.rayPods), notes: m.notes.map((n) => n.path) };
        expect({ file, refusals: m.refusals }).toEqual({ file, refusals: [] });
        cluster = m.rayCluster;
        expectPathsInto(m.rayPods, ['spec.rayClusterSpec.', 'spec.submissionMode '], file);
        if (m.submitterPod) expectPathsInto([m.submitterPod], ['spec.submitterPodTemplate.'], file);
      } else if (doc.kind === 'RayService') {
        const m = buildRayService(doc);
        const svc = m.serveService;
        const ports = svc ? (obj(svc.spec).ports as JsonObject[]).map((p) => `${String(p.name)}:${String(p.port)}`).join(',') : '';
        const type = svc && obj(svc.spec).type ? ` ${String(obj(svc.spec).type)}` : '';
        actual = {
          kind: 'RayService',
          pods: podsOf(m.rayPods),
          serve: svc ? `${String(obj(svc.metadata).name)} ${ports}${type}` : 'none',
          ...(m.gateway ? { gateway: true } : {}),
          notes: m.notes.map((n) => n.path),
        };
        expect({ file, refusals: m.refusals }).toEqual({ file, refusals: [] });
        cluster = m.rayCluster;
        expectPathsInto(m.rayPods, ['spec.rayClusterConfig.'], file);
      } else {
        const m = buildRayCronJob(doc);
        actual = {
          kind: 'RayCronJob',
          rayJob: m.rayJobName,
          submitter: submitterOf(m.job),
          pods: podsOf(m.job.rayPods),
          notes: [...m.notes.map((n) => n.path), ...m.job.notes.map((n) => n.path)],
        };
        expect({ file, refusals: m.refusals }).toEqual({ file, refusals: [] });
        expect({ file, rayJob: jobCrd.validate(m.rayJob) }).toEqual({ file, rayJob: [] });
        cluster = m.job.rayCluster;
        expectPathsInto(m.job.rayPods, ['spec.jobTemplate.rayClusterSpec.', 'spec.jobTemplate.submissionMode '], file);
        if (m.job.submitterPod) expectPathsInto([m.job.submitterPod], ['spec.jobTemplate.submitterPodTemplate.'], file);
      }
      expect({ file, ...actual }).toEqual({ file, ...EXPECTED[file] });
      if (cluster) expect({ file, rayCluster: clusterCrd.validate(cluster) }).toEqual({ file, rayCluster: [] });
      expect({ file, unchanged: JSON.stringify(doc) === before }).toEqual({ file, unchanged: true });
    }
  });
});
