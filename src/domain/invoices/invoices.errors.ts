import { DomainError } from '../domain-error.js';

export type InvoicesErrorCode =
  | 'INVOICE_NOT_FOUND'
  | 'INVALID_INVOICE_INPUT'
  // A credit note for more than is left to credit on the invoice.
  | 'CREDIT_EXCEEDS_REMAINING'
  // Paying a void invoice, crediting a credit note: the invoice's state does not allow it.
  | 'INVOICE_STATE_CONFLICT'
  // The CDR to invoice is not there (yet).
  | 'CDR_NOT_FOUND'
  | 'INVOICE_FORBIDDEN';

export class InvoicesError extends DomainError<InvoicesErrorCode> {
  readonly area = 'invoices';
}

export const invalidInvoice = (message: string, field: string) => new InvoicesError('INVALID_INVOICE_INPUT', message, { field });
