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
