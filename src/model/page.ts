/**
 * One page's view of the status model. The model is computed once from all the data; a page
 * (src/config/resolve-pages.ts) shows some of its components, and this selects what belongs to
 * them: the components, their groups and checks, the incidents and maintenance touching them
 * (naming only the page's components), their SLOs, capacity forecasts and alerts. No figure is
 * recomputed: a component's uptime is the same number on every page. Only what is a rule over
 * the components shown is applied again: a group's and the page's state are the worst of the
 * components the page shows (the same `worstOf` / `worstState` as the model).
 *
 * What a page does not show never reaches its outputs: everything the site, API, feeds and badges
 * render reads this view. So:
 * - an incident or maintenance window naming no component of the page is left out, and one that
 *   names several lists only the page's; an incident naming no component at all is shown only on
 *   pages that show every component (it could be about anything);
 * - the monthly reports (reports/) cover every component: only a page that shows every component
 *   lists them;
 * - store problems and the SLO snapshot's failure messages may name anything: a restricted page
 *   says only that the snapshot could not be fully updated.
 */
import type { PageSettings } from '../config/resolve-pages.ts';
import type { GroupModel, StatusModel } from './model.ts';
import type { SloModel } from './slo.ts';
import { worstOf } from './status.ts';
import { worstState } from '../vocabulary/states.ts';

/** What the view needs of a page: what `model.site` becomes, and the components shown (null: all). */
export type PageView = Pick<PageSettings, 'site' | 'components'>;

/** The failure message a restricted page shows in place of the snapshot's own (which may name anything). */
export const RESTRICTED_SLO_FAILURE = 'the SLO snapshot could not be fully updated';

const cache = new WeakMap<StatusModel, WeakMap<PageView, StatusModel>>();

/** `pageModel`, computed once per model and page (`cairn serve` renders many requests from one model). */
export function cachedPageModel(model: StatusModel, page: PageView): StatusModel {
  let byPage = cache.get(model);
  if (!byPage) cache.set(model, (byPage = new WeakMap()));
  let view = byPage.get(page);
  if (!view) byPage.set(page, (view = pageModel(model, page)));
  return view;
}

export function pageModel(model: StatusModel, page: PageView): StatusModel {
  // The time zone cuts the day bars: it is the model's, whatever the page says.
  const site = { ...page.site, timeZone: model.site.timeZone };
  if (page.components === null) return { ...model, site };
  const shown = new Set(page.components);
  // Dependencies on components the page does not show are left out: their names never reach it.
  const components = model.components
    .filter((c) => shown.has(c.id))
    .map((c) =>
      c.affectedBy.every((a) => shown.has(a.id)) && c.dependsOn.every((id) => shown.has(id))
        ? c
        : { ...c, affectedBy: c.affectedBy.filter((a) => shown.has(a.id)), dependsOn: c.dependsOn.filter((id) => shown.has(id)) },
    );
  const byId = new Map(components.map((c) => [c.id, c]));
  const groups: GroupModel[] = model.groups.flatMap((g) => {
    const mine = g.components.filter((id) => shown.has(id));
    if (mine.length === 0) return [];
    return [
      {
        ...g,
        components: mine,
        status: worstOf(mine.map((id) => byId.get(id)?.status ?? 'nodata')),
        state: worstState(mine.map((id) => byId.get(id)?.state ?? 'nodata')),
      },
    ];
  });
  const checkIds = new Set(components.flatMap((c) => c.checks));
  const narrowed = <T extends { components: string[] }>(items: readonly T[]): T[] =>
    items.flatMap((x) => {
      const mine = x.components.filter((id) => shown.has(id));
      return mine.length === 0 ? [] : [{ ...x, components: mine }];
    });
  return {
    ...model,
    site,
    status: worstOf(components.map((c) => c.status)),
    state: worstState(components.map((c) => c.state)),
    groups,
    ungrouped: model.ungrouped.filter((id) => shown.has(id)),
    components,
    checks: model.checks.filter((c) => checkIds.has(c.id) && shown.has(c.component)),
    incidents: narrowed(model.incidents),
    maintenance: {
      active: narrowed(model.maintenance.active),
      upcoming: narrowed(model.maintenance.upcoming),
      past: narrowed(model.maintenance.past),
    },
    problems: [],
    slo: model.slo && sloView(model.slo, shown),
    reports: [],
  };
}

function sloView(slo: SloModel, shown: ReadonlySet<string>): SloModel {
  return {
    ...slo,
    failures: slo.failures.length > 0 ? [RESTRICTED_SLO_FAILURE] : [],
    warnings: [],
    byComponent: Object.fromEntries(Object.entries(slo.byComponent).filter(([id]) => shown.has(id))),
  };
}
