import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor, cut } from './secrets.ts';

function redactorOf(...secrets: string[]): Redactor {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
}

describe('Redactor', () => {
  it('replaces every occurrence of a registered secret', () => {
    const r = redactorOf('hunter2');
    expect(r.redact('pw=hunter2; again hunter2')).toBe(`pw=${REDACTED}; again ${REDACTED}`);
  });

  it('also replaces the URL-encoded form of a secret', () => {
    const r = redactorOf('p@ss word/1');
    expect(r.size).toBe(1); // one secret, in all its forms
    expect(r.redact('https://h/?pw=p%40ss%20word%2F1 and p@ss word/1')).toBe(`https://h/?pw=${REDACTED} and ${REDACTED}`);
  });

  it('replaces the longest secret first, so one containing another is replaced whole', () => {
    const r = redactorOf('abc', 'abcdef');
    expect(r.redact('abcdefgh abc')).toBe(`${REDACTED}gh ${REDACTED}`);
    const reversed = redactorOf('abcdef', 'abc');
    expect(reversed.redact('abcdefgh abc')).toBe(`${REDACTED}gh ${REDACTED}`);
  });

  it('ignores secrets too short to redact safely', () => {
    const r = redactorOf('', 'a', 'ab');
    expect(r.size).toBe(0);
    expect(r.redact('a cab')).toBe('a cab');
  });

  it('redacts the password of URL user-info even when it was never registered', () => {
    const r = new Redactor();
    expect(r.redact('GET https://user:s3cret@api.example.com/x failed')).toBe(`GET https://user:${REDACTED}@api.example.com/x failed`);
    expect(r.redact('redis://:pw@cache:6379 and postgres://app:p4ss@db/app')).toBe(
      `redis://:${REDACTED}@cache:6379 and postgres://app:${REDACTED}@db/app`,
    );
    expect(r.redact('https://user@host/ and https://host:8443/path')).toBe('https://user@host/ and https://host:8443/path');
  });

  it('redacts every string in a JSON-like value and leaves the rest, without changing the input', () => {
    const r = redactorOf('tok-123');
    const input = {
      id: 'api',
      error: 'HTTP 401 for Bearer tok-123',
      statusCode: 401,
      ok: false,
      details: null,
      attempts: [{ url: 'https://u:pw@h/?t=tok-123', ms: 12 }],
    };
    const copy = structuredClone(input);
    expect(r.redactDeep(input)).toEqual({
      id: 'api',
      error: `HTTP 401 for Bearer ${REDACTED}`,
      statusCode: 401,
      ok: false,
      details: null,
      attempts: [{ url: `https://u:${REDACTED}@h/?t=${REDACTED}`, ms: 12 }],
    });
    expect(input).toEqual(copy);
  });
});

/** Every substring of `secret` with at least `n` characters that occurs in `text`. */
function leaks(text: string, secret: string, n = 4): string[] {
  const out = new Set<string>();
  for (let i = 0; i + n <= secret.length; i++) if (text.includes(secret.slice(i, i + n))) out.add(secret.slice(i, i + n));
  return [...out];
}

describe('Redactor: parts and encodings of a secret', () => {
  const KEY = 'R0ut1ngK3yZq9Xw'; // 15 characters, like a PagerDuty routing key

  it('redacts a secret inside base64 text at any offset (a Basic auth header, a token echoed back), standard and URL-safe', () => {
    const secret = 'pa55/w?rd>~long-enough';
    const r = new Redactor();
    r.add(secret);
    for (const user of ['', 'a', 'al', 'alice', 'bob:']) {
      for (const b64 of [Buffer.from(`${user}:${secret}`).toString('base64'), Buffer.from(`${user}:${secret}!`).toString('base64url')]) {
        const out = r.redact(`Authorization: Basic ${b64} seen`);
        expect(out).toContain(REDACTED);
        // What is left decodes to no 4-character part of the secret.
        const left = out.split(REDACTED).flatMap((part) => part.split(/[^A-Za-z0-9+/_-]+/)).filter(Boolean);
        for (const piece of left) {
          const decoded = Buffer.from(piece, 'base64').toString('latin1');
          for (let i = 0; i + 4 <= secret.length; i++) expect(decoded).not.toContain(secret.slice(i, i + 4));
        }
      }
    }
    // The secret encoded on its own, padded or not.
    expect(r.redact(`token=${Buffer.from(secret).toString('base64')}`)).toBe(`token=${REDACTED}`);
    expect(r.redact(`token=${Buffer.from(secret).toString('base64url')}`)).toBe(`token=${REDACTED}`);
  });

  it('masks a trailing part of a secret (4 characters or more): the text was cut inside it', () => {
    const r = redactorOf(KEY);
    expect(r.redact(`HTTP 422: {"routing_key":"${KEY.slice(0, 11)}`)).toBe(`HTTP 422: {"routing_key":"${REDACTED}`);
    expect(r.redact(`key ${KEY.slice(0, 4)}`)).toBe(`key ${REDACTED}`);
    expect(r.redact(`key ${KEY.slice(0, 3)}`)).toBe(`key ${KEY.slice(0, 3)}`);
  });

  it('masks a part of a secret at a cut mark (…) anywhere in the text, before or after it', () => {
    const r = redactorOf(KEY);
    expect(r.redact(`expected JSON ("${KEY.slice(0, 7)}…") (after 2 attempts)`)).toBe(`expected JSON ("${REDACTED}…") (after 2 attempts)`);
    expect(r.redact(`…${KEY.slice(5)} tail`)).toBe(`…${REDACTED} tail`);
  });

  it.each([
    ['URL-encoded', 'p@ss/w0rd+1 x', 'p%40ss%2Fw0rd%2B1%20x'],
    ['URL-encoded, lower-case hex', 'p@ss/w0rd+1 x', 'p%40ss%2fw0rd%2b1%20x'],
    ['form-encoded', 'p@ss/w0rd+1 x', 'p%40ss%2Fw0rd%2B1+x'],
    ['JSON-escaped', 'pa"ss\\wo\nrd', 'pa\\"ss\\\\wo\\nrd'],
    ['JSON in JSON', 'pa"ss\\word', 'pa\\\\\\"ss\\\\\\\\word'],
    ['JSON with escaped slashes', 'https://hooks.example/T0/B0/xyz', 'https:\\/\\/hooks.example\\/T0\\/B0\\/xyz'],
    ['JSON with \\u escapes', 'pässwörd1', 'p\\u00e4ssw\\u00f6rd1'],
    ['HTML-escaped', 'a<b>&"c\'d', 'a&lt;b&gt;&amp;&quot;c&#39;d'],
  ])('masks the %s form', (_name, secret, form) => {
    const r = redactorOf(secret);
    expect(r.redact(`got ${form} back`)).toBe(`got ${REDACTED} back`);
  });

  it('cut() redacts the whole text first: no cut position leaves 4 characters of a secret', () => {
    const r = redactorOf(KEY);
    const text = `HTTP 422: {"message":"invalid","echo":{"routing_key":"${KEY}","event_action":"trigger"}}`;
    for (let max = 1; max <= text.length + 1; max++) {
      const out = r.cut(text, max);
      expect(out.length, `max ${max}`).toBeLessThanOrEqual(max);
      expect(leaks(out, KEY), `max ${max}: ${out}`).toEqual([]);
    }
  });

  it('a plain cut marks the cut, so a later redaction masks what it left of a secret', () => {
    const r = redactorOf(KEY);
    const text = `{"routing_key":"${KEY}","event_action":"trigger"}`;
    for (let max = 1; max <= text.length; max++) {
      const out = r.redact(`error: ${cut(text, max)} (after 3 attempts)`);
      expect(leaks(out, KEY), `max ${max}: ${out}`).toEqual([]);
    }
  });

  it('cut() keeps short text, and never splits a marker or a surrogate pair', () => {
    expect(cut('short', 10)).toBe('short');
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut(`ab${REDACTED}cd`, 6)).toBe('ab…');
    expect(cut('ab😀cd', 4)).toBe('ab…');
  });
});

describe('Redactor: parts at cuts, against a brute-force search', () => {
  it('masks exactly the longest part (4+ characters) at each cut, for random texts', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const alphabet = 'ab…c';
    for (let round = 0; round < 2000; round++) {
      const secret = Array.from({ length: 5 + rand(6) }, () => 'abc'[rand(3)]).join('');
      const text = Array.from({ length: rand(30) }, () => alphabet[rand(alphabet.length)]).join('');
      const out = redactorOf(secret).redact(text);
      // No cut in the result still touches a part of the secret of 4 or more characters.
      const heads = (t: string, end: number) => [...Array(secret.length).keys()].filter((k) => k >= 4 && k <= end && t.slice(end - k, end) === secret.slice(0, k));
      const tails = (t: string, start: number) => [...Array(secret.length).keys()].filter((k) => k >= 4 && t.slice(start, start + k) === secret.slice(secret.length - k));
      expect(heads(out, out.length), `${secret} in ${text} -> ${out}`).toEqual([]);
      for (let i = out.indexOf('…'); i !== -1; i = out.indexOf('…', i + 1)) {
        expect(heads(out, i), `${secret} in ${text} -> ${out}`).toEqual([]);
        expect(tails(out, i + 1), `${secret} in ${text} -> ${out}`).toEqual([]);
      }
      expect(out.includes(secret)).toBe(false);
    }
  });
});
