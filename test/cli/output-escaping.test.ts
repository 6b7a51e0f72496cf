/**
 * Text output never prints control characters that came from the input: a document could
 * otherwise move the cursor, erase a line or forge a "✓ pass" line (ESC, CR, LF in a name).
 * JSON output escapes them by JSON encoding, plus C1 controls, U+2028/U+2029 and bidirectional
 * controls, which JSON would leave raw.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';

interface Run { code: number; stdout: string; stderr: string }

async function cli(argv: string[], stdin?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stdin: async () => stdin ?? '', env: {} });
  return { code, stdout, stderr };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** A failing Pod whose name tries to erase its own line and print a passing one. */
const FORGED = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: "evil\\e[2K\\r-#0 Pod team-a/ok  ✓ pass\\nx\\x9b"',
  '  namespace: "team-a\\u202e"',
  'spec:',
  '  hostPID: true',
  '  containers: [{name: c, image: busybox}]',
  '',
].join('\n');

test('text output escapes control characters from names, namespaces, paths and messages', async () => {
  const r = await cli(['check', '--pss-level', 'baseline', '-'], FORGED);
  expect(r.code).toBe(1);
  for (const line of r.stdout.split('\n')) expect(line).not.toMatch(CONTROL);
  // Exactly the document's own lines: no forged "✓ pass" line of its own.
  expect(r.stdout.split('\n').filter((l) => l.includes('✓ pass'))).toEqual([
    '-#0 Pod team-a\\u202e/evil\\x1b[2K\\r-#0 Pod team-a/ok  ✓ pass\\nx\\x9b  ✗ fail',
  ]);
});

test('JSON output holds the same names, with C1 and bidirectional controls escaped', async () => {
  const r = await cli(['check', '--output', 'json', '--pss-level', 'baseline', '-'], FORGED);
  expect(r.stdout).not.toMatch(CONTROL);
  expect(r.stdout).toContain('\\u009b');
  expect(r.stdout).toContain('\\u202e');
  const out = JSON.parse(r.stdout);
  expect(out.documents[0].name).toBe('evil\u001b[2K\r-#0 Pod team-a/ok  ✓ pass\nx\u009b');
  expect(out.documents[0].namespace).toBe('team-a\u202e');
});

test('stderr escapes input in error messages and file names', async () => {
  const r = await cli(['check', '-'], '---\u001b[31mred\napiVersion: v1\n');
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('secure-ray: -:1: invalid document separator "---\\x1b[31mred": kubectl allows only a comment after ---; put the content on the next line\n');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-esc-'));
  try {
    const file = path.join(dir, 'a\rb.yaml');
    fs.writeFileSync(file, 'kind: [\n');
    const f = await cli(['check', dir]);
    expect(f.code).toBe(2);
    expect(f.stderr).toBe(`secure-ray: ${dir}${path.sep}a\\rb.yaml:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('reach output escapes peer names too', async () => {
  const r = await cli(['reach', '-'], FORGED);
  expect(r.stdout).not.toMatch(CONTROL);
  expect(r.stdout).toContain('evil\\x1b[2K\\r');
  const md = await cli(['reach', '--output', 'markdown', '-'], FORGED);
  expect(md.stdout).not.toMatch(CONTROL);
  const json = await cli(['reach', '--output', 'json', '-'], FORGED);
  expect(json.stdout).not.toMatch(CONTROL);
});
