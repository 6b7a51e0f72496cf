import { Violation } from './types';

/** One violation as one line: rule, path, value, where, message, bound and fix. */
export function formatViolation(v: Violation): string {
  const value = v.value === undefined ? '' : ` = ${JSON.stringify(v.value)}`;
  const context = v.context ? ` [${v.context}]` : '';
  const bound = v.bound ? ` (bound: ${v.bound})` : '';
  const fix = v.fix ? ` Fix: ${v.fix}.` : '';
  return `${v.rule}: ${v.path}${value}${context}: ${v.message}${bound}.${fix}`;
}
