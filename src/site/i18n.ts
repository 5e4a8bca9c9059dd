/**
 * Every string the site shows, in one place: English and German. The page's language follows
 * `site.locale` (its language subtag); dates and numbers follow the full locale.
 */
import { type Language, type StateKey, STATE_KEYS, STATE_WORDS } from '../vocabulary/states.ts';
import type { Impact, UpdateStatus } from '../incidents/types.ts';
import { type AvailabilityRule, describeAvailabilityRule, formatWeight, partialOutageText } from '../model/availability.ts';

export interface Strings {
  skip: string;
  nav: { incidents: string; maintenance: string; uptime: string; reports: string; feed: string; subscribe: string; sections: string };
  theme: { toggle: string };
  footer: (updated: string, timeZone: string) => string;
  /** How uptime is computed: degraded time and partial outages (stated in the footer of every page). */
  availabilityRule: (rule: AvailabilityRule) => string;
  /** A state's label (pills, tables), from the one vocabulary (src/vocabulary/states.ts). */
  state: Record<StateKey, string>;
  /** The page's state (the banner), from the same vocabulary. */
  pageState: Record<StateKey, string>;
  otherServices: string;
  services: string;
  currentStatus: string;
  allServices: string;
  activeIncidents: string;
  maintenanceInProgress: string;
  scheduledMaintenance: string;
  recentIncidents: string;
  noRecentIncidents: string;
  incidentHistory: string;
  noIncidents: string;
  dailyUptime: (name: string, days: number) => string;
  uptimeOver90: (percent: string) => string;
  dataFor: (coverage: string) => string;
  noData: string;
  /** A window whose data covers less than the model's minimum share (`minCoverage`) of it. */
  notEnoughData: string;
  notEnoughData90: (coverage: string) => string;
  day: {
    noData: (day: string) => string;
    notEnoughData: (day: string, coverage: string) => string;
    uptime: (day: string, percent: string) => string;
    down: (d: string) => string;
    partial: (d: string) => string;
    degraded: (d: string) => string;
    maintenance: (d: string) => string;
    coverage: (c: string) => string;
    incidents: (titles: string) => string;
  };
  uptime: string;
  window: string;
  downtime: string;
  dataCoverage: string;
  last: (key: string) => string;
  incidents: string;
  noComponentIncidents: (name: string) => string;
  byMonth: string;
  month: string;
  ttd: string;
  ttr: string;
  kind: string;
  lastChecked: string;
  never: string;
  responseTime: string;
  median24h: string;
  p95_24h: string;
  httpStatus: string;
  /** What a tls or domain check watches expire (an absolute date: days left would go stale on a static page). */
  certificateExpires: string;
  domainExpires: string;
  lastError: string;
  impact: Record<Impact, string>;
  update: Record<UpdateStatus, string>;
  impactLine: (impact: string, severity: string) => string;
  started: string;
  lastedFor: (d: string) => string;
  /** Words around a time elapsed since an absolute time, `{}` for the elapsed time: added when the page is viewed (src/site/client/relative-time.ts). */
  elapsed: string;
  underAMinute: string;
  affected: string;
  detectedAfter: string;
  resolved: string;
  statusLabel: string;
  ongoing: string;
  duration: string;
  affects: (names: string) => string;
  /** A component affected by a dependency's outage (src/model/dependencies.ts), with the root causes' names. */
  affectedBy: (names: string) => string;
  /** Before the list of a component's dependencies on its page. */
  dependsOn: string;
  maintenance: string;
  subscribe: string;
  calendar: string;
  inProgress: string;
  upcoming30: string;
  past90: string;
  noMaintenanceNow: string;
  noMaintenanceScheduled: string;
  noMaintenancePast: string;
  uptimeHistory: string;
  uptimeIntro: (timeZone: string) => string;
  olderIncidents: string;
  newerIncidents: string;
  page: (n: number, of: number) => string;
  /** Incident response (src/incidents/response.ts) on the incident page and card. */
  response: {
    heading: string;
    owner: string;
    acknowledged: string;
    notAcknowledged: string;
    by: (who: string, via: string) => string;
    timeToAck: (span: string, target: string) => string;
    outcome: { met: string; missed: string; pending: string };
    checklist: string;
    progress: (done: number, total: number) => string;
    actions: string;
    action: string;
    due: string;
    state: { open: string; done: string; dropped: string };
    postmortem: string;
    postmortemDone: string;
    postmortemDue: (when: string) => string;
    postmortemOverdue: (when: string) => string;
    postmortemOnceResolved: string;
  };
  chart: { caption: (n: number) => string; aria: (name: string) => string; table: (n: number) => string; time: string; status: string; noSamples: string; series: string };
}

const labels = (lang: Language) => Object.fromEntries(STATE_KEYS.map((k) => [k, STATE_WORDS[lang][k].label])) as Record<StateKey, string>;
const pageLabels = (lang: Language) => Object.fromEntries(STATE_KEYS.map((k) => [k, STATE_WORDS[lang][k].page])) as Record<StateKey, string>;

const en: Strings = {
  skip: 'Skip to content',
  nav: { incidents: 'Incidents', maintenance: 'Maintenance', uptime: 'Uptime', reports: 'Reports', feed: 'Feed', subscribe: 'Subscribe', sections: 'Sections' },
  theme: { toggle: 'Light/dark' },
  footer: (updated, tz) => `Updated ${updated}. Times in ${tz}. Powered by Cairn.`,
  availabilityRule: describeAvailabilityRule,
  state: labels('en'),
  pageState: pageLabels('en'),
  otherServices: 'Other services',
  services: 'Services',
  currentStatus: '← Current status',
  allServices: '← All services',
  activeIncidents: 'Active incidents',
  maintenanceInProgress: 'Maintenance in progress',
  scheduledMaintenance: 'Scheduled maintenance',
  recentIncidents: 'Recent incidents',
  noRecentIncidents: 'No incidents resolved in the last 7 days.',
  incidentHistory: 'Incident history',
  noIncidents: 'No incidents recorded.',
  dailyUptime: (name, days) => `${name}: daily uptime, last ${days} days`,
  uptimeOver90: (p) => `${p} uptime over 90 days`,
  dataFor: (c) => `(data for ${c}% of the period)`,
  noData: 'no data',
  notEnoughData: 'not enough data',
  notEnoughData90: (c) => `Not enough data for a 90-day uptime (data for ${c}% of the period)`,
  day: {
    noData: (d) => `${d}: no data`,
    notEnoughData: (d, c) => `${d}: not enough data for an uptime (data for ${c}% of the day)`,
    uptime: (d, p) => `${d}: ${p}% uptime`,
    down: (x) => `${x} down`,
    partial: (x) => `${x} partial outage`,
    degraded: (x) => `${x} degraded`,
    maintenance: (x) => `${x} maintenance`,
    coverage: (c) => `data for ${c}% of the day`,
    incidents: (t) => `incidents: ${t}`,
  },
  uptime: 'Uptime',
  window: 'Window',
  downtime: 'Downtime',
  dataCoverage: 'Data coverage',
  last: (k) => `Last ${k}`,
  incidents: 'Incidents',
  noComponentIncidents: (n) => `No incidents recorded for ${n}.`,
  byMonth: 'Incidents and downtime by month (UTC)',
  month: 'Month',
  ttd: 'Time to detect (mean)',
  ttr: 'Time to resolve (mean)',
  kind: 'Kind',
  lastChecked: 'Last checked',
  never: 'never',
  responseTime: 'Response time',
  median24h: 'Median (24 h)',
  p95_24h: '95th percentile (24 h)',
  httpStatus: 'HTTP status',
  certificateExpires: 'Certificate expires',
  domainExpires: 'Domain expires',
  lastError: 'Last error:',
  impact: { none: 'No impact', minor: 'Minor', major: 'Major', critical: 'Critical' },
  update: { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved', postmortem: 'Postmortem' },
  impactLine: (i, s) => `${i} impact · ${s}`,
  started: 'started',
  lastedFor: (d) => `lasted ${d}`,
  elapsed: 'for {}',
  underAMinute: 'under a minute',
  affected: 'Affected',
  response: {
    heading: 'Response',
    owner: 'Owner',
    acknowledged: 'Acknowledged',
    notAcknowledged: 'Not acknowledged yet',
    by: (who, via) => `by ${who}${via === 'file' ? '' : ` (${via === 'pagerduty' ? 'PagerDuty' : 'GitHub'})`}`,
    timeToAck: (span, target) => `after ${span} (target ${target})`,
    outcome: { met: 'target met', missed: 'target missed', pending: 'target not passed yet' },
    checklist: 'Checklist',
    progress: (d, n) => `${d} of ${n} steps done`,
    actions: 'Action items',
    action: 'Action',
    due: 'Due',
    state: { open: 'open', done: 'done', dropped: 'dropped' },
    postmortem: 'Postmortem',
    postmortemDone: 'written',
    postmortemDue: (w) => `due ${w}`,
    postmortemOverdue: (w) => `overdue since ${w}`,
    postmortemOnceResolved: 'due once resolved',
  },
  detectedAfter: 'Detected after',
  resolved: 'Resolved',
  statusLabel: 'Status',
  ongoing: 'Ongoing',
  duration: 'Duration',
  affects: (n) => `Affects ${n}`,
  affectedBy: (n) => `Affected by ${n}`,
  dependsOn: 'Depends on',
  maintenance: 'Maintenance',
  subscribe: 'Subscribe:',
  calendar: 'calendar (iCal)',
  inProgress: 'In progress',
  upcoming30: 'Upcoming (next 30 days)',
  past90: 'Past (last 90 days)',
  noMaintenanceNow: 'No maintenance in progress.',
  noMaintenanceScheduled: 'No maintenance scheduled.',
  noMaintenancePast: 'No maintenance in the last 90 days.',
  uptimeHistory: 'Uptime history',
  uptimeIntro: (tz) => `Monthly uptime per component (UTC months, newest first), and the last 90 days day by day (days in ${tz}), from the first month with data. Months without data show a dash.`,
  olderIncidents: 'Older incidents →',
  newerIncidents: '← Newer incidents',
  page: (n, of) => `Page ${n} of ${of}`,
  chart: {
    caption: (n) => `Response time, last 7 days (${n} samples)`,
    aria: (name) => `Response time chart of ${name}; the table below lists the values`,
    table: (n) => `Response times as a table (latest ${n})`,
    time: 'Time',
    status: 'Status',
    noSamples: 'No samples yet.',
    series: 'Response time (ms)',
  },
};

const de: Strings = {
  skip: 'Zum Inhalt springen',
  nav: { incidents: 'Störungen', maintenance: 'Wartung', uptime: 'Verfügbarkeit', reports: 'Berichte', feed: 'Feed', subscribe: 'Abonnieren', sections: 'Bereiche' },
  theme: { toggle: 'Hell/dunkel' },
  footer: (updated, tz) => `Aktualisiert ${updated}. Zeiten in ${tz}. Betrieben mit Cairn.`,
  availabilityRule: (rule) =>
    `Die Verfügbarkeit zählt eingeschränkte Zeit als ${rule.degradedCountsAsUp ? 'verfügbar' : 'nicht verfügbar'}; ein Teilausfall (einige Prüfungen einer Komponente ausgefallen, andere in Betrieb) zählt ${
      rule.partialOutage.mode === 'full'
        ? 'voll als Ausfallzeit'
        : rule.partialOutage.mode === 'weighted'
          ? `zu ${formatWeight(rule.partialOutage.weight)} % als Ausfallzeit`
          : 'anteilig als Ausfallzeit, nach dem Anteil der ausgefallenen Prüfungen'
    } (partialOutage: ${partialOutageText(rule.partialOutage)}).`,
  state: labels('de'),
  pageState: pageLabels('de'),
  otherServices: 'Weitere Dienste',
  services: 'Dienste',
  currentStatus: '← Aktueller Status',
  allServices: '← Alle Dienste',
  activeIncidents: 'Aktuelle Störungen',
  maintenanceInProgress: 'Laufende Wartung',
  scheduledMaintenance: 'Geplante Wartung',
  recentIncidents: 'Letzte Störungen',
  noRecentIncidents: 'In den letzten 7 Tagen wurden keine Störungen behoben.',
  incidentHistory: 'Störungsverlauf',
  noIncidents: 'Keine Störungen erfasst.',
  dailyUptime: (name, days) => `${name}: tägliche Verfügbarkeit, letzte ${days} Tage`,
  uptimeOver90: (p) => `${p} Verfügbarkeit in 90 Tagen`,
  dataFor: (c) => `(Daten für ${c} % des Zeitraums)`,
  noData: 'keine Daten',
  notEnoughData: 'zu wenige Daten',
  notEnoughData90: (c) => `Zu wenige Daten für eine 90-Tage-Verfügbarkeit (Daten für ${c} % des Zeitraums)`,
  day: {
    noData: (d) => `${d}: keine Daten`,
    notEnoughData: (d, c) => `${d}: zu wenige Daten für eine Verfügbarkeit (Daten für ${c} % des Tages)`,
    uptime: (d, p) => `${d}: ${p} % Verfügbarkeit`,
    down: (x) => `${x} ausgefallen`,
    partial: (x) => `${x} Teilausfall`,
    degraded: (x) => `${x} eingeschränkt`,
    maintenance: (x) => `${x} Wartung`,
    coverage: (c) => `Daten für ${c} % des Tages`,
    incidents: (t) => `Störungen: ${t}`,
  },
  uptime: 'Verfügbarkeit',
  window: 'Zeitraum',
  downtime: 'Ausfallzeit',
  dataCoverage: 'Datenabdeckung',
  last: (k) => `Letzte ${k}`,
  incidents: 'Störungen',
  noComponentIncidents: (n) => `Keine Störungen für ${n} erfasst.`,
  byMonth: 'Störungen und Ausfallzeit nach Monat (UTC)',
  month: 'Monat',
  ttd: 'Zeit bis zur Erkennung (Mittel)',
  ttr: 'Zeit bis zur Behebung (Mittel)',
  kind: 'Art',
  lastChecked: 'Zuletzt geprüft',
  never: 'nie',
  responseTime: 'Antwortzeit',
  median24h: 'Median (24 h)',
  p95_24h: '95. Perzentil (24 h)',
  httpStatus: 'HTTP-Status',
  certificateExpires: 'Zertifikat läuft ab',
  domainExpires: 'Domain läuft ab',
  lastError: 'Letzter Fehler:',
  impact: { none: 'Keine Auswirkung', minor: 'Gering', major: 'Erheblich', critical: 'Kritisch' },
  update: { investigating: 'Untersuchung', identified: 'Ursache erkannt', monitoring: 'Beobachtung', resolved: 'Behoben', postmortem: 'Nachbetrachtung' },
  impactLine: (i, s) => `Auswirkung: ${i} · ${s}`,
  started: 'begonnen',
  lastedFor: (d) => `Dauer ${d}`,
  elapsed: 'seit {}',
  underAMinute: 'unter einer Minute',
  affected: 'Betroffen',
  response: {
    heading: 'Reaktion',
    owner: 'Verantwortlich',
    acknowledged: 'Bestätigt',
    notAcknowledged: 'Noch nicht bestätigt',
    by: (who, via) => `von ${who}${via === 'file' ? '' : ` (${via === 'pagerduty' ? 'PagerDuty' : 'GitHub'})`}`,
    timeToAck: (span, target) => `nach ${span} (Ziel ${target})`,
    outcome: { met: 'Ziel erreicht', missed: 'Ziel verfehlt', pending: 'Ziel noch offen' },
    checklist: 'Checkliste',
    progress: (d, n) => `${d} von ${n} Schritten erledigt`,
    actions: 'Maßnahmen',
    action: 'Maßnahme',
    due: 'Fällig',
    state: { open: 'offen', done: 'erledigt', dropped: 'verworfen' },
    postmortem: 'Postmortem',
    postmortemDone: 'geschrieben',
    postmortemDue: (w) => `fällig ${w}`,
    postmortemOverdue: (w) => `überfällig seit ${w}`,
    postmortemOnceResolved: 'fällig nach der Behebung',
  },
  detectedAfter: 'Erkannt nach',
  resolved: 'Behoben',
  statusLabel: 'Status',
  ongoing: 'Andauernd',
  duration: 'Dauer',
  affects: (n) => `Betrifft ${n}`,
  affectedBy: (n) => `Beeinträchtigt durch ${n}`,
  dependsOn: 'Hängt ab von',
  maintenance: 'Wartung',
  subscribe: 'Abonnieren:',
  calendar: 'Kalender (iCal)',
  inProgress: 'Laufend',
  upcoming30: 'Geplant (nächste 30 Tage)',
  past90: 'Vergangen (letzte 90 Tage)',
  noMaintenanceNow: 'Derzeit keine Wartung.',
  noMaintenanceScheduled: 'Keine Wartung geplant.',
  noMaintenancePast: 'Keine Wartung in den letzten 90 Tagen.',
  uptimeHistory: 'Verfügbarkeitsverlauf',
  uptimeIntro: (tz) => `Monatliche Verfügbarkeit je Komponente (UTC-Monate, neueste zuerst) und die letzten 90 Tage einzeln (Tage in ${tz}), ab dem ersten Monat mit Daten. Monate ohne Daten zeigen einen Strich.`,
  olderIncidents: 'Ältere Störungen →',
  newerIncidents: '← Neuere Störungen',
  page: (n, of) => `Seite ${n} von ${of}`,
  chart: {
    caption: (n) => `Antwortzeit, letzte 7 Tage (${n} Messungen)`,
    aria: (name) => `Antwortzeit-Diagramm von ${name}; die Tabelle darunter listet die Werte`,
    table: (n) => `Antwortzeiten als Tabelle (letzte ${n})`,
    time: 'Zeit',
    status: 'Status',
    noSamples: 'Noch keine Messungen.',
    series: 'Antwortzeit (ms)',
  },
};

export const LANGUAGES: Record<string, Strings> = { en, de };

/** The strings for a locale such as `de-CH`; English when the language has none. */
export function strings(locale: string): Strings {
  const lang = locale.split('-')[0]?.toLowerCase() ?? 'en';
  return LANGUAGES[lang] ?? en;
}
