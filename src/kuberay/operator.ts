/**
 * The KubeRay operator's own settings that change what it builds from a RayJob, a RayService or a
 * RayCronJob, or what it refuses: its feature gates (`ray-operator/pkg/features/features.go` at
 * v1.7.0), the environment variables the models read, and the placeholder that stands for the
 * random characters KubeRay puts in names.
 *
 * @module
 */
import { KUBERAY_CONTROLLER } from './constants';
import type { KubeRayNote } from './findings';
import { asObject, asString, isMap, JsonObject } from '../kubernetes/json';

/** The KubeRay v1.7.0 feature gates the models read (`pkg/features/features.go`). */
export type KubeRayFeatureGate =
  | 'RayJobDeletionPolicy'
  | 'RayServiceIncrementalUpgrade'
  | 'RayCronJob'
  | 'SidecarSubmitterRestart'
  | 'RayClusterNetworkPolicy'
  | 'GCSFaultToleranceEmbeddedStorage'
  | 'RayClusterMTLS'
  | 'RayClusterHistoryServer';

/** The v1.7.0 defaults of {@link KubeRayFeatureGate} (`defaultFeatureGates` in `pkg/features/features.go`). */
export const DEFAULT_FEATURE_GATES: Readonly<Record<KubeRayFeatureGate, boolean>> = {
  RayJobDeletionPolicy: true, // beta
  RayServiceIncrementalUpgrade: true, // beta
  RayCronJob: false, // alpha
  SidecarSubmitterRestart: false, // alpha
  RayClusterNetworkPolicy: false, // alpha
  GCSFaultToleranceEmbeddedStorage: false, // alpha
  RayClusterMTLS: false, // alpha
  RayClusterHistoryServer: false, // alpha
};

/**
 * What stands for the 5 random characters KubeRay appends to names (`rand.String(5)` in
 * `utils.GenerateRayClusterName` and `utils.GenerateRayJobId`). It has the same length, so name
 * length checks stay exact, and only characters `rand.String` can produce.
 */
export const RANDOM_SUFFIX_PLACEHOLDER = 'xxxxx';

/** Settings of the KubeRay operator that change what it builds or refuses. */
export interface KubeRayOperatorOptions {
  /**
   * Feature gates, over the v1.7.0 defaults ({@link DEFAULT_FEATURE_GATES}). They decide some
   * refusals (e.g. `tlsOptions` without `RayClusterMTLS`), the SidecarMode submitter's restart
   * policy, whether NewClusterWithIncrementalUpgrade is honoured, and whether RayCronJobs run.
   * The pods themselves are built by `buildRayPods` as if its gated injections were on.
   * @default - the v1.7.0 defaults
   */
  readonly featureGates?: Partial<Record<KubeRayFeatureGate, boolean>>;
  /**
   * Operator env `ENABLE_INIT_CONTAINER_INJECTION` (the `wait-gcs-ready` init container).
   * @default true
   */
  readonly initContainerInjection?: boolean;
  /**
   * Operator env `CLUSTER_DOMAIN` (`utils.GetClusterDomainName`), used in the dashboard URL.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Operator env `ENABLE_RAY_HEAD_CLUSTER_IP_SERVICE=true` gives head Services a cluster IP
   * instead of making them headless (`getEnableRayHeadClusterIPService`).
   * @default false
   */
  readonly headServiceClusterIP?: boolean;
  /**
   * Operator env `ENABLE_LOGIN_SHELL=true`: generated commands run `/bin/bash -cel` or `-cl`
   * instead of `-ce`/`-c` (`utils.GetContainerCommand`).
   * @default false
   */
  readonly loginShell?: boolean;
  /**
   * Stands for the 5 random characters KubeRay appends to the RayCluster name and job id.
   * @default 'xxxxx' ({@link RANDOM_SUFFIX_PLACEHOLDER})
   */
  readonly randomSuffix?: string;
}

/** The effective feature gates: the defaults overridden by `options.featureGates`. */
export function featureGates(options?: KubeRayOperatorOptions): Record<KubeRayFeatureGate, boolean> {
  const out: Record<KubeRayFeatureGate, boolean> = { ...DEFAULT_FEATURE_GATES };
  const given = options?.featureGates;
  if (isMap(given)) {
    for (const gate of Object.keys(DEFAULT_FEATURE_GATES) as KubeRayFeatureGate[]) {
      const v: unknown = (given as Record<string, unknown>)[gate];
      if (typeof v === 'boolean') out[gate] = v;
    }
  }
  return out;
}

/** The random-suffix placeholder in effect. */
export function randomSuffix(options?: KubeRayOperatorOptions): string {
  const s = options?.randomSuffix;
  return typeof s === 'string' && s !== '' ? s : RANDOM_SUFFIX_PLACEHOLDER;
}

/** Mirrors `utils.GetContainerCommand`: `/bin/bash -c<opts>[l] --`. */
export function containerCommand(extra: string, options?: KubeRayOperatorOptions): string[] {
  return ['/bin/bash', `-c${extra}${options?.loginShell === true ? 'l' : ''}`, '--'];
}

/**
 * Mirrors `utils.ManagedByExternalController`: the note when `spec.managedBy` names another
 * controller than this operator (`KUBERAY_CONTROLLER`), which then skips the object.
 */
export function managedByNote(kind: 'RayJob' | 'RayService', managedBy: unknown): KubeRayNote | undefined {
  if (typeof managedBy !== 'string' || managedBy === KUBERAY_CONTROLLER) return undefined;
  return {
    path: 'spec.managedBy',
    message: `spec.managedBy is ${managedBy}: KubeRay on this cluster skips the ${kind} (ManagedByExternalController); `
      + 'MultiKueue dispatches a copy to a worker cluster, where KubeRay builds what this model shows',
  };
}

/** The object's `metadata.name`, or `<generateName>` plus the random-suffix placeholder, or `''`. */
export function objectName(doc: JsonObject, options?: KubeRayOperatorOptions): string {
  const md = asObject(doc.metadata);
  const name = asString(md?.name);
  if (name) return name;
  const gen = asString(md?.generateName);
  return gen ? `${gen}${randomSuffix(options)}` : '';
}
