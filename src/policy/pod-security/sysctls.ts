/**
 * Baseline `sysctls`: only the "safe" (namespaced, isolated) sysctls may be set.
 * The safe list grows with the policy version.
 *
 * @module
 */
import { CheckOutcome, PssCheck } from './check';
import { PodContext } from './visit';
import { asArray, field, text } from '../../kubernetes/json';

/** Safe sysctls, by the policy version that made them safe. */
const SAFE_SYSCTLS_ADDED: ReadonlyArray<{ minVersion: number; names: readonly string[] }> = [
  {
    minVersion: 0,
    names: [
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
      'net.ipv4.ip_unprivileged_port_start',
    ],
  },
  { minVersion: 27, names: ['net.ipv4.ip_local_reserved_ports'] },
  {
    minVersion: 29,
    names: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'],
  },
  { minVersion: 32, names: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] },
  { minVersion: 37, names: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] },
];

/** The safe sysctls at a policy version. */
export function safeSysctls(minor: number): ReadonlySet<string> {
  return new Set(SAFE_SYSCTLS_ADDED.filter((a) => a.minVersion <= minor).flatMap((a) => a.names));
}

function sysctlsCheck(allowed: ReadonlySet<string>) {
  return (pod: PodContext): CheckOutcome | undefined => {
    const forbidden: string[] = [];
    const paths: string[] = [];
    asArray(pod.securityContext?.sysctls).forEach((sysctl, i) => {
      const name = text(field(sysctl, 'name'));
      if (!allowed.has(name)) {
        forbidden.push(name);
        paths.push(pod.specPath('securityContext', 'sysctls', i, 'name'));
      }
    });
    if (forbidden.length === 0) {
      return undefined;
    }
    return { reason: 'forbidden sysctls', detail: forbidden.join(', '), paths };
  };
}

export const SYSCTLS: PssCheck = {
  id: 'sysctls',
  level: 'baseline',
  versions: SAFE_SYSCTLS_ADDED.map((a) => ({ minVersion: a.minVersion, check: sysctlsCheck(safeSysctls(a.minVersion)) })),
};
