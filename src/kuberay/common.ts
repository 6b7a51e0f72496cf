/**
 * Shared pieces of the models of what KubeRay v1.7.0 builds from a RayJob, a RayService and a
 * RayCronJob: plain-JSON helpers, the label and annotation keys KubeRay sets on the objects it
 * creates (`ray-operator/controllers/ray/utils/constant.go`), its feature gates
 * (`ray-operator/pkg/features/features.go`), the operator settings the models take, the
 * "KubeRay would refuse this" finding, and the rewriting of field paths from an embedded
 * document (a RayClusterSpec inside a RayJob) to the document the user wrote.
 *
 * Pure: no cdk8s, no constructs; nothing here mutates its input.
 *
 * @module
 */

import type { InjectedContainer, RayPod } from './pod-build';
import type { PodSource } from '../kubernetes/pod';
import type { JsonObject, JsonValue } from '../kubernetes/json';

/** A JSON object whose members are all defined. */
export type Obj = { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// Constants (utils/constant.go at v1.7.0)
// ---------------------------------------------------------------------------------------------

/** The KubeRay release the RayJob/RayService/RayCronJob models follow (`utils.KUBERAY_VERSION`). */
export const KUBERAY_VERSION = 'v1.7.0';

/** Label and annotation keys KubeRay sets on the objects it creates from a RayJob, RayService or RayCronJob. */
export const KUBERAY_OWNER_KEYS = {
  /** Label `ray.io/originated-from-cr-name`: the name of the RayJob/RayService that created the object (`RayOriginatedFromCRNameLabelKey`). */
  originatedFromCrName: 'ray.io/originated-from-cr-name',
  /** Label `ray.io/originated-from-crd`: `RayJob` or `RayService` (`RayOriginatedFromCRDLabelKey`). */
  originatedFromCrd: 'ray.io/originated-from-crd',
  /** Label `ray.io/job-submission-mode` on a RayJob's RayCluster (`RayJobSubmissionModeLabelKey`). */
  jobSubmissionMode: 'ray.io/job-submission-mode',
  /** Label `ray.io/cronjob-name`, the only label of a RayCronJob's RayJob (`RayCronJobNameLabelKey`). */
  cronJobName: 'ray.io/cronjob-name',
  /** Annotation `ray.io/cronjob-scheduled-timestamp` on a RayCronJob's RayJob (`RayCronJobTimestampAnnotationKey`). */
  cronJobScheduledTimestamp: 'ray.io/cronjob-scheduled-timestamp',
  /** Annotation `ray.io/disable-provisioned-head-restart: "true"` on a SidecarMode RayJob's RayCluster (`DisableProvisionedHeadRestartAnnotationKey`). */
  disableProvisionedHeadRestart: 'ray.io/disable-provisioned-head-restart',
  /** Annotation on a RayService's RayCluster: hash of its spec (`HashWithoutReplicasAndWorkersToDeleteKey`). */
  hashWithoutReplicas: 'ray.io/hash-without-replicas-and-workers-to-delete',
  /** Annotation on a RayService's RayCluster: the number of worker groups (`NumWorkerGroupsKey`). */
  numWorkerGroups: 'ray.io/num-worker-groups',
  /** Annotation on a RayService's RayCluster: the KubeRay version that created it (`KubeRayVersion`). */
  kubeRayVersion: 'ray.io/kuberay-version',
  /** Label `ray.io/serve` on serve Services and RayService pods (`RayClusterServingServiceLabelKey`). */
  serve: 'ray.io/serve',
  /** Label `app.kubernetes.io/created-by` (`KubernetesCreatedByLabelKey`). */
  createdBy: 'app.kubernetes.io/created-by',
} as const;

/** `utils.ComponentName`: the value of `app.kubernetes.io/created-by` KubeRay writes. */
export const KUBERAY_COMPONENT_NAME = 'kuberay-operator';

/** `utils.KubeRayController`: the `managedBy` value meaning "this operator". */
export const KUBERAY_CONTROLLER = 'ray.io/kuberay-operator';

/** `utils.SubmitterContainerName`: the submitter container KubeRay builds (K8sJobMode default template, SidecarMode). */
export const SUBMITTER_CONTAINER = 'ray-job-submitter';

/**
 * What stands for the 5 random characters KubeRay appends to names (`rand.String(5)` in
 * `utils.GenerateRayClusterName` and `utils.GenerateRayJobId`). It has the same length, so name
 * length checks stay exact, and only characters `rand.String` can produce.
 */
export const RANDOM_SUFFIX_PLACEHOLDER = 'xxxxx';

// ---------------------------------------------------------------------------------------------
// Feature gates and operator settings
// ---------------------------------------------------------------------------------------------

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
  if (isObj(given)) {
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

// ---------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------------------------

/** True for a plain object (not null, not an array). */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy of a JSON value; `undefined` members are dropped, non-JSON values become null. */
export function clone(v: unknown): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : clone(x)));
  if (typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x !== undefined) out[k] = clone(x);
    }
    return out;
  }
  return null;
}

/** A deep copy of `v` when it is an object, else `{}`. */
export function cloneObj(v: unknown): Obj {
  return isObj(v) ? (clone(v) as Obj) : {};
}

/** `v` when it is an object, else `undefined`. */
export function objOf(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

/** `v` when it is a string, else `undefined`. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `v` when it is an integer, else `undefined`. */
export function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** `v` when it is an array, else `[]`. */
export function arr(v: unknown): JsonValue[] {
  return Array.isArray(v) ? v : [];
}

/** A string map from a labels/annotations object: strings kept, numbers/booleans stringified, the rest dropped. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  }
  return out;
}

/** The array at `o[key]`, created when missing or not an array. */
export function arrayAt(o: Obj, key: string): JsonValue[] {
  const v = o[key];
  if (Array.isArray(v)) return v;
  const fresh: JsonValue[] = [];
  o[key] = fresh;
  return fresh;
}

/** True when the list holds an object whose `name` is `name` (`utils.EnvVarExists`, `VolumeExists`…). */
export function hasNamed(list: unknown, name: string): boolean {
  return Array.isArray(list) && list.some((x) => isObj(x) && x.name === name);
}

/** The first object of the list whose `name` is `name`. */
export function named(list: unknown, name: string): Obj | undefined {
  if (!Array.isArray(list)) return undefined;
  const found = list.find((x) => isObj(x) && x.name === name);
  return isObj(found) ? found : undefined;
}

/** The Ray container (`containers[0]`, `utils.RayContainerIndex`) of a pod template, when it is an object. */
export function rayContainerOf(template: unknown): Obj | undefined {
  const spec = objOf(objOf(template)?.spec);
  const first = arr(spec?.containers)[0];
  return isObj(first) ? first : undefined;
}

/** Mirrors `utils.FindContainerPort`: the `containerPort` of the first port named `name`, else `dflt`. */
export function findContainerPort(container: Obj | undefined, name: string, dflt: number): number {
  for (const p of arr(container?.ports)) {
    if (isObj(p) && p.name === name) return typeof p.containerPort === 'number' ? p.containerPort : 0;
  }
  return dflt;
}

/** The object's `metadata.name`, or `<generateName>` plus the random-suffix placeholder, or `''`. */
export function objectName(doc: JsonObject, options?: KubeRayOperatorOptions): string {
  const md = objOf(doc.metadata);
  const name = str(md?.name);
  if (name) return name;
  const gen = str(md?.generateName);
  return gen ? `${gen}${randomSuffix(options)}` : '';
}

// ---------------------------------------------------------------------------------------------
// Kubernetes name checks (k8s.io/apimachinery/pkg/util/validation)
// ---------------------------------------------------------------------------------------------

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Mirrors `validation.IsDNS1035Label`: the problems, empty when valid. */
export function dns1035LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035.test(value)) {
    errs.push("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
      + "character, and end with an alphanumeric character (regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
  }
  return errs;
}

/** Mirrors `validation.IsDNS1123Label`: the problems, empty when valid. */
export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(value)) {
    errs.push("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
      + "end with an alphanumeric character (regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
  }
  return errs;
}

/** Mirrors `validation.IsQualifiedName` (a label key): the problems, empty when valid. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name = value;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix, rest] = parts;
    name = rest;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) errs.push('prefix part must be a lowercase RFC 1123 subdomain');
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
      + "alphanumeric character, with an optional DNS subdomain prefix and '/'"];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name)) {
    errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  }
  return errs;
}

/** Mirrors `validation.IsValidLabelValue`: the problems, empty when valid. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) {
    errs.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
      + 'start and end with an alphanumeric character');
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Versions (k8s.io/apimachinery/pkg/util/version ParseGeneric)
// ---------------------------------------------------------------------------------------------

/**
 * Mirrors `version.ParseGeneric`: `[v]X.Y[.Z…]` with anything after the numbers ignored.
 * Returns the numeric components, or undefined when it does not parse.
 */
export function parseGenericVersion(s: string): number[] | undefined {
  const m = /^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$/.exec(s);
  if (!m) return undefined;
  const parts = m[1].split('.');
  if (parts.length < 2) return undefined;
  return parts.map((p) => Number(p));
}

/** Compares two parsed versions (missing components count as 0): negative, zero or positive. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Go string formatting used in generated commands
// ---------------------------------------------------------------------------------------------

const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Mirrors Go's `strconv.Quote`: a double-quoted Go string literal. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
      default: break;
    }
    if (cp === 0x20 || (cp > 0x20 && cp < 0x7f)) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (GO_PRINTABLE.test(ch)) out += ch;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/**
 * Mirrors Go's `json.Marshal` of maps and slices decoded from YAML or JSON: object keys sorted,
 * and `<`, `>`, `&`, U+2028 and U+2029 escaped as Go does.
 */
export function goJsonMarshal(v: JsonValue): string {
  const sorted = (x: JsonValue): JsonValue => {
    if (Array.isArray(x)) return x.map(sorted);
    if (isObj(x)) {
      const out: Obj = {};
      for (const k of Object.keys(x).sort()) out[k] = sorted(x[k]);
      return out;
    }
    return x;
  };
  return JSON.stringify(sorted(v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

// ---------------------------------------------------------------------------------------------
// Paths: from an embedded document to the document the user wrote
// ---------------------------------------------------------------------------------------------

/**
 * Rewrites a path of the embedded document to the outer one: `spec` and `spec.…` become
 * `<specPath>` and `<specPath>.…`; `metadata…` paths stay (they name the outer object's
 * metadata). A trailing note after whitespace is kept, and `spec.` at the start of a word inside
 * the note is rewritten too.
 */
export function rebasePath(path: string, specPath: string): string {
  const ws = path.search(/\s/);
  const head = ws < 0 ? path : path.slice(0, ws);
  const note = ws < 0 ? '' : path.slice(ws);
  return rebaseHead(head, specPath) + rebaseText(note, specPath);
}

function rebaseHead(head: string, specPath: string): string {
  if (head === 'spec') return specPath;
  if (head.startsWith('spec.') || head.startsWith('spec[')) return specPath + head.slice(4);
  return head;
}

/** Rewrites every `spec.…` path that starts a word in free text (the reasons of injected containers). */
export function rebaseText(text: string, specPath: string): string {
  return text.replace(/(^|[\s(`'"])spec(?=[.[])/g, (_, pre: string) => `${pre}${specPath}`);
}

/** A {@link PodSource} with every path rebased ({@link rebasePath}). */
export function rebaseSource(source: PodSource, specPath: string): PodSource {
  const paths = source.containerPaths;
  const map = (list: readonly string[] | undefined): string[] | undefined => list?.map((p) => rebasePath(p, specPath));
  const containerPaths: { containers?: string[]; initContainers?: string[]; ephemeralContainers?: string[] } = {};
  if (paths?.containers) containerPaths.containers = map(paths.containers);
  if (paths?.initContainers) containerPaths.initContainers = map(paths.initContainers);
  if (paths?.ephemeralContainers) containerPaths.ephemeralContainers = map(paths.ephemeralContainers);
  return {
    metadataPath: rebasePath(source.metadataPath, specPath),
    specPath: rebasePath(source.specPath, specPath),
    ...(paths ? { containerPaths } : {}),
  };
}

/** An {@link InjectedContainer} with its paths and reason rebased. */
export function rebaseInjected(info: InjectedContainer, specPath: string): InjectedContainer {
  return {
    list: info.list,
    name: info.name,
    reason: rebaseText(info.reason, specPath),
    ...(info.settingsFrom !== undefined ? { settingsFrom: rebasePath(info.settingsFrom, specPath) } : {}),
  };
}

/** A {@link RayPod} built from an embedded RayClusterSpec, with every path pointing into the outer document. */
export function rebaseRayPod(pod: RayPod, specPath: string): RayPod {
  return {
    nodeType: pod.nodeType,
    group: pod.group,
    groupPath: rebasePath(pod.groupPath, specPath),
    pod: pod.pod,
    source: rebaseSource(pod.source, specPath),
    injected: pod.injected.map((i) => rebaseInjected(i, specPath)),
    replicas: pod.replicas,
  };
}

/** A {@link KubeRayRefusal} or {@link KubeRayNote} with its path rebased. */
export function rebaseFinding<T extends KubeRayNote>(finding: T, specPath: string): T {
  return { ...finding, path: rebasePath(finding.path, specPath) };
}
