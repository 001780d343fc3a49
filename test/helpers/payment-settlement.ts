import type { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { CdrView } from '../../src/domain/cdrs/cdr.types.js';
import { aCdrView, InMemoryCdrSource } from './cdr-views.js';
import type { BillTo, InvoiceIssuer, IssuedInvoice, PaymentRecord } from '../../src/domain/invoices/invoice.ports.js';
import { BillingAccountService } from '../../src/domain/payments/billing-account.service.js';
import { PaymentMethodService } from '../../src/domain/payments/payment-method.service.js';
import { PaymentService } from '../../src/domain/payments/payment.service.js';
import { sumMoney, toMinorUnits } from '../../src/domain/pricing/money.js';
import type { UserService } from '../../src/domain/users/user.service.js';
import { createLogger } from '../../src/logger.js';
import { StripePaymentProvider } from '../../src/payments/stripe/stripe-payment-provider.js';
import type { StripeStandIn } from '../stand-ins/stripe/stripe-stand-in.js';

// Small in-test implementations of the ports the cdrs and invoices areas provide, so the
// payments area's settlement runs against the real database and the Stripe stand-in.

/** The CDRs settlement reads: a session's, with a 12.34 EUR total unless given. */
export class TestCdrs extends InMemoryCdrSource {
  override add(overrides: Partial<CdrView> & { sessionId: string }): CdrView {
    const now = new Date();
    return super.add(
      aCdrView({
        totalExclVat: '10.37',
        totalVat: '1.97',
        totalInclVat: '12.34',
        totalEnergyWh: 20_000,
        lines: [],
        vatBreakdown: [{ rate: '19', exclVat: '10.37', vat: '1.97' }],
        startedAt: new Date(now.getTime() - 3600_000),
        stoppedAt: now,
        createdAt: now,
        ...overrides,
      }),
    );
  }
}

export class TestInvoices implements InvoiceIssuer {
  readonly issued = new Map<string, IssuedInvoice & { billTo: BillTo; lines?: unknown[] }>();
  readonly paid: { invoiceId: string; payment: PaymentRecord }[] = [];
  readonly failed: { invoiceId: string; reason: string }[] = [];
  constructor(private readonly cdrs: TestCdrs) {}
  async issueForSession(cdrId: string, billTo: BillTo) {
    const cdr = this.cdrs.cdrs.get(cdrId)!;
    return this.issue(`session:${cdrId}`, billTo, cdr.currency, cdr.totalInclVat);
  }
  async issueForPeriod(input: Parameters<InvoiceIssuer['issueForPeriod']>[0]) {
    const total = sumMoney(input.lines.map((l) => l.inclVat)).toFixed(2);
    const invoice = this.issue(input.sourceKey, input.billTo, input.currency, total);
    this.issued.get(input.sourceKey)!.lines = input.lines;
    return invoice;
  }
  async markPaid(invoiceId: string, payment: PaymentRecord) {
    this.paid.push({ invoiceId, payment });
  }
  async markPaymentFailed(invoiceId: string, reason: string) {
    this.failed.push({ invoiceId, reason });
  }
  private issue(key: string, billTo: BillTo, currency: string, total: string): IssuedInvoice {
    const existing = this.issued.get(key);
    if (existing) return existing;
    const invoice = { id: randomUUID(), number: `INV-TEST-${this.issued.size + 1}`, currency, totalInclVat: total, totalInclVatMinor: toMinorUnits(total, currency), billTo };
    this.issued.set(key, invoice);
    return invoice;
  }
}

/** The payments area as the app wires it, over the app's database, with test CDRs and invoices. */
export function settlementFor(orm: MikroORM, users: UserService, standIn: StripeStandIn) {
  const log = createLogger('silent');
  const provider = new StripePaymentProvider({
    secretKey: 'sk_test_settle',
    webhookSecret: standIn.webhookSecret,
    api: { host: '127.0.0.1', port: standIn.port, protocol: 'http' },
    maxNetworkRetries: 0,
  });
  const settings = { publishableKey: 'pk_test', holdAmountMinor: 5000, currency: 'EUR', holdTtlMs: 900_000, required: false, publicUrl: () => '' };
  const cdrs = new TestCdrs();
  const invoices = new TestInvoices(cdrs);
  const billing = { cdrs, invoices };
  const methods = new PaymentMethodService(orm, provider, settings, users, log);
  const accounts = new BillingAccountService(orm, users, billing, log);
  const payments = new PaymentService(orm, provider, settings, methods, accounts, billing, log);
  return { payments, accounts, cdrs, invoices };
}
