import { desc, eq, sql } from 'drizzle-orm';
import type { Dialect, Q, Tables } from '../dialect.ts';
import type { AuditContext, AuditEntry, Store } from '../store.ts';
import { prepared } from './prepared.ts';

/** Appends one audit entry; called inside the transaction of the write it records. */
export type RecordAudit = (
  q: Q,
  audit: AuditContext,
  action: string,
  target: string,
  detail?: Record<string, unknown>,
) => Promise<void>;

export function auditRecorder({ auditLog }: Tables): RecordAudit {
  const p = sql.placeholder;
  // Prepared (see `prepared`): every write records one.
  const insert = prepared((q) =>
    q
      .insert(auditLog)
      .values({
        at: p('at'),
        actor: p('actor'),
        action: p('action'),
        target: p('target'),
        detail: p('detail'),
        ip: p('ip'),
        requestId: p('requestId'),
      })
      .prepare('audit_insert'),
  );
  return async (q, audit, action, target, detail) => {
    await insert(q, {
      at: audit.at,
      actor: audit.actor,
      action,
      target,
      detail: detail ? JSON.stringify(detail) : null,
      ip: audit.ip,
      requestId: audit.requestId,
    });
  };
}

/** The audit log reader: newest first, optionally for one target. */
export function auditReads(d: Dialect): Pick<Store, 'listAudit'> {
  const { auditLog } = d.tables;
  return {
    listAudit(filter = {}) {
      return d.run(async (q): Promise<AuditEntry[]> => {
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
      });
    },
  };
}
