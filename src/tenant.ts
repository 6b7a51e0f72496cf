import {
  isDns1123Label, isLabelKey, isLabelValue, NODE_RESTRICTION_LABEL_NAMESPACE,
  reservedNamespaceReason, reservedNodeLabelKeyReason, reservedTaintKeyReason,
} from './kubernetes/names';
import { Quantity } from './kubernetes/quantity';
import { EXTENDED_RESOURCES_ANNOTATION, TenantDefinition } from './policy/tenant-definition';
import { describe, PropsError, requireQuantity, requireString } from './validation';

/**
 * A node label key kubelets cannot set on their own Node: pass it as `nodeLabelKey` so that a
 * compromised node cannot label itself into another tenant's pool. Kubelets may set any label
 * outside the `node-restriction.kubernetes.io/` prefix on their own Node (the NodeRestriction
 * admission plugin allows it), so with the default key `tenant` a node that is taken over can
 * attract another tenant's pods by relabelling itself. Label the nodes as an administrator:
 * `kubectl label node <node> node-restriction.kubernetes.io/tenant=<tenant>`.
 */
export const PROTECTED_NODE_LABEL_KEY = `${NODE_RESTRICTION_LABEL_NAMESPACE}/tenant`;

/** The effect of the taint that reserves a tenant's nodes. */
export enum TaintEffect {
  /** Pods without the toleration are not scheduled on the node (the default). */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler tries to avoid the node for pods without the toleration. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Pods without the toleration are not scheduled and running ones are evicted. */
  NO_EXECUTE = 'NoExecute',
}

/** The taint a platform puts on a tenant's nodes. */
export interface TenantTaint {
  /**
   * Taint key.
   * @default 'tenant'
   */
  readonly key?: string;
  /**
   * Taint value.
   * @default the tenant name
   */
  readonly value?: string;
  /**
   * Taint effect.
   * @default TaintEffect.NO_SCHEDULE
   */
  readonly effect?: TaintEffect;
}

/**
 * Per-container bounds of a tenant. Every container's requests must be at least the minimum and
 * its limits at most the maximum. Values are Kubernetes quantities (`'500m'`, `'2'`, `'1.5Gi'`,
 * `'1536Mi'`), compared exactly. Extended resources (GPUs) are closed by default: a container may
 * use one only when it is named here.
 */
export interface ContainerBounds {
  /** The smallest CPU request a container may make, e.g. `'100m'`. */
  readonly minCpu: string;
  /** The largest CPU limit a container may set, e.g. `'4'`. */
  readonly maxCpu: string;
  /** The smallest memory request a container may make, e.g. `'256Mi'`. */
  readonly minMemory: string;
  /** The largest memory limit a container may set, e.g. `'8Gi'`. */
  readonly maxMemory: string;
  /**
   * The most of each extended resource a container may have, e.g. `{ 'nvidia.com/gpu': '2' }`.
   * @default - none: no container may use an extended resource (no GPUs)
   */
  readonly extendedResources?: Record<string, string>;
}

/** Properties of a {@link TenantProfile}. */
export interface TenantProfileProps {
  /** The tenant's name: a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters). */
  readonly name: string;
  /**
   * The namespace the tenant's RayClusters live in. Not `default`, `kube-system`, `kube-public`,
   * `kube-node-lease` or any other `kube-` namespace, nor the admission controller's (`kyverno`):
   * the tenant's default-deny and restricted labels there would break the cluster.
   * @default the tenant name
   */
  readonly namespace?: string;
  /**
   * The node label key that marks the tenant's nodes; pods get a nodeSelector `<key>: <value>`.
   * Keys under `kubernetes.io` and `k8s.io` are refused (kubelets set `kubernetes.io/hostname`,
   * `topology.kubernetes.io/*`, `node.kubernetes.io/*` themselves; components own the rest),
   * except the `node-restriction.kubernetes.io/` prefix: kubelets cannot set it, so
   * {@link PROTECTED_NODE_LABEL_KEY} is the key to use where a compromised node must not be able
   * to attract another tenant's pods.
   * @default 'tenant' (a kubelet may set it on its own Node)
   */
  readonly nodeLabelKey?: string;
  /**
   * The node label value that marks the tenant's nodes.
   * @default the tenant name
   */
  readonly nodeLabelValue?: string;
  /**
   * The taint on the tenant's nodes; pods get a toleration for exactly this taint. Keys under
   * `kubernetes.io` and `k8s.io` (`node-role.kubernetes.io/control-plane`,
   * `node.kubernetes.io/unreachable`, ...), the cluster autoscaler's taints and `nvidia.com/gpu`
   * are refused.
   * @default { key: 'tenant', value: <name>, effect: NoSchedule }
   */
  readonly taint?: TenantTaint;
  /** Per-container CPU and memory bounds. */
  readonly bounds: ContainerBounds;
  /**
   * CPU request and limit for a container that states none. Must lie within the bounds.
   * @default bounds.minCpu
   */
  readonly defaultCpu?: string;
  /**
   * Memory request and limit for a container that states none. Must lie within the bounds.
   * @default bounds.minMemory
   */
  readonly defaultMemory?: string;
  /**
   * Whether the tenant's clusters may be reached from outside the cluster network: a head Service
   * of type NodePort or LoadBalancer, `externalIPs`, node ports, or KubeRay's `enableIngress`. The
   * dashboard runs any code it is sent, so this stays off unless the platform puts its own
   * authentication in front; declared ingress (`connections.allowFrom`, e.g. from a Gateway's
   * namespace) is the usual way in.
   * @default false
   */
  readonly allowExposure?: boolean;
}

/** A toleration of exactly one tenant's taint. */
export interface TenantToleration {
  /** The taint key. */
  readonly key: string;
  /** Always `Equal`: a toleration with `Exists` would tolerate every tenant's taint. */
  readonly operator: 'Equal';
  /** The taint value (the tenant). */
  readonly value: string;
  /** The taint effect. */
  readonly effect: TaintEffect;
}

const TENANT_PROFILE = Symbol.for('cdk8s-secure-ray.TenantProfile');

/**
 * A tenant as the platform team defines it, once. Tenants' clusters reference it, so a tenant never
 * asserts its own bounds: the construct stamps them onto the RayCluster and checks against them.
 *
 * Validated eagerly: a bad name, namespace, label or quantity throws a {@link PropsError} naming
 * the prop.
 */
export class TenantProfile {
  /**
   * True when `x` is a TenantProfile, from this copy of the library or another one (an app may
   * resolve two copies; `instanceof` would then say no).
   */
  public static isTenantProfile(x: unknown): x is TenantProfile {
    return typeof x === 'object' && x !== null && TENANT_PROFILE in x;
  }

  /** The tenant's name (a DNS-1123 label). */
  public readonly name: string;
  /** The namespace of the tenant's clusters. */
  public readonly namespace: string;
  /** The node label key that marks the tenant's nodes. */
  public readonly nodeLabelKey: string;
  /** The node label value that marks the tenant's nodes. */
  public readonly nodeLabelValue: string;
  /** The taint key on the tenant's nodes. */
  public readonly taintKey: string;
  /** The taint value on the tenant's nodes. */
  public readonly taintValue: string;
  /** The taint effect on the tenant's nodes. */
  public readonly taintEffect: TaintEffect;
  /** Per-container bounds, as given. */
  public readonly bounds: ContainerBounds;
  /** CPU for a container that states none. */
  public readonly defaultCpu: string;
  /** Whether the tenant's clusters may be exposed outside the cluster network. */
  public readonly allowExposure: boolean;
  /** Memory for a container that states none. */
  public readonly defaultMemory: string;

  constructor(props: TenantProfileProps) {
    Object.defineProperty(this, TENANT_PROFILE, { value: true });
    if (props === null || typeof props !== 'object') {
      throw new PropsError(`TenantProfile: expected props { name, bounds, ... }, got ${describe(props)}`);
    }
    this.name = requireString('TenantProfile.name', props.name, isDns1123Label, 'a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters, starting and ending with a letter or digit)');
    this.namespace = props.namespace === undefined ? this.name
      : requireString(`TenantProfile(${this.name}).namespace`, props.namespace, isDns1123Label, 'a DNS-1123 label (a namespace name)');
    refuseReserved(`TenantProfile(${this.name}).namespace${props.namespace === undefined ? ' (the tenant name)' : ''}`, this.namespace,
      reservedNamespaceReason(this.namespace), 'give the tenant a namespace of its own');
    this.nodeLabelKey = props.nodeLabelKey === undefined ? 'tenant'
      : requireString(`TenantProfile(${this.name}).nodeLabelKey`, props.nodeLabelKey, isLabelKey, 'a label key ([prefix/]name)');
    refuseReserved(`TenantProfile(${this.name}).nodeLabelKey`, this.nodeLabelKey, reservedNodeLabelKeyReason(this.nodeLabelKey),
      `e.g. nodeLabelKey: PROTECTED_NODE_LABEL_KEY ('${PROTECTED_NODE_LABEL_KEY}')`);
    this.nodeLabelValue = props.nodeLabelValue === undefined ? this.name
      : requireString(`TenantProfile(${this.name}).nodeLabelValue`, props.nodeLabelValue, (v) => v !== '' && isLabelValue(v), 'a non-empty label value');
    const taint = props.taint ?? {};
    if (taint === null || typeof taint !== 'object') {
      throw new PropsError(`TenantProfile(${this.name}).taint: expected { key?, value?, effect? }, got ${describe(taint)}`);
    }
    this.taintKey = taint.key === undefined ? 'tenant'
      : requireString(`TenantProfile(${this.name}).taint.key`, taint.key, isLabelKey, 'a taint key ([prefix/]name)');
    refuseReserved(`TenantProfile(${this.name}).taint.key`, this.taintKey, reservedTaintKeyReason(this.taintKey), 'e.g. taint: { key: \'tenant\' }');
    this.taintValue = taint.value === undefined ? this.name
      : requireString(`TenantProfile(${this.name}).taint.value`, taint.value, isLabelValue, 'a taint value');
    const effects = Object.values(TaintEffect) as string[];
    if (taint.effect !== undefined && !effects.includes(taint.effect)) {
      throw new PropsError(`TenantProfile(${this.name}).taint.effect: ${JSON.stringify(taint.effect)} is not one of ${effects.join(', ')}`);
    }
    this.taintEffect = taint.effect ?? TaintEffect.NO_SCHEDULE;

    const b = props.bounds;
    if (b === null || typeof b !== 'object') {
      throw new PropsError(`TenantProfile(${this.name}).bounds: expected { minCpu, maxCpu, minMemory, maxMemory }, got ${describe(b)}`);
    }
    const p = (k: keyof ContainerBounds) => requireQuantity(`TenantProfile(${this.name}).bounds.${k}`, b[k]);
    const minCpu = p('minCpu'); const maxCpu = p('maxCpu');
    const minMemory = p('minMemory'); const maxMemory = p('maxMemory');
    if (minCpu.greaterThan(maxCpu)) {
      throw new PropsError(`TenantProfile(${this.name}).bounds: minCpu ${b.minCpu} is greater than maxCpu ${b.maxCpu}`);
    }
    if (minMemory.greaterThan(maxMemory)) {
      throw new PropsError(`TenantProfile(${this.name}).bounds: minMemory ${b.minMemory} is greater than maxMemory ${b.maxMemory}`);
    }
    if (maxCpu.isZero() || maxMemory.isZero()) {
      throw new PropsError(`TenantProfile(${this.name}).bounds: maxCpu and maxMemory must be greater than zero`);
    }
    const extended = extendedBounds(`TenantProfile(${this.name}).bounds.extendedResources`, b.extendedResources);
    this.bounds = {
      minCpu: String(b.minCpu),
      maxCpu: String(b.maxCpu),
      minMemory: String(b.minMemory),
      maxMemory: String(b.maxMemory),
      ...(extended ? { extendedResources: extended } : {}),
    };
    if (props.allowExposure !== undefined && typeof props.allowExposure !== 'boolean') {
      throw new PropsError(`TenantProfile(${this.name}).allowExposure: expected true or false, got ${describe(props.allowExposure)}`);
    }
    this.allowExposure = props.allowExposure ?? false;
    const within = (prop: 'defaultCpu' | 'defaultMemory', min: Quantity, max: Quantity, fallback: string): string => {
      const raw = props[prop];
      if (raw === undefined) return fallback;
      const q = requireQuantity(`TenantProfile(${this.name}).${prop}`, raw);
      if (q.lessThan(min) || q.greaterThan(max)) {
        throw new PropsError(`TenantProfile(${this.name}).${prop}: ${raw} is outside the bounds [${min.toString()}, ${max.toString()}]`);
      }
      return String(raw);
    };
    this.defaultCpu = within('defaultCpu', minCpu, maxCpu, this.bounds.minCpu);
    this.defaultMemory = within('defaultMemory', minMemory, maxMemory, this.bounds.minMemory);
  }

  /** The plain definition the policy engine reads (the same shape as an entry of a `--tenants` file). */
  public toDefinition(): TenantDefinition {
    return {
      name: this.name,
      namespace: this.namespace,
      nodeLabelKey: this.nodeLabelKey,
      nodeLabelValue: this.nodeLabelValue,
      taintKey: this.taintKey,
      taintValue: this.taintValue,
      taintEffect: this.taintEffect,
      bounds: { ...this.bounds, ...(this.bounds.extendedResources ? { extendedResources: { ...this.bounds.extendedResources } } : {}) },
      ...(this.allowExposure ? { allowExposure: true } : {}),
    };
  }

  /**
   * The bounds as RayCluster annotations (`minCpu`, `maxCpu`, `minMemory`, `maxMemory`, and
   * `maxExtendedResources` as JSON when there are any), so the output is self-describing for
   * `secure-ray check` without a tenants file.
   */
  public boundAnnotations(): Record<string, string> {
    const b = this.bounds;
    return {
      minCpu: b.minCpu,
      maxCpu: b.maxCpu,
      minMemory: b.minMemory,
      maxMemory: b.maxMemory,
      ...(b.extendedResources ? { [EXTENDED_RESOURCES_ANNOTATION]: JSON.stringify(b.extendedResources) } : {}),
    };
  }

  /**
   * The placement as RayCluster annotations (`nodeLabelKey`, `nodeLabelValue`, `taintKey`,
   * `taintValue`, `taintEffect`), beside the bound annotations, so that `secure-ray check`
   * without a tenants file judges the pods against this tenant's nodes and taint.
   */
  public placementAnnotations(): Record<string, string> {
    return {
      nodeLabelKey: this.nodeLabelKey,
      nodeLabelValue: this.nodeLabelValue,
      taintKey: this.taintKey,
      taintValue: this.taintValue,
      taintEffect: this.taintEffect,
    };
  }

  /** The node selector that pins pods to this tenant's nodes. */
  public get nodeSelector(): Record<string, string> {
    return { [this.nodeLabelKey]: this.nodeLabelValue };
  }

  /** The toleration for this tenant's taint. */
  public get toleration(): TenantToleration {
    return { key: this.taintKey, operator: 'Equal', value: this.taintValue, effect: this.taintEffect };
  }
}

/** Throws a {@link PropsError} when a name is reserved (`reason` says why). */
function refuseReserved(prop: string, value: string, reason: string | undefined, fix: string): void {
  if (reason !== undefined) throw new PropsError(`${prop}: ${JSON.stringify(value)} is reserved: ${reason}. Fix: ${fix}`);
}

/** Checks a map of extended resource name to a whole, non-negative quantity. */
function extendedBounds(prop: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PropsError(`${prop}: expected a map of extended resource name to quantity, e.g. { 'nvidia.com/gpu': '2' }, got ${describe(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!isLabelKey(name) || !name.includes('/') || name.startsWith('kubernetes.io/')) {
      throw new PropsError(`${prop}: ${JSON.stringify(name)} is not an extended resource name (a domain-prefixed name such as 'nvidia.com/gpu')`);
    }
    const q = requireQuantity(`${prop}["${name}"]`, v);
    if (!q.equals(Quantity.parse((q.toMilliCeil() / 1000n).toString()))) {
      throw new PropsError(`${prop}["${name}"]: ${JSON.stringify(v)} is not a whole number; extended resources are counted in units`);
    }
    out[name] = String(v);
  }
  return out;
}
