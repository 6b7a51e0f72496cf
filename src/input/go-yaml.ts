/**
 * One YAML document decoded as Kubernetes decodes it: `sigs.k8s.io/yaml`, i.e. go-yaml v2 (YAML 1.1
 * scalar resolution, its merge keys, its alias limits) followed by a conversion to JSON.
 *
 * The syntax is parsed by the `yaml` package; everything that gives the parsed nodes their values
 * is done here, following go-yaml v2 and `sigs.k8s.io/yaml` rule for rule:
 *
 * - plain scalars resolve as in YAML 1.1: `yes`/`on`/`y` (and their case variants) are `true`,
 *   `0777` is octal, `0x1F` hex, `0b101` binary, `1_000` is 1000, `~` is null, `.inf`/`.nan` are
 *   floats (which JSON cannot hold, so such a value is an error, as in kubectl);
 * - explicit tags (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!binary`, `!!timestamp`) are
 *   applied or refused as go-yaml does; unknown tags leave a scalar a string;
 * - merge keys (`<<`) are applied in order into the same map, so a key merged after an explicit
 *   key replaces it, and in a list of maps earlier maps win;
 * - duplicate keys: the last one wins;
 * - map keys become JSON strings (`yes:` becomes `"true"`, `0x10:` becomes `"16"`); two different
 *   keys that become the same string are refused, because Kubernetes then keeps one of them at
 *   random;
 * - aliases are expanded, with go-yaml's limit on excessive aliasing.
 *
 * Pure: no I/O. Errors are {@link GoYamlError}s with a 0-based offset into the document's text.
 *
 * @module
 */
import { Alias, Document, isAlias, isMap, isScalar, isSeq, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { goStringFromBytes } from './utf8';

/** A decoding error: what kubectl would refuse (or what this reader refuses), at an offset. */
export class GoYamlError extends Error {
  constructor(message: string, readonly offset?: number) {
    super(message);
    this.name = 'GoYamlError';
  }
}

const TAG_PREFIX = 'tag:yaml.org,2002:';
const STR = `${TAG_PREFIX}str`;
const BOOL = `${TAG_PREFIX}bool`;
const INT = `${TAG_PREFIX}int`;
const FLOAT = `${TAG_PREFIX}float`;
const NULL = `${TAG_PREFIX}null`;
const TIMESTAMP = `${TAG_PREFIX}timestamp`;
const BINARY = `${TAG_PREFIX}binary`;
const MERGE = `${TAG_PREFIX}merge`;
const RESOLVABLE = new Set(['', STR, BOOL, INT, FLOAT, NULL, TIMESTAMP]);

function shortTag(tag: string): string {
  return tag.startsWith(TAG_PREFIX) ? `!!${tag.slice(TAG_PREFIX.length)}` : tag;
}

/** A Go value as go-yaml v2 produces it when decoding into `interface{}`. */
type GoValue = null | boolean | string | GoInt | GoUint | GoFloat | GoMap | GoValue[];
interface GoInt { readonly t: 'int'; readonly v: bigint }
interface GoUint { readonly t: 'uint'; readonly v: bigint }
interface GoFloat { readonly t: 'float'; readonly v: number }
/** `map[interface{}]interface{}`: entries by Go key identity, in first-insertion order. */
class GoMap {
  readonly entries = new Map<string, { key: GoValue; value: GoValue }>();
  private nans = 0;
  set(key: GoValue, value: GoValue): void {
    this.entries.set(this.identity(key), { key, value });
  }
  private identity(key: GoValue): string {
    if (key === null) return 'nil';
    if (typeof key === 'boolean') return `b:${key}`;
    if (typeof key === 'string') return `s:${key}`;
    if (key instanceof GoMap || Array.isArray(key)) throw new Error('unreachable: collection key');
    if (key.t === 'float') {
      // NaN is never equal to itself: every NaN key is a new entry, as in a Go map.
      if (Number.isNaN(key.v)) return `f:NaN#${this.nans++}`;
      return `f:${key.v === 0 ? 0 : key.v}`;
    }
    return `${key.t}:${key.v}`;
  }
}

const INT64_MIN = -(BigInt(2) ** BigInt(63));
const INT64_MAX = BigInt(2) ** BigInt(63) - BigInt(1);
const UINT64_MAX = BigInt(2) ** BigInt(64) - BigInt(1);

/** Go's `strconv.ParseInt(s, base, 64)` / `ParseUint` syntax (no underscores: callers remove them). */
function parseGoInteger(s: string, base: 0 | 2, signed: boolean): bigint | undefined {
  let rest = s;
  let negative = false;
  if (signed && (rest.startsWith('+') || rest.startsWith('-'))) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  let radix = base === 2 ? 2 : 10;
  if (base === 0) {
    if (/^0[xX]/.test(rest)) { radix = 16; rest = rest.slice(2); } else if (/^0[bB]/.test(rest)) { radix = 2; rest = rest.slice(2); } else if (/^0[oO]/.test(rest)) { radix = 8; rest = rest.slice(2); } else if (/^0./.test(rest)) { radix = 8; rest = rest.slice(1); }
  }
  const digits = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 10 ? /^[0-9]+$/ : radix === 8 ? /^[0-7]+$/ : /^[01]+$/;
  if (!digits.test(rest)) return undefined;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  let v = BigInt(prefix + rest);
  if (negative) v = -v;
  if (signed ? v < INT64_MIN || v > INT64_MAX : v > UINT64_MAX) return undefined;
  return v;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go's `strconv.ParseFloat(s, 64)` for the decimal forms go-yaml passes it; undefined on error. */
function parseGoFloat(s: string): number | undefined {
  const v = Number(s);
  // Go reports overflow (±Inf) as an error; go-yaml then leaves the scalar a string.
  return Number.isFinite(v) ? v : undefined;
}

/** The subset of timestamps go-yaml v2 recognises (`2006-1-2`, with an optional time). */
function isGoTimestamp(s: string): boolean {
  return /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]| )[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?$/.test(s);
}

const RESOLVE_MAP = new Map<string, GoValue>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) RESOLVE_MAP.set(s, true);
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) RESOLVE_MAP.set(s, false);
for (const s of ['', '~', 'null', 'Null', 'NULL']) RESOLVE_MAP.set(s, null);
for (const s of ['.nan', '.NaN', '.NAN']) RESOLVE_MAP.set(s, { t: 'float', v: NaN });
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) RESOLVE_MAP.set(s, { t: 'float', v: Infinity });
for (const s of ['-.inf', '-.Inf', '-.INF']) RESOLVE_MAP.set(s, { t: 'float', v: -Infinity });

function tagOf(v: GoValue): string {
  if (v === null) return NULL;
  if (typeof v === 'boolean') return BOOL;
  if (typeof v === 'string') return STR;
  if (v instanceof GoMap || Array.isArray(v)) return STR;
  return v.t === 'float' ? FLOAT : INT;
}

/** go-yaml v2's `resolve(tag, in)`, including its check of an explicit tag against the result. */
function resolveScalar(tag: string, text: string): GoValue {
  if (!RESOLVABLE.has(tag)) return text;
  const resolved = resolveUntagged(tag, text);
  const rtag = resolved.tag;
  if (tag === '' || tag === rtag || tag === STR) return resolved.value;
  if (tag === FLOAT && rtag === INT) {
    const i = resolved.value as GoInt | GoUint;
    return { t: 'float', v: Number(i.v) };
  }
  throw new GoYamlError(`cannot decode ${shortTag(rtag)} \`${text}\` as a ${shortTag(tag)}`);
}

function resolveUntagged(tag: string, text: string): { tag: string; value: GoValue } {
  const first = text[0] ?? '';
  const hint = text === '' ? 'N'
    : /[+-]/.test(first) ? 'S' : /[0-9]/.test(first) ? 'D' : 'yYnNtTfFoO~'.includes(first) ? 'M' : first === '.' ? '.' : '';
  if (hint !== '' && tag !== STR) {
    if (RESOLVE_MAP.has(text)) {
      const v = RESOLVE_MAP.get(text)!;
      return { tag: tagOf(v), value: v };
    }
    if (hint === '.') {
      if (/^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(text)) {
        const f = parseGoFloat(text);
        if (f !== undefined) return { tag: FLOAT, value: { t: 'float', v: f } };
      }
    } else if (hint === 'D' || hint === 'S') {
      if ((tag === '' || tag === TIMESTAMP) && isGoTimestamp(text)) return { tag: TIMESTAMP, value: text };
      const plain = text.split('_').join('');
      const i = parseGoInteger(plain, 0, true);
      if (i !== undefined) return { tag: INT, value: { t: 'int', v: i } };
      const u = parseGoInteger(plain, 0, false);
      if (u !== undefined) return { tag: INT, value: { t: 'uint', v: u } };
      if (YAML_STYLE_FLOAT.test(plain)) {
        const f = parseGoFloat(plain);
        if (f !== undefined) return { tag: FLOAT, value: { t: 'float', v: f } };
      }
      if (plain.startsWith('0b')) {
        const bi = parseGoInteger(plain.slice(2), 2, true);
        if (bi !== undefined) return { tag: INT, value: { t: 'int', v: bi } };
        const bu = parseGoInteger(plain.slice(2), 2, false);
        if (bu !== undefined) return { tag: INT, value: { t: 'uint', v: bu } };
      } else if (plain.startsWith('-0b')) {
        const bi = parseGoInteger(`-${plain.slice(3)}`, 2, true);
        if (bi !== undefined) return { tag: INT, value: { t: 'int', v: bi } };
      }
    }
  }
  return { tag: STR, value: text };
}

/** Go's `base64.StdEncoding.DecodeString` (which skips CR and LF), or undefined. */
function decodeBase64(text: string): Uint8Array | undefined {
  const s = text.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

// go-yaml v2's limit on alias expansion (decode.go): past 1000 decodes and 100 alias decodes, the
// share of alias-driven decodes may not exceed 99%, falling to 10% between 400,000 and 4,000,000.
const ALIAS_RATIO_LOW = 400000;
const ALIAS_RATIO_HIGH = 4000000;
function allowedAliasRatio(decodes: number): number {
  if (decodes <= ALIAS_RATIO_LOW) return 0.99;
  if (decodes >= ALIAS_RATIO_HIGH) return 0.10;
  return 0.99 - 0.89 * ((decodes - ALIAS_RATIO_LOW) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW));
}

/** Deeper nesting is refused (go-yaml's own limit is 10,000; no manifest comes near 1,000). */
export const MAX_NESTING = 1000;

const ANCHOR_NAME = /^[0-9A-Za-z_-]+$/;

type AstNode = Node | Pair | null | undefined;

/** Decodes one parsed document's root node into go-yaml v2's Go value. */
class Decoder {
  private decodes = 0;
  private aliasDecodes = 0;
  private aliasDepth = 0;
  private depth = 0;
  private readonly expanding = new Set<Alias>();

  constructor(private readonly targets: Map<Alias, Node>) {}

  decodeDocument(root: Node | null): GoValue {
    // go-yaml counts the document node and its root.
    this.count();
    return root === null ? null : this.unmarshal(root);
  }

  private count(): void {
    this.decodes++;
    if (this.aliasDepth > 0) this.aliasDecodes++;
    if (this.aliasDecodes > 100 && this.decodes > 1000 && this.aliasDecodes / this.decodes > allowedAliasRatio(this.decodes)) {
      throw new GoYamlError('document contains excessive aliasing');
    }
  }

  unmarshal(node: Node, into?: GoMap): GoValue {
    this.count();
    if (isAlias(node)) return this.alias(node, into);
    if (++this.depth > MAX_NESTING) throw new GoYamlError(`nesting deeper than ${MAX_NESTING} levels`, node.range?.[0]);
    try {
      if (isScalar(node)) return this.scalar(node);
      if (isMap(node)) return this.mapping(node as YAMLMap<unknown, unknown>, into);
      if (isSeq(node)) return this.sequence(node as YAMLSeq<unknown>);
      throw new GoYamlError('unsupported YAML node', (node as Node).range?.[0]);
    } finally {
      this.depth--;
    }
  }

  private alias(node: Alias, into?: GoMap): GoValue {
    if (this.expanding.has(node)) throw new GoYamlError(`anchor '${node.source}' value contains itself`, node.range?.[0]);
    const target = this.targets.get(node);
    if (target === undefined) throw new GoYamlError(`unknown anchor '${node.source}' referenced`, node.range?.[0]);
    this.expanding.add(node);
    this.aliasDepth++;
    try {
      return this.unmarshal(target, into);
    } finally {
      this.aliasDepth--;
      this.expanding.delete(node);
    }
  }

  private scalar(node: Scalar): GoValue {
    const text = String(node.source ?? '');
    const tag = node.tag ?? '';
    const plain = node.type === 'PLAIN' || node.type === undefined;
    if (tag === '' && !plain) return text;
    if (tag === BINARY) {
      const bytes = decodeBase64(text);
      if (bytes === undefined) throw new GoYamlError('!!binary value contains invalid base64 data', node.range?.[0]);
      return goStringFromBytes(bytes);
    }
    try {
      return resolveScalar(tag, text);
    } catch (err) {
      if (err instanceof GoYamlError) throw new GoYamlError(err.message, node.range?.[0]);
      throw err;
    }
  }

  private mapping(node: YAMLMap<unknown, unknown>, into?: GoMap): GoMap {
    const out = into ?? new GoMap();
    for (const pair of node.items) {
      const keyNode = pair.key as AstNode;
      const valueNode = pair.value as AstNode;
      if (isMergeKey(keyNode)) {
        this.merge(valueNode, out, (keyNode as Scalar).range?.[0]);
        continue;
      }
      const key = this.child(keyNode);
      if (key instanceof GoMap || Array.isArray(key)) {
        throw new GoYamlError('invalid map key: a map or a list cannot be a key', (keyNode as Node | null)?.range?.[0]);
      }
      out.set(key, this.child(valueNode));
    }
    return out;
  }

  /** A child node; an absent one (`key:` with no value, `? key`) is an empty plain scalar. */
  private child(node: AstNode): GoValue {
    if (node === null || node === undefined) {
      this.count();
      return null;
    }
    return this.unmarshal(node as Node);
  }

  private merge(node: AstNode, out: GoMap, offset: number | undefined): void {
    const fail = (): never => {
      throw new GoYamlError('map merge requires map or sequence of maps as the value', offset);
    };
    if (node === null || node === undefined) return fail();
    if (isMap(node)) {
      this.unmarshal(node, out);
    } else if (isAlias(node)) {
      if (!isMap(this.targets.get(node))) fail();
      this.unmarshal(node, out);
    } else if (isSeq(node)) {
      // Step backwards: earlier maps take precedence.
      const items = node.items as AstNode[];
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i];
        if (isAlias(item)) {
          if (!isMap(this.targets.get(item))) fail();
        } else if (!isMap(item)) {
          fail();
        }
        this.unmarshal(item as Node, out);
      }
    } else {
      fail();
    }
  }

  private sequence(node: YAMLSeq<unknown>): GoValue[] {
    return (node.items as AstNode[]).map((item) => this.child(item));
  }
}

/** `<<` as a plain untagged scalar (or tagged `!!merge`, or with the non-specific tag `!`). */
function isMergeKey(node: AstNode): boolean {
  if (!isScalar(node) || node.source !== '<<') return false;
  const tag = node.tag ?? '';
  return tag === MERGE || tag === '!' || (tag === '' && (node.type === 'PLAIN' || node.type === undefined));
}

/**
 * The anchor each alias refers to, as go-yaml's parser sees it: the latest node with that anchor
 * that started before the alias (a collection's anchor is defined before its children).
 */
function aliasTargets(root: Node | null): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  const visit = (node: AstNode): void => {
    if (node === null || node === undefined) return;
    if (isAlias(node)) {
      const name = String(node.source);
      if (!ANCHOR_NAME.test(name)) {
        throw new GoYamlError(`alias *${name}: kubectl accepts only letters, digits, '-' and '_' in anchor names`, node.range?.[0]);
      }
      const target = anchors.get(name);
      if (target === undefined) throw new GoYamlError(`unknown anchor '${name}' referenced`, node.range?.[0]);
      targets.set(node, target);
      return;
    }
    const n = node as Node & { anchor?: string };
    if (n.anchor !== undefined) {
      if (!ANCHOR_NAME.test(n.anchor)) {
        throw new GoYamlError(`anchor &${n.anchor}: kubectl accepts only letters, digits, '-' and '_' in anchor names`, n.range?.[0]);
      }
      anchors.set(n.anchor, n);
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        visit(pair.key as AstNode);
        visit(pair.value as AstNode);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item as AstNode);
    }
  };
  visit(root);
  return targets;
}

/** Go's `strconv.FormatFloat(f, 'g', -1, 32)`, then sigs.k8s.io/yaml's names for Inf and NaN. */
export function goFloatKey(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  const x = Math.fround(f);
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const e = Math.abs(x).toExponential(p - 1);
    if (Math.fround(Number(e)) === Math.abs(x)) {
      const [mantissa, ex] = e.split('e');
      digits = mantissa.replace('.', '');
      exp = Number(ex);
      break;
    }
  }
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${es}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function describeKey(key: GoValue): string {
  if (key === null) return 'null';
  if (typeof key === 'string') return JSON.stringify(key);
  if (typeof key === 'boolean') return String(key);
  if (key instanceof GoMap || Array.isArray(key)) return 'a collection';
  if (key.t === 'float') return `${key.v}`;
  return `${key.v}`;
}

/** Sets `obj[key] = value` even for `__proto__` (as an own, enumerable property). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const SAFE_INT = BigInt(Number.MAX_SAFE_INTEGER);

/** sigs.k8s.io/yaml's conversion to JSON, then JSON decoding as Kubernetes does. */
function toJson(v: GoValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof GoMap) {
    const obj: Record<string, unknown> = {};
    const from = new Map<string, GoValue>();
    for (const { key, value } of v.entries.values()) {
      let name: string;
      if (typeof key === 'string') {name = key;} else if (typeof key === 'boolean') {name = String(key);} else if (key === null || key instanceof GoMap || Array.isArray(key) || key.t === 'uint') {
        throw new GoYamlError(`unsupported map key ${describeKey(key)}: kubectl cannot convert it to JSON`);
      } else if (key.t === 'int') {name = key.v.toString();} else {name = goFloatKey(key.v);}
      if (from.has(name)) {
        throw new GoYamlError(`keys ${describeKey(from.get(name)!)} and ${describeKey(key)} of one map both become "${name}" in JSON; `
          + 'Kubernetes keeps one of them at random: keep only one');
      }
      from.set(name, key);
      setOwn(obj, name, toJson(value));
    }
    return obj;
  }
  if (v.t === 'float') {
    if (!Number.isFinite(v.v)) throw new GoYamlError(`the value ${v.v > 0 ? '.inf' : v.v < 0 ? '-.inf' : '.nan'} cannot be represented in JSON`);
    return v.v === 0 ? 0 : v.v;
  }
  if (v.t === 'uint' && v.v > INT64_MAX) return Number(v.v);
  if (v.v > SAFE_INT || v.v < -SAFE_INT) {
    if (BigInt(Number(v.v)) !== v.v) throw new GoYamlError(`the integer ${v.v} is too large to check exactly (beyond ±2^53)`);
  }
  return Number(v.v);
}

/**
 * Decodes a parsed document (its contents node) as sigs.k8s.io/yaml does and returns the JSON value
 * Kubernetes sees.
 * @throws GoYamlError
 */
export function decodeGoYaml(doc: Document.Parsed | Document): unknown {
  const root = (doc.contents ?? null) as Node | null;
  const targets = aliasTargets(root);
  return toJson(new Decoder(targets).decodeDocument(root));
}
