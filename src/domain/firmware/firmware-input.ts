import { z } from 'zod';
import { decodeCursor } from '../pagination.js';
import { invalidFirmwareInput } from './firmware.errors.js';

// What callers may send the firmware area, checked before any row is read.

export const MAX_ROLLOUT_STATIONS = 1000;
const DOWNLOAD_PROTOCOLS = ['http:', 'https:', 'ftp:', 'ftps:'];

export const rolloutInput = z
  .object({
    stationIdentities: z
      .array(z.string().min(1).max(48))
      .min(1, 'name at least one station')
      .max(MAX_ROLLOUT_STATIONS, `at most ${MAX_ROLLOUT_STATIONS} stations per rollout`)
      .superRefine((ids, ctx) => {
        const twice = ids.find((id, i) => ids.indexOf(id) !== i);
        if (twice) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${twice}" is listed twice` });
      }),
    firmwareFileId: z.string().uuid('must be the id of an uploaded firmware file').nullish(),
    location: z
      .string()
      .max(2000)
      .refine(isDownloadUrl, 'must be an absolute http, https, ftp or ftps URL')
      .nullish(),
    retrieveAt: z.date().nullish(),
    retries: z.number().int().min(0).max(100).nullish(),
    retryInterval: z.number().int().min(0).max(86_400).nullish(),
  })
  .superRefine((i, ctx) => {
    if (Boolean(i.firmwareFileId) === Boolean(i.location)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['location'], message: 'give either firmwareFileId or location, not both or neither' });
    }
  });

function isDownloadUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return DOWNLOAD_PROTOCOLS.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The rows after a page's `after` cursor, for a list newest first by `field`, then id. */
export function keysetBefore(field: string, after: string): Record<string, unknown> {
  const parsed = decodeCursor(after, z.tuple([z.string().datetime(), z.string().uuid()]));
  if (!parsed) throw invalidFirmwareInput('after is not a valid cursor', 'after');
  const at = new Date(parsed[0]);
  return { $or: [{ [field]: { $lt: at } }, { [field]: at, id: { $lt: parsed[1] } }] };
}
