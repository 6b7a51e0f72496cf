/**
 * CEL text helpers: literals built from platform data (tenant names, label keys, quantities,
 * identities), and the few expression shapes every rule shares. Everything here produces
 * expressions for the Kubernetes 1.30 CEL environment: the standard library, optional types
 * (`.?`, `[?]`, `orValue`), extended strings v2 (`join`, `lowerAscii`) and the quantity library.
 *
 * @module
 */

/**
 * A CEL string literal, single-quoted. Platform data is validated before it gets here (label keys,
 * quantities, names), but the literal is escaped anyway so no input can end it early.
 */
export function celString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** A CEL list of string literals, e.g. `['a', 'b']`. */
export function celStringList(items: readonly string[]): string {
  return `[${items.map(celString).join(', ')}]`;
}

/** A CEL map of string literals, e.g. `{'nvidia.com/gpu': '1'}` (keys sorted, so output is stable). */
export function celStringMap(map: Readonly<Record<string, string>>): string {
  return `{${Object.keys(map).sort().map((k) => `${celString(k)}: ${celString(map[k])}`).join(', ')}}`;
}

/**
 * A quantity from a field of the object: `quantity(string(x))`. The API server hands CEL a pod's
 * quantities as canonical strings (`string()` is then the identity); `string()` also accepts an
 * integer, so the expression means the same on a manifest read from YAML.
 */
export function quantityOf(expr: string): string {
  return `quantity(string(${expr}))`;
}

/** A constant quantity: `quantity('4')`. */
export function quantityLiteral(q: string | number): string {
  return `quantity(${celString(String(q))})`;
}

/**
 * The labels of the object a request is about, from the object or from its pod template:
 * pods' own labels; CronJobs' `spec.jobTemplate.spec.template`; other workloads' `spec.template`.
 * `obj` is `object` or `oldObject`.
 */
export function podLabelsOf(obj: string): string {
  return `request.resource.resource == 'pods' ? ${obj}.metadata.?labels.orValue({})`
    + ` : request.resource.resource == 'cronjobs' ? ${obj}.?spec.?jobTemplate.?spec.?template.?metadata.?labels.orValue({})`
    + ` : ${obj}.?spec.?template.?metadata.?labels.orValue({})`;
}

/** The name of the object (or its `generateName` on a CREATE that lets the server name it). */
export function nameOf(obj: string): string {
  return `${obj}.metadata.?name.orValue(${obj}.metadata.?generateName.orValue(''))`;
}

/**
 * A CEL literal of a plain JSON value: every map value and list item wrapped in `dyn()` (Kubernetes
 * and Kyverno check that literals are homogeneous); a string found in `holes` becomes that CEL
 * expression instead (e.g. a cluster's name, known only at admission).
 */
export function celJson(value: unknown, holes: Readonly<Record<string, string>> = {}): string {
  if (typeof value === 'string') return holes[value] ?? celString(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`celJson: ${value} is not an integer CEL can hold exactly`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => `dyn(${celJson(v, holes)})`).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${celString(k)}: dyn(${celJson(v, holes)})`).join(', ')}}`;
  }
  throw new Error(`celJson: a ${typeof value} is not JSON`);
}
