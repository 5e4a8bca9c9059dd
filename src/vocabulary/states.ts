/**
 * ONE vocabulary for a state, everywhere: the page (pills, banner, day bars, charts), the
 * Statuspage-compatible API, badges, feeds, reports, notifications, automatic incidents and the
 * CLI's run summary all read their words from this table. Statuspage's own words are mapped
 * here, once.
 *
 * A state is a check's or component's status, with a component's outage told apart: `partial`
 * when some of its checks are down and others work, `down` (a major outage) when every check
 * with data is down. A check that is down is `down`.
 *
 * A leaf module (types only from src/checks): every stage of the pipeline may read it.
 */
import type { CheckStatus } from '../checks/types.ts';

export type StateKey = 'up' | 'degraded' | 'partial' | 'down' | 'maintenance' | 'nodata';
export const STATE_KEYS: readonly StateKey[] = ['up', 'degraded', 'partial', 'down', 'maintenance', 'nodata'];

export interface StateWords {
  /** The state of one thing: a pill, a badge, a notification, an incident title. */
  label: string;
  /** The state of the whole page (the banner, the API's status description). */
  page: string;
}

export type Language = 'en' | 'de';

export const STATE_WORDS: Record<Language, Record<StateKey, StateWords>> = {
  en: {
    up: { label: 'Operational', page: 'All systems operational' },
    degraded: { label: 'Degraded performance', page: 'Degraded performance' },
    partial: { label: 'Partial outage', page: 'Partial outage' },
    down: { label: 'Major outage', page: 'Major outage' },
    maintenance: { label: 'Under maintenance', page: 'Under maintenance' },
    nodata: { label: 'No data', page: 'No recent data' },
  },
  de: {
    up: { label: 'In Betrieb', page: 'Alle Systeme in Betrieb' },
    degraded: { label: 'Eingeschränkte Leistung', page: 'Eingeschränkte Leistung' },
    partial: { label: 'Teilausfall', page: 'Teilausfall' },
    down: { label: 'Schwerer Ausfall', page: 'Schwerer Ausfall' },
    maintenance: { label: 'In Wartung', page: 'In Wartung' },
    nodata: { label: 'Keine Daten', page: 'Keine aktuellen Daten' },
  },
};

/** Statuspage's component statuses and status indicators (its public API's enums). */
export type StatuspageComponentStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance';
export type StatuspageIndicator = 'none' | 'minor' | 'major' | 'critical';

/**
 * Each state in Statuspage's words. Statuspage has no "unknown": no data is `operational` (the
 * API adds `cairn_status: "nodata"`).
 */
export const STATUSPAGE_WORDS: Record<StateKey, { component: StatuspageComponentStatus; indicator: StatuspageIndicator }> = {
  up: { component: 'operational', indicator: 'none' },
  degraded: { component: 'degraded_performance', indicator: 'minor' },
  partial: { component: 'partial_outage', indicator: 'major' },
  down: { component: 'major_outage', indicator: 'critical' },
  maintenance: { component: 'under_maintenance', indicator: 'none' },
  nodata: { component: 'operational', indicator: 'none' },
};

/** A short glyph per state, so that no state is told by colour alone. */
export const STATE_GLYPH: Record<StateKey, string> = { up: '✓', degraded: '!', partial: '✕', down: '✕', maintenance: '⚙', nodata: '?' };

/** Worse states rank higher: up < maintenance < degraded < partial < down; no data ranks below all (worst-of ignores it). */
export const STATE_RANK: Record<StateKey, number> = { nodata: -1, up: 0, maintenance: 1, degraded: 2, partial: 3, down: 4 };

/** The state of a status; for a down component, `partial` when its outage is partial. */
export function stateOf(status: CheckStatus | 'nodata', outage: 'partial' | 'major' | null = null): StateKey {
  return status === 'down' && outage === 'partial' ? 'partial' : status;
}

/** The worst of several states; `nodata` only when all are (or there are none). */
export function worstState(states: Iterable<StateKey>): StateKey {
  let out: StateKey = 'nodata';
  for (const s of states) if (STATE_RANK[s] > STATE_RANK[out]) out = s;
  return out;
}

/** The language of a BCP 47 locale with words here; English otherwise. */
export function languageOf(locale: string): Language {
  const lang = locale.split('-')[0]?.toLowerCase();
  return lang === 'de' ? 'de' : 'en';
}

/** A state's label in English, e.g. `Partial outage`. */
export function stateLabel(state: StateKey, language: Language = 'en'): string {
  return STATE_WORDS[language][state].label;
}

/** The label lowercased, for running text and badges: `partial outage`. */
export function stateWord(state: StateKey): string {
  return STATE_WORDS.en[state].label.toLowerCase();
}
