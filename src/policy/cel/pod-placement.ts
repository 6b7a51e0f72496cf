/**
 * Pod placement in CEL: pinned to the tenant's nodes, tolerating only the tenant's taint. The same
 * rules as `checkPinning` and `checkTolerations` (`policy/tenant-isolation/placement.ts`).
 *
 * @module
 */
import { TENANT_LABEL, TenantDefinition, tenantNamespace } from '../tenant-definition';
import { celString, celStringList } from './expr';
import { CelNamedExpression, CelValidation } from './rule-set';

/** Variables and validations that make up part of a policy. */
export interface CelFragment {
  /** Variables, in order. */
  readonly variables: readonly CelNamedExpression[];
  /** Validations, in order. */
  readonly validations: readonly CelValidation[];
}

/** A toleration's operator: absent or empty means `Equal` (Kubernetes' `ToleratesTaint`). */
const EQUAL = "t.?operator.orValue('') in ['', 'Equal']";

/** The required node-affinity terms of the pod spec `spec` (an expression), `[]` when there are none. */
export function nodeSelectorTermsOf(spec: string): string {
  return `${spec}.?affinity.?nodeAffinity.?requiredDuringSchedulingIgnoredDuringExecution.?nodeSelectorTerms.orValue([])`;
}

/**
 * The pod spec `spec` is pinned to the tenant's nodes; `terms` is its required node-affinity
 * terms (a variable, or {@link nodeSelectorTermsOf}). A conditional: wrap it in parentheses
 * inside a larger expression.
 */
export function pinnedExpr(def: TenantDefinition, spec: string, terms: string): string {
  const key = celString(def.nodeLabelKey ?? TENANT_LABEL);
  const value = celString(def.nodeLabelValue ?? def.name);
  return `${spec}.?nodeSelector[?${key}].hasValue() ? ${spec}.nodeSelector[${key}] == ${value}`
    + ` : (size(${terms}) > 0 && ${terms}.all(t, t.?matchExpressions.orValue([]).exists(e,`
    + ` e.key == ${key} && e.operator == 'In' && size(e.?values.orValue([])) > 0 && e.values.all(v, v == ${value}))))`;
}

/** The tolerations `tols` (a list expression) tolerate the tenant's taint (`Equal`, its value, its effect or none). */
export function toleratesTenantExpr(def: TenantDefinition, tols: string): string {
  const effect = def.taintEffect ? ` && t.?effect.orValue('') in ${celStringList(['', def.taintEffect])}` : '';
  return `${tols}.exists(t, t.?key.orValue('') == ${celString(def.taintKey ?? TENANT_LABEL)} && ${EQUAL} && t.?value.orValue('') == ${celString(def.taintValue ?? def.name)}${effect})`;
}

/** No toleration in `tols` is `Exists` on the tenant's taint key or on every key. */
export function noWildcardTolerationExpr(def: TenantDefinition, tols: string): string {
  return `!${tols}.exists(t, t.?operator.orValue('') == 'Exists' && t.?key.orValue('') in ${celStringList(['', def.taintKey ?? TENANT_LABEL])})`;
}

/** The tolerations of `tols` for another value of the tenant's taint key (a list expression; `t` is the toleration). */
function foreignTolerations(def: TenantDefinition, tols: string): string {
  return `${tols}.filter(t, t.?key.orValue('') == ${celString(def.taintKey ?? TENANT_LABEL)} && ${EQUAL} && t.?value.orValue('') != ${celString(def.taintValue ?? def.name)})`;
}

/** No toleration in `tols` tolerates another value of the tenant's taint key. */
export function noForeignTolerationExpr(def: TenantDefinition, tols: string): string {
  return `!${tols}.exists(t, t.?key.orValue('') == ${celString(def.taintKey ?? TENANT_LABEL)} && ${EQUAL} && t.?value.orValue('') != ${celString(def.taintValue ?? def.name)})`;
}

/** The other tenants' taints `tols` tolerates, as a list of `key=value` strings (for messages). */
export function foreignTolerationsNamed(def: TenantDefinition, tols: string): string {
  return `${foreignTolerations(def, tols)}.map(t, ${celString(def.taintKey ?? TENANT_LABEL)} + '=' + string(t.?value.orValue('')))`;
}

/**
 * Placement of a tenant's pods:
 *
 * - pinned: a nodeSelector `<key>: <value>`; else a required node affinity with at least one term,
 *   every term of which has a `<key> In [<value>]` expression listing only the tenant's value
 *   (terms are ORed: one term for another tenant's nodes would let the pod run there). A
 *   nodeSelector with the key and another value fails even if the affinity would pin;
 * - tolerates the tenant's taint (`Equal`, its value, its effect or none);
 * - no `Exists` toleration of the tenant's taint key or without a key (it tolerates every tenant's
 *   taint), and no toleration of another value of the tenant's taint key.
 */
export function placementFragment(def: TenantDefinition): CelFragment {
  const ns = tenantNamespace(def);
  const nodeLabel = `${def.nodeLabelKey ?? TENANT_LABEL}=${def.nodeLabelValue ?? def.name}`;
  const taint = `${def.taintKey ?? TENANT_LABEL}=${def.taintValue ?? def.name}${def.taintEffect ? `:${def.taintEffect}` : ''}`;
  const tols = 'variables.tolerations';
  return {
    variables: [
      { name: 'tolerations', expression: 'object.spec.?tolerations.orValue([])' },
      { name: 'nodeSelectorTerms', expression: nodeSelectorTermsOf('object.spec') },
    ],
    validations: [
      {
        expression: pinnedExpr(def, 'object.spec', 'variables.nodeSelectorTerms'),
        message: `pods in namespace ${ns} must run on tenant ${def.name}'s nodes only: a nodeSelector ${nodeLabel}, `
          + `or a required node affinity every term of which requires ${def.nodeLabelKey ?? TENANT_LABEL} In [${def.nodeLabelValue ?? def.name}]`,
        reason: 'Forbidden',
      },
      {
        expression: toleratesTenantExpr(def, tols),
        message: `pods in namespace ${ns} must tolerate tenant ${def.name}'s taint ${taint} (operator Equal)`,
        reason: 'Forbidden',
      },
      {
        expression: noWildcardTolerationExpr(def, tols),
        message: `pods in namespace ${ns} may not tolerate with operator Exists the taint key ${def.taintKey ?? TENANT_LABEL} or every key: `
          + 'that tolerates every tenant\'s nodes',
        reason: 'Forbidden',
      },
      {
        expression: noForeignTolerationExpr(def, tols),
        messageExpression: `${celString(`pods in namespace ${ns} may not tolerate another tenant's taint: `)} + ${foreignTolerationsNamed(def, tols)}.join(', ')`,
        message: `pods in namespace ${ns} may only tolerate ${def.taintKey ?? TENANT_LABEL}=${def.taintValue ?? def.name}, not another tenant's value`,
        reason: 'Forbidden',
      },
    ],
  };
}
