/**
 * Placement: pods pinned to the tenant's nodes and tolerating only the tenant's taint.
 *
 * @module
 */
import { asArray, asObject, asString, childPath, JsonObject, JsonValue } from '../../kubernetes/json';
import { isLabelKey, isLabelValue, reservedNodeLabelKeyReason, reservedTaintKeyReason } from '../../kubernetes/names';
import { PLACEMENT_ANNOTATIONS, PlacementAnnotation, TENANT_LABEL, TenantDefinition } from '../tenant-definition';
import { Violation } from '../types';

const RULE = 'enforce-tenant-isolation' as const;

/** Where a tenant's pods must run: the node label they select and the taint they tolerate. */
export interface Placement {
  /** The node label key. */
  readonly nodeKey: string;
  /** The node label value (undefined when the RayCluster names no tenant). */
  readonly nodeValue: string | undefined;
  /** The taint key. */
  readonly taintKey: string;
  /** The taint value (undefined when the RayCluster names no tenant). */
  readonly taintValue: string | undefined;
  /** The taint effect; undefined means any effect. */
  readonly taintEffect: string | undefined;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Why a placement annotation's value is unusable, or undefined. */
function annotationProblem(name: PlacementAnnotation, v: unknown): string | undefined {
  if (typeof v !== 'string') return 'is not a string';
  switch (name) {
    case 'nodeLabelKey': return !isLabelKey(v) ? 'is not a label key' : reservedNodeLabelKeyReason(v);
    case 'taintKey': return !isLabelKey(v) ? 'is not a taint key' : reservedTaintKeyReason(v);
    case 'nodeLabelValue': return v === '' || !isLabelValue(v) ? 'is not a non-empty label value' : undefined;
    case 'taintValue': return !isLabelValue(v) ? 'is not a taint value' : undefined;
    case 'taintEffect': return TAINT_EFFECTS.includes(v) ? undefined : `is not one of ${TAINT_EFFECTS.join(', ')}`;
  }
}

/**
 * The placement from the tenant's definition when there is one (it always wins), else from the
 * RayCluster's placement annotations (what the construct stamps), else the defaults: the `tenant`
 * label and taint, valued with the tenant's name. An unusable annotation is a violation, and the
 * default is used in its place.
 */
export function readPlacement(def: TenantDefinition | undefined, tenant: string | undefined, annotations: JsonObject | undefined,
  out: Violation[]): Placement {
  const from: Partial<Record<PlacementAnnotation, string>> = {};
  if (def) {
    for (const name of PLACEMENT_ANNOTATIONS) if (def[name] !== undefined) from[name] = def[name];
  } else {
    for (const name of PLACEMENT_ANNOTATIONS) {
      const v = annotations?.[name];
      if (v === undefined || v === null) continue;
      const problem = annotationProblem(name, v);
      if (problem === undefined) {
        from[name] = v as string;
        continue;
      }
      out.push({
        rule: RULE,
        path: `metadata.annotations.${name}`,
        value: v,
        message: `the placement annotation ${name} ${problem}`,
        fix: `remove the annotation ${name}, or pass --tenants with the platform's tenant definitions`,
      });
    }
  }
  return {
    nodeKey: from.nodeLabelKey ?? TENANT_LABEL,
    nodeValue: from.nodeLabelValue ?? tenant,
    taintKey: from.taintKey ?? TENANT_LABEL,
    taintValue: from.taintValue ?? tenant,
    taintEffect: from.taintEffect,
  };
}

/** Pods must be pinned to the tenant's nodes: a nodeSelector, or required node affinity whose every term requires the tenant's label. */
export function checkPinning(podSpec: JsonObject, path: string, key: string, value: string, out: Violation[]): void {
  const selected = asObject(podSpec.nodeSelector)?.[key];
  if (selected === value) return;
  if (selected !== undefined) {
    out.push({
      rule: RULE,
      path: childPath(`${path}.nodeSelector`, key),
      value: selected,
      message: `the nodeSelector pins pods to nodes labelled ${key}=${String(selected)}, not this tenant's nodes`,
      bound: value,
      fix: `set ${childPath(`${path}.nodeSelector`, key)}: ${value}`,
    });
    return;
  }
  const nodeAffinity = asObject(asObject(podSpec.affinity)?.nodeAffinity);
  const terms = asArray(asObject(nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution)?.nodeSelectorTerms);
  const termPins = (t: JsonValue | undefined) => asArray(asObject(t)?.matchExpressions).some((e) => {
    const x = asObject(e);
    const values = asArray(x?.values);
    return x?.key === key && x.operator === 'In' && values.length > 0 && values.every((v) => v === value);
  });
  if (terms.length > 0 && terms.every(termPins)) return;
  out.push({
    rule: RULE,
    path: terms.length > 0 ? `${path}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms` : `${path}.nodeSelector`,
    message: terms.length > 0
      ? `a required node affinity term does not restrict pods to ${key} In [${value}]`
      : `pods are not pinned to the tenant's nodes (no nodeSelector ${key}: ${value})`,
    bound: `${key}=${value}`,
    fix: `set ${path}.nodeSelector.${key}: ${value}`,
  });
}

/** Pods tolerate the tenant's taint, and no toleration matches other tenants' taints. */
export function checkTolerations(podSpec: JsonObject, path: string, key: string, value: string, effect: string | undefined, out: Violation[]): void {
  let tolerated = false;
  asArray(podSpec.tolerations).forEach((t, i) => {
    const tol = asObject(t) ?? {};
    // An empty or absent operator means Equal (Kubernetes' ToleratesTaint).
    const op = tol.operator === undefined || tol.operator === '' ? 'Equal' : tol.operator;
    const tkey = asString(tol.key) ?? '';
    const matchesEffect = tol.effect === undefined || tol.effect === '' || effect === undefined || tol.effect === effect;
    if (op === 'Exists' && (tkey === '' || tkey === key)) {
      out.push({
        rule: RULE,
        path: `${path}.tolerations[${i}]`,
        value: t,
        message: tkey === '' ? 'a toleration with operator Exists and no key tolerates every taint, including other tenants\' nodes'
          : `a toleration "${key}" with operator Exists tolerates every tenant's taint`,
        bound: `${key}=${value}`,
        fix: `tolerate exactly { key: ${key}, operator: Equal, value: ${value} }`,
      });
    } else if (tkey === key && op === 'Equal' && tol.value !== value) {
      out.push({
        rule: RULE,
        path: `${path}.tolerations[${i}]`,
        value: t,
        message: `the toleration ${key}=${String(tol.value)} tolerates another tenant's nodes`,
        bound: `${key}=${value}`,
        fix: `remove it; tolerate ${key}=${value}`,
      });
    } else if (tkey === key && op === 'Equal' && tol.value === value && matchesEffect) {
      tolerated = true;
    }
  });
  if (!tolerated) {
    out.push({
      rule: RULE,
      path: `${path}.tolerations`,
      message: `pods do not tolerate the tenant's taint ${key}=${value}${effect ? `:${effect}` : ''}`,
      bound: `${key}=${value}`,
      fix: `add { key: ${key}, operator: Equal, value: ${value}${effect ? `, effect: ${effect}` : ''} } to ${path}.tolerations`,
    });
  }
}

