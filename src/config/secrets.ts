/**
 * Secrets never reach committed data, the site, reports, logs or notifications.
 * Every value substituted from the environment is registered here, and every text that leaves
 * Cairn passes through `redact`.
 */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not redacted inside other text: they would match everywhere. */
const MIN_SECRET_LENGTH = 3;

export class Redactor {
  readonly #secrets = new Set<string>();

  /** Registers a secret value (and its URL-encoded form, which may appear in URLs). */
  add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH) return;
    this.#secrets.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.#secrets.add(encoded);
  }

  get size(): number {
    return this.#secrets.size;
  }

  /** Replaces every registered secret, and any password in a URL's user-info, with a marker. */
  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    const secrets = [...this.#secrets].sort((a, b) => b.length - a.length);
    for (const s of secrets) out = out.split(s).join(REDACTED);
    return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`);
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
}
