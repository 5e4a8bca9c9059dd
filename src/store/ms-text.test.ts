import { describe, expect, it } from 'vitest';
import { MAX_MS, decodeMsText, encodeMsText } from './ms-text.ts';

describe('response times as text (version 3 lines)', () => {
  it('writes a high digit per check, then the low digits; four digits after a `!`', () => {
    expect(encodeMsText([84, null, 3, 5000])).toBe('1~0!K301E8');
    expect(encodeMsText([])).toBe('');
    expect(encodeMsText([null, null])).toBe('~~');
    expect(encodeMsText([0, 63, 64, 4095, 4096, MAX_MS])).toBe('001_!!0_0_0100____');
  });

  it('reads back every whole millisecond it can write, and nothing else', () => {
    const values: (number | null)[] = [null, MAX_MS, 4096, 4095];
    for (let v = 0; v < 70_000; v += 7) values.push(v);
    for (let v = 1; v < MAX_MS; v = Math.ceil(v * 1.9)) values.push(v);
    const text = encodeMsText(values) as string;
    expect(decodeMsText(text, values.length)).toEqual(values);
    expect(encodeMsText([MAX_MS + 1])).toBeNull();
    expect(encodeMsText([1.5])).toBeNull();
    expect(encodeMsText([-1])).toBeNull();
  });

  it('refuses text that is not n checks', () => {
    expect(decodeMsText('1~0!K301E8', 4)).toEqual([84, null, 3, 5000]);
    expect(decodeMsText('1~0!K301E8', 3)).toBeNull();
    expect(decodeMsText('1~0!K301E', 4)).toBeNull();
    expect(decodeMsText('1~0!K301E8x', 4)).toBeNull();
    expect(decodeMsText('1~0!K301E.', 4)).toBeNull();
    expect(decodeMsText('*K', 1)).toBeNull();
    expect(decodeMsText('', 1)).toBeNull();
    expect(decodeMsText('~', 1)).toEqual([null]);
  });
});
