/**
 * What runs for one document, as the rules see it: the Ray clusters KubeRay creates from it (with
 * their pods, every path pointing into the document the user wrote), the pods it creates beside
 * them (a RayJob's submitter), the Services built from the user's templates, what KubeRay would
 * refuse, and advisories. One view for RayCluster, RayJob, RayService and RayCronJob, so the rules
 * are written once.
 *
 * @module
 */
import { buildRayCronJob, buildRayJob, buildRayPods, buildRayService, KubeRayRefusal, RayJobModel, RayPod } from '../kuberay';
import type { DocumentKind } from './rules';
import type { TenantPod } from './tenant-isolation';
import { asObject, asString, JsonObject, JsonValue } from '../kubernetes/json';

/** A Ray cluster KubeRay creates from the document. */
export interface EmbeddedCluster {
  /** The RayCluster as KubeRay creates it (its metadata from the document: labels, annotations, namespace). */
  readonly doc: JsonObject;
  /** Its pods, paths pointing into the document. */
  readonly pods: readonly RayPod[];
  /** Where the cluster's spec is in the document: `spec`, `spec.rayClusterSpec`, `spec.rayClusterConfig`, `spec.jobTemplate.rayClusterSpec`. */
  readonly specPath: string;
}

/** A Service KubeRay builds from a template the user wrote (a RayService's `serveService`). */
export interface TemplatedService {
  /** The Service's spec as the user wrote it. */
  readonly spec: JsonObject;
  /** Its path in the document. */
  readonly path: string;
  /** What it is, for messages. */
  readonly what: string;
}

/** Something KubeRay creates that exposes the workload by itself. */
export interface ExposingObject {
  /** The field that makes KubeRay create it. */
  readonly path: string;
  /** Its value. */
  readonly value: JsonValue | undefined;
  /** What KubeRay creates. */
  readonly what: string;
}

/** A finding that does not fail a rule: it is reported, and the verdict stays pass. */
export interface Advisory {
  /** The field it is about. */
  readonly path: string;
  /** What it means. */
  readonly message: string;
  /** What to do. */
  readonly fix?: string;
}

/** The view of one document. */
export interface Workload {
  /** The clusters KubeRay creates (none in a RayJob's clusterSelector mode). */
  readonly clusters: readonly EmbeddedCluster[];
  /** The pods KubeRay creates beside the clusters. */
  readonly pods: readonly TenantPod[];
  /** Services built from the user's templates. */
  readonly services: readonly TemplatedService[];
  /** Objects that expose the workload by themselves. */
  readonly exposing: readonly ExposingObject[];
  /** Why KubeRay would refuse the document (then it creates nothing). */
  readonly refusals: readonly KubeRayRefusal[];
  /** Advisories (warnings). */
  readonly advisories: readonly Advisory[];
}

/** Options that change what KubeRay builds. */
export interface WorkloadOptions {
  /** Whether KubeRay injects its init containers (`ENABLE_INIT_CONTAINER_INJECTION`). */
  readonly initContainerInjection?: boolean;
}

const TOKEN_AUTH_ADVISORY = 'Ray token authentication is off (authOptions.mode is not token): anything that reaches the dashboard port '
  + 'can submit jobs and run code in the cluster; the NetworkPolicies are the only guard';

/** The workload of a document of a Ray kind. */
export function workloadOf(doc: JsonObject, kind: DocumentKind, options: WorkloadOptions = {}): Workload {
  switch (kind) {
    case 'RayCluster': {
      const pods = buildRayPods(doc, { initContainerInjection: options.initContainerInjection });
      return { clusters: [{ doc, pods, specPath: 'spec' }], pods: [], services: [], exposing: [], refusals: [], advisories: authAdvisory(doc, 'spec') };
    }
    case 'RayJob':
      return jobWorkload(buildRayJob(doc, { initContainerInjection: options.initContainerInjection }), '', asObject(doc.spec));
    case 'RayCronJob': {
      const cron = buildRayCronJob(doc, { initContainerInjection: options.initContainerInjection });
      // The RayJob a RayCronJob creates carries none of its labels: the cron's own metadata (tenant,
      // namespace, bounds) is what the platform defined, so the cluster is judged against it.
      const w = jobWorkload(cron.job, 'spec.jobTemplate', asObject(asObject(doc.spec)?.jobTemplate), asObject(doc.metadata));
      return {
        ...w,
        refusals: [...cron.refusals, ...w.refusals],
        advisories: [...w.advisories, {
          path: 'metadata.labels.tenant',
          message: 'KubeRay gives the RayJobs a RayCronJob creates only the label ray.io/cronjob-name: the tenant label does not reach '
            + 'them or their RayClusters (admission rules keyed on it do not see them; the pods keep their template labels)',
        }],
      };
    }
    case 'RayService': {
      const m = buildRayService(doc, { initContainerInjection: options.initContainerInjection });
      const serve = asObject(asObject(asObject(doc.spec)?.serveService)?.spec);
      const clusters = m.rayCluster ? [{ doc: m.rayCluster, pods: m.rayPods, specPath: 'spec.rayClusterConfig' }] : [];
      return {
        clusters,
        pods: [],
        services: serve && !m.incrementalUpgrade ? [{ spec: serve, path: 'spec.serveService.spec', what: 'the serve Service' }] : [],
        exposing: m.incrementalUpgrade ? [{
          path: 'spec.upgradeStrategy.type',
          value: 'NewClusterWithIncrementalUpgrade',
          what: 'KubeRay would create a Gateway (and an HTTPRoute) for the serve traffic, of the class clusterUpgradeOptions.gatewayClassName',
        }] : [],
        refusals: m.refusals,
        advisories: m.rayCluster ? authAdvisory(m.rayCluster, 'spec.rayClusterConfig') : [],
      };
    }
    default:
      return { clusters: [], pods: [], services: [], exposing: [], refusals: [], advisories: [] };
  }
}

/**
 * A RayJob's workload. The cluster's templates are judged as the user wrote them (`jobSpec`'s
 * `rayClusterSpec`): in SidecarMode KubeRay appends its submitter to the head template, and that
 * container is judged in the built head pod, where its path names `spec.submissionMode`.
 */
function jobWorkload(m: RayJobModel, prefix: string, jobSpec: JsonObject | undefined, metadata?: JsonObject): Workload {
  const at = (p: string) => (prefix ? `${prefix}${p.slice('spec'.length)}` : p);
  const written = asObject(jobSpec?.rayClusterSpec);
  const clusters: EmbeddedCluster[] = m.rayCluster && written
    ? [{ doc: { ...m.rayCluster, ...(metadata ? { metadata } : {}), spec: written } as JsonObject, pods: m.rayPods, specPath: at('spec.rayClusterSpec') }]
    : [];
  const pods: TenantPod[] = m.submitterPod
    ? [{ pod: m.submitterPod.pod, source: m.submitterPod.source, injected: m.submitterPod.injected, what: 'the submitter pod' }]
    : [];
  return {
    clusters,
    pods,
    services: [],
    exposing: [],
    refusals: m.refusals,
    advisories: m.rayCluster ? authAdvisory(m.rayCluster, at('spec.rayClusterSpec')) : [],
  };
}

function authAdvisory(cluster: JsonObject, specPath: string): Advisory[] {
  const mode = asString(asObject(asObject(cluster.spec)?.authOptions)?.mode);
  if (mode === 'token') return [];
  return [{
    path: `${specPath}.authOptions.mode`,
    message: TOKEN_AUTH_ADVISORY,
    fix: `set ${specPath}.authOptions.mode: token (KubeRay >= 1.5.1, Ray >= 2.52)`,
  }];
}
