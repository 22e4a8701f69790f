import { z } from 'zod';
import { zhCN } from '../../i18n/zh-CN.ts';

const b = zhCN.bureau;

/** The verification decision: a rejection needs a reason, which the applicant will read. */
export const verificationDecisionSchema = z
  .object({
    decision: z.enum(['verified', 'rejected']),
    reason: z.string().trim().max(500).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.decision === 'rejected' && !value.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: b.reasonRequired });
    }
  });

export const userAdminSchema = z.object({
  userId: z.coerce.number().int().min(1).max(2_147_483_647),
  intent: z.enum(['end-sessions', 'disable', 'enable']),
});

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: b.invalidFilter });

export const auditFilterSchema = z.object({
  action: z.string().trim().max(60).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  actor: z.string().trim().max(254).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
