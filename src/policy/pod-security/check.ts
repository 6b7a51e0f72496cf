/**
 * The shape of a check, mirroring upstream's `policy.Check`: an id, the level it
 * belongs to, and one or more versions, each applying from a minimum policy
 * version until the next one.
 *
 * @module
 */
import { joinQuote, pluralize } from './format';
import { PodContext } from './visit';

/** The two enforcing levels (`privileged` enforces nothing). */
export type PssLevel = 'baseline' | 'restricted';

/** Why a check forbids a pod. */
export interface CheckOutcome {
  /** Upstream's `ForbiddenReason`, e.g. `allowPrivilegeEscalation != false`. */
  readonly reason: string;
  /** Upstream's `ForbiddenDetail`, e.g. `container "x" must set securityContext.allowPrivilegeEscalation=false`. */
  readonly detail: string;
  /** The fields responsible, in the user's document. */
  readonly paths: readonly string[];
}

/** Judges a pod: `undefined` when allowed. */
export type CheckFn = (pod: PodContext) => CheckOutcome | undefined;

/** One version of a check. */
export interface VersionedCheck {
  /** The first policy version (`v1.<minVersion>`) this version applies to. */
  readonly minVersion: number;
  readonly check: CheckFn;
  /** Baseline check ids this (restricted) version replaces at the restricted level. */
  readonly overrides?: readonly string[];
}

/** A check with its versions, oldest first. */
export interface PssCheck {
  readonly id: string;
  readonly level: PssLevel;
  readonly versions: readonly VersionedCheck[];
}

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/**
 * Collects offenders: names for the message, field paths for the finding.
 */
export class Offenders {
  public readonly names: string[] = [];
  public readonly paths: string[] = [];

  /** Records one offender and the paths that make it one. */
  public add(name: string, ...paths: string[]): void {
    this.names.push(name);
    this.paths.push(...paths);
  }

  public get empty(): boolean {
    return this.names.length === 0;
  }
}
