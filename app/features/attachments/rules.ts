import { z } from 'zod';
import { ATTACHMENT_MIME_TYPES, type AttachmentMimeType } from '../../../db/schema.ts';
import { zhCN } from '../../i18n/zh-CN.ts';

/*
 * Attachment rules (pure): limits, the file extension of each accepted type, how an uploaded file's name is
 * cleaned for display and for the Content-Disposition header (RFC 6266 / RFC 5987), the download URL's ids.
 */

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_LISTING = 5;
/** The column's CHECK (length(original_name) between 1 and 200) counts characters, not bytes. */
export const MAX_ATTACHMENT_NAME_LENGTH = 200;

/** The extension of the stored file (the migration's CHECK on storage_name allows exactly these). */
export const EXTENSION_BY_MIME_TYPE: Record<AttachmentMimeType, 'pdf' | 'jpg' | 'png'> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/** Extensions a person's file name may already carry for that type (compared in lower case). */
const NAME_EXTENSIONS: Record<AttachmentMimeType, readonly string[]> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/png': ['png'],
};

export function isAttachmentMimeType(value: string): value is AttachmentMimeType {
  return (ATTACHMENT_MIME_TYPES as readonly string[]).includes(value);
}

/** Characters, not UTF-16 units: a Chinese character (or an emoji) counts once and is never split. */
function characters(value: string): string[] {
  return Array.from(value);
}

/** The extension of a name ('报告.PDF' → 'pdf'), or '' when it has none (a leading dot is not one). */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
}

/** Cuts a name to `max` characters, keeping a short extension ('很长的名字….pdf'). */
function truncateName(name: string, max: number): string {
  const chars = characters(name);
  if (chars.length <= max) return name;
  const extension = extensionOf(name);
  const extensionLength = extension === '' ? 0 : characters(extension).length + 1;
  if (extensionLength === 0 || extensionLength > 16) return chars.slice(0, max).join('').trimEnd();
  const stem = chars
    .slice(0, chars.length - extensionLength)
    .slice(0, max - extensionLength)
    .join('')
    .trimEnd();
  return stem + chars.slice(chars.length - extensionLength).join('');
}

/**
 * An uploaded file's name made safe to show and to send back: the last path segment only (browsers may send
 * C:\fakepath\…), without control, format (bidirectional overrides, zero-width) or line/paragraph separator
 * characters, whitespace collapsed, no leading dots or trailing dots/spaces, at most 200 characters.
 * Chinese (any letter) is kept. May return '' (the caller supplies a fallback).
 */
export function cleanFileName(name: string): string {
  const lastSegment = name.split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}]/gu, '')
    .replace(/\s+/gu, ' ')
    .replace(/^[\s.]+/u, '')
    .replace(/[\s.]+$/u, '');
  return truncateName(cleaned, MAX_ATTACHMENT_NAME_LENGTH);
}

/**
 * The name an attachment is stored and served under: the cleaned name, with the extension of the detected
 * type added when the name lacks one that fits ('scan' → 'scan.pdf', 'report.pdf' holding a PNG →
 * 'report.pdf.png'), so that a download opens with the right program. Never empty.
 */
export function attachmentFileName(name: string, mimeType: AttachmentMimeType): string {
  const cleaned = cleanFileName(name);
  if (cleaned !== '' && NAME_EXTENSIONS[mimeType].includes(extensionOf(cleaned))) return cleaned;
  const suffix = `.${EXTENSION_BY_MIME_TYPE[mimeType]}`;
  const stem = cleaned === '' ? zhCN.attachments.fallbackName : cleaned;
  const room = MAX_ATTACHMENT_NAME_LENGTH - suffix.length;
  return characters(stem).slice(0, room).join('').trimEnd() + suffix;
}

/** RFC 5987 attr-char: ALPHA / DIGIT / "!" "#" "$" "&" "+" "-" "." "^" "_" "`" "|" "~"; all else %XX. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded UTF-8>` (RFC 6266 §4.3):
 * browsers use filename*, old clients the fallback, in which every character outside printable ASCII — and
 * `"`, `\` and `%` (some clients decode it) — becomes `_`. The whole value is ASCII, so it is a valid header.
 */
export function contentDisposition(originalName: string): string {
  const name = cleanFileName(originalName) || zhCN.attachments.fallbackName;
  const fallback = characters(name)
    .map((c) => (/^[\x20-\x7e]$/.test(c) && c !== '"' && c !== '\\' && c !== '%' ? c : '_'))
    .join('');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

/** A path id: digits only, no sign, exponent, leading zero or whitespace; fits a PostgreSQL integer. */
const idParam = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/)
  .transform(Number)
  .pipe(z.number().int().max(2_147_483_647));

/** `/listings/:id/attachments/:attachmentId` (anything else is a 404). */
export const attachmentParamsSchema = z.object({ id: idParam, attachmentId: idParam });
