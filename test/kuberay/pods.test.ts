import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import {
  INJECTED_CONTAINERS,
  RayPod,
  buildRayPods,
  checkLabel,
  checkName,
  rayPodLabels,
} from '../../src/kuberay';

const AUTOSCALER_CONTAINER = INJECTED_CONTAINERS.autoscaler;
const HISTORY_COLLECTOR_CONTAINER = INJECTED_CONTAINERS.historyCollector;
const TLS_INIT_CONTAINER = INJECTED_CONTAINERS.tlsInit;
const WAIT_GCS_READY_CONTAINER = INJECTED_CONTAINERS.waitGcsReady;
import { JsonObject, JsonValue } from '../../src/policy/types';
import { sharedPath } from '../support/manifests';

type Obj = { [key: string]: JsonValue };

const RESTRICTED_SC: Obj = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** A small, valid RayCluster; `extra` is merged into `spec`. */
function cluster(extra: Obj = {}): JsonObject {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name: 'rc', namespace: 'team-a' },
    spec: {
      rayVersion: '2.52.0',
      headGroupSpec: {
        rayStartParams: {},
        template: {
          metadata: { labels: { tenant: 'team-a' } },
          spec: {
            containers: [{
              name: 'ray-head',
              image: 'rayproject/ray:2.52.0',
              securityContext: RESTRICTED_SC,
              resources: { limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '1', memory: '1Gi' } },
              ports: [{ containerPort: 6379, name: 'gcs-server' }],
            }],
          },
        },
      },
      workerGroupSpecs: [{
        groupName: 'small',
        replicas: 2,
        minReplicas: 1,
        maxReplicas: 5,
        rayStartParams: {},
        template: {
          spec: {
            initContainers: [{ name: 'user-init', image: 'busybox' }],
            containers: [
              {
                name: 'ray-worker',
                image: 'rayproject/ray:2.52.0',
                imagePullPolicy: 'IfNotPresent',
                securityContext: { ...RESTRICTED_SC, runAsUser: 1000 },
                env: [{ name: 'FOO', value: 'bar' }],
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
                resources: { limits: { cpu: '2', memory: '4Gi' } },
              },
              { name: 'sidecar', image: 'fluent/fluent-bit:3.2.2' },
            ],
            volumes: [{ name: 'data', emptyDir: {} }],
          },
        },
      }],
      ...extra,
    },
  };
}

function obj(v: JsonValue | undefined): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`not an object: ${JSON.stringify(v)}`);
  return v;
}
function arr(v: JsonValue | undefined): JsonValue[] {
  if (!Array.isArray(v)) throw new Error(`not an array: ${JSON.stringify(v)}`);
  return v;
}
function spec(p: RayPod): Obj {
  return obj(p.pod.spec);
}
function containers(p: RayPod, list: 'containers' | 'initContainers' = 'containers'): Obj[] {
  const v = spec(p)[list];
  return v === undefined ? [] : arr(v).map(obj);
}
function names(p: RayPod, list: 'containers' | 'initContainers' = 'containers'): string[] {
  return containers(p, list).map((c) => String(c.name));
}
function container(p: RayPod, name: string, list: 'containers' | 'initContainers' = 'containers'): Obj {
  const c = containers(p, list).find((x) => x.name === name);
  if (!c) throw new Error(`no ${list} ${name} in ${p.group}`);
  return c;
}
function labels(p: RayPod): Obj {
  return obj(obj(p.pod.metadata).labels);
}
function volume(p: RayPod, name: string): Obj | undefined {
  const v = spec(p).volumes;
  return v === undefined ? undefined : arr(v).map(obj).find((x) => x.name === name);
}
function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    Object.values(v as object).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
}

describe('buildRayPods: shape', () => {
  test('one head pod, then one pod per worker group, as v1 Pods', () => {
    const pods = buildRayPods(cluster());
    expect(pods.map((p) => [p.nodeType, p.group, p.groupPath])).toEqual([
      ['head', 'headgroup', 'spec.headGroupSpec'],
      ['worker', 'small', 'spec.workerGroupSpecs[0]'],
    ]);
    for (const p of pods) {
      expect(p.pod.apiVersion).toBe('v1');
      expect(p.pod.kind).toBe('Pod');
    }
    expect(obj(pods[0].pod.metadata).generateName).toBe('rc-head-');
    expect(obj(pods[1].pod.metadata).generateName).toBe('rc-small-worker-');
    expect(obj(pods[0].pod.metadata).name).toBe('rc-head');
  });

  test('pods get the RayCluster namespace, whatever the template says', () => {
    const rc = cluster();
    obj(obj(obj(obj(rc.spec).headGroupSpec).template).metadata).namespace = 'elsewhere';
    const [head, worker] = buildRayPods(rc);
    expect(obj(head.pod.metadata).namespace).toBe('team-a');
    expect(obj(worker.pod.metadata).namespace).toBe('team-a');
  });

  test('source paths of template metadata and spec', () => {
    const [head, worker] = buildRayPods(cluster());
    expect(head.source.metadataPath).toBe('spec.headGroupSpec.template.metadata');
    expect(head.source.specPath).toBe('spec.headGroupSpec.template.spec');
    expect(worker.source.specPath).toBe('spec.workerGroupSpecs[0].template.spec');
  });

  test('pod-level fields of the template are kept (hostNetwork, nodeSelector, tolerations, affinity)', () => {
    const rc = cluster();
    const s = obj(obj(obj(arr(obj(rc.spec).workerGroupSpecs)[0]).template).spec);
    s.hostNetwork = true;
    s.nodeSelector = { pool: 'gpu' };
    s.tolerations = [{ key: 'gpu', operator: 'Exists' }];
    s.affinity = { nodeAffinity: {} };
    s.securityContext = { runAsNonRoot: true };
    const worker = buildRayPods(rc)[1];
    expect(spec(worker).hostNetwork).toBe(true);
    expect(spec(worker).nodeSelector).toEqual({ pool: 'gpu' });
    expect(spec(worker).tolerations).toEqual([{ key: 'gpu', operator: 'Exists' }]);
    expect(spec(worker).affinity).toEqual({ nodeAffinity: {} });
    expect(spec(worker).securityContext).toEqual({ runAsNonRoot: true });
  });
});

describe('labels (labelPod)', () => {
  test('rayPodLabels gives KubeRay\'s labels', () => {
    expect(rayPodLabels('rc', 'worker', 'small')).toEqual({
      'ray.io/is-ray-node': 'yes',
      'ray.io/cluster': 'rc',
      'ray.io/node-type': 'worker',
      'ray.io/group': 'small',
      'ray.io/identifier': 'rc-worker',
      'app.kubernetes.io/name': 'kuberay',
      'app.kubernetes.io/created-by': 'kuberay-operator',
    });
  });

  test('every pod carries them, plus the template\'s own labels', () => {
    const [head, worker] = buildRayPods(cluster());
    expect(labels(head)).toEqual({ ...rayPodLabels('rc', 'head', 'headgroup'), tenant: 'team-a' });
    expect(labels(worker)).toEqual(rayPodLabels('rc', 'worker', 'small'));
  });

  test('a template cannot override ray.io/cluster, node-type or group, but can override the others', () => {
    const rc = cluster();
    const meta = obj(obj(obj(obj(rc.spec).headGroupSpec).template).metadata);
    meta.labels = {
      'ray.io/cluster': 'other',
      'ray.io/node-type': 'worker',
      'ray.io/group': 'x',
      'ray.io/is-ray-node': 'no',
      'app.kubernetes.io/name': 'mine',
    };
    const head = buildRayPods(rc)[0];
    expect(labels(head)['ray.io/cluster']).toBe('rc');
    expect(labels(head)['ray.io/node-type']).toBe('head');
    expect(labels(head)['ray.io/group']).toBe('headgroup');
    expect(labels(head)['ray.io/is-ray-node']).toBe('no');
    expect(labels(head)['app.kubernetes.io/name']).toBe('mine');
  });

  test('the group\'s top-level labels are merged over the template\'s', () => {
    const rc = cluster();
    const g = obj(arr(obj(rc.spec).workerGroupSpecs)[0]);
    obj(obj(g.template)).metadata = { labels: { a: 'template', b: 'template' } };
    g.labels = { b: 'group' };
    expect(labels(buildRayPods(rc)[1])).toMatchObject({ a: 'template', b: 'group' });
  });

  test('a RayService cluster gets ray.io/serve (false on the head)', () => {
    const rc = cluster();
    obj(rc.metadata).labels = { 'ray.io/originated-from-crd': 'RayService' };
    const [head, worker] = buildRayPods(rc);
    expect(labels(head)['ray.io/serve']).toBe('false');
    expect(labels(worker)['ray.io/serve']).toBe('true');
  });

  test('checkLabel and checkName follow utils.CheckLabel / utils.CheckName', () => {
    expect(checkLabel('a'.repeat(70))).toHaveLength(63);
    expect(checkLabel('-x')).toBe('rx');
    expect(checkName('b'.repeat(49) + 'cd')).toBe('b'.repeat(48) + 'cd');
    expect(checkName('1abc')).toBe('rabc');
  });
});

describe('worker pods: wait-gcs-ready (DefaultWorkerPodTemplate)', () => {
  test('is appended after the user init containers, copying the Ray container', () => {
    const worker = buildRayPods(cluster())[1];
    expect(names(worker, 'initContainers')).toEqual(['user-init', WAIT_GCS_READY_CONTAINER]);
    const wait = container(worker, WAIT_GCS_READY_CONTAINER, 'initContainers');
    expect(wait.securityContext).toEqual({ ...RESTRICTED_SC, runAsUser: 1000 });
    expect(wait.image).toBe('rayproject/ray:2.52.0');
    expect(wait.imagePullPolicy).toBe('IfNotPresent');
    expect(wait.resources).toEqual({
      limits: { cpu: '200m', memory: '256Mi' },
      requests: { cpu: '200m', memory: '256Mi' },
    });
    expect(wait.env).toEqual([{ name: 'FOO', value: 'bar' }]);
    expect(wait.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
  });

  test('the copied securityContext is a copy, not the Ray container\'s object', () => {
    const worker = buildRayPods(cluster())[1];
    const wait = container(worker, WAIT_GCS_READY_CONTAINER, 'initContainers');
    const ray = container(worker, 'ray-worker');
    expect(wait.securityContext).not.toBe(ray.securityContext);
  });

  test('a Ray container without securityContext gives an init container without one', () => {
    const rc = cluster();
    const ray = obj(arr(obj(obj(obj(arr(obj(rc.spec).workerGroupSpecs)[0]).template).spec).containers)[0]);
    delete ray.securityContext;
    const wait = container(buildRayPods(rc)[1], WAIT_GCS_READY_CONTAINER, 'initContainers');
    expect(wait).not.toHaveProperty('securityContext');
  });

  test('its source path is the Ray container, and it is listed as injected', () => {
    const worker = buildRayPods(cluster())[1];
    expect(worker.source.containerPaths?.initContainers).toEqual([
      'spec.workerGroupSpecs[0].template.spec.initContainers[0]',
      'spec.workerGroupSpecs[0].template.spec.containers[0]',
    ]);
    expect(worker.injected).toEqual([expect.objectContaining({
      list: 'initContainers',
      name: WAIT_GCS_READY_CONTAINER,
      settingsFrom: 'spec.workerGroupSpecs[0].template.spec.containers[0].securityContext',
    })]);
    expect(worker.injected[0].reason).toMatch(/wait-gcs-ready/);
  });

  test('the head pod gets no wait-gcs-ready', () => {
    const head = buildRayPods(cluster())[0];
    expect(names(head, 'initContainers')).toEqual([]);
    expect(head.injected).toEqual([]);
  });

  test('initContainerInjection: false leaves it out', () => {
    const worker = buildRayPods(cluster(), { initContainerInjection: false })[1];
    expect(names(worker, 'initContainers')).toEqual(['user-init']);
    expect(worker.injected).toEqual([]);
    expect(worker.source.containerPaths?.initContainers).toEqual(['spec.workerGroupSpecs[0].template.spec.initContainers[0]']);
  });

  test('initContainerInjection: true is the default', () => {
    expect(names(buildRayPods(cluster(), { initContainerInjection: true })[1], 'initContainers')).toContain(WAIT_GCS_READY_CONTAINER);
  });
});

describe('head pod: autoscaler sidecar (BuildAutoscalerContainer, mergeAutoscalerOverrides)', () => {
  test('none without enableInTreeAutoscaling', () => {
    expect(names(buildRayPods(cluster())[0])).toEqual(['ray-head']);
    expect(names(buildRayPods(cluster({ enableInTreeAutoscaling: false }))[0])).toEqual(['ray-head']);
  });

  test('appended after the Ray container, with defaults and no securityContext', () => {
    const [head, worker] = buildRayPods(cluster({ enableInTreeAutoscaling: true }));
    expect(names(head)).toEqual(['ray-head', AUTOSCALER_CONTAINER]);
    const a = container(head, AUTOSCALER_CONTAINER);
    expect(a).not.toHaveProperty('securityContext');
    expect(a.image).toBe('rayproject/ray:2.52.0');
    expect(a.imagePullPolicy).toBe('IfNotPresent');
    expect(a.resources).toEqual({
      limits: { cpu: '500m', memory: '512Mi' },
      requests: { cpu: '500m', memory: '512Mi' },
    });
    // Only the head pod gets it.
    expect(names(worker)).toEqual(['ray-worker', 'sidecar']);
  });

  test('takes exactly spec.autoscalerOptions.securityContext', () => {
    const sc: Obj = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    const head = buildRayPods(cluster({ enableInTreeAutoscaling: true, autoscalerOptions: { securityContext: sc } }))[0];
    expect(container(head, AUTOSCALER_CONTAINER).securityContext).toEqual(sc);
    // Nothing from the Ray container leaks in.
    expect(container(head, AUTOSCALER_CONTAINER).securityContext).not.toHaveProperty('seccompProfile');
  });

  test('an empty autoscalerOptions.securityContext stays empty', () => {
    const head = buildRayPods(cluster({ enableInTreeAutoscaling: true, autoscalerOptions: { securityContext: {} } }))[0];
    expect(container(head, AUTOSCALER_CONTAINER).securityContext).toEqual({});
  });

  test('resources, image, pull policy, command and args come from autoscalerOptions when set', () => {
    const res: Obj = { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '250m', memory: '256Mi' } };
    const head = buildRayPods(cluster({
      enableInTreeAutoscaling: true,
      autoscalerOptions: { resources: res, image: 'my/autoscaler:1', imagePullPolicy: 'Always', command: ['sh'], args: ['-c', 'x'] },
    }))[0];
    const a = container(head, AUTOSCALER_CONTAINER);
    expect(a.resources).toEqual(res);
    expect(a.image).toBe('my/autoscaler:1');
    expect(a.imagePullPolicy).toBe('Always');
    expect(a.command).toEqual(['sh']);
    expect(a.args).toEqual(['-c', 'x']);
  });

  test('source path is spec.autoscalerOptions, listed as injected', () => {
    const head = buildRayPods(cluster({ enableInTreeAutoscaling: true }))[0];
    expect(head.source.containerPaths?.containers).toEqual([
      'spec.headGroupSpec.template.spec.containers[0]',
      'spec.autoscalerOptions',
    ]);
    expect(head.injected).toEqual([expect.objectContaining({
      list: 'containers',
      name: AUTOSCALER_CONTAINER,
      settingsFrom: 'spec.autoscalerOptions.securityContext',
    })]);
  });

  test('the head gets a service account (template\'s, else the cluster name) and a shared /tmp/ray emptyDir', () => {
    const head = buildRayPods(cluster({ enableInTreeAutoscaling: true }))[0];
    expect(spec(head).serviceAccountName).toBe('rc');
    expect(volume(head, 'ray-logs')).toEqual({ name: 'ray-logs', emptyDir: {} });
    for (const c of ['ray-head', AUTOSCALER_CONTAINER]) {
      expect(container(head, c).volumeMounts).toContainEqual({ name: 'ray-logs', mountPath: '/tmp/ray', readOnly: false });
    }
    const rc = cluster({ enableInTreeAutoscaling: true });
    obj(obj(obj(obj(rc.spec).headGroupSpec).template).spec).serviceAccountName = 'custom-sa';
    expect(spec(buildRayPods(rc)[0]).serviceAccountName).toBe('custom-sa');
  });

  test('autoscaler v2 sets restartPolicy Never on every pod', () => {
    const pods = buildRayPods(cluster({ enableInTreeAutoscaling: true, autoscalerOptions: { version: 'v2' } }));
    expect(pods.map((p) => spec(p).restartPolicy)).toEqual(['Never', 'Never']);
  });
});

describe('history server collector (BuildCollectorContainer)', () => {
  const hs: Obj = { collectorOptions: { image: 'quay.io/kuberay/collector:v1.7.0', env: [{ name: 'STORAGE_BACKEND', value: 'GCS' }] } };

  test('is appended to head and worker pods, without any securityContext', () => {
    const rc = cluster({ historyServerOptions: hs });
    const [head, worker] = buildRayPods(rc);
    expect(names(head)).toEqual(['ray-head', HISTORY_COLLECTOR_CONTAINER]);
    expect(names(worker)).toEqual(['ray-worker', 'sidecar', HISTORY_COLLECTOR_CONTAINER]);
    for (const p of [head, worker]) {
      const c = container(p, HISTORY_COLLECTOR_CONTAINER);
      expect(c).not.toHaveProperty('securityContext');
      expect(c.image).toBe('quay.io/kuberay/collector:v1.7.0');
      expect(c.imagePullPolicy).toBe('IfNotPresent');
      expect(c.resources).toEqual({ limits: { cpu: '200m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } });
      expect(c.env).toEqual([{ name: 'STORAGE_BACKEND', value: 'GCS' }]);
      expect(c.volumeMounts).toEqual([{ name: 'ray-logs', mountPath: '/tmp/ray', readOnly: false }]);
    }
  });

  test('source path is spec.historyServerOptions.collectorOptions; listed as injected', () => {
    const worker = buildRayPods(cluster({ historyServerOptions: hs }))[1];
    expect(worker.source.containerPaths?.containers).toEqual([
      'spec.workerGroupSpecs[0].template.spec.containers[0]',
      'spec.workerGroupSpecs[0].template.spec.containers[1]',
      'spec.historyServerOptions.collectorOptions',
    ]);
    expect(worker.injected.map((i) => [i.list, i.name])).toEqual([
      ['initContainers', WAIT_GCS_READY_CONTAINER],
      ['containers', HISTORY_COLLECTOR_CONTAINER],
    ]);
  });

  test('autoscaler and collector together: Ray container first, autoscaler, then collector', () => {
    const head = buildRayPods(cluster({ enableInTreeAutoscaling: true, historyServerOptions: hs }))[0];
    expect(names(head)).toEqual(['ray-head', AUTOSCALER_CONTAINER, HISTORY_COLLECTOR_CONTAINER]);
    expect(head.source.containerPaths?.containers).toEqual([
      'spec.headGroupSpec.template.spec.containers[0]',
      'spec.autoscalerOptions',
      'spec.historyServerOptions.collectorOptions',
    ]);
  });

  test('no collector without collectorOptions', () => {
    const head = buildRayPods(cluster({ historyServerOptions: {} }))[0];
    expect(names(head)).toEqual(['ray-head']);
  });
});

describe('mTLS (configureTLS)', () => {
  test('wait-for-tls-ip-san is prepended to every pod, copying the Ray container\'s securityContext', () => {
    const [head, worker] = buildRayPods(cluster({ tlsOptions: { enabled: true } }));
    expect(names(head, 'initContainers')).toEqual([TLS_INIT_CONTAINER]);
    expect(names(worker, 'initContainers')).toEqual([TLS_INIT_CONTAINER, 'user-init', WAIT_GCS_READY_CONTAINER]);
    const tlsInit = container(worker, TLS_INIT_CONTAINER, 'initContainers');
    expect(tlsInit.securityContext).toEqual({ ...RESTRICTED_SC, runAsUser: 1000 });
    expect(tlsInit.resources).toEqual({ limits: { cpu: '50m', memory: '64Mi' }, requests: { cpu: '50m', memory: '64Mi' } });
    expect(tlsInit.volumeMounts).toEqual([{ name: 'ray-tls', mountPath: '/etc/ray/tls', readOnly: true }]);
    expect(worker.source.containerPaths?.initContainers).toEqual([
      'spec.workerGroupSpecs[0].template.spec.containers[0]',
      'spec.workerGroupSpecs[0].template.spec.initContainers[0]',
      'spec.workerGroupSpecs[0].template.spec.containers[0]',
    ]);
    expect(worker.injected.map((i) => i.name)).toEqual([WAIT_GCS_READY_CONTAINER, TLS_INIT_CONTAINER]);
  });

  test('adds a Secret volume mounted read-only in the Ray container and wait-gcs-ready', () => {
    const [head, worker] = buildRayPods(cluster({ tlsOptions: { enabled: true } }));
    expect(obj(volume(head, 'ray-tls')).secret).toEqual({ secretName: 'ray-head-secret-rc' });
    expect(obj(volume(worker, 'ray-tls')).secret).toEqual({ secretName: 'ray-worker-secret-rc' });
    for (const [n, list] of [['ray-worker', 'containers'], [WAIT_GCS_READY_CONTAINER, 'initContainers']] as const) {
      expect(container(worker, n, list).volumeMounts).toContainEqual({ name: 'ray-tls', mountPath: '/etc/ray/tls', readOnly: true });
      expect(container(worker, n, list).env).toContainEqual({ name: 'RAY_USE_TLS', value: '1' });
    }
  });

  test('nothing without tlsOptions.enabled', () => {
    const worker = buildRayPods(cluster({ tlsOptions: {} }))[1];
    expect(names(worker, 'initContainers')).toEqual(['user-init', WAIT_GCS_READY_CONTAINER]);
    expect(volume(worker, 'ray-tls')).toBeUndefined();
  });
});

describe('token auth (configureTokenAuth)', () => {
  test('the token comes from the cluster-named Secret into the Ray container and wait-gcs-ready', () => {
    const worker = buildRayPods(cluster({ authOptions: { mode: 'token' } }))[1];
    const tokenEnv = { name: 'RAY_AUTH_TOKEN', valueFrom: { secretKeyRef: { name: 'rc', key: 'auth_token' } } };
    expect(container(worker, 'ray-worker').env).toContainEqual(tokenEnv);
    expect(container(worker, WAIT_GCS_READY_CONTAINER, 'initContainers').env).toContainEqual(tokenEnv);
  });

  test('Kubernetes token auth adds a projected service-account token volume', () => {
    const head = buildRayPods(cluster({ authOptions: { mode: 'token', enableK8sTokenAuth: true } }))[0];
    expect(volume(head, 'ray-token')).toEqual({ name: 'ray-token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } });
  });
});

describe('volumes and ports BuildPod adds', () => {
  test('/dev/shm is a memory emptyDir sized to the Ray container\'s memory limit', () => {
    const [head, worker] = buildRayPods(cluster());
    expect(volume(head, 'shared-mem')).toEqual({ name: 'shared-mem', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } });
    expect(volume(worker, 'shared-mem')).toEqual({ name: 'shared-mem', emptyDir: { medium: 'Memory', sizeLimit: '4Gi' } });
    expect(container(head, 'ray-head').volumeMounts).toEqual([{ name: 'shared-mem', mountPath: '/dev/shm', readOnly: false }]);
    // The sidecar does not get it.
    expect(container(worker, 'sidecar')).not.toHaveProperty('volumeMounts');
  });

  test('no /dev/shm when rayStartParams sets plasma-directory', () => {
    const rc = cluster();
    obj(obj(rc.spec).headGroupSpec).rayStartParams = { 'plasma-directory': '/tmp' };
    expect(volume(buildRayPods(rc)[0], 'shared-mem')).toBeUndefined();
  });

  test('the Ray container gets a metrics port 8080 unless it has one', () => {
    const head = buildRayPods(cluster())[0];
    expect(container(head, 'ray-head').ports).toEqual([
      { containerPort: 6379, name: 'gcs-server' },
      { name: 'metrics', containerPort: 8080 },
    ]);
  });
});

describe('replicas (GetWorkerGroupDesiredReplicas)', () => {
  function replicasOf(group: JsonObject): RayPod['replicas'] {
    const rc = cluster();
    Object.assign(obj(arr(obj(rc.spec).workerGroupSpecs)[0]), group);
    return buildRayPods(rc)[1].replicas;
  }

  test('head is 1/1/1/1', () => {
    expect(buildRayPods(cluster())[0].replicas).toEqual({ min: 1, max: 1, desired: 1, numOfHosts: 1 });
  });

  test('desired is replicas clamped to [min, max]', () => {
    expect(replicasOf({})).toEqual({ min: 1, max: 5, desired: 2, numOfHosts: 1 });
    expect(replicasOf({ replicas: 9 })).toMatchObject({ desired: 5 });
    expect(replicasOf({ replicas: 0 })).toMatchObject({ desired: 1 });
  });

  test('CRD defaults: replicas 0, minReplicas 0, maxReplicas 2147483647, numOfHosts 1', () => {
    expect(replicasOf({ replicas: undefined, minReplicas: undefined, maxReplicas: undefined }))
      .toEqual({ min: 0, max: 2147483647, desired: 0, numOfHosts: 1 });
  });

  test('numOfHosts is reported', () => {
    expect(replicasOf({ numOfHosts: 4 })).toMatchObject({ numOfHosts: 4 });
  });

  test('a suspended group has no pods', () => {
    expect(replicasOf({ suspend: true })).toEqual({ min: 0, max: 0, desired: 0, numOfHosts: 1 });
  });
});

describe('robustness', () => {
  test('malformed input never throws', () => {
    const odd: unknown[] = [
      {},
      { spec: null },
      { metadata: 'x', spec: 'y' },
      { spec: { headGroupSpec: null, workerGroupSpecs: 'nope' } },
      { spec: { headGroupSpec: { template: { spec: { containers: null } } }, workerGroupSpecs: [null, 1, { template: null }] } },
      { spec: { headGroupSpec: { template: { spec: { containers: [null, 'x'], initContainers: 'y' } } } } },
      {
        spec: {
          enableInTreeAutoscaling: true,
          tlsOptions: { enabled: true },
          historyServerOptions: { collectorOptions: {} },
          authOptions: { mode: 'token', enableK8sTokenAuth: true },
          autoscalerOptions: 'x',
          headGroupSpec: { template: { spec: { containers: [{ name: 'x', volumeMounts: 'bad', env: 7, ports: {} }] } } },
          workerGroupSpecs: [{ groupName: 7, replicas: 'x', numOfHosts: -3, template: { spec: { containers: [{}] } } }],
        },
      },
    ];
    // Judged, not thrown on: always a head pod first, worker pods only for groups that are objects.
    for (const o of odd) {
      for (const options of [{}, { initContainerInjection: false }]) {
        const pods = buildRayPods(o as JsonObject, options);
        expect(pods[0]).toMatchObject({ nodeType: 'head', groupPath: 'spec.headGroupSpec' });
        expect(pods.slice(1).every((p) => p.nodeType === 'worker' && /^spec\.workerGroupSpecs\[\d+\]$/.test(p.groupPath))).toBe(true);
      }
    }
    expect(buildRayPods(odd[4] as JsonObject).map((p) => p.groupPath)).toEqual(['spec.headGroupSpec', 'spec.workerGroupSpecs[2]']);
    expect(buildRayPods(null as unknown as JsonObject).map((p) => [p.nodeType, p.groupPath])).toEqual([['head', 'spec.headGroupSpec']]);
  });

  test('a missing spec still gives a head pod with KubeRay\'s labels', () => {
    const pods = buildRayPods({ metadata: { name: 'x' } });
    expect(pods).toHaveLength(1);
    expect(labels(pods[0])['ray.io/cluster']).toBe('x');
    expect(containers(pods[0])).toEqual([]);
  });

  test('workerGroupSpecs that is not an array gives only the head pod', () => {
    const rc = cluster();
    obj(rc.spec).workerGroupSpecs = { groupName: 'x' };
    expect(buildRayPods(rc).map((p) => p.nodeType)).toEqual(['head']);
  });

  test('containers: null gives a pod without Ray-derived injections', () => {
    const rc = cluster();
    obj(obj(obj(arr(obj(rc.spec).workerGroupSpecs)[0]).template).spec).containers = null;
    const worker = buildRayPods(rc)[1];
    expect(containers(worker)).toEqual([]);
    expect(names(worker, 'initContainers')).toEqual(['user-init']);
  });

  test('non-object worker entries are skipped and keep their index in groupPath', () => {
    const rc = cluster();
    const groups = arr(obj(rc.spec).workerGroupSpecs);
    groups.unshift(null);
    expect(buildRayPods(rc).map((p) => p.groupPath)).toEqual(['spec.headGroupSpec', 'spec.workerGroupSpecs[1]']);
  });

  test('the input is not mutated, and results share nothing with it', () => {
    const rc = cluster({
      enableInTreeAutoscaling: true,
      tlsOptions: { enabled: true },
      authOptions: { mode: 'token' },
      historyServerOptions: { collectorOptions: { env: [{ name: 'A', value: 'b' }] } },
      autoscalerOptions: { securityContext: { runAsNonRoot: true }, env: [{ name: 'E', value: 'f' }] },
    });
    const before = JSON.stringify(rc);
    deepFreeze(rc);
    const pods = buildRayPods(rc);
    expect(JSON.stringify(rc)).toBe(before);
    // Mutating a result leaves the input alone.
    const a = container(pods[0], AUTOSCALER_CONTAINER);
    obj(a.securityContext).runAsNonRoot = false;
    expect(JSON.stringify(rc)).toBe(before);
  });
});

describe('corpus: the KubeRay v1.7.0 samples', () => {
  const samplesDir = sharedPath('kuberay', 'samples') ?? '';
  const maybe = samplesDir ? test : test.skip;

  maybe('every RayCluster builds 1 + (worker groups) pods without throwing', () => {
    const files = fs.readdirSync(samplesDir).filter((f) => f.endsWith('.yaml')).sort();
    expect(files).toHaveLength(47);
    let clusters = 0;
    for (const file of files) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(samplesDir, file), 'utf8'));
      for (const doc of docs) {
        const rc = doc.toJS() as JsonObject | null;
        if (!rc || rc.kind !== 'RayCluster') continue;
        clusters++;
        const before = JSON.stringify(rc);
        const pods = buildRayPods(rc);
        const groups = obj(rc.spec).workerGroupSpecs;
        const expected = 1 + (Array.isArray(groups) ? groups.length : 0);
        expect({ file, pods: pods.length }).toEqual({ file, pods: expected });
        expect(JSON.stringify(rc)).toBe(before);
        const groupSpecs = [obj(rc.spec).headGroupSpec, ...(Array.isArray(groups) ? groups : [])];
        pods.forEach((p, i) => {
          // The Ray container stays first, and every container has a source path.
          const templateRay = obj(arr(obj(obj(obj(groupSpecs[i]).template).spec).containers)[0]);
          expect({ file, group: p.group, first: names(p)[0] }).toEqual({ file, group: p.group, first: templateRay.name });
          expect(p.source.containerPaths?.containers?.[0]).toBe(`${p.groupPath}.template.spec.containers[0]`);
          expect(p.source.containerPaths?.containers).toHaveLength(containers(p).length);
          expect(p.source.containerPaths?.initContainers ?? []).toHaveLength(containers(p, 'initContainers').length);
          expect(labels(p)['ray.io/cluster']).toBe(obj(rc.metadata).name);
        });
      }
    }
    expect(clusters).toBe(47);
  });

  maybe('injections seen in the corpus', () => {
    const load = (f: string): JsonObject[] => parseAllDocuments(fs.readFileSync(path.join(samplesDir, f), 'utf8'))
      .map((d) => d.toJS() as JsonObject).filter((d) => d && d.kind === 'RayCluster');
    const [autoscaled] = load('ray-cluster.autoscaler.yaml');
    const head = buildRayPods(autoscaled)[0];
    expect(names(head)).toEqual(['ray-head', AUTOSCALER_CONTAINER]);
    expect(container(head, AUTOSCALER_CONTAINER).securityContext).toEqual({});

    const [hs] = load('ray-cluster.historyserver.yaml');
    for (const p of buildRayPods(hs)) expect(names(p)).toContain(HISTORY_COLLECTOR_CONTAINER);

    const [mtls] = load('ray-cluster.mtls.yaml');
    for (const p of buildRayPods(mtls)) expect(names(p, 'initContainers')[0]).toBe(TLS_INIT_CONTAINER);

    const [multi] = load('ray-cluster.tpu-v6e-256-multihost.yaml');
    expect(buildRayPods(multi)[1].replicas).toEqual({ min: 0, max: 1, desired: 1, numOfHosts: 64 });
  });
});
