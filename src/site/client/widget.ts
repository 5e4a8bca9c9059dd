// The embeddable status widget, served as /widget.js (a stable name, not content-hashed, so other
// sites can link it). Any page includes it:
//
//   <div data-cairn-status></div>
//   <script src="https://status.example.com/widget.js" async></script>
//
// or, without a placeholder, `<script src=".../widget.js" data-cairn-widget async></script>` (the
// widget goes right after the script). It reads the page's own Statuspage-compatible
// `api/v2/summary.json` beside the script (cross-origin: static hosts send
// `Access-Control-Allow-Origin: *`, as `cairn serve` does) and shows the overall status, the
// active incidents and (with `data-cairn-components`) each component. It renders into a shadow
// root (its styles do not leak out, the host page's do not leak in), builds every node with
// textContent (a hostile name is text, never markup), links only http(s) URLs, and refreshes every
// five minutes (`data-cairn-refresh="<seconds>"`, at least 60). No framework, no globals.

interface Summary {
  page?: { name?: unknown; url?: unknown };
  status?: { indicator?: unknown; description?: unknown };
  components?: { name?: unknown; status?: unknown; group?: unknown }[];
  incidents?: { name?: unknown; status?: unknown; impact?: unknown; shortlink?: unknown }[];
  scheduled_maintenances?: { name?: unknown; status?: unknown; shortlink?: unknown }[];
}

const COMPONENT_WORDS: Record<string, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};
const INDICATOR_CLASS: Record<string, string> = { none: 'up', minor: 'degraded', major: 'partial', critical: 'down', maintenance: 'maintenance' };
const COMPONENT_CLASS: Record<string, string> = { operational: 'up', degraded_performance: 'degraded', partial_outage: 'partial', major_outage: 'down', under_maintenance: 'maintenance' };

const STYLE = `
:host { all: initial; display: block; }
.cairn { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff;
  border: 1px solid #d1d9e0; border-radius: 6px; padding: 10px 12px; max-width: 28rem; }
.overall { margin: 0; font-weight: 600; display: flex; align-items: center; gap: 8px; }
.dot { width: 10px; height: 10px; border-radius: 50%; flex: none; background: var(--c, #656d76); }
.up { --c: #1a7f37; } .degraded { --c: #9a6700; } .partial, .down { --c: #cf222e; } .maintenance { --c: #0969da; }
a { color: inherit; }
ul { margin: 8px 0 0; padding: 0; list-style: none; }
li { margin: 4px 0 0; display: flex; gap: 8px; align-items: baseline; }
li .dot { transform: translateY(1px); }
.muted { color: #59636e; font-weight: 400; }
h3 { font-size: 12px; margin: 10px 0 0; color: #59636e; text-transform: uppercase; letter-spacing: .04em; }
`;

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function safeHref(v: unknown, base: string): string | null {
  try {
    const u = new URL(text(v), base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function link(label: string, href: string | null): Node {
  return href ? el('a', { href, target: '_top', rel: 'noopener' }, label) : document.createTextNode(label);
}

function render(root: ShadowRoot, summary: Summary, base: string, showComponents: boolean): void {
  const pageName = text(summary.page?.name) || 'Status';
  const pageUrl = safeHref(summary.page?.url, base) ?? base;
  const indicator = text(summary.status?.indicator);
  const description = text(summary.status?.description) || 'Status unknown';
  const box = el('div', { class: 'cairn', role: 'region', 'aria-label': `${pageName} status` });
  const overall = el('p', { class: `overall ${INDICATOR_CLASS[indicator] ?? ''}`, role: 'status', 'data-indicator': indicator });
  overall.append(el('span', { class: 'dot', 'aria-hidden': 'true' }), link(description, pageUrl));
  box.append(overall);
  const incidents = Array.isArray(summary.incidents) ? summary.incidents : [];
  if (incidents.length > 0) {
    box.append(el('h3', {}, 'Active incidents'));
    const list = el('ul', { 'data-incidents': '' });
    for (const i of incidents) {
      const impact = text(i.impact);
      list.append(
        el('li', { class: INDICATOR_CLASS[impact] ?? 'degraded' }, el('span', { class: 'dot', 'aria-hidden': 'true' }), el('span', {}, link(text(i.name), safeHref(i.shortlink, base)), el('span', { class: 'muted' }, ` · ${text(i.status)}`))),
      );
    }
    box.append(list);
  }
  const maintenance = (Array.isArray(summary.scheduled_maintenances) ? summary.scheduled_maintenances : []).filter((m) => text(m.status) === 'in_progress');
  if (maintenance.length > 0) {
    box.append(el('h3', {}, 'Maintenance in progress'));
    const list = el('ul', { 'data-maintenance': '' });
    for (const m of maintenance) list.append(el('li', { class: 'maintenance' }, el('span', { class: 'dot', 'aria-hidden': 'true' }), el('span', {}, link(text(m.name), safeHref(m.shortlink, base)))));
    box.append(list);
  }
  if (showComponents) {
    const components = (Array.isArray(summary.components) ? summary.components : []).filter((c) => c.group !== true);
    const list = el('ul', { 'data-components': '', 'aria-label': 'Components' });
    for (const c of components) {
      const status = text(c.status);
      list.append(el('li', { class: COMPONENT_CLASS[status] ?? '' }, el('span', { class: 'dot', 'aria-hidden': 'true' }), el('span', {}, text(c.name), el('span', { class: 'muted' }, ` · ${COMPONENT_WORDS[status] ?? status}`))));
    }
    box.append(list);
  }
  root.replaceChildren(el('style', {}, STYLE), box);
}

function renderError(root: ShadowRoot, base: string): void {
  const box = el('div', { class: 'cairn', role: 'region', 'aria-label': 'Status' });
  box.append(el('p', { class: 'overall', role: 'status' }, el('span', { class: 'dot', 'aria-hidden': 'true' }), link('Status unavailable', base)));
  root.replaceChildren(el('style', {}, STYLE), box);
}

function start(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  const src = script?.src ?? '';
  // The API sits beside the script: https://status.example.com/widget.js -> https://status.example.com/
  const defaultBase = src ? new URL('./', src).href : '';
  let hosts = Array.from(document.querySelectorAll<HTMLElement>('[data-cairn-status]'));
  if (hosts.length === 0 && script?.hasAttribute('data-cairn-widget')) {
    const div = document.createElement('div');
    div.setAttribute('data-cairn-status', '');
    script.after(div);
    hosts = [div];
  }
  for (const host of hosts) {
    if (host.shadowRoot && host.hasAttribute('data-cairn-ready')) continue;
    host.setAttribute('data-cairn-ready', '');
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    const base = safeHref(host.getAttribute('data-cairn-base') ?? defaultBase, location.href) ?? defaultBase;
    const showComponents = host.hasAttribute('data-cairn-components');
    const refresh = Math.max(60, Number(host.getAttribute('data-cairn-refresh')) || 300) * 1000;
    root.replaceChildren(el('style', {}, STYLE), el('div', { class: 'cairn', role: 'status' }, 'Loading status…'));
    const load = (): void => {
      fetch(new URL('api/v2/summary.json', base).href, { credentials: 'omit', cache: 'no-cache' })
        .then((res) => {
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          return res.json() as Promise<Summary>;
        })
        .then(
          (summary) => render(root, summary, base, showComponents),
          () => renderError(root, base),
        );
    };
    load();
    setInterval(load, refresh);
  }
}

start();
