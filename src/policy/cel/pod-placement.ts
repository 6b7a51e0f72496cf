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
  const key = celString(def.nodeLabelKey ?? TENANT_LABEL);
  const value = celString(def.nodeLabelValue ?? def.name);
  const taintKey = celString(def.taintKey ?? TENANT_LABEL);
  const taintValue = celString(def.taintValue ?? def.name);
  const ns = tenantNamespace(def);
  const nodeLabel = `${def.nodeLabelKey ?? TENANT_LABEL}=${def.nodeLabelValue ?? def.name}`;
  const taint = `${def.taintKey ?? TENANT_LABEL}=${def.taintValue ?? def.name}${def.taintEffect ? `:${def.taintEffect}` : ''}`;
  const effect = def.taintEffect ? ` && t.?effect.orValue('') in ${celStringList(['', def.taintEffect])}` : '';
  return {
    variables: [
      { name: 'tolerations', expression: 'object.spec.?tolerations.orValue([])' },
      {
        name: 'nodeSelectorTerms',
        expression: 'object.spec.?affinity.?nodeAffinity.?requiredDuringSchedulingIgnoredDuringExecution.?nodeSelectorTerms.orValue([])',
      },
    ],
    validations: [
      {
        expression: `object.spec.?nodeSelector[?${key}].hasValue() ? object.spec.nodeSelector[${key}] == ${value}`
          + ' : (size(variables.nodeSelectorTerms) > 0 && variables.nodeSelectorTerms.all(t, t.?matchExpressions.orValue([]).exists(e,'
          + ` e.key == ${key} && e.operator == 'In' && size(e.?values.orValue([])) > 0 && e.values.all(v, v == ${value}))))`,
        message: `pods in namespace ${ns} must run on tenant ${def.name}'s nodes only: a nodeSelector ${nodeLabel}, `
          + `or a required node affinity every term of which requires ${def.nodeLabelKey ?? TENANT_LABEL} In [${def.nodeLabelValue ?? def.name}]`,
        reason: 'Forbidden',
      },
      {
        expression: `variables.tolerations.exists(t, t.?key.orValue('') == ${taintKey} && ${EQUAL} && t.?value.orValue('') == ${taintValue}${effect})`,
        message: `pods in namespace ${ns} must tolerate tenant ${def.name}'s taint ${taint} (operator Equal)`,
        reason: 'Forbidden',
      },
      {
        expression: `!variables.tolerations.exists(t, t.?operator.orValue('') == 'Exists' && t.?key.orValue('') in ${celStringList(['', def.taintKey ?? TENANT_LABEL])})`,
        message: `pods in namespace ${ns} may not tolerate with operator Exists the taint key ${def.taintKey ?? TENANT_LABEL} or every key: `
          + 'that tolerates every tenant\'s nodes',
        reason: 'Forbidden',
      },
      {
        expression: `!variables.tolerations.exists(t, t.?key.orValue('') == ${taintKey} && ${EQUAL} && t.?value.orValue('') != ${taintValue})`,
        messageExpression: `${celString(`pods in namespace ${ns} may not tolerate another tenant's taint: `)} + variables.tolerations.filter(t, t.?key.orValue('') == ${taintKey}`
          + ` && ${EQUAL} && t.?value.orValue('') != ${taintValue}).map(t, ${taintKey} + '=' + string(t.?value.orValue(''))).join(', ')`,
        message: `pods in namespace ${ns} may only tolerate ${def.taintKey ?? TENANT_LABEL}=${def.taintValue ?? def.name}, not another tenant's value`,
        reason: 'Forbidden',
      },
    ],
  };
}
