/**
 * fast-check generators for the construct property test: tenants, cluster props, templates and
 * escape-hatch patches. Every generated case carries what the generator knows about it:
 *
 * - `insecure`: explicit insecure or out-of-bounds values the generator injected on purpose, each
 *   with a `hint` the synth error must contain. Any of them present: synthesis MUST fail.
 * - `uncertain`: choices whose outcome the generator does not predict (it then accepts either,
 *   as long as a failure names a field path or prop).
 * Neither: synthesis MUST succeed.
 */
import { Duration, JsonPatch } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AutoscalerVersion, AutoscalingOptions, ContainerOptions, ContainerResources, EmptyDirMedium, NetworkOptions, RayAuthentication, RayVolume,
  SecureTenantRayClusterProps, TaintEffect, TenantProfileProps, UpscalingMode, VolumeMount, WorkerGroupOptions,
} from '../../src';
import { reservedNamespaceReason } from '../../src/kubernetes/names';

/** An injected insecure value: the error must contain `hint`. */
export interface Injection { readonly what: string; readonly hint: string }

/** A JSON patch through the escape hatch, with what the generator knows about it. */
export interface Patch { readonly patch: JsonPatch; readonly describe: string; readonly insecure?: Injection; readonly uncertain?: boolean }

/** One generated case. */
export interface Case {
  readonly tenantProps: TenantProfileProps;
  readonly props: Omit<SecureTenantRayClusterProps, 'tenant'>;
  readonly patches: Patch[];
  readonly insecure: Injection[];
  readonly uncertain: string[];
}

// ---------------------------------------------------------------------------------------------
// Quantities: exact values rendered in a random notation.

/** `n / 10^scale` as an exact decimal string (scale may be negative). */
function decimal(n: bigint, scale: number, keepZeros: number): string {
  if (scale <= 0) return (n * 10n ** BigInt(-scale)).toString();
  const s = n.toString().padStart(scale + 1, '0');
  let frac = s.slice(s.length - scale);
  const int = s.slice(0, s.length - scale);
  frac = frac.replace(/0+$/, '');
  frac += '0'.repeat(keepZeros);
  return frac === '' ? int : `${int}.${frac}`;
}

export const NOTATIONS = ['plain', 'm', 'k', 'M', 'G', 'Ki', 'Mi', 'Gi', 'e', 'E', 'u', 'n'] as const;
export type Notation = typeof NOTATIONS[number];

/** Writes `n / 10^scale` (n >= 0) in the given notation, exactly. */
export function writeQuantity(n: bigint, scale: number, notation: Notation, exponent: number, keepZeros: number): string {
  switch (notation) {
    case 'plain': return decimal(n, scale, keepZeros);
    case 'm': return `${decimal(n, scale - 3, keepZeros)}m`;
    case 'u': return `${decimal(n, scale - 6, keepZeros)}u`;
    case 'n': return `${decimal(n, scale - 9, keepZeros)}n`;
    case 'k': return `${decimal(n, scale + 3, keepZeros)}k`;
    case 'M': return `${decimal(n, scale + 6, keepZeros)}M`;
    case 'G': return `${decimal(n, scale + 9, keepZeros)}G`;
    case 'e': return `${decimal(n, scale + exponent, keepZeros)}e${exponent}`;
    case 'E': return `${decimal(n, scale + exponent, keepZeros)}E${exponent >= 0 ? '+' : ''}${exponent}`;
    default: {
      // value / 1024^p = n * 5^(10p) / 10^(scale + 10p): always a finite decimal.
      const p = { Ki: 1, Mi: 2, Gi: 3 }[notation];
      return `${decimal(n * 5n ** BigInt(10 * p), scale + 10 * p, keepZeros)}${notation}`;
    }
  }
}

const notation = fc.record({ notation: fc.constantFrom(...NOTATIONS), exponent: fc.integer({ min: -9, max: 9 }), keepZeros: fc.nat({ max: 2 }) });

/** CPU in millicores, written in any notation. */
export function cpuText(milli: bigint): fc.Arbitrary<string> {
  return notation.map((n) => writeQuantity(milli, 3, n.notation, n.exponent, n.keepZeros));
}
/** Memory in bytes, written in any notation. */
export function memText(bytes: bigint): fc.Arbitrary<string> {
  return notation.map((n) => writeQuantity(bytes, 0, n.notation, n.exponent, n.keepZeros));
}

// ---------------------------------------------------------------------------------------------
// Tenants.

const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,12}[a-z0-9])?$/);
/** A namespace a tenant may take: not reserved (kube-*, default, kyverno), and not the DNS namespaces the generators use. */
const freeNamespace = dnsLabel.filter((n) => reservedNamespaceReason(n) === undefined && n !== 'dns');
const GI = 1024n ** 3n;

export interface Bounds { minCpu: bigint; maxCpu: bigint; minMem: bigint; maxMem: bigint }

/** A tenant with exact bounds (millicores, bytes) and its props in random notations. */
export const tenantArb = (hostile: boolean) => fc.record({
  name: freeNamespace,
  namespace: fc.option(freeNamespace, { nil: undefined }),
  nodeLabelKey: fc.option(fc.constantFrom('tenant', 'example.com/tenant', 'pool'), { nil: undefined }),
  nodeLabelValue: fc.option(fc.constantFrom('team-x', 'pool.a_b', 'Z9'), { nil: undefined }),
  taint: fc.option(fc.record({
    key: fc.option(fc.constantFrom('tenant', 'example.com/tenant'), { nil: undefined }),
    value: fc.option(fc.constantFrom('team-x', 'reserved', ''), { nil: undefined }),
    effect: fc.option(fc.constantFrom(TaintEffect.NO_SCHEDULE, TaintEffect.PREFER_NO_SCHEDULE, TaintEffect.NO_EXECUTE), { nil: undefined }),
  }), { nil: undefined }),
  // Mostly roomy enough for KubeRay's wait-gcs-ready (200m/256Mi); sometimes not.
  maxCpu: fc.oneof({ weight: 9, arbitrary: fc.bigInt({ min: 200n, max: 64000n }) },
    { weight: hostile ? 1 : 0, arbitrary: fc.bigInt({ min: 1n, max: 64000n }) }),
  maxMem: fc.oneof({ weight: 9, arbitrary: fc.bigInt({ min: 256n * 1024n ** 2n, max: 256n * GI }) },
    { weight: hostile ? 1 : 0, arbitrary: fc.bigInt({ min: 1n, max: 256n * GI }) }),
  minCpuFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  minMemFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  defaultCpuFraction: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  defaultMemFraction: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
}).chain((t) => {
  const between = (lo: bigint, hi: bigint, f: number) => lo + BigInt(Math.floor(Number(hi - lo) * f));
  const minCpu = between(0n, t.maxCpu, t.minCpuFraction * t.minCpuFraction);
  const minMem = between(0n, t.maxMem, t.minMemFraction * t.minMemFraction);
  const defCpu = t.defaultCpuFraction === undefined ? undefined : between(minCpu, t.maxCpu, t.defaultCpuFraction);
  const defMem = t.defaultMemFraction === undefined ? undefined : between(minMem, t.maxMem, t.defaultMemFraction);
  return fc.record({
    minCpu: cpuText(minCpu),
    maxCpu: cpuText(t.maxCpu),
    minMemory: memText(minMem),
    maxMemory: memText(t.maxMem),
    defaultCpu: defCpu === undefined ? fc.constant(undefined) : cpuText(defCpu),
    defaultMemory: defMem === undefined ? fc.constant(undefined) : memText(defMem),
  }).map((q) => ({
    bounds: { minCpu, maxCpu: t.maxCpu, minMem, maxMem: t.maxMem } as Bounds,
    props: {
      name: t.name,
      ...(t.namespace !== undefined ? { namespace: t.namespace } : {}),
      ...(t.nodeLabelKey !== undefined ? { nodeLabelKey: t.nodeLabelKey } : {}),
      ...(t.nodeLabelValue !== undefined ? { nodeLabelValue: t.nodeLabelValue } : {}),
      ...(t.taint !== undefined ? { taint: t.taint } : {}),
      // GPUs are closed by default; the generated groups ask for at most 4.
      bounds: { minCpu: q.minCpu, maxCpu: q.maxCpu, minMemory: q.minMemory, maxMemory: q.maxMemory, extendedResources: { 'nvidia.com/gpu': '4' } },
      ...(q.defaultCpu !== undefined ? { defaultCpu: q.defaultCpu } : {}),
      ...(q.defaultMemory !== undefined ? { defaultMemory: q.defaultMemory } : {}),
    } as TenantProfileProps,
  }));
});

// ---------------------------------------------------------------------------------------------
// Resources in and out of bounds.

interface Gen<T> { value: T; insecure: Injection[]; uncertain: string[] }

function resourceArb(b: Bounds, where: string, hostile: boolean): fc.Arbitrary<Gen<ContainerResources | undefined>> {
  const one = (kind: 'cpu' | 'memory') => {
    const [min, max] = kind === 'cpu' ? [b.minCpu, b.maxCpu] : [b.minMem, b.maxMem];
    const text = kind === 'cpu' ? cpuText : memText;
    const inside = fc.tuple(fc.bigInt({ min, max }), fc.bigInt({ min, max })).map(([x, y]) => (x <= y ? [x, y] : [y, x]));
    const secure = fc.constantFrom('none', 'none', 'both', 'both', 'request', 'limit');
    const mode = hostile ? fc.oneof({ weight: 6, arbitrary: secure }, { weight: 1, arbitrary: fc.constantFrom('over', 'under', 'inverted') }) : secure;
    return mode.chain((m): fc.Arbitrary<Gen<{ request?: string; limit?: string } | undefined>> => {
      switch (m) {
        case 'none': return fc.constant({ value: undefined, insecure: [], uncertain: [] });
        case 'both': return inside.chain(([r, l]) => fc.record({ request: text(r), limit: text(l) })).map((v) => ({ value: v, insecure: [], uncertain: [] }));
        case 'request': return inside.chain(([r]) => text(r)).map((r) => ({ value: { request: r }, insecure: [], uncertain: [] }));
        case 'limit': return inside.chain(([, l]) => text(l)).map((l) => ({ value: { limit: l }, insecure: [], uncertain: [] }));
        case 'over': return fc.bigInt({ min: max + 1n, max: max * 4n + 10n }).chain((l) => text(l))
          .map((l) => ({ value: { limit: l }, insecure: [{ what: `${where}.${kind}.limit ${l} > max`, hint: `limits.${kind} = "${l}"` }], uncertain: [] }));
        case 'under': return min === 0n
          ? fc.constant({ value: undefined, insecure: [], uncertain: [] })
          : fc.bigInt({ min: 0n, max: min - 1n }).chain((r) => text(r))
            .map((r) => ({ value: { request: r, limit: undefined }, insecure: [{ what: `${where}.${kind}.request ${r} < min`, hint: `requests.${kind} = "${r}"` }], uncertain: [] }));
        default: return min === max
          ? fc.constant({ value: undefined, insecure: [], uncertain: [] })
          : fc.bigInt({ min: min + 1n, max }).chain((r) => fc.tuple(text(r), text(r - 1n)))
            .map(([r, l]) => ({ value: { request: r, limit: l }, insecure: [{ what: `${where}.${kind} request ${r} > limit ${l}`, hint: 'is greater than its limit' }], uncertain: [] }));
      }
    });
  };
  return fc.tuple(one('cpu'), one('memory'), fc.boolean()).map(([cpu, memory, omitEmpty]) => {
    const value = cpu.value === undefined && memory.value === undefined && omitEmpty ? undefined
      : { ...(cpu.value ? { cpu: stripUndefined(cpu.value) } : {}), ...(memory.value ? { memory: stripUndefined(memory.value) } : {}) };
    return { value, insecure: [...cpu.insecure, ...memory.insecure], uncertain: [] };
  });
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------------
// Templates with security-relevant fields, secure and insecure.

interface TemplateChoice {
  readonly apply: (t: any, ctx: { taintKey: string; nodeKey: string; tenant: string; container: string }) => void;
  readonly insecure?: string;
  readonly hint?: string;
}

const SECURE_POD: TemplateChoice[] = [
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, runAsUser: 2000, runAsGroup: 3000, fsGroup: 3000 }; } },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, runAsNonRoot: true }; } },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/ray.json' } }; } },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, appArmorProfile: { type: 'RuntimeDefault' } }; } },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' } }; } },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }] }; } },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, runAsGroup: 0, supplementalGroups: [0, 1000] }; } },
  { apply: (t) => { t.spec.priorityClassName = 'batch'; t.spec.terminationGracePeriodSeconds = 30; } },
  { apply: (t) => { t.spec.volumes = [{ name: 'scratch', emptyDir: {} }, { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]; } },
  { apply: (t) => { t.spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'ray', effect: 'NoSchedule' }]; } },
  { apply: (t) => { t.metadata = { ...t.metadata, labels: { app: 'ray' }, annotations: { 'example.com/owner': 'ml' } }; } },
  { apply: (t, c) => { t.spec.nodeSelector = { 'topology.kubernetes.io/zone': 'a' }; void c; } },
];

const INSECURE_POD: TemplateChoice[] = [
  { apply: (t) => { t.spec.hostNetwork = true; }, insecure: 'hostNetwork: true', hint: 'hostNetwork' },
  { apply: (t) => { t.spec.hostPid = true; }, insecure: 'hostPid: true (hostPID)', hint: 'hostPID' },
  { apply: (t) => { t.spec.hostIpc = true; }, insecure: 'hostIpc: true (hostIPC)', hint: 'hostIPC' },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, runAsUser: 0 }; }, insecure: 'pod runAsUser: 0', hint: 'securityContext.runAsUser' },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, runAsNonRoot: false }; }, insecure: 'pod runAsNonRoot: false', hint: 'runAsNonRoot' },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, seccompProfile: { type: 'Unconfined' } }; }, insecure: 'pod seccomp Unconfined', hint: 'seccompProfile' },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, appArmorProfile: { type: 'Unconfined' } }; }, insecure: 'pod appArmor Unconfined', hint: 'appArmorProfile' },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, seLinuxOptions: { type: 'spc_t' } }; }, insecure: 'pod seLinux spc_t', hint: 'seLinuxOptions' },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, sysctls: [{ name: 'kernel.msgmax', value: '1' }] }; }, insecure: 'unsafe sysctl', hint: 'sysctls' },
  { apply: (t) => { t.spec.securityContext = { ...t.spec.securityContext, windowsOptions: { hostProcess: true } }; }, insecure: 'hostProcess', hint: 'hostProcess' },
  { apply: (t) => { t.spec.volumes = [{ name: 'host', hostPath: { path: '/var/run/docker.sock' } }]; }, insecure: 'hostPath volume', hint: 'hostPath' },
  { apply: (t, c) => { t.spec.nodeSelector = { [c.nodeKey]: 'someone-else' }; }, insecure: 'nodeSelector of another tenant', hint: 'nodeSelector' },
  { apply: (t) => { t.spec.tolerations = [{ operator: 'Exists' }]; }, insecure: 'toleration of every taint', hint: 'tolerations[0]' },
  { apply: (t, c) => { t.spec.tolerations = [{ key: c.taintKey, operator: 'Exists' }]; }, insecure: 'toleration of every tenant', hint: 'tolerations[0]' },
  { apply: (t, c) => { t.spec.tolerations = [{ key: c.taintKey, operator: 'Equal', value: 'someone-else', effect: 'NoSchedule' }]; }, insecure: 'toleration of another tenant', hint: 'tolerations[0]' },
  { apply: (t) => { t.metadata = { ...t.metadata, labels: { tenant: 'someone-else' } }; }, insecure: 'template tenant label of another tenant', hint: 'metadata.labels.tenant' },
  { apply: (t, c) => { t.metadata = { ...t.metadata, annotations: { [`container.apparmor.security.beta.kubernetes.io/${c.container}`]: 'unconfined' } }; }, insecure: 'AppArmor annotation unconfined', hint: 'apparmor' },
];

const SECURE_CONTAINER: TemplateChoice[] = [
  { apply: (c) => { c.securityContext = { ...c.securityContext, runAsUser: 1234, runAsNonRoot: true }; } },
  { apply: (c) => { c.securityContext = { ...c.securityContext, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }; } },
  { apply: (c) => { c.securityContext = { ...c.securityContext, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true }; } },
  { apply: (c) => { c.securityContext = { ...c.securityContext, privileged: false }; } },
  { apply: (c) => { c.securityContext = { ...c.securityContext, seccompProfile: { type: 'RuntimeDefault' }, procMount: 'Default' }; } },
  { apply: (c) => { c.securityContext = { ...c.securityContext, appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-ray' } }; } },
  { apply: (c) => { c.image = 'example.com/ray:custom'; c.imagePullPolicy = 'IfNotPresent'; } },
  { apply: (c) => { c.ports = [{ name: 'metrics', containerPort: 8080 }]; } },
  { apply: (c) => { c.lifecycle = { preStop: { exec: { command: ['ray', 'stop'] } } }; } },
];

const INSECURE_CONTAINER: TemplateChoice[] = [
  { apply: (c) => { c.securityContext = { ...c.securityContext, privileged: true }; }, insecure: 'privileged: true', hint: 'privileged' },
  { apply: (c) => { c.securityContext = { ...c.securityContext, allowPrivilegeEscalation: true }; }, insecure: 'allowPrivilegeEscalation: true', hint: 'allowPrivilegeEscalation' },
  { apply: (c) => { c.securityContext = { ...c.securityContext, capabilities: { add: ['SYS_ADMIN'] } }; }, insecure: 'capabilities.add SYS_ADMIN', hint: 'capabilities' },
  { apply: (c) => { c.securityContext = { ...c.securityContext, capabilities: { drop: ['NET_RAW'] } }; }, insecure: 'capabilities.drop without ALL', hint: 'capabilities' },
  { apply: (c) => { c.securityContext = { ...c.securityContext, capabilities: { drop: ['ALL'], add: ['NET_RAW'] } }; }, insecure: 'capabilities.add NET_RAW', hint: 'capabilities' },
  { apply: (c) => { c.securityContext = { ...c.securityContext, runAsUser: 0 }; }, insecure: 'container runAsUser: 0', hint: 'runAsUser' },
  { apply: (c) => { c.securityContext = { ...c.securityContext, runAsNonRoot: false }; }, insecure: 'container runAsNonRoot: false', hint: 'runAsNonRoot' },
  { apply: (c) => { c.securityContext = { ...c.securityContext, seccompProfile: { type: 'Unconfined' } }; }, insecure: 'container seccomp Unconfined', hint: 'seccompProfile' },
  { apply: (c) => { c.securityContext = { ...c.securityContext, appArmorProfile: { type: 'Unconfined' } }; }, insecure: 'container appArmor Unconfined', hint: 'appArmorProfile' },
  { apply: (c) => { c.securityContext = { ...c.securityContext, procMount: 'Unmasked' }; }, insecure: 'procMount Unmasked', hint: 'procMount' },
  { apply: (c) => { c.securityContext = { ...c.securityContext, seLinuxOptions: { user: 'root' } }; }, insecure: 'seLinux user', hint: 'seLinuxOptions' },
  { apply: (c) => { c.ports = [{ containerPort: 8080, hostPort: 8080 }]; }, insecure: 'hostPort', hint: 'hostPort' },
];

interface TemplateGen { template: any | undefined; insecure: Injection[]; containerName: string }

function templateArb(nodeType: 'head' | 'worker', where: string, hostile: boolean): fc.Arbitrary<(ctx: { taintKey: string; nodeKey: string; tenant: string }) => TemplateGen> {
  const pick = (list: TemplateChoice[], max: number) => fc.subarray(list, { maxLength: max });
  const none = fc.constant([] as TemplateChoice[]);
  return fc.record({
    present: fc.boolean(),
    withContainer: fc.boolean(),
    name: fc.constantFrom(nodeType === 'head' ? 'ray-head' : 'ray-worker', 'ray', 'main'),
    pod: pick(SECURE_POD, 3),
    container: pick(SECURE_CONTAINER, 3),
    insecurePod: fc.oneof({ weight: 5, arbitrary: none }, { weight: hostile ? 1 : 0, arbitrary: pick(INSECURE_POD, 2) }),
    insecureContainer: fc.oneof({ weight: 5, arbitrary: none }, { weight: hostile ? 1 : 0, arbitrary: pick(INSECURE_CONTAINER, 2) }),
  }).map((r) => (ctx) => {
    if (!r.present) return { template: undefined, insecure: [], containerName: nodeType === 'head' ? 'ray-head' : 'ray-worker' };
    const container: any = { name: r.name };
    const t: any = { spec: { containers: [container] } };
    const full = { ...ctx, container: r.name };
    const insecure: Injection[] = [];
    // Insecure choices first, then secure ones that do not overwrite them (the same field wins once).
    for (const c of r.insecurePod) { c.apply(t, full); insecure.push({ what: `${where}.template: ${c.insecure}`, hint: c.hint! }); }
    for (const c of r.insecureContainer) { c.apply(container, full); insecure.push({ what: `${where}.template container: ${c.insecure}`, hint: c.hint! }); }
    // Secure choices only when nothing insecure was injected (they could overwrite it).
    if (insecure.length === 0) {
      for (const c of r.pod) c.apply(t, full);
      for (const c of r.container) c.apply(container, full);
    }
    if (!r.withContainer && insecure.length === 0 && r.container.length === 0) t.spec.containers = [];
    return { template: t, insecure, containerName: t.spec.containers.length ? r.name : (nodeType === 'head' ? 'ray-head' : 'ray-worker') };
  });
}

// ---------------------------------------------------------------------------------------------
// Containers, volumes, groups.

const envArb = fc.option(fc.dictionary(fc.constantFrom('RAY_LOG', 'A_B', 'x.y', '-dash', 'PATH2'), fc.string({ maxLength: 8 }), { maxKeys: 3 }), { nil: undefined });

function volumesArb(): fc.Arbitrary<RayVolume[]> {
  const vol = (name: string) => fc.oneof(
    fc.record({ medium: fc.constantFrom(EmptyDirMedium.DEFAULT, EmptyDirMedium.MEMORY, undefined), size: fc.option(fc.constantFrom('1Gi', '500M', '1e9', '0.5Gi'), { nil: undefined }) })
      .map((o) => RayVolume.emptyDir(name, { ...(o.medium !== undefined ? { medium: o.medium } : {}), ...(o.size ? { sizeLimit: o.size } : {}) })),
    fc.record({
      mode: fc.option(fc.constantFrom(0o444, 0o644, 0o400), { nil: undefined }),
      optional: fc.option(fc.boolean(), { nil: undefined }),
      items: fc.boolean(),
    })
      .map((o) => RayVolume.configMap(name, 'ray-config', { ...(o.mode !== undefined ? { defaultMode: o.mode } : {}), ...(o.optional !== undefined ? { optional: o.optional } : {}), ...(o.items ? { items: [{ key: 'a', path: 'a.py' }] } : {}) })),
    fc.boolean().map((o) => RayVolume.secret(name, 'ray-secret', o ? { defaultMode: 0o400 } : {})),
    fc.option(fc.boolean(), { nil: undefined }).map((ro) => RayVolume.persistentVolumeClaim(name, 'ray-data', ro === undefined ? {} : { readOnly: ro })),
  );
  return fc.uniqueArray(fc.constantFrom('logs', 'data', 'scripts', 'shm2', 'creds'), { maxLength: 3 }).chain((names) => fc.tuple(...names.map(vol)));
}

function mountsArb(volumes: RayVolume[]): fc.Arbitrary<VolumeMount[] | undefined> {
  if (volumes.length === 0) return fc.constant(undefined);
  return fc.option(fc.subarray(volumes, { minLength: 1 }).chain((vs) => fc.tuple(...vs.map((v) => fc.record({
    byName: fc.boolean(), ro: fc.option(fc.boolean(), { nil: undefined }), sub: fc.option(fc.constant('sub'), { nil: undefined }),
  }).map((o): VolumeMount => ({
    volume: o.byName ? v.name : v,
    mountPath: `/mnt/${v.name}`,
    ...(o.ro !== undefined ? { readOnly: o.ro } : {}),
    ...(o.sub !== undefined ? { subPath: o.sub } : {}),
  }))))), { nil: undefined });
}

type ContainersGen = Gen<ContainerOptions[] | undefined>;

function containersArb(b: Bounds, where: string, volumes: RayVolume[], names: string[], hostile: boolean): fc.Arbitrary<ContainersGen> {
  // Sidecar and init container names come from disjoint pools: the construct does not check that
  // container names are unique in a pod (reported; see test/bad-input.test.ts).
  return fc.option(fc.uniqueArray(fc.constantFrom(...names), { maxLength: 2 }), { nil: undefined }).chain((ns): fc.Arbitrary<ContainersGen> => {
    if (ns === undefined) return fc.constant({ value: undefined, insecure: [], uncertain: [] } as ContainersGen);
    return fc.tuple(...ns.map((name, i) => fc.record({
      image: fc.option(fc.constantFrom('busybox:1.36', 'fluent/fluent-bit:3.2.2'), { nil: undefined }),
      command: fc.option(fc.constant(['sh', '-c', 'true']), { nil: undefined }),
      args: fc.option(fc.constant(['--verbose']), { nil: undefined }),
      env: envArb,
      resources: resourceArb(b, `${where}[${i}].resources`, hostile),
      mounts: mountsArb(volumes),
      ports: fc.option(fc.constant([{ containerPort: 2020, name: 'http' }]), { nil: undefined }),
    }).map((o) => ({
      value: stripUndefined({
        name, image: o.image, command: o.command, args: o.args, env: o.env, resources: o.resources.value, volumeMounts: o.mounts, ports: o.ports,
      }) as ContainerOptions,
      insecure: o.resources.insecure,
    })))).map((cs) => ({ value: cs.map((c) => c.value), insecure: cs.flatMap((c) => c.insecure), uncertain: [] }));
  });
}

type GroupGen = (ctx: { taintKey: string; nodeKey: string; tenant: string }) => { options: any; insecure: Injection[]; uncertain: string[] };

function groupArb(b: Bounds, nodeType: 'head' | 'worker', where: string, hostile: boolean): fc.Arbitrary<GroupGen> {
  return volumesArb().chain((volumes) => fc.record({
    resources: resourceArb(b, `${where}.resources`, hostile),
    gpus: fc.option(fc.nat({ max: 4 }), { nil: undefined }),
    rayStartParams: fc.option(fc.dictionary(fc.constantFrom('num-cpus', 'block', 'dashboard-host', 'metrics-export-port'), fc.constantFrom('0', 'true', '0.0.0.0', '8080'), { maxKeys: 3 }), { nil: undefined }),
    env: envArb,
    mounts: mountsArb(volumes),
    ports: fc.option(fc.uniqueArray(fc.record({ containerPort: fc.integer({ min: 1024, max: 65535 }), name: fc.option(fc.constantFrom('serve', 'grpc', 'p1'), { nil: undefined }), protocol: fc.constantFrom('TCP', 'UDP', undefined) }), { maxLength: 2, selector: (p) => p.containerPort }), { nil: undefined }),
    sidecars: containersArb(b, `${where}.sidecars`, volumes, ['fluent-bit', 'proxy'], hostile),
    inits: containersArb(b, `${where}.initContainers`, volumes, ['prepare', 'sync'], hostile),
    nodeSelector: fc.option(fc.constantFrom({ disktype: 'ssd' }, { 'topology.kubernetes.io/zone': 'eu-1a' }), { nil: undefined }),
    podLabels: fc.option(fc.constantFrom({ app: 'ray' }, { 'example.com/team': 'ml', 'version': 'v1' }), { nil: undefined }),
    serviceAccountName: fc.option(fc.constantFrom('ray', 'ray-sa.v1'), { nil: undefined }),
    template: templateArb(nodeType, where, hostile),
  }).map((g): GroupGen => (ctx) => {
    const tpl = g.template(ctx);
    // Sidecar names must not collide with the template's container.
    const sidecars = g.sidecars.value?.filter((c) => c.name !== tpl.containerName);
    const ports = g.ports?.map((p) => stripUndefined(p));
    // Unique port names within the container.
    const portNames = new Set<string>();
    const uniquePorts = ports?.filter((p) => !p.name || (!portNames.has(p.name) && portNames.add(p.name)));
    const options = stripUndefined({
      resources: g.resources.value,
      gpus: g.gpus,
      rayStartParams: g.rayStartParams,
      env: g.env,
      volumes: volumes.length ? volumes : undefined,
      volumeMounts: g.mounts,
      ports: uniquePorts,
      sidecars,
      initContainers: g.inits.value,
      nodeSelector: g.nodeSelector,
      podLabels: g.podLabels,
      serviceAccountName: g.serviceAccountName,
      template: tpl.template,
    });
    // A template with volumes of its own plus RayVolumes of the same name is a PropsError; mounts by name need the volume.
    const uncertain: string[] = [];
    if (tpl.template?.spec?.volumes && volumes.some((v) => tpl.template.spec.volumes.some((x: any) => x.name === v.name))) uncertain.push('volume name clash');
    return { options, insecure: [...g.resources.insecure, ...(g.sidecars.insecure), ...g.inits.insecure, ...tpl.insecure], uncertain };
  }));
}

function replicasArb(autoscaling: boolean, where: string): fc.Arbitrary<Gen<{ replicas?: number; minReplicas?: number; maxReplicas?: number }>> {
  const omitted = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 7 }) });
  return fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 6 }), fc.nat({ max: 6 }), omitted)
    .map(([min, extra, at, omit]) => {
      const max = min + extra;
      const replicas = Math.min(min + at, max);
      const v = stripUndefined({
        replicas: omit % 2 === 1 ? undefined : replicas,
        minReplicas: Math.floor(omit / 2) % 2 === 1 ? undefined : min,
        maxReplicas: Math.floor(omit / 4) % 2 === 1 ? undefined : max,
      });
      // The documented defaults: min = replicas (0 with autoscaling), desired = replicas (else
      // max(min, 1), or min with autoscaling), max = desired (with autoscaling max(desired, min, 1)).
      const m = v.minReplicas ?? (autoscaling ? 0 : (v.replicas ?? 1));
      const d = v.replicas ?? Math.max(m, autoscaling ? m : 1);
      const x = v.maxReplicas ?? (autoscaling ? Math.max(d, m, 1) : d);
      const bad = m > x || d < m || d > x;
      return { value: v, insecure: bad ? [{ what: `${where}: replicas ${d} min ${m} max ${x}`, hint: 'Replicas' }] : [], uncertain: [] };
    });
}

// ---------------------------------------------------------------------------------------------
// Escape-hatch patches.

function patchesArb(workerCount: number, hostile: boolean): fc.Arbitrary<Patch[]> {
  const group = fc.constantFrom('/spec/headGroupSpec', ...Array.from({ length: workerCount }, (_, i) => `/spec/workerGroupSpecs/${i}`));
  const list: fc.Arbitrary<Patch>[] = [
    group.map((g) => ({ patch: JsonPatch.add(`${g}/template/spec/containers/0/securityContext/privileged`, true), describe: `${g} privileged`, insecure: { what: 'patch privileged', hint: 'privileged' } })),
    group.map((g) => ({ patch: JsonPatch.replace(`${g}/template/spec/containers/0/securityContext/allowPrivilegeEscalation`, true), describe: `${g} allowPrivilegeEscalation`, insecure: { what: 'patch allowPrivilegeEscalation', hint: 'allowPrivilegeEscalation' } })),
    group.map((g) => ({ patch: JsonPatch.add(`${g}/template/spec/securityContext/runAsUser`, 0), describe: `${g} pod runAsUser 0`, insecure: { what: 'patch pod runAsUser 0', hint: 'runAsUser' } })),
    group.map((g) => ({ patch: JsonPatch.add(`${g}/template/spec/containers/0/securityContext/capabilities/add`, ['SYS_ADMIN']), describe: `${g} cap add`, insecure: { what: 'patch capabilities.add', hint: 'capabilities' } })),
    group.map((g) => ({ patch: JsonPatch.remove(`${g}/template/spec/containers/0/securityContext/capabilities`), describe: `${g} remove capabilities`, insecure: { what: 'patch remove capabilities', hint: 'capabilities' } })),
    group.map((g) => ({ patch: JsonPatch.add(`${g}/template/spec/hostNetwork`, true), describe: `${g} hostNetwork`, insecure: { what: 'patch hostNetwork', hint: 'hostNetwork' } })),
    group.map((g) => ({ patch: JsonPatch.add(`${g}/template/spec/volumes`, [{ name: 'host', hostPath: { path: '/' } }]), describe: `${g} hostPath`, insecure: { what: 'patch hostPath', hint: 'hostPath' } })),
    group.map((g) => ({ patch: JsonPatch.remove(`${g}/template/spec/tolerations`), describe: `${g} remove tolerations`, insecure: { what: 'patch remove tolerations', hint: 'tolerations' } })),
    group.map((g) => ({ patch: JsonPatch.remove(`${g}/template/spec/nodeSelector`), describe: `${g} remove nodeSelector`, insecure: { what: 'patch remove nodeSelector', hint: 'nodeSelector' } })),
    group.map((g) => ({ patch: JsonPatch.replace(`${g}/template/spec/containers/0/resources/limits/cpu`, '100000'), describe: `${g} huge cpu`, insecure: { what: 'patch cpu limit 100000', hint: 'limits.cpu' } })),
    group.map((g) => ({ patch: JsonPatch.remove(`${g}/template/spec/containers/0/resources/requests/memory`), describe: `${g} no memory request`, insecure: { what: 'patch remove memory request', hint: 'requests.memory' } })),
    fc.constant({ patch: JsonPatch.replace('/metadata/labels/tenant', 'someone-else'), describe: 'tenant label', insecure: { what: 'patch tenant label', hint: 'metadata.labels.tenant' } }),
    fc.constant({ patch: JsonPatch.replace('/metadata/namespace', 'someone-elses-ns'), describe: 'namespace', insecure: { what: 'patch namespace', hint: 'metadata.namespace' } }),
    fc.constant({ patch: JsonPatch.remove('/metadata/namespace'), describe: 'no namespace', insecure: { what: 'patch remove namespace', hint: 'metadata.namespace' } }),
    group.map((g) => ({ patch: JsonPatch.add(`${g}/labels`, { tenant: 'someone-else' }), describe: `${g} group labels`, insecure: { what: 'patch group labels tenant', hint: 'labels.tenant' } })),
    group.map((g) => ({
      patch: JsonPatch.add(`${g}/template/spec/containers/0/env`, [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }]),
      describe: `${g} NVIDIA_VISIBLE_DEVICES`,
      // Insecure unless the group asked for GPUs; the property accepts either verdict here.
      uncertain: true,
    })),
    fc.constant({ patch: JsonPatch.add('/spec/headGroupSpec/serviceType', 'NodePort'), describe: '/spec/headGroupSpec serviceType', insecure: { what: 'patch serviceType NodePort', hint: 'serviceType' } }),
    fc.constant({ patch: JsonPatch.add('/spec/headGroupSpec/enableIngress', true), describe: '/spec/headGroupSpec enableIngress', insecure: { what: 'patch enableIngress', hint: 'enableIngress' } }),
    // Secure patches.
    fc.constant({ patch: JsonPatch.add('/metadata/annotations/example.com~1note', 'x'), describe: 'annotation' }),
    group.map((g) => ({ patch: JsonPatch.add(`${g}/template/metadata/labels/app`, 'x'), describe: `${g} label` })),
    group.map((g) => ({ patch: JsonPatch.add(`${g}/template/spec/containers/0/securityContext/readOnlyRootFilesystem`, true), describe: `${g} readOnlyRootFilesystem` })),
    group.map((g) => ({ patch: JsonPatch.remove(`${g}/template/spec/securityContext/seccompProfile`), describe: `${g} remove pod seccomp (containers keep theirs)` })),
  ];
  // At most one patch per group (and one on metadata): patches on one path could conflict.
  const target = (p: Patch) => (p.describe.startsWith('/spec/') ? p.describe.split(' ')[0] : 'metadata');
  const secureOnly = list.slice(-4);
  return fc.uniqueArray(fc.oneof(...(hostile ? list : secureOnly)), { maxLength: 2, selector: target });
}

// ---------------------------------------------------------------------------------------------
// The whole case.

export const caseArb: fc.Arbitrary<Case> = fc.boolean().chain((hostile) => tenantArb(hostile).chain(({ bounds, props: tenantProps }) => {
  const tenantName = tenantProps.name;
  return fc.record({
    autoscaling: fc.boolean(),
    groupNames: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/).filter((n) => n !== 'headgroup'), { minLength: 1, maxLength: 8 }),
    name: fc.option(dnsLabel, { nil: undefined }),
    rayVersion: fc.option(fc.constantFrom('2.9.0', '2.52.0', '2.41.0-rc1'), { nil: undefined }),
    image: fc.option(fc.constantFrom('rayproject/ray:2.52.0-gpu', 'example.com/ray@sha256:' + 'a'.repeat(64)), { nil: undefined }),
    labels: fc.option(fc.constantFrom({ 'app.kubernetes.io/name': 'ray' }, { tenant: 'ignored-by-construct' }, { team: '' }), { nil: undefined }),
    runAsUser: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    runAsGroup: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    dns: fc.option(fc.record({ namespace: fc.option(fc.constantFrom('kube-system', 'dns'), { nil: undefined }), port: fc.option(fc.constantFrom(53, 5353), { nil: undefined }) }), { nil: undefined }),
    apiCidr: fc.constantFrom('172.18.0.2/32', '10.0.0.0/24', '192.168.1.10/32'),
    apiPort: fc.option(fc.constantFrom(443, 6443), { nil: undefined }),
    head: groupArb(bounds, 'head', 'head', hostile),
  }).chain((c) => fc.record({
    workers: fc.tuple(...c.groupNames.map((n, i) => fc.tuple(groupArb(bounds, 'worker', `workerGroups[${i}]`, hostile), replicasArb(c.autoscaling, `workerGroups[${i}]`)).map(([g, r]) => ({ n, g, r })))),
    autoscalerOptions: fc.record({
      idle: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
      mode: fc.option(fc.constantFrom(UpscalingMode.DEFAULT, UpscalingMode.AGGRESSIVE, UpscalingMode.CONSERVATIVE), { nil: undefined }),
      version: fc.option(fc.constantFrom(AutoscalerVersion.V1, AutoscalerVersion.V2), { nil: undefined }),
      resources: resourceArb(bounds, 'autoscaling.resources', hostile),
    }),
    patches: patchesArb(c.groupNames.length, hostile),
  }).map((w): Case => {
    const tenantNamespace = tenantProps.namespace ?? tenantName;
    const ctx = { taintKey: tenantProps.taint?.key ?? 'tenant', nodeKey: tenantProps.nodeLabelKey ?? 'tenant', tenant: tenantName };
    const insecure: Injection[] = [];
    const uncertain: string[] = [];
    const head = c.head(ctx);
    insecure.push(...head.insecure); uncertain.push(...head.uncertain);
    const workerGroups: WorkerGroupOptions[] = w.workers.map(({ n, g, r }) => {
      const gg = g(ctx);
      insecure.push(...gg.insecure, ...r.insecure); uncertain.push(...gg.uncertain, ...r.uncertain);
      return { groupName: n, ...gg.options, ...r.value };
    });
    let autoscaling: AutoscalingOptions | undefined;
    let network: NetworkOptions | undefined = c.dns ? { dns: stripUndefined(c.dns) } : undefined;
    if (c.autoscaling) {
      const a = w.autoscalerOptions;
      autoscaling = stripUndefined({
        idleTimeout: a.idle !== undefined ? Duration.seconds(a.idle) : undefined,
        upscalingMode: a.mode,
        version: a.version,
        resources: a.resources.value,
      });
      insecure.push(...a.resources.insecure);
      network = { ...network, apiServer: stripUndefined({ cidr: c.apiCidr, port: c.apiPort }) };
    }
    const patches = w.patches.filter((p) => !(p.describe === 'namespace' && tenantNamespace === 'someone-elses-ns'));
    for (const p of patches) {
      if (p.insecure) insecure.push(p.insecure);
      if (p.uncertain) uncertain.push(`patch ${p.describe}`);
    }
    // KubeRay's wait-gcs-ready (fixed 200m/256Mi limits) in every worker pod must fit the tenant.
    if (bounds.maxCpu < 200n) insecure.push({ what: 'tenant maxCpu below wait-gcs-ready\'s 200m', hint: 'wait-gcs-ready' });
    if (bounds.maxMem < 256n * 1024n * 1024n) insecure.push({ what: 'tenant maxMemory below wait-gcs-ready\'s 256Mi', hint: 'wait-gcs-ready' });
    return {
      tenantProps,
      props: stripUndefined({
        name: c.name,
        rayVersion: c.rayVersion,
        // Ray token authentication (the default) needs Ray 2.52 or newer.
        authentication: c.rayVersion !== undefined && c.rayVersion !== '2.52.0' ? RayAuthentication.NONE : undefined,
        image: c.image,
        labels: c.labels,
        runAsUser: c.runAsUser,
        runAsGroup: c.runAsGroup,
        head: head.options,
        workerGroups,
        autoscaling,
        network,
      }) as Case['props'],
      patches,
      insecure,
      uncertain,
    };
  }));
}));
