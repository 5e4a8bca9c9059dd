import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './suggest.ts';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['timout', 'timeout', 1],
    ['hpst', 'host', 1],
    ['tiemout', 'timeout', 1],
  ])('%j to %j is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestMatch', () => {
  const keys = ['id', 'name', 'timeout', 'interval', 'expectStatus', 'followRedirects', 'url'];

  it.each([
    ['timout', 'timeout'],
    ['intervall', 'interval'],
    ['expect_status', 'expectStatus'],
    ['FollowRedirect', 'followRedirects'],
    ['URL', 'url'],
    ['nam', 'name'],
  ])('%j suggests %j', (word, expected) => {
    expect(closestMatch(word, keys)).toBe(expected);
  });

  it.each(['colour', 'x', 'description'])('%j suggests nothing', (word) => {
    expect(closestMatch(word, keys)).toBeNull();
  });
});
