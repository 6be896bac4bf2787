import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * A real SMTP server on loopback (smtp-server, from Nodemailer's authors): every message arrives
 * over the wire and is parsed as a mail client would. An address can be made to bounce at RCPT TO
 * (permanent), to fail DATA a number of times (temporary), or to hang at RCPT TO (a stalled server).
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /** Times the server was asked to take a message for each recipient, accepted or not. */
  readonly attempts = new Map<string, number>();
  private readonly bouncing = new Map<string, number>();
  private readonly flaky = new Map<string, { times: number; code: number }>();
  private readonly stalling = new Set<string>();
  private readonly server: SMTPServer;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // A connection left hanging (see `stall`) would hold `stop` for the default 30 s.
      closeTimeout: 1_000,
      onRcptTo: (address, _session, callback) => {
        const recipient = address.address.toLowerCase();
        this.attempts.set(recipient, (this.attempts.get(recipient) ?? 0) + 1);
        // Never answered: the sender waits until its timeout, or until it gives up.
        if (this.stalling.has(recipient)) return;
        const code = this.bouncing.get(recipient);
        if (code) {
          return callback(
            smtpError(code, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`),
          );
        }
        callback();
      },
      onData: (stream, session: SMTPServerSession, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const to = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
          const rule = to
            .map((address) => this.flaky.get(address))
            .find((candidate) => candidate && candidate.times > 0);
          if (rule) {
            rule.times -= 1;
            return callback(smtpError(rule.code, '4.3.0 Temporary local problem, try again later'));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed) => {
              const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
              this.mails.push({ envelope: { from, to }, raw, parsed });
              callback(null, `Message queued as Q${this.mails.length}`);
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.server.address() as AddressInfo;
    return `smtp://127.0.0.1:${port}`;
  }

  bounce(address: string, code = 550): void {
    this.bouncing.set(address.toLowerCase(), code);
  }

  failTemporarily(address: string, times: number, code = 451): void {
    this.flaky.set(address.toLowerCase(), { times, code });
  }

  /** Leaves RCPT TO for this address unanswered, from now until `release`. */
  stall(address: string): void {
    this.stalling.add(address.toLowerCase());
  }

  release(address: string): void {
    this.stalling.delete(address.toLowerCase());
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.envelope.to.includes(address.toLowerCase()));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
