/**
 * Regenerates `imports/` from the KubeRay v1.7.0 RayCluster CRD, offline.
 *
 *   npm run import                       # reads ../shared/kuberay/crd/ray.io_rayclusters.yaml
 *   npm run import -- path/to/crd.yaml   # or any local copy of the same file
 *
 * Only the `v1` version (served and storage) is imported: `v1alpha1` is deprecated and would double
 * the generated code. `cdk8s.yaml` names the pinned upstream file for `cdk8s import` with network.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';

const root = path.resolve(__dirname, '..');
const source = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'kuberay', 'crd', 'ray.io_rayclusters.yaml'));
if (!fs.existsSync(source)) {
  console.error(`import: CRD not found at ${source}; pass the path of ray.io_rayclusters.yaml (KubeRay v1.7.0)`);
  process.exit(2);
}
const crd = parse(fs.readFileSync(source, 'utf8'));
crd.spec.versions = crd.spec.versions.filter((v: { name: string }) => v.name === 'v1');
if (crd.spec.versions.length !== 1) {
  console.error('import: the CRD has no v1 version; is this the KubeRay RayCluster CRD?');
  process.exit(2);
}
// `cdk8s import` records every source it imports in cdk8s.yaml; keep ours as written.
const cdk8sYaml = path.join(root, 'cdk8s.yaml');
const config = fs.readFileSync(cdk8sYaml, 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-import-'));
const v1Only = path.join(dir, 'ray.io_rayclusters.yaml');
fs.writeFileSync(v1Only, stringify(crd));
execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['import', v1Only, '--language', 'typescript', '--output', path.join(root, 'imports')], { stdio: 'inherit', cwd: root });
fs.writeFileSync(cdk8sYaml, config);
fs.rmSync(dir, { recursive: true, force: true });
