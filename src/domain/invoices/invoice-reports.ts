import type { EntityManager } from '@mikro-orm/postgresql';
import { formatMoney } from '../pricing/money.js';

// Operator reports over invoices, as SQL a reviewer can read. Scoped by the caller's
// organisation before they get here (null: every organisation, for admins).

export interface RevenueRow {
  currency: string;
  invoicedExclVat: string;
  invoicedVat: string;
  invoicedInclVat: string;
  /** What credit notes took off, positive. */
  creditedInclVat: string;
  paidInclVat: string;
  /** Open invoices' totals less their credit notes. */
  outstandingInclVat: string;
}

// An invoice's total less its credit notes (whenever they were issued).
const BALANCE = `i.total_incl_vat + coalesce((select sum(c.total_incl_vat) from invoice c
  where c.kind = 'CREDIT_NOTE' and c.credits_invoice_id = i.id), 0)`;

/** Per currency, of what was issued in [from, to): invoiced, credited, paid, still owed. */
export async function revenueOf(em: EntityManager, organisationId: string | null, from: Date, to: Date): Promise<RevenueRow[]> {
  const rows: Record<string, string>[] = await em.execute(
    `select i.currency,
        coalesce(sum(i.total_excl_vat) filter (where i.kind = 'INVOICE'), 0)::text as invoiced_excl,
        coalesce(sum(i.total_vat) filter (where i.kind = 'INVOICE'), 0)::text as invoiced_vat,
        coalesce(sum(i.total_incl_vat) filter (where i.kind = 'INVOICE'), 0)::text as invoiced_incl,
        coalesce(-sum(i.total_incl_vat) filter (where i.kind = 'CREDIT_NOTE'), 0)::text as credited,
        coalesce(sum(i.total_incl_vat) filter (where i.kind = 'INVOICE' and i.status = 'PAID'), 0)::text as paid,
        coalesce(sum(greatest(${BALANCE}, 0)) filter (where i.kind = 'INVOICE' and i.status = 'OPEN'), 0)::text as outstanding
       from invoice i
      where i.issued_at >= ? and i.issued_at < ? ${organisationId ? 'and i.organisation_id = ?' : ''}
      group by i.currency
      order by i.currency`,
    organisationId ? [from, to, organisationId] : [from, to],
  );
  return rows.map((r) => {
    const c = r.currency!;
    return {
      currency: c,
      invoicedExclVat: formatMoney(r.invoiced_excl!, c),
      invoicedVat: formatMoney(r.invoiced_vat!, c),
      invoicedInclVat: formatMoney(r.invoiced_incl!, c),
      creditedInclVat: formatMoney(r.credited!, c),
      paidInclVat: formatMoney(r.paid!, c),
      outstandingInclVat: formatMoney(r.outstanding!, c),
    };
  });
}

/** Open invoices with something still owed, oldest first, after the keyset cursor; one more than asked. */
export async function unpaidInvoiceIds(
  em: EntityManager,
  organisationId: string | null,
  after: [string, string] | null,
  limit: number,
): Promise<string[]> {
  const params: unknown[] = [];
  let where = `i.kind = 'INVOICE' and i.status = 'OPEN' and ${BALANCE} > 0`;
  if (organisationId) {
    where += ' and i.organisation_id = ?';
    params.push(organisationId);
  }
  if (after) {
    where += ' and (i.issued_at, i.id) > (?, ?)';
    params.push(new Date(after[0]), after[1]);
  }
  const rows: { id: string }[] = await em.execute(
    `select i.id from invoice i where ${where} order by i.issued_at, i.id limit ?`,
    [...params, limit],
  );
  return rows.map((r) => r.id);
}

/** Whether a driver owes anything on an invoice issued to them (an operator's start policy asks). */
export async function hasUnpaidInvoice(em: EntityManager, userId: string): Promise<boolean> {
  const rows: unknown[] = await em.execute(
    `select 1 from invoice i where i.user_id = ? and i.kind = 'INVOICE' and i.status = 'OPEN' and ${BALANCE} > 0 limit 1`,
    [userId],
  );
  return rows.length > 0;
}
