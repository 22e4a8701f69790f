import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { claimOutbox, completeOutbox, failOutbox } from '../../../db/queries/outbox.ts';
import type { Config } from '../../server/config.ts';
import type { WorkerTask } from '../../server/worker.ts';

/*
 * The mail sender: consumes outbox rows of topic 'mail' ({ to, subject, text }). Without SMTP_URL every mail is
 * written as an .eml file to DATA_DIR/mail (the default on a laptop); with SMTP_URL it goes to that relay.
 * Each row is marked done right after its mail went out; a failure keeps the row with its error for a retry
 * with backoff. The Message-ID is derived from the outbox row, and the .eml file is named after it, so a retry
 * after a crash replaces the file instead of adding a second mail, and an SMTP relay can drop the duplicate.
 */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Extra headers, e.g. List-Unsubscribe on the edition mails (issue 6). */
  headers?: Record<string, string>;
}

export function mailTask(config: Config): WorkerTask {
  const transport = config.SMTP_URL
    ? nodemailer.createTransport(config.SMTP_URL)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const dir = path.resolve(config.DATA_DIR, 'mail');
  return {
    name: 'mail',
    async run({ db, logger }) {
      const rows = await claimOutbox(db, 'mail', 20);
      for (const row of rows) {
        const mail = row.payload as unknown as OutgoingMail;
        try {
          const info = await transport.sendMail({
            from: config.MAIL_FROM,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            headers: mail.headers,
            messageId: `<outbox-${row.id}@helin-tech-market>`,
          });
          if (!config.SMTP_URL) {
            await fs.mkdir(dir, { recursive: true });
            await fs.writeFile(path.join(dir, `${row.id}.eml`), (info as { message: Buffer }).message);
          }
          await completeOutbox(db, [row.id]);
        } catch (error) {
          logger.warn({ err: error, outboxId: row.id }, 'mail not sent; will retry');
          await failOutbox(db, [row.id], error);
        }
      }
      return rows.length;
    },
  };
}
