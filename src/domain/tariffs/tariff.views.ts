import { summarizeTariff } from '../pricing/tariff-summary.js';
import type { TariffVersionRef } from './tariff-lookup.js';
import type { TariffDefinition, TariffType } from './tariff.model.js';
import { toOcpiTariff, type OcpiParty } from './ocpi-tariff.js';

/** What anyone may see of a tariff: its prices, as a driver reads them before charging. */
export interface PublicTariffView {
  id: string;
  versionId: string;
  version: number;
  currency: string;
  type: TariffType | null;
  definition: TariffDefinition;
  summary: string;
  /** The version as an OCPI 2.2.1 Tariff object. */
  ocpi: Record<string, unknown>;
}

/** A tariff as its operator manages it, at its current version. */
export interface TariffView extends PublicTariffView {
  name: string;
  organisationId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TariffAssignmentView {
  id: string;
  tariffId: string;
  /** Null: the organisation's default. */
  stationIdentity: string | null;
  /** Null: the whole station (or the organisation default). */
  connectorId: number | null;
  organisationId: string | null;
}

/** What priceAt answers: the tariff that would price a session started now, and its summary. */
export interface PriceInfoView {
  /** Null when nothing prices sessions here. */
  currency: string | null;
  summary: string;
  tariff: PublicTariffView | null;
}

export function toPublicTariffView(ref: TariffVersionRef, party: OcpiParty): PublicTariffView {
  return {
    id: ref.tariffId,
    versionId: ref.versionId,
    version: ref.version,
    currency: ref.definition.currency,
    type: ref.definition.type ?? null,
    definition: ref.definition,
    summary: summarizeTariff(ref.definition),
    ocpi: toOcpiTariff(ref, party),
  };
}

export function toTariffView(
  tariff: { id: string; name: string; organisationId: string | null; createdAt: Date; updatedAt: Date },
  ref: TariffVersionRef,
  party: OcpiParty,
): TariffView {
  return {
    ...toPublicTariffView(ref, party),
    name: tariff.name,
    organisationId: tariff.organisationId,
    createdAt: tariff.createdAt,
    updatedAt: tariff.updatedAt,
  };
}

export const NO_PRICE: PriceInfoView = { currency: null, summary: 'No tariff applies here: charging is not priced.', tariff: null };
