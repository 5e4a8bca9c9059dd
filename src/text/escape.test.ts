import { parse, parseFragment, type DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeXml, jsonForScript } from './escape.ts';

type Element = DefaultTreeAdapterMap['element'];
const HOSTILE = ['</script><meta http-equiv=refresh content="0;url=http://evil.example/">', '<svg onload=alert(1)>', '"><img src=x onerror=alert(1)>', "' onmouseover='x", '<!--<script>', '</SCRIPT >', '\u2028\u2029', '&amp; &lt;'];

function elementsOf(node: DefaultTreeAdapterMap['node']): Element[] {
  const own = 'tagName' in node ? [node] : [];
  return [...own, ...('childNodes' in node ? node.childNodes.flatMap(elementsOf) : [])];
}

describe('jsonForScript', () => {
  it.each(HOSTILE)('stays one script element and parses back to the same value: %s', (text) => {
    const value = { name: text, nested: [text, { [text]: 1 }] };
    const html = `<!doctype html><html><head></head><body><script type="application/json">${jsonForScript(value)}</script><p>after</p></body></html>`;
    const all = elementsOf(parse(html));
    const scripts = all.filter((e) => e.tagName === 'script');
    expect(scripts).toHaveLength(1);
    expect(all.map((e) => e.tagName)).toEqual(['html', 'head', 'body', 'script', 'p']);
    const body = (scripts[0] as Element).childNodes.map((c) => ('value' in c ? c.value : '')).join('');
    expect(JSON.parse(body)).toEqual(value);
  });

  it('writes no <, >, &, U+2028 or U+2029, and is a JavaScript literal too', () => {
    const out = jsonForScript(HOSTILE);
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(new Function(`return ${out};`)()).toEqual(HOSTILE);
  });

  it('gives valid JSON for values JSON.stringify leaves out', () => {
    expect(jsonForScript(undefined)).toBe('null');
  });
});

describe('escapeHtml', () => {
  it.each(HOSTILE)('text and attribute values come back as text, never as markup: %s', (text) => {
    const nodes = elementsOf(parseFragment(`<p title="${escapeHtml(text)}" data-x='${escapeHtml(text)}'>${escapeHtml(text)}</p>`));
    expect(nodes.map((n) => n.tagName)).toEqual(['p']);
    const p = nodes[0] as Element;
    expect(p.attrs).toEqual([{ name: 'title', value: text }, { name: 'data-x', value: text }]);
    expect(p.childNodes.map((c) => ('value' in c ? c.value : '')).join('')).toBe(text);
  });
});

describe('escapeXml', () => {
  it('escapes markup and drops the characters XML 1.0 forbids', () => {
    expect(escapeXml('a<b>&"\'\u0000\u0008\u000b\u001f\uffff\ud800 ok\t\n😀')).toBe('a&lt;b&gt;&amp;&quot;&#39; ok\t\n😀');
  });
});
