import { z } from 'zod';

/** Atlassian Statuspage's public page API shapes (api/v2), as its clients read them. */
const Iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)));
const Page = z.object({ id: z.string(), name: z.string(), url: z.string(), time_zone: z.string(), updated_at: Iso });
const ComponentStatus = z.enum(['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance']);
const Component = z.object({
  id: z.string(),
  name: z.string(),
  status: ComponentStatus,
  created_at: Iso,
  updated_at: Iso,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.string().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string(),
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
  components: z.array(z.string()).optional(),
});
const Update = z.object({
  id: z.string(),
  status: z.string(),
  body: z.string(),
  incident_id: z.string(),
  created_at: Iso,
  updated_at: Iso,
  display_at: Iso,
  affected_components: z.array(z.object({ code: z.string(), name: z.string(), old_status: ComponentStatus, new_status: ComponentStatus })).nullable(),
  deliver_notifications: z.boolean(),
  custom_tweet: z.null(),
  tweet_id: z.null(),
});
const Incident = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']),
  created_at: Iso,
  updated_at: Iso,
  monitoring_at: Iso.nullable(),
  resolved_at: Iso.nullable(),
  impact: z.enum(['none', 'minor', 'major', 'critical']),
  shortlink: z.string(),
  started_at: Iso,
  page_id: z.string(),
  incident_updates: z.array(Update),
  components: z.array(Component),
});
const Maintenance = Incident.extend({
  status: z.enum(['scheduled', 'in_progress', 'verifying', 'completed']),
  impact: z.literal('maintenance'),
  scheduled_for: Iso,
  scheduled_until: Iso,
});
const Status = z.object({ indicator: z.enum(['none', 'minor', 'major', 'critical']), description: z.string() });
export const STATUSPAGE_SHAPES: Record<string, z.ZodType> = {
  'summary.json': z.object({ page: Page, components: z.array(Component), incidents: z.array(Incident), scheduled_maintenances: z.array(Maintenance), status: Status }),
  'status.json': z.object({ page: Page, status: Status }),
  'components.json': z.object({ page: Page, components: z.array(Component) }),
  'incidents.json': z.object({ page: Page, incidents: z.array(Incident) }),
  'incidents/unresolved.json': z.object({ page: Page, incidents: z.array(Incident) }),
  'scheduled-maintenances.json': z.object({ page: Page, scheduled_maintenances: z.array(Maintenance) }),
  'scheduled-maintenances/upcoming.json': z.object({ page: Page, scheduled_maintenances: z.array(Maintenance) }),
  'scheduled-maintenances/active.json': z.object({ page: Page, scheduled_maintenances: z.array(Maintenance) }),
};

