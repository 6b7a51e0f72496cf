import { isDns1123Label } from './kubernetes/names';
import { PropsError, requireQuantity, requireString } from './validation';

/** The storage medium of an emptyDir volume. */
export enum EmptyDirMedium {
  /** The node's default medium (disk). */
  DEFAULT = '',
  /** tmpfs (RAM-backed), e.g. for `/dev/shm`. */
  MEMORY = 'Memory',
}

/** Options of {@link RayVolume.emptyDir}. */
export interface EmptyDirOptions {
  /**
   * The storage medium.
   * @default EmptyDirMedium.DEFAULT
   */
  readonly medium?: EmptyDirMedium;
  /**
   * The size limit, a Kubernetes quantity such as `'1Gi'`.
   * @default - no limit
   */
  readonly sizeLimit?: string;
}

/** A key of a ConfigMap or Secret projected to a file. */
export interface KeyToPath {
  /** The key in the ConfigMap or Secret. */
  readonly key: string;
  /** The relative file path. */
  readonly path: string;
}

/** Options of {@link RayVolume.configMap} and {@link RayVolume.secret}. */
export interface ConfigVolumeOptions {
  /**
   * Project only these keys.
   * @default - every key, each to a file named after it
   */
  readonly items?: KeyToPath[];
  /**
   * File mode bits (decimal, e.g. 0o444 = 292).
   * @default 0o644 (Kubernetes' default)
   */
  readonly defaultMode?: number;
  /**
   * Whether the ConfigMap or Secret may be missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** Options of {@link RayVolume.persistentVolumeClaim}. */
export interface PersistentVolumeClaimVolumeOptions {
  /**
   * Mount the claim read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

const RAY_VOLUME = Symbol.for('cdk8s-secure-ray.RayVolume');

/**
 * A pod volume of a type the `restricted` Pod Security Standard allows. There is deliberately no
 * hostPath: a template that brings one is refused at synth.
 */
export class RayVolume {
  /**
   * True when `x` is a RayVolume, from this copy of the library or another one (an app may
   * resolve two copies; `instanceof` would then say no).
   */
  public static isRayVolume(x: unknown): x is RayVolume {
    return typeof x === 'object' && x !== null && RAY_VOLUME in x;
  }

  /** A scratch directory that lives as long as the pod (Ray's `/tmp/ray` logs, `/dev/shm`). */
  public static emptyDir(name: string, options: EmptyDirOptions = {}): RayVolume {
    return new RayVolume(name, 'emptyDir', {
      ...(options.medium ? { medium: options.medium } : {}),
      ...(options.sizeLimit !== undefined ? { sizeLimit: { value: options.sizeLimit } } : {}),
    });
  }

  /** The keys of a ConfigMap as files (e.g. a job script). */
  public static configMap(name: string, configMapName: string, options: ConfigVolumeOptions = {}): RayVolume {
    return new RayVolume(name, 'configMap', { name: configMapName, ...configOptions(options) });
  }

  /** The keys of a Secret as files. */
  public static secret(name: string, secretName: string, options: ConfigVolumeOptions = {}): RayVolume {
    return new RayVolume(name, 'secret', { secretName, ...configOptions(options) });
  }

  /** A PersistentVolumeClaim in the tenant's namespace. */
  public static persistentVolumeClaim(name: string, claimName: string, options: PersistentVolumeClaimVolumeOptions = {}): RayVolume {
    return new RayVolume(name, 'persistentVolumeClaim', { claimName, ...(options.readOnly !== undefined ? { readOnly: options.readOnly } : {}) });
  }

  private constructor(
    /** The volume's name in the pod. */
    public readonly name: string,
    private readonly type: string,
    private readonly source: Record<string, unknown>) {
    Object.defineProperty(this, RAY_VOLUME, { value: true });
    requireString(`RayVolume.${type}(name)`, name, isDns1123Label, 'a DNS-1123 label');
    for (const k of ['name', 'secretName', 'claimName'] as const) {
      if (k in source) requireString(`RayVolume.${type}(${name}).${k}`, source[k], (v) => v.length > 0 && v.length <= 253, 'a non-empty object name');
    }
    const sizeLimit = (source.sizeLimit as { value?: unknown } | undefined)?.value;
    if (sizeLimit !== undefined) requireQuantity(`RayVolume.${type}(${name}).sizeLimit`, sizeLimit);
    const medium = source.medium;
    if (medium !== undefined && !(Object.values(EmptyDirMedium) as unknown[]).includes(medium)) {
      throw new PropsError(`RayVolume.${type}(${name}).medium: ${JSON.stringify(medium)} is not one of ${Object.values(EmptyDirMedium).map((m) => JSON.stringify(m)).join(', ')}`);
    }
  }

  /** @internal the volume in the generated types' form */
  public _render(): Record<string, unknown> {
    return { name: this.name, [this.type]: { ...this.source } };
  }
}

function configOptions(options: ConfigVolumeOptions): Record<string, unknown> {
  return {
    ...(options.items ? { items: options.items.map((i) => ({ key: i.key, path: i.path })) } : {}),
    ...(options.defaultMode !== undefined ? { defaultMode: options.defaultMode } : {}),
    ...(options.optional !== undefined ? { optional: options.optional } : {}),
  };
}

/** Where a volume is mounted in a container. */
export interface VolumeMount {
  /** The volume (or its name, for volumes that come with a template). */
  readonly volume: RayVolume | string;
  /** The absolute path in the container. */
  readonly mountPath: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * A sub-path of the volume to mount.
   * @default - the volume's root
   */
  readonly subPath?: string;
}
