import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { refId } from '../../db/ref.js';
import { FileTooLargeError, type FileStore, type IncomingFile } from '../../files/file-store.js';
import { seesOrganisation } from '../accounts/viewer.js';
import type { Caller } from '../caller.js';
import { cleanFileName } from '../file-name.js';
import { isUuid } from '../ids.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import { tokenMatches } from '../secret-token.js';
import { FirmwareFileSchema, type FirmwareFile } from './firmware-file.entity.js';
import { keysetBefore } from './firmware-input.js';
import { FirmwareJobSchema } from './firmware-job.entity.js';
import { FirmwareError, firmwareFileNotFound } from './firmware.errors.js';
import type { FirmwareFileView } from './firmware.types.js';
import { toFileView } from './firmware.views.js';

export interface FirmwareFileServiceOptions {
  /** Base URL stations reach this server at; known once the server listens. */
  publicUrl: () => string;
  maxFileBytes: number;
}

export interface OpenedFirmwareFile {
  fileName: string;
  size: number;
  stream: Readable;
}

/**
 * Firmware images: uploaded by operators, read back by them, and downloaded by a station with
 * the token of its job. Files are their organisation's: admins see all, operators and API keys
 * their own; another organisation's file is as unknown as one that does not exist.
 */
export class FirmwareFileService {
  constructor(
    private readonly orm: MikroORM,
    private readonly files: FileStore,
    private readonly options: FirmwareFileServiceOptions,
  ) {}

  /**
   * Stores a firmware image for an organisation the caller sees (null: an admin's own, for admins
   * only); another organisation is as unknown as one that does not exist.
   */
  async uploadFile(caller: Caller, incoming: IncomingFile, organisationId: string | null): Promise<FirmwareFileView> {
    const fileName = cleanFileName(incoming.fileName);
    if (!fileName) {
      throw new FirmwareError('INVALID_FIRMWARE_INPUT', 'a firmware file needs a name: a multipart filename or ?fileName=', { field: 'fileName' });
    }
    if (!seesOrganisation(caller.visibility, organisationId)) {
      throw new FirmwareError('INVALID_FIRMWARE_INPUT', `no organisation with id ${organisationId}`, { field: 'organisationId' });
    }
    if (organisationId && (!isUuid(organisationId) || !(await this.orm.em.fork().findOne(OrganisationSchema, { id: organisationId })))) {
      throw new FirmwareError('INVALID_FIRMWARE_INPUT', `no organisation with id ${organisationId}`, { field: 'organisationId' });
    }
    const id = randomUUID();
    const key = `firmware/${id}`;
    let stored;
    try {
      stored = await this.files.save(key, incoming.content, this.options.maxFileBytes);
    } catch (err) {
      if (err instanceof FileTooLargeError) throw new FirmwareError('FIRMWARE_FILE_TOO_LARGE', `a firmware file may be at most ${err.maxBytes} bytes`);
      throw err;
    }
    try {
      const em = this.orm.em.fork();
      const file = em.create(FirmwareFileSchema, {
        id,
        fileName,
        organisation: organisationId,
        contentType: incoming.contentType?.slice(0, 255) ?? null,
        size: stored.size,
        sha256: stored.sha256,
        storageKey: key,
        uploadedAt: new Date(),
      });
      await em.flush();
      return this.view(file);
    } catch (err) {
      await this.files.remove(key).catch(() => {});
      throw err;
    }
  }

  async getFile(caller: Caller, id: string): Promise<FirmwareFileView | null> {
    if (!isUuid(id)) return null;
    const file = await this.orm.em.fork().findOne(FirmwareFileSchema, { id });
    return file && seesOrganisation(caller.visibility, refId(file.organisation)) ? this.view(file) : null;
  }

  async listFiles(caller: Caller, page: PageRequest): Promise<Page<FirmwareFileView>> {
    const { visibility } = caller;
    if (visibility.kind !== 'all' && visibility.kind !== 'organisation') return { items: [], hasNextPage: false };
    const where: Record<string, unknown>[] = [page.after ? keysetBefore('uploadedAt', page.after) : {}];
    if (visibility.kind === 'organisation') where.push({ organisation: visibility.organisationId });
    const rows = await this.orm.em
      .fork()
      .find(FirmwareFileSchema, { $and: where }, { orderBy: [{ uploadedAt: 'desc' }, { id: 'desc' }], limit: page.first + 1 });
    return toPage(rows, page.first, (f) => this.view(f), (f) => encodeCursor([f.uploadedAt.toISOString(), f.id]));
  }

  /**
   * The file row, when the caller may use it (download it, roll it out); FIRMWARE_FILE_NOT_FOUND
   * otherwise. `em`: the unit of work the row is to join (a rollout refers to it).
   */
  async requireFile(caller: Caller, id: string, em: EntityManager = this.orm.em.fork()): Promise<FirmwareFile> {
    const file = isUuid(id) ? await em.findOne(FirmwareFileSchema, { id }) : null;
    if (!file || !seesOrganisation(caller.visibility, refId(file.organisation))) throw firmwareFileNotFound();
    return file;
  }

  /** For operators: a file of another organisation is not found. */
  async openFile(caller: Caller, id: string): Promise<OpenedFirmwareFile> {
    return this.open(await this.requireFile(caller, id));
  }

  /** For the station of one job, with the token from its download URL. */
  async openJobDownload(jobId: string, token: string): Promise<OpenedFirmwareFile> {
    const em = this.orm.em.fork();
    const job = isUuid(jobId) ? await em.findOne(FirmwareJobSchema, { id: jobId }, { populate: ['rollout'] }) : null;
    // An unknown job and a wrong token look the same to the caller.
    if (!job || !tokenMatches(job.downloadTokenHash, token)) {
      throw new FirmwareError('FIRMWARE_DOWNLOAD_FORBIDDEN', 'the download token is not valid for this job');
    }
    const fileId = job.rollout.firmwareFile?.id;
    const file = fileId ? await em.findOne(FirmwareFileSchema, { id: fileId }) : null;
    if (!file) throw firmwareFileNotFound();
    return this.open(file);
  }

  private async open(file: FirmwareFile): Promise<OpenedFirmwareFile> {
    const opened = await this.files.open(file.storageKey);
    if (!opened) throw firmwareFileNotFound();
    return { fileName: file.fileName, ...opened };
  }

  private view(file: FirmwareFile): FirmwareFileView {
    return toFileView(file, this.options.publicUrl());
  }
}
