import type { CostLine, PricedSession, VatAmount } from '../pricing/pricing.types.js';
import type { Decimal } from '../tariffs/tariff.model.js';

export const CDR_KINDS = ['SESSION', 'CREDIT'] as const;
export type CdrKind = (typeof CDR_KINDS)[number];

/**
 * A charge detail record: the fixed, final price of one session with the tariff it was priced
 * by. Never changes once written; a correction is a CREDIT record pointing at the one it
 * corrects (negative amounts), optionally followed by a new SESSION record.
 */
export interface CdrView {
  id: string;
  kind: CdrKind;
  /** For a CREDIT: the record it reverses. */
  creditsCdrId: string | null;
  sessionId: string;
  transactionId: number;
  stationId: string;
  stationIdentity: string;
  connectorId: number;
  /** The station's operator: whose revenue it is and who issues the invoice. */
  organisationId: string | null;
  /** The driver (the token's owner at start); null for guests and unknown cards. */
  userId: string | null;
  idTokenId: string | null;
  idTag: string;
  tariffId: string | null;
  tariffVersionId: string | null;
  /** The plan subscription whose allowance or discount applied. */
  subscriptionId: string | null;
  currency: string;
  totalExclVat: Decimal;
  totalVat: Decimal;
  totalInclVat: Decimal;
  totalEnergyWh: number;
  totalTimeSeconds: number;
  totalParkingSeconds: number;
  lines: CostLine[];
  vatBreakdown: VatAmount[];
  /** How odd meter data was read, for the operator. */
  dataNotes: string[];
  /** A credit's reason. */
  reason: string | null;
  startedAt: Date;
  stoppedAt: Date;
  /** The OCPI 2.2.1 CDR object, as sent to roaming partners. */
  ocpi: Record<string, unknown>;
  createdAt: Date;
}

/** Read access to CDRs for the billing areas (invoices, payments, plans). */
export interface CdrSource {
  byId(cdrId: string): Promise<CdrView | null>;
  /** The CDRs (SESSION and CREDIT) of these drivers' sessions that stopped in [from, to), oldest first. */
  forUsers(userIds: readonly string[], from: Date, to: Date): Promise<CdrView[]>;
}

export type { PricedSession };
