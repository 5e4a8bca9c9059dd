import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrors } from './errors.ts';

const urlError = new ConfigError({
  file: 'checks/broken.yaml',
  line: 3,
  column: 5,
  path: 'checks[0].url',
  message: 'expected an absolute http:// or https:// URL, got "foo"',
});

describe('ConfigError', () => {
  it('prints file:line:column: path: message', () => {
    expect(urlError.toString()).toBe('checks/broken.yaml:3:5: checks[0].url: expected an absolute http:// or https:// URL, got "foo"');
    expect(String(urlError)).toBe(urlError.toString());
  });

  it('leaves out an empty path, and the position of a folder-level problem', () => {
    expect(new ConfigError({ file: 'checks/a.yaml', line: 1, column: 1, path: '', message: 'invalid YAML: x' }).toString()).toBe(
      'checks/a.yaml:1:1: invalid YAML: x',
    );
    expect(new ConfigError({ file: 'checks/', line: 0, column: 0, path: '', message: 'no checks' }).toString()).toBe('checks/: no checks');
  });
});

describe('ConfigErrors', () => {
  it('is an Error whose message has one line per problem', () => {
    const second = new ConfigError({ file: 'cairn.yaml', line: 2, column: 3, path: 'site', message: 'bad' });
    const err = new ConfigErrors([urlError, second]);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConfigErrors');
    expect(err.errors).toEqual([urlError, second]);
    expect(err.warnings).toEqual([]);
    expect(err.message).toBe(`${urlError.toString()}\ncairn.yaml:2:3: site: bad`);
  });
});
