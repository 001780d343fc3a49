import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { UserSchema } from '../users/user.entity.js';

/**
 * A fleet or business customer paying by invoice (the INVOICE provider): no card, its drivers'
 * sessions go on a monthly invoice from each operator they charged with.
 */
export const BillingAccountSchema = defineEntity({
  name: 'BillingAccount',
  tableName: 'billing_account',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    // The operator that signed the customer up and manages the account.
    organisation: p.manyToOne(OrganisationSchema).deleteRule('cascade'),
    name: p.string().length(200),
    email: p.string().length(320).nullable(),
    address: p.text().nullable(),
    vatId: p.string().length(50).nullable(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['organisation'] }],
});
export type BillingAccount = InferEntity<typeof BillingAccountSchema>;

/** A driver whose sessions the account pays; a driver belongs to one account at most. */
export const BillingAccountMemberSchema = defineEntity({
  name: 'BillingAccountMember',
  tableName: 'billing_account_member',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    billingAccount: p.manyToOne(BillingAccountSchema).deleteRule('cascade'),
    user: p.manyToOne(UserSchema).unique().deleteRule('cascade'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['billingAccount'] }],
});
export type BillingAccountMember = InferEntity<typeof BillingAccountMemberSchema>;
