import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attachmentStorageNames,
  deleteAttachment,
  listAttachments,
  readAttachment,
  removeListingFiles,
  storeAttachment,
  uploadsDir,
} from '../../app/features/attachments/attachments.server.ts';
import { MAX_ATTACHMENT_BYTES } from '../../app/features/attachments/rules.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import { loader } from '../../app/routes/listings.$id.attachments.$attachmentId.tsx';
import type { AppContext } from '../../app/server/context.ts';
import { createSession } from '../../app/server/session.server.ts';
import type { DbHandle } from '../../db/client.ts';
import type { Confidentiality, ListingStatus } from '../../db/schema.ts';
import { DEMO_DOMAIN } from '../../db/seed/data/people.ts';
import { testContext } from '../support/context.ts';
import { createTestDb } from '../support/db.ts';

// —— real, tiny files of each accepted type, and two disguised ones ——
const encode = (text: string) => new TextEncoder().encode(text);
const PDF = encode(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' +
    '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n' +
    'xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n' +
    'trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF\n',
);
/** A valid 1×1 PNG (signature, IHDR, IDAT, IEND). */
const PNG = new Uint8Array(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  ),
);
/** SOI, a JFIF APP0 segment, EOI. */
const JPEG = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
  0x00, 0x00, 0xff, 0xd9,
]);
/** A Windows executable's DOS header ("MZ") with a PE offset, as a renamed .exe would start. */
const EXE = (() => {
  const bytes = new Uint8Array(512);
  bytes.set([0x4d, 0x5a, 0x90, 0x00]);
  bytes.set(encode('This program cannot be run in DOS mode.'), 0x4e);
  return bytes;
})();
const TEXT = encode('这不是图片，只是一段文字。\nnot a png at all\n');

/** A PDF of exactly `size` bytes (header, padding, trailer). */
function pdfOfSize(size: number): Uint8Array {
  const bytes = new Uint8Array(size).fill(0x20);
  bytes.set(encode('%PDF-1.4\n'));
  bytes.set(encode('\n%%EOF\n'), size - 7);
  return bytes;
}

let handle: DbHandle;
let ctx: AppContext;
let dataDir: string;
let organisationId: number;
let ownerId: number;
let ownerCookie: string;
let otherMemberCookie: string;

async function userId(email: string): Promise<number> {
  const row = await handle.db
    .selectFrom('app_user')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function cookieFor(id: number): Promise<string> {
  const session = await createSession(ctx.db, ctx.config, { userId: id, ip: null, userAgent: null });
  return session.cookie.split(';')[0]!;
}

/** A listing of the owner's organisation, in the state the test needs. */
async function createListing(
  options: { status?: ListingStatus; confidentiality?: Confidentiality } = {},
): Promise<number> {
  const status = options.status ?? 'published';
  const now = Date.now();
  const row = await handle.db
    .insertInto('listing')
    .values({
      kind: 'achievement',
      status,
      organisation_id: organisationId,
      created_by: ownerId,
      title: '附件测试用科技成果',
      summary: '用于检验附件上传、下载与删除的测试信息。',
      region: '和林格尔县',
      confidentiality: options.confidentiality ?? 'public',
      published_at: status === 'published' ? new Date(now - 86_400_000) : null,
      expires_at: status === 'published' ? new Date(now + 30 * 86_400_000) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function store(listingId: number, name: string, bytes: Uint8Array, uploadedBy: number | null = ownerId) {
  return storeAttachment(handle.db, { dataDir, listingId, uploadedBy, name, bytes });
}

async function storeOk(listingId: number, name: string, bytes: Uint8Array): Promise<number> {
  const result = await store(listingId, name, bytes);
  if (!result.ok) throw new Error(`upload refused: ${result.message}`);
  return result.id;
}

/** Every file in uploads/, temporary ones included. */
function filesOnDisk(): string[] {
  const dir = uploadsDir(dataDir);
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

async function storageName(attachmentId: number): Promise<string> {
  const row = await handle.db
    .selectFrom('attachment')
    .select('storage_name')
    .where('id', '=', attachmentId)
    .executeTakeFirstOrThrow();
  return row.storage_name;
}

function loaderArgs(listingId: number | string, attachmentId: number | string, cookie?: string) {
  return {
    request: new Request(`http://localhost/listings/${listingId}/attachments/${attachmentId}`, {
      headers: cookie ? { Cookie: cookie } : {},
    }),
    params: { id: String(listingId), attachmentId: String(attachmentId) },
    context: testContext(handle, { config: { ...ctx.config, DATA_DIR: dataDir } }),
  } as LoaderFunctionArgs;
}

/** The loader's status: a returned response, or a thrown one (404s are thrown). */
async function loaderStatus(args: LoaderFunctionArgs): Promise<number> {
  try {
    const response = await loader(args);
    await response.body?.cancel();
    return response.status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

beforeAll(async () => {
  handle = await createTestDb({ seeded: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helin-attachments-'));
  ctx = testContext(handle, { config: { ...testContext(handle).config, DATA_DIR: dataDir } });
  const organisation = await handle.db
    .selectFrom('organisation')
    .select(['id', 'verification'])
    .where('name', '=', '敕勒川乳业科技有限公司')
    .executeTakeFirstOrThrow();
  expect(organisation.verification).toBe('verified');
  organisationId = organisation.id;
  ownerId = await userId(`owner-chilechuan-dairy@${DEMO_DOMAIN}`);
  ownerCookie = await cookieFor(ownerId);
  // The owner of another verified organisation: a verified member, but not of the listing's organisation.
  otherMemberCookie = await cookieFor(await userId(`owner-muge-dairy@${DEMO_DOMAIN}`));
});

afterAll(async () => {
  await handle.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('storing attachments', () => {
  it('stores a PDF, a PNG and a JPEG under generated names, with size and SHA-256', async () => {
    const listingId = await createListing();
    const files = [
      { name: '技术方案.pdf', bytes: PDF, mime: 'application/pdf', ext: 'pdf' },
      { name: '样品照片.png', bytes: PNG, mime: 'image/png', ext: 'png' },
      { name: '现场.jpeg', bytes: JPEG, mime: 'image/jpeg', ext: 'jpg' },
    ];
    const ids: number[] = [];
    for (const file of files) ids.push(await storeOk(listingId, file.name, file.bytes));

    const listed = await listAttachments(handle.db, listingId);
    expect(listed.map((a) => a.id)).toEqual([...ids].sort((a, b) => a - b));
    for (const [index, file] of files.entries()) {
      const row = await handle.db
        .selectFrom('attachment')
        .selectAll()
        .where('id', '=', ids[index]!)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        listing_id: listingId,
        original_name: file.name,
        mime_type: file.mime,
        size_bytes: file.bytes.byteLength,
        uploaded_by: ownerId,
        sha256: crypto.createHash('sha256').update(file.bytes).digest('hex'),
      });
      // 24 random bytes in base64url (32 characters) and the extension of the detected type.
      expect(row.storage_name).toMatch(new RegExp(`^[A-Za-z0-9_-]{32}\\.${file.ext}$`));
      const onDisk = fs.readFileSync(path.join(dataDir, 'uploads', row.storage_name));
      expect(new Uint8Array(onDisk)).toEqual(file.bytes);
      expect(listed[index]).toMatchObject({ original_name: file.name, mime_type: file.mime });
    }
    expect(filesOnDisk().filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('cleans the name (no path) and adds the detected type\u2019s extension when it is missing', async () => {
    const listingId = await createListing();
    await storeOk(listingId, 'C:\\fakepath\\工艺\u202E图纸.png', PNG);
    await storeOk(listingId, 'scan', PDF);
    const names = (await listAttachments(handle.db, listingId)).map((a) => a.original_name);
    expect(names).toEqual(['工艺图纸.png', 'scan.pdf']);
  });

  it('accepts a file of exactly 10 MB', async () => {
    const listingId = await createListing();
    const result = await store(listingId, 'big.pdf', pdfOfSize(MAX_ATTACHMENT_BYTES));
    expect(result.ok).toBe(true);
  });
});

describe('refusing bad input (4xx, a Chinese message, nothing written)', () => {
  async function expectNothingWritten(listingId: number, before: string[]) {
    expect(await listAttachments(handle.db, listingId)).toEqual([]);
    expect(filesOnDisk()).toEqual(before);
  }

  it('refuses an .exe renamed report.pdf by its content', async () => {
    const listingId = await createListing();
    const before = filesOnDisk();
    expect(await store(listingId, 'report.pdf', EXE)).toEqual({
      ok: false,
      status: 400,
      message: zhCN.attachments.errors.unsupportedType,
    });
    expect(zhCN.attachments.errors.unsupportedType.startsWith('文件类型不支持')).toBe(true);
    await expectNothingWritten(listingId, before);
  });

  it('refuses a text file named x.png', async () => {
    const listingId = await createListing();
    const before = filesOnDisk();
    expect(await store(listingId, 'x.png', TEXT)).toEqual({
      ok: false,
      status: 400,
      message: zhCN.attachments.errors.unsupportedType,
    });
    await expectNothingWritten(listingId, before);
  });

  it('refuses 10 MB + 1 byte with 413', async () => {
    const listingId = await createListing();
    const before = filesOnDisk();
    expect(await store(listingId, 'big.pdf', pdfOfSize(MAX_ATTACHMENT_BYTES + 1))).toEqual({
      ok: false,
      status: 413,
      message: zhCN.attachments.errors.tooLarge,
    });
    await expectNothingWritten(listingId, before);
  });

  it('refuses an empty file with 400', async () => {
    const listingId = await createListing();
    const before = filesOnDisk();
    expect(await store(listingId, 'empty.pdf', new Uint8Array(0))).toEqual({
      ok: false,
      status: 400,
      message: zhCN.attachments.errors.empty,
    });
    await expectNothingWritten(listingId, before);
  });

  it('refuses an upload to a listing that does not exist with 404', async () => {
    const before = filesOnDisk();
    const result = await store(2_000_000_000, 'a.pdf', PDF);
    expect(result).toEqual({ ok: false, status: 404, message: zhCN.attachments.errors.listingNotFound });
    expect(filesOnDisk()).toEqual(before);
  });

  it('refuses the 6th attachment with 409 and leaves no file on disk', async () => {
    const listingId = await createListing();
    for (let i = 1; i <= 5; i++) await storeOk(listingId, `第${i}页.png`, PNG);
    const before = filesOnDisk();
    expect(await store(listingId, '第6页.png', PNG)).toEqual({
      ok: false,
      status: 409,
      message: zhCN.attachments.errors.tooMany,
    });
    expect(await listAttachments(handle.db, listingId)).toHaveLength(5);
    expect(filesOnDisk()).toEqual(before);
  });

  it('lets parallel uploads to one listing make 5 attachments, never 6', async () => {
    const listingId = await createListing();
    const before = filesOnDisk().length;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store(listingId, `并发${i}.jpg`, JPEG)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.status === 409)).toHaveLength(3);
    expect(await listAttachments(handle.db, listingId)).toHaveLength(5);
    expect(filesOnDisk().length).toBe(before + 5);
  });

  it('removes the written file when the insert fails (no row, no file, no temporary file)', async () => {
    const listingId = await createListing();
    const before = filesOnDisk();
    // uploaded_by references app_user: a user that does not exist makes the insert fail after the write.
    await expect(store(listingId, 'a.pdf', PDF, 2_000_000_000)).rejects.toThrow(/foreign key/);
    await expectNothingWritten(listingId, before);
  });
});

describe('reading and deleting', () => {
  it('reads an attachment only through its own listing', async () => {
    const listingId = await createListing();
    const otherListingId = await createListing();
    const id = await storeOk(listingId, '说明.pdf', PDF);
    expect(await readAttachment(handle.db, dataDir, { listingId: otherListingId, attachmentId: id })).toBe(
      undefined,
    );
    const file = await readAttachment(handle.db, dataDir, { listingId, attachmentId: id });
    expect(file).toMatchObject({
      mimeType: 'application/pdf',
      originalName: '说明.pdf',
      size: PDF.byteLength,
      listingPublic: true,
    });
    expect(new Uint8Array(await new Response(file!.stream).arrayBuffer())).toEqual(PDF);
  });

  it('deletes the row and the file; a wrong listing or a second delete finds nothing', async () => {
    const listingId = await createListing();
    const otherListingId = await createListing();
    const id = await storeOk(listingId, 'x.png', PNG);
    const file = path.join(uploadsDir(dataDir), await storageName(id));
    expect(fs.existsSync(file)).toBe(true);

    expect(await deleteAttachment(handle.db, dataDir, { listingId: otherListingId, attachmentId: id })).toBe(
      false,
    );
    expect(fs.existsSync(file)).toBe(true);

    expect(await deleteAttachment(handle.db, dataDir, { listingId, attachmentId: id })).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    expect(await listAttachments(handle.db, listingId)).toEqual([]);
    expect(await deleteAttachment(handle.db, dataDir, { listingId, attachmentId: id })).toBe(false);
  });

  it('removes the files with the listing (rows by ON DELETE CASCADE, files by removeListingFiles)', async () => {
    const listingId = await createListing();
    const keptListingId = await createListing();
    await storeOk(listingId, 'a.pdf', PDF);
    await storeOk(listingId, 'b.png', PNG);
    const kept = await storeOk(keptListingId, 'c.jpg', JPEG);
    const names = await attachmentStorageNames(handle.db, listingId);
    expect(names).toHaveLength(2);

    await handle.db.deleteFrom('listing').where('id', '=', listingId).execute();
    await removeListingFiles(dataDir, names);

    expect(await listAttachments(handle.db, listingId)).toEqual([]);
    for (const name of names) expect(fs.existsSync(path.join(uploadsDir(dataDir), name))).toBe(false);
    expect(fs.existsSync(path.join(uploadsDir(dataDir), await storageName(kept)))).toBe(true);
    // Already gone is fine (a retry after a crash).
    await expect(removeListingFiles(dataDir, names)).resolves.toBeUndefined();
  });

  it('finds nothing when the file has gone missing from disk', async () => {
    const listingId = await createListing();
    const id = await storeOk(listingId, 'gone.pdf', PDF);
    fs.unlinkSync(path.join(uploadsDir(dataDir), await storageName(id)));
    expect(await readAttachment(handle.db, dataDir, { listingId, attachmentId: id })).toBe(undefined);
    expect(await loaderStatus(loaderArgs(listingId, id))).toBe(404);
  });
});

describe('the download route /listings/:id/attachments/:attachmentId', () => {
  it('serves the file of a public, published listing to anyone, with safe headers', async () => {
    const listingId = await createListing();
    const id = await storeOk(listingId, '技术方案 "终稿".pdf', PDF);
    const response = await loader(loaderArgs(listingId, id));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/pdf');
    expect(response.headers.get('Content-Disposition')).toBe(
      `attachment; filename="____ ____.pdf"; ` +
        `filename*=UTF-8''%E6%8A%80%E6%9C%AF%E6%96%B9%E6%A1%88%20%22%E7%BB%88%E7%A8%BF%22.pdf`,
    );
    expect(response.headers.get('Content-Length')).toBe(String(PDF.byteLength));
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Content-Security-Policy')).toBe("sandbox; default-src 'none'");
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PDF);
  });

  it('answers 404 to anonymous visitors for a members-only listing and for a draft', async () => {
    const membersListingId = await createListing({ confidentiality: 'members' });
    const draftListingId = await createListing({ status: 'draft' });
    const staffListingId = await createListing({ confidentiality: 'staff' });
    const membersFile = await storeOk(membersListingId, 'm.png', PNG);
    const draftFile = await storeOk(draftListingId, 'd.png', PNG);
    const staffFile = await storeOk(staffListingId, 's.png', PNG);
    expect(await loaderStatus(loaderArgs(membersListingId, membersFile))).toBe(404);
    expect(await loaderStatus(loaderArgs(draftListingId, draftFile))).toBe(404);
    expect(await loaderStatus(loaderArgs(staffListingId, staffFile))).toBe(404);
    // The same 404 as for an attachment that does not exist (existence is not revealed).
    expect(await loaderStatus(loaderArgs(membersListingId, 2_000_000_000))).toBe(404);
  });

  it('serves a draft\u2019s file to a member of the owning organisation, not to other members', async () => {
    const listingId = await createListing({ status: 'draft' });
    const id = await storeOk(listingId, '草稿附件.jpg', JPEG);
    const response = await loader(loaderArgs(listingId, id, ownerCookie));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/jpeg');
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=0, no-store');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(JPEG);
    expect(await loaderStatus(loaderArgs(listingId, id, otherMemberCookie))).toBe(404);
  });

  it('serves a members-only listing\u2019s file to a verified member of another organisation, uncached', async () => {
    const listingId = await createListing({ confidentiality: 'members' });
    const id = await storeOk(listingId, 'm.pdf', PDF);
    const response = await loader(loaderArgs(listingId, id, otherMemberCookie));
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=0, no-store');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PDF);
  });

  it('answers 404 for bad ids and for an attachment asked for through another listing', async () => {
    const listingId = await createListing();
    const otherListingId = await createListing();
    const id = await storeOk(listingId, 'a.png', PNG);
    for (const [listing, attachment] of [
      ['abc', String(id)],
      [String(listingId), '0'],
      [String(listingId), '1.5'],
      ['-1', String(id)],
      [String(listingId), '99999999999'],
    ] as const) {
      expect(await loaderStatus(loaderArgs(listing, attachment)), `${listing}/${attachment}`).toBe(404);
    }
    expect(await loaderStatus(loaderArgs(otherListingId, id))).toBe(404);
    expect(await loaderStatus(loaderArgs(listingId, id))).toBe(200);
  });
});
