import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { claimOutbox, completeOutbox, failOutbox, holdOutboxRow } from '../../../db/queries/outbox.ts';
import type { Config } from '../../server/config.ts';
import type { WorkerTask } from '../../server/worker.ts';

/*
 * The mail sender: consumes outbox rows of topic 'mail' ({ to, subject, text }). Without SMTP_URL every mail is
 * written as an .eml file to DATA_DIR/mail (the default on a laptop); with SMTP_URL it goes to that relay.
 * Each row is marked done right after its mail went out; a failure keeps the row with its error for a retry
 * with backoff. The Message-ID is derived from the outbox row, and the .eml file is named after it, so a retry
 * after a crash replaces the file instead of adding a second mail, and an SMTP relay can drop the duplicate.
 *
 * What is guaranteed (docs/reliability.md "Faults", tests/faults/worker-kill.test.ts): every mail row is handed to
 * the relay at least once. Before each send the row's lease is renewed only if the row still carries the attempt
 * number this worker claimed it with (holdOutboxRow), and the SMTP timeouts keep one send inside that lease, so two
 * workers never send one row at the same time. A second copy is sent only when a worker dies after the relay
 * accepted a mail and before the row was marked done: one mail per killed worker, with the same Message-ID.
 * The .eml file is written under a temporary name and renamed, so a kill never leaves half a mail in DATA_DIR/mail.
 */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Extra headers, e.g. List-Unsubscribe on the edition mails (issue 6). */
  headers?: Record<string, string>;
}

/** One SMTP send stays well inside the outbox lease (60 s); nodemailer's own defaults allow up to 10 minutes. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

export function mailTask(config: Config): WorkerTask {
  const transport = config.SMTP_URL
    ? nodemailer.createTransport({ url: config.SMTP_URL, ...SMTP_TIMEOUTS })
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const dir = path.resolve(config.DATA_DIR, 'mail');
  return {
    name: 'mail',
    async run({ db, logger }) {
      const rows = await claimOutbox(db, 'mail', 20);
      for (const row of rows) {
        const mail = row.payload as unknown as OutgoingMail;
        // Another worker claimed this row after our lease ran out (a slow batch): it sends it, not us.
        if (!(await holdOutboxRow(db, row.id, row.attempts + 1))) continue;
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
            const partial = path.join(dir, `.${row.id}.eml.partial`);
            await fs.writeFile(partial, (info as { message: Buffer }).message);
            await fs.rename(partial, path.join(dir, `${row.id}.eml`));
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
