/**
 * What KubeRay reads once from a RayCluster before it builds any pod: the `utils.Is…Enabled`
 * predicates and the names derived from the cluster (`raycluster_controller.go`, `utils/util.go`).
 *
 * @module
 */
import { KUBERAY_ORIGIN_LABELS } from './constants';
import { checkName } from './naming';
import { asString, isMap, JsonMap, JsonObject, stringMap } from '../kubernetes/json';

/** Cluster-wide facts every pod-building step reads. */
export interface ClusterFacts {
  /** `metadata.name` (`''` when missing). */
  readonly name: string;
  /** `metadata.namespace`, when set. */
  readonly namespace?: string;
  /** The RayCluster's annotations. */
  readonly annotations: Record<string, string>;
  /** The RayCluster's labels. */
  readonly labels: Record<string, string>;
  /** `spec` (an empty object when missing). */
  readonly spec: JsonMap;
  /** `utils.IsAutoscalingEnabled`: `spec.enableInTreeAutoscaling == true`. */
  readonly autoscaling: boolean;
  /**
   * `utils.IsAutoscalingV2Enabled`: `autoscalerOptions.version == v2`, nothing else (v1.7.0 has no
   * Ray-version-based default, and the head's `RAY_enable_autoscaler_v2` env does not count).
   */
  readonly autoscalerV2: boolean;
  /** `utils.IsTLSEnabled`: `spec.tlsOptions.enabled == true`. */
  readonly tls: boolean;
  /** `utils.IsAuthEnabled`: `spec.authOptions.mode == token`. */
  readonly auth: boolean;
  /** `utils.IsK8sAuthEnabled`: `spec.authOptions.enableK8sTokenAuth == true`. */
  readonly k8sAuth: boolean;
  /** Secret holding the Ray auth token: `authOptions.secretName`, else `CheckName(cluster name)`. */
  readonly authSecretName: string;
  /** `spec.historyServerOptions.collectorOptions`, when set. */
  readonly collector?: JsonMap;
  /** `utils.IsGCSFaultToleranceEnabled`: annotation `ray.io/ft-enabled=true` or `gcsFaultToleranceOptions` set. */
  readonly gcsFT: boolean;
  /** Value of the RayCluster label `ray.io/originated-from-crd` (RayJob, RayService…). */
  readonly creatorCrd?: string;
}

/** Reads the {@link ClusterFacts} of a RayCluster (never throws; odd fields read as unset). */
export function clusterFacts(rc: JsonObject): ClusterFacts {
  const metadata = (isMap(rc.metadata) ? rc.metadata : {});
  const spec = (isMap(rc.spec) ? rc.spec : {});
  const name = asString(metadata.name) ?? '';
  const annotations = stringMap(metadata.annotations);
  const autoscalerOptions = (isMap(spec.autoscalerOptions) ? spec.autoscalerOptions : {});
  const authOptions = (isMap(spec.authOptions) ? spec.authOptions : {});
  const tlsOptions = (isMap(spec.tlsOptions) ? spec.tlsOptions : {});
  const history = (isMap(spec.historyServerOptions) ? spec.historyServerOptions : {});
  const secretName = asString(authOptions.secretName);
  const labels = stringMap(metadata.labels);
  return {
    name,
    namespace: asString(metadata.namespace) || undefined,
    annotations,
    labels,
    spec,
    autoscaling: spec.enableInTreeAutoscaling === true,
    autoscalerV2: autoscalerOptions.version === 'v2',
    tls: tlsOptions.enabled === true,
    auth: authOptions.mode === 'token',
    k8sAuth: authOptions.enableK8sTokenAuth === true,
    authSecretName: secretName ? secretName : checkName(name),
    collector: isMap(history.collectorOptions) ? history.collectorOptions : undefined,
    gcsFT: (annotations['ray.io/ft-enabled'] ?? '').toLowerCase() === 'true' || isMap(spec.gcsFaultToleranceOptions),
    creatorCrd: labels[KUBERAY_ORIGIN_LABELS.crd],
  };
}
