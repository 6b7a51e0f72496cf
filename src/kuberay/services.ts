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

import { KUBERAY_APPLICATION_NAME, KUBERAY_COMPONENT_NAME, KUBERAY_ORIGIN_LABELS, RAY_LABELS, RAY_PORTS } from './constants';
import type { KubeRayNote } from './findings';
import { checkLabel } from './naming';
import type { KubeRayOperatorOptions } from './operator';
import { findContainerPort, RayPod, rayContainerOf } from './pod-build';
import { asArray, asObject, asString, cloneJson, cloneMap, isMap, JsonMap, JsonObject, JsonValue, named, stringMap } from '../kubernetes/json';

/** Mirrors `getDefaultPorts`: the head ports KubeRay assumes when the Ray container declares none. */
export const DEFAULT_HEAD_PORTS: Readonly<Record<string, number>> = {
  'client': RAY_PORTS.client,
  'gcs-server': RAY_PORTS.gcs,
  'dashboard': RAY_PORTS.dashboard,
  'metrics': RAY_PORTS.metrics,
  'serve': RAY_PORTS.serve,
};

/**
 * Mirrors `getServicePorts` and `getPortsFromCluster`: name → port of the head Ray container's
 * `ports` (an unnamed port is named `<containerPort>-port`; a later port of the same name wins),
 * or {@link DEFAULT_HEAD_PORTS} when it declares none; `metrics: 8080` is added when missing.
 */
export function headServicePorts(rayClusterSpec: unknown): Record<string, number> {
  const head = asObject(asObject(rayClusterSpec)?.headGroupSpec);
  const ray = rayContainerOf(head?.template);
  const ports: Record<string, number> = {};
  for (const p of asArray(ray?.ports)) {
    if (!isMap(p)) continue;
    const port = typeof p.containerPort === 'number' ? p.containerPort : 0;
    const name = typeof p.name === 'string' && p.name !== '' ? p.name : `${port}-port`;
    ports[name] = port;
  }
  const out = Object.keys(ports).length === 0 ? { ...DEFAULT_HEAD_PORTS } : ports;
  if (out.metrics === undefined) out.metrics = RAY_PORTS.metrics;
  return out;
}

/** Mirrors `isServingPort`: `serve` or `serve-*`. */
export function isServingPort(name: string): boolean {
  return name === 'serve' || name.startsWith('serve-');
}

/** Mirrors `common.GetServePort`: the head Ray container's port named exactly `serve`, else 8000. */
export function servePort(rayClusterSpec: unknown): number {
  const head = asObject(asObject(rayClusterSpec)?.headGroupSpec);
  return findContainerPort(rayContainerOf(head?.template), 'serve', RAY_PORTS.serve);
}

function sortedNames(ports: Record<string, number>): string[] {
  return Object.keys(ports).sort();
}

/** Mirrors `HeadServiceLabels`: KubeRay's labels (and selector keys) of a cluster's head Service. */
export function headServiceLabels(clusterName: string): Record<string, string> {
  return {
    [RAY_LABELS.cluster]: clusterName,
    [RAY_LABELS.nodeType]: 'head',
    [RAY_LABELS.identifier]: checkLabel(`${clusterName}-head`),
    [RAY_LABELS.appName]: KUBERAY_APPLICATION_NAME,
    [RAY_LABELS.createdBy]: KUBERAY_COMPONENT_NAME,
  };
}

/** The facts of a RayCluster the Service builders read. */
interface ClusterInput {
  readonly name: string;
  readonly namespace?: string;
  readonly spec: JsonMap;
}

function clusterInput(rayCluster: JsonObject): ClusterInput {
  const md = asObject(rayCluster.metadata);
  const namespace = asString(md?.namespace);
  return { name: asString(md?.name) ?? '', ...(namespace ? { namespace } : {}), spec: isMap(rayCluster.spec) ? rayCluster.spec : {} };
}

/** Mirrors `GenerateHeadServiceName(RayClusterCRD, …)`: `headService.metadata.name`, else `<cluster>-head-svc`. */
export function clusterHeadServiceName(rayCluster: JsonObject): string {
  const c = clusterInput(rayCluster);
  const custom = asString(asObject(asObject(asObject(c.spec.headGroupSpec)?.headService)?.metadata)?.name);
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
  options?: KubeRayOperatorOptions): JsonMap {
  const defaults = headServiceLabels(c.name);
  const selector: Record<string, string> = {};
  for (const k of Object.keys(defaults)) selector[k] = labels[k] !== undefined ? labels[k] : defaults[k];
  const head = asObject(c.spec.headGroupSpec) ?? {};
  const defaultType = asString(head.serviceType) ?? '';
  const portMap = headServicePorts(c.spec);
  const ports: JsonValue[] = sortedNames(portMap).map((name) => ({ name, port: portMap[name], appProtocol: 'tcp' }));
  const name = clusterHeadServiceName({ metadata: { name: c.name }, spec: c.spec });

  if (isMap(head.headService)) {
    const svc = cloneMap(head.headService);
    const md = isMap(svc.metadata) ? svc.metadata : (svc.metadata = {});
    const spec = isMap(svc.spec) ? svc.spec : (svc.spec = {});
    spec.selector = { ...selector };
    const anns = { ...stringMap(md.annotations), ...annotations };
    if (Object.keys(anns).length > 0) md.annotations = anns;
    spec.ports = [...(Array.isArray(spec.ports) ? spec.ports : []), ...ports];
    md.labels = { ...stringMap(md.labels), ...selector };
    if (!asString(md.name)) md.name = name;
    if (c.namespace) md.namespace = c.namespace;
    else delete md.namespace;
    if (!asString(spec.type) && defaultType) spec.type = defaultType;
    return { apiVersion: 'v1', kind: 'Service', ...svc };
  }

  const spec: JsonMap = { selector: { ...selector }, ports };
  if (defaultType) spec.type = defaultType;
  if (options?.headServiceClusterIP !== true && (defaultType === '' || defaultType === 'ClusterIP')) {
    spec.clusterIP = 'None';
    spec.publishNotReadyAddresses = true;
  }
  const metadata: JsonMap = { name, labels: { ...selector } };
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
  const head = asObject(c.spec.headGroupSpec);
  const templateLabels = stringMap(asObject(asObject(head?.template)?.metadata)?.labels);
  const labels: Record<string, string> = {};
  if (templateLabels[RAY_LABELS.appName] !== undefined) labels[RAY_LABELS.appName] = templateLabels[RAY_LABELS.appName];
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
  const md = isMap(svc.metadata) ? svc.metadata : {};
  md.name = `${ownerName}-head-svc`;
  if (ownerNamespace) md.namespace = ownerNamespace;
  else delete md.namespace;
  md.labels = {
    [KUBERAY_ORIGIN_LABELS.crName]: ownerName,
    [KUBERAY_ORIGIN_LABELS.crd]: ownerKind,
    [RAY_LABELS.nodeType]: 'head',
    [RAY_LABELS.identifier]: checkLabel(`${ownerName}-head`),
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
  const md = asObject(rayService.metadata);
  const rsName = asString(md?.name) ?? '';
  const namespace = asString(md?.namespace);
  const spec = asObject(rayService.spec) ?? {};
  const clusterSpec = asObject(spec.rayClusterConfig) ?? {};
  const name = incremental ? clusterName : rsName;
  const labels: Record<string, string> = {
    [KUBERAY_ORIGIN_LABELS.crName]: name,
    [KUBERAY_ORIGIN_LABELS.crd]: 'RayService',
    [KUBERAY_ORIGIN_LABELS.serve]: `${name}-serve`,
  };
  const selector = { [RAY_LABELS.cluster]: clusterName, [KUBERAY_ORIGIN_LABELS.serve]: 'true' };
  const defaultName = `${name}-serve-svc`;
  const defaultType = asString(asObject(clusterSpec.headGroupSpec)?.serviceType) ?? '';
  const portMap = headServicePorts(clusterSpec);
  const detected = sortedNames(portMap).filter(isServingPort).map((n): JsonMap => ({ name: n, port: portMap[n] }));
  const user = asObject(spec.serveService);

  if (detected.length === 0 && !user) return { error: NO_SERVE_PORT, fromUserTemplate: false };

  if (user && !incremental) {
    const svc = cloneMap(user);
    const smd = isMap(svc.metadata) ? svc.metadata : (svc.metadata = {});
    const sspec = isMap(svc.spec) ? svc.spec : (svc.spec = {});
    sspec.selector = { ...selector };
    if (detected.length > 0) {
      const userPorts = new Map<string, JsonValue>();
      for (const p of asArray(sspec.ports)) if (isMap(p)) userPorts.set(asString(p.name) ?? '', p);
      sspec.ports = detected.map((p) => (userPorts.has(p.name as string) ? cloneJson(userPorts.get(p.name as string)) : p));
    }
    smd.labels = { ...stringMap(smd.labels), ...labels };
    if (!asString(smd.name)) smd.name = defaultName;
    if (namespace) smd.namespace = namespace;
    else delete smd.namespace;
    if (!asString(sspec.type) && defaultType) sspec.type = defaultType;
    return { service: { apiVersion: 'v1', kind: 'Service', ...svc }, fromUserTemplate: true };
  }

  if (detected.length === 0) return { error: NO_SERVE_PORT, fromUserTemplate: false };
  const metadata: JsonMap = { name: defaultName, labels };
  if (namespace) metadata.namespace = namespace;
  const sspec: JsonMap = { selector, ports: detected };
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
  const port = named(asObject(svc.spec)?.ports, 'dashboard');
  if (!port) return undefined;
  const md = asObject(svc.metadata);
  const ns = asString(md?.namespace) ?? 'default';
  const domain = options?.clusterDomain ? options.clusterDomain : 'cluster.local';
  return `${asString(md?.name) ?? ''}.${ns}.svc.${domain}:${typeof port.port === 'number' ? port.port : ''}`;
}

/**
 * Notes for the head Services whose selector the head pod's labels do not match (the head
 * template or `headGroupSpec.labels` override KubeRay's labels): such a Service selects no pod.
 * `labelsPath` is the path of the head template's labels in the document judged.
 */
export function unselectedHeadServiceNotes(services: ReadonlyArray<JsonObject | undefined>, rayPods: readonly RayPod[],
  labelsPath: string): KubeRayNote[] {
  const head = rayPods.find((p) => p.nodeType === 'head');
  const headLabels = stringMap(asObject(head?.pod.metadata)?.labels);
  const notes: KubeRayNote[] = [];
  for (const svc of services) {
    const missed = unmatchedSelectorKeys(svc, headLabels);
    if (svc && missed.length > 0) {
      notes.push({
        path: labelsPath,
        message: `the head pod's labels ${missed.join(', ')} differ from the selector of Service ${asString(asObject(svc.metadata)?.name) ?? ''}, `
          + 'which therefore selects no pod (the head template or headGroupSpec.labels override them)',
      });
    }
  }
  return notes;
}

/** The selector keys of `service` whose value the pod labels do not match (the Service would not select that pod). */
export function unmatchedSelectorKeys(service: JsonObject | undefined, podLabels: Record<string, string>): string[] {
  const selector = stringMap(asObject(asObject(service?.spec)?.selector));
  return Object.keys(selector).filter((k) => podLabels[k] !== selector[k]);
}
