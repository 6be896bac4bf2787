import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
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
 * (permanent) or to fail DATA a number of times (temporary).
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /** Times the server was asked to take a message for each recipient, accepted or not. */
  readonly attempts = new Map<string, number>();
  private readonly bouncing = new Map<string, number>();
  private readonly flaky = new Map<string, { times: number; code: number }>();
  private readonly server: SMTPServer;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const recipient = address.address.toLowerCase();
        this.attempts.set(recipient, (this.attempts.get(recipient) ?? 0) + 1);
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

  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.envelope.to.includes(address.toLowerCase()));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * An SMTP server that accepts connections and never says a word, not even its greeting: the
 * slowest server a send can meet, held until its timeout or until the sender gives up.
 */
export class StallingSmtpServer {
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server = createServer((socket) => {
    this.connections += 1;
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `smtp://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
