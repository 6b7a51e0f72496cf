import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';

/**
 * `secure-ray check --tenants FILE`: a tenants file whose tenants collide, or that uses a reserved
 * name, is refused as a whole (exit 2, one line naming the tenants), before any manifest is judged.
 */
interface Run { code: number; stdout: string; stderr: string }

async function cli(argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stdin: async () => '', env: {} });
  return { code, stdout, stderr };
}

/** A fresh directory per test, holding the tenants file and the manifest. */
function files(tenants: string, manifest: string): { tenants: string; manifest: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-tenants-'));
  fs.writeFileSync(path.join(dir, 'tenants.yaml'), tenants);
  fs.writeFileSync(path.join(dir, 'cluster.yaml'), manifest);
  return { tenants: path.join(dir, 'tenants.yaml'), manifest: path.join(dir, 'cluster.yaml'), dir };
}

const COMPLIANT = path.join(__dirname, '..', 'fixtures', 'cli', 'compliant.yaml');

/** The compliant team-a cluster, relabelled as team-b's in namespace `shared` with 64 CPU per worker. */
function teamBClusterInShared(): string {
  const text = fs.readFileSync(COMPLIANT, 'utf8').split('\n---\n')[0];
  return text.replace(/tenant: team-a/g, 'tenant: team-b').replace('namespace: team-a', 'namespace: shared')
    .replace(/maxCpu: "4"/, 'maxCpu: "64"').replace(/cpu: "4"/g, 'cpu: "64"');
}

const SHARED_TENANTS = `tenants:
  - name: team-a
    namespace: shared
    bounds: { minCpu: 500m, maxCpu: "4", minMemory: 512Mi, maxMemory: 8Gi }
  - name: team-b
    namespace: shared
    bounds: { minCpu: 500m, maxCpu: "64", minMemory: 512Mi, maxMemory: 8Gi }
`;

test('two tenants in one namespace: exit 2, one line naming both tenants and the line of the second', async () => {
  const f = files(SHARED_TENANTS, teamBClusterInShared());
  try {
    const r = await cli(['check', '--tenants', f.tenants, f.manifest]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`secure-ray: ${f.tenants}:5: tenants file: tenants "team-a" and "team-b" share the namespace "shared": it would get two `
      + 'Namespace objects with different tenant labels and two quotas, and in it a RayCluster of either tenant could claim the other\'s bounds '
      + 'by its label; fix: give each tenant a namespace of its own\n');
  } finally {
    fs.rmSync(f.dir, { recursive: true, force: true });
  }
});

test('the passing twin: each tenant in its own namespace, the same cluster is judged (and fails on its namespace)', async () => {
  const f = files(SHARED_TENANTS.replace('namespace: shared\n    bounds: { minCpu: 500m, maxCpu: "64"', 'namespace: team-b\n    bounds: { minCpu: 500m, maxCpu: "64"'),
    teamBClusterInShared());
  try {
    const r = await cli(['check', '--tenants', f.tenants, f.manifest]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('tenant "team-b" may only use namespace "team-b"');
  } finally {
    fs.rmSync(f.dir, { recursive: true, force: true });
  }
});

test.each([
  ['the same node label', 'nodeLabelKey: pool\n    nodeLabelValue: gpu', 'mark their nodes with the same label pool=gpu'],
  ['the same taint', 'taintKey: dedicated\n    taintValue: gpu', 'reserve their nodes with the same taint dedicated=gpu'],
])('%s: exit 2', async (_, placement, message) => {
  const tenants = `- name: team-a\n  ${placement.replace('\n    ', '\n  ')}\n  bounds: { minCpu: 500m, maxCpu: "4", minMemory: 512Mi, maxMemory: 8Gi }\n`
    + `- name: team-b\n  ${placement.replace('\n    ', '\n  ')}\n  bounds: { minCpu: 500m, maxCpu: "4", minMemory: 512Mi, maxMemory: 8Gi }\n`;
  const f = files(tenants, '');
  try {
    const r = await cli(['check', '--tenants', f.tenants, COMPLIANT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f.tenants}:5: tenants file: tenants "team-a" and "team-b" ${message}`);
  } finally {
    fs.rmSync(f.dir, { recursive: true, force: true });
  }
});

test('a reserved namespace: exit 2 with the reason', async () => {
  const f = files('- name: team-a\n  namespace: kube-system\n  bounds: { minCpu: 500m, maxCpu: "4", minMemory: 512Mi, maxMemory: 8Gi }\n', '');
  try {
    const r = await cli(['check', '--tenants', f.tenants, COMPLIANT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f.tenants}:1: tenants file: tenant "team-a": namespace "kube-system" is reserved: "kube-system" runs the cluster's own components`);
  } finally {
    fs.rmSync(f.dir, { recursive: true, force: true });
  }
});
