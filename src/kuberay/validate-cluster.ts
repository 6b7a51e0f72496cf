/**
 * A pure model of `ValidateRayClusterSpec`, the validation KubeRay v1.7.0 runs on every RayCluster
 * spec before it builds anything, and on the RayClusterSpec embedded in a RayJob
 * (`spec.rayClusterSpec`) or a RayService (`spec.rayClusterConfig`). When a check fails, the
 * RayCluster controller records a `Warning` event and skips the cluster (a RayJob or RayService
 * is marked failed): no pod and no Service is created from it.
 *
 * Read from `ray-operator/controllers/ray/utils/validation.go` at v1.7.0 (`ValidateRayClusterSpec`,
 * `validateRayGroupResources`, `validateRayGroupLabels`, `validateGcsFaultToleranceBackend`,
 * `validateNetworkPolicy`, `validateTLSOptions`, `validateNoConflictingTLSVolumeMount`,
 * `validateWorkerGroupIdleTimeout`, `validateCollectorOptions`, `validateWorkerGroupPriority`)
 * and the feature-gate defaults of `pkg/features/features.go`.
 *
 * Upstream returns the first failing check; this returns every failing check, in upstream order.
 * Not modelled: the API server's own schema and CEL validation of the CRD, and the validating
 * webhook (off unless the operator sets `ENABLE_WEBHOOKS=true`).
 *
 * @module
 */

import { INJECTED_CONTAINERS, MAX_INT32, RAY_VOLUMES } from './constants';
import { KubeRayRefusal, Refusals } from './findings';
import { featureGates, KubeRayFeatureGate, KubeRayOperatorOptions } from './operator';
import { rayContainerOf } from './pod-build';
import { asArray, asInteger, asObject, asString, isMap, JsonObject, named, namedIndex, stringMap } from '../kubernetes/json';
import { dns1123LabelErrors, labelValueErrors, qualifiedNameErrors } from '../kubernetes/names';
import { compareVersions, parseGenericVersion } from '../kubernetes/version';

type Gates = Record<KubeRayFeatureGate, boolean>;

/** The value of the container's env var `name` (`''` when it has no `value`), or undefined when it has none. */
function envValue(container: JsonObject | undefined, name: string): string | undefined {
  const e = named(container?.env, name);
  return e ? (asString(e.value) ?? '') : undefined;
}

/** Mirrors `utils.IsAutoscalingV2Enabled`: `autoscalerOptions.version == v2`. */
function isAutoscalingV2(spec: JsonObject): boolean {
  return asObject(spec.autoscalerOptions)?.version === 'v2';
}

function groupResources(c: Refusals, groupName: string, path: string, group: JsonObject): void {
  const params = stringMap(group.rayStartParams);
  const has = ['num-cpus', 'num-gpus', 'memory', 'resources'].some((k) => (params[k] ?? '') !== '');
  if (has && Object.keys(stringMap(group.resources)).length > 0) {
    c.add(`${path}.resources`, `resource fields should not be set in both rayStartParams and Resources for ${groupName} group; please use only one`);
  }
}

function groupLabels(c: Refusals, groupName: string, path: string, group: JsonObject): void {
  if (isMap(group.rayStartParams) && group.rayStartParams.labels !== undefined) {
    c.add(`${path}.rayStartParams.labels`, `rayStartParams['labels'] is not supported for ${groupName} group; please use the top-level Labels field instead`);
  }
  const errs: string[] = [];
  for (const [k, v] of Object.entries(stringMap(group.labels))) {
    for (const e of qualifiedNameErrors(k)) errs.push(`invalid label key for ${groupName} group: '${k}', error: ${e}`);
    for (const e of labelValueErrors(v)) errs.push(`invalid label value for key '${k}' in ${groupName} group: '${v}', error: ${e}`);
  }
  if (errs.length > 0) c.add(`${path}.labels`, errs.join('; '));
}

function idleTimeout(c: Refusals, spec: JsonObject, group: JsonObject, path: string, groupName: string): void {
  const t = asInteger(group.idleTimeoutSeconds);
  if (t === undefined) return;
  if (t < 0) {
    c.add(`${path}.idleTimeoutSeconds`, `worker group ${groupName}: idleTimeoutSeconds must be non-negative, got ${t}`);
    return;
  }
  if (isAutoscalingV2(spec)) return;
  const env = envValue(rayContainerOf(asObject(spec.headGroupSpec)?.template), 'RAY_enable_autoscaler_v2');
  if (env === '1' || env === 'true') return;
  c.add(`${path}.idleTimeoutSeconds`, `worker group ${groupName}: idleTimeoutSeconds is set, but autoscaler v2 is not enabled. Please set `
    + ".spec.autoscalerOptions.version to 'v2' (or set RAY_enable_autoscaler_v2 environment variable to 'true' in the head pod if using KubeRay < 1.4.0)");
}

function priority(c: Refusals, spec: JsonObject, group: JsonObject, path: string, groupName: string): void {
  const p = asInteger(group.priority);
  if (p === undefined || p === 0) return;
  const rayVersion = asString(spec.rayVersion) ?? '';
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
  const env = envValue(rayContainerOf(asObject(spec.headGroupSpec)?.template), 'RAY_enable_autoscaler_v2');
  if (env === '1' || env === 'true') return;
  c.add(`${path}.priority`, `worker group ${groupName}: priority is set to ${p}, but autoscaler v2 is not enabled. Priority is only supported with autoscaler v2 enabled`);
}

function gcsBackend(c: Refusals, gates: Gates, options: JsonObject, head: JsonObject | undefined, headVolumes: unknown): void {
  const base = 'spec.gcsFaultToleranceOptions';
  const backend = asString(options.backend) || 'redis';
  if (backend === 'rocksdb') {
    if (!gates.GCSFaultToleranceEmbeddedStorage) {
      c.add(`${base}.backend`, "the embedded RocksDB GCS fault tolerance backend (GcsFaultToleranceOptions.Backend: 'rocksdb') requires the "
        + 'GCSFaultToleranceEmbeddedStorage feature gate to be enabled', 'GCSFaultToleranceEmbeddedStorage');
      return;
    }
    if ((asString(options.redisAddress) ?? '') !== '') c.add(`${base}.redisAddress`, "cannot set GcsFaultToleranceOptions.RedisAddress when backend is 'rocksdb'");
    if (options.redisUsername !== undefined && options.redisUsername !== null) c.add(`${base}.redisUsername`, "cannot set GcsFaultToleranceOptions.RedisUsername when backend is 'rocksdb'");
    if (options.redisPassword !== undefined && options.redisPassword !== null) c.add(`${base}.redisPassword`, "cannot set GcsFaultToleranceOptions.RedisPassword when backend is 'rocksdb'");
    if ((asString(options.externalStorageNamespace) ?? '') !== '') {
      c.add(`${base}.externalStorageNamespace`, "cannot set GcsFaultToleranceOptions.ExternalStorageNamespace when backend is 'rocksdb'");
    }
    const storage = asObject(options.storage);
    if (storage && (asString(storage.claimName) ?? '') !== ''
      && (storage.size !== undefined || storage.storageClassName !== undefined || asArray(storage.accessModes).length > 0)) {
      c.add(`${base}.storage.claimName`, 'GcsFaultToleranceOptions.Storage.ClaimName is mutually exclusive with size, storageClassName, and accessModes');
    }
    if (namedIndex(head?.env, 'RAY_gcs_storage') >= 0 || namedIndex(head?.env, 'RAY_gcs_storage_path') >= 0) {
      c.add('spec.headGroupSpec.template.spec.containers[0].env', 'cannot set `RAY_gcs_storage` or `RAY_gcs_storage_path` env var in head Pod when '
        + 'the embedded GCS FT backend is used - these are managed by KubeRay');
    }
    if (asArray(head?.volumeMounts).some((m) => isMap(m) && (m.mountPath === '/data/gcs' || m.name === 'gcs-storage'))) {
      c.add('spec.headGroupSpec.template.spec.containers[0].volumeMounts', 'cannot set a volume mount named "gcs-storage" or mounted at /data/gcs '
        + 'in the head container when the embedded GCS FT backend is used - it is managed by KubeRay');
    }
    if (namedIndex(headVolumes, 'gcs-storage') >= 0) {
      c.add('spec.headGroupSpec.template.spec.volumes', 'cannot set a volume named "gcs-storage" in the head Pod when the embedded GCS FT backend '
        + 'is used - it is managed by KubeRay');
    }
  } else if (options.storage !== undefined && options.storage !== null) {
    c.add(`${base}.storage`, "cannot set GcsFaultToleranceOptions.Storage when backend is 'redis' - it only applies to the 'rocksdb' backend");
  }
}

function networkPolicy(c: Refusals, spec: JsonObject, np: JsonObject): void {
  const mode = asString(np.mode) ?? 'DenyAll';
  const base = 'spec.networkPolicy';
  for (const side of ['head', 'worker'] as const) {
    const rules = asObject(np[side]);
    if (!rules) continue;
    if (mode === 'DenyAllEgress' && asArray(rules.ingressRules).length > 0) {
      c.add(`${base}.${side}.ingressRules`, `networkPolicy.${side}.ingressRules cannot be set when mode is "${mode}" (ingress is not restricted)`);
    }
    if (mode === 'DenyAllIngress' && asArray(rules.egressRules).length > 0) {
      c.add(`${base}.${side}.egressRules`, `networkPolicy.${side}.egressRules cannot be set when mode is "${mode}" (egress is not restricted)`);
    }
  }
  const groupNames = new Set<string>();
  asArray(spec.workerGroupSpecs).forEach((g, i) => {
    const name = asString(asObject(g)?.groupName) ?? '';
    const errs = dns1123LabelErrors(name);
    if (errs.length > 0) {
      c.add(`spec.workerGroupSpecs[${i}].groupName`, `worker group name "${name}" must be a valid DNS1123 label when networkPolicy is enabled `
        + `(it is embedded in the NetworkPolicy name): [${errs.join(', ')}]`);
    }
    groupNames.add(name);
  });
  asArray(np.workerGroups).forEach((wg, i) => {
    const g = asObject(wg) ?? {};
    const name = asString(g.groupName) ?? '';
    const path = `${base}.workerGroups[${i}]`;
    if (mode === 'DenyAllEgress' && asArray(g.ingressRules).length > 0) {
      c.add(`${path}.ingressRules`, `networkPolicy.workerGroups["${name}"].ingressRules cannot be set when mode is "${mode}" (ingress is not restricted)`);
    }
    if (mode === 'DenyAllIngress' && asArray(g.egressRules).length > 0) {
      c.add(`${path}.egressRules`, `networkPolicy.workerGroups["${name}"].egressRules cannot be set when mode is "${mode}" (egress is not restricted)`);
    }
    if (!groupNames.has(name)) c.add(`${path}.groupName`, `networkPolicy.workerGroups["${name}"] does not match any group name in workerGroupSpecs`);
  });
}

const TLS_ENV = ['RAY_USE_TLS', 'RAY_TLS_SERVER_CERT', 'RAY_TLS_SERVER_KEY', 'RAY_TLS_CA_CERT'];

function tlsConflicts(c: Refusals, container: JsonObject | undefined, path: string, location: string): void {
  if (!container) return;
  for (const name of TLS_ENV) {
    if (namedIndex(container.env, name) >= 0) {
      c.add(`${path}.env`, `cannot set ${name} environment variable in ${location} when tlsOptions is set - the operator manages TLS configuration automatically`);
    }
  }
  for (const m of asArray(container.volumeMounts)) {
    if (!isMap(m)) continue;
    if (m.name === RAY_VOLUMES.tls.name) {
      c.add(`${path}.volumeMounts`, `cannot use volume mount named "ray-tls" in ${location} when tlsOptions is set - the operator manages TLS configuration automatically`);
    } else if (m.mountPath === RAY_VOLUMES.tls.mountPath) {
      c.add(`${path}.volumeMounts`, `cannot use volume mount at path "/etc/ray/tls" in ${location} when tlsOptions is set - the operator manages TLS configuration automatically`);
    }
  }
}

function collectorOptions(c: Refusals, opts: JsonObject): void {
  const base = 'spec.historyServerOptions.collectorOptions';
  if ((asString(opts.image) ?? '') === '') {
    c.add(`${base}.image`, 'historyServerOptions.collectorOptions.image must be set');
    return;
  }
  const env = new Map<string, JsonObject>();
  for (const e of asArray(opts.env)) if (isMap(e)) env.set(asString(e.name) ?? '', e);
  const hasValue = (name: string): boolean => {
    const e = env.get(name);
    return e !== undefined && ((asString(e.value) ?? '') !== '' || isMap(e.valueFrom));
  };
  for (const name of ['POD_IP', 'FQ_RAY_IP', 'RAY_CLUSTER_NAME', 'RAY_CLUSTER_NAMESPACE', 'RAY_ROLE', 'OWNER_KIND', 'OWNER_NAME', 'EVENTS_PORT']) {
    if (env.has(name)) {
      c.add(`${base}.env`, `historyServerOptions.collectorOptions.env must not contain ${name}: it is managed by KubeRay and injected automatically into the collector container`);
      return;
    }
  }
  const backend = asString(env.get('STORAGE_BACKEND')?.value) ?? '';
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
      const mode = (asString(env.get('AZURE_STORAGE_AUTH_MODE')?.value) ?? '').trim().toLowerCase();
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
  const c = new Refusals('ValidateRayClusterSpec', messagePrefix);
  const gates = featureGates(options);
  const s = asObject(spec);
  if (!s) {
    c.add('spec', 'headGroupSpec should have at least one container');
    return c.out;
  }
  const head = asObject(s.headGroupSpec) ?? {};
  const headTemplateSpec = asObject(asObject(head.template)?.spec) ?? {};
  const headRay = rayContainerOf(head.template);
  if (asArray(headTemplateSpec.containers).length === 0) {
    c.add('spec.headGroupSpec.template.spec.containers', 'headGroupSpec should have at least one container');
    return c.out; // upstream reads containers[0] below
  }
  groupResources(c, 'Head', 'spec.headGroupSpec', head);
  groupLabels(c, 'Head', 'spec.headGroupSpec', head);

  const autoscaling = s.enableInTreeAutoscaling === true;
  const groups = asArray(s.workerGroupSpecs);
  groups.forEach((g, i) => {
    const group = asObject(g) ?? {};
    const path = `spec.workerGroupSpecs[${i}]`;
    const name = asString(group.groupName) ?? '';
    if (asArray(asObject(asObject(group.template)?.spec)?.containers).length === 0) {
      c.add(`${path}.template.spec.containers`, 'workerGroupSpec should have at least one container');
      return;
    }
    // minReplicas/maxReplicas are never nil here: the CRD defaults them (0, 2147483647).
    const min = asInteger(group.minReplicas) ?? 0;
    const max = asInteger(group.maxReplicas) ?? MAX_INT32;
    if (min < 0) c.add(`${path}.minReplicas`, `worker group ${name} has negative minReplicas ${min}`);
    if (max < 0) c.add(`${path}.maxReplicas`, `worker group ${name} has negative maxReplicas ${max}`);
    if (min > max) c.add(`${path}.minReplicas`, `worker group ${name} has minReplicas ${min} greater than maxReplicas ${max}`);
    groupResources(c, name, path, group);
    groupLabels(c, name, path, group);
    idleTimeout(c, s, group, path, name);
    priority(c, s, group, path, name);
  });

  const ftOptions = asObject(s.gcsFaultToleranceOptions);
  if ((annotations['ray.io/ft-enabled'] ?? '') !== '' && ftOptions) {
    c.add('metadata.annotations["ray.io/ft-enabled"]', 'ray.io/ft-enabled annotation and GcsFaultToleranceOptions are both set. '
      + 'Please use only GcsFaultToleranceOptions to configure GCS fault tolerance');
  }
  const ftEnabled = (annotations['ray.io/ft-enabled'] ?? '').toLowerCase() === 'true' || ftOptions !== undefined;
  const headEnvPath = 'spec.headGroupSpec.template.spec.containers[0].env';
  if (!ftEnabled && namedIndex(headRay?.env, 'RAY_REDIS_ADDRESS') >= 0) {
    c.add(headEnvPath, 'RAY_REDIS_ADDRESS is set which implicitly enables GCS fault tolerance, but GcsFaultToleranceOptions is not set. '
      + 'Please set GcsFaultToleranceOptions to enable GCS fault tolerance');
  }
  const headParams = stringMap(head.rayStartParams);
  if (ftOptions) {
    if ((headParams['redis-password'] ?? '') !== '') {
      c.add('spec.headGroupSpec.rayStartParams["redis-password"]', 'cannot set `redis-password` in rayStartParams when GcsFaultToleranceOptions is '
        + 'enabled - use GcsFaultToleranceOptions.RedisPassword instead');
    }
    if (namedIndex(headRay?.env, 'REDIS_PASSWORD') >= 0) {
      c.add(headEnvPath, 'cannot set `REDIS_PASSWORD` env var in head Pod when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisPassword instead');
    }
    if (namedIndex(headRay?.env, 'RAY_REDIS_ADDRESS') >= 0) {
      c.add(headEnvPath, 'cannot set `RAY_REDIS_ADDRESS` env var in head Pod when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisAddress instead');
    }
    if ((annotations['ray.io/external-storage-namespace'] ?? '') !== '') {
      c.add('metadata.annotations["ray.io/external-storage-namespace"]', 'cannot set `ray.io/external-storage-namespace` annotation when '
        + 'GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.ExternalStorageNamespace instead');
    }
    gcsBackend(c, gates, ftOptions, headRay, headTemplateSpec.volumes);
  }
  if ((headParams['redis-username'] ?? '') !== '' || namedIndex(headRay?.env, 'REDIS_USERNAME') >= 0) {
    c.add('spec.headGroupSpec', 'cannot set redis username in rayStartParams or environment variables - use GcsFaultToleranceOptions.RedisUsername instead');
  }

  if (!gates.RayJobDeletionPolicy) {
    groups.forEach((g, i) => {
      if (asObject(g)?.suspend === true) {
        c.add(`spec.workerGroupSpecs[${i}].suspend`, `worker group ${asString(asObject(g)?.groupName) ?? ''} can be suspended only when the RayJobDeletionPolicy feature gate is enabled`,
          'RayJobDeletionPolicy');
      }
    });
  }

  const autoscalerOptions = asObject(s.autoscalerOptions);
  const v2Env = envValue(headRay, 'RAY_enable_autoscaler_v2');
  if (!autoscaling && (v2Env === '1' || v2Env === 'true')) {
    c.add(headEnvPath, `environment variable RAY_enable_autoscaler_v2 cannot be set to '${v2Env}' when enableInTreeAutoscaling is false. `
      + 'Please set enableInTreeAutoscaling: true to use autoscaler v2');
  }
  if (autoscaling) {
    groups.forEach((g, i) => {
      if (asObject(g)?.suspend === true) {
        c.add(`spec.workerGroupSpecs[${i}].suspend`, `worker group ${asString(asObject(g)?.groupName) ?? ''} cannot be suspended with Autoscaler enabled`);
      }
    });
    if (autoscalerOptions && autoscalerOptions.version !== undefined && autoscalerOptions.version !== null && v2Env !== undefined) {
      c.add('spec.autoscalerOptions.version', 'both .spec.autoscalerOptions.version and head Pod env var RAY_enable_autoscaler_v2 are set, please only use the former');
    }
    if (isAutoscalingV2(s)) {
      const rp = asString(headTemplateSpec.restartPolicy) ?? '';
      if (rp !== '' && rp !== 'Never') {
        c.add('spec.headGroupSpec.template.spec.restartPolicy', 'restartPolicy for head Pod should be Never or unset when using autoscaler V2');
      }
      groups.forEach((g, i) => {
        const wrp = asString(asObject(asObject(asObject(g)?.template)?.spec)?.restartPolicy) ?? '';
        if (wrp !== '' && wrp !== 'Never') {
          c.add(`spec.workerGroupSpecs[${i}].template.spec.restartPolicy`,
            `restartPolicy for worker group ${asString(asObject(g)?.groupName) ?? ''} should be Never or unset when using autoscaler V2`);
        }
      });
    }
  }
  const idle = asInteger(autoscalerOptions?.idleTimeoutSeconds);
  if (idle !== undefined && idle < 0) {
    c.add('spec.autoscalerOptions.idleTimeoutSeconds', `autoscalerOptions.idleTimeoutSeconds must be non-negative, got ${idle}`);
  }
  if (autoscalerOptions && namedIndex(autoscalerOptions.env, 'KUBERAY_GEN_AUTOSCALER_START_CMD') >= 0) {
    c.add('spec.autoscalerOptions.env', 'autoscalerOptions.env must not contain KUBERAY_GEN_AUTOSCALER_START_CMD: it is managed by KubeRay and injected '
      + 'automatically into the autoscaler container');
  }

  const history = s.historyServerOptions;
  if (history !== undefined && history !== null) {
    const collector = asObject(asObject(history)?.collectorOptions);
    if (!gates.RayClusterHistoryServer) {
      c.add('spec.historyServerOptions', 'RayClusterHistoryServer feature gate is not enabled', 'RayClusterHistoryServer');
    } else if (!collector) {
      c.add('spec.historyServerOptions.collectorOptions', 'historyServerOptions.collectorOptions must be set');
    } else {
      collectorOptions(c, collector);
      asArray(headTemplateSpec.containers).forEach((ct, j) => {
        if (asObject(ct)?.name === INJECTED_CONTAINERS.historyCollector) {
          c.add(`spec.headGroupSpec.template.spec.containers[${j}].name`, "head pod template must not define a container with name 'ray-history-collector' "
            + 'when history server collector options are enabled');
        }
      });
      groups.forEach((g, i) => {
        asArray(asObject(asObject(asObject(g)?.template)?.spec)?.containers).forEach((ct, j) => {
          if (asObject(ct)?.name === INJECTED_CONTAINERS.historyCollector) {
            c.add(`spec.workerGroupSpecs[${i}].template.spec.containers[${j}].name`, `worker group ${asString(asObject(g)?.groupName) ?? ''} pod template must not `
              + "define a container with name 'ray-history-collector' when history server collector options are enabled");
          }
        });
      });
    }
  }

  const auth = asObject(s.authOptions);
  const k8sAuth = auth?.enableK8sTokenAuth === true;
  if (auth?.mode === 'token') {
    const rayVersion = asString(s.rayVersion) ?? '';
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
      } else if ((asString(auth.secretName) ?? '') !== '') {
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
    } else if (isMap(np)) {
      networkPolicy(c, s, np);
    }
  }

  const tls = s.tlsOptions;
  if (tls !== undefined && tls !== null) {
    if (!gates.RayClusterMTLS) {
      c.add('spec.tlsOptions', 'spec.tlsOptions requires the RayClusterMTLS feature gate to be enabled', 'RayClusterMTLS');
    } else if (asObject(tls)?.enabled === true) {
      tlsConflicts(c, headRay, 'spec.headGroupSpec.template.spec.containers[0]', 'head Pod');
      groups.forEach((g, i) => {
        const group = asObject(g) ?? {};
        tlsConflicts(c, rayContainerOf(group.template), `spec.workerGroupSpecs[${i}].template.spec.containers[0]`,
          `worker group "${asString(group.groupName) ?? ''}"`);
      });
      if (autoscalerOptions) {
        for (const name of TLS_ENV) {
          if (namedIndex(autoscalerOptions.env, name) >= 0) {
            c.add('spec.autoscalerOptions.env', `cannot set ${name} environment variable in autoscalerOptions.env when tlsOptions is set - the operator `
              + 'manages TLS configuration for the autoscaler automatically');
          }
        }
        for (const m of asArray(autoscalerOptions.volumeMounts)) {
          if (!isMap(m)) continue;
          if (m.name === RAY_VOLUMES.tls.name) {
            c.add('spec.autoscalerOptions.volumeMounts', 'cannot use volume mount named "ray-tls" in autoscalerOptions.volumeMounts when tlsOptions is set '
              + '- the operator manages TLS configuration automatically');
          } else if (m.mountPath === RAY_VOLUMES.tls.mountPath) {
            c.add('spec.autoscalerOptions.volumeMounts', 'cannot use volume mount at path "/etc/ray/tls" in autoscalerOptions.volumeMounts when tlsOptions '
              + 'is set - the operator manages TLS configuration automatically');
          }
        }
      }
    }
  }
  return c.out;
}
