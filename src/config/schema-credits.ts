/**
 * `reports.credits` and `reports.components.<id>.credits`: SLA credit tiers of the monthly report
 * (src/model/credits.ts computes the credit owed). Its own section of the schema, imported by
 * schema.ts.
 *
 * A tier list is written from the mildest tier to the harshest: each `below` lower than the one
 * before it, each `credit` higher. Availability strictly below a tier's `below` reaches the tier;
 * the harshest tier reached is the one owed.
 */
import { z } from 'zod';

export const CreditTier = z
  .strictObject({
    below: z
      .number()
      .gt(0, { message: 'expected an availability in percent above 0, such as 99.9' })
      .max(100, { message: 'expected an availability in percent of at most 100, such as 99.9' })
      .describe('Availability in percent; a month strictly below it reaches this tier, e.g. 99.9'),
    credit: z
      .number()
      .gt(0, { message: 'expected a credit in percent of the monthly fee above 0 and at most 100, such as 10' })
      .max(100, { message: 'expected a credit in percent of the monthly fee above 0 and at most 100, such as 10' })
      .describe('Credit owed, in percent of the monthly fee (more than 0, at most 100)'),
  })
  .describe('One credit tier: availability below `below` percent owes `credit` percent of the monthly fee');

export const CreditTiers = z
  .array(CreditTier)
  .superRefine((tiers, ctx) => {
    // Out-of-range values are reported by the tier itself; ordering is checked among valid tiers.
    const valid = (t: { below: number; credit: number }) => t.below > 0 && t.below <= 100 && t.credit > 0 && t.credit <= 100;
    tiers.forEach((t, i) => {
      const prev = i > 0 ? tiers[i - 1] : undefined;
      if (!prev || !valid(t) || !valid(prev)) return;
      if (!(t.below < prev.below)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'below'],
          input: t.below,
          message: `expected tiers from the mildest to the harshest: "below" ${t.below} must be lower than the previous tier's ${prev.below}`,
        });
      }
      if (!(t.credit > prev.credit)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'credit'],
          input: t.credit,
          message: `expected a harsher tier to owe more: "credit" ${t.credit} must be higher than the previous tier's ${prev.credit}`,
        });
      }
    });
  })
  .describe('Credit tiers, from the mildest to the harshest, e.g. [{ below: 99.9, credit: 10 }, { below: 99, credit: 25 }, { below: 95, credit: 100 }]; [] means no credits');

export const ReportComponentSettings = z
  .strictObject({
    credits: CreditTiers.optional().describe('Credit tiers of this component, instead of `reports.credits` ([] for none)'),
  })
  .describe('Report settings of one component');

/** The fields `reports:` gains for credits (spread into the Reports schema). */
export const reportCreditFields = {
  credits: CreditTiers.optional().describe('SLA credit tiers of every component (unless `reports.components` overrides them); the monthly report shows the tier reached and the credit owed'),
  components: z
    .record(z.string(), ReportComponentSettings)
    .optional()
    .describe('Per-component report settings by component id, e.g. { api: { credits: [...] } }'),
};
