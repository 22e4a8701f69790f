import { describe, expect, it } from 'vitest';
import {
  attachmentFileName,
  attachmentParamsSchema,
  cleanFileName,
  contentDisposition,
  EXTENSION_BY_MIME_TYPE,
  isAttachmentMimeType,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_LISTING,
} from '../../app/features/attachments/rules.ts';
import { zhCN } from '../../app/i18n/zh-CN.ts';
import { ATTACHMENT_MIME_TYPES } from '../../db/schema.ts';

const length = (s: string) => Array.from(s).length;

describe('limits and types', () => {
  it('allows 10 MB per file and 5 files per listing, as the messages say', () => {
    expect(MAX_ATTACHMENT_BYTES).toBe(10_485_760);
    expect(MAX_ATTACHMENTS_PER_LISTING).toBe(5);
    expect(zhCN.attachments.errors.tooLarge).toContain('10 MB');
    expect(zhCN.attachments.errors.tooMany).toContain('5 个');
  });

  it('has an extension for every accepted type, matching the storage-name CHECK (pdf|jpg|png)', () => {
    for (const mime of ATTACHMENT_MIME_TYPES) expect(EXTENSION_BY_MIME_TYPE[mime]).toMatch(/^(pdf|jpg|png)$/);
    expect(isAttachmentMimeType('image/png')).toBe(true);
    expect(isAttachmentMimeType('application/x-msdownload')).toBe(false);
    expect(isAttachmentMimeType('image/gif')).toBe(false);
  });
});

describe('cleanFileName', () => {
  it('keeps Chinese names as they are', () => {
    expect(cleanFileName('和林格尔县乳业技术需求说明书（2026版）.pdf')).toBe(
      '和林格尔县乳业技术需求说明书（2026版）.pdf',
    );
  });

  it('keeps only the last path segment (Unix, Windows, C:\\fakepath)', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\fakepath\\图纸.png')).toBe('图纸.png');
    expect(cleanFileName('a/b\\c/报告.pdf')).toBe('报告.pdf');
    expect(cleanFileName('uploads/')).toBe('');
  });

  it('removes control characters, bidirectional overrides and zero-width characters', () => {
    expect(cleanFileName('rep\u0000ort\r\n.pdf')).toBe('report.pdf');
    expect(cleanFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(cleanFileName('a\u200Bb\u2066c\u0085d\u007F.png')).toBe('abcd.png');
    expect(cleanFileName('x\uD800y.pdf')).toBe('xy.pdf');
  });

  it('collapses whitespace and trims leading dots and trailing dots and spaces', () => {
    expect(cleanFileName('  技术\t  方案   .pdf  ')).toBe('技术 方案 .pdf');
    expect(cleanFileName('...hidden.pdf')).toBe('hidden.pdf');
    expect(cleanFileName('name.pdf. . ')).toBe('name.pdf');
    expect(cleanFileName('..')).toBe('');
  });

  it('caps the name at 200 characters (not bytes), keeping the extension', () => {
    const long = `${'技'.repeat(300)}.pdf`;
    const cleaned = cleanFileName(long);
    expect(length(cleaned)).toBe(200);
    expect(cleaned.endsWith('技.pdf')).toBe(true);
    const noExtension = 'a'.repeat(250);
    expect(cleanFileName(noExtension)).toBe('a'.repeat(200));
    const emoji = '📄'.repeat(250);
    expect(length(cleanFileName(emoji))).toBe(200);
    expect(cleanFileName(emoji)).toBe('📄'.repeat(200));
  });
});

describe('attachmentFileName', () => {
  it('keeps a name whose extension fits the detected type', () => {
    expect(attachmentFileName('报告.PDF', 'application/pdf')).toBe('报告.PDF');
    expect(attachmentFileName('photo.jpeg', 'image/jpeg')).toBe('photo.jpeg');
    expect(attachmentFileName('photo.jpg', 'image/jpeg')).toBe('photo.jpg');
  });

  it('adds the extension of the detected type when it is missing or does not fit', () => {
    expect(attachmentFileName('scan', 'application/pdf')).toBe('scan.pdf');
    expect(attachmentFileName('report.pdf', 'image/png')).toBe('report.pdf.png');
  });

  it('falls back to 附件.<ext> when nothing is left of the name', () => {
    expect(attachmentFileName('', 'image/png')).toBe(`${zhCN.attachments.fallbackName}.png`);
    expect(attachmentFileName('C:\\dir\\\u0000', 'application/pdf')).toBe(
      `${zhCN.attachments.fallbackName}.pdf`,
    );
  });

  it('stays within 200 characters when it adds an extension', () => {
    const name = attachmentFileName('报'.repeat(400), 'image/jpeg');
    expect(length(name)).toBe(200);
    expect(name.endsWith('.jpg')).toBe(true);
  });
});

describe('contentDisposition (RFC 6266 / 5987)', () => {
  it('sends an ASCII name both ways', () => {
    expect(contentDisposition('report-2026_v1.pdf')).toBe(
      `attachment; filename="report-2026_v1.pdf"; filename*=UTF-8''report-2026_v1.pdf`,
    );
  });

  it('percent-encodes a Chinese name as UTF-8 and gives an ASCII fallback', () => {
    expect(contentDisposition('技术方案.pdf')).toBe(
      `attachment; filename="____.pdf"; filename*=UTF-8''%E6%8A%80%E6%9C%AF%E6%96%B9%E6%A1%88.pdf`,
    );
  });

  it('escapes quotes, backslashes, percent signs and characters outside attr-char', () => {
    const value = contentDisposition(`a "b" 100% (final)*'x'.pdf`);
    expect(value).toBe(
      `attachment; filename="a _b_ 100_ (final)*'x'.pdf"; ` +
        `filename*=UTF-8''a%20%22b%22%20100%25%20%28final%29%2A%27x%27.pdf`,
    );
  });

  it('cleans the name first (no path, no control characters: no header injection)', () => {
    const value = contentDisposition('../x\r\nSet-Cookie: a=b.pdf');
    expect(value).not.toMatch(/[\r\n]/);
    expect(value).toContain('filename="xSet-Cookie: a=b.pdf"');
  });

  it('is always a valid header value (ASCII only), whatever the name', () => {
    for (const name of ['技术方案.pdf', '📄 scan.png', 'é.jpg', '', '\u202Eevil.pdf', 'a\uD800.pdf']) {
      const value = contentDisposition(name);
      expect(value).toMatch(/^[\x20-\x7e]+$/);
      expect(() => new Headers({ 'Content-Disposition': value })).not.toThrow();
    }
  });

  it('round-trips the UTF-8 name through decodeURIComponent', () => {
    const name = '和林格尔 乳业（草案）.pdf';
    const encoded = contentDisposition(name).split("filename*=UTF-8''")[1]!;
    expect(decodeURIComponent(encoded)).toBe(name);
  });
});

describe('attachmentParamsSchema', () => {
  it('accepts positive integer ids', () => {
    expect(attachmentParamsSchema.parse({ id: '12', attachmentId: '3' })).toEqual({
      id: 12,
      attachmentId: 3,
    });
    expect(attachmentParamsSchema.parse({ id: '2147483647', attachmentId: '1' }).id).toBe(2_147_483_647);
  });

  it('refuses anything else', () => {
    for (const bad of ['0', '-1', '1.5', '1e3', '0x10', ' 1', '01', 'abc', '', '2147483648', '99999999999']) {
      expect(attachmentParamsSchema.safeParse({ id: bad, attachmentId: '1' }).success, bad).toBe(false);
      expect(attachmentParamsSchema.safeParse({ id: '1', attachmentId: bad }).success, bad).toBe(false);
    }
    expect(attachmentParamsSchema.safeParse({ id: '1' }).success).toBe(false);
  });
});
