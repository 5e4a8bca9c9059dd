/**
 * Markdown of incident bodies and updates to HTML, at build time. Raw HTML in the markdown is
 * shown as text, never rendered: update texts can quote what a failing server answered.
 */
import { Marked } from 'marked';
import { escapeHtml } from '../text/escape.ts';

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
/** Stands for "this page" while parsing: a relative target resolves against it and keeps its scheme. */
const HERE = 'https://cairn.invalid/page/';

/**
 * Only http(s), mailto and relative link and image targets are kept; `javascript:`, `data:`,
 * `vbscript:` and the like become text. The scheme is decided by the WHATWG URL parser, as the
 * browser decides it (`java\tscript:` is `javascript:` to a browser), and the kept target is
 * written without the tabs and line breaks the browser would drop.
 */
export function safeUrl(href: string): string | null {
  // eslint-disable-next-line no-control-regex
  const cleaned = href.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  let parsed: URL;
  try {
    parsed = new URL(cleaned, HERE);
  } catch {
    return null;
  }
  if (!SAFE_SCHEMES.has(parsed.protocol)) return null;
  // A scheme-relative target (`//evil.example`) is another site dressed as a relative link.
  if (/^[\\/]{2}/.test(cleaned)) return null;
  return cleaned;
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
    link({ href, title, tokens }) {
      const text = this.parser.parseInline(tokens);
      const url = safeUrl(href);
      if (url === null) return text;
      return `<a href="${escapeHtml(url)}"${title ? ` title="${escapeHtml(title)}"` : ''} rel="nofollow noopener">${text}</a>`;
    },
    image({ href, title, text }) {
      const url = safeUrl(href);
      if (url === null) return escapeHtml(text);
      return `<img src="${escapeHtml(url)}" alt="${escapeHtml(text)}"${title ? ` title="${escapeHtml(title)}"` : ''} loading="lazy">`;
    },
  },
});

export function markdownToHtml(md: string): string {
  return marked.parse(md, { async: false });
}

/** One paragraph of inline markdown (updates), without a wrapping <p>. */
export function inlineMarkdown(md: string): string {
  return marked.parseInline(md, { async: false });
}
