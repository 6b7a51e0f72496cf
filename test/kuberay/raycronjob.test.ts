import { clusterSpec, containerOf, deepFreeze, labelsOf, obj } from './helpers';
import { cronScheduleError } from '../../src/kuberay/cron';
import { buildRayCronJob, DEFAULT_SCHEDULED_TIME } from '../../src/kuberay/raycronjob';
import { checkPodSecurityOfRayCluster } from '../../src/policy/pod-security-rule';
import type { JsonObject } from '../../src/policy/types';

function rayCronJob(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): JsonObject {
  return <JsonObject>{
    apiVersion: 'ray.io/v1',
    kind: 'RayCronJob',
    metadata: { name: 'nightly', namespace: 'team-a', labels: { tenant: 'team-a' }, annotations: { note: 'x' }, ...metadata },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: { entrypoint: 'python main.py', shutdownAfterJobFinishes: true, rayClusterSpec: clusterSpec() },
      ...spec,
    },
  };
}

describe('RayCronJob → RayJob (constructRayJob)', () => {
  test('name <raycronjob>-<Unix minutes>; only the ray.io/cronjob-name label; the scheduled-timestamp annotation; spec = jobTemplate', () => {
    const m = buildRayCronJob(rayCronJob());
    expect(DEFAULT_SCHEDULED_TIME).toBe('2026-01-01T00:00:00Z');
    expect(m.rayJobName).toBe('nightly-29453760');
    expect(m.rayJob).toEqual({
      apiVersion: 'ray.io/v1',
      kind: 'RayJob',
      metadata: {
        name: 'nightly-29453760',
        namespace: 'team-a',
        labels: { 'ray.io/cronjob-name': 'nightly' },
        annotations: { 'ray.io/cronjob-scheduled-timestamp': '2026-01-01T00:00:00Z' },
      },
      spec: { entrypoint: 'python main.py', shutdownAfterJobFinishes: true, rayClusterSpec: clusterSpec() },
    });
    const later = buildRayCronJob(rayCronJob(), { scheduledTime: '2026-01-01T00:05:30.500Z' });
    expect(later.rayJobName).toBe('nightly-29453765');
    expect(obj(later.rayJob.metadata).annotations).toEqual({ 'ray.io/cronjob-scheduled-timestamp': '2026-01-01T00:05:30Z' });
  });

  test('the RayCronJob\'s labels do not reach the RayJob, its RayCluster or its pods', () => {
    const m = buildRayCronJob(rayCronJob());
    expect(labelsOf(m.job.rayCluster)).toEqual({
      'ray.io/cronjob-name': 'nightly',
      'ray.io/originated-from-cr-name': 'nightly-29453760',
      'ray.io/originated-from-crd': 'RayJob',
      'ray.io/job-submission-mode': 'K8sJobMode',
    });
    expect(m.job.clusterName).toBe('nightly-29453760-xxxxx');
    expect(obj(m.job.rayCluster?.metadata).annotations).toEqual({ 'ray.io/cronjob-scheduled-timestamp': '2026-01-01T00:00:00Z' });
  });

  test('what the RayJob builds, with every path into the RayCronJob (spec.jobTemplate…)', () => {
    const m = buildRayCronJob(rayCronJob());
    expect(m.job.rayPods.map((p) => p.groupPath)).toEqual(['spec.jobTemplate.rayClusterSpec.headGroupSpec', 'spec.jobTemplate.rayClusterSpec.workerGroupSpecs[0]']);
    expect(m.job.submitterPod?.source.specPath).toBe('spec.jobTemplate.submitterPodTemplate.spec');
    expect(m.job.submitterPod?.source.containerPaths?.containers?.[0]).toMatch(/^spec\.jobTemplate\.submitterPodTemplate\.spec\.containers\[0\] \(/);
    expect(m.job.submitterPod?.injected[0].settingsFrom).toBe('spec.jobTemplate.submitterPodTemplate');
    expect(containerOf(m.job.submitterPod!.pod, 'ray-job-submitter').image).toBe('rayproject/ray:2.52.0');
    expect(obj(m.job.submitterJob?.metadata).name).toBe('nightly-29453760');
    expect(obj(m.job.headService?.metadata).name).toBe('nightly-29453760-head-svc');
    const spec = clusterSpec();
    obj(obj(obj(spec.headGroupSpec).template).spec).hostNetwork = true;
    const bad = buildRayCronJob(rayCronJob({ jobTemplate: { rayClusterSpec: spec, submissionMode: 'SidecarMode' } }));
    const paths = checkPodSecurityOfRayCluster(bad.job.rayCluster!, {}, bad.job.rayPods).map((v) => v.path);
    expect(paths).toContain('spec.jobTemplate.rayClusterSpec.headGroupSpec.template.spec.hostNetwork');
    expect(paths.some((p) => p.startsWith('spec.jobTemplate.submissionMode.securityContext'))).toBe(true);
    expect(bad.job.rayPods[0].source.containerPaths?.containers?.[1]).toContain('only the pod-level spec.jobTemplate.rayClusterSpec.headGroupSpec.template.spec.securityContext applies');
  });

  test('the alpha gate RayCronJob: off by default (noted), on when asked', () => {
    const off = buildRayCronJob(rayCronJob());
    expect(off.controllerEnabled).toBe(false);
    expect(off.notes.map((n) => n.message)).toContainEqual(expect.stringContaining('alpha feature gate RayCronJob'));
    const on = buildRayCronJob(rayCronJob(), { featureGates: { RayCronJob: true } });
    expect(on.controllerEnabled).toBe(true);
    expect(on.notes).toEqual([]);
    expect(buildRayCronJob(rayCronJob({ suspend: true })).suspended).toBe(true);
  });
});

describe('ValidateRayCronJobSpec: KubeRay would refuse the RayCronJob', () => {
  const refusals = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Array<[string, string, string]> =>
    buildRayCronJob(rayCronJob(spec, metadata)).refusals.map((r) => [r.check, r.path, r.message]);

  test('a valid RayCronJob has none', () => {
    expect(refusals({})).toEqual([]);
    expect(refusals({ timeZone: 'Asia/Taipei' })).toEqual([]);
  });

  test('name at most 36 characters (the RayJob adds up to 11)', () => {
    expect(refusals({}, { name: 'a'.repeat(37) })).toEqual([['ValidateRayCronJobSpec', 'metadata.name', 'RayCronJob name should be no more than 36 characters']]);
    expect(refusals({}, { name: 'a'.repeat(36) })).toEqual([]);
  });

  test('a name that is not a DNS-1035 label passes the RayCronJob check but not its RayJob\'s', () => {
    expect(refusals({}, { name: '1nightly' }).map((r) => r[0])).toEqual(['ValidateRayJobMetadata']);
  });

  test('schedule: no TZ, a standard cron expression; timeZone: not empty, known', () => {
    expect(refusals({ schedule: 'CRON_TZ=UTC 0 3 * * *' })).toEqual([
      ['ValidateRayCronJobSpec', 'spec.schedule', 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
    ]);
    expect(refusals({ schedule: '0 3 * *' })[0][2]).toBe('invalid cron schedule: expected exactly 5 fields, found 4: [0 3 * *]');
    expect(refusals({ timeZone: '' })[0][1]).toBe('spec.timeZone');
    expect(refusals({ timeZone: 'Mars/Olympus' })[0][2]).toBe('invalid time zone: unknown time zone Mars/Olympus');
  });

  test('the job template is checked with ValidateRayJobSpec, paths under spec.jobTemplate', () => {
    expect(refusals({ jobTemplate: { rayClusterSpec: clusterSpec(), submissionMode: 'SidecarMode', submitterPodTemplate: { spec: {} } } })).toEqual([
      ['ValidateRayCronJobSpec', 'spec.jobTemplate.submitterPodTemplate', "invalid RayJob template: Currently, SidecarMode doesn't support SubmitterPodTemplate"],
    ]);
    expect(refusals({ jobTemplate: { rayClusterSpec: clusterSpec({ tlsOptions: { enabled: true } }) } })).toEqual([
      ['ValidateRayCronJobSpec', 'spec.jobTemplate.rayClusterSpec.tlsOptions',
        'invalid RayJob template: The RayJob spec is invalid: spec.tlsOptions requires the RayClusterMTLS feature gate to be enabled'],
    ]);
  });
});

describe('cron schedules (robfig/cron ParseStandard)', () => {
  test.each([
    '* * * * *', '45 21 * * *', '*/5 * * * *', '0 0 1,15 * MON-FRI', '0 12 ? JAN,jul SUN', '5/10 * * * *', '@hourly', '@every 1h30m',
  ])('accepts %s', (s) => {
    expect(cronScheduleError(s)).toBeUndefined();
  });

  test.each([
    ['', 'empty spec string'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['x * * * *', 'failed to parse int from x'],
    ['@weekdays', 'unrecognized descriptor: @weekdays'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
  ])('rejects %j', (s, err) => {
    expect(cronScheduleError(s)).toBe(err);
  });
});

describe('robustness', () => {
  test('never mutates its input; malformed input gives refusals', () => {
    const doc = deepFreeze(rayCronJob());
    const before = JSON.stringify(doc);
    buildRayCronJob(doc);
    expect(JSON.stringify(doc)).toBe(before);
    for (const bad of [null, {}, { kind: 'RayCronJob', spec: { jobTemplate: 'x', schedule: 5 } }]) {
      expect(buildRayCronJob(bad as unknown as JsonObject).refusals.length).toBeGreaterThan(0);
    }
    expect(buildRayCronJob(rayCronJob(), { scheduledTime: 'not a date' }).rayJobName).toBe('nightly-29453760');
  });
});
