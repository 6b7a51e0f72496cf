/**
 * Regenerates `imports/` from the KubeRay v1.7.0 CRDs, offline.
 *
 *   npm run import                  # reads ../shared/kuberay/crd/ray.io_{rayclusters,rayjobs,rayservices,raycronjobs}.yaml
 *   npm run import -- path/to/dir   # or a local folder holding the same four files
 *   npm run import -- path/to/ray.io_rayclusters.yaml   # (its folder is used, as before)
 *
 * One file per kind, so a consumer (and every test) that needs only RayCluster compiles only the
 * RayCluster types:
 *
 *   imports/ray.io.ts             RayCluster   (unchanged name: `cdk8s import` of the RayCluster CRD)
 *   imports/rayjob-ray.io.ts      RayJob       (`cdk8s import rayjob:=...`, cdk8s's own prefix naming)
 *   imports/rayservice-ray.io.ts  RayService
 *   imports/raycronjob-ray.io.ts  RayCronJob
 *
 * Only the `v1` version (served and storage) is imported: `v1alpha1` is deprecated and would double
 * the generated code. `cdk8s.yaml` names the pinned upstream files for `cdk8s import` with network;
 * `cdk8s import` rewrites it, so it is restored byte for byte afterwards.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';

/** The CRDs imported, in order: the CRD file name, the module-name prefix (none for RayCluster) and its kind. */
const CRDS: ReadonlyArray<{ file: string; prefix?: string; kind: string }> = [
  { file: 'ray.io_rayclusters.yaml', kind: 'RayCluster' },
  { file: 'ray.io_rayjobs.yaml', prefix: 'rayjob', kind: 'RayJob' },
  { file: 'ray.io_rayservices.yaml', prefix: 'rayservice', kind: 'RayService' },
  { file: 'ray.io_raycronjobs.yaml', prefix: 'raycronjob', kind: 'RayCronJob' },
];

const root = path.resolve(__dirname, '..');
const given = process.argv[2];
const defaultDir = path.join(root, '..', 'shared', 'kuberay', 'crd');
const crdDir = given === undefined
  ? defaultDir
  : (fs.existsSync(given) && fs.statSync(given).isFile() ? path.dirname(path.resolve(given)) : path.resolve(given));

const missing = CRDS.map((c) => path.join(crdDir, c.file)).filter((f) => !fs.existsSync(f));
if (missing.length > 0) {
  console.error(`import: CRD not found: ${missing.join(', ')}; pass the folder holding the KubeRay v1.7.0 CRDs `
    + `(${CRDS.map((c) => c.file).join(', ')})`);
  process.exit(2);
}

// `cdk8s import` records every source it imports in cdk8s.yaml; keep ours as written.
const cdk8sYaml = path.join(root, 'cdk8s.yaml');
const config = fs.readFileSync(cdk8sYaml, 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-import-'));
try {
  for (const c of CRDS) {
    const crd = parse(fs.readFileSync(path.join(crdDir, c.file), 'utf8'));
    if (crd?.spec?.names?.kind !== c.kind) {
      console.error(`import: ${c.file} is not the ${c.kind} CRD`);
      process.exit(2);
    }
    crd.spec.versions = crd.spec.versions.filter((v: { name: string }) => v.name === 'v1');
    if (crd.spec.versions.length !== 1) {
      console.error(`import: ${c.file} has no v1 version; is this the KubeRay ${c.kind} CRD?`);
      process.exit(2);
    }
    const v1Only = path.join(dir, c.file);
    fs.writeFileSync(v1Only, stringify(crd));
    const source = c.prefix ? `${c.prefix}:=${v1Only}` : v1Only;
    execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['import', source, '--language', 'typescript', '--output', path.join(root, 'imports')], { stdio: 'inherit', cwd: root });
  }
} finally {
  fs.writeFileSync(cdk8sYaml, config);
  fs.rmSync(dir, { recursive: true, force: true });
}
