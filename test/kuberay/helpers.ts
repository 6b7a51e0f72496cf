import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import type { JsonObject, JsonValue } from '../../src/policy/types';

/** A JSON object with defined members. */
export type Obj = { [key: string]: JsonValue };

/** The value as an object; throws (fails the test) otherwise. */
export function obj(v: unknown): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`not an object: ${JSON.stringify(v)}`);
  return v as Obj;
}

/** The value as an array; throws otherwise. */
export function arr(v: unknown): JsonValue[] {
  if (!Array.isArray(v)) throw new Error(`not an array: ${JSON.stringify(v)}`);
  return v;
}

/** A pod's containers of one list. */
export function containersOf(pod: JsonObject, list: 'containers' | 'initContainers' = 'containers'): Obj[] {
  const v = obj(pod.spec)[list];
  return v === undefined ? [] : arr(v).map(obj);
}

/** A pod's container by name. */
export function containerOf(pod: JsonObject, name: string, list: 'containers' | 'initContainers' = 'containers'): Obj {
  const c = containersOf(pod, list).find((x) => x.name === name);
  if (!c) throw new Error(`no ${list} ${name}`);
  return c;
}

/** The env var of a container by name. */
export function envOf(container: Obj, name: string): Obj | undefined {
  const env = container.env === undefined ? [] : arr(container.env).map(obj);
  return env.find((e) => e.name === name);
}

/** Every env name of a container, in order. */
export function envNames(container: Obj): string[] {
  return (container.env === undefined ? [] : arr(container.env).map(obj)).map((e) => String(e.name));
}

/** An object's `metadata.labels`. */
export function labelsOf(o: JsonObject | undefined): Obj {
  return obj(obj(o?.metadata).labels);
}

/** A restricted container securityContext. */
export const RESTRICTED_SC: Obj = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** A small, valid RayClusterSpec (head + one worker group), restricted everywhere. */
export function clusterSpec(extra: Obj = {}): Obj {
  return {
    rayVersion: '2.52.0',
    headGroupSpec: {
      rayStartParams: {},
      template: {
        metadata: { labels: { tenant: 'team-a' } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'ray-head',
            image: 'rayproject/ray:2.52.0',
            securityContext: RESTRICTED_SC,
            resources: { limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '1', memory: '2Gi' } },
            ports: [
              { containerPort: 6379, name: 'gcs-server' },
              { containerPort: 8265, name: 'dashboard' },
              { containerPort: 10001, name: 'client' },
            ],
          }],
        },
      },
    },
    workerGroupSpecs: [{
      groupName: 'small',
      replicas: 1,
      minReplicas: 1,
      maxReplicas: 3,
      rayStartParams: {},
      template: {
        spec: {
          containers: [{
            name: 'ray-worker',
            image: 'rayproject/ray:2.52.0',
            securityContext: RESTRICTED_SC,
            resources: { limits: { cpu: '1', memory: '2Gi' } },
          }],
        },
      },
    }],
    ...extra,
  };
}

/** Deep-freezes a value (so a test fails if the model mutates its input). */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    Object.values(v as object).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
}

/** Every document of a YAML file, as plain JSON. */
export function loadDocs(file: string): JsonObject[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as JsonObject).filter((d) => d !== null && typeof d === 'object');
}
