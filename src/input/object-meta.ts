/**
 * kubectl's client-side check of `metadata`: before it accepts a document, it decodes the
 * document's `metadata` into the typed `ObjectMeta` (Go's `encoding/json`), so a label value that
 * is a number, a `name` that is a boolean or a malformed timestamp is refused there, whatever the
 * kind. Pure.
 *
 * @module
 */

type FieldType = 'string' | 'int64' | 'bool' | 'time' | 'stringMap' | 'stringList' | 'any' | readonly [Record<string, FieldType>];

const OWNER_REFERENCE: Record<string, FieldType> = {
  apiVersion: 'string', kind: 'string', name: 'string', uid: 'string', controller: 'bool', blockOwnerDeletion: 'bool',
};
const MANAGED_FIELDS_ENTRY: Record<string, FieldType> = {
  manager: 'string', operation: 'string', apiVersion: 'string', time: 'time', fieldsType: 'string', fieldsV1: 'any', subresource: 'string',
};
const OBJECT_META: Record<string, FieldType> = {
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  generation: 'int64',
  creationTimestamp: 'time',
  deletionTimestamp: 'time',
  deletionGracePeriodSeconds: 'int64',
  labels: 'stringMap',
  annotations: 'stringMap',
  ownerReferences: [OWNER_REFERENCE],
  finalizers: 'stringList',
  managedFields: [MANAGED_FIELDS_ENTRY],
};

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a map';
  return `a ${typeof v}`;
}

/** Field names match exactly (Kubernetes decodes JSON case-sensitively). */
function fieldOf(spec: Record<string, FieldType>, key: string): FieldType | undefined {
  return Object.prototype.hasOwnProperty.call(spec, key) ? spec[key] : undefined;
}

const INT64 = BigInt(2) ** BigInt(63);
const RFC3339 = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-]([0-9]{2}):([0-9]{2}))$/;

function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
  const days = new Date(Date.UTC(Number(m[1]), month, 0)).getUTCDate();
  const zoneOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59 && zoneOk;
}

function check(value: unknown, type: FieldType, path: string): string | undefined {
  if (value === null) return undefined;
  const want = (what: string, hint = ''): string => `${path} is ${jsonType(value)}; Kubernetes requires ${what}${hint}`;
  if (Array.isArray(type)) {
    if (!Array.isArray(value)) return want('a list');
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === null) continue;
      if (typeof item !== 'object' || Array.isArray(item)) return `${path}[${i}] is ${jsonType(item)}; Kubernetes requires a map`;
      const problem = checkFields(item as Record<string, unknown>, type[0], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  switch (type) {
    case 'any':
      return undefined;
    case 'string':
      return typeof value === 'string' ? undefined : want('a string', typeof value === 'number' || typeof value === 'boolean' ? ' (quote it)' : '');
    case 'bool':
      return typeof value === 'boolean' ? undefined : want('true or false');
    case 'int64':
      return typeof value === 'number' && Number.isInteger(value) && BigInt(value) < INT64 && BigInt(value) >= -INT64 ? undefined : want('an integer');
    case 'time':
      if (typeof value !== 'string') return want('an RFC 3339 timestamp string');
      return isRfc3339(value) ? undefined : `${path} ${JSON.stringify(value)} is not an RFC 3339 timestamp (e.g. 2024-01-02T15:04:05Z)`;
    case 'stringMap':
      if (typeof value !== 'object' || Array.isArray(value)) return want('a map of strings');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== null && typeof v !== 'string') {
          return `${path}.${k} is ${jsonType(v)}; Kubernetes requires a string${typeof v === 'number' || typeof v === 'boolean' ? ' (quote it)' : ''}`;
        }
      }
      return undefined;
    case 'stringList':
      if (!Array.isArray(value)) return want('a list of strings');
      for (let i = 0; i < value.length; i++) {
        if (value[i] !== null && typeof value[i] !== 'string') return `${path}[${i}] is ${jsonType(value[i])}; Kubernetes requires a string`;
      }
      return undefined;
    default:
      return undefined;
  }
}

function checkFields(obj: Record<string, unknown>, spec: Record<string, FieldType>, path: string): string | undefined {
  for (const [key, value] of Object.entries(obj)) {
    const type = fieldOf(spec, key);
    if (type === undefined) continue;
    const problem = check(value, type, `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The first reason kubectl would refuse this document's `metadata` (as its typed `ObjectMeta`), or
 * undefined when it fits.
 */
export function objectMetaProblem(doc: Record<string, unknown>): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(doc, 'metadata')) return undefined;
  const value = doc.metadata;
  if (value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return `metadata is ${jsonType(value)}; Kubernetes requires a map`;
  return checkFields(value as Record<string, unknown>, OBJECT_META, 'metadata');
}
