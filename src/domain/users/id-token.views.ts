import { refId } from '../../db/ref.js';
import { isoOrNull } from '../timestamps.js';
import type { IdToken, IdTokenStatus, IdTokenType } from './id-token.entity.js';

export interface IdTokenView {
  id: string;
  value: string;
  type: IdTokenType;
  status: IdTokenStatus;
  expiresAt: string | null;
  parentIdTag: string | null;
  label: string | null;
  printedNumber: string | null;
  maxConcurrentSessions: number | null;
  userId: string | null;
  organisationId: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toIdTokenView(t: IdToken): IdTokenView {
  return {
    id: t.id,
    value: t.value,
    type: t.type,
    status: t.status,
    expiresAt: isoOrNull(t.expiresAt),
    parentIdTag: t.parentIdTag ?? null,
    label: t.label ?? null,
    printedNumber: t.printedNumber ?? null,
    maxConcurrentSessions: t.maxConcurrentSessions ?? null,
    userId: refId(t.user),
    organisationId: refId(t.organisation),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
