/**
 * Bad input from JavaScript callers and on the command line: a clear error naming the prop (a
 * `PropsError`, never a TypeError), or for the CLI one line per problem naming the file (and line),
 * exit 2, the other files still reported, and no stack trace.
 *
 * `test.failing` marks known bugs reported to the lead (construct and network code is not ours to
 * edit): each asserts the wanted behaviour, so it starts "passing unexpectedly" — and must be
 * turned into a plain `test` — once the bug is fixed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { checkManifests, PropsError, RayVolume, SecureTenantRayCluster, TenantAdmissionPolicy, TenantNamespace, TenantProfile } from '../src';
import { errorOf, newChart } from './support/manifests';
import { main } from '../src/cli/main';

const bounds = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };
const teamA = new TenantProfile({ name: 'team-a', bounds });
const apiServer = { cidr: '172.18.0.2/32', port: 6443 };

/** Constructs and synthesizes; returns the error (failing when there is none). */
function failure(props: any): Error {
  const { chart } = newChart();
  try {
    new SecureTenantRayCluster(chart, 'ray', { tenant: teamA, name: 'demo', ...props });
    Testing.synth(chart);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected an error for ${JSON.stringify(props)}, but synthesis succeeded`);
}

function expectPropsError(props: any, prop: string): void {
  const e = failure(props);
  expect(e).toBeInstanceOf(PropsError);
  expect(e.message).toContain(`test/ray: ${prop}`);
}

describe('SecureTenantRayCluster props from JavaScript: a PropsError naming the prop', () => {
  const autoscaled = { network: { apiServer } };
  // Props the existing suite (test/secure-tenant-ray-cluster.test.ts) does not cover.
  const cases: [string, any, string][] = [
    // SecureTenantRayClusterProps
    ['name: a number', { name: 42 }, 'name'],
    ['name: 64 characters', { name: 'a'.repeat(64) }, 'name'],
    ['name: trailing dash', { name: 'ray-' }, 'name'],
    ['rayVersion: "latest"', { rayVersion: 'latest' }, 'rayVersion'],
    ['rayVersion: a number', { rayVersion: 2.52 }, 'rayVersion'],
    ['image: empty', { image: '' }, 'image'],
    ['image: surrounding spaces', { image: ' ray ' }, 'image'],
    ['image: an object', { image: {} }, 'image'],
    ['labels: an array', { labels: ['a'] }, 'labels'],
    ['labels: bad key', { labels: { 'bad key!': 'x' } }, 'labels'],
    ['labels: bad value', { labels: { app: 'a b' } }, 'labels.app'],
    ['labels: a number value', { labels: { app: 1 } }, 'labels.app'],
    ['runAsUser: 0 (root)', { runAsUser: 0 }, 'runAsUser'],
    ['runAsUser: a string', { runAsUser: '1000' }, 'runAsUser'],
    ['runAsUser: 1.5', { runAsUser: 1.5 }, 'runAsUser'],
    ['runAsGroup: -1', { runAsGroup: -1 }, 'runAsGroup'],
    ['workerGroups: an object', { workerGroups: { groupName: 'w' } }, 'workerGroups'],
    ['autoscaling: a string', { autoscaling: 'on', ...autoscaled }, 'autoscaling'],
    ['autoscaling: null', { autoscaling: null, ...autoscaled }, 'autoscaling'],
    // AutoscalingOptions
    ['autoscaling.idleTimeout: a number', { autoscaling: { idleTimeout: 60 }, ...autoscaled }, 'autoscaling.idleTimeout'],
    ['autoscaling.version: v3', { autoscaling: { version: 'v3' }, ...autoscaled }, 'autoscaling.version'],
    ['autoscaling.resources: a string', { autoscaling: { resources: '1' }, ...autoscaled }, 'autoscaling.resources'],
    ['autoscaling.resources.cpu.limit: "2 Gi"', { autoscaling: { resources: { cpu: { limit: '2 Gi' } } }, ...autoscaled }, 'autoscaling.resources.cpu.limit'],
    ['autoscaling.resources.memory.request: "-1"', { autoscaling: { resources: { memory: { request: '-1' } } }, ...autoscaled }, 'autoscaling.resources.memory.request'],
    // HeadGroupOptions / RayGroupOptions
    ['head: a string', { head: 'x' }, 'head'],
    ['head.resources: a string', { head: { resources: 'x' } }, 'head.resources'],
    ['head.resources.cpu: a string', { head: { resources: { cpu: '1' } } }, 'head.resources.cpu'],
    ['head.resources.cpu.limit: an object', { head: { resources: { cpu: { limit: {} } } } }, 'head.resources.cpu.limit'],
    ['head.resources.cpu.limit: empty', { head: { resources: { cpu: { limit: '' } } } }, 'head.resources.cpu.limit'],
    ['head.resources.memory.limit: "1e400"', { head: { resources: { memory: { limit: '1e400' } } } }, 'head.resources.memory.limit'],
    ['head.resources.memory.limit: "Gi"', { head: { resources: { memory: { limit: 'Gi' } } } }, 'head.resources.memory.limit'],
    ['head.resources.memory.request: NaN', { head: { resources: { memory: { request: NaN } } } }, 'head.resources.memory.request'],
    ['head.gpus: -1', { head: { gpus: -1 } }, 'head.gpus'],
    ['head.gpus: 1.5', { head: { gpus: 1.5 } }, 'head.gpus'],
    ['head.gpus: "1"', { head: { gpus: '1' } }, 'head.gpus'],
    ['head.rayStartParams: an array', { head: { rayStartParams: ['x'] } }, 'head.rayStartParams'],
    ['head.rayStartParams: a number value', { head: { rayStartParams: { 'num-cpus': 0 } } }, 'head.rayStartParams.num-cpus'],
    ['head.env: a string', { head: { env: 'A=1' } }, 'head.env'],
    ['head.env: bad name', { head: { env: { '1BAD': 'x' } } }, 'head.env'],
    ['head.env: a number value', { head: { env: { A: 1 } } }, 'head.env.A'],
    ['head.volumeMounts: a string', { head: { volumeMounts: '/x' } }, 'head.volumeMounts'],
    ['head.volumeMounts[0]: relative mountPath', { head: { volumes: [RayVolume.emptyDir('v')], volumeMounts: [{ volume: 'v', mountPath: 'rel' }] } }, 'head.volumeMounts[0].mountPath'],
    ['head.volumeMounts[0]: null', { head: { volumeMounts: [null] } }, 'head.volumeMounts[0].volume'],
    ['head.volumes: duplicate names', { head: { volumes: [RayVolume.emptyDir('v'), RayVolume.secret('v', 's')] } }, 'head.volumes[1]'],
    ['head.ports: a string', { head: { ports: '8080' } }, 'head.ports'],
    ['head.ports[0]: port 0', { head: { ports: [{ containerPort: 0 }] } }, 'head.ports[0].containerPort'],
    ['head.ports[0]: a string port', { head: { ports: [{ containerPort: '80' }] } }, 'head.ports[0].containerPort'],
    ['head.ports[0]: null', { head: { ports: [null] } }, 'head.ports[0].containerPort'],
    ['head.ports[0]: bad name', { head: { ports: [{ containerPort: 80, name: 'HTTP_PORT' }] } }, 'head.ports[0].name'],
    ['head.ports[0]: bad protocol', { head: { ports: [{ containerPort: 80, protocol: 'ICMP' }] } }, 'head.ports[0].protocol'],
    ['head.nodeSelector: bad value', { head: { nodeSelector: { a: 'bad value!' } } }, 'head.nodeSelector.a'],
    ['head.nodeSelector: a string', { head: { nodeSelector: 'a=b' } }, 'head.nodeSelector'],
    ['head.podLabels: bad key', { head: { podLabels: { '-x': 'y' } } }, 'head.podLabels'],
    ['head.serviceAccountName: bad', { head: { serviceAccountName: 'Bad SA' } }, 'head.serviceAccountName'],
    ['head.serviceAccountName: a number', { head: { serviceAccountName: 1 } }, 'head.serviceAccountName'],
    ['head.template: a string', { head: { template: 'x' } }, 'head.template'],
    ['head.template: null', { head: { template: null } }, 'head.template'],
    // ContainerOptions
    ['head.sidecars[0]: a string', { head: { sidecars: ['fluent-bit'] } }, 'head.sidecars[0]'],
    ['head.sidecars[0].name: missing', { head: { sidecars: [{}] } }, 'head.sidecars[0].name'],
    ['head.sidecars[0].name: uppercase', { head: { sidecars: [{ name: 'Fluent' }] } }, 'head.sidecars[0].name'],
    ['head.sidecars[0].image: empty', { head: { sidecars: [{ name: 's', image: '' }] } }, 'head.sidecars[0].image'],
    ['head.sidecars[0].command: a string', { head: { sidecars: [{ name: 's', command: 'sh -c true' }] } }, 'head.sidecars[0].command'],
    ['head.sidecars[0].args: numbers', { head: { sidecars: [{ name: 's', args: [1] }] } }, 'head.sidecars[0].args'],
    ['head.sidecars[0].env: a number value', { head: { sidecars: [{ name: 's', env: { A: 1 } }] } }, 'head.sidecars[0].env.A'],
    ['head.sidecars[0].resources.memory.limit: "2 Gi"', { head: { sidecars: [{ name: 's', resources: { memory: { limit: '2 Gi' } } }] } }, 'head.sidecars[0].resources.memory.limit'],
    ['head.sidecars[0].ports: a string', { head: { sidecars: [{ name: 's', ports: 'x' }] } }, 'head.sidecars[0].ports'],
    ['head.initContainers[0].volumeMounts: unknown volume', { head: { initContainers: [{ name: 'i', volumeMounts: [{ volume: 'nope', mountPath: '/x' }] }] } }, 'head.initContainers[0].volumeMounts[0].volume'],
    // WorkerGroupOptions
    ['workerGroups[0].groupName: missing', { workerGroups: [{}] }, 'workerGroups[0].groupName'],
    ['workerGroups[0].groupName: "headgroup"', { workerGroups: [{ groupName: 'headgroup' }] }, 'workerGroups[0].groupName'],
    ['workerGroups[0].groupName: a number', { workerGroups: [{ groupName: 1 }] }, 'workerGroups[0].groupName'],
    ['workerGroups[0].replicas: "1"', { workerGroups: [{ groupName: 'w', replicas: '1' }] }, 'workerGroups[0].replicas'],
    ['workerGroups[0].replicas: NaN', { workerGroups: [{ groupName: 'w', replicas: NaN }] }, 'workerGroups[0].replicas'],
    ['workerGroups[0].maxReplicas: Infinity', { workerGroups: [{ groupName: 'w', maxReplicas: Infinity }] }, 'workerGroups[0].maxReplicas'],
    ['workerGroups[0].minReplicas: -1', { workerGroups: [{ groupName: 'w', minReplicas: -1 }] }, 'workerGroups[0].minReplicas'],
    ['workerGroups[0].replicas above maxReplicas', { workerGroups: [{ groupName: 'w', replicas: 5, maxReplicas: 2 }] }, 'workerGroups[0].'],
    ['workerGroups[0]: maxReplicas 0 alone (default min 1)', { workerGroups: [{ groupName: 'w', maxReplicas: 0 }] }, 'workerGroups[0].minReplicas'],
    ['workerGroups[1]: a number', { workerGroups: [{ groupName: 'w' }, 7] }, 'workerGroups[1]'],
    ['workerGroups[0].template: an array', { workerGroups: [{ groupName: 'w', template: [] }] }, 'workerGroups[0].template'],
  ];
  test.each(cases)('%s', (_, props, prop) => expectPropsError(props, prop));
});

describe('TenantProfile props from JavaScript: a PropsError naming the prop', () => {
  const cases: [string, any, string][] = [
    ['props: a string', 'team-a', 'TenantProfile: expected props'],
    ['name: a number', { name: 1, bounds }, 'TenantProfile.name'],
    ['name: 64 characters', { name: 'a'.repeat(64), bounds }, 'TenantProfile.name'],
    ['name: underscore', { name: 'team_a', bounds }, 'TenantProfile.name'],
    ['namespace: empty', { name: 'a', namespace: '', bounds }, 'TenantProfile(a).namespace'],
    ['nodeLabelKey: bad', { name: 'a', nodeLabelKey: 'a/b/c', bounds }, 'TenantProfile(a).nodeLabelKey'],
    ['nodeLabelValue: empty', { name: 'a', nodeLabelValue: '', bounds }, 'TenantProfile(a).nodeLabelValue'],
    ['taint: a string', { name: 'a', taint: 'tenant=a', bounds }, 'TenantProfile(a).taint'],
    ['taint.key: empty', { name: 'a', taint: { key: '' }, bounds }, 'TenantProfile(a).taint.key'],
    ['taint.value: bad', { name: 'a', taint: { value: 'a b' }, bounds }, 'TenantProfile(a).taint.value'],
    ['taint.effect: unknown', { name: 'a', taint: { effect: 'Evict' }, bounds }, 'TenantProfile(a).taint.effect'],
    ['bounds: missing', { name: 'a' }, 'TenantProfile(a).bounds'],
    ['bounds.minCpu: missing', { name: 'a', bounds: { ...bounds, minCpu: undefined } }, 'TenantProfile(a).bounds.minCpu'],
    ['bounds.maxMemory: "2 Gi"', { name: 'a', bounds: { ...bounds, maxMemory: '2 Gi' } }, 'TenantProfile(a).bounds.maxMemory'],
    ['bounds.maxCpu: "-1"', { name: 'a', bounds: { ...bounds, maxCpu: '-1' } }, 'TenantProfile(a).bounds.maxCpu'],
    ['bounds.maxCpu: "1e400"', { name: 'a', bounds: { ...bounds, maxCpu: '1e400' } }, 'TenantProfile(a).bounds.maxCpu'],
    ['bounds.maxCpu: Infinity', { name: 'a', bounds: { ...bounds, maxCpu: Infinity } }, 'TenantProfile(a).bounds.maxCpu'],
    ['bounds.maxCpu: 0', { name: 'a', bounds: { ...bounds, minCpu: '0', maxCpu: '0' } }, 'TenantProfile(a).bounds'],
    ['bounds: minMemory > maxMemory in other notations', { name: 'a', bounds: { ...bounds, minMemory: '8193Mi', maxMemory: '8Gi' } }, 'TenantProfile(a).bounds'],
    ['defaultCpu: above maxCpu', { name: 'a', bounds, defaultCpu: '4001m' }, 'TenantProfile(a).defaultCpu'],
    ['defaultMemory: below minMemory', { name: 'a', bounds, defaultMemory: '511Mi' }, 'TenantProfile(a).defaultMemory'],
    ['defaultMemory: an object', { name: 'a', bounds, defaultMemory: {} }, 'TenantProfile(a).defaultMemory'],
  ];
  test.each(cases)('%s', (_, props, prop) => {
    let error: unknown;
    try {
      new TenantProfile(props);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropsError);
    expect((error as Error).message).toContain(prop);
  });
});

describe('construct: malformed lists, objects and names are PropsErrors', () => {
  // Were TypeErrors instead of PropsErrors (found by this suite; fixed).
  test.each([
    ['head.sidecars: a string', { head: { sidecars: 'x' } }, 'head.sidecars'],
    ['head.initContainers: an object', { head: { initContainers: {} } }, 'head.initContainers'],
    ['head.volumes: a string', { head: { volumes: 'x' } }, 'head.volumes'],
    ['head.template.spec: a string', { head: { template: { spec: 'x' } } }, 'head.template'],
    ['head.template.spec.securityContext: a string', { head: { template: { spec: { securityContext: 'x' } } } }, 'head.template'],
  ])('%s', (_, props, prop) => expectPropsError(props, prop));

  // Were synthesized although the API server would reject them (found by this suite; fixed).
  test.each([
    ['duplicate container names (sidecar and init container)', { head: { sidecars: [{ name: 'x' }], initContainers: [{ name: 'x' }] } },
      'head: two containers are named "x"; container and init container names must be unique in a pod'],
    ['a sidecar named like the Ray container', { head: { sidecars: [{ name: 'ray-head' }] } }, 'head: two containers are named "ray-head"'],
    ['network.apiServer.cidr not a CIDR', { autoscaling: {}, network: { apiServer: { cidr: 'nope' } } }, 'network.apiServer.cidr: "nope" is not a CIDR'],
    ['network.apiServer.port 70000', { autoscaling: {}, network: { apiServer: { cidr: '10.0.0.1/32', port: 70000 } } },
      'network.apiServer.port: expected a port number 1-65535, got number 70000'],
    ['network.dns.port -1', { network: { dns: { port: -1 } } }, 'network.dns.port: expected a port number 1-65535, got number -1'],
    ['network.dns.namespace invalid', { network: { dns: { namespace: 'Bad NS' } } }, 'network.dns.namespace: "Bad NS" is not a namespace name'],
    ['network: a string', { network: 'x' }, 'network: expected { dns?, apiServer?, mode?, pinnedPorts? }, got the string "x"'],
  ])('%s', (_, props, message) => {
    const e = failure(props);
    expect(e).toBeInstanceOf(PropsError);
    expect(e.message).toContain(`test/ray: ${message}`);
  });
});

describe('network props through every construct that renders them: a PropsError naming the construct and the prop', () => {
  // resolveDns / resolveApiServer are shared; each construct must reach them with its own prop path.
  const dnsCases: [string, any, string][] = [
    ['dns.port 0', { port: 0 }, 'dns.port: expected a port number 1-65535, got number 0'],
    ['dns.port 70000', { port: 70000 }, 'dns.port: expected a port number 1-65535'],
    ['dns.namespace not a name', { namespace: 'Kube System' }, 'dns.namespace: "Kube System" is not a namespace name'],
    ['dns.podLabels with template text', { podLabels: { app: '{{ request.object.metadata.name }}' } }, 'dns.podLabels.app: "{{ request.object.metadata.name }}" is not a valid label value'],
    ['dns.podLabels with a template key', { podLabels: { '{{x}}': 'a' } }, 'dns.podLabels: "{{x}}" is not a valid label key'],
    ['dns.podLabels empty (every pod of the namespace)', { podLabels: {} }, 'dns.podLabels: expected a non-empty map of labels'],
  ];
  const apiCases: [string, any, string][] = [
    ['apiServer.port 99999', { cidr: '10.0.0.1/32', port: 99999 }, 'apiServer.port: expected a port number 1-65535, got number 99999'],
    ['apiServer.port 0', { cidr: '10.0.0.1/32', port: 0 }, 'apiServer.port: expected a port number 1-65535'],
    ['apiServer.cidr not a CIDR', { cidr: 'not-a-cidr' }, 'apiServer.cidr: "not-a-cidr" is not a CIDR'],
    ['apiServer.cidr with template text', { cidr: '{{ request.object.spec.cidr }}' }, 'apiServer.cidr: "{{ request.object.spec.cidr }}" is not a CIDR'],
  ];
  const expectError = (make: () => unknown, message: string) => {
    expect(make).toThrow(PropsError);
    expect(errorOf(make)).toContain(message);
  };
  test.each(dnsCases)('TenantNamespace %s', (_, dns, message) => {
    expectError(() => new TenantNamespace(newChart().chart, 'ns', { tenant: teamA, dns }), `TenantNamespace(team-a).${message}`);
  });
  test.each(dnsCases)('TenantAdmissionPolicy %s', (_, dns, message) => {
    expectError(() => new TenantAdmissionPolicy(newChart().chart, 'admission', { tenants: [teamA], dns }), `TenantAdmissionPolicy.${message}`);
  });
  test.each(dnsCases)('SecureTenantRayCluster network.%s', (_, dns, message) => {
    expectError(() => new SecureTenantRayCluster(newChart().chart, 'ray', { tenant: teamA, network: { dns } }), `test/ray: network.${message}`);
  });
  test.each(apiCases)('TenantAdmissionPolicy %s', (_, api, message) => {
    expectError(() => new TenantAdmissionPolicy(newChart().chart, 'admission', { tenants: [teamA], apiServer: api }), `TenantAdmissionPolicy.${message}`);
  });
  test.each(apiCases)('SecureTenantRayCluster network.%s', (_, api, message) => {
    expectError(() => new SecureTenantRayCluster(newChart().chart, 'ray', { tenant: teamA, autoscaling: {}, network: { apiServer: api } }), `test/ray: network.${message}`);
  });
});

describe('RayVolume: refused at construction', () => {
  test.each([
    ['an invalid name', () => RayVolume.emptyDir('Bad Name'), 'RayVolume.emptyDir(name): "Bad Name" is not a DNS-1123 label'],
    ['sizeLimit "2 Gi"', () => RayVolume.emptyDir('v', { sizeLimit: '2 Gi' }), 'RayVolume.emptyDir(v).sizeLimit: "2 Gi" is not a Kubernetes quantity'],
    ['an unknown medium', () => RayVolume.emptyDir('v', { medium: 'Disk' as any }), 'RayVolume.emptyDir(v).medium: "Disk" is not one of'],
    ['an empty ConfigMap name', () => RayVolume.configMap('v', ''), 'RayVolume.configMap(v).name'],
  ])('%s', (_, make, message) => {
    expect(make).toThrow(PropsError);
    expect(make).toThrow(message);
  });
});

describe('policy engine: sparse arrays (JavaScript callers, escape-hatch patches) never crash it', () => {
  // Found by test/property/engine.robustness.test.ts: holes became `undefined` entries and the
  // rules threw TypeErrors (tenant-isolation on workerGroupSpecs, pod-security on ports/volumes).
  const holes = (n: number): unknown[] => {
    const a: unknown[] = [];
    a.length = n;
    return a;
  };
  test('holes in workerGroupSpecs, ports and volumes are judged, not thrown on', () => {
    const spec = { containers: [{ name: 'c', ports: holes(2) }], volumes: holes(2) };
    const rc = {
      apiVersion: 'ray.io/v1',
      kind: 'RayCluster',
      metadata: { name: 'x', labels: { tenant: 'a' }, annotations: { minCpu: '1', maxCpu: '2', minMemory: '1Gi', maxMemory: '2Gi' } },
      spec: { headGroupSpec: { template: { spec } }, workerGroupSpecs: holes(1) },
    };
    const report = checkManifests([rc, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec }]);
    const isolation = report.documents[0].rules['enforce-tenant-isolation'].violations;
    expect(isolation).toContainEqual(expect.objectContaining({ path: 'spec.workerGroupSpecs[0]', message: 'the group is missing or not an object' }));
    expect(report.documents[1].rules['pod-security'].status).toBe('fail');
  });

  test('a template with a sparse ports list or a null entry: a PropsError naming the entry (it rendered as `ports: [null]`)', () => {
    const ports: any[] = holes(1);
    const sparse = () => new SecureTenantRayCluster(newChart().chart, 'ray', { tenant: teamA, name: 'demo', head: { template: { spec: { containers: [{ name: 'ray-head', ports }] } } } });
    expect(sparse).toThrow(PropsError);
    expect(errorOf(sparse)).toBe('test/ray: head.template.spec.containers[0].ports[0]: an empty entry (a hole in a sparse array) in a list; remove it');
    const nulled = () => new SecureTenantRayCluster(newChart().chart, 'ray', { tenant: teamA, head: { template: { spec: { containers: [], tolerations: [null] as any } } } });
    expect(errorOf(nulled)).toBe('test/ray: head.template.spec.tolerations[0]: an empty entry (null) in a list; remove it');
  });
});

// ---------------------------------------------------------------------------------------------
// CLI

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
  return { code, stdout, stderr };
}

const COMPLIANT = path.join(__dirname, 'fixtures/cli/compliant.yaml');

/** Whether chmod 000 stops this process reading a file (not as root). */
const CHMOD_BLOCKS_READS = (() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-chmod-'));
  const probe = path.join(dir, 'probe');
  fs.writeFileSync(probe, 'x');
  fs.chmodSync(probe, 0o000);
  try {
    fs.readFileSync(probe);
    return false;
  } catch {
    return true;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})();

/** Every stderr line is one `secure-ray: ...` line; no stack trace. */
function expectOneLineErrors(r: Run, n: number): string[] {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(n);
  for (const l of lines) expect(l).toMatch(/^secure-ray: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain('internal error');
  return lines;
}

describe('secure-ray check: bad input', () => {
  // A fresh directory per test: no test reads what another wrote, so they pass in any order or alone.
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-bad-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, content);
    return p;
  };

  async function checkWithGood(bad: string): Promise<Run & { out: any }> {
    const r = await cli(['check', '--output', 'json', bad, COMPLIANT]);
    const out = JSON.parse(r.stdout);
    // The other file is still checked and reported.
    expect(out.documents.map((d: any) => d.source)).toEqual([COMPLIANT]);
    return { ...r, out };
  }

  test('invalid YAML: file and line, exit 2', async () => {
    const bad = file('invalid.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n  namespace: x\n');
    const r = await checkWithGood(bad);
    expect(r.code).toBe(2);
    const [line] = expectOneLineErrors(r, 1);
    expect(line).toMatch(new RegExp(`^secure-ray: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: invalid YAML: `));
  });

  test('empty file: no documents, no error', async () => {
    const empty = file('empty.yaml', '');
    const r = await checkWithGood(empty);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  test('non-object documents: each named with file and line', async () => {
    const bad = file('scalars.yaml', '42\n---\n- a\n---\n"text"\n---\ntrue\n');
    const r = await checkWithGood(bad);
    expect(r.code).toBe(2);
    const lines = expectOneLineErrors(r, 4);
    expect(lines[0]).toBe(`secure-ray: ${bad}:1: document 0 is a number, not a Kubernetes object`);
    expect(lines[1]).toBe(`secure-ray: ${bad}:3: document 1 is a list, not a Kubernetes object`);
    expect(lines[2]).toBe(`secure-ray: ${bad}:5: document 2 is a string, not a Kubernetes object`);
    expect(lines[3]).toBe(`secure-ray: ${bad}:7: document 3 is a boolean, not a Kubernetes object`);
  });

  test('binary file', async () => {
    const bin = file('image.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a, 0x0a]));
    const r = await checkWithGood(bin);
    expect(r.code).toBe(2);
    expect(expectOneLineErrors(r, 1)).toEqual([`secure-ray: ${bin}: binary file`]);
  });

  test('invalid UTF-8 without NUL bytes: exit 2, one line naming the file, line, byte and fix', async () => {
    const latin1 = file('latin1.yaml', Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n', 'latin1'));
    const r = await cli(['check', '--output', 'json', latin1]);
    expect(r.code).toBe(2);
    expect(expectOneLineErrors(r, 1)).toEqual([`secure-ray: ${latin1}:3: not valid UTF-8 (byte 0xe9 at offset 51): save the file as UTF-8`]);
    expect(JSON.parse(r.stdout).documents).toEqual([]);
  });

  // Was ~1.7 GB of extra RSS (found by this suite); the CLI now judges each document as it is
  // parsed and keeps only verdicts. (How long it takes is the benchmark's business.)
  test('a 50 MB file: checked, with RSS growing by less than 1 GiB', async () => {
    // ~50 MB of valid manifests: many ConfigMaps with a large data block each.
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  blob: "${'x'.repeat(50_000)}"\n---\n`;
    const big = path.join(tmp, 'big.yaml');
    const fd = fs.openSync(big, 'w');
    let size = 0;
    while (size < 50 * 1024 * 1024) { fs.writeSync(fd, doc); size += doc.length; }
    fs.closeSync(fd);
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    const r = await cli(['check', big, COMPLIANT]);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/\d+ documents, 0 failed\n$/);
    // Was ~1.7 GB of extra RSS (found by this suite); the CLI now judges each document as it is
    // parsed and keeps only verdicts. The growth is measured, not the worker's absolute RSS (which
    // depends on the tests that ran before in the same worker).
    expect(peak - before).toBeLessThan(2 ** 30);
  }, 120_000);

  test('a 50 MB invalid YAML file: one line naming file and line', async () => {
    const big = path.join(tmp, 'big-bad.yaml');
    const fd = fs.openSync(big, 'w');
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  blob: "${'y'.repeat(100_000)}"\n---\n`;
    let size = 0;
    while (size < 50 * 1024 * 1024) { fs.writeSync(fd, doc); size += doc.length; }
    fs.writeSync(fd, 'a: [unclosed\n');
    fs.closeSync(fd);
    const r = await cli(['check', '--output', 'json', big, COMPLIANT]);
    expect(r.code).toBe(2);
    expect(expectOneLineErrors(r, 1)[0]).toMatch(/^secure-ray: .*big-bad\.yaml:\d+: invalid YAML: /);
    expect(JSON.parse(r.stdout).documents.map((d: any) => d.source)).toEqual([COMPLIANT]);
  }, 120_000);

  // Was silently exit 0 (found by this suite; fixed).
  test('a directory without manifests', async () => {
    const dir = path.join(tmp, 'nothing');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'README.md'), '# no manifests\n');
    const r = await cli(['check', '--output', 'json', dir, COMPLIANT]);
    const out = JSON.parse(r.stdout);
    expect(out.documents.map((d: any) => d.source)).toEqual([COMPLIANT]);
    // Reported as an input error: a path that stands for no manifest is most likely a mistake.
    expect(r.code).toBe(2);
    expect(expectOneLineErrors(r, 1)[0]).toContain(dir);
  });

  test.each([
    [['check', '--bogus', COMPLIANT], 'unknown option "--bogus"'],
    [['check', '-x', COMPLIANT], 'unknown option "-x"'],
    [['check', '--output=yaml', COMPLIANT], 'invalid --output "yaml"'],
    [['check', '--output'], 'option --output needs a value'],
    [['check', '--tenants=', COMPLIANT], 'option --tenants needs a value'],
    [['lint', COMPLIANT], 'unknown command "lint"'],
    [['check'], 'check: missing PATH'],
    [[], 'missing command'],
  ])('usage error %j: one line, exit 2, nothing on stdout', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(expectOneLineErrors(r, 1)[0]).toContain(message);
  });

  test('a missing file', async () => {
    const missing = path.join(tmp, 'missing.yaml');
    const r = await cli(['check', '--output', 'json', missing, COMPLIANT]);
    expect(r.code).toBe(2);
    expect(expectOneLineErrors(r, 1)).toEqual([`secure-ray: ${missing}: no such file or directory`]);
    expect(JSON.parse(r.stdout).documents.map((d: any) => d.source)).toEqual([COMPLIANT]);
  });

  // chmod 000 does not stop root: the case is then skipped, visibly, rather than passing without a check.
  (CHMOD_BLOCKS_READS ? test : test.skip)('an unreadable file (EACCES; skipped when running as root)', async () => {
    const unreadable = file('locked.yaml', 'a: 1\n');
    fs.chmodSync(unreadable, 0o000);
    try {
      const u = await cli(['check', '--output', 'json', unreadable, COMPLIANT]);
      expect(u.code).toBe(2);
      expect(expectOneLineErrors(u, 1)).toEqual([`secure-ray: ${unreadable}: permission denied`]);
      expect(JSON.parse(u.stdout).documents.map((d: any) => d.source)).toEqual([COMPLIANT]);
    } finally {
      fs.chmodSync(unreadable, 0o644);
    }
  });

  test('a --tenants file that is binary, a directory, or not a list', async () => {
    const bin = file('tenants.bin', Buffer.from([0, 1, 2]));
    const notList = file('tenants.yaml', 'name: team-a\n');
    for (const t of [bin, tmp, notList]) {
      const r = await cli(['check', '--tenants', t, COMPLIANT]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(expectOneLineErrors(r, 1)[0]).toContain(`${t}`);
    }
  });
});
