/**
 * What the models of the RayJob, RayService and RayCronJob find besides the objects KubeRay
 * builds: the reasons KubeRay would refuse the object, and the facts that change what runs or
 * when.
 *
 * @module
 */
import type { KubeRayFeatureGate } from './operator';

/**
 * One reason KubeRay would refuse the object: its controller's validation fails, it records a
 * `Warning` event and marks the object failed, and creates nothing from it (no RayCluster, no
 * submitter, no Service). Upstream stops at the first failing check; the models list every
 * check that fails, in upstream order.
 */
export interface KubeRayRefusal {
  /** The upstream check that fails, e.g. `ValidateRayJobSpec` (file `ray-operator/controllers/ray/utils/validation.go`). */
  readonly check: string;
  /** The field at fault, in the document judged (e.g. `spec.submitterPodTemplate`). */
  readonly path: string;
  /** KubeRay's message (its wording, with the Kubernetes name-validation details paraphrased). */
  readonly message: string;
  /** The feature gate the refusal depends on, when it does. */
  readonly gate?: KubeRayFeatureGate;
}

/** A finding that does not stop KubeRay but changes what runs or when (a stuck submission, a gated controller…). */
export interface KubeRayNote {
  /** What the note is about: a field path in the document judged. */
  readonly path: string;
  /** The fact, in a sentence. */
  readonly message: string;
}

/**
 * The refusals of one upstream check, in the order they are found. {@link Refusals.add} prefixes the
 * message as upstream's error wrapping does (`The RayJob spec is invalid: …`); {@link Refusals.addRaw}
 * does not (the errors upstream returns unwrapped).
 */
export class Refusals {
  /** The refusals found so far. */
  readonly out: KubeRayRefusal[] = [];

  /**
   * @param check the upstream check, e.g. `ValidateRayJobSpec`
   * @param prefix put before each message given to {@link Refusals.add}
   */
  constructor(private readonly check: string, private readonly prefix = '') {}

  /** Adds a refusal at `path`, its message prefixed. */
  add(path: string, message: string, gate?: KubeRayFeatureGate): void {
    this.out.push({ check: this.check, path, message: this.prefix + message, ...(gate ? { gate } : {}) });
  }

  /** Adds a refusal at `path` with the message as it is. */
  addRaw(path: string, message: string, gate?: KubeRayFeatureGate): void {
    this.out.push({ check: this.check, path, message, ...(gate ? { gate } : {}) });
  }
}
