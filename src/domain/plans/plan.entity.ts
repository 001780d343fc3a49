import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OrganisationSchema } from '../organisations/organisation.entity.js';

// A subscription plan an operator offers its drivers: a monthly fee for included energy per
// period, a tariff of its own (replacing the station's for subscribers) and/or a discount.
export const PlanSchema = defineEntity({
  name: 'Plan',
  tableName: 'plan',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    // The operator offering it: its invoices are issued by this organisation.
    organisation: p.manyToOne(OrganisationSchema),
    name: p.string().length(200),
    description: p.text().nullable(),
    currency: p.string().length(3),
    // Per period, excluding VAT; at most the currency's minor digits.
    monthlyFee: p.decimal('string').precision(14).scale(4),
    // Percent; null: no VAT on the fee.
    feeVatRate: p.decimal('string').precision(5).scale(2).nullable(),
    includedEnergyWh: p.integer().default(0),
    // The tariffs area's tariff, by id only (that area alone reads tariffs).
    tariffId: p.uuid().nullable(),
    discountPercent: p.decimal('string').precision(5).scale(2).nullable(),
    // Inactive plans take no new subscribers; existing ones run on.
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['organisation', 'active'] }],
});

export type Plan = InferEntity<typeof PlanSchema>;
