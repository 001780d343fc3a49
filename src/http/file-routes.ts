import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DiagnosticsService } from '../domain/diagnostics/diagnostics.service.js';
import type { FirmwareFileService } from '../domain/firmware/firmware-files.service.js';
import type { IncomingFile } from '../files/file-store.js';
import type { Logger } from '../logger.js';
import type { Visibility } from '../domain/accounts/viewer.js';
import type { Caller } from '../domain/caller.js';
import type { FileAccessPolicy, FileAction } from './file-access.js';
import { httpProblem } from './http-errors.js';
import { MultipartError, multipartBoundary, readMultipartFile } from './multipart-file-reader.js';

export interface FileRoutesOptions {
  diagnostics: DiagnosticsService;
  firmwareFiles: FirmwareFileService;
  access: FileAccessPolicy;
  log: Logger;
}

/** Answers a request when it is for one of these routes; returns false (touching nothing) otherwise. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

// Stations are given these URLs, with a token of their own, as the upload or download location:
//   PUT|POST /diagnostics/<requestId>/<token>[/<fileName>]       the station uploads diagnostics
//   GET|HEAD /firmware/jobs/<jobId>/<token>/<fileName>             the station downloads firmware
// Operators (through FileAccessPolicy: Authorization: Bearer <access token | API key>):
//   GET  /diagnostics/<requestId>/file                             download what a station uploaded
//   POST /firmware[?fileName=][&organisationId=]                   upload firmware (raw body or multipart);
//                                                                  organisationId: admins, for an operator
//   GET  /firmware/<fileId>/file                                   download uploaded firmware
// Another organisation's request or file answers 404, like one that does not exist.
const DIAGNOSTICS_FILE = /^\/diagnostics\/([^/]+)\/file$/;
const DIAGNOSTICS_UPLOAD = /^\/diagnostics\/([^/]+)\/([^/]+)(?:\/([^/]*))?$/;
const FIRMWARE_JOB_DOWNLOAD = /^\/firmware\/jobs\/([^/]+)\/([^/]+)(?:\/[^/]*)?$/;
const FIRMWARE_FILE = /^\/firmware\/([^/]+)\/file$/;
const FIRMWARE_UPLOAD = /^\/firmware\/?$/;

export function createFileRoutes(options: FileRoutesOptions): RouteHandler {
  const { diagnostics, firmwareFiles, access, log } = options;

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (!path.startsWith('/diagnostics/') && path !== '/firmware' && !path.startsWith('/firmware/')) return false;
    const method = req.method ?? 'GET';
    const run = (work: () => Promise<void>) =>
      void work().catch((error) => fail(req, res, error, log));
    let m: RegExpExecArray | null;

    if ((m = DIAGNOSTICS_FILE.exec(path)) && isRead(method)) {
      const id = segment(m[1]);
      run(async () => {
        const caller = await allowed(req, res, access, 'DOWNLOAD_DIAGNOSTICS');
        if (!caller) return;
        await sendFile(req, res, await diagnostics.openFile(caller, id));
      });
    } else if ((m = DIAGNOSTICS_UPLOAD.exec(path)) && (method === 'PUT' || method === 'POST')) {
      const [id, token, name] = [segment(m[1]), segment(m[2]), m[3] ? segment(m[3]) : null];
      run(async () => {
        const request = await diagnostics.receiveUpload(id, token, () => incomingFile(req, url, name));
        json(res, 200, { id: request.id, status: request.status, size: request.size, sha256: request.sha256 });
      });
    } else if ((m = FIRMWARE_JOB_DOWNLOAD.exec(path)) && isRead(method)) {
      const [jobId, token] = [segment(m[1]), segment(m[2])];
      run(async () => sendFile(req, res, await firmwareFiles.openJobDownload(jobId, token)));
    } else if ((m = FIRMWARE_FILE.exec(path)) && isRead(method)) {
      const id = segment(m[1]);
      run(async () => {
        const caller = await allowed(req, res, access, 'DOWNLOAD_FIRMWARE');
        if (!caller) return;
        await sendFile(req, res, await firmwareFiles.openFile(caller, id));
      });
    } else if (FIRMWARE_UPLOAD.test(path) && method === 'POST') {
      run(async () => {
        const caller = await allowed(req, res, access, 'UPLOAD_FIRMWARE');
        if (!caller) return;
        const owner = firmwareOwner(caller.visibility, url.searchParams.get('organisationId'));
        if (owner === undefined) {
          problem(req, res, 403, 'FORBIDDEN', 'you may upload firmware only for your own organisation');
          return;
        }
        json(res, 201, await firmwareFiles.uploadFile(caller, await incomingFile(req, url, null), owner));
      });
    } else {
      problem(req, res, 404, 'NOT_FOUND', `no ${method} ${path}`);
    }
    return true;
  };
}

const isRead = (method: string) => method === 'GET' || method === 'HEAD';

function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

// A raw body is the file (named by ?fileName= or the URL); a multipart/form-data body carries it as its one file.
async function incomingFile(req: IncomingMessage, url: URL, nameFromPath: string | null): Promise<IncomingFile> {
  const contentType = req.headers['content-type'];
  if (contentType && /^multipart\//i.test(contentType)) {
    const boundary = multipartBoundary(contentType);
    if (!boundary) throw new MultipartError('multipart/form-data needs a boundary');
    const file = await readMultipartFile(req, boundary);
    return { ...file, fileName: file.fileName ?? url.searchParams.get('fileName') ?? nameFromPath };
  }
  return { fileName: url.searchParams.get('fileName') ?? nameFromPath, contentType: contentType ?? null, content: req };
}

/** The caller when they may use the endpoint; otherwise answers 401 / 403 and returns null. */
async function allowed(req: IncomingMessage, res: ServerResponse, access: FileAccessPolicy, action: FileAction): Promise<Caller | null> {
  const decision = await access(req, action);
  if (decision.verdict === 'ALLOW') return decision.caller;
  if (decision.verdict === 'UNAUTHENTICATED') {
    res.setHeader('www-authenticate', 'Bearer');
    problem(req, res, 401, 'UNAUTHENTICATED', 'send Authorization: Bearer <access token or API key>');
  } else {
    problem(req, res, 403, 'FORBIDDEN', 'you may not use this endpoint');
  }
  return null;
}

// Whose an uploaded firmware file is: an operator's (or API key's) organisation, or the one an
// admin names (none: the admin's own). Undefined: the caller may not upload for the one named.
function firmwareOwner(visibility: Visibility, requested: string | null): string | null | undefined {
  if (visibility.kind === 'organisation') {
    return !requested || requested === visibility.organisationId ? visibility.organisationId : undefined;
  }
  return visibility.kind === 'all' ? requested || null : undefined;
}

// Always served as an opaque attachment: what a station or an operator uploaded is never
// rendered by a browser on our origin.
async function sendFile(req: IncomingMessage, res: ServerResponse, file: { fileName: string; size: number; stream: Readable }): Promise<void> {
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': file.size,
    'content-disposition': contentDisposition(file.fileName),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') {
    file.stream.destroy();
    res.end();
    return;
  }
  await pipeline(file.stream, res);
}

function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function problem(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
  // A refused upload is not read: close the connection rather than drain a body nobody wants.
  if (!req.complete) res.setHeader('connection', 'close');
  json(res, status, { error: code, message });
}

function fail(req: IncomingMessage, res: ServerResponse, error: unknown, log: Logger): void {
  if (res.headersSent) {
    // Mid-download: nothing to say but to cut the transfer short.
    res.destroy();
    return;
  }
  const known = httpProblem(error);
  if (known) {
    problem(req, res, known.status, known.code, known.message);
    return;
  }
  if (req.destroyed) return; // the client went away mid-upload
  log.error('file endpoint failed', { method: req.method, url: req.url?.replace(/\/[A-Za-z0-9_-]{40,}(\/|$)/, '/<token>$1'), error });
  problem(req, res, 500, 'INTERNAL_SERVER_ERROR', 'unexpected error');
}
