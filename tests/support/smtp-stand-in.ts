/**
 * A stand-in for an SMTP relay (the receiving end of SMTP_URL) in the fault tests of the mail sender
 * (tests/faults/worker-kill.test.ts): a small SMTP server on node:net, 127.0.0.1 and a random port, that speaks
 * just enough of RFC 5321 for nodemailer (EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT; no
 * TLS, no AUTH, no PIPELINING) and records every message it accepted.
 *
 * - `received`: every accepted transmission, in order, duplicates included — what a relay that does not
 *   deduplicate would pass on.
 * - `mailbox()`: the accepted messages deduplicated by Message-ID — what a receiver that drops a second copy of a
 *   Message-ID keeps.
 * - `onAccepted`: called right after the stand-in answered `250` to the end of a message's data (the moment the
 *   relay has taken responsibility for it); a test can kill the sender there, before it marks the mail sent.
 */
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export interface ReceivedMail {
  /** The Message-ID header without its angle brackets, or null when the message has none. */
  messageId: string | null;
  from: string;
  to: string[];
  /** The message as received (headers and body), dot-unstuffed, CRLF line ends. */
  data: string;
}

export interface SmtpStandIn {
  /** smtp://127.0.0.1:<port> */
  url: string;
  received: ReceivedMail[];
  /** Accepted messages by Message-ID, the first copy of each. */
  mailbox(): Map<string, ReceivedMail>;
  /** How many copies of each Message-ID were accepted. */
  copies(): Map<string, number>;
  onAccepted: ((mail: ReceivedMail) => void) | undefined;
  close(): Promise<void>;
}

function header(data: string, name: string): string | null {
  const head = data.split('\r\n\r\n', 1)[0] ?? '';
  // Unfold continuation lines, then look for the header.
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return match ? (match[1] ?? '').trim() : null;
}

export async function startSmtpStandIn(): Promise<SmtpStandIn> {
  const received: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // The sender may be killed mid-conversation: a reset connection is expected, not an error.
    socket.on('error', () => undefined);
    // A character split across two chunks must not be broken.
    const decoder = new StringDecoder('utf8');
    let buffer = '';
    let inData = false;
    let lines: string[] = [];
    let from = '';
    let to: string[] = [];
    const reply = (text: string) => {
      if (!socket.destroyed) socket.write(`${text}\r\n`);
    };

    const command = (line: string) => {
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') return reply('250-stand-in.smtp.test\r\n250 8BITMIME');
      if (verb === 'HELO') return reply('250 stand-in.smtp.test');
      if (verb === 'MAIL') {
        from = /<([^>]*)>/.exec(line)?.[1] ?? '';
        to = [];
        return reply('250 OK');
      }
      if (verb === 'RCPT') {
        to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
        return reply('250 OK');
      }
      if (verb === 'DATA') {
        if (to.length === 0) return reply('503 no recipients');
        inData = true;
        lines = [];
        return reply('354 end data with <CR><LF>.<CR><LF>');
      }
      if (verb === 'RSET') {
        from = '';
        to = [];
        return reply('250 OK');
      }
      if (verb === 'NOOP') return reply('250 OK');
      if (verb === 'QUIT') {
        reply('221 bye');
        socket.end();
        return;
      }
      reply('502 command not implemented');
    };

    const dataLine = (line: string) => {
      if (line !== '.') {
        lines.push(line.startsWith('..') ? line.slice(1) : line);
        return;
      }
      inData = false;
      const data = lines.join('\r\n');
      const id = header(data, 'Message-ID');
      const mail: ReceivedMail = { messageId: id ? id.replace(/^<|>$/g, '') : null, from, to, data };
      received.push(mail);
      reply('250 OK queued');
      standIn.onAccepted?.(mail);
      from = '';
      to = [];
    };

    socket.on('data', (chunk: Buffer) => {
      buffer += decoder.write(chunk);
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) dataLine(line);
        else command(line);
      }
    });
    reply('220 stand-in.smtp.test ESMTP stand-in for an SMTP relay');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  const standIn: SmtpStandIn = {
    url: `smtp://127.0.0.1:${port}`,
    received,
    mailbox() {
      const out = new Map<string, ReceivedMail>();
      for (const mail of received)
        if (mail.messageId && !out.has(mail.messageId)) out.set(mail.messageId, mail);
      return out;
    },
    copies() {
      const out = new Map<string, number>();
      for (const mail of received) {
        if (mail.messageId) out.set(mail.messageId, (out.get(mail.messageId) ?? 0) + 1);
      }
      return out;
    },
    onAccepted: undefined,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standIn;
}
