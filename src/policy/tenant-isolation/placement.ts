/**
 * Placement: pods pinned to the tenant's nodes and tolerating only the tenant's taint.
 *
 * @module
 */
import { asArray, asObject, asString, childPath, JsonObject, JsonValue } from '../../kubernetes/json';
import { Violation } from '../types';

const RULE = 'enforce-tenant-isolation' as const;

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

