// Invoice numbers: "<series>-<year>-<six digits>", gapless per operator, series and year.
// Credit notes have their own series ("CN"), as many tax authorities allow and accountants
// prefer: an invoice register without credit notes in it stays gapless on its own.
export const INVOICE_SERIES = { INVOICE: 'INV', CREDIT_NOTE: 'CN' } as const;
export type InvoiceSeries = (typeof INVOICE_SERIES)[keyof typeof INVOICE_SERIES];

/** The year an invoice is numbered in: its issue date's, in UTC. */
export function numberingYear(issuedAt: Date): number {
  return issuedAt.getUTCFullYear();
}

export function formatInvoiceNumber(series: InvoiceSeries, year: number, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`not a sequence number: ${sequence}`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`not a year: ${year}`);
  // Six digits and more when a busy operator passes 999999 in a year: never cut.
  return `${series}-${year}-${String(sequence).padStart(6, '0')}`;
}
