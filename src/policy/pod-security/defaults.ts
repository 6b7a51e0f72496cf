/**
 * The API-server defaults that change a PodSecurity verdict. Upstream evaluates pods
 * after the API server has defaulted them; a static checker sees the manifest as
 * written, so it has to apply these first (without modifying its input).
 *
 * 1. A volume with no volume source is defaulted to `emptyDir: {}`
 *    (`SetDefaults_Volume`, `pkg/apis/core/v1/defaults.go`).
 * 2. In a pod with `hostNetwork: true`, every container and init container port whose
 *    `hostPort` is unset or 0 gets `hostPort = containerPort`
 *    (`SetDefaults_PodSpec` -> `defaultHostNetworkPorts`, same file).
 *
 * @module
 */
import { asObject, isSet } from '../../kubernetes/json';
import { JsonValue } from '../types';

/** Volume sources the restricted profile allows. */
export const ALLOWED_VOLUME_SOURCES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** Every other volume source of `core/v1`, in the order upstream tests them when naming a volume's type. */
export const RESTRICTED_VOLUME_SOURCES: readonly string[] = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

/** The sources a volume sets, after defaulting: a volume that sets none is an `emptyDir` volume. */
export function effectiveVolumeSources(volume: unknown): { sources: string[]; defaulted: boolean } {
  const v = asObject(volume) ?? {};
  const sources = [...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES].filter((k) => isSet(v[k]));
  return sources.length > 0 ? { sources, defaulted: false } : { sources: ['emptyDir'], defaulted: true };
}

/**
 * The `hostPort` a container port ends up with, and the key it comes from: in a
 * host-network pod an unset (or 0) `hostPort` is defaulted to the `containerPort`.
 */
export function effectiveHostPort(port: unknown, hostNetwork: boolean): { value: JsonValue | undefined; from: 'hostPort' | 'containerPort' } {
  const p = asObject(port) ?? {};
  const hostPort = p.hostPort;
  if (hostNetwork && (!isSet(hostPort) || hostPort === 0)) {
    return { value: p.containerPort, from: 'containerPort' };
  }
  return { value: hostPort, from: 'hostPort' };
}
