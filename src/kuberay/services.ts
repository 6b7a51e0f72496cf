/**
 * A pure model of the Services KubeRay v1.7.0 builds around a RayCluster: the cluster's own head
 * Service, the head Service a RayJob or RayService owns, and the Ray Serve Service.
 *
 * Read from `ray-operator/controllers/ray/common/service.go` (`HeadServiceLabels`,
 * `BuildServiceForHeadPod`, `BuildHeadServiceForRayService`, `BuildServeService`,
 * `getServicePorts`, `getPortsFromCluster`, `getDefaultPorts`, `isServingPort`, `GetServePort`,
 * `setLabelsforUserProvidedService`, `setNameforUserProvidedService`,
 * `setNamespaceforUserProvidedService`, `setServiceTypeForUserProvidedService`),
 * `ray-operator/controllers/ray/common/job.go` (`BuildHeadServiceForRayJob`),
 * `ray-operator/controllers/ray/raycluster_controller.go` (`reconcileHeadService`) and
 * `ray-operator/controllers/ray/utils/util.go` (`GenerateHeadServiceName`,
 * `GenerateServeServiceName`, `GenerateServeServiceLabel`, `FetchHeadServiceURL`), tag v1.7.0.
 *
 * Port order: upstream collects the detected ports in a Go map, so the order of the serve
 * Service's ports and of the ports appended to a user-supplied head Service is random; the model
 * sorts them by name (as upstream does for the default head Service). Everything else is as built.
 *
 * @module
 */

import { arr, clone, cloneObj, isObj, KUBERAY_OWNER_KEYS, KubeRayOperatorOptions, Obj, objOf, rayContainerOf, str, stringMap } from './common';
import { checkLabel } from './naming';
import type { JsonObject, JsonValue } from '../kubernetes/json';

/** `utils.DefaultServingPort`. */
export const DEFAULT_SERVE_PORT = 8000;
/** `utils.DefaultDashboardPort`. */
export const DEFAULT_DASHBOARD_PORT = 8265;
/** `utils.DefaultMetricsPort`. */
const DEFAULT_METRICS_PORT = 8080;

/** Mirrors `getDefaultPorts`: the head ports KubeRay assumes when the Ray container declares none. */
export const DEFAULT_HEAD_PORTS: Readonly<Record<string, number>> = {
  'client': 10001,
  'gcs-server': 6379,
  'dashboard': DEFAULT_DASHBOARD_PORT,
  'metrics': DEFAULT_METRICS_PORT,
  'serve': DEFAULT_SERVE_PORT,
};

/**
 * Mirrors `getServicePorts` and `getPortsFromCluster`: name → port of the head Ray container's
 * `ports` (an unnamed port is named `<containerPort>-port`; a later port of the same name wins),
 * or {@link DEFAULT_HEAD_PORTS} when it declares none; `metrics: 8080` is added when missing.
 */
export function headServicePorts(rayClusterSpec: unknown): Record<string, number> {
  const head = objOf(objOf(rayClusterSpec)?.headGroupSpec);
  const ray = rayContainerOf(head?.template);
  const ports: Record<string, number> = {};
  for (const p of arr(ray?.ports)) {
    if (!isObj(p)) continue;
    const port = typeof p.containerPort === 'number' ? p.containerPort : 0;
    const name = typeof p.name === 'string' && p.name !== '' ? p.name : `${port}-port`;
    ports[name] = port;
  }
  const out = Object.keys(ports).length === 0 ? { ...DEFAULT_HEAD_PORTS } : ports;
  if (out.metrics === undefined) out.metrics = DEFAULT_METRICS_PORT;
  return out;
}

/** Mirrors `isServingPort`: `serve` or `serve-*`. */
export function isServingPort(name: string): boolean {
  return name === 'serve' || name.startsWith('serve-');
}

/** Mirrors `common.GetServePort`: the head Ray container's port named exactly `serve`, else 8000. */
export function servePort(rayClusterSpec: unknown): number {
  const head = objOf(objOf(rayClusterSpec)?.headGroupSpec);
  const ray = rayContainerOf(head?.template);
  for (const p of arr(ray?.ports)) {
    if (isObj(p) && p.name === 'serve') return typeof p.containerPort === 'number' ? p.containerPort : 0;
  }
  return DEFAULT_SERVE_PORT;
}

function sortedNames(ports: Record<string, number>): string[] {
  return Object.keys(ports).sort();
}

/** Mirrors `HeadServiceLabels`: KubeRay's labels (and selector keys) of a cluster's head Service. */
export function headServiceLabels(clusterName: string): Record<string, string> {
  return {
    'ray.io/cluster': clusterName,
    'ray.io/node-type': 'head',
    'ray.io/identifier': checkLabel(`${clusterName}-head`),
    'app.kubernetes.io/name': 'kuberay',
    'app.kubernetes.io/created-by': 'kuberay-operator',
  };
}

/** The facts of a RayCluster the Service builders read. */
interface ClusterInput {
  readonly name: string;
  readonly namespace?: string;
  readonly spec: Obj;
}

function clusterInput(rayCluster: JsonObject): ClusterInput {
  const md = objOf(rayCluster.metadata);
  const namespace = str(md?.namespace);
  return { name: str(md?.name) ?? '', ...(namespace ? { namespace } : {}), spec: objOf(rayCluster.spec) ?? {} };
}

/** Mirrors `GenerateHeadServiceName(RayClusterCRD, …)`: `headService.metadata.name`, else `<cluster>-head-svc`. */
export function clusterHeadServiceName(rayCluster: JsonObject): string {
  const c = clusterInput(rayCluster);
  const custom = str(objOf(objOf(objOf(c.spec.headGroupSpec)?.headService)?.metadata)?.name);
  return custom ? custom : `${c.name}-head-svc`;
}

/**
 * Mirrors `BuildServiceForHeadPod(cluster, labels, annotations)`. The selector holds exactly the
 * keys of {@link headServiceLabels}, with values from `labels` when given there; the Service's
 * labels are the selector. With a user `headGroupSpec.headService`, that Service is the base
 * (selector replaced, KubeRay's labels merged over the user's, the computed ports appended, name
 * and type defaulted, namespace forced) and it is not made headless; otherwise the Service is
 * headless (`clusterIP: None`, `publishNotReadyAddresses: true`) when its type is empty or
 * ClusterIP, unless the operator sets `ENABLE_RAY_HEAD_CLUSTER_IP_SERVICE`.
 */
function buildServiceForHeadPod(c: ClusterInput, labels: Record<string, string>, annotations: Record<string, string>,
  options?: KubeRayOperatorOptions): Obj {
  const defaults = headServiceLabels(c.name);
  const selector: Record<string, string> = {};
  for (const k of Object.keys(defaults)) selector[k] = labels[k] !== undefined ? labels[k] : defaults[k];
  const head = objOf(c.spec.headGroupSpec) ?? {};
  const defaultType = str(head.serviceType) ?? '';
  const portMap = headServicePorts(c.spec);
  const ports: JsonValue[] = sortedNames(portMap).map((name) => ({ name, port: portMap[name], appProtocol: 'tcp' }));
  const name = clusterHeadServiceName({ metadata: { name: c.name }, spec: c.spec });

  if (isObj(head.headService)) {
    const svc = cloneObj(head.headService);
    const md = isObj(svc.metadata) ? svc.metadata : (svc.metadata = {});
    const spec = isObj(svc.spec) ? svc.spec : (svc.spec = {});
    spec.selector = { ...selector };
    const anns = { ...stringMap(md.annotations), ...annotations };
    if (Object.keys(anns).length > 0) md.annotations = anns;
    spec.ports = [...arr(spec.ports), ...ports];
    md.labels = { ...stringMap(md.labels), ...selector };
    if (!str(md.name)) md.name = name;
    if (c.namespace) md.namespace = c.namespace;
    else delete md.namespace;
    if (!str(spec.type) && defaultType) spec.type = defaultType;
    return { apiVersion: 'v1', kind: 'Service', ...svc };
  }

  const spec: Obj = { selector: { ...selector }, ports };
  if (defaultType) spec.type = defaultType;
  if (options?.headServiceClusterIP !== true && (defaultType === '' || defaultType === 'ClusterIP')) {
    spec.clusterIP = 'None';
    spec.publishNotReadyAddresses = true;
  }
  const metadata: Obj = { name, labels: { ...selector } };
  if (c.namespace) metadata.namespace = c.namespace;
  if (Object.keys(annotations).length > 0) metadata.annotations = { ...annotations };
  return { apiVersion: 'v1', kind: 'Service', metadata, spec };
}

/**
 * The head Service the RayCluster controller creates for a RayCluster (`reconcileHeadService`):
 * `BuildServiceForHeadPod` with the head template's `app.kubernetes.io/name` label (when it
 * sets one) and `spec.headServiceAnnotations`.
 */
export function buildClusterHeadService(rayCluster: JsonObject, options?: KubeRayOperatorOptions): JsonObject {
  const c = clusterInput(rayCluster);
  const head = objOf(c.spec.headGroupSpec);
  const templateLabels = stringMap(objOf(objOf(head?.template)?.metadata)?.labels);
  const labels: Record<string, string> = {};
  if (templateLabels['app.kubernetes.io/name'] !== undefined) labels['app.kubernetes.io/name'] = templateLabels['app.kubernetes.io/name'];
  return buildServiceForHeadPod(c, labels, stringMap(c.spec.headServiceAnnotations), options);
}

/**
 * The head Service a RayJob or RayService owns (`BuildHeadServiceForRayJob`,
 * `BuildHeadServiceForRayService`): the cluster's head Service as `BuildServiceForHeadPod` builds
 * it without labels or annotations, renamed `<owner>-head-svc`, in the owner's namespace, its
 * labels replaced by `ray.io/originated-from-cr-name`, `ray.io/originated-from-crd`,
 * `ray.io/node-type: head` and `ray.io/identifier: <owner>-head`. Its selector is the cluster's.
 */
export function buildOwnerHeadService(ownerKind: 'RayJob' | 'RayService', ownerName: string, ownerNamespace: string | undefined,
  rayCluster: JsonObject, options?: KubeRayOperatorOptions): JsonObject {
  const svc = buildServiceForHeadPod(clusterInput(rayCluster), {}, {}, options);
  const md = objOf(svc.metadata) ?? {};
  md.name = `${ownerName}-head-svc`;
  if (ownerNamespace) md.namespace = ownerNamespace;
  else delete md.namespace;
  md.labels = {
    [KUBERAY_OWNER_KEYS.originatedFromCrName]: ownerName,
    [KUBERAY_OWNER_KEYS.originatedFromCrd]: ownerKind,
    'ray.io/node-type': 'head',
    'ray.io/identifier': checkLabel(`${ownerName}-head`),
  };
  svc.metadata = md;
  return svc;
}

/** The outcome of {@link buildServeService}. */
export interface ServeServiceBuild {
  /** The Service, or undefined when KubeRay fails to build one (`error`). */
  readonly service?: JsonObject;
  /** KubeRay's error when it cannot build the Service. */
  readonly error?: string;
  /** Whether the user's `spec.serveService` was the base. */
  readonly fromUserTemplate: boolean;
}

const NO_SERVE_PORT = "Please specify a port named 'serve' (or with the prefix 'serve-', e.g. 'serve-grpc') in the Ray head "
  + 'container; otherwise, the Kubernetes service for Ray Serve will not be created.';

/**
 * Mirrors `BuildServeService(rayService, rayCluster, isRayService=true)`.
 *
 * Name and labels are based on the RayService's name, or on the cluster's when
 * `incremental` (NewClusterWithIncrementalUpgrade: the per-cluster `<cluster>-serve-svc`). The
 * selector is always `ray.io/cluster: <cluster>, ray.io/serve: "true"`. Ports are the head Ray
 * container's ports named `serve`/`serve-*` (the defaults, incl. serve 8000, when it declares
 * none). A user `spec.serveService` (ignored when `incremental`) is the base: its selector is
 * replaced, KubeRay's labels are merged over the user's, the detected ports replace its port list
 * (a user port with the same name is kept in place of the detected one; with no detected port the
 * user's list stays as written), its name defaults to `<rayservice>-serve-svc`, its namespace is
 * forced, and its type defaults to `headGroupSpec.serviceType`. Without a serve port and without a
 * user Service, KubeRay errors and no serve Service is created.
 */
export function buildServeService(rayService: JsonObject, clusterName: string, incremental: boolean): ServeServiceBuild {
  const md = objOf(rayService.metadata);
  const rsName = str(md?.name) ?? '';
  const namespace = str(md?.namespace);
  const spec = objOf(rayService.spec) ?? {};
  const clusterSpec = objOf(spec.rayClusterConfig) ?? {};
  const name = incremental ? clusterName : rsName;
  const labels: Record<string, string> = {
    [KUBERAY_OWNER_KEYS.originatedFromCrName]: name,
    [KUBERAY_OWNER_KEYS.originatedFromCrd]: 'RayService',
    [KUBERAY_OWNER_KEYS.serve]: `${name}-serve`,
  };
  const selector = { 'ray.io/cluster': clusterName, [KUBERAY_OWNER_KEYS.serve]: 'true' };
  const defaultName = `${name}-serve-svc`;
  const defaultType = str(objOf(clusterSpec.headGroupSpec)?.serviceType) ?? '';
  const portMap = headServicePorts(clusterSpec);
  const detected = sortedNames(portMap).filter(isServingPort).map((n): Obj => ({ name: n, port: portMap[n] }));
  const user = objOf(spec.serveService);

  if (detected.length === 0 && !user) return { error: NO_SERVE_PORT, fromUserTemplate: false };

  if (user && !incremental) {
    const svc = cloneObj(user);
    const smd = isObj(svc.metadata) ? svc.metadata : (svc.metadata = {});
    const sspec = isObj(svc.spec) ? svc.spec : (svc.spec = {});
    sspec.selector = { ...selector };
    if (detected.length > 0) {
      const userPorts = new Map<string, JsonValue>();
      for (const p of arr(sspec.ports)) if (isObj(p)) userPorts.set(str(p.name) ?? '', p);
      sspec.ports = detected.map((p) => (userPorts.has(p.name as string) ? clone(userPorts.get(p.name as string)) : p));
    }
    smd.labels = { ...stringMap(smd.labels), ...labels };
    if (!str(smd.name)) smd.name = defaultName;
    if (namespace) smd.namespace = namespace;
    else delete smd.namespace;
    if (!str(sspec.type) && defaultType) sspec.type = defaultType;
    return { service: { apiVersion: 'v1', kind: 'Service', ...svc }, fromUserTemplate: true };
  }

  if (detected.length === 0) return { error: NO_SERVE_PORT, fromUserTemplate: false };
  const metadata: Obj = { name: defaultName, labels };
  if (namespace) metadata.namespace = namespace;
  const sspec: Obj = { selector, ports: detected };
  if (defaultType) sspec.type = defaultType;
  return { service: { apiVersion: 'v1', kind: 'Service', metadata, spec: sspec }, fromUserTemplate: false };
}

/**
 * Mirrors `utils.FetchHeadServiceURL(…, "dashboard")` on the Service {@link buildClusterHeadService}
 * builds: `<head Service>.<namespace>.svc.<domain>:<port of the first Service port named
 * dashboard>`, no scheme. Undefined when the Service has no port named `dashboard` (upstream
 * errors and retries forever). The namespace defaults to `default` when the manifest has none.
 */
export function dashboardURL(rayCluster: JsonObject, options?: KubeRayOperatorOptions): string | undefined {
  const svc = buildClusterHeadService(rayCluster, options);
  const port = arr(objOf(svc.spec)?.ports).find((p) => isObj(p) && p.name === 'dashboard');
  if (!isObj(port)) return undefined;
  const md = objOf(svc.metadata);
  const ns = str(md?.namespace) ?? 'default';
  const domain = options?.clusterDomain ? options.clusterDomain : 'cluster.local';
  return `${str(md?.name) ?? ''}.${ns}.svc.${domain}:${typeof port.port === 'number' ? port.port : ''}`;
}

/** The selector keys of `service` whose value the pod labels do not match (the Service would not select that pod). */
export function unmatchedSelectorKeys(service: JsonObject | undefined, podLabels: Record<string, string>): string[] {
  const selector = stringMap(objOf(objOf(service?.spec)?.selector));
  return Object.keys(selector).filter((k) => podLabels[k] !== selector[k]);
}
