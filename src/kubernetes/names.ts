/**
 * Pure predicates for Kubernetes names, labels, ports and CIDRs: the one definition used by the
 * constructs' prop checks, the policy rules, the KubeRay model and the CLI. Each mirrors the API
 * server's validation (`k8s.io/apimachinery/pkg/util/validation`); for names and labels, the
 * problem lists upstream returns (`dns1123LabelErrors`…) are the definition and the predicates
 * (`isDns1123Label`…) mean "no problem".
 *
 * @module
 */
import { parseCidr } from './cidr';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The longest DNS-1123 label (namespace names, most object names), 63 characters. */
export const DNS1123_LABEL_MAX = 63;
/** The longest DNS-1123 subdomain, 253 characters. */
export const DNS1123_SUBDOMAIN_MAX = 253;
/** The longest label value and name part of a qualified name, 63 characters. */
const QUALIFIED_NAME_MAX = 63;

// The error lists mirror apimachinery's `Is…` functions, which return the problems (empty when
// valid); the predicates below are "no problem". The messages paraphrase apimachinery's.

/** apimachinery's `MaxLenError` when `value` is longer than `max`, then its `RegexError` (`formatError`) unless `wellFormed`. */
function lengthAndFormatErrors(value: string, max: number, wellFormed: boolean, formatError: string): string[] {
  const errs: string[] = [];
  if (value.length > max) errs.push(`must be no more than ${max} characters`);
  if (!wellFormed) errs.push(formatError);
  return errs;
}

/** Mirrors `validation.IsDNS1123Label`: the problems, empty when valid. */
export function dns1123LabelErrors(value: string): string[] {
  return lengthAndFormatErrors(value, DNS1123_LABEL_MAX, DNS1123_LABEL.test(value),
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    + "end with an alphanumeric character (regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
}

/** Mirrors `validation.IsDNS1035Label`: the problems, empty when valid. */
export function dns1035LabelErrors(value: string): string[] {
  return lengthAndFormatErrors(value, DNS1123_LABEL_MAX, DNS1035_LABEL.test(value),
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    + "character, and end with an alphanumeric character (regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
}

/** Mirrors `validation.IsQualifiedName` (a label or annotation key, a taint key): the problems, empty when valid. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name = value;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix, rest] = parts;
    name = rest;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (!isDns1123Subdomain(prefix)) errs.push('prefix part must be a lowercase RFC 1123 subdomain');
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
      + "alphanumeric character, with an optional DNS subdomain prefix and '/'"];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > QUALIFIED_NAME_MAX) errs.push(`name part must be no more than ${QUALIFIED_NAME_MAX} characters`);
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name)) {
    errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  }
  return errs;
}

/** Mirrors `validation.IsValidLabelValue`: the problems, empty when valid. */
export function labelValueErrors(value: string): string[] {
  return lengthAndFormatErrors(value, QUALIFIED_NAME_MAX, value === '' || QUALIFIED_NAME_PART.test(value),
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    + 'start and end with an alphanumeric character');
}

/** True when `value` is a DNS-1123 label (namespace names, label-like object names). */
export function isDns1123Label(value: unknown): value is string {
  return typeof value === 'string' && dns1123LabelErrors(value).length === 0;
}

/** True when `value` is a DNS-1035 label (Service names; KubeRay's RayJob and RayService names). */
export function isDns1035Label(value: unknown): value is string {
  return typeof value === 'string' && dns1035LabelErrors(value).length === 0;
}

/** True when `value` is a DNS-1123 subdomain (most object names, label-key prefixes). */
export function isDns1123Subdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(value);
}

/** True when `value` is a valid label value: empty, or at most 63 of `[A-Za-z0-9-_.]`, alphanumeric at both ends. */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && labelValueErrors(value).length === 0;
}

/** True when `value` is a qualified name (`[prefix/]name`): a label or annotation key, a taint key. */
export function isLabelKey(value: unknown): value is string {
  return typeof value === 'string' && qualifiedNameErrors(value).length === 0;
}

/** True when `value` is an IANA service name (a named container port): at most 15 lowercase characters, a letter among them. */
export function isIanaServiceName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 15 && IANA_SVC_NAME.test(value) && /[a-z]/.test(value) && !value.includes('--');
}

/** True when `value` is a valid environment variable name (`[-._a-zA-Z][-._a-zA-Z0-9]*`). */
export function isEnvVarName(value: unknown): value is string {
  return typeof value === 'string' && ENV_VAR_NAME.test(value);
}

/** True when `value` is a port number (an integer 1-65535). */
export function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** True for an IPv4 (`a.b.c.d/n`) or IPv6 (`x::y/n`) CIDR as the API server parses it. */
export function isCidr(value: unknown): value is string {
  return typeof value === 'string' && parseCidr(value) !== undefined;
}

/** The prefix length of a valid CIDR, and the address width of its family (32 or 128). */
export function cidrPrefix(value: string): { readonly prefix: number; readonly bits: number } | undefined {
  const c = parseCidr(value);
  return c ? { prefix: c.prefix, bits: c.bytes.length * 8 } : undefined;
}

// ---- Reserved names -------------------------------------------------------------------------
// Names a tenant may not take: they belong to Kubernetes, its nodes, or the platform's own
// controllers. Each function returns why a name is reserved, or undefined when it is free.

/** Namespaces Kubernetes creates and uses itself. */
export const KUBERNETES_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** The admission controller's own namespace (Kyverno's default), which runs the guardrail webhooks. */
export const ADMISSION_CONTROLLER_NAMESPACES = ['kyverno'] as const;

/** Why a namespace may not be a tenant's, or undefined. */
export function reservedNamespaceReason(ns: string): string | undefined {
  if (ns === 'default') {
    return '"default" is where every object without a namespace lands; a tenant\'s default-deny and restricted labels there '
      + 'would apply to whatever anyone deploys without one';
  }
  if (ns === 'kube-system') {
    return '"kube-system" runs the cluster\'s own components (kube-dns among them): a tenant\'s default-deny there would cut DNS '
      + 'off for the whole cluster, and its restricted labels would stop system pods';
  }
  if (ns.startsWith('kube-')) return `namespaces starting with "kube-" are reserved for Kubernetes itself (${KUBERNETES_NAMESPACES.join(', ')})`;
  if ((ADMISSION_CONTROLLER_NAMESPACES as readonly string[]).includes(ns)) {
    return `"${ns}" is the admission controller's own namespace: a tenant's default-deny there would cut off the webhook that enforces the guardrails`;
  }
  return undefined;
}

/** The label namespace (DNS prefix) of a qualified name, or `''`. */
function labelNamespace(key: string): string {
  const i = key.indexOf('/');
  return i < 0 ? '' : key.slice(0, i);
}

const inDomain = (ns: string, domain: string) => ns === domain || ns.endsWith(`.${domain}`);

/**
 * The label namespace that kubelets cannot set on their own Node (the NodeRestriction admission
 * plugin refuses it): the only safe place for a label that decides which tenant a node serves.
 */
export const NODE_RESTRICTION_LABEL_NAMESPACE = 'node-restriction.kubernetes.io';

/** Labels kubelets set on their own Node, and what they say. */
const KUBELET_LABELS: Readonly<Record<string, string>> = {
  'kubernetes.io/hostname': 'the node\'s name',
  'kubernetes.io/os': 'the node\'s OS',
  'kubernetes.io/arch': 'the node\'s CPU architecture',
  'topology.kubernetes.io/zone': 'the node\'s zone',
  'topology.kubernetes.io/region': 'the node\'s region',
  'node.kubernetes.io/instance-type': 'the node\'s instance type',
};

/** True for a key under kubernetes.io or k8s.io, outside node-restriction.kubernetes.io. */
function isKubernetesOwnedKey(key: string): boolean {
  const ns = labelNamespace(key);
  if (inDomain(ns, NODE_RESTRICTION_LABEL_NAMESPACE)) return false;
  return inDomain(ns, 'kubernetes.io') || inDomain(ns, 'k8s.io');
}

/**
 * Why a node label key may not mark a tenant's nodes, or undefined. Keys under `kubernetes.io`
 * and `k8s.io` belong to Kubernetes: kubelets set some of them on their own Node
 * (`kubernetes.io/hostname`, `topology.kubernetes.io/zone`, `node.kubernetes.io/*`, ...) and
 * components own the rest (`node-role.kubernetes.io/*`). The `node-restriction.kubernetes.io/`
 * prefix is the exception: it is meant for this, and kubelets cannot set it.
 */
export function reservedNodeLabelKeyReason(key: string): string | undefined {
  if (!isKubernetesOwnedKey(key)) return undefined;
  const said = KUBELET_LABELS[key];
  const why = said !== undefined
    ? `every kubelet sets "${key}" on its own Node (${said}), so it cannot mark a tenant's nodes`
    : `"${key}" is under ${labelNamespace(key)}, which belongs to Kubernetes (kubelets set labels there on their own Node, and components own the rest)`;
  return `${why}; use a key of your own, or ${NODE_RESTRICTION_LABEL_NAMESPACE}/<name> (kubelets cannot set it)`;
}

/** Taints set by the cluster autoscaler and the GPU taint the library tolerates with `Exists`. */
const RESERVED_TAINT_KEYS: Readonly<Record<string, string>> = {
  'ToBeDeletedByClusterAutoscaler': 'the cluster autoscaler sets it on nodes it is removing',
  'DeletionCandidateOfClusterAutoscaler': 'the cluster autoscaler sets it on nodes it may remove',
  'nvidia.com/gpu': 'GPU nodes carry it, and every tenant\'s GPU pods tolerate it (operator Exists), so it cannot keep other tenants out',
};

/**
 * Why a taint key may not reserve a tenant's nodes, or undefined: keys under `kubernetes.io` and
 * `k8s.io` (the node lifecycle controller's `node.kubernetes.io/unreachable` and `not-ready`,
 * `node-role.kubernetes.io/control-plane`, `node.cloudprovider.kubernetes.io/*` — tolerating one
 * lets tenant pods onto control-plane nodes or keeps them on unreachable ones forever), the cluster
 * autoscaler's taints, and the GPU taint.
 */
export function reservedTaintKeyReason(key: string): string | undefined {
  const own = RESERVED_TAINT_KEYS[key];
  if (own !== undefined) return `the taint "${key}" is not the platform's to give a tenant: ${own}`;
  if (!isKubernetesOwnedKey(key)) return undefined;
  return `the taint "${key}" is under ${labelNamespace(key)}, which belongs to Kubernetes (e.g. node.kubernetes.io/unreachable, `
    + 'node-role.kubernetes.io/control-plane): a tenant tolerating it would run on control-plane nodes or stay forever on unreachable ones; '
    + 'use a key of your own';
}

/**
 * True for an extended resource name (`IsExtendedResourceName`): domain-prefixed, outside the
 * `kubernetes.io` domains, not a quota's `requests.` key, e.g. `nvidia.com/gpu`.
 */
export function isExtendedResourceName(name: unknown): name is string {
  if (!isLabelKey(name) || !name.includes('/') || name.startsWith('requests.')) return false;
  return !inDomain(labelNamespace(name), 'kubernetes.io');
}
