/**
 * The schedules of a RayCronJob as KubeRay v1.7.0 checks them (`ValidateRayCronJobSpec`):
 * `cron.ParseStandard` of robfig/cron v3 for `spec.schedule`, `time.LoadLocation` for
 * `spec.timeZone`.
 *
 * @module
 */
import { parseGoDuration } from '../kubernetes/go-format';

const CRON_FIELDS: ReadonlyArray<{ min: number; max: number; names?: Record<string, number> }> = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } },
  { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

function cronValue(s: string, field: { names?: Record<string, number> }): number | undefined {
  const byName = field.names?.[s.toLowerCase()];
  if (byName !== undefined) return byName;
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

/**
 * Mirrors `cron.ParseStandard` of robfig/cron v3: five fields (minute, hour, day of month, month,
 * day of week) of `*`, `?`, values, names, ranges `a-b` and steps `/n`, or a descriptor
 * (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`, `@every <duration>`).
 * Returns the error, or undefined when it parses.
 */
export function cronScheduleError(schedule: string): string | undefined {
  const spec = schedule.trim();
  if (spec === '') return 'empty spec string';
  if (spec.startsWith('@')) {
    if (['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'].includes(spec)) return undefined;
    if (spec.startsWith('@every ')) {
      const d = parseGoDuration(spec.slice('@every '.length).trim());
      return d === undefined ? `failed to parse duration ${spec}` : undefined;
    }
    return `unrecognized descriptor: ${spec}`;
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    const f = CRON_FIELDS[i];
    for (const expr of fields[i].split(',')) {
      const [rangePart, stepPart, extra] = expr.split('/');
      if (extra !== undefined) return `too many slashes: ${expr}`;
      let start: number | undefined;
      let end: number | undefined;
      if (rangePart === '*' || rangePart === '?') {
        start = f.min;
        end = f.max;
      } else {
        const bounds = rangePart.split('-');
        if (bounds.length > 2) return `too many hyphens: ${expr}`;
        start = cronValue(bounds[0], f);
        end = bounds.length === 2 ? cronValue(bounds[1], f) : start;
        if (start === undefined || end === undefined) return `failed to parse int from ${expr}`;
        if (stepPart !== undefined && bounds.length === 1) end = f.max;
      }
      if (stepPart !== undefined) {
        if (!/^\d+$/.test(stepPart)) return `failed to parse int from ${stepPart}`;
        if (Number(stepPart) === 0) return `step of range should be a positive number: ${expr}`;
      }
      if (start < f.min) return `beginning of range (${start}) below minimum (${f.min}): ${expr}`;
      if (end > f.max) return `end of range (${end}) above maximum (${f.max}): ${expr}`;
      if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
    }
  }
  return undefined;
}

/**
 * True for a time zone `time.LoadLocation` loads: `UTC`, `Local`, or a name in the IANA database
 * of this JavaScript runtime (upstream: Go's embedded `time/tzdata`).
 */
export function validTimeZone(tz: string): boolean {
  if (tz === 'UTC' || tz === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
