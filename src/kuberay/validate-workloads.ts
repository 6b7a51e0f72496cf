/**
 * A pure model of the validation the KubeRay v1.7.0 controllers run on a RayJob, a RayService and
 * a RayCronJob before they build anything: when a check fails, the controller records a `Warning`
 * event, marks the object failed (RayJob `ValidationFailed`, RayService condition
 * `ValidationFailed`) or skips it (RayCronJob), and creates no RayCluster, no pod and no Service
 * from it. The embedded RayClusterSpec is judged by `validateRayClusterSpec`.
 *
 * Read from `ray-operator/controllers/ray/utils/validation.go` at v1.7.0
 * (`ValidateRayJobMetadata`, `ValidateRayJobSpec`, `validateDeletionConfiguration`,
 * `validateLegacyDeletionPolicies`, `validateDeletionRules`, `ValidateRayServiceMetadata`,
 * `validateInitializingTimeout`, `ValidateRayServiceSpec`, `ValidateClusterUpgradeOptions`,
 * `ValidateRayCronJobSpec`) with the constants of `utils/constant.go` (`MaxRayJobNameLength` 47,
 * `MaxRayServiceNameLength` 47, `MaxRayCronJobNameLength` 36) and the feature-gate defaults of
 * `pkg/features/features.go`.
 *
 * Upstream returns the first failing check; these functions return every failing check, in
 * upstream order. Not modelled: the API server's own schema and CEL validation of the CRDs
 * (required fields, types, `managedBy` values), `ValidateRayJobStatus` (status is not in a
 * manifest), and the validating webhooks (off unless the operator sets `ENABLE_WEBHOOKS=true`;
 * they only re-run the name checks).
 *
 * @module
 */

import { MAX_RAY_CRON_JOB_NAME_LENGTH, MAX_RAY_JOB_NAME_LENGTH, MAX_RAY_SERVICE_NAME_LENGTH, RAY_LABELS } from './constants';
import { cronScheduleError, validTimeZone } from './cron';
import { KubeRayRefusal, Refusals } from './findings';
import { featureGates, KubeRayFeatureGate, KubeRayOperatorOptions } from './operator';
import { rebaseFinding } from './rebase';
import { runtimeEnvError } from './runtime-env';
import { validateRayClusterSpec } from './validate-cluster';
import { parseGoDuration } from '../kubernetes/go-format';
import { asArray, asInteger, asObject, asString, JsonObject, stringMap } from '../kubernetes/json';
import { dns1035LabelErrors } from '../kubernetes/names';

type Gates = Record<KubeRayFeatureGate, boolean>;

// ---------------------------------------------------------------------------------------------
// RayJob
// ---------------------------------------------------------------------------------------------

/** Mirrors `ValidateRayJobMetadata`: name at most 47 characters and a DNS-1035 label. */
export function validateRayJobMetadata(name: string): KubeRayRefusal[] {
  const c = new Refusals('ValidateRayJobMetadata', 'The RayJob metadata is invalid: ');
  if (name.length > MAX_RAY_JOB_NAME_LENGTH) c.add('metadata.name', `RayJob name should be no more than ${MAX_RAY_JOB_NAME_LENGTH} characters`);
  const errs = dns1035LabelErrors(name);
  if (errs.length > 0) c.add('metadata.name', `RayJob name should be a valid DNS1035 label: [${errs.join(', ')}]`);
  return c.out;
}

function deletionConfiguration(c: Refusals, spec: JsonObject, gates: Gates): void {
  const shutdown = spec.shutdownAfterJobFinishes === true;
  const ttl = asInteger(spec.ttlSecondsAfterFinished) ?? 0;
  if (!shutdown && ttl > 0) {
    c.add('spec.ttlSecondsAfterFinished', 'a RayJob with shutdownAfterJobFinishes set to false cannot have TTLSecondsAfterFinished');
  }
  const strategy = asObject(spec.deletionStrategy);
  if (!strategy) return;
  if (!gates.RayJobDeletionPolicy) {
    c.addRaw('spec.deletionStrategy', 'RayJobDeletionPolicy feature gate must be enabled to use DeletionStrategy', 'RayJobDeletionPolicy');
    return;
  }
  const legacy = strategy.onSuccess !== undefined || strategy.onFailure !== undefined;
  const rules = asArray(strategy.deletionRules);
  const selector = Object.keys(stringMap(spec.clusterSelector)).length > 0;
  const autoscaling = asObject(spec.rayClusterSpec)?.enableInTreeAutoscaling === true;
  if (rules.length > 0 && shutdown) {
    c.add('spec.deletionStrategy.deletionRules', 'spec.shutdownAfterJobFinishes and spec.deletionStrategy.deletionRules are mutually exclusive');
    return;
  }
  if (rules.length > 0 && legacy) {
    c.add('spec.deletionStrategy', 'Cannot use both legacy onSuccess/onFailure fields and deletionRules simultaneously');
    return;
  }
  if (legacy) {
    const onSuccess = asObject(strategy.onSuccess);
    const onFailure = asObject(strategy.onFailure);
    if (!onSuccess || !onFailure) {
      c.addRaw('spec.deletionStrategy', 'both DeletionStrategy.OnSuccess and DeletionStrategy.OnFailure must be set when using the legacy deletion policy fields of DeletionStrategy');
      return;
    }
    const s = asString(onSuccess.policy);
    const f = asString(onFailure.policy);
    if (s === undefined) { c.addRaw('spec.deletionStrategy.onSuccess.policy', 'the DeletionPolicyType field of DeletionStrategy.OnSuccess cannot be unset when DeletionStrategy is enabled'); return; }
    if (f === undefined) { c.addRaw('spec.deletionStrategy.onFailure.policy', 'the DeletionPolicyType field of DeletionStrategy.OnFailure cannot be unset when DeletionStrategy is enabled'); return; }
    if (selector && (s === 'DeleteCluster' || s === 'DeleteWorkers')) { c.addRaw('spec.deletionStrategy.onSuccess.policy', `the ClusterSelector mode doesn't support DeletionStrategy=${s} on success`); return; }
    if (selector && (f === 'DeleteCluster' || f === 'DeleteWorkers')) { c.addRaw('spec.deletionStrategy.onFailure.policy', `the ClusterSelector mode doesn't support DeletionStrategy=${f} on failure`); return; }
    if ((s === 'DeleteWorkers' || f === 'DeleteWorkers') && autoscaling) {
      c.addRaw('spec.deletionStrategy', 'DeletionStrategy=DeleteWorkers currently does not support RayCluster with autoscaling enabled');
      return;
    }
    if (shutdown && (s === 'DeleteNone' || f === 'DeleteNone')) {
      c.addRaw('spec.deletionStrategy', "The RayJob spec is invalid: shutdownAfterJobFinshes is set to 'true' while deletion policy is 'DeleteNone'");
    }
    return;
  }
  if (rules.length === 0) {
    c.add('spec.deletionStrategy', 'DeletionStrategy requires either BOTH onSuccess and onFailure, OR the deletionRules field (cannot be empty)');
    return;
  }
  // validateDeletionRules: per-rule checks, uniqueness, then TTL order Workers <= Cluster <= Self.
  const byStatus = new Map<string, Map<string, number>>();
  rules.forEach((r, i) => {
    const rule = asObject(r) ?? {};
    const cond = asObject(rule.condition) ?? {};
    const path = `spec.deletionStrategy.deletionRules[${i}]`;
    const js = asString(cond.jobStatus);
    const jds = asString(cond.jobDeploymentStatus);
    if (js !== undefined && jds !== undefined) { c.addRaw(`${path}.condition`, `deletionRules[${i}]: cannot set both JobStatus and JobDeploymentStatus at the same time`); return; }
    if (js === undefined && jds === undefined) { c.addRaw(`${path}.condition`, `deletionRules[${i}]: exactly one of JobStatus and JobDeploymentStatus must be set`); return; }
    const ttlSeconds = asInteger(cond.ttlSeconds) ?? 0;
    if (ttlSeconds < 0) { c.addRaw(`${path}.condition.ttlSeconds`, `deletionRules[${i}]: TTLSeconds must be non-negative`); return; }
    const policy = asString(rule.policy) ?? '';
    if (selector && (policy === 'DeleteCluster' || policy === 'DeleteWorkers')) {
      c.addRaw(`${path}.policy`, `deletionRules[${i}]: DeletionPolicyType '${policy}' not supported when ClusterSelector is set`);
      return;
    }
    if (autoscaling && policy === 'DeleteWorkers') {
      c.addRaw(`${path}.policy`, `deletionRules[${i}]: DeletionPolicyType 'DeleteWorkers' not supported with autoscaling enabled`);
      return;
    }
    const key = js !== undefined ? `JobStatus '${js}'` : `JobDeploymentStatus '${jds}'`;
    const policies = byStatus.get(key) ?? new Map<string, number>();
    byStatus.set(key, policies);
    if (policies.has(policy)) {
      c.addRaw(`${path}`, `deletionRules[${i}]: duplicate rule for DeletionPolicyType '${policy}' and ${key}`);
      return;
    }
    policies.set(policy, ttlSeconds);
  });
  for (const [key, policies] of byStatus) {
    let prev: [string, number] | undefined;
    for (const p of ['DeleteWorkers', 'DeleteCluster', 'DeleteSelf']) {
      const ttlSeconds = policies.get(p);
      if (ttlSeconds === undefined) continue;
      if (prev && ttlSeconds < prev[1]) {
        c.addRaw('spec.deletionStrategy.deletionRules', `for ${key}: ${p} TTL (${ttlSeconds}) must be >= ${prev[0]} TTL (${prev[1]})`);
      }
      prev = [p, ttlSeconds];
    }
  }
}

/**
 * Mirrors `ValidateRayJobSpec(rayJob)`. `annotations` are the RayJob's (passed to
 * `ValidateRayClusterSpec`); `runtimeEnvYAML` is parsed as YAML 1.1, as Go's yaml.v2 does.
 * Paths point into the RayJob.
 */
export function validateRayJobSpec(spec: unknown, annotations: Record<string, string>, options?: KubeRayOperatorOptions): KubeRayRefusal[] {
  const c = new Refusals('ValidateRayJobSpec', 'The RayJob spec is invalid: ');
  const gates = featureGates(options);
  const s = asObject(spec) ?? {};
  const suspend = s.suspend === true;
  const shutdown = s.shutdownAfterJobFinishes === true;
  const mode = s.submissionMode === undefined ? 'K8sJobMode' : s.submissionMode;
  if (suspend && !shutdown) c.add('spec.suspend', 'a RayJob with shutdownAfterJobFinishes set to false is not allowed to be suspended');
  const ttl = asInteger(s.ttlSecondsAfterFinished) ?? 0;
  if (ttl < 0) c.add('spec.ttlSecondsAfterFinished', 'TTLSecondsAfterFinished must be a non-negative integer');
  deletionConfiguration(c, s, gates);

  const selector = stringMap(s.clusterSelector);
  const selectorMode = Object.keys(selector).length > 0;
  const backoff = asInteger(s.backoffLimit);
  if (suspend && selectorMode) c.add('spec.suspend', "the ClusterSelector mode doesn't support the suspend operation");
  const clusterSpec = s.rayClusterSpec;
  const hasClusterSpec = clusterSpec !== undefined && clusterSpec !== null;
  if (!hasClusterSpec && !selectorMode) c.add('spec.rayClusterSpec', 'one of RayClusterSpec or ClusterSelector must be set');
  if (selectorMode) {
    if ((selector[RAY_LABELS.cluster] ?? '') === '') c.addRaw('spec.clusterSelector', 'cluster name in ClusterSelector should not be empty');
    if (mode === 'SidecarMode') c.addRaw('spec.submissionMode', 'ClusterSelector is not supported in SidecarMode');
    if (backoff !== undefined && backoff > 0) c.add('spec.backoffLimit', 'BackoffLimit is incompatible with ClusterSelector mode');
  }
  if (mode === 'InteractiveMode' && backoff !== undefined && backoff > 0) c.add('spec.backoffLimit', 'BackoffLimit is incompatible with InteractiveMode');
  if (mode === 'SidecarMode') {
    if (s.submitterPodTemplate !== undefined && s.submitterPodTemplate !== null) c.addRaw('spec.submitterPodTemplate', "Currently, SidecarMode doesn't support SubmitterPodTemplate");
    if (s.submitterConfig !== undefined && s.submitterConfig !== null) c.addRaw('spec.submitterConfig', "Currently, SidecarMode doesn't support SubmitterConfig");
    const rp = asString(asObject(asObject(asObject(asObject(clusterSpec)?.headGroupSpec)?.template)?.spec)?.restartPolicy) ?? '';
    if (rp !== '' && rp !== 'Never') c.addRaw('spec.rayClusterSpec.headGroupSpec.template.spec.restartPolicy', 'restartPolicy for head Pod should be Never or unset when using SidecarMode');
  }
  if (hasClusterSpec) {
    if (asObject(asObject(clusterSpec)?.authOptions)?.enableK8sTokenAuth === true) {
      c.add('spec.rayClusterSpec.authOptions.enableK8sTokenAuth', 'K8s token auth mode is currently not supported for RayJob');
    }
    for (const r of validateRayClusterSpec(clusterSpec, annotations, options, 'The RayJob spec is invalid: ')) {
      c.out.push(rebaseFinding(r, 'spec.rayClusterSpec'));
    }
  }
  const runtimeEnv = asString(s.runtimeEnvYAML) ?? '';
  const envErr = runtimeEnvError(runtimeEnv);
  if (envErr) c.addRaw('spec.runtimeEnvYAML', envErr);
  const deadline = asInteger(s.activeDeadlineSeconds);
  if (deadline !== undefined && deadline <= 0) c.add('spec.activeDeadlineSeconds', 'activeDeadlineSeconds must be a positive integer');
  const pre = asInteger(s.preRunningDeadlineSeconds);
  if (pre !== undefined && pre <= 0) c.add('spec.preRunningDeadlineSeconds', 'preRunningDeadlineSeconds must be a positive integer');
  if (backoff !== undefined && backoff < 0) c.add('spec.backoffLimit', 'backoffLimit must be a positive integer');
  return c.out;
}

// ---------------------------------------------------------------------------------------------
// RayService
// ---------------------------------------------------------------------------------------------

/** Mirrors `ValidateRayServiceMetadata`: name at most 47 characters, a DNS-1035 label, and a valid `ray.io/initializing-timeout`. */
export function validateRayServiceMetadata(name: string, annotations: Record<string, string>): KubeRayRefusal[] {
  const c = new Refusals('ValidateRayServiceMetadata', 'The RayService metadata is invalid: ');
  if (name.length > MAX_RAY_SERVICE_NAME_LENGTH) c.add('metadata.name', `RayService name should be no more than ${MAX_RAY_SERVICE_NAME_LENGTH} characters`);
  const errs = dns1035LabelErrors(name);
  if (errs.length > 0) c.add('metadata.name', `RayService name should be a valid DNS1035 label: [${errs.join(', ')}]`);
  const timeout = annotations['ray.io/initializing-timeout'];
  if (timeout !== undefined && timeout !== '') {
    const path = 'metadata.annotations["ray.io/initializing-timeout"]';
    const prefix = 'RayService annotations is invalid: ';
    const d = parseGoDuration(timeout);
    if (d !== undefined) {
      if (d <= 0) c.add(path, `${prefix}annotation ray.io/initializing-timeout must be a positive duration, got: ${timeout}`);
    } else if (/^[-+]?\d+$/.test(timeout)) {
      if (Number(timeout) <= 0) c.add(path, `${prefix}annotation ray.io/initializing-timeout must be a positive integer (seconds), got: ${timeout}`);
    } else {
      c.add(path, `${prefix}annotation ray.io/initializing-timeout has invalid format: ${timeout}. Expected Go duration format (e.g., '5m', '1h') or positive integer seconds`);
    }
  }
  return c.out;
}

/** True when KubeRay runs NewClusterWithIncrementalUpgrade for this RayService spec (`utils.IsIncrementalUpgradeEnabled`). */
export function isIncrementalUpgrade(spec: unknown, options?: KubeRayOperatorOptions): boolean {
  return featureGates(options).RayServiceIncrementalUpgrade
    && asObject(asObject(spec)?.upgradeStrategy)?.type === 'NewClusterWithIncrementalUpgrade';
}

/** Mirrors `ValidateRayServiceSpec(rayService)`; paths point into the RayService. */
export function validateRayServiceSpec(spec: unknown, annotations: Record<string, string>, options?: KubeRayOperatorOptions): KubeRayRefusal[] {
  const c = new Refusals('ValidateRayServiceSpec', 'The RayService spec is invalid: ');
  const s = asObject(spec) ?? {};
  const clusterSpec = asObject(s.rayClusterConfig);
  if (asObject(clusterSpec?.authOptions)?.enableK8sTokenAuth === true) {
    c.add('spec.rayClusterConfig.authOptions.enableK8sTokenAuth', 'K8s token auth mode is currently not supported for RayService');
  }
  for (const r of validateRayClusterSpec(clusterSpec ?? {}, annotations, options, 'The RayService spec is invalid: ')) {
    c.out.push(rebaseFinding(r, 'spec.rayClusterConfig'));
  }
  const headServiceName = asString(asObject(asObject(asObject(clusterSpec?.headGroupSpec)?.headService)?.metadata)?.name) ?? '';
  if (headServiceName !== '') {
    c.add('spec.rayClusterConfig.headGroupSpec.headService.metadata.name', 'spec.rayClusterConfig.headGroupSpec.headService.metadata.name should not be set');
  }
  const type = asObject(s.upgradeStrategy)?.type;
  if (typeof type === 'string' && !['None', 'NewCluster', 'NewClusterWithIncrementalUpgrade'].includes(type)) {
    c.add('spec.upgradeStrategy.type', `Spec.UpgradeStrategy.Type value ${type} is invalid, valid options are NewClusterWithIncrementalUpgrade, NewCluster, or None`);
  }
  const delay = asInteger(s.rayClusterDeletionDelaySeconds);
  if (delay !== undefined && delay < 0) {
    c.add('spec.rayClusterDeletionDelaySeconds', `Spec.RayClusterDeletionDelaySeconds should be a non-negative integer, got ${delay}`);
  }
  if (isIncrementalUpgrade(s, options)) {
    const base = 'spec.upgradeStrategy.clusterUpgradeOptions';
    if (clusterSpec?.enableInTreeAutoscaling !== true) {
      c.add('spec.rayClusterConfig.enableInTreeAutoscaling', 'Ray Autoscaler is required for NewClusterWithIncrementalUpgrade');
    } else {
      const o = asObject(asObject(s.upgradeStrategy)?.clusterUpgradeOptions);
      if (!o) {
        c.add(base, 'ClusterUpgradeOptions are required for NewClusterWithIncrementalUpgrade');
      } else {
        const surge = asInteger(o.maxSurgePercent) ?? 100; // CRD default
        const step = asInteger(o.stepSizePercent);
        const interval = asInteger(o.intervalSeconds);
        if (surge < 0 || surge > 100) c.add(`${base}.maxSurgePercent`, 'maxSurgePercent must be between 0 and 100');
        else if (step === undefined || step < 0 || step > 100) c.add(`${base}.stepSizePercent`, 'stepSizePercent must be between 0 and 100');
        else if (step > surge) c.add(`${base}.stepSizePercent`, 'stepSizePercent must be less than or equal to maxSurgePercent');
        else if (interval === undefined || interval <= 0) c.add(`${base}.intervalSeconds`, 'intervalSeconds must be greater than 0');
        else if ((asString(o.gatewayClassName) ?? '') === '') c.add(`${base}.gatewayClassName`, 'gatewayClassName is required for NewClusterWithIncrementalUpgrade');
      }
    }
  }
  return c.out;
}

// ---------------------------------------------------------------------------------------------
// RayCronJob
// ---------------------------------------------------------------------------------------------

/**
 * Mirrors `ValidateRayCronJobSpec`: name at most 36 characters, a standard cron `schedule`
 * without `TZ`, a loadable `timeZone`, then `ValidateRayJobSpec` on `jobTemplate` (as a RayJob
 * without metadata). Paths point into the RayCronJob. The time zone is checked against the IANA
 * database of this JavaScript runtime (upstream: Go's embedded `time/tzdata`).
 */
export function validateRayCronJob(cronJob: JsonObject, options?: KubeRayOperatorOptions): KubeRayRefusal[] {
  const c = new Refusals('ValidateRayCronJobSpec');
  const name = asString(asObject(cronJob.metadata)?.name) ?? '';
  const spec = asObject(cronJob.spec) ?? {};
  if (name.length > MAX_RAY_CRON_JOB_NAME_LENGTH) c.add('metadata.name', `RayCronJob name should be no more than ${MAX_RAY_CRON_JOB_NAME_LENGTH} characters`);
  const schedule = asString(spec.schedule) ?? '';
  if (schedule.includes('TZ')) {
    c.add('spec.schedule', 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  } else {
    const err = cronScheduleError(schedule);
    if (err) c.add('spec.schedule', `invalid cron schedule: ${err}`);
  }
  if (spec.timeZone !== undefined && spec.timeZone !== null) {
    const tz = asString(spec.timeZone) ?? '';
    if (tz === '') c.add('spec.timeZone', 'timeZone must not be empty string, omit the field to use the local time zone of the KubeRay operator');
    else if (!validTimeZone(tz)) c.add('spec.timeZone', `invalid time zone: unknown time zone ${tz}`);
  }
  for (const r of validateRayJobSpec(spec.jobTemplate, {}, options)) {
    c.out.push({ ...rebaseFinding(r, 'spec.jobTemplate'), check: 'ValidateRayCronJobSpec', message: `invalid RayJob template: ${r.message}` });
  }
  return c.out;
}
