import { isEmail } from 'class-validator';
import { createTransport, type Transporter } from 'nodemailer';
import type { NotificationConfig } from '../../config/notification.config';
import { DeliveryFailure, type EmailMessage, type NotificationChannel, type SendReceipt } from '../channel';

interface SmtpError {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}

// Server-side trouble, not the recipient's: authentication required or failed (RFC 4954).
const OUR_PROBLEM_CODES = new Set([530, 535, 538]);

/**
 * Whether an SMTP failure is permanent (RFC 5321 §4.2.1): a 5yz reply to RCPT TO or DATA is the
 * receiving system refusing this message or mailbox for good (no such user, a hard bounce), so
 * trying again cannot help; 4yz replies and connection trouble are transient. Authentication
 * replies are the sender's misconfiguration and are retried until someone fixes it.
 */
export function isPermanentSmtpFailure(error: SmtpError): boolean {
  const code = error.responseCode;
  if (typeof code === 'number') return code >= 500 && code < 600 && !OUR_PROBLEM_CODES.has(code);
  // nodemailer's own refusal of the envelope, before the server saw it (no valid recipient).
  return error.code === 'EENVELOPE';
}

function describe(error: SmtpError): string {
  const reply = error.response ?? error.message ?? 'unknown error';
  const where = error.command ? ` after ${error.command.split(' ')[0]}` : '';
  return `SMTP ${error.responseCode ?? error.code ?? 'error'}${where}: ${reply}`.slice(0, 500);
}

/** Email over SMTP with nodemailer, through a small pool of connections. */
export class SmtpEmailChannel implements NotificationChannel<'email'> {
  readonly id = 'email' as const;
  readonly configured: boolean;
  readonly configurationHint = 'set SMTP_URL and EMAIL_FROM';
  private readonly transport?: Transporter;
  private readonly from: string;

  constructor(config: Pick<NotificationConfig, 'SMTP_URL' | 'EMAIL_FROM' | 'NOTIFICATION_SEND_TIMEOUT_MS'>) {
    this.configured = Boolean(config.SMTP_URL && config.EMAIL_FROM);
    this.from = config.EMAIL_FROM ?? '';
    if (!this.configured) return;
    const timeout = config.NOTIFICATION_SEND_TIMEOUT_MS;
    this.transport = createTransport({
      url: config.SMTP_URL,
      pool: true,
      maxConnections: 4,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    } as Parameters<typeof createTransport>[0]);
  }

  async send(message: EmailMessage): Promise<SendReceipt> {
    if (!this.transport) throw new DeliveryFailure('email channel not configured', { permanent: true });
    if (!isEmail(message.to)) {
      throw new DeliveryFailure('the buyer’s email address is not valid', { permanent: true });
    }
    const domain = this.from.split('@')[1] ?? 'localhost';
    try {
      const info = (await this.transport.sendMail({
        from: { name: message.fromName, address: this.from },
        to: message.to,
        ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${message.messageKey}@${domain}>`,
        // RFC 3834: out-of-office replies are not sent to automated messages.
        headers: { 'Auto-Submitted': 'auto-generated' },
      })) as { messageId?: string; rejected?: unknown[] };
      if (Array.isArray(info.rejected) && info.rejected.length > 0) {
        throw new DeliveryFailure('the server refused the recipient', { permanent: true });
      }
      return { providerMessageId: info.messageId ?? null };
    } catch (error) {
      if (error instanceof DeliveryFailure) throw error;
      const smtp = error as SmtpError;
      throw new DeliveryFailure(describe(smtp), { permanent: isPermanentSmtpFailure(smtp), cause: error });
    }
  }

  close(): void {
    this.transport?.close();
  }
}
