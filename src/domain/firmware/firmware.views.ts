import { refId } from '../../db/ref.js';
import type { Station } from '../stations/station.entity.js';
import type { OperatedStation } from '../stations/station.repository.js';
import { isoOrNull } from '../timestamps.js';
import type { FirmwareFile } from './firmware-file.entity.js';
import type { FirmwareJob } from './firmware-job.entity.js';
import type { FirmwareRollout } from './firmware-rollout.entity.js';
import { FAILED_FIRMWARE_STATUSES, type FirmwareJobStatus, type FirmwareProgress } from './firmware-status.js';
import type { FirmwareFileView, FirmwareJobView, FirmwareRolloutView, RolloutCounts } from './firmware.types.js';

// Rows to what leaves the firmware area: views for the API, payloads for events.

/** `publicUrl`: the base URL this server is reached at, for the file's download link. */
export function toFileView(f: FirmwareFile, publicUrl: string): FirmwareFileView {
  return {
    id: f.id,
    fileName: f.fileName,
    organisationId: refId(f.organisation),
    contentType: f.contentType ?? null,
    size: f.size,
    sha256: f.sha256,
    uploadedAt: f.uploadedAt.toISOString(),
    downloadUrl: `${publicUrl}/firmware/${f.id}/file`,
  };
}

export function toRolloutView(r: FirmwareRollout): FirmwareRolloutView {
  return {
    id: r.id,
    firmwareFileId: r.firmwareFile?.id ?? null,
    externalLocation: r.externalLocation ?? null,
    retrieveAt: r.retrieveAt.toISOString(),
    retries: r.retries ?? null,
    retryInterval: r.retryInterval ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** The station of a job, as its view names it. */
export type JobStation = Pick<OperatedStation, 'id' | 'identity' | 'organisationId'>;

export const jobStationOf = (s: Station): JobStation => ({ id: s.id, identity: s.identity, organisationId: refId(s.organisation) });

export function toJobView(j: FirmwareJob, station: JobStation): FirmwareJobView {
  return {
    id: j.id,
    rolloutId: j.rollout.id,
    stationId: station.id,
    stationIdentity: station.identity,
    organisationId: station.organisationId,
    status: j.status,
    stationStatus: (j.stationStatus ?? null) as FirmwareProgress | null,
    failureReason: j.failureReason ?? null,
    sentAt: isoOrNull(j.sentAt),
    finishedAt: isoOrNull(j.finishedAt),
    createdAt: j.createdAt.toISOString(),
    // Set by the ORM at flush; a job published before its first flush has none yet.
    updatedAt: (j.updatedAt ?? j.createdAt).toISOString(),
  };
}

const PENDING: readonly FirmwareJobStatus[] = ['SCHEDULED', 'SENT'];
const IN_PROGRESS: readonly FirmwareJobStatus[] = ['DOWNLOADING', 'DOWNLOADED', 'INSTALLING'];

/** A rollout's jobs counted by status, `byStatus` in the order given. */
export function toRolloutCounts(byStatus: { status: FirmwareJobStatus; count: number }[]): RolloutCounts {
  const sum = (statuses: readonly FirmwareJobStatus[]) => byStatus.filter((r) => statuses.includes(r.status)).reduce((n, r) => n + r.count, 0);
  return {
    total: byStatus.reduce((n, r) => n + r.count, 0),
    pending: sum(PENDING),
    inProgress: sum(IN_PROGRESS),
    installed: sum(['INSTALLED']),
    failed: sum(FAILED_FIRMWARE_STATUSES),
    superseded: sum(['SUPERSEDED']),
    byStatus,
  };
}
