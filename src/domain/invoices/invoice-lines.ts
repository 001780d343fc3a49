import type { CdrView } from '../cdrs/cdr.types.js';
import { Dec, formatMoney, roundMoney, sumMoney } from '../pricing/money.js';
import type { InvoiceLineInput } from './invoice.ports.js';
import { invalidInvoice } from './invoices.errors.js';

// Pure rules of an invoice's lines: built from a CDR or given, checked, summed, broken down by
// VAT rate, negated for a credit note. Money as decimal strings with the currency's digits.

export interface InvoiceTotals {
  exclVat: string;
  vat: string;
  inclVat: string;
}

export interface TaxAmount {
  /** Percent, e.g. "19"; null: lines without VAT. */
  rate: string | null;
  exclVat: string;
  vat: string;
}

const DECIMAL = /^-?\d{1,12}(\.\d{1,6})?$/;
const MAX_LINES = 1000;

/** One line per cost line of the CDR (energy, time, parking, flat, plan allowance, min/max adjustments). */
export function linesFromCdr(cdr: CdrView): InvoiceLineInput[] {
  if (cdr.lines.length === 0) {
    // A session that cost nothing still gets its invoice (a receipt), with one zero line.
    const zero = formatMoney(0, cdr.currency);
    return [
      {
        description: `Charging session at ${cdr.stationIdentity}, no charge`,
        quantity: '1',
        unit: 'session',
        unitPriceExclVat: zero,
        vatRate: null,
        exclVat: zero,
        vat: zero,
        inclVat: zero,
        cdrId: cdr.id,
      },
    ];
  }
  return cdr.lines.map((line) => ({
    description: line.description,
    quantity: line.quantity,
    unit: line.unit,
    unitPriceExclVat: line.unitPrice,
    vatRate: line.vatRate,
    exclVat: line.exclVat,
    vat: line.vat,
    inclVat: line.inclVat,
    cdrId: cdr.id,
  }));
}

/**
 * Lines as they are stored: amounts rounded to the currency (a line that is not is refused,
 * so the bill adds up exactly), incl = excl + vat, a VAT rate between 0 and 100.
 */
export function checkedLines(lines: readonly InvoiceLineInput[], currency: string): InvoiceLineInput[] {
  if (lines.length === 0) throw invalidInvoice('lines: an invoice has at least one line', 'lines');
  if (lines.length > MAX_LINES) throw invalidInvoice(`lines: at most ${MAX_LINES}`, 'lines');
  return lines.map((line, i) => {
    const field = (name: string) => `lines.${i}.${name}`;
    const description = line.description?.trim() ?? '';
    if (!description || description.length > 500) throw invalidInvoice(`${field('description')}: 1 to 500 characters`, field('description'));
    const amount = (name: 'exclVat' | 'vat' | 'inclVat' | 'unitPriceExclVat' | 'quantity', value: string | null) => {
      if (value === null) return null;
      if (typeof value !== 'string' || !DECIMAL.test(value)) throw invalidInvoice(`${field(name)}: not a decimal amount: ${value}`, field(name));
      if (name !== 'quantity' && name !== 'unitPriceExclVat' && !roundMoney(value, currency).eq(value)) {
        throw invalidInvoice(`${field(name)}: ${value} has more digits than ${currency} has`, field(name));
      }
      return name === 'quantity' || name === 'unitPriceExclVat' ? new Dec(value).toString() : formatMoney(value, currency);
    };
    const exclVat = amount('exclVat', line.exclVat)!;
    const vat = amount('vat', line.vat)!;
    const inclVat = amount('inclVat', line.inclVat)!;
    if (!new Dec(exclVat).plus(vat).eq(inclVat)) {
      throw invalidInvoice(`${field('inclVat')}: ${inclVat} is not ${exclVat} + ${vat}`, field('inclVat'));
    }
    let vatRate: string | null = null;
    if (line.vatRate !== null && line.vatRate !== undefined) {
      if (!DECIMAL.test(line.vatRate) || new Dec(line.vatRate).lt(0) || new Dec(line.vatRate).gt(100)) {
        throw invalidInvoice(`${field('vatRate')}: a percentage between 0 and 100`, field('vatRate'));
      }
      vatRate = new Dec(line.vatRate).toString();
    }
    const unit = line.unit?.trim() || null;
    if (unit && unit.length > 20) throw invalidInvoice(`${field('unit')}: at most 20 characters`, field('unit'));
    return {
      description,
      quantity: amount('quantity', line.quantity)!,
      unit,
      unitPriceExclVat: amount('unitPriceExclVat', line.unitPriceExclVat ?? null),
      vatRate,
      exclVat,
      vat,
      inclVat,
      cdrId: line.cdrId ?? null,
    };
  });
}

/** The header: sums of the lines, so the invoice always adds up. */
export function totalsOf(lines: readonly Pick<InvoiceLineInput, 'exclVat' | 'vat' | 'inclVat'>[], currency: string): InvoiceTotals {
  return {
    exclVat: formatMoney(sumMoney(lines.map((l) => l.exclVat)), currency),
    vat: formatMoney(sumMoney(lines.map((l) => l.vat)), currency),
    inclVat: formatMoney(sumMoney(lines.map((l) => l.inclVat)), currency),
  };
}

/** Amounts per VAT rate, highest rate first and lines without VAT last. */
export function taxBreakdown(lines: readonly Pick<InvoiceLineInput, 'vatRate' | 'exclVat' | 'vat'>[], currency: string): TaxAmount[] {
  const byRate = new Map<string, { rate: string | null; excl: Dec[]; vat: Dec[] }>();
  for (const line of lines) {
    const rate = line.vatRate === null || line.vatRate === undefined ? null : new Dec(line.vatRate).toString();
    const key = rate ?? 'none';
    const group = byRate.get(key) ?? { rate, excl: [], vat: [] };
    group.excl.push(new Dec(line.exclVat));
    group.vat.push(new Dec(line.vat));
    byRate.set(key, group);
  }
  return [...byRate.values()]
    .sort((a, b) => (a.rate === null ? 1 : b.rate === null ? -1 : new Dec(b.rate).comparedTo(a.rate)))
    .map((g) => ({ rate: g.rate, exclVat: formatMoney(sumMoney(g.excl), currency), vat: formatMoney(sumMoney(g.vat), currency) }));
}

/** A credit note's lines: the same lines with negative amounts (quantities stay as billed). */
export function negatedLines(lines: readonly InvoiceLineInput[], currency: string): InvoiceLineInput[] {
  const neg = (v: string) => formatMoney(new Dec(v).negated(), currency);
  return lines.map((l) => ({ ...l, exclVat: neg(l.exclVat), vat: neg(l.vat), inclVat: neg(l.inclVat) }));
}
