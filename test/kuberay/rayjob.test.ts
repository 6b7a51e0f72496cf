import {
  arr, clusterSpec, containerOf, containersOf, deepFreeze, envNames, envOf, labelsOf, obj, RESTRICTED_SC,
} from './helpers';
import { buildRayJob, buildJobSubmitCommand, RayJobModel, SIDECAR_SUBMITTER_PATH } from '../../src/kuberay';
import { evaluatePodSecurity } from '../../src/policy/pod-security';
import { checkPodSecurityOfRayCluster } from '../../src/policy/pod-security-rule';
import type { JsonObject } from '../../src/policy/types';

/** A RayJob named `job` in `team-a`; `spec` is merged over a K8sJobMode spec with the small cluster. */
function rayJob(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): JsonObject {
  return <JsonObject>{
    apiVersion: 'ray.io/v1',
    kind: 'RayJob',
    metadata: { name: 'job', namespace: 'team-a', labels: { tenant: 'team-a' }, annotations: { note: 'x' }, ...metadata },
    spec: { entrypoint: 'python /home/ray/main.py', rayClusterSpec: clusterSpec(), ...spec },
  };
}

function head(m: RayJobModel): JsonObject {
  const p = m.rayPods.find((x) => x.nodeType === 'head');
  if (!p) throw new Error('no head pod');
  return p.pod;
}

describe('RayJob → RayCluster (constructRayClusterForRayJob)', () => {
  test('name <rayjob>-xxxxx, the RayJob namespace, its labels and annotations plus the three KubeRay labels', () => {
    const m = buildRayJob(rayJob());
    expect(m.clusterName).toBe('job-xxxxx');
    expect(m.clusterSelector).toBe(false);
    expect(obj(m.rayCluster?.metadata)).toEqual({
      name: 'job-xxxxx',
      namespace: 'team-a',
      labels: {
        'tenant': 'team-a',
        'ray.io/originated-from-cr-name': 'job',
        'ray.io/originated-from-crd': 'RayJob',
        'ray.io/job-submission-mode': 'K8sJobMode',
      },
      annotations: { note: 'x' },
    });
    expect(m.rayCluster?.apiVersion).toBe('ray.io/v1');
    expect(m.rayCluster?.kind).toBe('RayCluster');
    expect(m.rayCluster?.spec).toEqual(clusterSpec());
  });

  test('a KubeRay label on the RayJob is overwritten; the suffix placeholder is configurable', () => {
    const m = buildRayJob(rayJob({ submissionMode: 'HTTPMode' }, { labels: { 'ray.io/originated-from-crd': 'RayService' } }), { randomSuffix: 'abcde' });
    expect(m.clusterName).toBe('job-abcde');
    expect(labelsOf(m.rayCluster)['ray.io/originated-from-crd']).toBe('RayJob');
    expect(labelsOf(m.rayCluster)['ray.io/job-submission-mode']).toBe('HTTPMode');
  });

  test('pods: the existing pod model, with every path pointing into the RayJob', () => {
    const m = buildRayJob(rayJob());
    expect(m.rayPods.map((p) => [p.nodeType, p.group, p.groupPath])).toEqual([
      ['head', 'headgroup', 'spec.rayClusterSpec.headGroupSpec'],
      ['worker', 'small', 'spec.rayClusterSpec.workerGroupSpecs[0]'],
    ]);
    const [h, w] = m.rayPods;
    expect(h.source.specPath).toBe('spec.rayClusterSpec.headGroupSpec.template.spec');
    expect(h.source.metadataPath).toBe('spec.rayClusterSpec.headGroupSpec.template.metadata');
    expect(h.source.containerPaths?.containers).toEqual(['spec.rayClusterSpec.headGroupSpec.template.spec.containers[0]']);
    expect(w.source.containerPaths?.initContainers).toEqual(['spec.rayClusterSpec.workerGroupSpecs[0].template.spec.containers[0]']);
    expect(w.injected).toEqual([expect.objectContaining({
      name: 'wait-gcs-ready',
      settingsFrom: 'spec.rayClusterSpec.workerGroupSpecs[0].template.spec.containers[0].securityContext',
    })]);
    // Pods carry the template labels and KubeRay's, not the RayCluster's metadata labels.
    expect(labelsOf(h.pod)['ray.io/cluster']).toBe('job-xxxxx');
    expect(labelsOf(h.pod).tenant).toBe('team-a');
    expect(labelsOf(h.pod)['ray.io/originated-from-crd']).toBeUndefined();
    expect(labelsOf(h.pod)['ray.io/serve']).toBeUndefined();
  });

  test('the autoscaler sidecar points at spec.rayClusterSpec.autoscalerOptions, reasons included', () => {
    const m = buildRayJob(rayJob({ rayClusterSpec: clusterSpec({ enableInTreeAutoscaling: true }) }));
    const h = m.rayPods[0];
    expect(h.source.containerPaths?.containers?.[1]).toBe('spec.rayClusterSpec.autoscalerOptions');
    const info = h.injected.find((i) => i.name === 'autoscaler');
    expect(info?.settingsFrom).toBe('spec.rayClusterSpec.autoscalerOptions.securityContext');
    expect(info?.reason).toContain('spec.rayClusterSpec.enableInTreeAutoscaling');
    expect(info?.reason).not.toMatch(/(^|\s)spec\.enableInTreeAutoscaling/);
  });

  test('pod-security paths of the rebased pods land in spec.rayClusterSpec', () => {
    const spec = clusterSpec();
    delete obj(arr(obj(obj(obj(spec.headGroupSpec).template).spec).containers)[0]).securityContext;
    const m = buildRayJob(rayJob({ rayClusterSpec: spec }));
    const paths = checkPodSecurityOfRayCluster(m.rayCluster!, {}, m.rayPods).map((v) => v.path);
    expect(paths).toContain('spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].securityContext.allowPrivilegeEscalation');
    expect(paths.every((p) => p.startsWith('spec.rayClusterSpec.'))).toBe(true);
  });

  test('head Services: the cluster\'s <cluster>-head-svc and the RayJob\'s <rayjob>-head-svc, same selector, headless', () => {
    const m = buildRayJob(rayJob());
    const selector = {
      'ray.io/cluster': 'job-xxxxx',
      'ray.io/node-type': 'head',
      'ray.io/identifier': 'job-xxxxx-head',
      'app.kubernetes.io/name': 'kuberay',
      'app.kubernetes.io/created-by': 'kuberay-operator',
    };
    expect(obj(m.clusterHeadService?.metadata)).toEqual({ name: 'job-xxxxx-head-svc', namespace: 'team-a', labels: selector });
    expect(obj(m.headService?.metadata)).toEqual({
      name: 'job-head-svc',
      namespace: 'team-a',
      labels: {
        'ray.io/originated-from-cr-name': 'job',
        'ray.io/originated-from-crd': 'RayJob',
        'ray.io/node-type': 'head',
        'ray.io/identifier': 'job-head',
      },
    });
    for (const svc of [m.clusterHeadService, m.headService]) {
      const spec = obj(svc?.spec);
      expect(spec.selector).toEqual(selector);
      expect(spec.clusterIP).toBe('None');
      expect(spec.publishNotReadyAddresses).toBe(true);
      expect(spec.ports).toEqual([
        { name: 'client', port: 10001, appProtocol: 'tcp' },
        { name: 'dashboard', port: 8265, appProtocol: 'tcp' },
        { name: 'gcs-server', port: 6379, appProtocol: 'tcp' },
        { name: 'metrics', port: 8080, appProtocol: 'tcp' },
      ]);
    }
    expect(m.dashboardURL).toBe('job-xxxxx-head-svc.team-a.svc.cluster.local:8265');
  });

  test('a head template that overrides app.kubernetes.io/name is not selected by the RayJob head Service (noted)', () => {
    const spec = clusterSpec();
    obj(obj(obj(spec.headGroupSpec).template).metadata).labels = { 'app.kubernetes.io/name': 'mine' };
    const m = buildRayJob(rayJob({ rayClusterSpec: spec }));
    expect(obj(obj(m.clusterHeadService?.spec).selector)['app.kubernetes.io/name']).toBe('mine');
    expect(obj(obj(m.headService?.spec).selector)['app.kubernetes.io/name']).toBe('kuberay');
    expect(m.notes.map((n) => n.message)).toContainEqual(expect.stringContaining('Service job-head-svc, which therefore selects no pod'));
  });
});

describe('K8sJobMode: the submitter Job (getSubmitterTemplate, createNewK8sJob)', () => {
  test('KubeRay\'s default template: ray-job-submitter, head image, limits 1/1Gi, requests 500m/200Mi, restartPolicy Never, no securityContext', () => {
    const m = buildRayJob(rayJob());
    expect(m.submissionMode).toBe('K8sJobMode');
    expect(m.submitter).toBe('k8s-job');
    expect(m.submitterPod?.template).toBe('default');
    const pod = m.submitterPod!.pod;
    const spec = obj(pod.spec);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.securityContext).toBeUndefined();
    const c = containerOf(pod, 'ray-job-submitter');
    expect(c.image).toBe('rayproject/ray:2.52.0');
    expect(c.securityContext).toBeUndefined();
    expect(c.resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '200Mi' } });
    expect(c.command).toEqual(['/bin/bash', '-ce', '--']);
    expect(arr(c.args)).toHaveLength(1);
    expect(envNames(c)).toEqual(['PYTHONUNBUFFERED', 'RAY_DASHBOARD_ADDRESS', 'RAY_JOB_SUBMISSION_ID']);
    expect(envOf(c, 'PYTHONUNBUFFERED')?.value).toBe('1');
    expect(envOf(c, 'RAY_DASHBOARD_ADDRESS')?.value).toBe('job-xxxxx-head-svc.team-a.svc.cluster.local:8265');
    expect(envOf(c, 'RAY_JOB_SUBMISSION_ID')?.value).toBe('job-xxxxx');
    expect(labelsOf(pod)).toEqual({
      'ray.io/originated-from-cr-name': 'job',
      'ray.io/originated-from-crd': 'RayJob',
      'app.kubernetes.io/created-by': 'kuberay-operator',
    });
    expect(obj(pod.metadata).namespace).toBe('team-a');
  });

  test('the default submitter\'s source: the path the user would fill, and an injected entry saying so', () => {
    const m = buildRayJob(rayJob());
    expect(m.submitterPod?.source.specPath).toBe('spec.submitterPodTemplate.spec');
    expect(m.submitterPod?.source.containerPaths?.containers?.[0]).toMatch(/^spec\.submitterPodTemplate\.spec\.containers\[0\] \(KubeRay's default/);
    expect(m.submitterPod?.injected).toEqual([expect.objectContaining({ name: 'ray-job-submitter', settingsFrom: 'spec.submitterPodTemplate' })]);
    const paths = evaluatePodSecurity(m.submitterPod!.pod, {}, m.submitterPod!.source).flatMap((f) => f.paths);
    expect(paths).toContain("spec.submitterPodTemplate.spec.containers[0].securityContext.allowPrivilegeEscalation (KubeRay's default ray-job-submitter "
      + 'container: set spec.submitterPodTemplate to choose its securityContext)');
    expect(paths).toContain('spec.submitterPodTemplate.spec.securityContext.runAsNonRoot');
  });

  test('the Job: name <rayjob>, the three labels, backoffLimit 2 by default or submitterConfig.backoffLimit', () => {
    const m = buildRayJob(rayJob());
    expect(m.submitterJob).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'job',
        namespace: 'team-a',
        labels: { 'ray.io/originated-from-cr-name': 'job', 'ray.io/originated-from-crd': 'RayJob', 'app.kubernetes.io/created-by': 'kuberay-operator' },
      },
      spec: { backoffLimit: 2, template: expect.any(Object) },
    });
    expect(obj(buildRayJob(rayJob({ submitterConfig: { backoffLimit: 0 } })).submitterJob?.spec).backoffLimit).toBe(0);
  });

  test('a user template is used as given: resources, restartPolicy and securityContext kept, command kept when set, labels overwritten', () => {
    const template = {
      metadata: { labels: { 'app': 'submitter', 'ray.io/originated-from-crd': 'mine' }, annotations: { a: 'b' } },
      spec: {
        restartPolicy: 'OnFailure',
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'my-submitter',
            image: 'quay.io/kuberay/submitter:v1.5.1',
            command: ['/submitter'],
            args: ['--x'],
            securityContext: RESTRICTED_SC,
            env: [{ name: 'PYTHONUNBUFFERED', value: '0' }],
            resources: { limits: { cpu: '100m', memory: '64Mi' } },
          },
          { name: 'helper', image: 'busybox' },
        ],
      },
    };
    const m = buildRayJob(rayJob({ submitterPodTemplate: template }));
    expect(m.submitterPod?.template).toBe('user');
    const pod = m.submitterPod!.pod;
    const c = containerOf(pod, 'my-submitter');
    expect(c.command).toEqual(['/submitter']);
    expect(c.args).toEqual(['--x']);
    expect(c.securityContext).toEqual(RESTRICTED_SC);
    expect(c.resources).toEqual({ limits: { cpu: '100m', memory: '64Mi' } });
    // Appended even when present.
    expect(envNames(c)).toEqual(['PYTHONUNBUFFERED', 'PYTHONUNBUFFERED', 'RAY_DASHBOARD_ADDRESS', 'RAY_JOB_SUBMISSION_ID']);
    expect(containerOf(pod, 'helper').env).toBeUndefined();
    expect(obj(pod.spec).restartPolicy).toBe('OnFailure');
    expect(labelsOf(pod)).toEqual({
      'app': 'submitter',
      'ray.io/originated-from-crd': 'RayJob',
      'ray.io/originated-from-cr-name': 'job',
      'app.kubernetes.io/created-by': 'kuberay-operator',
    });
    expect(obj(pod.metadata).annotations).toEqual({ a: 'b' });
    expect(m.submitterPod?.source).toEqual({ metadataPath: 'spec.submitterPodTemplate.metadata', specPath: 'spec.submitterPodTemplate.spec' });
    expect(m.submitterPod?.injected).toEqual([]);
    expect(m.refusals).toEqual([]);
  });

  test('a user template without command gets KubeRay\'s; one without containers builds no Job (noted)', () => {
    const m = buildRayJob(rayJob({ submitterPodTemplate: { spec: { containers: [{ name: 's', image: 'i' }] } } }));
    expect(containerOf(m.submitterPod!.pod, 's').command).toEqual(['/bin/bash', '-ce', '--']);
    expect(obj(m.submitterPod!.pod.spec).restartPolicy).toBeUndefined();
    const empty = buildRayJob(rayJob({ submitterPodTemplate: { spec: { containers: [] } } }));
    expect(empty.submitterJob).toBeUndefined();
    expect(empty.notes.map((n) => n.path)).toContain('spec.submitterPodTemplate');
  });

  test('token auth: RAY_AUTH_MODE and RAY_AUTH_TOKEN from the cluster\'s Secret <cluster>, or authOptions.secretName', () => {
    const m = buildRayJob(rayJob({ rayClusterSpec: clusterSpec({ authOptions: { mode: 'token' } }) }));
    const c = containerOf(m.submitterPod!.pod, 'ray-job-submitter');
    expect(envNames(c)).toEqual(['PYTHONUNBUFFERED', 'RAY_DASHBOARD_ADDRESS', 'RAY_JOB_SUBMISSION_ID', 'RAY_AUTH_MODE', 'RAY_AUTH_TOKEN']);
    expect(envOf(c, 'RAY_AUTH_MODE')).toEqual({ name: 'RAY_AUTH_MODE', value: 'token' });
    expect(envOf(c, 'RAY_AUTH_TOKEN')).toEqual({ name: 'RAY_AUTH_TOKEN', valueFrom: { secretKeyRef: { name: 'job-xxxxx', key: 'auth_token' } } });
    const named = buildRayJob(rayJob({ rayClusterSpec: clusterSpec({ authOptions: { mode: 'token', secretName: 'tok' } }) }));
    expect(envOf(containerOf(named.submitterPod!.pod, 'ray-job-submitter'), 'RAY_AUTH_TOKEN')?.valueFrom).toEqual({ secretKeyRef: { name: 'tok', key: 'auth_token' } });
    // The Ray containers get it too (the existing pod model).
    expect(envOf(containerOf(head(m), 'ray-head'), 'RAY_AUTH_TOKEN')?.valueFrom).toEqual({ secretKeyRef: { name: 'job-xxxxx', key: 'auth_token' } });
    // A user template that sets RAY_AUTH_TOKEN keeps its own.
    const own = buildRayJob(rayJob({
      rayClusterSpec: clusterSpec({ authOptions: { mode: 'token' } }),
      submitterPodTemplate: { spec: { containers: [{ name: 's', image: 'i', env: [{ name: 'RAY_AUTH_TOKEN', value: 'v' }] }] } },
    }));
    expect(arr(containerOf(own.submitterPod!.pod, 's').env).filter((e) => obj(e).name === 'RAY_AUTH_TOKEN')).toEqual([{ name: 'RAY_AUTH_TOKEN', value: 'v' }]);
  });

  test('the script: waits for GCS health, submits once (status check), follows the logs; entrypoint after --, unquoted', () => {
    const m = buildRayJob(rayJob({ runtimeEnvYAML: 'pip:\n  - requests==2.26.0\nenv_vars:\n  counter_name: "a<b"\n', entrypointNumCpus: 2 }));
    const script = String(arr(containerOf(m.submitterPod!.pod, 'ray-job-submitter').args)[0]);
    const addr = 'http://job-xxxxx-head-svc.team-a.svc.cluster.local:8265';
    expect(script).toBe([
      `until python -c "import urllib.request; r=urllib.request.urlopen('${addr}/api/gcs_healthz', timeout=10); exit(0 if b'success' in r.read() else 1)"`,
      `>/dev/null 2>&1 ; do echo "Waiting for Ray Dashboard GCS to become healthy at ${addr} ..." ; sleep 2 ; done ;`,
      `if ! ray job status --address ${addr} job-xxxxx >/dev/null 2>&1 ; then ray job submit --address ${addr} --no-wait`,
      '--runtime-env-json "{\\"env_vars\\":{\\"counter_name\\":\\"a\\\\u003cb\\"},\\"pip\\":[\\"requests==2.26.0\\"]}"',
      '--submission-id job-xxxxx --entrypoint-num-cpus 2.000000 -- python /home/ray/main.py ;',
      `fi ; ray job logs --address ${addr} --follow job-xxxxx`,
    ].join(' '));
  });

  test('spec.jobId is the submission id; ENABLE_LOGIN_SHELL gives -cel', () => {
    const m = buildRayJob(rayJob({ jobId: 'my-id' }), { loginShell: true });
    const c = containerOf(m.submitterPod!.pod, 'ray-job-submitter');
    expect(m.jobId).toBe('my-id');
    expect(envOf(c, 'RAY_JOB_SUBMISSION_ID')?.value).toBe('my-id');
    expect(c.command).toEqual(['/bin/bash', '-cel', '--']);
  });

  test('metadata with rayVersion below 2.6.0: KubeRay fails to build the submitter (noted), the cluster still runs', () => {
    const m = buildRayJob(rayJob({ metadata: { a: 'b' }, rayClusterSpec: clusterSpec({ rayVersion: '2.5.0' }) }));
    expect(m.submitterJob).toBeUndefined();
    expect(m.rayPods).toHaveLength(2);
    expect(m.notes.map((n) => n.message)).toContainEqual(expect.stringContaining('the Ray version must be at least 2.6.0'));
  });

  test('head ports without one named dashboard: the RayJob never runs, so no Job and no RayJob head Service (noted)', () => {
    const spec = clusterSpec();
    obj(arr(obj(obj(obj(spec.headGroupSpec).template).spec).containers)[0]).ports = [{ containerPort: 6379, name: 'gcs-server' }];
    const m = buildRayJob(rayJob({ rayClusterSpec: spec }));
    expect(m.rayPods).toHaveLength(2);
    expect(m.clusterHeadService).toBeDefined();
    expect(m.headService).toBeUndefined();
    expect(m.submitterJob).toBeUndefined();
    expect(m.dashboardURL).toBeUndefined();
    expect(m.notes.map((n) => n.path)).toContain('spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].ports');
  });

  test('a head container without ports gets the default ports, dashboard 8265 included', () => {
    const spec = clusterSpec();
    delete obj(arr(obj(obj(obj(spec.headGroupSpec).template).spec).containers)[0]).ports;
    const m = buildRayJob(rayJob({ rayClusterSpec: spec }));
    expect(m.dashboardURL).toBe('job-xxxxx-head-svc.team-a.svc.cluster.local:8265');
    expect(arr(obj(m.headService?.spec).ports).map((p) => obj(p).name)).toEqual(['client', 'dashboard', 'gcs-server', 'metrics', 'serve']);
  });
});

describe('SidecarMode (constructRayClusterForRayJob, getSubmitterContainer)', () => {
  const model = (): RayJobModel => buildRayJob(rayJob({ submissionMode: 'SidecarMode' }));

  test('the submitter container is appended to the head pod: head image, 1/1Gi and 500m/200Mi, no securityContext', () => {
    const m = model();
    expect(m.submitter).toBe('sidecar');
    expect(m.submitterJob).toBeUndefined();
    expect(m.submitterPod).toBeUndefined();
    expect(containersOf(head(m)).map((c) => c.name)).toEqual(['ray-head', 'ray-job-submitter']);
    const c = containerOf(head(m), 'ray-job-submitter');
    expect(c.image).toBe('rayproject/ray:2.52.0');
    expect(c.securityContext).toBeUndefined();
    expect(c.ports).toBeUndefined();
    expect(c.volumeMounts).toBeUndefined();
    expect(c.restartPolicy).toBeUndefined();
    expect(c.resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '200Mi' } });
    expect(c.command).toEqual(['/bin/bash', '-ce', '--']);
    // Built before the status has a dashboard URL: empty.
    expect(envOf(c, 'RAY_DASHBOARD_ADDRESS')).toEqual({ name: 'RAY_DASHBOARD_ADDRESS', value: '' });
    expect(envOf(c, 'RAY_JOB_SUBMISSION_ID')?.value).toBe('job-xxxxx');
    const script = String(arr(c.args)[0]);
    expect(script).toContain("urlopen('http://localhost:8265/api/gcs_healthz'");
    expect(script).toContain('ray job submit --address http://127.0.0.1:8265 --submission-id job-xxxxx -- python /home/ray/main.py ;');
    expect(script).not.toContain('ray job status');
  });

  test('head pod restartPolicy Never; the RayCluster is annotated and labelled SidecarMode', () => {
    const m = model();
    expect(obj(head(m).spec).restartPolicy).toBe('Never');
    expect(obj(m.rayCluster?.metadata).annotations).toEqual({ 'note': 'x', 'ray.io/disable-provisioned-head-restart': 'true' });
    expect(labelsOf(m.rayCluster)['ray.io/job-submission-mode']).toBe('SidecarMode');
  });

  test('source path: spec.submissionMode with a note; injected entry; pod-security reports it there', () => {
    const m = model();
    const h = m.rayPods[0];
    expect(h.source.containerPaths?.containers).toEqual(['spec.rayClusterSpec.headGroupSpec.template.spec.containers[0]', SIDECAR_SUBMITTER_PATH]);
    expect(h.injected.map((i) => [i.name, i.settingsFrom])).toEqual([['ray-job-submitter', 'spec.submissionMode']]);
    const v = checkPodSecurityOfRayCluster(m.rayCluster!, {}, m.rayPods);
    expect(v.map((x) => x.path)).toContain(`spec.submissionMode.securityContext.allowPrivilegeEscalation${SIDECAR_SUBMITTER_PATH.slice('spec.submissionMode'.length)}`);
  });

  test('with autoscaling, the order is Ray container, submitter, autoscaler', () => {
    const m = buildRayJob(rayJob({ submissionMode: 'SidecarMode', rayClusterSpec: clusterSpec({ enableInTreeAutoscaling: true }) }));
    expect(containersOf(head(m)).map((c) => c.name)).toEqual(['ray-head', 'ray-job-submitter', 'autoscaler']);
    expect(m.rayPods[0].injected.map((i) => i.name)).toEqual(['ray-job-submitter', 'autoscaler']);
    expect(m.rayPods[0].source.containerPaths?.containers?.[2]).toBe('spec.rayClusterSpec.autoscalerOptions');
  });

  test('token auth env on the sidecar; the dashboard port comes from the head container', () => {
    const spec = clusterSpec({ authOptions: { mode: 'token' } });
    obj(arr(obj(obj(obj(spec.headGroupSpec).template).spec).containers)[0]).ports = [{ name: 'dashboard', containerPort: 9999 }];
    const m = buildRayJob(rayJob({ submissionMode: 'SidecarMode', rayClusterSpec: spec }));
    const c = containerOf(head(m), 'ray-job-submitter');
    expect(envOf(c, 'RAY_AUTH_TOKEN')?.valueFrom).toEqual({ secretKeyRef: { name: 'job-xxxxx', key: 'auth_token' } });
    expect(String(arr(c.args)[0])).toContain('--address http://127.0.0.1:9999');
  });

  test('gate SidecarSubmitterRestart: container restartPolicy OnFailure and the status check', () => {
    const m = buildRayJob(rayJob({ submissionMode: 'SidecarMode' }), { featureGates: { SidecarSubmitterRestart: true } });
    const c = containerOf(head(m), 'ray-job-submitter');
    expect(c.restartPolicy).toBe('OnFailure');
    expect(String(arr(c.args)[0])).toContain('if ! ray job status --address http://127.0.0.1:8265 job-xxxxx');
  });
});

describe('HTTPMode, InteractiveMode, unknown modes: no submitter pod', () => {
  test.each(['HTTPMode', 'InteractiveMode', 'Bogus'])('%s: cluster and head Service, no Job, no sidecar', (mode) => {
    const m = buildRayJob(rayJob({ submissionMode: mode }));
    expect(m.submissionMode).toBe(mode);
    expect(m.submitter).toBe('none');
    expect(m.submitterJob).toBeUndefined();
    expect(containersOf(head(m)).map((c) => c.name)).toEqual(['ray-head']);
    expect(m.headService).toBeDefined();
    expect(m.notes.map((n) => n.path)).toContain('spec.submissionMode');
  });

  test('InteractiveMode has no job id until spec.jobId is set', () => {
    expect(buildRayJob(rayJob({ submissionMode: 'InteractiveMode' })).jobId).toBeUndefined();
    expect(buildRayJob(rayJob({ submissionMode: 'InteractiveMode', jobId: 'j' })).jobId).toBe('j');
  });
});

describe('clusterSelector mode', () => {
  const selected: JsonObject = {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name: 'shared', namespace: 'team-a' },
    spec: clusterSpec({ rayVersion: '2.55.0', authOptions: { mode: 'token', enableK8sTokenAuth: true } }),
  };

  test('no RayCluster, no pods, no head Service; the submitter targets the selected cluster', () => {
    const m = buildRayJob(rayJob({ rayClusterSpec: undefined, clusterSelector: { 'ray.io/cluster': 'shared', 'other': 'ignored' } }));
    expect(m.clusterSelector).toBe(true);
    expect(m.clusterName).toBe('shared');
    expect(m.rayCluster).toBeUndefined();
    expect(m.rayPods).toEqual([]);
    expect(m.headService).toBeUndefined();
    expect(m.clusterHeadService).toBeUndefined();
    expect(m.refusals).toEqual([]);
    const c = containerOf(m.submitterPod!.pod, 'ray-job-submitter');
    expect(c.image).toBeUndefined();
    expect(envOf(c, 'RAY_DASHBOARD_ADDRESS')?.value).toBe('shared-head-svc.team-a.svc.cluster.local:8265');
  });

  test('with the selected cluster given: its head image, and K8s token auth (env, mount, projected token volume)', () => {
    const m = buildRayJob(rayJob({ rayClusterSpec: undefined, clusterSelector: { 'ray.io/cluster': 'shared' } }), { selectedCluster: selected });
    const pod = m.submitterPod!.pod;
    const c = containerOf(pod, 'ray-job-submitter');
    expect(c.image).toBe('rayproject/ray:2.52.0');
    expect(envOf(c, 'RAY_AUTH_MODE')?.value).toBe('token');
    expect(envOf(c, 'RAY_ENABLE_K8S_TOKEN_AUTH')?.value).toBe('true');
    expect(envOf(c, 'RAY_AUTH_TOKEN')).toBeUndefined();
    expect(c.volumeMounts).toEqual([{ name: 'ray-token', mountPath: '/var/run/secrets/ray.io/serviceaccount', readOnly: true }]);
    expect(obj(pod.spec).volumes).toEqual([{ name: 'ray-token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]);
  });
});

describe('ValidateRayJobMetadata / ValidateRayJobSpec: KubeRay would refuse the RayJob', () => {
  const refusals = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Array<[string, string]> =>
    buildRayJob(rayJob(spec, metadata)).refusals.map((r) => [r.check, r.path]);

  test('a valid RayJob has none', () => {
    expect(buildRayJob(rayJob()).refusals).toEqual([]);
  });

  test('name: at most 47 characters, DNS-1035', () => {
    const long = `a${'b'.repeat(47)}`;
    const m = buildRayJob(rayJob({}, { name: long }));
    expect(m.refusals.map((r) => r.message)).toEqual(['The RayJob metadata is invalid: RayJob name should be no more than 47 characters']);
    expect(buildRayJob(rayJob({}, { name: 'a'.repeat(47) })).refusals).toEqual([]);
    expect(refusals({}, { name: '1job' })).toEqual([['ValidateRayJobMetadata', 'metadata.name']]);
    expect(refusals({}, { name: 'my.job' })).toEqual([['ValidateRayJobMetadata', 'metadata.name']]);
  });

  test('SidecarMode: no submitterPodTemplate, no submitterConfig, head restartPolicy Never or unset', () => {
    const spec = clusterSpec();
    obj(obj(obj(spec.headGroupSpec).template).spec).restartPolicy = 'Always';
    expect(refusals({ submissionMode: 'SidecarMode', submitterPodTemplate: { spec: { containers: [] } }, submitterConfig: { backoffLimit: 1 }, rayClusterSpec: spec }))
      .toEqual([
        ['ValidateRayJobSpec', 'spec.submitterPodTemplate'],
        ['ValidateRayJobSpec', 'spec.submitterConfig'],
        ['ValidateRayJobSpec', 'spec.rayClusterSpec.headGroupSpec.template.spec.restartPolicy'],
      ]);
  });

  test('clusterSelector: not with SidecarMode, suspend or backoffLimit > 0; the cluster name must be set', () => {
    expect(refusals({ rayClusterSpec: undefined, clusterSelector: { 'ray.io/cluster': 'c' }, submissionMode: 'SidecarMode' }))
      .toEqual([['ValidateRayJobSpec', 'spec.submissionMode']]);
    expect(refusals({ rayClusterSpec: undefined, clusterSelector: { 'ray.io/cluster': 'c' }, suspend: true, shutdownAfterJobFinishes: true }))
      .toEqual([['ValidateRayJobSpec', 'spec.suspend']]);
    expect(refusals({ rayClusterSpec: undefined, clusterSelector: { 'ray.io/cluster': 'c' }, backoffLimit: 1 }))
      .toEqual([['ValidateRayJobSpec', 'spec.backoffLimit']]);
    expect(refusals({ rayClusterSpec: undefined, clusterSelector: { other: 'c' } })).toEqual([['ValidateRayJobSpec', 'spec.clusterSelector']]);
    expect(refusals({ rayClusterSpec: undefined })).toEqual([['ValidateRayJobSpec', 'spec.rayClusterSpec']]);
  });

  test('enableK8sTokenAuth is rejected for a RayJob, on top of the cluster-spec checks', () => {
    const m = buildRayJob(rayJob({ rayClusterSpec: clusterSpec({ rayVersion: '2.55.0', authOptions: { mode: 'token', enableK8sTokenAuth: true } }) }));
    expect(m.refusals.map((r) => r.message)).toEqual(['The RayJob spec is invalid: K8s token auth mode is currently not supported for RayJob']);
  });

  test('suspend and TTL need shutdownAfterJobFinishes; deadlines and backoffLimit must be positive', () => {
    const spec = { suspend: true, ttlSecondsAfterFinished: 10, activeDeadlineSeconds: 0, preRunningDeadlineSeconds: -1, backoffLimit: -1 };
    expect(refusals(spec)).toEqual([
      ['ValidateRayJobSpec', 'spec.suspend'],
      ['ValidateRayJobSpec', 'spec.ttlSecondsAfterFinished'],
      ['ValidateRayJobSpec', 'spec.activeDeadlineSeconds'],
      ['ValidateRayJobSpec', 'spec.preRunningDeadlineSeconds'],
      ['ValidateRayJobSpec', 'spec.backoffLimit'],
    ]);
    expect(refusals({ submissionMode: 'InteractiveMode', backoffLimit: 2 })).toEqual([['ValidateRayJobSpec', 'spec.backoffLimit']]);
  });

  test('runtimeEnvYAML must be a YAML mapping', () => {
    expect(refusals({ runtimeEnvYAML: 'pip: [a' })).toEqual([['ValidateRayJobSpec', 'spec.runtimeEnvYAML']]);
    expect(refusals({ runtimeEnvYAML: '- a' })).toEqual([['ValidateRayJobSpec', 'spec.runtimeEnvYAML']]);
    expect(refusals({ runtimeEnvYAML: '' })).toEqual([]);
  });

  test('the embedded cluster spec is checked (ValidateRayClusterSpec), paths under spec.rayClusterSpec', () => {
    const r = buildRayJob(rayJob({ rayClusterSpec: clusterSpec({ authOptions: { mode: 'token' }, rayVersion: '2.51.0', tlsOptions: { enabled: true } }) })).refusals;
    expect(r.map((x) => [x.check, x.path, x.gate])).toEqual([
      ['ValidateRayClusterSpec', 'spec.rayClusterSpec.rayVersion', undefined],
      ['ValidateRayClusterSpec', 'spec.rayClusterSpec.tlsOptions', 'RayClusterMTLS'],
    ]);
    expect(r[0].message).toBe("The RayJob spec is invalid: authOptions.mode is 'token' but minimum Ray version is 2.52.0, got 2.51.0");
  });

  test('deletionStrategy: rules exclude shutdownAfterJobFinishes; TTLs ordered Workers <= Cluster <= Self', () => {
    const rules = [
      { policy: 'DeleteCluster', condition: { jobStatus: 'SUCCEEDED', ttlSeconds: 60 } },
      { policy: 'DeleteWorkers', condition: { jobStatus: 'SUCCEEDED', ttlSeconds: 90 } },
    ];
    const m = buildRayJob(rayJob({ deletionStrategy: { deletionRules: rules } }));
    expect(m.refusals.map((r) => r.message)).toEqual(["for JobStatus 'SUCCEEDED': DeleteCluster TTL (60) must be >= DeleteWorkers TTL (90)"]);
    expect(refusals({ shutdownAfterJobFinishes: true, deletionStrategy: { deletionRules: rules } })).toEqual([['ValidateRayJobSpec', 'spec.deletionStrategy.deletionRules']]);
    expect(buildRayJob(rayJob({ deletionStrategy: { deletionRules: rules } }), { featureGates: { RayJobDeletionPolicy: false } }).refusals
      .map((r) => r.gate)).toEqual(['RayJobDeletionPolicy']);
  });
});

describe('robustness', () => {
  test('never mutates its input', () => {
    const doc = deepFreeze(rayJob({ submissionMode: 'SidecarMode', rayClusterSpec: clusterSpec({ enableInTreeAutoscaling: true, authOptions: { mode: 'token' } }) }));
    const before = JSON.stringify(doc);
    buildRayJob(doc);
    expect(JSON.stringify(doc)).toBe(before);
  });

  test.each([
    ['null', null],
    ['a string', 'x'],
    ['an empty object', {}],
    ['spec is a list', { kind: 'RayJob', metadata: { name: 'j' }, spec: [] }],
    ['rayClusterSpec is a string', { kind: 'RayJob', metadata: { name: 'j' }, spec: { rayClusterSpec: 'x' } }],
    ['head without containers', { kind: 'RayJob', metadata: { name: 'j' }, spec: { submissionMode: 'SidecarMode', rayClusterSpec: { headGroupSpec: {} } } }],
    ['odd types', { kind: 'RayJob', metadata: { name: 5, labels: [] }, spec: { submissionMode: 3, clusterSelector: 'x', submitterPodTemplate: 7, entrypoint: {} } }],
  ])('malformed input (%s): no throw, refusals instead', (_, doc) => {
    const m = buildRayJob(doc as unknown as JsonObject);
    expect(Array.isArray(m.refusals)).toBe(true);
    expect(m.refusals.length).toBeGreaterThan(0);
  });

  test('generateName only: the name is <generateName>xxxxx', () => {
    const m = buildRayJob(rayJob({}, { name: undefined, generateName: 'rayjob-' }));
    expect(m.name).toBe('rayjob-xxxxx');
    expect(m.clusterName).toBe('rayjob-xxxxx-xxxxx');
  });

  test('buildJobSubmitCommand quotes like Go strconv.Quote', () => {
    const r = buildJobSubmitCommand({ entrypoint: ' echo hi ', entrypointResources: '{"a": 1}\n', metadata: { k: 'v&' } }, 'K8sJobMode',
      { dashboardURL: 'http://h:1', jobId: '' });
    expect('command' in r).toBe(true);
    const cmd = 'command' in r ? r.command.join(' ') : '';
    expect(cmd).toContain('--metadata-json "{\\"k\\":\\"v\\\\u0026\\"}"');
    expect(cmd).toContain('--entrypoint-resources "{\\"a\\": 1}\\n"');
    expect(cmd).toContain('ray job submit --address http://h:1 --no-wait');
    expect(cmd).toContain('-- echo hi ;');
  });
});

describe('notes', () => {
  test('suspend (RayJob and cluster spec) and an external managedBy are noted; the model still shows what would be built', () => {
    const m = buildRayJob(rayJob({ suspend: true, shutdownAfterJobFinishes: true, managedBy: 'kueue.x-k8s.io/multikueue', rayClusterSpec: clusterSpec({ suspend: true }) }));
    expect(m.notes.map((n) => n.path)).toEqual(['spec.managedBy', 'spec.suspend', 'spec.rayClusterSpec.suspend']);
    expect(m.refusals).toEqual([]);
    expect(m.rayPods).toHaveLength(2);
  });
});
