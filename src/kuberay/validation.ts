/**
 * A pure model of the validation the KubeRay v1.7.0 controllers run before they build anything:
 * when a check fails, the controller records a `Warning` event, marks the object failed (RayJob
 * `ValidationFailed`, RayService condition `ValidationFailed`) or skips it (RayCluster,
 * RayCronJob), and creates no RayCluster, no pod and no Service from it.
 *
 * Read from `ray-operator/controllers/ray/utils/validation.go` at v1.7.0 (`ValidateRayClusterSpec`,
 * `validateRayGroupResources`, `validateRayGroupLabels`, `validateGcsFaultToleranceBackend`,
 * `validateNetworkPolicy`, `validateTLSOptions`, `validateNoConflictingTLSVolumeMount`,
 * `validateWorkerGroupIdleTimeout`, `validateCollectorOptions`, `validateWorkerGroupPriority`,
 * `ValidateRayJobMetadata`, `ValidateRayJobSpec`, `validateDeletionConfiguration`,
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

import {
  arr, compareVersions, dns1035LabelErrors, dns1123LabelErrors, featureGates, hasNamed, int, isObj, KubeRayFeatureGate,
  KubeRayOperatorOptions, KubeRayRefusal, labelValueErrors, named, Obj, objOf, parseGenericVersion, qualifiedNameErrors,
  rayContainerOf, rebaseFinding, str, stringMap,
} from './common';
import type { JsonObject } from '../kubernetes/json';

/** `utils.MaxRayClusterNameLength`. */
export const MAX_RAY_CLUSTER_NAME_LENGTH = 53;
/** `utils.MaxRayJobNameLength` (53 - 6: the RayCluster adds `-` and 5 random characters). */
export const MAX_RAY_JOB_NAME_LENGTH = 47;
/** `utils.MaxRayServiceNameLength` (53 - 6). */
export const MAX_RAY_SERVICE_NAME_LENGTH = 47;
/** `utils.MaxRayCronJobNameLength` (47 - 11: the RayJob adds `-` and up to 10 digits). */
export const MAX_RAY_CRON_JOB_NAME_LENGTH = 36;

type Gates = Record<KubeRayFeatureGate, boolean>;

class Collector {
  readonly out: KubeRayRefusal[] = [];
  constructor(private readonly check: string, private readonly prefix = '') {}
  add(path: string, message: string, gate?: KubeRayFeatureGate): void {
    this.out.push({ check: this.check, path, message: this.prefix + message, ...(gate ? { gate } : {}) });
  }
}

function envOf(container: Obj | undefined): unknown {
  return container?.env;
}

function envValue(container: Obj | undefined, name: string): string | undefined {
  const e = named(envOf(container), name);
  return e ? (str(e.value) ?? '') : undefined;
}

function isAutoscalingV2(spec: Obj): boolean {
  return objOf(spec.autoscalerOptions)?.version === 'v2';
}

// ---------------------------------------------------------------------------------------------
// ValidateRayClusterSpec
// ---------------------------------------------------------------------------------------------

function groupResources(c: Collector, groupName: string, path: string, group: Obj): void {
  const params = stringMap(group.rayStartParams);
  const has = ['num-cpus', 'num-gpus', 'memory', 'resources'].some((k) => (params[k] ?? '') !== '');
  if (has && Object.keys(stringMap(group.resources)).length > 0) {
    c.add(`${path}.resources`, `resource fields should not be set in both rayStartParams and Resources for ${groupName} group; please use only one`);
  }
}

function groupLabels(c: Collector, groupName: string, path: string, group: Obj): void {
  if (isObj(group.rayStartParams) && group.rayStartParams.labels !== undefined) {
    c.add(`${path}.rayStartParams.labels`, `rayStartParams['labels'] is not supported for ${groupName} group; please use the top-level Labels field instead`);
  }
  const errs: string[] = [];
  for (const [k, v] of Object.entries(stringMap(group.labels))) {
    for (const e of qualifiedNameErrors(k)) errs.push(`invalid label key for ${groupName} group: '${k}', error: ${e}`);
    for (const e of labelValueErrors(v)) errs.push(`invalid label value for key '${k}' in ${groupName} group: '${v}', error: ${e}`);
  }
  if (errs.length > 0) c.add(`${path}.labels`, errs.join('; '));
}

function idleTimeout(c: Collector, spec: Obj, group: Obj, path: string, groupName: string): void {
  const t = int(group.idleTimeoutSeconds);
  if (t === undefined) return;
  if (t < 0) {
    c.add(`${path}.idleTimeoutSeconds`, `worker group ${groupName}: idleTimeoutSeconds must be non-negative, got ${t}`);
    return;
  }
  if (isAutoscalingV2(spec)) return;
  const env = envValue(rayContainerOf(objOf(spec.headGroupSpec)?.template), 'RAY_enable_autoscaler_v2');
  if (env === '1' || env === 'true') return;
  c.add(`${path}.idleTimeoutSeconds`, `worker group ${groupName}: idleTimeoutSeconds is set, but autoscaler v2 is not enabled. Please set `
    + ".spec.autoscalerOptions.version to 'v2' (or set RAY_enable_autoscaler_v2 environment variable to 'true' in the head pod if using KubeRay < 1.4.0)");
}

function priority(c: Collector, spec: Obj, group: Obj, path: string, groupName: string): void {
  const p = int(group.priority);
  if (p === undefined || p === 0) return;
  const rayVersion = str(spec.rayVersion) ?? '';
  if (rayVersion === '') {
    c.add(`${path}.priority`, `worker group ${groupName}: priority is set, but RayVersion was not specified. Ray version 2.56.0 or later is required`);
    return;
  }
  const v = parseGenericVersion(rayVersion);
  if (!v) {
    c.add('spec.rayVersion', `worker group ${groupName}: priority is set, but RayVersion format is invalid: ${rayVersion}`);
    return;
  }
  if (compareVersions(v, [2, 56, 0]) < 0) {
    c.add(`${path}.priority`, `worker group ${groupName}: priority is set, but minimum Ray version is 2.56.0, got ${rayVersion}`);
    return;
  }
  if (isAutoscalingV2(spec)) return;
  const env = envValue(rayContainerOf(objOf(spec.headGroupSpec)?.template), 'RAY_enable_autoscaler_v2');
  if (env === '1' || env === 'true') return;
  c.add(`${path}.priority`, `worker group ${groupName}: priority is set to ${p}, but autoscaler v2 is not enabled. Priority is only supported with autoscaler v2 enabled`);
}

function gcsBackend(c: Collector, gates: Gates, options: Obj, head: Obj | undefined, headVolumes: unknown): void {
  const base = 'spec.gcsFaultToleranceOptions';
  const backend = str(options.backend) || 'redis';
  if (backend === 'rocksdb') {
    if (!gates.GCSFaultToleranceEmbeddedStorage) {
      c.add(`${base}.backend`, "the embedded RocksDB GCS fault tolerance backend (GcsFaultToleranceOptions.Backend: 'rocksdb') requires the "
        + 'GCSFaultToleranceEmbeddedStorage feature gate to be enabled', 'GCSFaultToleranceEmbeddedStorage');
      return;
    }
    if ((str(options.redisAddress) ?? '') !== '') c.add(`${base}.redisAddress`, "cannot set GcsFaultToleranceOptions.RedisAddress when backend is 'rocksdb'");
    if (options.redisUsername !== undefined && options.redisUsername !== null) c.add(`${base}.redisUsername`, "cannot set GcsFaultToleranceOptions.RedisUsername when backend is 'rocksdb'");
    if (options.redisPassword !== undefined && options.redisPassword !== null) c.add(`${base}.redisPassword`, "cannot set GcsFaultToleranceOptions.RedisPassword when backend is 'rocksdb'");
    if ((str(options.externalStorageNamespace) ?? '') !== '') {
      c.add(`${base}.externalStorageNamespace`, "cannot set GcsFaultToleranceOptions.ExternalStorageNamespace when backend is 'rocksdb'");
    }
    const storage = objOf(options.storage);
    if (storage && (str(storage.claimName) ?? '') !== ''
      && (storage.size !== undefined || storage.storageClassName !== undefined || arr(storage.accessModes).length > 0)) {
      c.add(`${base}.storage.claimName`, 'GcsFaultToleranceOptions.Storage.ClaimName is mutually exclusive with size, storageClassName, and accessModes');
    }
    if (hasNamed(head?.env, 'RAY_gcs_storage') || hasNamed(head?.env, 'RAY_gcs_storage_path')) {
      c.add('spec.headGroupSpec.template.spec.containers[0].env', 'cannot set `RAY_gcs_storage` or `RAY_gcs_storage_path` env var in head Pod when '
        + 'the embedded GCS FT backend is used - these are managed by KubeRay');
    }
    if (arr(head?.volumeMounts).some((m) => isObj(m) && (m.mountPath === '/data/gcs' || m.name === 'gcs-storage'))) {
      c.add('spec.headGroupSpec.template.spec.containers[0].volumeMounts', 'cannot set a volume mount named "gcs-storage" or mounted at /data/gcs '
        + 'in the head container when the embedded GCS FT backend is used - it is managed by KubeRay');
    }
    if (hasNamed(headVolumes, 'gcs-storage')) {
      c.add('spec.headGroupSpec.template.spec.volumes', 'cannot set a volume named "gcs-storage" in the head Pod when the embedded GCS FT backend '
        + 'is used - it is managed by KubeRay');
    }
  } else if (options.storage !== undefined && options.storage !== null) {
    c.add(`${base}.storage`, "cannot set GcsFaultToleranceOptions.Storage when backend is 'redis' - it only applies to the 'rocksdb' backend");
  }
}

function networkPolicy(c: Collector, spec: Obj, np: Obj): void {
  const mode = str(np.mode) ?? 'DenyAll';
  const base = 'spec.networkPolicy';
  for (const side of ['head', 'worker'] as const) {
    const rules = objOf(np[side]);
    if (!rules) continue;
    if (mode === 'DenyAllEgress' && arr(rules.ingressRules).length > 0) {
      c.add(`${base}.${side}.ingressRules`, `networkPolicy.${side}.ingressRules cannot be set when mode is "${mode}" (ingress is not restricted)`);
    }
    if (mode === 'DenyAllIngress' && arr(rules.egressRules).length > 0) {
      c.add(`${base}.${side}.egressRules`, `networkPolicy.${side}.egressRules cannot be set when mode is "${mode}" (egress is not restricted)`);
    }
  }
  const groupNames = new Set<string>();
  arr(spec.workerGroupSpecs).forEach((g, i) => {
    const name = str(objOf(g)?.groupName) ?? '';
    const errs = dns1123LabelErrors(name);
    if (errs.length > 0) {
      c.add(`spec.workerGroupSpecs[${i}].groupName`, `worker group name "${name}" must be a valid DNS1123 label when networkPolicy is enabled `
        + `(it is embedded in the NetworkPolicy name): [${errs.join(', ')}]`);
    }
    groupNames.add(name);
  });
  arr(np.workerGroups).forEach((wg, i) => {
    const g = objOf(wg) ?? {};
    const name = str(g.groupName) ?? '';
    const path = `${base}.workerGroups[${i}]`;
    if (mode === 'DenyAllEgress' && arr(g.ingressRules).length > 0) {
      c.add(`${path}.ingressRules`, `networkPolicy.workerGroups["${name}"].ingressRules cannot be set when mode is "${mode}" (ingress is not restricted)`);
    }
    if (mode === 'DenyAllIngress' && arr(g.egressRules).length > 0) {
      c.add(`${path}.egressRules`, `networkPolicy.workerGroups["${name}"].egressRules cannot be set when mode is "${mode}" (egress is not restricted)`);
    }
    if (!groupNames.has(name)) c.add(`${path}.groupName`, `networkPolicy.workerGroups["${name}"] does not match any group name in workerGroupSpecs`);
  });
}

const TLS_ENV = ['RAY_USE_TLS', 'RAY_TLS_SERVER_CERT', 'RAY_TLS_SERVER_KEY', 'RAY_TLS_CA_CERT'];

function tlsConflicts(c: Collector, container: Obj | undefined, path: string, location: string): void {
  if (!container) return;
  for (const name of TLS_ENV) {
    if (hasNamed(container.env, name)) {
      c.add(`${path}.env`, `cannot set ${name} environment variable in ${location} when tlsOptions is set - the operator manages TLS configuration automatically`);
    }
  }
  for (const m of arr(container.volumeMounts)) {
    if (!isObj(m)) continue;
    if (m.name === 'ray-tls') {
      c.add(`${path}.volumeMounts`, `cannot use volume mount named "ray-tls" in ${location} when tlsOptions is set - the operator manages TLS configuration automatically`);
    } else if (m.mountPath === '/etc/ray/tls') {
      c.add(`${path}.volumeMounts`, `cannot use volume mount at path "/etc/ray/tls" in ${location} when tlsOptions is set - the operator manages TLS configuration automatically`);
    }
  }
}

function collectorOptions(c: Collector, opts: Obj): void {
  const base = 'spec.historyServerOptions.collectorOptions';
  if ((str(opts.image) ?? '') === '') {
    c.add(`${base}.image`, 'historyServerOptions.collectorOptions.image must be set');
    return;
  }
  const env = new Map<string, Obj>();
  for (const e of arr(opts.env)) if (isObj(e)) env.set(str(e.name) ?? '', e);
  const hasValue = (name: string): boolean => {
    const e = env.get(name);
    return e !== undefined && ((str(e.value) ?? '') !== '' || isObj(e.valueFrom));
  };
  for (const name of ['POD_IP', 'FQ_RAY_IP', 'RAY_CLUSTER_NAME', 'RAY_CLUSTER_NAMESPACE', 'RAY_ROLE', 'OWNER_KIND', 'OWNER_NAME', 'EVENTS_PORT']) {
    if (env.has(name)) {
      c.add(`${base}.env`, `historyServerOptions.collectorOptions.env must not contain ${name}: it is managed by KubeRay and injected automatically into the collector container`);
      return;
    }
  }
  const backend = str(env.get('STORAGE_BACKEND')?.value) ?? '';
  if (backend === '') {
    c.add(`${base}.env`, 'STORAGE_BACKEND environment variable must be set with a literal string value in historyServerOptions.collectorOptions.env');
    return;
  }
  const need = (name: string, why: string): void => {
    if (!hasValue(name)) c.add(`${base}.env`, `${name} environment variable must be set when STORAGE_BACKEND is ${why}`);
  };
  switch (backend.toUpperCase()) {
    case 'GCS': need('GCS_BUCKET', 'GCS'); break;
    case 'S3': need('S3_REGION', 'S3'); break;
    case 'AZUREBLOB': {
      const mode = (str(env.get('AZURE_STORAGE_AUTH_MODE')?.value) ?? '').trim().toLowerCase();
      if (mode === 'connection_string') {
        need('AZURE_STORAGE_CONNECTION_STRING', 'AZUREBLOB and AZURE_STORAGE_AUTH_MODE is connection_string');
      } else if (mode === 'workload_identity' || mode === 'default') {
        need('AZURE_STORAGE_ACCOUNT_URL', `AZUREBLOB and AZURE_STORAGE_AUTH_MODE is ${mode}`);
      } else if (!hasValue('AZURE_STORAGE_CONNECTION_STRING') && !hasValue('AZURE_STORAGE_ACCOUNT_URL')) {
        c.add(`${base}.env`, 'either AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL environment variable must be set when STORAGE_BACKEND is AZUREBLOB');
      }
      break;
    }
    case 'ALIYUNOSS':
      for (const n of ['OSS_BUCKET', 'OSS_ENDPOINT', 'OSS_REGION']) {
        if (!hasValue(n)) {
          need(n, 'ALIYUNOSS');
          break;
        }
      }
      break;
    default: break;
  }
}

/**
 * Mirrors `ValidateRayClusterSpec(spec, annotations)`. Paths are those of a RayCluster document
 * (`spec.…`, `metadata.annotations`); the RayJob/RayService models rebase them. A spec that is not
 * an object gives one refusal.
 */
export function validateRayClusterSpec(spec: unknown, annotations: Record<string, string>, options?: KubeRayOperatorOptions,
  messagePrefix = ''): KubeRayRefusal[] {
  const c = new Collector('ValidateRayClusterSpec', messagePrefix);
  const gates = featureGates(options);
  const s = objOf(spec);
  if (!s) {
    c.add('spec', 'headGroupSpec should have at least one container');
    return c.out;
  }
  const head = objOf(s.headGroupSpec) ?? {};
  const headTemplateSpec = objOf(objOf(head.template)?.spec) ?? {};
  const headRay = rayContainerOf(head.template);
  if (arr(headTemplateSpec.containers).length === 0) {
    c.add('spec.headGroupSpec.template.spec.containers', 'headGroupSpec should have at least one container');
    return c.out; // upstream reads containers[0] below
  }
  groupResources(c, 'Head', 'spec.headGroupSpec', head);
  groupLabels(c, 'Head', 'spec.headGroupSpec', head);

  const autoscaling = s.enableInTreeAutoscaling === true;
  const groups = arr(s.workerGroupSpecs);
  groups.forEach((g, i) => {
    const group = objOf(g) ?? {};
    const path = `spec.workerGroupSpecs[${i}]`;
    const name = str(group.groupName) ?? '';
    if (arr(objOf(objOf(group.template)?.spec)?.containers).length === 0) {
      c.add(`${path}.template.spec.containers`, 'workerGroupSpec should have at least one container');
      return;
    }
    // minReplicas/maxReplicas are never nil here: the CRD defaults them (0, 2147483647).
    const min = int(group.minReplicas) ?? 0;
    const max = int(group.maxReplicas) ?? 2147483647;
    if (min < 0) c.add(`${path}.minReplicas`, `worker group ${name} has negative minReplicas ${min}`);
    if (max < 0) c.add(`${path}.maxReplicas`, `worker group ${name} has negative maxReplicas ${max}`);
    if (min > max) c.add(`${path}.minReplicas`, `worker group ${name} has minReplicas ${min} greater than maxReplicas ${max}`);
    groupResources(c, name, path, group);
    groupLabels(c, name, path, group);
    idleTimeout(c, s, group, path, name);
    priority(c, s, group, path, name);
  });

  const ftOptions = objOf(s.gcsFaultToleranceOptions);
  if ((annotations['ray.io/ft-enabled'] ?? '') !== '' && ftOptions) {
    c.add('metadata.annotations["ray.io/ft-enabled"]', 'ray.io/ft-enabled annotation and GcsFaultToleranceOptions are both set. '
      + 'Please use only GcsFaultToleranceOptions to configure GCS fault tolerance');
  }
  const ftEnabled = (annotations['ray.io/ft-enabled'] ?? '').toLowerCase() === 'true' || ftOptions !== undefined;
  const headEnvPath = 'spec.headGroupSpec.template.spec.containers[0].env';
  if (!ftEnabled && hasNamed(headRay?.env, 'RAY_REDIS_ADDRESS')) {
    c.add(headEnvPath, 'RAY_REDIS_ADDRESS is set which implicitly enables GCS fault tolerance, but GcsFaultToleranceOptions is not set. '
      + 'Please set GcsFaultToleranceOptions to enable GCS fault tolerance');
  }
  const headParams = stringMap(head.rayStartParams);
  if (ftOptions) {
    if ((headParams['redis-password'] ?? '') !== '') {
      c.add('spec.headGroupSpec.rayStartParams["redis-password"]', 'cannot set `redis-password` in rayStartParams when GcsFaultToleranceOptions is '
        + 'enabled - use GcsFaultToleranceOptions.RedisPassword instead');
    }
    if (hasNamed(headRay?.env, 'REDIS_PASSWORD')) {
      c.add(headEnvPath, 'cannot set `REDIS_PASSWORD` env var in head Pod when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisPassword instead');
    }
    if (hasNamed(headRay?.env, 'RAY_REDIS_ADDRESS')) {
      c.add(headEnvPath, 'cannot set `RAY_REDIS_ADDRESS` env var in head Pod when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisAddress instead');
    }
    if ((annotations['ray.io/external-storage-namespace'] ?? '') !== '') {
      c.add('metadata.annotations["ray.io/external-storage-namespace"]', 'cannot set `ray.io/external-storage-namespace` annotation when '
        + 'GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.ExternalStorageNamespace instead');
    }
    gcsBackend(c, gates, ftOptions, headRay, headTemplateSpec.volumes);
  }
  if ((headParams['redis-username'] ?? '') !== '' || hasNamed(headRay?.env, 'REDIS_USERNAME')) {
    c.add('spec.headGroupSpec', 'cannot set redis username in rayStartParams or environment variables - use GcsFaultToleranceOptions.RedisUsername instead');
  }

  if (!gates.RayJobDeletionPolicy) {
    groups.forEach((g, i) => {
      if (objOf(g)?.suspend === true) {
        c.add(`spec.workerGroupSpecs[${i}].suspend`, `worker group ${str(objOf(g)?.groupName) ?? ''} can be suspended only when the RayJobDeletionPolicy feature gate is enabled`,
          'RayJobDeletionPolicy');
      }
    });
  }

  const autoscalerOptions = objOf(s.autoscalerOptions);
  const v2Env = envValue(headRay, 'RAY_enable_autoscaler_v2');
  if (!autoscaling && (v2Env === '1' || v2Env === 'true')) {
    c.add(headEnvPath, `environment variable RAY_enable_autoscaler_v2 cannot be set to '${v2Env}' when enableInTreeAutoscaling is false. `
      + 'Please set enableInTreeAutoscaling: true to use autoscaler v2');
  }
  if (autoscaling) {
    groups.forEach((g, i) => {
      if (objOf(g)?.suspend === true) {
        c.add(`spec.workerGroupSpecs[${i}].suspend`, `worker group ${str(objOf(g)?.groupName) ?? ''} cannot be suspended with Autoscaler enabled`);
      }
    });
    if (autoscalerOptions && autoscalerOptions.version !== undefined && autoscalerOptions.version !== null && v2Env !== undefined) {
      c.add('spec.autoscalerOptions.version', 'both .spec.autoscalerOptions.version and head Pod env var RAY_enable_autoscaler_v2 are set, please only use the former');
    }
    if (isAutoscalingV2(s)) {
      const rp = str(headTemplateSpec.restartPolicy) ?? '';
      if (rp !== '' && rp !== 'Never') {
        c.add('spec.headGroupSpec.template.spec.restartPolicy', 'restartPolicy for head Pod should be Never or unset when using autoscaler V2');
      }
      groups.forEach((g, i) => {
        const wrp = str(objOf(objOf(objOf(g)?.template)?.spec)?.restartPolicy) ?? '';
        if (wrp !== '' && wrp !== 'Never') {
          c.add(`spec.workerGroupSpecs[${i}].template.spec.restartPolicy`,
            `restartPolicy for worker group ${str(objOf(g)?.groupName) ?? ''} should be Never or unset when using autoscaler V2`);
        }
      });
    }
  }
  const idle = int(autoscalerOptions?.idleTimeoutSeconds);
  if (idle !== undefined && idle < 0) {
    c.add('spec.autoscalerOptions.idleTimeoutSeconds', `autoscalerOptions.idleTimeoutSeconds must be non-negative, got ${idle}`);
  }
  if (autoscalerOptions && hasNamed(autoscalerOptions.env, 'KUBERAY_GEN_AUTOSCALER_START_CMD')) {
    c.add('spec.autoscalerOptions.env', 'autoscalerOptions.env must not contain KUBERAY_GEN_AUTOSCALER_START_CMD: it is managed by KubeRay and injected '
      + 'automatically into the autoscaler container');
  }

  const history = s.historyServerOptions;
  if (history !== undefined && history !== null) {
    const collector = objOf(objOf(history)?.collectorOptions);
    if (!gates.RayClusterHistoryServer) {
      c.add('spec.historyServerOptions', 'RayClusterHistoryServer feature gate is not enabled', 'RayClusterHistoryServer');
    } else if (!collector) {
      c.add('spec.historyServerOptions.collectorOptions', 'historyServerOptions.collectorOptions must be set');
    } else {
      collectorOptions(c, collector);
      arr(headTemplateSpec.containers).forEach((ct, j) => {
        if (objOf(ct)?.name === 'ray-history-collector') {
          c.add(`spec.headGroupSpec.template.spec.containers[${j}].name`, "head pod template must not define a container with name 'ray-history-collector' "
            + 'when history server collector options are enabled');
        }
      });
      groups.forEach((g, i) => {
        arr(objOf(objOf(objOf(g)?.template)?.spec)?.containers).forEach((ct, j) => {
          if (objOf(ct)?.name === 'ray-history-collector') {
            c.add(`spec.workerGroupSpecs[${i}].template.spec.containers[${j}].name`, `worker group ${str(objOf(g)?.groupName) ?? ''} pod template must not `
              + "define a container with name 'ray-history-collector' when history server collector options are enabled");
          }
        });
      });
    }
  }

  const auth = objOf(s.authOptions);
  const k8sAuth = auth?.enableK8sTokenAuth === true;
  if (auth?.mode === 'token') {
    const rayVersion = str(s.rayVersion) ?? '';
    const v = parseGenericVersion(rayVersion);
    if (rayVersion === '') {
      c.add('spec.rayVersion', "authOptions.mode is 'token' but RayVersion was not specified. Ray version 2.52.0 or later is required");
    } else if (!v) {
      c.add('spec.rayVersion', `authOptions.mode is 'token' but RayVersion format is invalid: ${rayVersion}`);
    } else if (compareVersions(v, [2, 52, 0]) < 0) {
      c.add('spec.rayVersion', `authOptions.mode is 'token' but minimum Ray version is 2.52.0, got ${rayVersion}`);
    } else if (k8sAuth) {
      if (compareVersions(v, [2, 55, 0]) < 0) {
        c.add('spec.rayVersion', `authOptions.enableK8sTokenAuth is enabled but minimum Ray version is 2.55.0, got ${rayVersion}`);
      } else if ((str(auth.secretName) ?? '') !== '') {
        c.add('spec.authOptions.secretName', 'authOptions.enableK8sTokenAuth is enabled and authOptions.secretName is also set');
      }
    }
  } else if (k8sAuth) {
    c.add('spec.authOptions.enableK8sTokenAuth', "authOptions.enableK8sTokenAuth is enabled but authOptions.mode not set to 'token'");
  }

  const np = s.networkPolicy;
  if (np !== undefined && np !== null) {
    if (!gates.RayClusterNetworkPolicy) {
      c.add('spec.networkPolicy', 'spec.networkPolicy requires the RayClusterNetworkPolicy feature gate to be enabled', 'RayClusterNetworkPolicy');
    } else if (isObj(np)) {
      networkPolicy(c, s, np);
    }
  }

  const tls = s.tlsOptions;
  if (tls !== undefined && tls !== null) {
    if (!gates.RayClusterMTLS) {
      c.add('spec.tlsOptions', 'spec.tlsOptions requires the RayClusterMTLS feature gate to be enabled', 'RayClusterMTLS');
    } else if (objOf(tls)?.enabled === true) {
      tlsConflicts(c, headRay, 'spec.headGroupSpec.template.spec.containers[0]', 'head Pod');
      groups.forEach((g, i) => {
        const group = objOf(g) ?? {};
        tlsConflicts(c, rayContainerOf(group.template), `spec.workerGroupSpecs[${i}].template.spec.containers[0]`,
          `worker group "${str(group.groupName) ?? ''}"`);
      });
      if (autoscalerOptions) {
        for (const name of TLS_ENV) {
          if (hasNamed(autoscalerOptions.env, name)) {
            c.add('spec.autoscalerOptions.env', `cannot set ${name} environment variable in autoscalerOptions.env when tlsOptions is set - the operator `
              + 'manages TLS configuration for the autoscaler automatically');
          }
        }
        for (const m of arr(autoscalerOptions.volumeMounts)) {
          if (!isObj(m)) continue;
          if (m.name === 'ray-tls') {
            c.add('spec.autoscalerOptions.volumeMounts', 'cannot use volume mount named "ray-tls" in autoscalerOptions.volumeMounts when tlsOptions is set '
              + '- the operator manages TLS configuration automatically');
          } else if (m.mountPath === '/etc/ray/tls') {
            c.add('spec.autoscalerOptions.volumeMounts', 'cannot use volume mount at path "/etc/ray/tls" in autoscalerOptions.volumeMounts when tlsOptions '
              + 'is set - the operator manages TLS configuration automatically');
          }
        }
      }
    }
  }
  return c.out;
}

// ---------------------------------------------------------------------------------------------
// RayJob
// ---------------------------------------------------------------------------------------------

/** Mirrors `ValidateRayJobMetadata`: name at most 47 characters and a DNS-1035 label. */
export function validateRayJobMetadata(name: string): KubeRayRefusal[] {
  const c = new Collector('ValidateRayJobMetadata', 'The RayJob metadata is invalid: ');
  if (name.length > MAX_RAY_JOB_NAME_LENGTH) c.add('metadata.name', `RayJob name should be no more than ${MAX_RAY_JOB_NAME_LENGTH} characters`);
  const errs = dns1035LabelErrors(name);
  if (errs.length > 0) c.add('metadata.name', `RayJob name should be a valid DNS1035 label: [${errs.join(', ')}]`);
  return c.out;
}

function deletionConfiguration(c: Collector, spec: Obj, gates: Gates): void {
  const shutdown = spec.shutdownAfterJobFinishes === true;
  const ttl = int(spec.ttlSecondsAfterFinished) ?? 0;
  if (!shutdown && ttl > 0) {
    c.add('spec.ttlSecondsAfterFinished', 'a RayJob with shutdownAfterJobFinishes set to false cannot have TTLSecondsAfterFinished');
  }
  const strategy = objOf(spec.deletionStrategy);
  if (!strategy) return;
  if (!gates.RayJobDeletionPolicy) {
    c.out.push({ check: 'ValidateRayJobSpec', path: 'spec.deletionStrategy', message: 'RayJobDeletionPolicy feature gate must be enabled to use DeletionStrategy', gate: 'RayJobDeletionPolicy' });
    return;
  }
  const legacy = strategy.onSuccess !== undefined || strategy.onFailure !== undefined;
  const rules = arr(strategy.deletionRules);
  const selector = Object.keys(stringMap(spec.clusterSelector)).length > 0;
  const autoscaling = objOf(spec.rayClusterSpec)?.enableInTreeAutoscaling === true;
  if (rules.length > 0 && shutdown) {
    c.add('spec.deletionStrategy.deletionRules', 'spec.shutdownAfterJobFinishes and spec.deletionStrategy.deletionRules are mutually exclusive');
    return;
  }
  if (rules.length > 0 && legacy) {
    c.add('spec.deletionStrategy', 'Cannot use both legacy onSuccess/onFailure fields and deletionRules simultaneously');
    return;
  }
  const raw = (path: string, message: string): void => {
    c.out.push({ check: 'ValidateRayJobSpec', path, message });
  };
  if (legacy) {
    const onSuccess = objOf(strategy.onSuccess);
    const onFailure = objOf(strategy.onFailure);
    if (!onSuccess || !onFailure) {
      raw('spec.deletionStrategy', 'both DeletionStrategy.OnSuccess and DeletionStrategy.OnFailure must be set when using the legacy deletion policy fields of DeletionStrategy');
      return;
    }
    const s = str(onSuccess.policy);
    const f = str(onFailure.policy);
    if (s === undefined) { raw('spec.deletionStrategy.onSuccess.policy', 'the DeletionPolicyType field of DeletionStrategy.OnSuccess cannot be unset when DeletionStrategy is enabled'); return; }
    if (f === undefined) { raw('spec.deletionStrategy.onFailure.policy', 'the DeletionPolicyType field of DeletionStrategy.OnFailure cannot be unset when DeletionStrategy is enabled'); return; }
    if (selector && (s === 'DeleteCluster' || s === 'DeleteWorkers')) { raw('spec.deletionStrategy.onSuccess.policy', `the ClusterSelector mode doesn't support DeletionStrategy=${s} on success`); return; }
    if (selector && (f === 'DeleteCluster' || f === 'DeleteWorkers')) { raw('spec.deletionStrategy.onFailure.policy', `the ClusterSelector mode doesn't support DeletionStrategy=${f} on failure`); return; }
    if ((s === 'DeleteWorkers' || f === 'DeleteWorkers') && autoscaling) {
      raw('spec.deletionStrategy', 'DeletionStrategy=DeleteWorkers currently does not support RayCluster with autoscaling enabled');
      return;
    }
    if (shutdown && (s === 'DeleteNone' || f === 'DeleteNone')) {
      raw('spec.deletionStrategy', "The RayJob spec is invalid: shutdownAfterJobFinshes is set to 'true' while deletion policy is 'DeleteNone'");
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
    const rule = objOf(r) ?? {};
    const cond = objOf(rule.condition) ?? {};
    const path = `spec.deletionStrategy.deletionRules[${i}]`;
    const js = str(cond.jobStatus);
    const jds = str(cond.jobDeploymentStatus);
    if (js !== undefined && jds !== undefined) { raw(`${path}.condition`, `deletionRules[${i}]: cannot set both JobStatus and JobDeploymentStatus at the same time`); return; }
    if (js === undefined && jds === undefined) { raw(`${path}.condition`, `deletionRules[${i}]: exactly one of JobStatus and JobDeploymentStatus must be set`); return; }
    const ttlSeconds = int(cond.ttlSeconds) ?? 0;
    if (ttlSeconds < 0) { raw(`${path}.condition.ttlSeconds`, `deletionRules[${i}]: TTLSeconds must be non-negative`); return; }
    const policy = str(rule.policy) ?? '';
    if (selector && (policy === 'DeleteCluster' || policy === 'DeleteWorkers')) {
      raw(`${path}.policy`, `deletionRules[${i}]: DeletionPolicyType '${policy}' not supported when ClusterSelector is set`);
      return;
    }
    if (autoscaling && policy === 'DeleteWorkers') {
      raw(`${path}.policy`, `deletionRules[${i}]: DeletionPolicyType 'DeleteWorkers' not supported with autoscaling enabled`);
      return;
    }
    const key = js !== undefined ? `JobStatus '${js}'` : `JobDeploymentStatus '${jds}'`;
    const policies = byStatus.get(key) ?? new Map<string, number>();
    byStatus.set(key, policies);
    if (policies.has(policy)) {
      raw(`${path}`, `deletionRules[${i}]: duplicate rule for DeletionPolicyType '${policy}' and ${key}`);
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
        raw('spec.deletionStrategy.deletionRules', `for ${key}: ${p} TTL (${ttlSeconds}) must be >= ${prev[0]} TTL (${prev[1]})`);
      }
      prev = [p, ttlSeconds];
    }
  }
}

/** True when the YAML parses to a mapping or to nothing (`UnmarshalRuntimeEnvYAML` into a map). */
function runtimeEnvError(text: string, parseYaml: (s: string) => unknown): string | undefined {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    return `failed to unmarshal RuntimeEnvYAML: ${text}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
  if (value === null || value === undefined || isObj(value)) return undefined;
  return `failed to unmarshal RuntimeEnvYAML: ${text}: the document is not a mapping`;
}

/**
 * Mirrors `ValidateRayJobSpec(rayJob)`. `annotations` are the RayJob's (passed to
 * `ValidateRayClusterSpec`); `parseYaml` parses `runtimeEnvYAML` (YAML 1.1, as Go's yaml.v2).
 * Paths point into the RayJob.
 */
export function validateRayJobSpec(spec: unknown, annotations: Record<string, string>, parseYaml: (s: string) => unknown,
  options?: KubeRayOperatorOptions): KubeRayRefusal[] {
  const c = new Collector('ValidateRayJobSpec', 'The RayJob spec is invalid: ');
  const gates = featureGates(options);
  const s = objOf(spec) ?? {};
  const suspend = s.suspend === true;
  const shutdown = s.shutdownAfterJobFinishes === true;
  const mode = s.submissionMode === undefined ? 'K8sJobMode' : s.submissionMode;
  if (suspend && !shutdown) c.add('spec.suspend', 'a RayJob with shutdownAfterJobFinishes set to false is not allowed to be suspended');
  const ttl = int(s.ttlSecondsAfterFinished) ?? 0;
  if (ttl < 0) c.add('spec.ttlSecondsAfterFinished', 'TTLSecondsAfterFinished must be a non-negative integer');
  deletionConfiguration(c, s, gates);

  const selector = stringMap(s.clusterSelector);
  const selectorMode = Object.keys(selector).length > 0;
  const backoff = int(s.backoffLimit);
  if (suspend && selectorMode) c.add('spec.suspend', "the ClusterSelector mode doesn't support the suspend operation");
  const clusterSpec = s.rayClusterSpec;
  const hasClusterSpec = clusterSpec !== undefined && clusterSpec !== null;
  if (!hasClusterSpec && !selectorMode) c.add('spec.rayClusterSpec', 'one of RayClusterSpec or ClusterSelector must be set');
  const raw = (path: string, message: string): void => {
    c.out.push({ check: 'ValidateRayJobSpec', path, message });
  };
  if (selectorMode) {
    if ((selector['ray.io/cluster'] ?? '') === '') raw('spec.clusterSelector', 'cluster name in ClusterSelector should not be empty');
    if (mode === 'SidecarMode') raw('spec.submissionMode', 'ClusterSelector is not supported in SidecarMode');
    if (backoff !== undefined && backoff > 0) c.add('spec.backoffLimit', 'BackoffLimit is incompatible with ClusterSelector mode');
  }
  if (mode === 'InteractiveMode' && backoff !== undefined && backoff > 0) c.add('spec.backoffLimit', 'BackoffLimit is incompatible with InteractiveMode');
  if (mode === 'SidecarMode') {
    if (s.submitterPodTemplate !== undefined && s.submitterPodTemplate !== null) raw('spec.submitterPodTemplate', "Currently, SidecarMode doesn't support SubmitterPodTemplate");
    if (s.submitterConfig !== undefined && s.submitterConfig !== null) raw('spec.submitterConfig', "Currently, SidecarMode doesn't support SubmitterConfig");
    const rp = str(objOf(objOf(objOf(objOf(clusterSpec)?.headGroupSpec)?.template)?.spec)?.restartPolicy) ?? '';
    if (rp !== '' && rp !== 'Never') raw('spec.rayClusterSpec.headGroupSpec.template.spec.restartPolicy', 'restartPolicy for head Pod should be Never or unset when using SidecarMode');
  }
  if (hasClusterSpec) {
    if (objOf(objOf(clusterSpec)?.authOptions)?.enableK8sTokenAuth === true) {
      c.add('spec.rayClusterSpec.authOptions.enableK8sTokenAuth', 'K8s token auth mode is currently not supported for RayJob');
    }
    for (const r of validateRayClusterSpec(clusterSpec, annotations, options, 'The RayJob spec is invalid: ')) {
      c.out.push(rebaseFinding(r, 'spec.rayClusterSpec'));
    }
  }
  const runtimeEnv = str(s.runtimeEnvYAML) ?? '';
  const envErr = runtimeEnvError(runtimeEnv, parseYaml);
  if (envErr) raw('spec.runtimeEnvYAML', envErr);
  const deadline = int(s.activeDeadlineSeconds);
  if (deadline !== undefined && deadline <= 0) c.add('spec.activeDeadlineSeconds', 'activeDeadlineSeconds must be a positive integer');
  const pre = int(s.preRunningDeadlineSeconds);
  if (pre !== undefined && pre <= 0) c.add('spec.preRunningDeadlineSeconds', 'preRunningDeadlineSeconds must be a positive integer');
  if (backoff !== undefined && backoff < 0) c.add('spec.backoffLimit', 'backoffLimit must be a positive integer');
  return c.out;
}

// ---------------------------------------------------------------------------------------------
// RayService
// ---------------------------------------------------------------------------------------------

function goDurationSeconds(s: string): number | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m) return s === '0' ? 0 : undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(s)) !== null) total += Number(part[1]) * unit[part[2]];
  return m[1] === '-' ? -total : total;
}

/** Mirrors `ValidateRayServiceMetadata`: name at most 47 characters, a DNS-1035 label, and a valid `ray.io/initializing-timeout`. */
export function validateRayServiceMetadata(name: string, annotations: Record<string, string>): KubeRayRefusal[] {
  const c = new Collector('ValidateRayServiceMetadata', 'The RayService metadata is invalid: ');
  if (name.length > MAX_RAY_SERVICE_NAME_LENGTH) c.add('metadata.name', `RayService name should be no more than ${MAX_RAY_SERVICE_NAME_LENGTH} characters`);
  const errs = dns1035LabelErrors(name);
  if (errs.length > 0) c.add('metadata.name', `RayService name should be a valid DNS1035 label: [${errs.join(', ')}]`);
  const timeout = annotations['ray.io/initializing-timeout'];
  if (timeout !== undefined && timeout !== '') {
    const path = 'metadata.annotations["ray.io/initializing-timeout"]';
    const prefix = 'RayService annotations is invalid: ';
    const d = goDurationSeconds(timeout);
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
    && objOf(objOf(spec)?.upgradeStrategy)?.type === 'NewClusterWithIncrementalUpgrade';
}

/** Mirrors `ValidateRayServiceSpec(rayService)`; paths point into the RayService. */
export function validateRayServiceSpec(spec: unknown, annotations: Record<string, string>, options?: KubeRayOperatorOptions): KubeRayRefusal[] {
  const c = new Collector('ValidateRayServiceSpec', 'The RayService spec is invalid: ');
  const s = objOf(spec) ?? {};
  const clusterSpec = objOf(s.rayClusterConfig);
  if (objOf(clusterSpec?.authOptions)?.enableK8sTokenAuth === true) {
    c.add('spec.rayClusterConfig.authOptions.enableK8sTokenAuth', 'K8s token auth mode is currently not supported for RayService');
  }
  for (const r of validateRayClusterSpec(clusterSpec ?? {}, annotations, options, 'The RayService spec is invalid: ')) {
    c.out.push(rebaseFinding(r, 'spec.rayClusterConfig'));
  }
  const headServiceName = str(objOf(objOf(objOf(clusterSpec?.headGroupSpec)?.headService)?.metadata)?.name) ?? '';
  if (headServiceName !== '') {
    c.add('spec.rayClusterConfig.headGroupSpec.headService.metadata.name', 'spec.rayClusterConfig.headGroupSpec.headService.metadata.name should not be set');
  }
  const type = objOf(s.upgradeStrategy)?.type;
  if (typeof type === 'string' && !['None', 'NewCluster', 'NewClusterWithIncrementalUpgrade'].includes(type)) {
    c.add('spec.upgradeStrategy.type', `Spec.UpgradeStrategy.Type value ${type} is invalid, valid options are NewClusterWithIncrementalUpgrade, NewCluster, or None`);
  }
  const delay = int(s.rayClusterDeletionDelaySeconds);
  if (delay !== undefined && delay < 0) {
    c.add('spec.rayClusterDeletionDelaySeconds', `Spec.RayClusterDeletionDelaySeconds should be a non-negative integer, got ${delay}`);
  }
  if (isIncrementalUpgrade(s, options)) {
    const base = 'spec.upgradeStrategy.clusterUpgradeOptions';
    if (clusterSpec?.enableInTreeAutoscaling !== true) {
      c.add('spec.rayClusterConfig.enableInTreeAutoscaling', 'Ray Autoscaler is required for NewClusterWithIncrementalUpgrade');
    } else {
      const o = objOf(objOf(s.upgradeStrategy)?.clusterUpgradeOptions);
      if (!o) {
        c.add(base, 'ClusterUpgradeOptions are required for NewClusterWithIncrementalUpgrade');
      } else {
        const surge = int(o.maxSurgePercent) ?? 100; // CRD default
        const step = int(o.stepSizePercent);
        const interval = int(o.intervalSeconds);
        if (surge < 0 || surge > 100) c.add(`${base}.maxSurgePercent`, 'maxSurgePercent must be between 0 and 100');
        else if (step === undefined || step < 0 || step > 100) c.add(`${base}.stepSizePercent`, 'stepSizePercent must be between 0 and 100');
        else if (step > surge) c.add(`${base}.stepSizePercent`, 'stepSizePercent must be less than or equal to maxSurgePercent');
        else if (interval === undefined || interval <= 0) c.add(`${base}.intervalSeconds`, 'intervalSeconds must be greater than 0');
        else if ((str(o.gatewayClassName) ?? '') === '') c.add(`${base}.gatewayClassName`, 'gatewayClassName is required for NewClusterWithIncrementalUpgrade');
      }
    }
  }
  return c.out;
}

// ---------------------------------------------------------------------------------------------
// RayCronJob
// ---------------------------------------------------------------------------------------------

const CRON_FIELDS: ReadonlyArray<{ min: number; max: number; names?: Record<string, number> }> = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } },
  { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

function cronValue(s: string, field: { names?: Record<string, number> }): number | undefined {
  const byName = field.names?.[s.toLowerCase()];
  if (byName !== undefined) return byName;
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

/**
 * Mirrors `cron.ParseStandard` of robfig/cron v3: five fields (minute, hour, day of month, month,
 * day of week) of `*`, `?`, values, names, ranges `a-b` and steps `/n`, or a descriptor
 * (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`, `@every <duration>`).
 * Returns the error, or undefined when it parses.
 */
export function cronScheduleError(schedule: string): string | undefined {
  const spec = schedule.trim();
  if (spec === '') return 'empty spec string';
  if (spec.startsWith('@')) {
    if (['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'].includes(spec)) return undefined;
    if (spec.startsWith('@every ')) {
      const d = goDurationSeconds(spec.slice('@every '.length).trim());
      return d === undefined ? `failed to parse duration ${spec}` : undefined;
    }
    return `unrecognized descriptor: ${spec}`;
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    const f = CRON_FIELDS[i];
    for (const expr of fields[i].split(',')) {
      const [rangePart, stepPart, extra] = expr.split('/');
      if (extra !== undefined) return `too many slashes: ${expr}`;
      let start: number | undefined;
      let end: number | undefined;
      if (rangePart === '*' || rangePart === '?') {
        start = f.min;
        end = f.max;
      } else {
        const bounds = rangePart.split('-');
        if (bounds.length > 2) return `too many hyphens: ${expr}`;
        start = cronValue(bounds[0], f);
        end = bounds.length === 2 ? cronValue(bounds[1], f) : start;
        if (start === undefined || end === undefined) return `failed to parse int from ${expr}`;
        if (stepPart !== undefined && bounds.length === 1) end = f.max;
      }
      if (stepPart !== undefined) {
        if (!/^\d+$/.test(stepPart)) return `failed to parse int from ${stepPart}`;
        if (Number(stepPart) === 0) return `step of range should be a positive number: ${expr}`;
      }
      if (start < f.min) return `beginning of range (${start}) below minimum (${f.min}): ${expr}`;
      if (end > f.max) return `end of range (${end}) above maximum (${f.max}): ${expr}`;
      if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
    }
  }
  return undefined;
}

function validTimeZone(tz: string): boolean {
  if (tz === 'UTC' || tz === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Mirrors `ValidateRayCronJobSpec`: name at most 36 characters, a standard cron `schedule`
 * without `TZ`, a loadable `timeZone`, then `ValidateRayJobSpec` on `jobTemplate` (as a RayJob
 * without metadata). Paths point into the RayCronJob. The time zone is checked against the IANA
 * database of this JavaScript runtime (upstream: Go's embedded `time/tzdata`).
 */
export function validateRayCronJob(cronJob: JsonObject, parseYaml: (s: string) => unknown, options?: KubeRayOperatorOptions): KubeRayRefusal[] {
  const c = new Collector('ValidateRayCronJobSpec');
  const name = str(objOf(cronJob.metadata)?.name) ?? '';
  const spec = objOf(cronJob.spec) ?? {};
  if (name.length > MAX_RAY_CRON_JOB_NAME_LENGTH) c.add('metadata.name', `RayCronJob name should be no more than ${MAX_RAY_CRON_JOB_NAME_LENGTH} characters`);
  const schedule = str(spec.schedule) ?? '';
  if (schedule.includes('TZ')) {
    c.add('spec.schedule', 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  } else {
    const err = cronScheduleError(schedule);
    if (err) c.add('spec.schedule', `invalid cron schedule: ${err}`);
  }
  if (spec.timeZone !== undefined && spec.timeZone !== null) {
    const tz = str(spec.timeZone) ?? '';
    if (tz === '') c.add('spec.timeZone', 'timeZone must not be empty string, omit the field to use the local time zone of the KubeRay operator');
    else if (!validTimeZone(tz)) c.add('spec.timeZone', `invalid time zone: unknown time zone ${tz}`);
  }
  for (const r of validateRayJobSpec(spec.jobTemplate, {}, parseYaml, options)) {
    c.out.push({ ...rebaseFinding(r, 'spec.jobTemplate'), check: 'ValidateRayCronJobSpec', message: `invalid RayJob template: ${r.message}` });
  }
  return c.out;
}
