import { describe, expect, it } from 'vitest';
import { annotation, escapeCommandData } from './output.ts';

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
