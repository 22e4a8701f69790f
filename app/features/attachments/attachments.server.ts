import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { fileTypeFromBuffer } from 'file-type';
import type { Kysely } from 'kysely';
import type { AttachmentMimeType, Database } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import {
  attachmentFileName,
  EXTENSION_BY_MIME_TYPE,
  isAttachmentMimeType,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_LISTING,
} from './rules.ts';

/*
 * Listing attachments (issue 4): files under DATA_DIR/uploads with generated names, one row each in
 * `attachment`. The type is read from the content (file-type), never from the name. Nothing half-written: the
 * file is written (temp name, then rename) inside the transaction that checks the count and inserts the row,
 * and removed again if anything after the write fails. Who may upload or download is the caller's check
 * (canSeeListingDetail for downloads).
 */

/** Same pattern as the CHECK on attachment.storage_name: a stored name can never point outside uploads/. */
const STORAGE_NAME = /^[A-Za-z0-9_-]{20,64}\.(pdf|jpg|png)$/;

export function uploadsDir(dataDir: string): string {
  return path.resolve(dataDir, 'uploads');
}

function storagePath(dataDir: string, storageName: string): string {
  if (!STORAGE_NAME.test(storageName)) throw new Error(`Invalid attachment storage name: ${storageName}`);
  return path.join(uploadsDir(dataDir), storageName);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Removes a file; one that is already gone is fine. */
async function removeFile(filePath: string): Promise<void> {
  try {
    await fsp.unlink(filePath);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/** Writes under a temporary name in the same directory, flushes, then renames: readers never see a part. */
async function writeFileAtomically(filePath: string, bytes: Uint8Array): Promise<void> {
  const directory = path.dirname(filePath);
  await fsp.mkdir(directory, { recursive: true });
  const temporary = path.join(directory, `.${path.basename(filePath)}.${crypto.randomUUID()}.tmp`);
  try {
    const handle = await fsp.open(temporary, 'wx', 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temporary, filePath);
  } catch (error) {
    await removeFile(temporary);
    throw error;
  }
}

/** The accepted type of these bytes, judged from their content (magic numbers), or undefined. */
export async function detectAttachmentType(bytes: Uint8Array): Promise<AttachmentMimeType | undefined> {
  const detected = await fileTypeFromBuffer(bytes);
  return detected && isAttachmentMimeType(detected.mime) ? detected.mime : undefined;
}

export type StoreAttachmentResult =
  | { ok: true; id: number }
  | { ok: false; status: 400 | 404 | 409 | 413; message: string };

function refuse(status: 400 | 404 | 409 | 413, message: string): StoreAttachmentResult {
  return { ok: false, status, message };
}

/**
 * Checks and stores one uploaded file. Refusals carry the Chinese message for the file field:
 * 400 empty or not a PDF/JPEG/PNG by content, 413 over 10 MB, 409 the listing has 5 already,
 * 404 the listing does not exist. Unexpected failures throw, leaving neither a row nor a file.
 */
export async function storeAttachment(
  db: Kysely<Database>,
  input: { dataDir: string; listingId: number; uploadedBy: number | null; name: string; bytes: Uint8Array },
): Promise<StoreAttachmentResult> {
  const { bytes, listingId } = input;
  if (bytes.byteLength === 0) return refuse(400, zhCN.attachments.errors.empty);
  if (bytes.byteLength > MAX_ATTACHMENT_BYTES) return refuse(413, zhCN.attachments.errors.tooLarge);
  const mimeType = await detectAttachmentType(bytes);
  if (!mimeType) return refuse(400, zhCN.attachments.errors.unsupportedType);

  const storageName = `${crypto.randomBytes(24).toString('base64url')}.${EXTENSION_BY_MIME_TYPE[mimeType]}`;
  const filePath = storagePath(input.dataDir, storageName);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  let written = false;
  try {
    return await db.transaction().execute(async (trx) => {
      // The row lock serialises uploads to one listing: two parallel uploads cannot both see 4 and make 6.
      const listing = await trx
        .selectFrom('listing')
        .select('id')
        .where('id', '=', listingId)
        .forUpdate()
        .executeTakeFirst();
      if (!listing) return refuse(404, zhCN.attachments.errors.listingNotFound);
      const { count } = await trx
        .selectFrom('attachment')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('listing_id', '=', listingId)
        .executeTakeFirstOrThrow();
      if (Number(count) >= MAX_ATTACHMENTS_PER_LISTING) return refuse(409, zhCN.attachments.errors.tooMany);

      await writeFileAtomically(filePath, bytes);
      written = true;
      const row = await trx
        .insertInto('attachment')
        .values({
          listing_id: listingId,
          storage_name: storageName,
          original_name: attachmentFileName(input.name, mimeType),
          mime_type: mimeType,
          size_bytes: bytes.byteLength,
          sha256,
          uploaded_by: input.uploadedBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { ok: true as const, id: row.id };
    });
  } catch (error) {
    // The insert or the commit failed: the transaction is rolled back, so the file goes too.
    if (written) await removeFile(filePath);
    throw error;
  }
}

export interface AttachmentSummary {
  id: number;
  original_name: string;
  mime_type: AttachmentMimeType;
  size_bytes: number;
  created_at: Date;
}

/** The attachments of one listing, oldest first. */
export function listAttachments(db: Kysely<Database>, listingId: number): Promise<AttachmentSummary[]> {
  return db
    .selectFrom('attachment')
    .select(['id', 'original_name', 'mime_type', 'size_bytes', 'created_at'])
    .where('listing_id', '=', listingId)
    .orderBy('id')
    .execute();
}

/** Deletes one attachment of that listing (row, then file). False when there is no such attachment. */
export async function deleteAttachment(
  db: Kysely<Database>,
  dataDir: string,
  ids: { listingId: number; attachmentId: number },
): Promise<boolean> {
  const row = await db
    .deleteFrom('attachment')
    .where('id', '=', ids.attachmentId)
    .where('listing_id', '=', ids.listingId)
    .returning('storage_name')
    .executeTakeFirst();
  if (!row) return false;
  await removeFile(storagePath(dataDir, row.storage_name));
  return true;
}

/** The stored file names of a listing's attachments: select them before deleting the listing. */
export async function attachmentStorageNames(db: Kysely<Database>, listingId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('attachment')
    .select('storage_name')
    .where('listing_id', '=', listingId)
    .execute();
  return rows.map((r) => r.storage_name);
}

/**
 * Removes the files of a deleted listing (its rows went with it: ON DELETE CASCADE). Call it after the
 * deleting transaction has committed, with the names from attachmentStorageNames. Missing files are fine.
 */
export async function removeListingFiles(dataDir: string, storageNames: string[]): Promise<void> {
  for (const name of storageNames) await removeFile(storagePath(dataDir, name));
}

export interface AttachmentFile {
  stream: ReadableStream<Uint8Array>;
  mimeType: AttachmentMimeType;
  originalName: string;
  size: number;
  /** Published, not expired and of public confidentiality: anyone may fetch it (caching allowed). */
  listingPublic: boolean;
}

/**
 * One attachment of that listing, opened for streaming, or undefined (no such attachment, another listing's,
 * or its file is missing). The file is opened before returning, so a concurrent delete cannot cut it short.
 */
export async function readAttachment(
  db: Kysely<Database>,
  dataDir: string,
  ids: { listingId: number; attachmentId: number },
  now = new Date(),
): Promise<AttachmentFile | undefined> {
  const row = await db
    .selectFrom('attachment as a')
    .innerJoin('listing as l', 'l.id', 'a.listing_id')
    .select([
      'a.storage_name',
      'a.original_name',
      'a.mime_type',
      'l.status',
      'l.expires_at',
      'l.confidentiality',
    ])
    .where('a.id', '=', ids.attachmentId)
    .where('a.listing_id', '=', ids.listingId)
    .executeTakeFirst();
  if (!row) return undefined;
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(storagePath(dataDir, row.storage_name), 'r');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const live = row.status === 'published' && row.expires_at !== null && new Date(row.expires_at) > now;
    return {
      stream: createReadableStreamFromReadable(handle.createReadStream()),
      mimeType: row.mime_type,
      originalName: row.original_name,
      size,
      listingPublic: live && row.confidentiality === 'public',
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
