/**
 * Maintenance windows and incident settings, resolved: times in epoch ms, recurring rules with
 * their zone (default: the site's), every referenced component checked.
 */
import type { MaintenanceWindow, Weekday } from '../maintenance/windows.ts';
import { DEFAULT_RESPONSE, resolveIncidentResponse } from './incident-response.ts';
import type { Problems } from './problems.ts';
import type { MaintenanceConfig } from './schema.ts';
import type { ValidFile } from './resolve.ts';
import type { IncidentSettings, ResolvedComponent } from './types.ts';

export const DEFAULT_INCIDENTS: IncidentSettings = { auto: true, resolveAfter: 2, response: DEFAULT_RESPONSE };

export function resolveIncidentSettings(files: readonly ValidFile[], channels: readonly string[] = [], problems?: Problems): IncidentSettings {
  const own = files.find((f) => f.role === 'settings')?.config.incidents;
  return {
    auto: own?.auto ?? DEFAULT_INCIDENTS.auto,
    resolveAfter: own?.resolveAfter ?? DEFAULT_INCIDENTS.resolveAfter,
    response: problems ? resolveIncidentResponse(files, channels, problems) : structuredClone(DEFAULT_RESPONSE),
  };
}

function resolveWindow(m: MaintenanceConfig, timeZone: string): MaintenanceWindow {
  const base = { id: m.id, title: m.title, description: m.description ?? null, components: m.components };
  if (m.recurring) {
    const r = m.recurring;
    const on = r.on === undefined ? (r.every === 'week' ? ['sunday' as Weekday] : r.every === 'month' ? 1 : null) : typeof r.on === 'string' ? [r.on] : r.on;
    return {
      ...base,
      start: null,
      end: null,
      recurring: { every: r.every, on, at: r.at, durationMs: r.duration, timeZone: r.timeZone ?? timeZone, from: r.from ?? null, until: r.until ?? null },
    };
  }
  const start = Date.parse(m.start as string);
  const end = m.end !== undefined ? Date.parse(m.end) : start + (m.duration as number);
  return { ...base, start, end, recurring: null };
}

export function resolveMaintenance(
  files: readonly ValidFile[],
  components: readonly ResolvedComponent[],
  timeZone: string,
  problems: Problems,
): MaintenanceWindow[] {
  const known = new Set(components.map((c) => c.id));
  const seen = new Map<string, string>();
  const out: MaintenanceWindow[] = [];
  for (const file of files) {
    (file.config.maintenance ?? []).forEach((m, i) => {
      const where = file.locate(['maintenance', i, 'id']);
      const first = seen.get(m.id);
      if (first) {
        problems.error(where, `maintenance[${i}].id`, `duplicate maintenance id "${m.id}" (first defined at ${first})`);
        return;
      }
      seen.set(m.id, `${where.file}:${where.line}:${where.column}`);
      m.components.forEach((c, j) => {
        if (!known.has(c)) {
          const at = file.locate(['maintenance', i, 'components', j]);
          problems.error(at, `maintenance[${i}].components[${j}]`, `unknown component "${c}" (known: ${[...known].join(', ')})`);
        }
      });
      out.push(resolveWindow(m, timeZone));
    });
  }
  return out;
}
