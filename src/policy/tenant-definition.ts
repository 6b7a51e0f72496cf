/**
 * The plain, JSON-serialisable form of a tenant as the rules see it: what a `--tenants` file
 * holds and what `TenantProfile.toDefinition()` returns. No cdk8s here.
 */
export interface TenantDefinition {
  /** The tenant name; the value of the `tenant` label on its RayClusters. */
  readonly name: string;
  /** The namespace the tenant's clusters must live in. Default: the tenant name (as `TenantProfile`). */
  readonly namespace?: string;
  /** The node label key marking the tenant's nodes. Default `tenant`. */
  readonly nodeLabelKey?: string;
  /** The node label value marking the tenant's nodes. Default: the tenant name. */
  readonly nodeLabelValue?: string;
  /** The taint key on the tenant's nodes. Default `tenant`. */
  readonly taintKey?: string;
  /** The taint value on the tenant's nodes. Default: the tenant name. */
  readonly taintValue?: string;
  /** The taint effect. Unchecked when absent (a toleration without effect matches every effect). */
  readonly taintEffect?: string;
  /** Per-container bounds (Kubernetes quantities). */
  readonly bounds?: {
    /** The smallest CPU request a container may ask for. */
    readonly minCpu?: string | number;
    /** The largest CPU limit a container may have. */
    readonly maxCpu?: string | number;
    /** The smallest memory request a container may ask for. */
    readonly minMemory?: string | number;
    /** The largest memory limit a container may have. */
    readonly maxMemory?: string | number;
    /**
     * The largest amount of each extended resource (e.g. `nvidia.com/gpu`) a container may have.
     * A resource not named here may not be used at all.
     */
    readonly extendedResources?: Readonly<Record<string, string | number>>;
  };
  /**
   * Whether the tenant's clusters may be exposed outside the cluster network: a head Service of
   * type NodePort or LoadBalancer, `externalIPs`, or KubeRay's `enableIngress`. Default false.
   */
  readonly allowExposure?: boolean;
}

/** The names of the four bound annotations the seed's Kyverno policy reads from a RayCluster. */
export const BOUND_ANNOTATIONS = ['minCpu', 'maxCpu', 'minMemory', 'maxMemory'] as const;
/** One of {@link BOUND_ANNOTATIONS}. */
export type BoundName = typeof BOUND_ANNOTATIONS[number];
/** The label that names a RayCluster's tenant. */
export const TENANT_LABEL = 'tenant';
/**
 * The annotation that carries a tenant's extended-resource bounds on a RayCluster (JSON, e.g.
 * `{"nvidia.com/gpu":"1"}`), beside the four quantity annotations.
 */
export const EXTENDED_RESOURCES_ANNOTATION = 'maxExtendedResources';

/**
 * The annotations that carry a tenant's placement on a RayCluster, beside the bound annotations:
 * the node label and the taint its pods are pinned to and tolerate (the fields of
 * {@link TenantDefinition} of the same names). Without a tenants file the engine reads them, so
 * the construct's output is self-describing; a tenant definition always wins over them.
 */
export const PLACEMENT_ANNOTATIONS = ['nodeLabelKey', 'nodeLabelValue', 'taintKey', 'taintValue', 'taintEffect'] as const;
/** One of {@link PLACEMENT_ANNOTATIONS}. */
export type PlacementAnnotation = typeof PLACEMENT_ANNOTATIONS[number];

/** The namespace of a tenant: its definition's, else its name. */
export function tenantNamespace(def: TenantDefinition): string {
  return def.namespace ?? def.name;
}
