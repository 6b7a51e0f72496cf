/**
 * Pure predicates for Kubernetes names, labels, ports and CIDRs: the one definition used by the
 * constructs' prop checks, the policy rules and the CLI. Each mirrors the API server's validation
 * (`k8s.io/apimachinery/pkg/util/validation`).
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

/** True when `value` is a DNS-1123 label (namespace names, label-like object names). */
export function isDns1123Label(value: unknown): value is string {
  return typeof value === 'string' && value.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(value);
}

/** True when `value` is a DNS-1035 label (Service names; KubeRay's RayJob and RayService names). */
export function isDns1035Label(value: unknown): value is string {
  return typeof value === 'string' && value.length <= DNS1123_LABEL_MAX && DNS1035_LABEL.test(value);
}

/** True when `value` is a DNS-1123 subdomain (most object names, label-key prefixes). */
export function isDns1123Subdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(value);
}

/** True when `value` is a valid label value: empty, or at most 63 of `[A-Za-z0-9-_.]`, alphanumeric at both ends. */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && (value === '' || (value.length <= 63 && QUALIFIED_NAME_PART.test(value)));
}

/** True when `value` is a qualified name (`[prefix/]name`): a label or annotation key, a taint key. */
export function isLabelKey(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0) return false;
  const slash = value.lastIndexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (prefix !== undefined && (prefix.length === 0 || !isDns1123Subdomain(prefix))) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME_PART.test(name);
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
