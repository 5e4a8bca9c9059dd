/**
 * The site's only data source: the status model that `cairn build` computed and handed over
 * (path in CAIRN_MODEL). Loaded once per build; pages format it and never recompute a figure.
 */
import { readFileSync } from 'node:fs';
import type { CheckModel, ComponentModel, StatusModel } from '../model/model.ts';
import { strings, type Strings } from './i18n.ts';

let cached: StatusModel | undefined;

export function getModel(): StatusModel {
  if (cached) return cached;
  const file = process.env['CAIRN_MODEL'];
  if (!file) throw new Error('CAIRN_MODEL is not set: build the site with `cairn build`, not `astro build`');
  cached = JSON.parse(readFileSync(file, 'utf8')) as StatusModel;
  return cached;
}

export function componentById(model: StatusModel, id: string): ComponentModel {
  const c = model.components.find((x) => x.id === id);
  if (!c) throw new Error(`unknown component ${id}`);
  return c;
}

export function checksOf(model: StatusModel, component: ComponentModel): CheckModel[] {
  return component.checks.map((id) => model.checks.find((c) => c.id === id)).filter((c): c is CheckModel => c !== undefined);
}

/** Path under the site's base, e.g. `url('components/api/')` -> `/status/components/api/`. */
export function url(path = ''): string {
  const base = import.meta.env.BASE_URL.endsWith('/') ? import.meta.env.BASE_URL : `${import.meta.env.BASE_URL}/`;
  return `${base}${path.replace(/^\//, '')}`;
}

/** The page's strings, in the language of `site.locale`. */
export function t(): Strings {
  return strings(getModel().site.locale);
}
