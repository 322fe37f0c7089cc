import { desc, eq } from 'drizzle-orm';
import type { AuditContext, AuditEntry } from '../store.ts';
import type { Q } from './connection.ts';
import { auditLog } from './schema.ts';

/** Appends one audit entry; called inside the transaction of the write it records. */
export async function writeAudit(
  q: Q,
  audit: AuditContext,
  action: string,
  target: string,
  detail?: Record<string, unknown>,
): Promise<void> {
  await q.insert(auditLog).values({
    at: audit.at,
    actor: audit.actor,
    action,
    target,
    detail: detail ? JSON.stringify(detail) : null,
    ip: audit.ip,
    requestId: audit.requestId,
  });
}

export async function listAudit(
  q: Q,
  filter: { target?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  const base = q.select().from(auditLog);
  const rows = await (filter.target ? base.where(eq(auditLog.target, filter.target)) : base)
    .orderBy(desc(auditLog.id))
    .limit(filter.limit ?? 100);
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    ip: r.ip,
    requestId: r.requestId,
  }));
}
