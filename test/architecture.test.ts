import * as fs from 'fs';
import * as path from 'path';
import * as api from '../src';

/**
 * The shape of src/ that docs/ARCHITECTURE.md describes, held against the code: the pure layers
 * import only what is below them, no file grows past one concept, and the public API is exactly
 * the list below (adding a name to it is a deliberate, reviewed change).
 */
const SRC = path.resolve(__dirname, '..', 'src');

function sources(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The module specifiers a file imports (static imports and re-exports). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
}

/** The src/ folder an import lands in (`kubernetes`, `policy`, `.` for files at the top), or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const resolved = path.resolve(path.dirname(file), spec);
  const rel = path.relative(SRC, resolved);
  if (rel.startsWith('..')) return rel.split(path.sep).filter((s) => s !== '..')[0];
  if (rel.includes(path.sep) || (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory())) return rel.split(path.sep)[0];
  return '.';
}

// What each pure layer may import: the layers below it and itself. No cdk8s, constructs, fs or processes.
const PURE_LAYERS: Record<string, string[]> = {
  kubernetes: ['kubernetes'],
  input: ['kubernetes', 'input'],
  kuberay: ['kubernetes', 'kuberay'],
  policy: ['kubernetes', 'kuberay', 'policy'],
  reach: ['kubernetes', 'kuberay', 'policy', 'reach'],
};

// The npm packages a pure layer may import besides. Only `yaml`, in kuberay/: a YAML parser is pure
// (text in, values out; no I/O, no globals), and KubeRay parses a RayJob's runtimeEnvYAML as YAML 1.1
// (refusing what is not a mapping, passing it to `ray job submit` as JSON), which the model must
// reproduce (kuberay/runtime-env.ts). It is a runtime dependency of the package already.
// input/ decodes manifest text as Kubernetes does, on the yaml package's syntax trees.
const PURE_PACKAGES: Record<string, string[]> = {
  kuberay: ['yaml'],
  input: ['yaml'],
};

describe('layers', () => {
  for (const [layer, layers] of Object.entries(PURE_LAYERS)) {
    const allowed = [...layers, ...(PURE_PACKAGES[layer] ?? [])];
    test(`src/${layer}/ imports only ${allowed.join(', ')} (no cdk8s, constructs, fs, child processes)`, () => {
      const offending = sources(path.join(SRC, layer)).flatMap((f) => importsOf(f)
        .map((spec) => ({ file: path.relative(SRC, f), spec, to: target(f, spec) }))
        .filter((i) => !(layers.includes(i.to) || (!i.spec.startsWith('.') && (PURE_PACKAGES[layer] ?? []).includes(i.spec)))));
      expect(offending).toEqual([]);
    });
  }

  test('constructs and props never use instanceof on the library\'s own classes or cdk8s\'s (two copies of a package break it)', () => {
    const offending = sources().filter((f) => /instanceof\s+(TenantProfile|RayVolume|NetworkPeer|RayPort|SecureTenantRayCluster|Duration)\b/
      .test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(SRC, f));
    expect(offending).toEqual([]);
  });

  test('no source file is over 500 lines (one concept per file)', () => {
    const long = sources().map((f) => ({ file: path.relative(SRC, f), lines: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > 500);
    expect(long).toEqual([]);
  });
});

describe('the public API', () => {
  test('src/index.ts exports exactly the user-facing names', () => {
    // Values only (types vanish at run time); the type exports are held by docs/API.md's drift test.
    expect(Object.keys(api).sort()).toEqual([
      'AdmissionAction', 'AdmissionEngine', 'AutoscalerVersion', 'ClusterConnections', 'DEFAULT_POD_SECURITY_VERSION',
      'DEFAULT_RAY_VERSION', 'EmptyDirMedium', 'KyvernoFailureAction', 'KyvernoPolicyType', 'MIN_POD_SECURITY_VERSION', 'NetworkMode', 'NetworkPeer',
      'PROTECTED_NODE_LABEL_KEY', 'PortProtocol', 'PortTarget', 'PropsError', 'Protocol', 'RAY_GID', 'RAY_UID', 'RULE_IDS',
      'RayAuthentication', 'RayPort', 'RayVolume', 'SYNC_WAVE_ANNOTATION', 'SecureRayValidation', 'SecureRayValidationPropsError',
      'SecureTenantRayCluster', 'SecureTenantRayJob', 'SecureTenantRayService', 'ServiceUpgradeStrategy', 'SubmissionMode', 'SyncWaves',
      'TaintEffect', 'TenantAdmission', 'TenantAdmissionPolicy', 'TenantNamespace', 'TenantProfile', 'UpscalingMode', 'checkDocument',
      'checkManifests', 'documentFailed', 'formatViolation', 'kyvernoTestFile', 'tenantAdmissionManifests', 'tenantAdmissionPolicyManifest',
    ]);
  });

  test('internal helpers stay internal', () => {
    for (const name of ['describe', 'requireString', 'requireQuantity', 'validateNetworkOptions', 'planPinnedPorts', 'pinnedStartParams',
      'pinnedPolicyPorts', 'isCidr', 'CONTAINER_LISTS', 'GROUP_LISTS', 'MAX_DECIMAL_EXPONENT', 'Quantity', 'buildRayPods', 'reach',
      'admissionRuleSets', 'validatingAdmissionPolicy', 'kyvernoValidatingPolicy', 'checkPodTenancy', 'WORKLOAD_CONTROLLERS',
      'clusterTemplates', 'resolveWorkloadBase', 'workloadName', 'LIBRARY_LABELS', 'WorkloadVerdict']) {
      expect({ name, exported: name in api }).toEqual({ name, exported: false });
    }
  });
});
