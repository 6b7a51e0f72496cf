/**
 * RE2 (Go `regexp`) patterns, run on JavaScript's engine with Go's semantics.
 *
 * CEL's `matches` and Kubernetes' `find`/`findAll` use Go's RE2 syntax. JavaScript's RegExp looks
 * alike but differs in places that matter for policies: `\s` (Go: `[\t\n\f\r ]` only), `.` (Go:
 * anything but `\n`; JS also stops at `\r`, U+2028, U+2029), `$`/`^` under `(?m)`, inline flags,
 * `\Q...\E`, POSIX classes, `\z`, octal escapes, and Go refusing lookarounds, backreferences and
 * repeat counts above 1000. This module parses the RE2 pattern itself and emits an equivalent JS
 * pattern (with the `u` flag, so `.` and classes work on code points like Go's runes):
 *
 * - a pattern Go rejects → {@link CelEvalError} (`error parsing regexp: ...`);
 * - a construct Go accepts but this translation does not cover (`(?i)` anywhere but at the very
 *   start, `\C`, `\S`-like negations inside `\p` classes...) → {@link HarnessUnsupportedError}.
 *
 * `findAll` follows Go's `FindAllString`: an empty match right after the previous match is skipped.
 *
 * @module
 */
import { CelEvalError, HarnessUnsupportedError } from './errors';

interface Flags { i: boolean; m: boolean; s: boolean; U: boolean }

/** A set of code point ranges, or Unicode property escapes, usable inside a JS class. */
interface ClassItems { ranges: Array<[number, number]>; props: string[] }

const MAX_CP = 0x10ffff;

function goError(reason: string, detail: string): CelEvalError {
  return new CelEvalError(`error parsing regexp: ${reason}: \`${detail}\``);
}

function cpEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function complement(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

const PERL_CLASSES: Readonly<Record<string, Array<[number, number]>>> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
};

const POSIX_CLASSES: Readonly<Record<string, Array<[number, number]>>> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

const GENERAL_CATEGORIES = new Set([
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs',
]);

function rangesToClass(ranges: Array<[number, number]>, negate = false): string {
  const body = ranges.map(([lo, hi]) => (lo === hi ? cpEscape(lo) : `${cpEscape(lo)}-${cpEscape(hi)}`)).join('');
  if (body === '') return negate ? '[^]' : '[]';
  return `[${negate ? '^' : ''}${body}]`;
}

function isPunct(c: string): boolean {
  return /^[!-/:-@[-`{-~]$/.test(c);
}

/** Translates an RE2 pattern. */
class Translator {
  private pos = 0;
  private readonly src: string[];
  private depth = 0;
  private globalIgnoreCase = false;

  constructor(private readonly pattern: string) {
    this.src = Array.from(pattern);
  }

  public translate(): { source: string; flags: string } {
    // A leading flag group that only sets `i` (possibly with others) applies to the whole pattern.
    const flags: Flags = { i: false, m: false, s: false, U: false };
    const body = this.alternation(flags);
    if (this.pos < this.src.length) {
      throw goError('unexpected )', this.pattern);
    }
    return { source: body, flags: this.globalIgnoreCase ? 'iu' : 'u' };
  }

  private peek(o = 0): string | undefined {
    return this.src[this.pos + o];
  }

  private alternation(flags: Flags): string {
    const parts = [this.concatenation(flags)];
    while (this.peek() === '|') {
      this.pos++;
      parts.push(this.concatenation(flags));
    }
    return parts.join('|');
  }

  private concatenation(flags: Flags): string {
    let out = '';
    let lastWasAtom = false;
    let lastWasRepeat = false;
    while (this.pos < this.src.length) {
      const c = this.peek()!;
      if (c === '|' || c === ')') break;
      const rep = this.tryRepetition(flags);
      if (rep !== undefined) {
        if (!lastWasAtom) {
          throw goError(lastWasRepeat ? 'invalid nested repetition operator' : 'missing argument to repetition operator', rep.text);
        }
        out += rep.js;
        lastWasAtom = false;
        lastWasRepeat = true;
        continue;
      }
      const atom = this.atom(flags);
      if (atom === null) {
        // a flag group like (?i) that produced no output
        lastWasAtom = false;
        lastWasRepeat = false;
        continue;
      }
      out += atom.js;
      lastWasAtom = atom.repeatable;
      lastWasRepeat = false;
    }
    return out;
  }

  private tryRepetition(flags: Flags): { js: string; text: string } | undefined {
    const c = this.peek();
    let js: string;
    const start = this.pos;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      js = c;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos).join(''));
      if (m === null) return undefined;
      const lo = Number(m[1]);
      const hi = m[3] === undefined || m[3] === '' ? undefined : Number(m[3]);
      if (lo > 1000 || (hi !== undefined && (hi > 1000 || hi < lo))) {
        throw goError('invalid repeat count', m[0]);
      }
      this.pos += m[0].length;
      js = m[0];
    } else {
      return undefined;
    }
    let lazy = false;
    if (this.peek() === '?') {
      this.pos++;
      lazy = true;
    }
    if (flags.U) lazy = !lazy;
    return { js: js + (lazy ? '?' : ''), text: this.src.slice(start, this.pos).join('') };
  }

  /** One atom; null for a bare flag group. */
  private atom(flags: Flags): { js: string; repeatable: boolean } | null {
    const c = this.src[this.pos++];
    switch (c) {
      case '(':
        return this.group(flags);
      case '[':
        return { js: this.charClass(), repeatable: true };
      case '.':
        return { js: flags.s ? '[^]' : '[^\\n]', repeatable: true };
      case '^':
        return { js: flags.m ? '(?<=^|\\n)' : '^', repeatable: false };
      case '$':
        return { js: flags.m ? '(?=\\n|$)' : '$', repeatable: false };
      case '\\':
        return this.escape(flags);
      default:
        return { js: cpEscape(c.codePointAt(0)!), repeatable: true };
    }
  }

  private group(flags: Flags): { js: string; repeatable: boolean } | null {
    if (this.peek() === '?') {
      const rest = this.src.slice(this.pos + 1).join('');
      if (/^(=|!|<=|<!)/.test(rest)) {
        throw goError('invalid or unsupported Perl syntax', `(?${rest.slice(0, rest[0] === '<' ? 2 : 1)}`);
      }
      const named = /^(?:P?<([A-Za-z0-9_]+)>)/.exec(rest);
      if (named !== null) {
        this.pos += 1 + named[0].length;
        return { js: `(?<${named[1]}>${this.groupBody(flags)})`, repeatable: true };
      }
      const fl = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
      if (fl === null || (fl[1] === '' && fl[2] === undefined && fl[3] === ')')) {
        throw goError('invalid or unsupported Perl syntax', `(?${rest.slice(0, 1)}`);
      }
      this.pos += 1 + fl[0].length;
      const next: Flags = { ...flags };
      for (const f of fl[1]) next[f as keyof Flags] = true;
      for (const f of fl[2] ?? '') next[f as keyof Flags] = false;
      if (next.i !== flags.i) {
        const atStart = this.pos - fl[0].length - 2 === 0 && fl[3] === ')' && next.i && this.depth === 0;
        if (!atStart) {
          throw new HarnessUnsupportedError(`regex ${JSON.stringify(this.pattern)}: case-insensitive flag (?i) is only translated at the very start of the pattern`);
        }
        this.globalIgnoreCase = true;
      }
      if (fl[3] === ')') {
        // Flags apply to the rest of the current group.
        Object.assign(flags, next);
        return null;
      }
      return { js: `(?:${this.groupBody(next)})`, repeatable: true };
    }
    return { js: `(${this.groupBody(flags)})`, repeatable: true };
  }

  private groupBody(flags: Flags): string {
    this.depth++;
    const inner: Flags = { ...flags };
    const body = this.alternation(inner);
    if (this.peek() !== ')') {
      throw goError('missing closing )', this.pattern);
    }
    this.pos++;
    this.depth--;
    return body;
  }

  private escape(flags: Flags): { js: string; repeatable: boolean } {
    const c = this.src[this.pos++];
    if (c === undefined) {
      throw goError('trailing backslash at end of expression', '');
    }
    switch (c) {
      case 'A': return { js: '(?<![^])', repeatable: false };
      case 'z': return { js: '(?![^])', repeatable: false };
      case 'b': return { js: '\\b', repeatable: false };
      case 'B': return { js: '\\B', repeatable: false };
      case 'Q': {
        let lit = '';
        while (this.pos < this.src.length && !(this.peek() === '\\' && this.peek(1) === 'E')) {
          lit += cpEscape(this.src[this.pos++].codePointAt(0)!);
        }
        if (this.pos < this.src.length) this.pos += 2;
        return { js: lit === '' ? '(?:)' : `(?:${lit})`, repeatable: lit !== '' };
      }
      case 'C':
        throw new HarnessUnsupportedError(`regex ${JSON.stringify(this.pattern)}: \\C (any byte) is not translated`);
      default:
    }
    const single = this.escapeItem(c, flags);
    if (typeof single === 'number') {
      return { js: cpEscape(single), repeatable: true };
    }
    return { js: this.itemsToClass(single), repeatable: true };
  }

  private itemsToClass(items: ClassItems, negate = false): string {
    if (items.props.length === 0) return rangesToClass(items.ranges, negate);
    const body = items.ranges.map(([lo, hi]) => (lo === hi ? cpEscape(lo) : `${cpEscape(lo)}-${cpEscape(hi)}`)).join('') + items.props.join('');
    return `[${negate ? '^' : ''}${body}]`;
  }

  /** An escape usable both outside and inside classes: a code point or a set. */
  private escapeItem(c: string, _flags: Flags): number | ClassItems {
    const lower = c.toLowerCase();
    if ((lower === 'd' || lower === 's' || lower === 'w') && Object.prototype.hasOwnProperty.call(PERL_CLASSES, lower)) {
      const r = PERL_CLASSES[lower];
      return { ranges: c === lower ? r : complement(r), props: [] };
    }
    if (c === 'p' || c === 'P') {
      let name: string;
      if (this.peek() === '{') {
        const close = this.src.indexOf('}', this.pos);
        if (close < 0) throw goError('invalid character class range', `\\${c}`);
        name = this.src.slice(this.pos + 1, close).join('');
        this.pos = close + 1;
      } else {
        const n = this.src[this.pos++];
        if (n === undefined) throw goError('invalid character class range', `\\${c}`);
        name = n;
      }
      let negate = c === 'P';
      if (name.startsWith('^')) {
        negate = !negate;
        name = name.slice(1);
      }
      let prop: string;
      if (name === 'Any') {
        return { ranges: negate ? [] : [[0, MAX_CP]], props: [] };
      } else if (GENERAL_CATEGORIES.has(name)) {
        prop = name;
      } else if (/^[A-Z][A-Za-z_]*$/.test(name)) {
        prop = `Script=${name}`;
      } else {
        throw goError('invalid character class range', `\\${c}{${name}}`);
      }
      try {
        new RegExp(`\\p{${prop}}`, 'u');
      } catch {
        throw goError('invalid character class range', `\\${c}{${name}}`);
      }
      return { ranges: [], props: [`\\${negate ? 'P' : 'p'}{${prop}}`] };
    }
    switch (c) {
      case 'a': return 0x07;
      case 'f': return 0x0c;
      case 't': return 0x09;
      case 'n': return 0x0a;
      case 'r': return 0x0d;
      case 'v': return 0x0b;
      case 'x': {
        if (this.peek() === '{') {
          const close = this.src.indexOf('}', this.pos);
          const hex = close < 0 ? '' : this.src.slice(this.pos + 1, close).join('');
          if (!/^[0-9A-Fa-f]+$/.test(hex) || parseInt(hex, 16) > MAX_CP) throw goError('invalid escape sequence', `\\x{${hex}`);
          this.pos = close + 1;
          return parseInt(hex, 16);
        }
        const hex = this.src.slice(this.pos, this.pos + 2).join('');
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw goError('invalid escape sequence', `\\x${hex}`);
        this.pos += 2;
        return parseInt(hex, 16);
      }
      default:
    }
    if (c >= '0' && c <= '7') {
      // \0 or a multi-digit octal; a single 1-7 is a backreference (unsupported by RE2).
      if (c !== '0' && !(this.peek() !== undefined && this.peek()! >= '0' && this.peek()! <= '7')) {
        throw goError('invalid escape sequence', `\\${c}`);
      }
      let digits = c;
      while (digits.length < 3 && this.peek() !== undefined && this.peek()! >= '0' && this.peek()! <= '7') {
        digits += this.src[this.pos++];
      }
      return parseInt(digits, 8);
    }
    if (isPunct(c)) {
      return c.codePointAt(0)!;
    }
    throw goError('invalid escape sequence', `\\${c}`);
  }

  private charClass(): string {
    const start = this.pos - 1;
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.pos++;
    }
    const items: ClassItems = { ranges: [], props: [] };
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        throw goError('missing closing ]', this.src.slice(start).join(''));
      }
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === '[' && this.peek(1) === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos).join(''));
        if (m !== null) {
          const ranges = POSIX_CLASSES[m[2]];
          if (ranges === undefined) {
            throw goError('invalid character class range', m[0]);
          }
          items.ranges.push(...(m[1] === '^' ? complement(ranges) : ranges));
          this.pos += m[0].length;
          continue;
        }
      }
      const lo = this.classAtom();
      if (typeof lo !== 'number') {
        items.ranges.push(...lo.ranges);
        items.props.push(...lo.props);
        continue;
      }
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.pos++;
        const hi = this.classAtom();
        if (typeof hi !== 'number' || hi < lo) {
          throw goError('invalid character class range', this.src.slice(start, this.pos).join(''));
        }
        items.ranges.push([lo, hi]);
      } else {
        items.ranges.push([lo, lo]);
      }
    }
    return this.itemsToClass(items, negate);
  }

  private classAtom(): number | ClassItems {
    const c = this.src[this.pos++];
    if (c === '\\') {
      const e = this.src[this.pos++];
      if (e === undefined) throw goError('trailing backslash at end of expression', '');
      return this.escapeItem(e, { i: false, m: false, s: false, U: false });
    }
    return c.codePointAt(0)!;
  }
}

const cache = new Map<string, RegExp | Error>();

/** Compiles an RE2 pattern into an equivalent global JS RegExp (cached). */
export function compileRe2(pattern: string): RegExp {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    try {
      const { source, flags } = new Translator(pattern).translate();
      hit = new RegExp(source, `g${flags}`);
    } catch (e) {
      if (e instanceof CelEvalError || e instanceof HarnessUnsupportedError) {
        hit = e;
      } else {
        hit = new HarnessUnsupportedError(`regex ${JSON.stringify(pattern)} could not be translated: ${(e as Error).message}`);
      }
    }
    cache.set(pattern, hit);
  }
  if (hit instanceof Error) {
    throw hit;
  }
  return hit;
}

interface Match { start: number; end: number; text: string }

function execAt(re: RegExp, s: string, pos: number): Match | undefined {
  re.lastIndex = pos;
  const m = re.exec(s);
  if (m === null) return undefined;
  return { start: m.index, end: m.index + m[0].length, text: m[0] };
}

/** CEL `matches`: an unanchored search, like Go's `MatchString`. */
export function re2Matches(s: string, pattern: string): boolean {
  return execAt(compileRe2(pattern), s, 0) !== undefined;
}

/** Kubernetes `find`: the leftmost match, or `''`. */
export function re2Find(s: string, pattern: string): string {
  return execAt(compileRe2(pattern), s, 0)?.text ?? '';
}

/** Kubernetes `findAll`: Go's `FindAllString(s, n)` (n < 0: all). */
export function re2FindAll(s: string, pattern: string, n: number): string[] {
  const re = compileRe2(pattern);
  const out: string[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    const m = execAt(re, s, pos);
    if (m === undefined) break;
    let accept = true;
    if (m.end === pos) {
      if (m.start === prevEnd) accept = false;
      const cp = s.codePointAt(pos);
      pos += cp === undefined ? 1 : cp > 0xffff ? 2 : 1;
    } else {
      pos = m.end;
    }
    prevEnd = m.end;
    if (accept) out.push(m.text);
  }
  return out;
}
