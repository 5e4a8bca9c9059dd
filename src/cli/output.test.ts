import { describe, expect, it } from 'vitest';
import { annotation, escapeCommandData, type Output, warnConfig } from './output.ts';

describe('GitHub workflow commands', () => {
  it('makes an ::error annotation with file, line and column', () => {
    expect(annotation('error', 'checks[0].url: expected a URL', { file: 'checks/broken.yaml', line: 3, col: 5 })).toBe(
      '::error file=checks/broken.yaml,line=3,col=5::checks[0].url: expected a URL',
    );
  });

  it('escapes %, CR and LF in the message, and also : and , in properties', () => {
    expect(annotation('warning', '100% wrong\r\nsecond line', { file: 'checks/a,b:c.yaml', line: 1, col: 2 })).toBe(
      '::warning file=checks/a%2Cb%3Ac.yaml,line=1,col=2::100%25 wrong%0D%0Asecond line',
    );
    expect(escapeCommandData('a%b')).toBe('a%25b');
  });

  it('leaves out what it does not know', () => {
    expect(annotation('error', 'no checks', { file: 'checks/', line: 0 })).toBe('::error file=checks/::no checks');
    expect(annotation('error', 'boom')).toBe('::error::boom');
  });
});

describe('warnConfig', () => {
  it('gives a warning without a position as the file alone, in the text and in the annotation', () => {
    const calls: [string, unknown][] = [];
    const out = { warn: (message: string, where?: unknown) => calls.push([message, where]) } as unknown as Output;
    warnConfig(out, [
      { location: { file: 'cairn.yaml', line: 0, column: 0 }, path: '', message: 'no settings file' },
      { location: { file: 'checks/a.yaml', line: 3, column: 5 }, path: 'checks[0].timeout', message: 'too long' },
    ]);
    expect(calls).toEqual([
      ['cairn.yaml: no settings file', { file: 'cairn.yaml' }],
      ['checks/a.yaml:3:5: checks[0].timeout: too long', { file: 'checks/a.yaml', line: 3, col: 5 }],
    ]);
    expect(annotation('warning', 'cairn.yaml: no settings file', { file: 'cairn.yaml' })).toBe('::warning file=cairn.yaml::cairn.yaml: no settings file');
  });
});
