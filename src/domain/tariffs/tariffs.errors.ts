import { DomainError } from '../domain-error.js';

export type TariffsErrorCode = 'INVALID_TARIFF_INPUT' | 'TARIFF_NOT_FOUND' | 'TARIFF_FORBIDDEN';

export class TariffsError extends DomainError<TariffsErrorCode> {
  readonly area = 'tariffs';
}

/** Bad tariff input; `field` is a path into what the caller sent, e.g. "elements[0].price_components[1].price". */
export const invalidTariff = (message: string, field: string) =>
  new TariffsError('INVALID_TARIFF_INPUT', field ? `${field}: ${message}` : message, { field });

/** A tariff that does not exist, or that the caller may not see: the two answer alike. */
export const tariffNotFound = (id: string) => new TariffsError('TARIFF_NOT_FOUND', `no tariff with id ${id}`, { field: 'id' });
