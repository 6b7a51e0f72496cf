/**
 * The project's own cases for the Pod Security Standards evaluator: what the
 * upstream fixtures do not cover (ephemeral containers, AppArmor fields, image
 * volumes, Windows and user-namespace pods, version gating, API-server defaults),
 * field-path mapping through a PodSource, and robustness.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { goQuote } from '../../src/kubernetes/go-format';
import {
  evaluatePodSecurity,
  isSupportedPssVersion,
  LATEST_PSS_VERSION,
  parsePssVersion,
  PodSource,
  podSecurityCheckIds,
  podSecurityForbiddenMessage,
  PssFinding,
  PssLevel,
  PssOptionError,
  PssOptions,
  safeSysctls,
} from '../../src/policy/pod-security';
import { compareGoStrings, joinQuote, sortedSet } from '../../src/policy/pod-security/format';
import { JsonObject } from '../../src/policy/types';

const FIXTURES = path.resolve(__dirname, '../fixtures/pss');
const fixture = (name: string): JsonObject => parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as JsonObject;

/** A loosely typed manifest fragment (tests build odd shapes on purpose). */
type Obj = Record<string, unknown>;

const ids = (findings: PssFinding[]) => findings.map((f) => f.checkId);
const messages = (findings: PssFinding[]) => findings.map((f) => f.message);
const evaluate = (pod: unknown, options?: PssOptions, source?: PodSource) =>
  evaluatePodSecurity(pod as JsonObject, options, source);

/** The securityContext a container needs to pass the restricted profile (with a compliant pod context). */
const RESTRICTED_CONTAINER_SC = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
/** A pod that passes the restricted profile at every version, with overrides merged into its spec. */
function restrictedPod(spec: Obj = {}, metadata: Obj = {}): Obj {
  return {
    metadata: { name: 'p', ...metadata },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: 'busybox', securityContext: RESTRICTED_CONTAINER_SC }],
      ...spec,
    },
  };
}
/** A pod with one container whose securityContext is `sc`. */
function containerPod(sc: Obj, podSpec: Obj = {}): Obj {
  return { metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'busybox', securityContext: sc }], ...podSpec } };
}

describe('the compliant baseline', () => {
  test.each(['latest', 'v1.0', 'v1.8', 'v1.19', 'v1.22', 'v1.25', 'v1.35', 'v1.37'])('restrictedPod() passes restricted at %s', (version) => {
    expect(evaluate(restrictedPod(), { version })).toEqual([]);
    expect(evaluate(restrictedPod(), { level: 'baseline', version })).toEqual([]);
  });
});

describe('ephemeral containers', () => {
  const pod = fixture('ephemeral-containers.yaml');

  test('are judged at baseline, with their own paths', () => {
    const findings = evaluate(pod, { level: 'baseline' });
    expect(findings).toEqual([
      {
        checkId: 'capabilities_baseline',
        reason: 'non-default capabilities',
        detail: 'container "debugger" must not include "SYS_PTRACE" in securityContext.capabilities.add',
        message: 'non-default capabilities (container "debugger" must not include "SYS_PTRACE" in securityContext.capabilities.add)',
        paths: ['spec.ephemeralContainers[0].securityContext.capabilities.add[0]'],
      },
      {
        checkId: 'privileged',
        reason: 'privileged',
        detail: 'container "debugger" must not set securityContext.privileged=true',
        message: 'privileged (container "debugger" must not set securityContext.privileged=true)',
        paths: ['spec.ephemeralContainers[0].securityContext.privileged'],
      },
    ]);
  });

  test('are judged at restricted, after init containers and containers', () => {
    const findings = evaluate(pod);
    expect(ids(findings)).toEqual(['privileged', 'allowPrivilegeEscalation', 'capabilities_restricted']);
    expect(messages(findings).slice(1)).toEqual([
      'allowPrivilegeEscalation != false (containers "debugger", "shell" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (containers "debugger", "shell" must set securityContext.capabilities.drop=["ALL"]; '
        + 'container "debugger" must not include "SYS_PTRACE" in securityContext.capabilities.add)',
    ]);
    expect(findings[2].paths).toEqual([
      'spec.ephemeralContainers[0].securityContext.capabilities.drop',
      'spec.ephemeralContainers[1].securityContext.capabilities.drop',
      'spec.ephemeralContainers[0].securityContext.capabilities.add[0]',
    ]);
  });

  test('follow init containers and containers in the message order', () => {
    const findings = evaluate({
      spec: {
        ephemeralContainers: [{ name: 'e', securityContext: { privileged: true } }],
        containers: [{ name: 'c', securityContext: { privileged: true } }],
        initContainers: [{ name: 'i', securityContext: { privileged: true } }],
      },
    }, { level: 'baseline' });
    expect(messages(findings)).toEqual(['privileged (containers "i", "c", "e" must not set securityContext.privileged=true)']);
    expect(findings[0].paths).toEqual([
      'spec.initContainers[0].securityContext.privileged',
      'spec.containers[0].securityContext.privileged',
      'spec.ephemeralContainers[0].securityContext.privileged',
    ]);
  });
});

describe('AppArmor profile fields', () => {
  test('Localhost and RuntimeDefault are allowed at pod and container level', () => {
    for (const type of ['Localhost', 'RuntimeDefault']) {
      const pod = containerPod({ appArmorProfile: { type, localhostProfile: 'p' } }, { securityContext: { appArmorProfile: { type } } });
      expect(evaluate(pod, { level: 'baseline' })).toEqual([]);
    }
  });

  test('Unconfined is forbidden at pod level', () => {
    const findings = evaluate(restrictedPod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'Unconfined' } } }));
    expect(findings).toEqual([{
      checkId: 'appArmorProfile',
      reason: 'forbidden AppArmor profile',
      detail: 'pod must not set AppArmor profile type to "Unconfined"',
      message: 'forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")',
      paths: ['spec.securityContext.appArmorProfile.type'],
    }]);
  });

  test('Unconfined is forbidden at container level, at every version', () => {
    for (const version of ['v1.0', 'v1.29', 'latest']) {
      const findings = evaluate(containerPod({ appArmorProfile: { type: 'Unconfined' } }), { level: 'baseline', version });
      expect(messages(findings)).toEqual(['forbidden AppArmor profile (container "app" must not set AppArmor profile type to "Unconfined")']);
      expect(findings[0].paths).toEqual(['spec.containers[0].securityContext.appArmorProfile.type']);
    }
  });

  test('a profile without a type is forbidden, as upstream compares the empty type', () => {
    expect(messages(evaluate(containerPod({ appArmorProfile: {} }), { level: 'baseline' })))
      .toEqual(['forbidden AppArmor profile (container "app" must not set AppArmor profile type to "")']);
  });

  test('fields and the deprecated annotation are reported together', () => {
    const findings = evaluate(fixture('apparmor-fields.yaml'), { level: 'baseline' });
    expect(findings).toEqual([{
      checkId: 'appArmorProfile',
      reason: 'forbidden AppArmor profiles',
      detail: 'pod and container "legacy" and annotation must not set AppArmor profile type to '
        + '"Unconfined", "container.apparmor.security.beta.kubernetes.io/legacy="unconfined""',
      message: 'forbidden AppArmor profiles (pod and container "legacy" and annotation must not set AppArmor profile type to '
        + '"Unconfined", "container.apparmor.security.beta.kubernetes.io/legacy="unconfined"")',
      paths: [
        'spec.securityContext.appArmorProfile.type',
        'spec.containers[1].securityContext.appArmorProfile.type',
        'metadata.annotations["container.apparmor.security.beta.kubernetes.io/legacy"]',
      ],
    }]);
  });

  test('annotation values are quoted like Go %q', () => {
    const pod = { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'un"con\nfined' } }, spec: {} };
    expect(messages(evaluate(pod, { level: 'baseline' }))).toEqual([
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/a="un\\"con\\nfined"")',
    ]);
  });
});

describe('SELinux', () => {
  const enginePod = containerPod({ seLinuxOptions: { type: 'container_engine_t' } });

  test('container_engine_t is allowed from v1.31', () => {
    expect(evaluate(enginePod, { level: 'baseline', version: 'v1.31' })).toEqual([]);
    expect(evaluate(enginePod, { level: 'baseline' })).toEqual([]);
  });

  test('container_engine_t is forbidden before v1.31', () => {
    expect(messages(evaluate(enginePod, { level: 'baseline', version: 'v1.30' })))
      .toEqual(['seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "container_engine_t")']);
  });

  test('types, user and role are reported together', () => {
    const pod = {
      spec: {
        securityContext: { seLinuxOptions: { type: 'spc_t', user: 'system_u' } },
        containers: [
          { name: 'a', securityContext: { seLinuxOptions: { type: 'unconfined_t', role: 'r' } } },
          { name: 'b', securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c1,c2' } } },
        ],
      },
    };
    const findings = evaluate(pod, { level: 'baseline' });
    expect(messages(findings)).toEqual([
      'seLinuxOptions (pod and container "a" set forbidden securityContext.seLinuxOptions: types "spc_t", "unconfined_t"; user may not be set; role may not be set)',
    ]);
    expect(findings[0].paths).toEqual([
      'spec.securityContext.seLinuxOptions.type',
      'spec.securityContext.seLinuxOptions.user',
      'spec.containers[0].securityContext.seLinuxOptions.type',
      'spec.containers[0].securityContext.seLinuxOptions.role',
    ]);
  });
});

describe('volumes', () => {
  test('every allowed type, and sourceless volumes, pass restricted at every version', () => {
    for (const version of ['v1.0', 'v1.25', 'v1.32', 'latest']) {
      expect(evaluate(fixture('volumes.yaml'), { version })).toEqual([]);
    }
  });

  test('image volumes are allowed even at old pinned versions (upstream patched v1.0 in place)', () => {
    const pod = restrictedPod({ volumes: [{ name: 'm', image: { reference: 'r/m:1' } }] });
    expect(evaluate(pod, { version: 'v1.25' })).toEqual([]);
  });

  test('a volume with no source is an emptyDir volume (API-server default)', () => {
    expect(evaluate(restrictedPod({ volumes: [{ name: 'v' }, { name: 'w', hostPath: null }] }))).toEqual([]);
  });

  test('other types are restricted; hostPath is reported by restrictedVolumes only', () => {
    const pod = restrictedPod({
      volumes: [
        { name: 'ok', emptyDir: {} },
        { name: 'share', nfs: { server: 'nfs', path: '/' } },
        { name: 'host', hostPath: { path: '/var/run' } },
        { name: 'host2', hostPath: { path: '/tmp' } },
      ],
    });
    const findings = evaluate(pod);
    expect(findings).toEqual([{
      checkId: 'restrictedVolumes',
      reason: 'restricted volume types',
      detail: 'volumes "share", "host", "host2" use restricted volume types "hostPath", "nfs"',
      message: 'restricted volume types (volumes "share", "host", "host2" use restricted volume types "hostPath", "nfs")',
      paths: ['spec.volumes[1].nfs', 'spec.volumes[2].hostPath', 'spec.volumes[3].hostPath'],
    }]);
    expect(messages(evaluate(pod, { level: 'baseline' }))).toEqual(['hostPath volumes (volumes "host", "host2")']);
  });

  test('before restrictedVolumes replaced it? never: restrictedVolumes overrides hostPathVolumes at every version', () => {
    const pod = restrictedPod({ volumes: [{ name: 'host', hostPath: { path: '/' } }] });
    expect(ids(evaluate(pod, { version: 'v1.0' }))).toEqual(['restrictedVolumes']);
  });
});

describe('Windows pods (spec.os.name: windows)', () => {
  const pod = fixture('windows.yaml');

  test('are exempt from the Linux-only restricted checks from v1.25', () => {
    expect(evaluate(pod)).toEqual([]);
    expect(evaluate(pod, { version: 'v1.25' })).toEqual([]);
  });

  test('are not exempt before v1.25', () => {
    expect(messages(evaluate(pod, { version: 'v1.24' }))).toEqual([
      'allowPrivilegeEscalation != false (container "iis" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (container "iis" must set securityContext.capabilities.drop=["ALL"])',
      'seccompProfile (pod or container "iis" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
  });

  test('still need runAsNonRoot, and must not use HostProcess', () => {
    const spec = (pod.spec ?? {}) as JsonObject;
    const hostProcessPod = {
      ...pod,
      spec: { ...spec, securityContext: { windowsOptions: { hostProcess: true } } },
    };
    expect(ids(evaluate(hostProcessPod))).toEqual(['windowsHostProcess', 'runAsNonRoot']);
    expect(evaluate(hostProcessPod)[0].paths).toEqual(['spec.securityContext.windowsOptions.hostProcess']);
  });

  test('only os.name counts, not a nodeSelector', () => {
    const linuxish = { ...pod, spec: { ...(pod.spec as JsonObject), os: undefined, nodeSelector: { 'kubernetes.io/os': 'windows' } } };
    expect(ids(evaluate(linuxish))).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
  });
});

describe('user-namespace pods (hostUsers: false)', () => {
  const pod = fixture('user-namespace.yaml');

  test('from v1.35, runAsNonRoot and runAsUser are relaxed but procMount_restricted still applies', () => {
    const findings = evaluate(pod);
    expect(findings).toEqual([{
      checkId: 'procMount_restricted',
      reason: 'procMount',
      detail: 'container "app" must not set securityContext.procMount to "Unmasked"',
      message: 'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
      paths: ['spec.containers[0].securityContext.procMount'],
    }]);
    expect(evaluate(pod, { version: 'v1.35' })).toEqual(findings);
  });

  test('from v1.35, baseline allows any procMount in a user namespace', () => {
    expect(evaluate(pod, { level: 'baseline' })).toEqual([]);
  });

  test('before v1.35 nothing is relaxed', () => {
    expect(ids(evaluate(pod, { level: 'baseline', version: 'v1.34' }))).toEqual(['procMount']);
    expect(messages(evaluate(pod, { version: 'v1.34' }))).toEqual([
      'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
      'runAsUser=0 (pod must not set runAsUser=0)',
    ]);
  });

  test('hostUsers: true (or unset) is not a user namespace', () => {
    const spec = pod.spec as JsonObject;
    for (const hostUsers of [true, undefined, 'false']) {
      expect(ids(evaluate({ ...pod, spec: { ...spec, hostUsers } })))
        .toEqual(['procMount_restricted', 'runAsNonRoot', 'runAsUser']);
    }
  });
});

describe('version gating', () => {
  const sysctlPod = (name: string) => restrictedPod({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name, value: '1' }] },
  });

  test.each([
    ['net.ipv4.ip_local_reserved_ports', 'v1.26', 'v1.27'],
    ['net.ipv4.tcp_keepalive_time', 'v1.28', 'v1.29'],
    ['net.ipv4.tcp_rmem', 'v1.31', 'v1.32'],
    ['net.ipv4.tcp_slow_start_after_idle', 'v1.36', 'v1.37'],
    ['net.ipv4.tcp_notsent_lowat', 'v1.36', 'latest'],
  ])('sysctl %s is forbidden at %s and safe from %s', (name, before, from) => {
    expect(messages(evaluate(sysctlPod(name), { level: 'baseline', version: before }))).toEqual([`forbidden sysctls (${name})`]);
    expect(evaluate(sysctlPod(name), { level: 'baseline', version: from })).toEqual([]);
  });

  test('the same pod differs between v1.22 and v1.37', () => {
    const pod = {
      metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } },
      spec: {
        hostUsers: false,
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
          sysctls: [{ name: 'net.ipv4.tcp_fin_timeout', value: '30' }, { name: 'kernel.msgmax', value: '1' }],
        },
        containers: [{
          name: 'app',
          securityContext: { ...RESTRICTED_CONTAINER_SC, procMount: 'Unmasked' },
          readinessProbe: { httpGet: { host: '10.0.0.1', port: 80 } },
        }],
      },
    };
    expect(evaluate(pod, { version: 'v1.22' }).map((f) => [f.checkId, f.message])).toEqual([
      ['procMount', 'procMount (container "app" must not set securityContext.procMount to "Unmasked")'],
      ['sysctls', 'forbidden sysctls (net.ipv4.tcp_fin_timeout, kernel.msgmax)'],
    ]);
    expect(evaluate(pod, { version: 'v1.37' }).map((f) => [f.checkId, f.message])).toEqual([
      ['hostProbesAndHostLifecycle', 'probe or lifecycle host (container "app" uses probe or lifecycle host "10.0.0.1")'],
      ['sysctls', 'forbidden sysctls (kernel.msgmax)'],
      ['procMount_restricted', 'procMount (container "app" must not set securityContext.procMount to "Unmasked")'],
    ]);
    expect(ids(evaluate(pod, { level: 'baseline', version: 'v1.22' }))).toEqual(['procMount', 'sysctls']);
    expect(ids(evaluate(pod, { level: 'baseline', version: 'v1.37' }))).toEqual(['hostProbesAndHostLifecycle', 'sysctls']);
  });

  test('seccomp: the alpha annotations before v1.19, the fields from v1.19', () => {
    const annotated = containerPod({}, {});
    (annotated.metadata as Obj).annotations = {
      'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
      'container.seccomp.security.alpha.kubernetes.io/app': 'docker/default',
      'container.seccomp.security.alpha.kubernetes.io/other': 'unconfined',
    };
    const findings = evaluate(annotated, { level: 'baseline', version: 'v1.18' });
    expect(findings).toEqual([{
      checkId: 'seccompProfile_baseline',
      reason: 'seccompProfile',
      detail: 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"',
      message: 'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")',
      paths: ['metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]'],
    }]);
    expect(evaluate(annotated, { level: 'baseline', version: 'v1.19' })).toEqual([]);

    const field = containerPod({ seccompProfile: { type: 'Unconfined' } });
    expect(evaluate(field, { level: 'baseline', version: 'v1.18' })).toEqual([]);
    expect(messages(evaluate(field, { level: 'baseline', version: 'v1.19' })))
      .toEqual(['seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")']);
  });

  test('seccomp annotations name the containers they judge, plural when several', () => {
    const pod = {
      metadata: {
        annotations: {
          'container.seccomp.security.alpha.kubernetes.io/a': 'unconfined',
          'container.seccomp.security.alpha.kubernetes.io/b': 'localhost/x',
          'container.seccomp.security.alpha.kubernetes.io/c': 'bogus',
        },
      },
      spec: { containers: [{ name: 'c' }, { name: 'b' }, { name: 'a' }] },
    };
    expect(messages(evaluate(pod, { level: 'baseline', version: 'v1.10' }))).toEqual([
      'seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", '
        + 'container.seccomp.security.alpha.kubernetes.io/c="bogus")',
    ]);
  });

  test('runAsUser=0 is checked from v1.23; allowPrivilegeEscalation from v1.8', () => {
    const pod = containerPod({ runAsUser: 0, runAsNonRoot: true }, { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
    expect(ids(evaluate(pod, { version: 'v1.22' }))).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted']);
    expect(ids(evaluate(pod, { version: 'v1.23' }))).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsUser']);
    expect(ids(evaluate(pod, { version: 'v1.7' }))).toEqual([]);
  });

  test('overrides apply from the version of the overriding check', () => {
    const pod = restrictedPod({ containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_RAW'] } } }] });
    // before v1.22 the restricted level uses the baseline capabilities check
    expect(messages(evaluate(pod, { version: 'v1.21' })))
      .toEqual(['non-default capabilities (container "app" must not include "NET_RAW" in securityContext.capabilities.add)']);
    expect(messages(evaluate(pod, { version: 'v1.22' }))).toEqual([
      'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]; '
        + 'container "app" must not include "NET_RAW" in securityContext.capabilities.add)',
    ]);
  });

  test('probe and lifecycle hosts are checked from v1.34, names and hosts sorted and de-duplicated', () => {
    const pod = {
      spec: {
        containers: [
          { name: 'z', livenessProbe: { tcpSocket: { host: 'b.example', port: 1 } }, lifecycle: { preStop: { httpGet: { host: 'a.example' } } } },
          { name: 'y', startupProbe: { httpGet: { host: 'b.example', port: 1 } }, readinessProbe: { grpc: { port: 1 } } },
          { name: 'x', lifecycle: { postStart: { tcpSocket: { host: '' } } } },
        ],
      },
    };
    expect(evaluate(pod, { level: 'baseline', version: 'v1.33' })).toEqual([]);
    const findings = evaluate(pod, { level: 'baseline', version: 'v1.34' });
    expect(messages(findings)).toEqual([
      'probe or lifecycle host (containers "y", "z" use probe or lifecycle hosts "a.example", "b.example")',
    ]);
    expect(findings[0].paths).toEqual([
      'spec.containers[0].livenessProbe.tcpSocket.host',
      'spec.containers[0].lifecycle.preStop.httpGet.host',
      'spec.containers[1].startupProbe.httpGet.host',
    ]);
  });

  test('the checks in force, in message order', () => {
    expect(podSecurityCheckIds({ level: 'baseline' })).toEqual([
      'appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts',
      'hostProbesAndHostLifecycle', 'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline',
      'sysctls', 'windowsHostProcess',
    ]);
    expect(podSecurityCheckIds()).toEqual([
      'appArmorProfile', 'hostNamespaces', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged',
      'seLinuxOptions', 'sysctls', 'windowsHostProcess',
      'allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted', 'restrictedVolumes',
      'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
    ]);
    expect(podSecurityCheckIds({ version: 'v1.0' })).toEqual([
      'appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPorts', 'privileged', 'procMount',
      'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess',
      'restrictedVolumes', 'runAsNonRoot',
    ]);
    expect(podSecurityCheckIds({ version: 'v1.36' })).toEqual(podSecurityCheckIds({ version: 'v1.35' }));
  });

  test('safe sysctls by version', () => {
    expect(safeSysctls(0).size).toBe(5);
    expect(safeSysctls(32).size).toBe(12);
    expect(safeSysctls(37).size).toBe(14);
  });
});

describe('API-server defaults', () => {
  test('hostNetwork pods get hostPort = containerPort on containers and init containers', () => {
    const pod = {
      spec: {
        hostNetwork: true,
        initContainers: [{ name: 'init', ports: [{ containerPort: 9000, hostPort: 0 }] }],
        containers: [{ name: 'web', ports: [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 9090 }] }],
      },
    };
    const findings = evaluate(pod, { level: 'baseline' });
    expect(messages(findings)).toEqual([
      'host namespaces (hostNetwork=true)',
      'hostPort (containers "init", "web" use hostPorts 8080, 9000, 9090)',
    ]);
    expect(findings[1].paths).toEqual([
      'spec.initContainers[0].ports[0].containerPort',
      'spec.containers[0].ports[0].containerPort',
      'spec.containers[0].ports[1].hostPort',
    ]);
    const noHostNetwork = { spec: { ...pod.spec, hostNetwork: false } };
    expect(messages(evaluate(noHostNetwork, { level: 'baseline' }))).toEqual(['hostPort (container "web" uses hostPort 9090)']);
  });

  test('host ports are listed in Go string order', () => {
    const pod = { spec: { containers: [{ name: 'a', ports: [{ hostPort: 8080 }, { hostPort: 10000 }, { hostPort: 8080 }] }] } };
    expect(messages(evaluate(pod, { level: 'baseline' }))).toEqual(['hostPort (container "a" uses hostPorts 10000, 8080)']);
  });
});

describe('field paths through a PodSource (RayCluster)', () => {
  const rc = fixture('raycluster.yaml');
  const rcSpec = rc.spec as JsonObject;
  const head = (rcSpec.headGroupSpec as JsonObject).template as JsonObject;
  const headSpec = head.spec as JsonObject;
  const autoscaler = rcSpec.autoscalerOptions as JsonObject;

  /** The head pod as KubeRay builds it: the template plus the injected autoscaler sidecar. */
  const headPod = {
    metadata: head.metadata,
    spec: {
      ...headSpec,
      containers: [
        ...(headSpec.containers as JsonObject[]),
        { name: 'autoscaler', image: autoscaler.image, securityContext: autoscaler.securityContext },
      ],
    },
  };
  const headSource: PodSource = {
    metadataPath: 'spec.headGroupSpec.template.metadata',
    specPath: 'spec.headGroupSpec.template.spec',
    containerPaths: {
      containers: ['spec.headGroupSpec.template.spec.containers[0]', 'spec.autoscalerOptions (injected autoscaler container)'],
    },
  };

  test('head group: template paths, and the injected container points at autoscalerOptions', () => {
    const findings = evaluate(headPod, {}, headSource);
    expect(findings.map((f) => [f.checkId, f.paths])).toEqual([
      ['appArmorProfile', ['spec.headGroupSpec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/ray-head"]']],
      ['allowPrivilegeEscalation', ['spec.autoscalerOptions.securityContext.allowPrivilegeEscalation (injected autoscaler container)']],
      ['capabilities_restricted', ['spec.autoscalerOptions.securityContext.capabilities.drop (injected autoscaler container)']],
    ]);
    expect(findings[1].message)
      .toBe('allowPrivilegeEscalation != false (container "autoscaler" must set securityContext.allowPrivilegeEscalation=false)');
  });

  test('worker group: paths under workerGroupSpecs[i]', () => {
    const worker = ((rcSpec.workerGroupSpecs as JsonObject[])[1].template) as JsonObject;
    const source: PodSource = {
      metadataPath: 'spec.workerGroupSpecs[1].template.metadata',
      specPath: 'spec.workerGroupSpecs[1].template.spec',
    };
    const pod = { metadata: worker.metadata ?? {}, spec: worker.spec };
    expect(evaluate(pod, {}, source).map((f) => [f.checkId, f.paths])).toEqual([
      ['hostPorts', ['spec.workerGroupSpecs[1].template.spec.containers[0].ports[0].hostPort']],
      ['capabilities_restricted', ['spec.workerGroupSpecs[1].template.spec.containers[0].securityContext.capabilities.add[0]']],
      ['restrictedVolumes', ['spec.workerGroupSpecs[1].template.spec.volumes[0].hostPath']],
    ]);
    expect(evaluate(pod, { level: 'baseline' }, source).map((f) => [f.checkId, f.paths])).toEqual([
      ['capabilities_baseline', ['spec.workerGroupSpecs[1].template.spec.containers[0].securityContext.capabilities.add[0]']],
      ['hostPathVolumes', ['spec.workerGroupSpecs[1].template.spec.volumes[0].hostPath']],
      ['hostPorts', ['spec.workerGroupSpecs[1].template.spec.containers[0].ports[0].hostPort']],
    ]);
    const other = ((rcSpec.workerGroupSpecs as JsonObject[])[0].template) as JsonObject;
    expect(evaluate({ spec: other.spec }, {}, { metadataPath: 'x', specPath: 'spec.workerGroupSpecs[0].template.spec' })).toEqual([]);
  });

  test('container paths not supplied fall back to the spec path', () => {
    const pod = { spec: { containers: [{ name: 'a', securityContext: { privileged: true } }, { name: 'b', securityContext: { privileged: true } }] } };
    const findings = evaluate(pod, { level: 'baseline' }, { metadataPath: 'm', specPath: 's', containerPaths: { containers: ['given'] } });
    expect(findings[0].paths).toEqual(['given.securityContext.privileged', 's.containers[1].securityContext.privileged']);
  });

  test('the default source is a plain Pod', () => {
    const findings = evaluate({ spec: { hostPID: true, hostIPC: true } }, { level: 'baseline' });
    expect(findings).toEqual([{
      checkId: 'hostNamespaces',
      reason: 'host namespaces',
      detail: 'hostIPC=true, hostPID=true',
      message: 'host namespaces (hostIPC=true, hostPID=true)',
      paths: ['spec.hostIPC', 'spec.hostPID'],
    }]);
  });
});

describe('messages', () => {
  test('the aggregated admission text names the level and version as given', () => {
    const findings = evaluate(containerPod({ privileged: true }));
    expect(podSecurityForbiddenMessage(findings)).toBe(
      'violates PodSecurity "restricted:latest": privileged (container "app" must not set securityContext.privileged=true), '
        + 'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), '
        + 'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), '
        + 'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), '
        + 'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    expect(podSecurityForbiddenMessage(findings, { version: LATEST_PSS_VERSION }).startsWith('violates PodSecurity "restricted:v1.37": ')).toBe(true);
    expect(podSecurityForbiddenMessage(findings.slice(0, 1), { level: 'baseline', version: 'v1.25' }))
      .toBe('violates PodSecurity "baseline:v1.25": privileged (container "app" must not set securityContext.privileged=true)');
    expect(podSecurityForbiddenMessage([])).toBe('');
  });

  test('explicit false wins over missing values in runAsNonRoot', () => {
    const pod = {
      spec: {
        securityContext: { runAsNonRoot: false },
        containers: [{ name: 'a', securityContext: { runAsNonRoot: false } }, { name: 'b', securityContext: { runAsNonRoot: false } }, { name: 'c' }],
      },
    };
    const finding = evaluate(pod).find((f) => f.checkId === 'runAsNonRoot');
    expect(finding?.message).toBe('runAsNonRoot != true (pod and containers "a", "b" must not set securityContext.runAsNonRoot=false)');
    expect(finding?.paths).toEqual([
      'spec.securityContext.runAsNonRoot',
      'spec.containers[0].securityContext.runAsNonRoot',
      'spec.containers[1].securityContext.runAsNonRoot',
    ]);
  });

  test('seccomp: explicit bad values are reported before missing ones', () => {
    const pod = {
      spec: {
        securityContext: { seccompProfile: { type: 'Unconfined' } },
        containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Bogus' } } }, { name: 'b' }],
      },
    };
    const finding = evaluate(pod).find((f) => f.checkId === 'seccompProfile_restricted');
    expect(finding?.message)
      .toBe('seccompProfile (pod and container "a" must not set securityContext.seccompProfile.type to "Bogus", "Unconfined")');
  });

  test('windows HostProcess: pod and containers', () => {
    const pod = {
      spec: {
        securityContext: { windowsOptions: { hostProcess: true } },
        containers: [{ name: 'a', securityContext: { windowsOptions: { hostProcess: true } } }, { name: 'b', securityContext: { windowsOptions: { hostProcess: false } } }],
      },
    };
    expect(messages(evaluate(pod, { level: 'baseline' })))
      .toEqual(['hostProcess (pod and container "a" must not set securityContext.windowsOptions.hostProcess=true)']);
  });
});

describe('robustness', () => {
  const circular: Obj = { type: 'x' };
  circular.self = circular;

  const oddPods: unknown[] = [
    undefined,
    null,
    'pod',
    42,
    [],
    {},
    { metadata: null, spec: null },
    { metadata: 'm', spec: 'spec' },
    { metadata: [], spec: [] },
    { metadata: { annotations: [] } },
    { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 5, 'seccomp.security.alpha.kubernetes.io/pod': null } } },
    { spec: { containers: 'nope', initContainers: {}, ephemeralContainers: 5, volumes: 'v' } },
    { spec: { containers: [null, 1, 'str', [], true] } },
    {
      spec: {
        containers: [
          { name: 5, securityContext: 'x', ports: {}, livenessProbe: 'x', lifecycle: [] },
          { name: null, securityContext: [] },
          {
            name: { odd: true },
            securityContext: {
              capabilities: 'ALL',
              seccompProfile: 'RuntimeDefault',
              seLinuxOptions: circular,
              appArmorProfile: [],
              windowsOptions: 'x',
              runAsUser: '0',
              runAsNonRoot: 'true',
              procMount: 3,
              privileged: 'false',
              allowPrivilegeEscalation: 'false',
            },
            ports: [null, 'x', { containerPort: 'http' }, { hostPort: '80' }],
            readinessProbe: { httpGet: { host: 7 }, tcpSocket: null },
            lifecycle: { postStart: 'x', preStop: { httpGet: [] } },
          },
          { name: 'caps', securityContext: { capabilities: { add: 'NET_RAW', drop: 'ALL' } } },
          { name: 'caps2', securityContext: { capabilities: { add: [null, 1, { x: 1 }], drop: [null] } } },
        ],
      },
    },
    { spec: { securityContext: 'x', hostNetwork: 'yes', hostPID: 0, hostIPC: null, hostUsers: 'false', os: 'windows' } },
    { spec: { securityContext: { sysctls: 'x', seLinuxOptions: 'x', appArmorProfile: 1, seccompProfile: [], runAsUser: null } } },
    { spec: { securityContext: { sysctls: [null, 1, { name: 3 }, { value: 'x' }] } } },
    { spec: { volumes: [null, 'x', 3, [], { name: null, hostPath: null }, { name: ['v'], hostPath: 'x' }, { nfs: false }] } },
    { spec: { hostNetwork: true, containers: [{ name: 'c', ports: [null, { containerPort: 'http' }, 'x', { containerPort: null }] }] } },
  ];
  const versions = ['v1.0', 'v1.18', 'v1.19', 'v1.22', 'v1.25', 'v1.34', 'v1.35', 'latest'];
  const levels: PssLevel[] = ['baseline', 'restricted'];
  const sources: Array<PodSource | undefined> = [
    undefined,
    { metadataPath: '', specPath: '' },
    { metadataPath: 'm', specPath: 's', containerPaths: { containers: [] } },
    null as unknown as PodSource,
    { metadataPath: 1, specPath: null, containerPaths: { containers: [3, null] } } as unknown as PodSource,
  ];

  test('odd input never throws, and findings stay well-formed', () => {
    for (const pod of oddPods) {
      for (const level of levels) {
        for (const version of versions) {
          for (const source of sources) {
            let findings: PssFinding[] = [];
            expect(() => {
              findings = evaluate(pod, { level, version }, source);
            }).not.toThrow();
            for (const f of findings) {
              expect(typeof f.checkId).toBe('string');
              expect(typeof f.message).toBe('string');
              expect(f.message.startsWith(f.reason)).toBe(true);
              expect(f.paths.every((p) => typeof p === 'string')).toBe(true);
            }
            expect(() => podSecurityForbiddenMessage(findings, { level, version })).not.toThrow();
          }
        }
      }
    }
  });

  test('a value of the wrong type never counts as allowed', () => {
    expect(ids(evaluate(containerPod({ privileged: 'false' }), { level: 'baseline' }))).toEqual(['privileged']);
    const withContainerSC = (sc: Obj) => restrictedPod({ containers: [{ name: 'app', securityContext: { ...RESTRICTED_CONTAINER_SC, ...sc } }] });
    expect(ids(evaluate(withContainerSC({ allowPrivilegeEscalation: 'false' })))).toEqual(['allowPrivilegeEscalation']);
    expect(messages(evaluate({ spec: { hostNetwork: 'no' } }, { level: 'baseline' }))).toEqual(['host namespaces (hostNetwork=true)']);
    expect(messages(evaluate(restrictedPod({ securityContext: { runAsNonRoot: 'true', seccompProfile: { type: 'RuntimeDefault' } } }))))
      .toEqual(['runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)']);
    expect(ids(evaluate(withContainerSC({ runAsUser: '1000' })))).toEqual(['runAsUser']);
    expect(ids(evaluate(withContainerSC({ runAsUser: 1000 })))).toEqual([]);
    expect(messages(evaluate({ spec: { containers: [{ name: 'a', ports: [{ hostPort: '80' }] }] } }, { level: 'baseline' })))
      .toEqual(['hostPort (container "a" uses hostPort 80)']);
  });

  test('the input is not modified', () => {
    const deepFreeze = <T>(o: T): T => {
      if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
        Object.freeze(o);
        for (const v of Object.values(o)) {
          deepFreeze(v);
        }
      }
      return o;
    };
    const pods = [
      fixture('volumes.yaml'),
      fixture('raycluster.yaml'),
      fixture('user-namespace.yaml'),
      { spec: { hostNetwork: true, volumes: [{ name: 'v' }], containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } },
    ];
    for (const pod of pods) {
      const before = JSON.parse(JSON.stringify(pod));
      deepFreeze(pod);
      for (const level of levels) {
        expect(() => evaluate(pod, { level })).not.toThrow();
      }
      expect(pod).toEqual(before);
    }
  });
});

describe('options', () => {
  test.each(['v1.38', 'v2.0', '1.25', 'v1.025', 'v1', 'v1.', '', 'LATEST', 'v1.-1', ' v1.25', 'v1.25 '])('version %j is rejected', (version) => {
    expect(() => evaluate({}, { version })).toThrow(PssOptionError);
    expect(() => evaluate({}, { version })).toThrow(/expected "latest" or v1\.0 to v1\.37/);
    expect(parsePssVersion(version)).toBeUndefined();
  });

  test('supported versions parse', () => {
    expect(parsePssVersion('latest')).toEqual({ major: 1, minor: 37 });
    expect(parsePssVersion('v1.0')).toEqual({ major: 1, minor: 0 });
    expect(parsePssVersion('v1.37')).toEqual({ major: 1, minor: 37 });
    expect(LATEST_PSS_VERSION).toBe('v1.37');
    // The restricted pod passes at every version, and a baseline-breaking one fails at every version.
    for (let minor = 0; minor <= 37; minor++) {
      expect(evaluate(restrictedPod(), { version: `v1.${minor}` })).toEqual([]);
      expect(ids(evaluate(restrictedPod({ hostNetwork: true }), { version: `v1.${minor}` }))).toEqual(['hostNamespaces']);
    }
  });

  test('isSupportedPssVersion', () => {
    expect(isSupportedPssVersion('latest')).toBe(true);
    expect(isSupportedPssVersion('v1.37')).toBe(true);
    expect(isSupportedPssVersion('v1.38')).toBe(false);
  });

  test('unknown levels are rejected', () => {
    expect(() => evaluate({}, { level: 'privileged' as PssLevel })).toThrow(PssOptionError);
    expect(() => podSecurityForbiddenMessage([], { version: 'v9.9' })).toThrow(PssOptionError);
  });

  test('the default is restricted at latest', () => {
    const pod = containerPod({});
    expect(evaluate(pod)).toEqual(evaluate(pod, { level: 'restricted', version: 'latest' }));
    expect(evaluate(pod, {})).toEqual(evaluate(pod, { level: 'restricted', version: 'v1.37' }));
  });
});

describe('Go formatting helpers', () => {
  test('joinQuote', () => {
    expect(joinQuote([])).toBe('');
    expect(joinQuote(['a'])).toBe('"a"');
    expect(joinQuote(['a', 'b"c'])).toBe('"a", "b"c"');
  });

  test('sorting is by code point (UTF-8 bytes), like sort.Strings', () => {
    expect(['b', 'B', 'a', 'ab', 'a'].sort(compareGoStrings)).toEqual(['B', 'a', 'a', 'ab', 'b']);
    // U+1F600 (a surrogate pair in UTF-16) sorts after U+FF5E in UTF-8, unlike JavaScript's default sort
    expect(['\u{1F600}', '\uFF5E'].sort(compareGoStrings)).toEqual(['\uFF5E', '\u{1F600}']);
    expect(sortedSet(['x', 'y', 'x'])).toEqual(['x', 'y']);
  });

  test('goQuote escapes like strconv.Quote', () => {
    expect(goQuote('plain text')).toBe('"plain text"');
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\t\n\r\x07\b\f\v')).toBe('"\\t\\n\\r\\a\\b\\f\\v"');
    expect(goQuote('\x01\x7f')).toBe('"\\x01\\x7f"');
    expect(goQuote('\u0085\u200b')).toBe('"\\u0085\\u200b"');
    expect(goQuote('héllo 世界 \u{1F600}')).toBe('"héllo 世界 \u{1F600}"');
    expect(goQuote('\u{E0001}')).toBe('"\\U000e0001"');
    expect(goQuote('\uD800')).toBe('"\uFFFD"');
  });
});
