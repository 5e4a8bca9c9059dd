/**
 * Secrets never reach committed data, the site, reports, logs or notifications.
 * Every value substituted from the environment is registered here, and every text that leaves
 * Cairn passes through `redact`.
 *
 * Shortening text is where secrets used to slip through: a cut inside a secret leaves a part that
 * no longer matches the whole value. So text is shortened only with `cut` (which marks the cut
 * with CUT_MARK) or `Redactor.cut` (which redacts the whole text first), and `redact` masks a part
 * of a secret found at a cut: at the end of the text, or just before or after a CUT_MARK.
 */
import { escapeHtml } from '../text/escape.ts';

export const REDACTED = '[REDACTED]';
/** What `cut` puts where it shortened a text. */
export const CUT_MARK = '…';

/** Secrets shorter than this are not redacted inside other text: they would match everywhere. */
const MIN_SECRET_LENGTH = 3;
/** A part of a secret this long or longer, found at a cut, is masked. */
export const MIN_PARTIAL = 4;

const unicodeEscaped = (json: string) => json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Base64 cores shorter than this are not looked for: they would match unrelated text. */
const MIN_BASE64_CORE = 6;

/**
 * The base64 forms of a secret inside any base64 text (an `Authorization: Basic` header echoed
 * back, a token in a JWT or a data: URL): base64 encodes three bytes as four characters, so the
 * characters a secret turns into depend on where it starts modulo three. For each of the three
 * offsets, the characters determined by the secret's bytes alone (whole groups of three), in
 * standard and URL-safe base64; and the whole secret encoded on its own, with and without padding.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  const both = (b64: string) => {
    if (b64.length < MIN_BASE64_CORE) return;
    out.push(b64, b64.replace(/\+/g, '-').replace(/\//g, '_'));
  };
  const whole = bytes.toString('base64');
  both(whole);
  both(whole.replace(/=+$/, ''));
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    // The first group holds k bytes before the secret (when k > 0); the last, partial one bytes after it.
    both(b64.slice(k === 0 ? 0 : 4, Math.floor((k + bytes.length) / 3) * 4));
  }
  return out;
}

/**
 * The forms a secret takes in text that came back through an encoder: as is, URL-encoded (upper
 * and lower-case hex, `+` for spaces in forms, a whole URL), inside a JSON string (also with `\/`
 * and `\uXXXX` escapes, and JSON inside JSON), HTML-escaped, and base64 (standard and URL-safe,
 * at any offset inside a longer base64 text).
 */
export function encodedForms(secret: string): string[] {
  const url = encodeURIComponent(secret);
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [
    secret,
    url,
    url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    url.replace(/%20/g, '+'),
    encodeURI(secret),
    json,
    json.replace(/\//g, '\\/'),
    unicodeEscaped(json),
    JSON.stringify(json).slice(1, -1),
    escapeHtml(secret),
    ...base64Forms(secret),
  ];
  return [...new Set(forms)];
}

/**
 * Shortens a text to at most `max` characters, ending in CUT_MARK when it had to cut; never
 * inside a surrogate pair or a REDACTED marker. The mark tells `Redactor.redact` where a secret
 * may have been cut in two, so redacting after a `cut` is safe too; `Redactor.cut` redacts first.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - CUT_MARK.length);
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  const marker = text.lastIndexOf(REDACTED, end - 1);
  if (marker !== -1 && marker + REDACTED.length > end) end = marker;
  return `${text.slice(0, end)}${CUT_MARK}`;
}

export class Redactor {
  readonly #secrets = new Set<string>();
  /** Every form of every secret, longest first (so one containing another is replaced whole). */
  #forms: string[] = [];
  #longest = 0;
  /** Matches any form: most texts hold none, and are done after one search. */
  #any: RegExp | null = null;
  /** Every MIN_PARTIAL-character piece of every form: a part at a cut must end (or start) with one. */
  #pieces = new Set<string>();

  /** Registers a secret value, with the forms it takes when encoded (see encodedForms). */
  add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    const forms = new Set([...this.#forms, ...encodedForms(secret)]);
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
    this.#longest = this.#forms[0]?.length ?? 0;
    this.#any = new RegExp(this.#forms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
    for (const f of encodedForms(secret)) for (let i = 0; i + MIN_PARTIAL <= f.length; i++) this.#pieces.add(f.slice(i, i + MIN_PARTIAL));
  }

  /** How many secrets are registered. */
  get size(): number {
    return this.#secrets.size;
  }

  /**
   * Replaces every registered secret (in any of its forms), any password in a URL's user-info,
   * and any part of a secret of MIN_PARTIAL characters or more at a cut (the end of the text,
   * or next to a CUT_MARK) with a marker.
   */
  redact(text: string): string {
    let out = text;
    if (this.#any?.test(out)) for (const s of this.#forms) out = out.split(s).join(REDACTED);
    out = out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`);
    return this.#forms.length === 0 ? out : this.#maskPartsAtCuts(out);
  }

  /** Redacts, then shortens to at most `max` characters (see `cut`): no cut can leave part of a secret. */
  cut(text: string, max: number): string {
    return cut(this.redact(text), max);
  }

  /** Redacts every string inside a JSON-like value, returning a copy. */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactDeep(v);
      return out as T;
    }
    return value;
  }

  /** The longest start of a secret (at least MIN_PARTIAL characters) that `text` ends with at `end`. */
  #headEndingAt(text: string, end: number): number {
    if (end < MIN_PARTIAL || !this.#pieces.has(text.slice(end - MIN_PARTIAL, end))) return 0;
    // Only the characters a part of the longest form could cover are searched.
    const from = Math.max(0, end - (this.#longest - 1));
    const window = text.slice(from, end);
    let best = 0;
    for (const f of this.#forms) {
      if (f.length <= Math.max(MIN_PARTIAL, best)) continue;
      // A start of f begins with f's first MIN_PARTIAL characters: try those places, earliest (longest) first.
      const first = f.slice(0, MIN_PARTIAL);
      for (let p = window.indexOf(first, Math.max(0, window.length - (f.length - 1))); p !== -1 && window.length - p >= MIN_PARTIAL; p = window.indexOf(first, p + 1)) {
        if (window.length - p <= best) break;
        if (f.startsWith(window.slice(p))) {
          best = window.length - p;
          break;
        }
      }
    }
    return best;
  }

  /** The longest end of a secret (at least MIN_PARTIAL characters) that `text` has from `start`. */
  #tailStartingAt(text: string, start: number): number {
    if (!this.#pieces.has(text.slice(start, start + MIN_PARTIAL))) return 0;
    const window = text.slice(start, start + this.#longest - 1);
    let best = 0;
    for (const f of this.#forms) {
      if (f.length <= Math.max(MIN_PARTIAL, best)) continue;
      // An end of f ends with f's last MIN_PARTIAL characters: try those places, farthest (longest) first.
      const last = f.slice(-MIN_PARTIAL);
      for (let q = window.lastIndexOf(last, f.length - 1 - MIN_PARTIAL); q !== -1; q = q === 0 ? -1 : window.lastIndexOf(last, q - 1)) {
        const k = q + MIN_PARTIAL;
        if (k <= best) break;
        if (f.endsWith(window.slice(0, k))) {
          best = k;
          break;
        }
      }
    }
    return best;
  }

  #maskPartsAtCuts(text: string): string {
    // Cut points: where a head of a secret may end (before each mark, the end of the text) and
    // where a tail may start (after each mark). Masked right to left, so positions stay valid.
    const spans: [number, number][] = [];
    const head = this.#headEndingAt(text, text.length);
    if (head > 0) spans.push([text.length - head, text.length]);
    for (let i = text.lastIndexOf(CUT_MARK); i !== -1; i = i === 0 ? -1 : text.lastIndexOf(CUT_MARK, i - 1)) {
      const tail = this.#tailStartingAt(text, i + CUT_MARK.length);
      if (tail > 0) spans.push([i + CUT_MARK.length, i + CUT_MARK.length + tail]);
      const before = this.#headEndingAt(text, i);
      if (before > 0) spans.push([i - before, i]);
    }
    const merged: [number, number][] = [];
    for (const [from, to] of spans.sort((a, b) => a[0] - b[0])) {
      const last = merged.at(-1);
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    let out = text;
    for (const [from, to] of merged.reverse()) out = `${out.slice(0, from)}${REDACTED}${out.slice(to)}`;
    return out;
  }
}
