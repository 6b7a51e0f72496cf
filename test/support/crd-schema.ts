/**
 * Validate a manifest against a Kubernetes CustomResourceDefinition's structural schema, the way
 * the API server would: apply the schema's `default`s to a copy, then validate the copy.
 *
 * The CRD dialect (OpenAPI v3 with Kubernetes extensions) is translated to plain JSON Schema for
 * ajv:
 * - `x-kubernetes-int-or-string`: the value may be an integer or a string (`pattern` then applies
 *   to strings only, as in JSON Schema).
 * - `nullable: true`: `null` is added to the allowed types (and to `enum`, if any).
 * - `x-kubernetes-preserve-unknown-fields`: the object stays open.
 * - `x-kubernetes-embedded-resource`: `apiVersion` and `kind` (required strings) and `metadata`
 *   (see below) are allowed.
 * - `format`: int32, int64, float, double, byte, date and date-time are checked; other formats are
 *   dropped (listed in `ignoredFormats`).
 * - OpenAPI v3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` become draft-07 numbers.
 * - `x-kubernetes-list-type: set` and `map` (with `x-kubernetes-list-map-keys`): duplicates are
 *   reported, as the API server does. `x-kubernetes-map-type` is ignored.
 * - `x-kubernetes-validations` (CEL) cannot be evaluated here: they are skipped and listed in
 *   `celRules`, so a test can say how much it did not check.
 * - Root `metadata` (the CRD only says `type: object`) is checked with a small built-in ObjectMeta
 *   schema: name/namespace/label syntax, string maps for labels and annotations; other metadata
 *   fields are allowed. Root `apiVersion` and `kind` must be the CRD's group/version and kind.
 *
 * With `rejectUnknownFields` (the default) every object schema that has `properties` and neither
 * `additionalProperties` nor `x-kubernetes-preserve-unknown-fields` is closed
 * (`additionalProperties: false`), and a `null` in a non-nullable field is an error: the API
 * server would silently prune both, which hides typos. With `rejectUnknownFields: false` unknown
 * fields are allowed and non-nullable nulls without a default are pruned before defaulting, as the
 * API server does. Bare `type: object` schemas (no properties) are left open in both modes.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

/** One schema violation. */
export interface CrdValidationError {
  /** Dotted field path, e.g. `spec.headGroupSpec.template.spec.containers[0].name`; `''` for the root. */
  readonly path: string;
  readonly message: string;
}

/** An `x-kubernetes-validations` rule that was skipped (CEL is not evaluated). */
export interface SkippedCelRule {
  /** Schema path of the field that carries the rule, e.g. `spec.workerGroupSpecs[*].name`. */
  readonly path: string;
  readonly rule: string;
  readonly message?: string;
}

export interface CrdValidator {
  /** `group/version`, e.g. `ray.io/v1`. */
  readonly apiVersion: string;
  readonly kind: string;
  /** The version whose schema is used. */
  readonly version: string;
  /** The CEL rules that were not evaluated. */
  readonly celRules: readonly SkippedCelRule[];
  /** `celRules.length`. */
  readonly celRuleCount: number;
  /** The `format`s that appear in the schema and are not checked. */
  readonly ignoredFormats: readonly string[];
  /** `pattern`s that are not valid JavaScript regular expressions, dropped (schema path: pattern). */
  readonly droppedPatterns: readonly string[];
  /** Milliseconds spent translating and compiling the schema (YAML parsing excluded). */
  readonly compileMs: number;
  /** Applies the schema's `default`s to a deep copy (as the API server does), then validates. Returns the errors (empty = valid). */
  validate(manifest: unknown): CrdValidationError[];
  /** The defaulted copy (for inspection). The argument is not modified. */
  applyDefaults(manifest: unknown): unknown;
}

export interface LoadCrdOptions {
  /** The version to validate against. Default: the storage version. */
  readonly version?: string;
  /**
   * Default true: close object schemas that have `properties` (`additionalProperties: false`)
   * unless they set `additionalProperties` or `x-kubernetes-preserve-unknown-fields`, so typos are
   * caught; and report `null` in non-nullable fields. The API server would silently prune both.
   */
  readonly rejectUnknownFields?: boolean;
}

/** Loads a CRD YAML file and compiles a validator for one version (cached per file+version+options). Returns undefined when the file does not exist. */
export function loadCrdValidator(crdFile: string, options: LoadCrdOptions = {}): CrdValidator | undefined {
  const file = path.resolve(crdFile);
  if (!fs.existsSync(file)) {
    return undefined;
  }
  const crd = readCrd(file);
  const version = options.version ?? storageVersion(crd, file);
  const reject = options.rejectUnknownFields ?? true;
  const key = `${file}\0${version}\0${reject}`;
  let validator = validatorCache.get(key);
  if (!validator) {
    validator = compile(crd, file, version, reject);
    validatorCache.set(key, validator);
  }
  return validator;
}

// ---------------------------------------------------------------------------------------------
// The CRD and its schema, as read from YAML.

/** A node of a CRD's `openAPIV3Schema` (the fields this module reads). */
interface KubeSchema {
  readonly 'type'?: string;
  readonly 'properties'?: Record<string, KubeSchema>;
  readonly 'items'?: KubeSchema | KubeSchema[];
  readonly 'additionalProperties'?: KubeSchema | boolean;
  readonly 'default'?: unknown;
  readonly 'nullable'?: boolean;
  readonly 'enum'?: unknown[];
  readonly 'format'?: string;
  readonly 'pattern'?: string;
  readonly 'minimum'?: number;
  readonly 'maximum'?: number;
  readonly 'exclusiveMinimum'?: boolean | number;
  readonly 'exclusiveMaximum'?: boolean | number;
  readonly 'anyOf'?: KubeSchema[];
  readonly 'allOf'?: KubeSchema[];
  readonly 'oneOf'?: KubeSchema[];
  readonly 'not'?: KubeSchema;
  readonly 'required'?: string[];
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-list-type'?: string;
  readonly 'x-kubernetes-list-map-keys'?: string[];
  readonly 'x-kubernetes-validations'?: Array<{ rule?: string; message?: string }>;
  readonly [key: string]: unknown;
}

interface CrdVersion {
  readonly name: string;
  readonly storage?: boolean;
  readonly schema?: { openAPIV3Schema?: KubeSchema };
}

interface Crd {
  readonly metadata?: { name?: string };
  readonly spec: {
    readonly group: string;
    readonly names: { kind: string };
    readonly versions?: CrdVersion[];
    readonly version?: string;
    readonly validation?: { openAPIV3Schema?: KubeSchema };
  };
}

const crdCache = new Map<string, Crd>();
const validatorCache = new Map<string, CrdValidator>();

function readCrd(file: string): Crd {
  let crd = crdCache.get(file);
  if (!crd) {
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    const found = docs
      .map(d => {
        if (d.errors.length > 0) {
          throw new Error(`${file}: ${d.errors[0].message}`);
        }
        return d.toJS({ maxAliasCount: -1 }) as unknown;
      })
      .find(d => isObject(d) && d.kind === 'CustomResourceDefinition');
    if (!found) {
      throw new Error(`${file}: no CustomResourceDefinition document`);
    }
    crd = found as unknown as Crd;
    crdCache.set(file, crd);
  }
  return crd;
}

function storageVersion(crd: Crd, file: string): string {
  const versions = crd.spec.versions ?? [];
  const v = versions.find(x => x.storage) ?? (versions.length === 1 ? versions[0] : undefined);
  const name = v?.name ?? crd.spec.version;
  if (!name) {
    throw new Error(`${file}: no storage version`);
  }
  return name;
}

function versionSchema(crd: Crd, file: string, version: string): KubeSchema {
  const versions = crd.spec.versions ?? [];
  const v = versions.find(x => x.name === version);
  const schema = v?.schema?.openAPIV3Schema ??
    (crd.spec.version === version || (v && !v.schema) ? crd.spec.validation?.openAPIV3Schema : undefined);
  if (!v && crd.spec.version !== version) {
    throw new Error(`${file}: no version ${version} (have: ${versions.map(x => x.name).join(', ')})`);
  }
  if (!schema) {
    throw new Error(`${file}: version ${version} has no openAPIV3Schema`);
  }
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Translation to JSON Schema (draft-07, as ajv's default).

type JsonSchema = Record<string, unknown>;

/** Formats checked here; anything else is dropped. `type` is the JSON type the format applies to. */
const FORMATS: Record<string, { type: 'number' | 'string'; validate: (x: never) => boolean }> = {
  'int32': { type: 'number', validate: (x: number) => Number.isInteger(x) && x >= -2147483648 && x <= 2147483647 },
  'int64': { type: 'number', validate: (x: number) => Number.isInteger(x) },
  'float': { type: 'number', validate: () => true },
  'double': { type: 'number', validate: () => true },
  'byte': { type: 'string', validate: (x: string) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(x) },
  'date': { type: 'string', validate: (x: string) => /^\d{4}-\d{2}-\d{2}$/.test(x) },
  'date-time': {
    type: 'string',
    validate: (x: string) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(x),
  },
};

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';

/** The small ObjectMeta schema used for root (and embedded) `metadata`. Unknown fields allowed. */
function objectMetaSchema(): JsonSchema {
  const stringMap = (keyMaxLength: number, values?: JsonSchema): JsonSchema => ({
    type: 'object',
    propertyNames: {
      maxLength: keyMaxLength,
      pattern: `^(${DNS_LABEL}(\\.${DNS_LABEL})*/)?${QUALIFIED_NAME}$`,
    },
    additionalProperties: { type: 'string', ...values },
  });
  return {
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 253, pattern: `^${DNS_LABEL}(\\.${DNS_LABEL})*$` },
      generateName: { type: 'string' },
      namespace: { type: 'string', maxLength: 63, pattern: `^${DNS_LABEL}$` },
      labels: stringMap(317, { maxLength: 63, pattern: `^(${QUALIFIED_NAME})?$` }),
      annotations: stringMap(317),
      finalizers: { type: 'array', items: { type: 'string' } },
      ownerReferences: {
        type: 'array',
        items: { type: 'object', required: ['apiVersion', 'kind', 'name', 'uid'] },
      },
    },
  };
}

/** Keywords copied as they are (they mean the same in JSON Schema draft-07). */
const PLAIN_KEYWORDS = [
  'enum', 'required', 'minLength', 'maxLength', 'minimum', 'maximum', 'multipleOf',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
];

interface TranslateContext {
  readonly close: boolean;
  readonly celRules: SkippedCelRule[];
  readonly ignoredFormats: Set<string>;
  readonly droppedPatterns: string[];
}

/**
 * Translates one node. `structural` is false inside anyOf/allOf/oneOf/not, which in a structural
 * schema only add value validation: they are never closed.
 */
function translate(node: KubeSchema, ctx: TranslateContext, where: string, structural: boolean): JsonSchema {
  const out: JsonSchema = {};
  for (const k of PLAIN_KEYWORDS) {
    if (node[k] !== undefined) {
      out[k] = node[k];
    }
  }
  if (typeof node.exclusiveMinimum === 'number') {
    out.exclusiveMinimum = node.exclusiveMinimum;
  } else if (node.exclusiveMinimum === true && node.minimum !== undefined) {
    out.exclusiveMinimum = node.minimum;
    delete out.minimum;
  }
  if (typeof node.exclusiveMaximum === 'number') {
    out.exclusiveMaximum = node.exclusiveMaximum;
  } else if (node.exclusiveMaximum === true && node.maximum !== undefined) {
    out.exclusiveMaximum = node.maximum;
    delete out.maximum;
  }
  if (node.pattern !== undefined) {
    const pattern = goPatternToJs(node.pattern);
    if (pattern === undefined) {
      ctx.droppedPatterns.push(`${where || '<root>'}: ${node.pattern}`);
    } else {
      out.pattern = pattern;
    }
  }
  if (node.format !== undefined) {
    if (FORMATS[node.format]) {
      out.format = node.format;
    } else {
      ctx.ignoredFormats.add(node.format);
    }
  }
  for (const v of node['x-kubernetes-validations'] ?? []) {
    ctx.celRules.push({ path: where || '<root>', rule: v.rule ?? '', ...(v.message ? { message: v.message } : {}) });
  }

  // type, int-or-string, nullable
  let types: string[] | undefined = node.type ? [node.type] : undefined;
  let anyOf = node.anyOf;
  if (node['x-kubernetes-int-or-string']) {
    types = ['integer', 'string'];
    if (anyOf && isIntOrStringAnyOf(anyOf)) {
      anyOf = undefined;
    }
  }
  if (node.nullable && types) {
    types = [...types, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) {
      out.enum = [...out.enum, null];
    }
  }
  if (types) {
    out.type = types.length === 1 ? types[0] : types;
  }

  // combinators: value validation only
  if (anyOf) {
    out.anyOf = anyOf.map((s, i) => translate(s, ctx, `${where}/anyOf[${i}]`, false));
  }
  if (node.allOf) {
    out.allOf = node.allOf.map((s, i) => translate(s, ctx, `${where}/allOf[${i}]`, false));
  }
  if (node.oneOf) {
    out.oneOf = node.oneOf.map((s, i) => translate(s, ctx, `${where}/oneOf[${i}]`, false));
  }
  if (node.not) {
    out.not = translate(node.not, ctx, `${where}/not`, false);
  }

  // structure
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  let properties: Record<string, JsonSchema> | undefined;
  if (node.properties) {
    properties = {};
    for (const [name, child] of Object.entries(node.properties)) {
      properties[name] = translate(child, ctx, join(where, name), structural);
    }
  }
  if (structural && node['x-kubernetes-embedded-resource']) {
    properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      ...properties,
      metadata: mergeMetadata(properties?.metadata),
    };
    out.required = [...new Set([...(node.required ?? []), 'apiVersion', 'kind'])];
  }
  if (properties) {
    out.properties = properties;
  }
  if (node.items !== undefined) {
    out.items = Array.isArray(node.items)
      ? node.items.map(s => translate(s, ctx, `${where}[*]`, structural))
      : translate(node.items, ctx, `${where}[*]`, structural);
  }
  if (typeof node.additionalProperties === 'boolean') {
    out.additionalProperties = node.additionalProperties;
  } else if (node.additionalProperties) {
    out.additionalProperties = translate(node.additionalProperties, ctx, `${where}[*]`, structural);
  } else if (ctx.close && structural && properties && !preserve) {
    out.additionalProperties = false;
  }
  return out;
}

/** `metadata` of an embedded resource or the root: the built-in ObjectMeta schema, plus the CRD's own constraints if any. */
function mergeMetadata(fromCrd: JsonSchema | undefined): JsonSchema {
  const meta = objectMetaSchema();
  if (fromCrd && fromCrd.properties) {
    // The CRD may constrain e.g. metadata.name; keep that, but never close metadata.
    const open = { ...fromCrd };
    delete open.additionalProperties;
    meta.allOf = [open];
  }
  return meta;
}

function isIntOrStringAnyOf(anyOf: KubeSchema[]): boolean {
  const types = anyOf.map(s => (Object.keys(s).length === 1 ? s.type : undefined)).sort();
  return types.length === 2 && types[0] === 'integer' && types[1] === 'string';
}

/** Go RE2 → JavaScript. Returns undefined when the pattern cannot be used. */
function goPatternToJs(pattern: string): string | undefined {
  const js = pattern.replace(/^\\A/, '^').replace(/\\z$/, '$');
  try {
    new RegExp(js);
    return js;
  } catch {
    return undefined;
  }
}

function join(where: string, name: string): string {
  return where ? `${where}.${name}` : name;
}

// ---------------------------------------------------------------------------------------------
// Sharing repeated subschemas. A CRD repeats large subtrees (a PodSpec per group, a Container per
// container list): moving each repeated subtree into `definitions` once makes ajv compile it once.

/** Subtrees smaller than this (in JSON characters, roughly) are left inline. */
const SHARE_MIN_SIZE = 256;

function shareRepeatedSubschemas(root: JsonSchema): JsonSchema {
  // Hash-consing: every object/array gets an id; equal subtrees get the same id.
  const idOf = new Map<unknown, number>();
  const idByKey = new Map<string, number>();
  const sizeById: number[] = [];
  const intern = (x: unknown): number | undefined => {
    if (typeof x !== 'object' || x === null) {
      return undefined;
    }
    const known = idOf.get(x);
    if (known !== undefined) {
      return known;
    }
    let size = 2;
    const shallow = (v: unknown): unknown => {
      const childId = intern(v);
      if (childId === undefined) {
        size += (JSON.stringify(v) ?? '').length + 1;
        return v;
      }
      size += sizeById[childId] + 1;
      return { '#': childId };
    };
    const key = Array.isArray(x)
      ? `a${JSON.stringify(x.map(shallow))}`
      : `o${JSON.stringify(Object.keys(x).sort().map(k => [k, shallow((x as JsonObj)[k])]))}`;
    let id = idByKey.get(key);
    if (id === undefined) {
      id = sizeById.length;
      idByKey.set(key, id);
      sizeById.push(size);
    }
    idOf.set(x, id);
    return id;
  };
  intern(root);

  // How often each subtree occurs (inside repeated subtrees too).
  const count: number[] = sizeById.map(() => 0);
  const countAll = (x: unknown): void => {
    const id = intern(x);
    if (id === undefined) {
      return;
    }
    count[id]++;
    for (const v of Array.isArray(x) ? x : Object.values(x as JsonObj)) {
      countAll(v);
    }
  };
  countAll(root);

  const definitions: Record<string, unknown> = {};
  const rebuild = (x: unknown): unknown => {
    const id = intern(x);
    if (id === undefined || typeof x !== 'object' || x === null) {
      return x;
    }
    if (count[id] > 1 && sizeById[id] >= SHARE_MIN_SIZE) {
      const name = `s${id}`;
      if (!(name in definitions)) {
        definitions[name] = rebuildChildren(x);
      }
      return { $ref: `#/definitions/${name}` };
    }
    return rebuildChildren(x);
  };
  // Only schema positions are rebuilt (and may become a $ref), never e.g. an `enum` value.
  const rebuildChildren = (x: object): JsonSchema => Object.fromEntries(Object.entries(x).map(([k, v]) => {
    if (SCHEMA_MAP_KEYWORDS.has(k) && isObject(v)) {
      return [k, Object.fromEntries(Object.entries(v).map(([name, child]) => [name, rebuild(child)]))];
    }
    if (SCHEMA_LIST_KEYWORDS.has(k) && Array.isArray(v)) {
      return [k, v.map(child => rebuild(child))];
    }
    if (SCHEMA_KEYWORDS.has(k) && isObject(v)) {
      return [k, rebuild(v)];
    }
    return [k, v];
  }));
  const out = rebuildChildren(root);
  return Object.keys(definitions).length > 0 ? { ...out, definitions } : out;
}

/** Keywords whose value is a map of name → schema, a list of schemas, or one schema. */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'definitions', 'patternProperties']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'items']);
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not', 'propertyNames', 'if', 'then', 'else']);

// ---------------------------------------------------------------------------------------------
// Compilation.

function compile(crd: Crd, file: string, version: string, close: boolean): CrdValidator {
  const started = performance.now();
  const structure = versionSchema(crd, file, version);
  const apiVersion = `${crd.spec.group}/${version}`;
  const kind = crd.spec.names.kind;
  const ctx: TranslateContext = { close, celRules: [], ignoredFormats: new Set(), droppedPatterns: [] };
  const root = translate(structure, ctx, '', true);
  const rootProperties = (root.properties ?? {}) as Record<string, JsonSchema>;
  root.type = 'object';
  root.properties = {
    ...rootProperties,
    apiVersion: { type: 'string', const: apiVersion },
    kind: { type: 'string', const: kind },
    metadata: mergeMetadata(rootProperties.metadata),
  };
  root.required = [...new Set([...((root.required as string[] | undefined) ?? []), 'apiVersion', 'kind'])];

  const deduped = shareRepeatedSubschemas(root);

  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    validateSchema: false,
    addUsedSchema: false,
    unicodeRegExp: false,
  });
  for (const [name, def] of Object.entries(FORMATS)) {
    ajv.addFormat(name, def as { type: 'number'; validate: (x: number) => boolean });
  }
  const check = ajv.compile(deduped);
  const compileMs = performance.now() - started;

  const applyDefaults = (manifest: unknown): unknown => {
    const copy = jsonCopy(manifest);
    if (!close) {
      pruneNonNullableNulls(copy, structure, true);
    }
    defaultValue(copy, structure, true);
    return copy;
  };

  return {
    apiVersion,
    kind,
    version,
    celRules: ctx.celRules,
    celRuleCount: ctx.celRules.length,
    ignoredFormats: [...ctx.ignoredFormats].sort(),
    droppedPatterns: ctx.droppedPatterns,
    compileMs,
    applyDefaults,
    validate(manifest: unknown): CrdValidationError[] {
      const data = applyDefaults(manifest);
      const errors = check(data) ? [] : toErrors(check, data);
      checkLists(data, structure, '', errors, true);
      return sortByPath(dedupe(errors));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Defaulting, pruning of nulls, list uniqueness: walk the data and the structural schema together.

type JsonObj = Record<string, unknown>;

function isObject(x: unknown): x is JsonObj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function jsonCopy(x: unknown): unknown {
  const text = JSON.stringify(x);
  return text === undefined ? undefined : JSON.parse(text);
}

/** The schema of field `key` of an object whose schema is `s`. */
function fieldSchema(s: KubeSchema, key: string): KubeSchema | undefined {
  const p = s.properties?.[key];
  if (p) {
    return p;
  }
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
}

function itemSchema(s: KubeSchema): KubeSchema | undefined {
  return s.items && !Array.isArray(s.items) ? s.items : undefined;
}

/** Root `metadata` is the API server's, not the CRD's: no defaulting or pruning there. */
function skipAtRoot(isRoot: boolean, key: string): boolean {
  return isRoot && (key === 'metadata' || key === 'apiVersion' || key === 'kind');
}

function defaultValue(x: unknown, s: KubeSchema, isRoot = false): void {
  if (isObject(x)) {
    for (const [key, prop] of Object.entries(s.properties ?? {})) {
      if (prop.default !== undefined && !skipAtRoot(isRoot, key) &&
          (!(key in x) || (x[key] === null && !prop.nullable))) {
        x[key] = jsonCopy(prop.default);
      }
    }
    for (const [key, value] of Object.entries(x)) {
      const child = skipAtRoot(isRoot, key) ? undefined : fieldSchema(s, key);
      if (!child) {
        continue;
      }
      if (value === null && !child.nullable && child.default !== undefined) {
        x[key] = jsonCopy(child.default);
      }
      defaultValue(x[key], child);
    }
  } else if (Array.isArray(x)) {
    const items = itemSchema(s);
    if (!items) {
      return;
    }
    x.forEach((value, i) => {
      if (value === null && !items.nullable && items.default !== undefined) {
        x[i] = jsonCopy(items.default);
      }
      defaultValue(x[i], items);
    });
  }
}

/** The API server drops `null` in non-nullable fields that have no default (before defaulting). */
function pruneNonNullableNulls(x: unknown, s: KubeSchema, isRoot = false): void {
  if (isObject(x)) {
    for (const [key, value] of Object.entries(x)) {
      const child = skipAtRoot(isRoot, key) ? undefined : fieldSchema(s, key);
      if (!child) {
        continue;
      }
      if (value === null) {
        if (!child.nullable && child.default === undefined) {
          delete x[key];
        }
      } else {
        pruneNonNullableNulls(value, child);
      }
    }
  } else if (Array.isArray(x)) {
    const items = itemSchema(s);
    if (items) {
      x.forEach(v => pruneNonNullableNulls(v, items));
    }
  }
}

/** `x-kubernetes-list-type: set | map`: report duplicates ("Duplicate value", as the API server). */
function checkLists(x: unknown, s: KubeSchema, where: string, errors: CrdValidationError[], isRoot = false): void {
  if (isObject(x)) {
    for (const [key, value] of Object.entries(x)) {
      const child = skipAtRoot(isRoot, key) ? undefined : fieldSchema(s, key);
      if (child) {
        checkLists(value, child, appendKey(where, key), errors);
      }
    }
  } else if (Array.isArray(x)) {
    const listType = s['x-kubernetes-list-type'];
    const keys = s['x-kubernetes-list-map-keys'];
    if (listType === 'set' || (listType === 'map' && keys && keys.length > 0)) {
      const seen = new Set<string>();
      x.forEach((item, i) => {
        const id = listType === 'set'
          ? canonical(item)
          : canonical(isObject(item) ? keys!.map(k => item[k] ?? null) : item);
        if (seen.has(id)) {
          const shown = listType === 'set' || !isObject(item)
            ? canonical(item)
            : canonical(Object.fromEntries(keys!.map(k => [k, item[k] ?? null])));
          errors.push({ path: `${where}[${i}]`, message: `Duplicate value: ${shown}` });
        }
        seen.add(id);
      });
    }
    const items = itemSchema(s);
    if (items) {
      x.forEach((item, i) => checkLists(item, items, `${where}[${i}]`, errors));
    }
  }
}

/** JSON with sorted object keys. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) {
    return `[${x.map(canonical).join(',')}]`;
  }
  if (isObject(x)) {
    return `{${Object.keys(x).sort().map(k => `${JSON.stringify(k)}:${canonical(x[k])}`).join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}

// ---------------------------------------------------------------------------------------------
// ajv errors → CrdValidationError.

function appendKey(where: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) {
    return where ? `${where}.${key}` : key;
  }
  return `${where}[${JSON.stringify(key)}]`;
}

/** Turns an ajv instancePath (JSON pointer) into a dotted path, using the data to tell indexes from keys. */
function pointerToPath(data: unknown, pointer: string): string {
  let where = '';
  let x: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(x)) {
      where = `${where}[${seg}]`;
      x = x[Number(seg)];
    } else {
      where = appendKey(where, seg);
      x = isObject(x) ? x[seg] : undefined;
    }
  }
  return where;
}

function describe(x: unknown): string {
  if (x === undefined) {
    return 'nothing';
  }
  const type = x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x;
  if (type === 'object' || type === 'array' || type === 'null') {
    return type;
  }
  const text = JSON.stringify(x) ?? String(x);
  return `${type} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

/** A short name for a failing combinator branch set, when every branch is just `required: [...]`. */
function requiredOnly(branches: unknown): string[][] | undefined {
  if (!Array.isArray(branches)) {
    return undefined;
  }
  const out: string[][] = [];
  for (const b of branches) {
    if (!isObject(b) || !Array.isArray(b.required) || Object.keys(b).length !== 1) {
      return undefined;
    }
    out.push(b.required as string[]);
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function suggestion(field: string, parentSchema: unknown): string {
  const props = isObject(parentSchema) && isObject(parentSchema.properties) ? Object.keys(parentSchema.properties) : [];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const p of props) {
    const d = p.toLowerCase() === field.toLowerCase() ? 0 : editDistance(field, p);
    if (d < bestDistance) {
      best = p;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(field.length / 4))
    ? ` (did you mean "${best}"?)`
    : '';
}

function toErrors(check: ValidateFunction, data: unknown): CrdValidationError[] {
  const all = check.errors ?? [];
  // A failed anyOf/oneOf reports each branch's errors and then its own: keep only its own.
  const branch = /\/(anyOf|oneOf)\/\d+\//;
  const out: CrdValidationError[] = [];
  for (const e of all) {
    if (branch.test(e.schemaPath) || e.keyword === 'propertyNames') {
      continue;
    }
    out.push(toError(e, data));
  }
  return out;
}

function toError(e: ErrorObject, data: unknown): CrdValidationError {
  const where = pointerToPath(data, e.instancePath);
  const params = e.params as Record<string, unknown>;
  const got = describe(e.data);
  if (e.propertyName !== undefined) {
    // A `propertyNames` failure: the error is about the key itself.
    const inner = toError({ ...e, propertyName: undefined, instancePath: '', data: e.propertyName }, data);
    return { path: appendKey(where, e.propertyName), message: `invalid key: ${inner.message}` };
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return { path: appendKey(where, key), message: `unknown field "${key}"${suggestion(key, e.parentSchema)}` };
    }
    case 'required':
      return { path: appendKey(where, String(params.missingProperty)), message: 'Required value' };
    case 'type':
      return { path: where, message: `must be of type ${String(params.type).split(',').join(' or ')} (got ${got})` };
    case 'enum':
      return {
        path: where,
        message: `Unsupported value (got ${got}): supported values: ${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { path: where, message: `must be ${JSON.stringify(params.allowedValue)} (got ${got})` };
    case 'pattern':
      return { path: where, message: `must match ${String(params.pattern)} (got ${got})` };
    case 'format':
      return { path: where, message: `must be a valid ${String(params.format)} (got ${got})` };
    case 'oneOf':
    case 'anyOf': {
      const sets = requiredOnly(e.schema);
      if (sets && sets.every(s => s.length === 1)) {
        const names = sets.map(s => s[0]).join(', ');
        const multiple = e.keyword === 'oneOf' && Array.isArray(params.passingSchemas);
        return {
          path: where,
          message: e.keyword === 'anyOf'
            ? `at least one of ${names} must be set`
            : `exactly one of ${names} must be set${multiple ? ' (more than one is)' : ''}`,
        };
      }
      return { path: where, message: `${e.message}` };
    }
    case 'not': {
      const sets = requiredOnly([e.schema]);
      if (sets) {
        const names = sets[0];
        return {
          path: where,
          message: names.length === 2
            ? `must not set both ${names[0]} and ${names[1]}`
            : names.length === 1 ? `must not set ${names[0]}` : `must not set all of ${names.join(', ')}`,
        };
      }
      return { path: where, message: `${e.message}` };
    }
    default:
      return { path: where, message: `${e.message} (got ${got})` };
  }
}

/** Sorted by path (indexes numerically), so the order does not depend on the schema's key order. */
function sortByPath(errors: CrdValidationError[]): CrdValidationError[] {
  const key = (e: CrdValidationError): string => e.path.replace(/\[(\d+)\]/g, (_, n: string) => `[${n.padStart(12, '0')}]`);
  return errors
    .map((e, i) => ({ e, i, k: key(e) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map(x => x.e);
}

function dedupe(errors: CrdValidationError[]): CrdValidationError[] {
  const seen = new Set<string>();
  return errors.filter(e => {
    const key = `${e.path}\0${e.message}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
