/**
 * The checked, immutable form of a Ray cluster config that `resolve.ts` produces and the renderers
 * read.
 *
 * @module
 */
import { AutoscalerVersion, UpscalingMode } from '../autoscaling';
import { PinnedPortPlan } from '../policy/pinned-ports';
import { TenantProfile } from '../tenant';
import { RayAuthentication } from './config';

type Json = Record<string, any>;

/** A request and a limit, both optional, as checked quantity strings. */
export interface ResolvedQuantityPair {
  /** The request. */
  readonly request?: string;
  /** The limit. */
  readonly limit?: string;
}

/** CPU and memory as checked quantity strings. */
export interface ResolvedResources {
  /** CPU. */
  readonly cpu?: ResolvedQuantityPair;
  /** Memory. */
  readonly memory?: ResolvedQuantityPair;
}

/** A container port in manifest form. */
export interface PortJson {
  /** The port. */
  readonly containerPort: number;
  /** Its name. */
  readonly name?: string;
  /** Its protocol. */
  readonly protocol?: string;
}

/** A volume mount in manifest form. */
export interface MountJson {
  /** The volume's name. */
  readonly name: string;
  /** Where it is mounted. */
  readonly mountPath: string;
  /** Read-only. */
  readonly readOnly?: boolean;
  /** A sub-path of the volume. */
  readonly subPath?: string;
}

/** An environment variable with a literal value. */
export interface EnvVar {
  /** The name. */
  readonly name: string;
  /** The value. */
  readonly value: string;
}

/** A sidecar or init container, checked. */
export interface ResolvedContainer {
  /** The name. */
  readonly name: string;
  /** The image. */
  readonly image: string;
  /** The entrypoint. */
  readonly command?: readonly string[];
  /** The arguments. */
  readonly args?: readonly string[];
  /** Environment variables. */
  readonly env: readonly EnvVar[];
  /** Volume mounts. */
  readonly volumeMounts: readonly MountJson[];
  /** Ports. */
  readonly ports: readonly PortJson[];
  /** CPU and memory. */
  readonly resources?: ResolvedResources;
}

/** The head group or one worker group, checked. */
export interface ResolvedGroup {
  /** The prop it came from: `head` or `workerGroups[i]`. */
  readonly prop: string;
  /** `head` or `worker`. */
  readonly nodeType: 'head' | 'worker';
  /** The worker group's name (`headgroup` for the head). */
  readonly groupName: string;
  /** Replica counts (worker groups). */
  readonly replicas?: { readonly desired: number; readonly min: number; readonly max: number };
  /** The user's template: a checked deep copy (copy it again before changing it). */
  readonly template: Json;
  /** CPU and memory of the Ray container. */
  readonly resources?: ResolvedResources;
  /** GPUs of the Ray container. */
  readonly gpus: number;
  /** `rayStartParams`, with the pinned ports in pinned-ports mode. */
  readonly rayStartParams: Readonly<Record<string, string>>;
  /** Env of the Ray container. */
  readonly env: readonly EnvVar[];
  /** Volumes added to the template's, in manifest (generated types') form. */
  readonly volumes: readonly Json[];
  /** Mounts of the Ray container. */
  readonly volumeMounts: readonly MountJson[];
  /** Extra ports of the Ray container; undefined means the default (the head's Ray ports). */
  readonly ports?: readonly PortJson[];
  /** Sidecars. */
  readonly sidecars: readonly ResolvedContainer[];
  /** Init containers. */
  readonly initContainers: readonly ResolvedContainer[];
  /** Extra node selector entries. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Extra pod labels. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The pods' service account. */
  readonly serviceAccountName?: string;
}

/** Autoscaling, checked, with its defaults. */
export interface ResolvedAutoscaling {
  /** Seconds an idle worker lives. */
  readonly idleTimeoutSeconds: number;
  /** Upscaling speed. */
  readonly upscalingMode: UpscalingMode;
  /** Autoscaler version. */
  readonly version: AutoscalerVersion;
  /** The sidecar's CPU and memory (the defaults already moved into the tenant's bounds). */
  readonly resources: ResolvedResources;
}

/** The cluster config, checked, with its defaults: what the renderers read. */
export interface ResolvedClusterConfig {
  /** Names a prop for an error message (`<construct path>: <prop>`). */
  readonly where: (prop: string) => string;
  /** The tenant. */
  readonly tenant: TenantProfile;
  /** The Ray version. */
  readonly rayVersion: string;
  /** The image. */
  readonly image: string;
  /** The pods' UID. */
  readonly runAsUser: number;
  /** The pods' GID and fsGroup. */
  readonly runAsGroup: number;
  /** The head group. */
  readonly head: ResolvedGroup;
  /** The worker groups. */
  readonly workers: readonly ResolvedGroup[];
  /** Autoscaling, when on. */
  readonly autoscaling?: ResolvedAutoscaling;
  /** The pinned ports, in pinned-ports mode. */
  readonly pinnedPorts?: PinnedPortPlan;
  /** How clients authenticate to the dashboard and Jobs API. */
  readonly authentication: RayAuthentication;
}
