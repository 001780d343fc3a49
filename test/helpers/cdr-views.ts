import { randomUUID } from 'node:crypto';
import type { CdrSource, CdrView } from '../../src/domain/cdrs/cdr.types.js';
import { sumMoney } from '../../src/domain/pricing/money.js';
import type { CostLine } from '../../src/domain/pricing/pricing.types.js';

/** A cost line as the engine would write it; amounts by hand. */
export function aCostLine(overrides: Partial<CostLine> = {}): CostLine {
  return {
    kind: 'ENERGY',
    elementIndex: 0,
    description: 'Energy 10 kWh at 0.40 EUR/kWh',
    quantity: '10',
    unit: 'kWh',
    unitPrice: '0.40',
    vatRate: '19',
    exclVat: '4.00',
    vat: '0.76',
    inclVat: '4.76',
    ...overrides,
  };
}

/** A CDR of a finished session; totals are the lines' sums unless given. */
export function aCdrView(overrides: Partial<CdrView> = {}): CdrView {
  const lines = overrides.lines ?? [aCostLine()];
  const sum = (k: 'exclVat' | 'vat' | 'inclVat') => sumMoney(lines.map((l) => l[k]));
  return {
    id: randomUUID(),
    kind: 'SESSION',
    creditsCdrId: null,
    sessionId: randomUUID(),
    transactionId: 1,
    stationId: randomUUID(),
    stationIdentity: 'CP-TEST',
    connectorId: 1,
    organisationId: null,
    userId: null,
    idTokenId: null,
    idTag: 'TAG',
    tariffId: null,
    tariffVersionId: null,
    subscriptionId: null,
    currency: 'EUR',
    totalExclVat: sum('exclVat').toFixed(2),
    totalVat: sum('vat').toFixed(2),
    totalInclVat: sum('inclVat').toFixed(2),
    totalEnergyWh: 10_000,
    totalTimeSeconds: 3600,
    totalParkingSeconds: 0,
    lines,
    vatBreakdown: [],
    dataNotes: [],
    reason: null,
    startedAt: new Date('2026-11-02T10:00:00Z'),
    stoppedAt: new Date('2026-11-02T11:00:00Z'),
    ocpi: {},
    createdAt: new Date('2026-11-02T11:00:01Z'),
    ...overrides,
  };
}

/** A CdrSource over CDRs the test puts in. */
export class InMemoryCdrSource implements CdrSource {
  readonly cdrs = new Map<string, CdrView>();
  add(cdr: CdrView): CdrView {
    this.cdrs.set(cdr.id, cdr);
    return cdr;
  }
  async byId(cdrId: string): Promise<CdrView | null> {
    return this.cdrs.get(cdrId) ?? null;
  }
  async forUsers(userIds: readonly string[], from: Date, to: Date): Promise<CdrView[]> {
    return [...this.cdrs.values()]
      .filter((c) => c.userId !== null && userIds.includes(c.userId) && c.stoppedAt >= from && c.stoppedAt < to)
      .sort((a, b) => a.stoppedAt.getTime() - b.stoppedAt.getTime());
  }
}
