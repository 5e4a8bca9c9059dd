/**
 * Upptime's site slugs, reproduced: the slug names `history/<slug>.yml`, `api/<slug>/` and the
 * issue label of a site, so the importer must compute exactly what Upptime computed.
 *
 * Upptime (uptime-monitor, src/helpers/slug.ts) uses, in order:
 *   1. the explicit `slug:` of the site, trimmed;
 *   2. `@sindresorhus/slugify(name)`: transliterate, split camelCase, lowercase, every run of
 *      characters other than a-z and 0-9 becomes one "-", no leading or trailing "-";
 *   3. for names that leave nothing (e.g. only CJK characters), a Unicode-preserving slug;
 *   4. `slugify(url)`, else "site".
 * The transliteration here covers the Latin, German, Nordic, Polish, Czech, Turkish and Cyrillic
 * letters of slugify's table plus Unicode decomposition for every other accented letter; the
 * importer also matches history files by URL, so a name outside this subset still finds its data.
 */

const REPLACEMENTS: ReadonlyArray<readonly [string, string]> = [
  ['&', ' and '],
  ['🦄', ' unicorn '],
  ['♥', ' love '],
  ['ß', 'ss'],
  ['ẞ', 'SS'],
  ['ä', 'ae'],
  ['Ä', 'Ae'],
  ['ö', 'oe'],
  ['Ö', 'Oe'],
  ['ü', 'ue'],
  ['Ü', 'Ue'],
  ['Æ', 'AE'],
  ['æ', 'ae'],
  ['Ø', 'O'],
  ['ø', 'o'],
  ['Þ', 'TH'],
  ['þ', 'th'],
  ['Ð', 'D'],
  ['ð', 'd'],
  ['Đ', 'D'],
  ['đ', 'd'],
  ['Ł', 'L'],
  ['ł', 'l'],
  ['ı', 'i'],
  ['Œ', 'OE'],
  ['œ', 'oe'],
  ['Ĳ', 'IJ'],
  ['ĳ', 'ij'],
  ['€', 'E'],
];

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n',
  о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sch', ъ: '', ы: 'y', ь: '',
  э: 'e', ю: 'yu', я: 'ya', є: 'ye', і: 'i', ї: 'yi', ґ: 'g',
};

function transliterate(input: string): string {
  let s = input.normalize();
  for (const [from, to] of REPLACEMENTS) s = s.split(from).join(to);
  s = s.replace(/[\u0400-\u04FF]/g, (ch) => {
    const lower = ch.toLowerCase();
    const t = CYRILLIC[lower];
    if (t === undefined) return ch;
    return ch === lower || t === '' ? t : t.charAt(0).toUpperCase() + t.slice(1);
  });
  // Remaining accented Latin letters: decompose and drop the combining marks (lodash deburr).
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

function decamelize(s: string): string {
  return s
    .replace(/([A-Z]{2,})(\d+)/g, '$1 $2')
    .replace(/([a-z\d]+)([A-Z]{2,})/g, '$1 $2')
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z\d]+)/g, '$1 $2');
}

/** `@sindresorhus/slugify` with its default options, for the characters listed above. */
export function slugify(input: string): string {
  return decamelize(transliterate(input))
    .toLowerCase()
    .replace(/[^a-z\d]+/g, '-')
    .replace(/\\/g, '')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

function unicodeSlug(name: string): string {
  return name
    .normalize('NFKC')
    .trim()
    .replace(/[\\/]/g, '-')
    .replace(/[<>:"|?*#%]/g, '-')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001F\u007F]/g, '')
    .replace(/\s+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '');
}

/** The slug Upptime gives a site. */
export function upptimeSlug(site: { name: string; url?: string; slug?: unknown }): string {
  const explicit = typeof site.slug === 'string' ? site.slug.trim() : '';
  if (explicit) return explicit;
  return slugify(site.name) || unicodeSlug(site.name) || slugify(site.url ?? '') || 'site';
}

const CAIRN_ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A Cairn check id for an Upptime slug: the slug itself when it is a valid id, else a cleaned form. */
export function cairnIdFor(slug: string): string {
  if (CAIRN_ID_RE.test(slug)) return slug;
  const cleaned = slugify(slug).slice(0, 64).replace(/-+$/, '');
  return cleaned || 'site';
}
