import { describe, expect, it } from 'vitest';
import { expandReferences } from './env.ts';

describe('expandReferences', () => {
  const env = { HOST: 'db.internal', PORT: '5432', EMPTY: '', _under_1: 'u' };

  it.each([
    ['no references', 'plain text', 'plain text'],
    ['one reference', 'tcp://${HOST}:${PORT}', 'tcp://db.internal:5432'],
    ['underscores and digits in names', '${_under_1}', 'u'],
    ['an empty value', 'a${EMPTY}b', 'ab'],
    ['an escaped reference', '$${HOST}', '${HOST}'],
    ['an escape next to a reference', '$${HOST}=${HOST}', '${HOST}=db.internal'],
    ['a lone dollar', 'costs $5 or $$5', 'costs $5 or $$5'],
    ['a dollar without a brace', '$HOST', '$HOST'],
  ])('%s', (_what, text, expected) => {
    expect(expandReferences(text, env).value).toBe(expected);
  });

  it('keeps unset variables as written and lists them once', () => {
    const out = expandReferences('${NOPE}/${HOST}/${NOPE}', env);
    expect(out).toEqual({
      value: '${NOPE}/db.internal/${NOPE}',
      missing: ['NOPE'],
      malformed: [],
      used: [{ name: 'HOST', value: 'db.internal' }],
      whole: false,
    });
  });

  it('says when the text was exactly one reference', () => {
    expect(expandReferences('${PORT}', env).whole).toBe(true);
    expect(expandReferences(' ${PORT}', env).whole).toBe(false);
    expect(expandReferences('${NOPE}', env).whole).toBe(false);
  });

  it('reports malformed references as written', () => {
    expect(expandReferences('${1X} ${} ${A-B} ${OPEN', env).malformed).toEqual(['${1X}', '${}', '${A-B}', '${OPEN']);
  });
});
