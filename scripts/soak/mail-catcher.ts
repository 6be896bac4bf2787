import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  messageId?: string;
}

/**
 * A real SMTP server on loopback (smtp-server) that keeps each message's recipients and
 * Message-ID: all the soak needs to tell one email from another. Connections are cut whenever
 * notification is killed mid-send; those errors are the point of the soak, not a failure of it.
 */
export class MailCatcher {
  readonly mails: CaughtMail[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = raw.slice(0, raw.search(/\r?\n\r?\n/) + 1 || raw.length);
        const messageId = /^message-id:\s*(<[^>]+>)/im.exec(headers)?.[1];
        this.mails.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
          ...(messageId ? { messageId } : {}),
        });
        callback(null, `Message queued as Q${this.mails.length}`);
      });
    },
  });

  constructor() {
    this.server.on('error', () => undefined);
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.server.address() as AddressInfo;
    return `smtp://127.0.0.1:${port}`;
  }

  to(address: string): CaughtMail[] {
    return this.mails.filter((mail) => mail.to.includes(address.toLowerCase()));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
