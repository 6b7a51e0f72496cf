/**
 * A pure model of what the KubeRay v1.7.0 operator builds from a RayCronJob: at each tick of its
 * schedule, a RayJob from `spec.jobTemplate`, and from that RayJob what the RayJob model shows.
 *
 * Read from KubeRay tag v1.7.0 (commit 59d663aeec13760646da3db9c1cf8cfe883e30b7):
 * `ray-operator/controllers/ray/raycronjob_controller.go` (`Reconcile`, `constructRayJob`,
 * `getRayJobName`, `getTimeHashInMinutes`, `formatSchedule`), `ray-operator/main.go` (the
 * controller starts only with the `RayCronJob` feature gate, alpha, off by default) and
 * `ray-operator/controllers/ray/utils/validation.go` (`ValidateRayCronJobSpec`).
 *
 * The RayJob's name is `<raycronjob>-<minutes since the Unix epoch of the scheduled time>`; the
 * model uses a fixed scheduled time unless one is given ({@link BuildRayCronJobOptions.scheduledTime}).
 *
 * @module
 */

import { KUBERAY_ORIGIN_LABELS } from './constants';
import { KubeRayNote, KubeRayRefusal } from './findings';
import { featureGates } from './operator';
import { buildRayJob, BuildRayJobOptions, RayJobModel, rebaseRayJobModel } from './rayjob';
import { validateRayCronJob } from './validate-workloads';
import { asObject, asString, cloneMap, isMap, JsonMap, JsonObject } from '../kubernetes/json';

/** The scheduled time the model uses when none is given: 2026-01-01T00:00:00Z. */
export const DEFAULT_SCHEDULED_TIME = '2026-01-01T00:00:00Z';

/** Options of {@link buildRayCronJob}. */
export interface BuildRayCronJobOptions extends BuildRayJobOptions {
  /**
   * The tick to build the RayJob for (ISO 8601 or a Date).
   * @default '2026-01-01T00:00:00Z' ({@link DEFAULT_SCHEDULED_TIME})
   */
  readonly scheduledTime?: string | Date;
}

/** What KubeRay v1.7.0 builds from one RayCronJob, at one tick. */
export interface RayCronJobModel {
  /** The RayCronJob's name. */
  readonly name: string;
  /** Its namespace, when the manifest sets one. */
  readonly namespace?: string;
  /** Whether the RayCronJob controller runs (feature gate `RayCronJob`, alpha, off by default); when off, nothing is ever created. */
  readonly controllerEnabled: boolean;
  /** `spec.suspend: true`: no new RayJob is created (existing ones are left alone). */
  readonly suspended: boolean;
  /** The RayJob's name at this tick: `<raycronjob>-<Unix minutes>`. */
  readonly rayJobName: string;
  /** The RayJob KubeRay creates at this tick. */
  readonly rayJob: JsonObject;
  /** What KubeRay builds from that RayJob; every path points into the RayCronJob (`spec.jobTemplate…`). */
  readonly job: RayJobModel;
  /** Why KubeRay would refuse the RayCronJob (`ValidateRayCronJobSpec`: no RayJob is created) or its RayJob (`ValidateRayJobMetadata`). */
  readonly refusals: KubeRayRefusal[];
  /** Facts that change what runs or when. */
  readonly notes: KubeRayNote[];
}

function scheduledDate(given: string | Date | undefined): Date {
  const d = given instanceof Date ? given : new Date(typeof given === 'string' ? given : DEFAULT_SCHEDULED_TIME);
  return Number.isFinite(d.getTime()) ? d : new Date(DEFAULT_SCHEDULED_TIME);
}

/** Mirrors `time.Time.UTC().Format(time.RFC3339)`: seconds precision, `Z`. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * What KubeRay v1.7.0 builds from a RayCronJob. Never throws; does not mutate `rayCronJob`.
 *
 * The RayJob (mirrors `constructRayJob`): name `<raycronjob>-<Unix minutes>`, the RayCronJob's
 * namespace, the only label `ray.io/cronjob-name: <raycronjob>` (the RayCronJob's own labels and
 * annotations are not copied, so they reach neither the RayJob nor its RayCluster), the
 * annotation `ray.io/cronjob-scheduled-timestamp`, and `spec` a copy of `spec.jobTemplate`.
 */
export function buildRayCronJob(rayCronJob: JsonObject, options?: BuildRayCronJobOptions): RayCronJobModel {
  const doc: JsonObject = isMap(rayCronJob) ? rayCronJob : {};
  const md = asObject(doc.metadata);
  const spec = asObject(doc.spec) ?? {};
  const name = asString(md?.name) ?? '';
  const namespace = asString(md?.namespace);
  const when = scheduledDate(options?.scheduledTime);
  const rayJobName = `${name}-${Math.floor(when.getTime() / 60000)}`;
  const notes: KubeRayNote[] = [];
  const controllerEnabled = featureGates(options).RayCronJob;
  if (!controllerEnabled) {
    notes.push({
      path: 'kind',
      message: 'the RayCronJob controller runs only with the alpha feature gate RayCronJob (off by default): without it KubeRay creates nothing',
    });
  }
  const suspended = spec.suspend === true;
  if (suspended) notes.push({ path: 'spec.suspend', message: 'spec.suspend is true: no new RayJob is created' });

  const rayJobMeta: JsonMap = {
    name: rayJobName,
    labels: { [KUBERAY_ORIGIN_LABELS.cronJobName]: name },
    annotations: { [KUBERAY_ORIGIN_LABELS.cronJobScheduledTimestamp]: rfc3339(when) },
  };
  if (namespace) rayJobMeta.namespace = namespace;
  const rayJob: JsonObject = { apiVersion: 'ray.io/v1', kind: 'RayJob', metadata: rayJobMeta, spec: cloneMap(spec.jobTemplate) };
  const job = rebaseRayJobModel(buildRayJob(rayJob, options), 'spec.jobTemplate');
  const refusals: KubeRayRefusal[] = [
    ...validateRayCronJob(doc, options),
    // The RayJob's own name check: `<raycronjob>-<minutes>` must be a DNS-1035 label of at most 47 characters.
    ...job.refusals.filter((r) => r.check === 'ValidateRayJobMetadata'),
  ];
  return {
    name,
    ...(namespace ? { namespace } : {}),
    controllerEnabled,
    suspended,
    rayJobName,
    rayJob,
    job: { ...job, refusals: job.refusals },
    refusals,
    notes,
  };
}
