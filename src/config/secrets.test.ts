import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from './secrets.ts';

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
    expect(r.size).toBe(2);
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
