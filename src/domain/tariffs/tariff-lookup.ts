import type { TariffDefinition } from './tariff.model.js';

/** One immutable version of a tariff: what a session started under is priced with, to the end. */
export interface TariffVersionRef {
  tariffId: string;
  versionId: string;
  version: number;
  /** The operator the tariff belongs to; its OCPI party when exported. */
  organisationId: string | null;
  definition: TariffDefinition;
  /** When the version was made: OCPI's last_updated. The tariffs area always fills it. */
  createdAt?: Date;
}

/**
 * The tariffs area's answer to "what does charging here cost": for sessions (priced by the
 * version in force when they start) and for price display. Implemented by the tariffs area.
 */
export interface TariffLookup {
  /**
   * The version that applies to a session starting now on this connector for this driver (or
   * for nobody in particular): the driver's plan's tariff if it has one, else the connector's
   * assignment, else the station's, else the station operator's default. Null: not priced.
   */
  forSession(stationId: string, connectorId: number, userId: string | null, at: Date): Promise<TariffVersionRef | null>;
  /** A version by id; versions never change, so this may be cached for good. */
  version(versionId: string): Promise<TariffVersionRef | null>;
  /** The version as an OCPI 2.2.1 Tariff object (for CDRs and roaming partners). */
  ocpi(ref: TariffVersionRef): Record<string, unknown>;
}
