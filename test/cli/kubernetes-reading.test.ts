/**
 * `secure-ray check` judges the objects kubectl would apply: YAML is read as Kubernetes reads it
 * (sigs.k8s.io/yaml: go-yaml v2, YAML 1.1, then JSON), lists are flattened as kubectl flattens
 * them, and input that YAML tools read differently is refused (exit 2) rather than guessed at.
 * The same cases against the real kubectl are in `kubectl-differential.test.ts`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { parseManifests } from '../../src/cli/read';

interface Run { code: number; stdout: string; stderr: string }

async function cli(argv: string[], stdin?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    stdin: async () => stdin ?? '',
    env: {},
  });
  // Never a stack trace, never an internal error.
  expect(stderr).not.toMatch(/\n\s+at |internal error/);
  return { code, stdout, stderr };
}

async function check(yaml: string, extra: string[] = []): Promise<Run & { out: any }> {
  const r = await cli(['check', '--output', 'json', ...extra, '-'], yaml);
  return { ...r, out: JSON.parse(r.stdout) };
}

/** A Pod that passes the restricted profile, with `spec` and container `securityContext` lines to extend. */
function pod(opts: { spec?: string; container?: string; name?: string; top?: string } = {}): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    `metadata: {name: ${opts.name ?? 'web'}, namespace: team-a}`,
    ...(opts.top ? [opts.top] : []),
    'spec:',
    ...(opts.spec ? [`  ${opts.spec}`] : []),
    '  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}',
    '  containers:',
    '  - name: app',
    '    image: nginx:1.27',
    '    securityContext:',
    ...(opts.container ? [`      ${opts.container}`] : []),
    '      allowPrivilegeEscalation: false',
    '      capabilities: {drop: [ALL]}',
    '',
  ].join('\n');
}

function podSecurity(out: any, i = 0): any {
  return out.documents[i].rules['pod-security'];
}

test('the compliant Pod used below passes', async () => {
  const r = await check(pod());
  expect(r.code).toBe(0);
  expect(podSecurity(r.out).status).toBe('pass');
});

describe('merge keys (<<) are applied as go-yaml v2 applies them', () => {
  test('a privileged container hidden in a merge key fails pod-security (exit 1)', async () => {
    const r = await check(pod({ container: '<<: {privileged: true}' }));
    expect(r.code).toBe(1);
    expect(podSecurity(r.out).violations).toEqual([expect.objectContaining({
      path: 'spec.containers[0].securityContext.privileged',
      check: 'privileged',
    })]);
  });

  test('hostNetwork merged into spec fails', async () => {
    const r = await check(pod({ spec: '<<: {hostNetwork: true}' }));
    expect(r.code).toBe(1);
    expect(podSecurity(r.out).violations.map((v: any) => v.path)).toEqual(['spec.hostNetwork']);
  });

  test('a list of maps, through anchors and aliases: the earlier map wins', async () => {
    // Anchors live within one document (kubectl decodes each document on its own).
    const yaml = pod({ top: 'x-defaults: [&safe {hostPID: false}, &debug {hostPID: true}]', spec: '<<: [*debug, *safe]' });
    const r = await check(yaml);
    expect(r.code).toBe(1);
    expect(podSecurity(r.out).violations.map((v: any) => v.path)).toEqual(['spec.hostPID']);
    const safeFirst = await check(yaml.replace('[*debug, *safe]', '[*safe, *debug]'));
    expect(safeFirst.code).toBe(0);
  });

  test('an explicit key after the merge wins; a merge after an explicit key replaces it (go-yaml v2)', async () => {
    const after = await check(pod({ spec: '<<: {hostIPC: true}\n  hostIPC: false' }));
    expect(after.code).toBe(0);
    const before = await check(pod({ spec: 'hostIPC: false\n  <<: {hostIPC: true}' }));
    expect(before.code).toBe(1);
    expect(podSecurity(before.out).violations.map((v: any) => v.path)).toEqual(['spec.hostIPC']);
  });

  test('nested merges', async () => {
    const r = await check(pod({ container: '<<: {<<: {<<: {privileged: true}}}' }));
    expect(r.code).toBe(1);
    expect(podSecurity(r.out).violations.map((v: any) => v.check)).toEqual(['privileged']);
  });

  test('a quoted "<<" is an ordinary key, as in Kubernetes', async () => {
    const r = await check(pod({ container: '"<<": {privileged: true}' }));
    expect(r.code).toBe(0);
  });

  test('a merge of something that is not a map is an input error', async () => {
    const r = await check(pod({ spec: '<<: [1, 2]' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('secure-ray: -:5: invalid YAML: map merge requires map or sequence of maps as the value\n');
  });
});

describe('Unicode line breaks (YAML 1.1) are refused: kubectl would read a different object', () => {
  test.each([
    ['U+2028', '\u2028'],
    ['U+2029', '\u2029'],
    ['U+0085', '\u0085'],
  ])('%s ending a comment before a field: exit 2, file and line named', async (name, ch) => {
    const yaml = pod({ spec: `# ok${ch}hostPID: true` });
    const r = await check(yaml);
    expect(r.code).toBe(2);
    expect(r.out.documents).toEqual([]);
    expect(r.stderr.startsWith(`secure-ray: -:5: ${name} (`)).toBe(true);
    expect(r.stderr).toContain("line break to Kubernetes' YAML 1.1 parser");
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  test('in a file, the path is named', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-ls-'));
    try {
      const file = path.join(dir, 'pod.yaml');
      fs.writeFileSync(file, pod({ spec: '# ok\u2028hostPID: true' }));
      const r = await cli(['check', file]);
      expect(r.code).toBe(2);
      expect(r.stderr.startsWith(`secure-ray: ${file}:5: U+2028 (LINE SEPARATOR)`)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lists: every object with "items" is a list, and only its items are applied', () => {
  test('PodList items without kind are Pods (kubectl takes the kind from the list)', async () => {
    const r = await check([
      'apiVersion: v1',
      'kind: PodList',
      'items:',
      '- metadata: {name: rogue}',
      '  spec: {hostPID: true, containers: [{name: c, image: busybox}]}',
      '',
    ].join('\n'), ['--pss-level', 'baseline']);
    expect(r.code).toBe(1);
    expect(r.out.documents).toEqual([expect.objectContaining({ index: 0, item: 0, kind: 'Pod', name: 'rogue' })]);
    expect(podSecurity(r.out).violations.map((v: any) => v.path)).toEqual(['spec.hostPID']);
  });

  test('RayClusterList items are RayClusters', async () => {
    const cluster = fs.readFileSync(path.join(__dirname, '../fixtures/cli/failing.yaml'), 'utf8');
    const items = cluster.split('\n').filter((l) => !/^(apiVersion|kind):/.test(l)).map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)).join('\n');
    const r = await check(`apiVersion: ray.io/v1\nkind: RayClusterList\nitems:\n${items}\n`);
    expect(r.code).toBe(1);
    expect(r.out.documents).toEqual([expect.objectContaining({ item: 0, kind: 'RayCluster', name: 'too-big' })]);
    expect(r.out.documents[0].rules['enforce-tenant-isolation'].status).toBe('fail');
  });

  test('a ConfigMap with "items" is a list: its items are judged, not the ConfigMap', async () => {
    const r = await check([
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: innocent}',
      'data: {a: b}',
      'items:',
      pod({ name: 'hidden' }).replace('spec:\n', 'spec:\n  hostNetwork: true\n').split('\n').map((l, i) => (l === '' ? '' : i === 0 ? `- ${l}` : `  ${l}`)).join('\n'),
    ].join('\n'));
    expect(r.code).toBe(1);
    expect(r.out.documents.map((d: any) => [d.kind, d.name, d.item])).toEqual([['Pod', 'hidden', 0]]);
  });

  test('a compliant object that also carries items: only the items are applied', async () => {
    const r = await check(`${pod()}items:\n- {apiVersion: v1, kind: Pod, metadata: {name: bad}, spec: {hostIPC: true, containers: [{name: c, image: i}]}}\n`);
    expect(r.code).toBe(1);
    expect(r.out.documents.map((d: any) => d.name)).toEqual(['bad']);
  });

  test('empty or null items: nothing is applied', async () => {
    const r = await check(`${pod()}items: []\n---\n${pod()}items: null\n`);
    expect(r.code).toBe(0);
    expect(r.out.documents).toEqual([]);
  });

  test('a list inside a list is refused, as kubectl refuses it (exit 2)', async () => {
    const r = await check('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - {apiVersion: v1, kind: Pod, metadata: {name: p}}\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('secure-ray: -:4: item 0 of List document 0 is itself a list ("items"): kubectl refuses a list inside a list; put its items in the outer list\n');
  });

  test('"items" that is not a list is refused', async () => {
    const r = await check('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nitems: 5\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('document 0: "items" is a number: Kubernetes reads any object with "items" as a list of objects');
  });

  test('objects without kind, and metadata Kubernetes cannot decode, are refused', async () => {
    const r = await check('apiVersion: v1\nmetadata: {name: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: {version: 1.0}}\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('secure-ray: -:1: document 0: no "kind" (kubectl refuses an object without one)\n'
      + 'secure-ray: -:4: document 1: metadata.labels.version is a number; Kubernetes requires a string (quote it)\n');
  });
});

describe('YAML 1.1 scalars, as go-yaml v2 resolves them', () => {
  const ray = fs.readFileSync(path.join(__dirname, '../fixtures/cli/compliant.yaml'), 'utf8');
  const withWorkerMemory = (m: string) => ray.replace(/memory: 8Gi/g, `memory: ${m}`);

  test('0777777777 is octal (134217727 bytes, under the tenant\'s minMemory 512Mi)', async () => {
    expect((await check(withWorkerMemory('777777777'))).code).toBe(0);
    const r = await check(withWorkerMemory('0777777777'));
    expect(r.code).toBe(1);
    expect(r.out.documents[0].rules['enforce-tenant-isolation'].violations[0]).toMatchObject({ value: 134217727 });
  });

  test.each([
    ['0x1F', 31], ['0b101', 5], ['+12', 12], ['1_000', 1000], ['0o17', 15], ['08', 8], ['1e3', 1000], ['.5', 0.5],
    ['-0b11', -3], ['~', null], ['', null], ['190:20:30', '190:20:30'], ['2001-12-14', '2001-12-14'], ['1.0', 1],
    ['y', true], ['Yes', true], ['ON', true], ['n', false], ['Off', false], ['oN', 'oN'], ['yES', 'yES'],
    ['!!str 0x10', '0x10'], ['!!int "12"', 12], ['!!float 1', 1], ['!custom 5', '5'], ['!!binary aGVsbG8=', 'hello'],
  ])('%s is read as %j', (text, value) => {
    const parsed = parseManifests(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  v: ${text}\n`, '-');
    expect(parsed.errors).toEqual([]);
    const data = (parsed.docs[0] as any).data;
    expect(data.v).toEqual(value);
  });

  test('keys become strings as sigs.k8s.io/yaml makes them', () => {
    const parsed = parseManifests('kind: X\ndata: {yes: 1, on: 2, 0x10: 3, 1.5: 4, 1e7: 5, 3.14159265358979: 6, 010: 7}\n', '-');
    expect(parsed.errors).toEqual([]);
    expect((parsed.docs[0] as any).data).toEqual({ 'true': 2, '16': 3, '1.5': 4, '1e+07': 5, '3.1415927': 6, '8': 7 });
  });

  test('booleans: privileged: yes and hostNetwork: on are true (fail); allowPrivilegeEscalation: off is false (pass)', async () => {
    const yes = await check(pod({ container: 'privileged: yes' }));
    expect(yes.code).toBe(1);
    expect(podSecurity(yes.out).violations.map((v: any) => v.check)).toEqual(['privileged']);
    const on = await check(pod({ spec: 'hostNetwork: on' }));
    expect(on.code).toBe(1);
    const off = await check(pod().replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: off'));
    expect(off.code).toBe(0);
    // Quoted, it stays a string, which the engine does not take for false.
    const quoted = await check(pod().replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: "off"'));
    expect(quoted.code).toBe(1);
  });

  test('.inf and .nan cannot become JSON: exit 2', async () => {
    const r = await check(pod({ spec: 'activeDeadlineSeconds: .inf' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('secure-ray: -:1: invalid YAML: the value .inf cannot be represented in JSON\n');
  });

  test('keys that Kubernetes turns into the same JSON key are refused (it keeps one at random)', async () => {
    const r = await check('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {1: a, "1": b}\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('keys 1 and "1" of one map both become "1" in JSON; Kubernetes keeps one of them at random');
  });

  test('duplicate keys: the last one wins, as in kubectl', async () => {
    const r = await check(pod({ spec: 'hostPID: false\n  hostPID: true' }));
    expect(r.code).toBe(1);
    expect(podSecurity(r.out).violations.map((v: any) => v.path)).toEqual(['spec.hostPID']);
  });
});

describe('anchors, aliases, tags, encodings, streams', () => {
  test('an alias bomb is refused quickly, as go-yaml refuses it', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const started = Date.now();
    const r = await check(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid YAML: document contains excessive aliasing');
  });

  test('an unknown or forward alias is an error', async () => {
    const r = await check('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: *later, b: &later x}\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown anchor 'later' referenced");
  });

  test('CRLF line ends and a byte-order mark are read as kubectl reads them', async () => {
    const r = await check(`\ufeff${pod({ spec: 'hostPID: true' }).replace(/\n/g, '\r\n')}`);
    expect(r.code).toBe(1);
    expect(podSecurity(r.out).violations.map((v: any) => v.path)).toEqual(['spec.hostPID']);
  });

  test('a CR without LF is refused (kubectl splits and parses such lines inconsistently)', async () => {
    const r = await check(`${pod()}\r---\rkind: Pod\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^secure-ray: -:\d+: a carriage return \(CR\) without a line feed/);
  });

  test('JSON input, a JSON stream, and JSON followed by YAML', async () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' }, spec: { hostPID: true, containers: [{ name: 'c', image: 'i' }] } });
    const r = await check(`${json}\n${json}\n`, ['--pss-level', 'baseline']);
    expect(r.code).toBe(1);
    expect(r.out.documents.map((d: any) => [d.index, d.name])).toEqual([[0, 'j'], [1, 'j']]);
    const mixed = await check(`${json}\n---\n${pod({ name: 'yaml' })}`, ['--pss-level', 'baseline']);
    expect(mixed.out.documents.map((d: any) => d.name)).toEqual(['j', 'yaml']);
    // A name like "y" is a boolean in YAML 1.1: Kubernetes refuses it as a name.
    const y = await check(pod({ name: 'y' }));
    expect(y.code).toBe(2);
    expect(y.stderr).toBe('secure-ray: -:1: document 0: metadata.name is a boolean; Kubernetes requires a string (quote it)\n');
  });

  test('"---" starts a document only at the start of a line; inside a block scalar it is text', async () => {
    const r = await check(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  script: |\n    ---\n    kind: Pod\n---\n${pod({ spec: 'hostPID: true' })}`);
    expect(r.code).toBe(1);
    expect(r.out.documents.map((d: any) => d.kind)).toEqual(['ConfigMap', 'Pod']);
  });

  test('"--- content" is refused, as kubectl refuses it', async () => {
    const r = await check('--- {apiVersion: v1, kind: Pod}\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid document separator "---{apiVersion: v1, kind: Pod}"');
  });

  test('after "...", the rest of a document is ignored, as kubectl ignores it', async () => {
    const r = await check(`${pod()}...\nspec: {hostPID: true}\n]]]\n`);
    expect(r.code).toBe(0);
    expect(r.out.documents).toHaveLength(1);
  });

  test('escapes YAML 1.1 does not have are refused ("\\/")', async () => {
    const r = await check('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: "x\\/y"}\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('secure-ray: -:4: invalid YAML: found unknown escape character \\/ (YAML 1.1 has no such escape)\n');
  });

  test('text that is not UTF-8 is refused with its line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-utf8-'));
    try {
      const file = path.join(dir, 'latin1.yaml');
      fs.writeFileSync(file, Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n', 'latin1'));
      const r = await cli(['check', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`secure-ray: ${file}:3: not valid UTF-8 (byte 0xe9 at offset 51): save the file as UTF-8\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
