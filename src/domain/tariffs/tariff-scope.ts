import { visibleRowsWhere, type Visibility } from '../accounts/viewer.js';
import type { Caller } from '../caller.js';
import { invalidTariff, TariffsError } from './tariffs.errors.js';

// Who reaches which tariffs: admins all (platform tariffs included), operators and API keys their
// organisation's, drivers and anonymous callers none (they see prices through priceAt only).

/** The rule as a condition on tariff rows. */
export function visibleTariffsWhere(visibility: Visibility): Record<string, unknown> {
  return visibleRowsWhere(visibility, { organisation: 'organisation' });
}

export function seesTariff(visibility: Visibility, organisationId: string | null): boolean {
  if (visibility.kind === 'all') return true;
  return visibility.kind === 'organisation' && visibility.organisationId === organisationId;
}

/**
 * The organisation a staff caller acts for: an operator's own (naming another is refused), an
 * admin's choice (none: the platform).
 */
export function organisationFor(caller: Caller, requested: string | null): string | null {
  const v = caller.visibility;
  if (v.kind === 'organisation') {
    if (requested !== null && requested !== v.organisationId) {
      throw new TariffsError('TARIFF_FORBIDDEN', "operators manage their own organisation's tariffs only", { field: 'organisationId' });
    }
    return v.organisationId;
  }
  if (v.kind === 'all') return requested;
  throw new TariffsError('TARIFF_FORBIDDEN', 'only operators and admins manage tariffs');
}

/** A tariff applies only where its owner operates (a platform tariff anywhere). */
export function requireSameOwner(tariffOrganisationId: string | null, slotOrganisationId: string | null): void {
  if (tariffOrganisationId !== null && tariffOrganisationId !== slotOrganisationId) {
    throw invalidTariff("belongs to another organisation than the station or default it would price", 'tariffId');
  }
}
