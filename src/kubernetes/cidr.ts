/**
 * IPv4 and IPv6 address and CIDR arithmetic for NetworkPolicy `ipBlock`s. Pure, no dependencies.
 *
 * Addresses are parsed to bytes (4 for IPv4, 16 for IPv6); a CIDR matches an address of the same
 * family whose first `prefix` bits equal the CIDR's (host bits in the CIDR are ignored, as
 * Go's `net.ParseCIDR`, which the API server uses, ignores them). An IPv4 address never matches an
 * IPv6 CIDR and the reverse, IPv4-mapped forms (`::ffff:10.0.0.1`) included: Kubernetes compares
 * them as written.
 *
 * @module
 */

/** A parsed address: 4 bytes (IPv4) or 16 bytes (IPv6). */
export type IpBytes = readonly number[];

/** A parsed CIDR. */
export interface Cidr {
  /** The network address as written (host bits kept; matching ignores them). */
  readonly bytes: IpBytes;
  /** The prefix length in bits (0-32 for IPv4, 0-128 for IPv6). */
  readonly prefix: number;
}

function parseIpv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    // Go rejects leading zeros ("010") since 1.17: they are ambiguous (octal or decimal).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIpv6(s: string): number[] | undefined {
  if (s.length === 0 || /[^0-9a-fA-F:.]/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const fields = part.split(':');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = parseIpv4(f);
        if (!v4) return undefined;
        out.push(v4[0] * 256 + v4[1], v4[2] * 256 + v4[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(f)) return undefined;
      out.push(parseInt(f, 16));
    }
    return out;
  };
  const head = groups(halves[0]);
  if (!head) return undefined;
  let all: number[];
  if (halves.length === 2) {
    const tail = groups(halves[1]);
    if (!tail) return undefined;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    all = head;
  }
  if (all.length !== 8) return undefined;
  const bytes: number[] = [];
  for (const g of all) bytes.push(Math.floor(g / 256), g % 256);
  return bytes;
}

/** Parses an IPv4 (`10.0.0.1`) or IPv6 (`fd00::1`, `::ffff:10.0.0.1`) address; undefined when invalid. */
export function parseIp(s: string): IpBytes | undefined {
  if (typeof s !== 'string') return undefined;
  return s.includes(':') ? parseIpv6(s) : parseIpv4(s);
}

/** Parses a CIDR (`10.0.0.0/8`, `fd00::/64`); undefined when invalid (a bare address is invalid too). */
export function parseCidr(s: string): Cidr | undefined {
  if (typeof s !== 'string') return undefined;
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const bytes = parseIp(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (!bytes || !/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > bytes.length * 8) return undefined;
  return { bytes, prefix };
}

/** True when `ip` lies in `cidr` (same family, first `prefix` bits equal). */
export function cidrContains(cidr: Cidr, ip: IpBytes): boolean {
  if (cidr.bytes.length !== ip.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    // Compare the byte's first min(bits, 8) bits: drop its low (8 - bits) bits by division.
    const drop = bits >= 8 ? 1 : 2 ** (8 - bits);
    if (Math.floor(cidr.bytes[i] / drop) !== Math.floor(ip[i] / drop)) return false;
  }
  return true;
}

/**
 * True when the address string lies in the CIDR string and in none of the `except` CIDRs. An
 * invalid address or CIDR matches nothing (the API server would have refused the policy); an
 * invalid `except` entry excludes nothing.
 */
export function ipInBlock(ip: string, cidr: string, except: readonly string[] = []): boolean {
  const addr = parseIp(ip);
  const block = parseCidr(cidr);
  if (!addr || !block || !cidrContains(block, addr)) return false;
  for (const e of except) {
    const ex = parseCidr(e);
    if (ex && cidrContains(ex, addr)) return false;
  }
  return true;
}
