/**
 * A pure model of what the KubeRay v1.7.0 operator builds from a RayService: the RayCluster
 * (whose pods `buildRayPods` builds, with the RayService behaviour its
 * `ray.io/originated-from-crd: RayService` label switches on), the RayCluster's head Service, the
 * RayService's head and serve Services, what `upgradeStrategy.type:
 * NewClusterWithIncrementalUpgrade` adds (a Gateway, an HTTPRoute, per-cluster serve Services),
 * and the reasons KubeRay would refuse the RayService.
 *
 * Read from KubeRay tag v1.7.0 (commit 59d663aeec13760646da3db9c1cf8cfe883e30b7):
 * - `ray-operator/controllers/ray/rayservice_controller.go`: `Reconcile`, `validateRayService`,
 *   `calculateStatus` and `shouldPrepareNewCluster` (the first cluster's name),
 *   `createRayClusterInstance`, `constructRayClusterForRayService`, `reconcileServicesToReadyCluster`,
 *   `reconcileServices`, `createGateway`, `createHTTPRoute`, `calculateTrafficRoutedPercent`,
 *   `reconcilePerClusterServeService`, `updateHeadPodServeLabel`, `isZeroDowntimeUpgradeEnabled`;
 * - `ray-operator/controllers/ray/common/service.go`: `BuildHeadServiceForRayService`,
 *   `BuildServeServiceForRayService`, `BuildServeService`, `GetServePort`;
 * - `ray-operator/controllers/ray/common/pod.go`: `BuildPod` (`ray.io/serve` pod label);
 * - `ray-operator/controllers/ray/utils/util.go`: `GenerateRayClusterName`, `IsIncrementalUpgradeEnabled`;
 * - `ray-operator/controllers/ray/utils/validation.go`: `ValidateRayServiceMetadata`,
 *   `ValidateRayServiceSpec`, `ValidateClusterUpgradeOptions`.
 *
 * The model shows the steady state with one RayCluster, `<rayservice>-xxxxx` (upstream
 * `rand.String(5)`). A spec change that is not only a replica or worker-group change makes
 * KubeRay build a second cluster with a new name from the new spec (zero-downtime upgrade, unless
 * `upgradeStrategy.type: None`); its pods are built the same way (under
 * NewClusterWithIncrementalUpgrade with `replicas` cleared, so each group starts at `minReplicas`).
 * The cluster's `ray.io/hash-without-replicas-and-workers-to-delete` annotation is a placeholder.
 *
 * Pure: the input is never mutated; malformed input gives a best-effort model plus refusals.
 *
 * @module
 */

import { KUBERAY_ORIGIN_LABELS, MODELLED_KUBERAY_VERSION } from './constants';
import { KubeRayNote, KubeRayRefusal } from './findings';
import { KubeRayOperatorOptions, managedByNote, objectName, randomSuffix } from './operator';
import { RayPod } from './pod-build';
import { buildRayPods } from './pods';
import { rebaseRayPod } from './rebase';
import { buildClusterHeadService, buildOwnerHeadService, buildServeService, servePort, unselectedHeadServiceNotes } from './services';
import { isIncrementalUpgrade, validateRayServiceMetadata, validateRayServiceSpec } from './validate-workloads';
import { asArray, asObject, asString, cloneMap, isMap, JsonMap, JsonObject, stringMap } from '../kubernetes/json';

/** Stands for the spec hash KubeRay writes in `ray.io/hash-without-replicas-and-workers-to-delete`. */
export const SPEC_HASH_PLACEHOLDER = '<hash of spec.rayClusterConfig>';

/** What KubeRay v1.7.0 builds from one RayService. */
export interface RayServiceModel {
  /** The RayService's name. */
  readonly name: string;
  /** Its namespace, when the manifest sets one. */
  readonly namespace?: string;
  /** The RayCluster's name: `<rayservice>-xxxxx`. */
  readonly clusterName: string;
  /** The RayCluster KubeRay creates. */
  readonly rayCluster?: JsonObject;
  /** Its pods as `buildRayPods` builds them, every path pointing into the RayService (`spec.rayClusterConfig…`). */
  readonly rayPods: RayPod[];
  /** The head Service the RayCluster controller creates for the cluster. */
  readonly clusterHeadService?: JsonObject;
  /** The RayService's head Service `<rayservice>-head-svc`. */
  readonly headService?: JsonObject;
  /**
   * The serve Service: `spec.serveService` as KubeRay rewrites it, or `<rayservice>-serve-svc`;
   * under NewClusterWithIncrementalUpgrade the per-cluster `<cluster>-serve-svc`. Undefined when
   * KubeRay cannot build one (no serve port and no `spec.serveService`; see `notes`).
   */
  readonly serveService?: JsonObject;
  /** Where the serve Service's template is in the RayService, when the user gave one (`spec.serveService`). */
  readonly serveServiceSource?: string;
  /** True when KubeRay runs NewClusterWithIncrementalUpgrade (the type is set and the gate RayServiceIncrementalUpgrade is on). */
  readonly incrementalUpgrade: boolean;
  /** NewClusterWithIncrementalUpgrade: the Gateway `<rayservice>-gateway`. */
  readonly gateway?: JsonObject;
  /** NewClusterWithIncrementalUpgrade: the HTTPRoute `<rayservice>-httproute`, all traffic to the one cluster. */
  readonly httpRoute?: JsonObject;
  /** Why KubeRay would refuse the RayService (then it creates none of the above). */
  readonly refusals: KubeRayRefusal[];
  /** Facts that change what runs or when, without a refusal. */
  readonly notes: KubeRayNote[];
}

/**
 * Mirrors `constructRayClusterForRayService` for the first cluster: the RayService's labels plus
 * the two `originated-from` labels, its annotations plus the spec hash (a placeholder),
 * `ray.io/num-worker-groups` and `ray.io/kuberay-version`, and a copy of `spec.rayClusterConfig`.
 */
function constructRayCluster(name: string, namespace: string | undefined, labels: Record<string, string>,
  annotations: Record<string, string>, clusterSpec: JsonObject, clusterName: string): JsonMap {
  const metadata: JsonMap = {
    name: clusterName,
    labels: {
      ...labels,
      [KUBERAY_ORIGIN_LABELS.crName]: name,
      [KUBERAY_ORIGIN_LABELS.crd]: 'RayService',
    },
    annotations: {
      ...annotations,
      [KUBERAY_ORIGIN_LABELS.hashWithoutReplicas]: SPEC_HASH_PLACEHOLDER,
      [KUBERAY_ORIGIN_LABELS.numWorkerGroups]: String(asArray(clusterSpec.workerGroupSpecs).length),
      [KUBERAY_ORIGIN_LABELS.kubeRayVersion]: MODELLED_KUBERAY_VERSION,
    },
  };
  if (namespace) metadata.namespace = namespace;
  return { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata, spec: cloneMap(clusterSpec) };
}

/**
 * What KubeRay v1.7.0 builds from a RayService. Never throws; does not mutate `rayService`.
 *
 * - RayCluster `<rayservice>-xxxxx`: labels = the RayService's plus
 *   `ray.io/originated-from-cr-name` and `ray.io/originated-from-crd: RayService` (which makes
 *   the pod model add `ray.io/serve` to the pods: workers `"true"`, the head `"false"` until the
 *   operator's proxy health check sets it); annotations = the RayService's plus the spec hash,
 *   `ray.io/num-worker-groups` and `ray.io/kuberay-version: v1.7.0`; spec = a copy of
 *   `spec.rayClusterConfig`.
 * - Services owned by the RayService, pointed at the cluster once it serves: `<rayservice>-head-svc`
 *   and the serve Service (see {@link RayServiceModel.serveService}).
 * - NewClusterWithIncrementalUpgrade (gate on, beta, default on): Gateway `<rayservice>-gateway`
 *   (the options' `gatewayClassName`, one listener `http`, HTTP, port 80), HTTPRoute
 *   `<rayservice>-httproute` (PathPrefix `/` to `<cluster>-serve-svc` on the head's `serve` port,
 *   default 8000, weight 100), and the per-cluster serve Service owned by the RayCluster; the
 *   user's `spec.serveService` is ignored.
 */
export function buildRayService(rayService: JsonObject, options?: KubeRayOperatorOptions): RayServiceModel {
  const doc: JsonObject = isMap(rayService) ? rayService : {};
  const md = asObject(doc.metadata);
  const spec = asObject(doc.spec) ?? {};
  const name = objectName(doc, options);
  const namespace = asString(md?.namespace);
  const labels = stringMap(md?.labels);
  const annotations = stringMap(md?.annotations);
  const clusterName = `${name}-${randomSuffix(options)}`;
  const incremental = isIncrementalUpgrade(spec, options);
  const notes: KubeRayNote[] = [];
  const refusals: KubeRayRefusal[] = [
    ...validateRayServiceMetadata(name, annotations),
    ...validateRayServiceSpec(spec, annotations, options),
  ];

  const managedBy = managedByNote('RayService', spec.managedBy);
  if (managedBy) notes.push(managedBy);
  if (spec.suspend === true) {
    notes.push({ path: 'spec.suspend', message: 'spec.suspend is true: KubeRay deletes (or does not create) the RayCluster and the Services until it is false' });
  }
  if (asObject(spec.upgradeStrategy)?.type === 'NewClusterWithIncrementalUpgrade' && !incremental) {
    notes.push({
      path: 'spec.upgradeStrategy.type',
      message: 'NewClusterWithIncrementalUpgrade needs the RayServiceIncrementalUpgrade feature gate, which is off: KubeRay upgrades as with NewCluster',
    });
  }

  const base: RayServiceModel = {
    name, ...(namespace ? { namespace } : {}), clusterName, rayPods: [], incrementalUpgrade: incremental, refusals, notes,
  };
  const clusterSpec = asObject(spec.rayClusterConfig);
  if (!clusterSpec) return base;

  const rayCluster = constructRayCluster(name, namespace, labels, annotations, clusterSpec, clusterName);
  if (clusterSpec.suspend === true) {
    notes.push({ path: 'spec.rayClusterConfig.suspend', message: 'spec.rayClusterConfig.suspend is true: the RayCluster is created suspended and runs no pod until it is resumed' });
  }

  const rayPods = buildRayPods(rayCluster, { initContainerInjection: options?.initContainerInjection })
    .map((p) => rebaseRayPod(p, 'spec.rayClusterConfig'));
  const clusterHeadService = buildClusterHeadService(rayCluster, options);
  const headService = buildOwnerHeadService('RayService', name, namespace, rayCluster, options);
  const serve = buildServeService(doc, clusterName, incremental);
  if (serve.error) {
    notes.push({
      path: 'spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].ports',
      message: `KubeRay cannot build the serve Service: ${serve.error} The RayService never becomes ready.`,
    });
  }
  if (asObject(spec.serveService) && incremental) {
    notes.push({ path: 'spec.serveService', message: 'spec.serveService is ignored under NewClusterWithIncrementalUpgrade: the per-cluster serve Service is built instead' });
  }
  notes.push(...unselectedHeadServiceNotes([clusterHeadService, headService], rayPods, 'spec.rayClusterConfig.headGroupSpec.template.metadata.labels'));
  if (spec.excludeHeadPodFromServeSvc === true) {
    notes.push({ path: 'spec.excludeHeadPodFromServeSvc', message: 'the head pod keeps ray.io/serve: "false", so the serve Service sends traffic to workers only' });
  }

  const result: RayServiceModel = {
    ...base,
    rayCluster,
    rayPods,
    clusterHeadService,
    headService,
    ...(serve.service ? { serveService: serve.service } : {}),
    ...(serve.fromUserTemplate ? { serveServiceSource: 'spec.serveService' } : {}),
  };
  if (!incremental) return result;

  const upgradeOptions = asObject(asObject(spec.upgradeStrategy)?.clusterUpgradeOptions);
  if (!upgradeOptions) return result; // createGateway errors: no Gateway, no HTTPRoute
  const gatewayName = `${name}-gateway`;
  const gatewayMeta: JsonMap = { name: gatewayName };
  if (namespace) gatewayMeta.namespace = namespace;
  const gateway: JsonObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: gatewayMeta,
    spec: {
      gatewayClassName: asString(upgradeOptions.gatewayClassName) ?? '',
      listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }],
    },
  };
  const routeMeta: JsonMap = { name: `${name}-httproute` };
  if (namespace) routeMeta.namespace = namespace;
  const ref = (o: JsonMap): JsonMap => (namespace ? { ...o, namespace } : o);
  const httpRoute: JsonObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: routeMeta,
    spec: {
      parentRefs: [ref({ name: gatewayName })],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ ...ref({ name: `${clusterName}-serve-svc`, port: servePort(clusterSpec) }), weight: 100 }],
      }],
    },
  };
  return { ...result, gateway, httpRoute };
}
