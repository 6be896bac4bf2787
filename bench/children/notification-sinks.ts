/**
 * The notification benchmark's sinks, in a process of their own so their receive times are not
 * held up by the benchmark's publishing: a real SMTP server (smtp-server, from Nodemailer's
 * authors; no TLS, no authentication) and a Twilio-compatible SMS provider on node:http
 * (`POST /2010-04-01/Accounts/{sid}/Messages.json`, form encoded, answering 201 with a sid).
 * Each message is known by its recipient (the SMTP envelope's RCPT TO, the form's `To`): every
 * buyer of the benchmark has an address and a number of their own. The time a message counts as
 * handed over is when the server has all of it (the end of DATA, the end of the request body),
 * before it answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { serveCommands } from '../lib/ipc';
import { clock } from '../lib/stats';

const SMS_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

export type SinkChannel = 'email' | 'sms';

interface ChannelRecord {
  /** First arrival per recipient. */
  first: Map<string, number>;
  /** Messages received in all, duplicates included. */
  received: number;
  bytes: number;
  /** The first message's text (the parsed plain-text part of an email, an SMS body), to check its content. */
  sample?: { recipient: string; text: string };
  sampling: boolean;
}

export interface SinkArrivals {
  /** Recipient and first arrival (wall clock, ms) of every distinct message. */
  arrivals: Array<[recipient: string, at: number]>;
  received: number;
  /** Recipients that received more than one message, and how many extra. */
  duplicates: number;
  duplicateRecipients: string[];
  meanBytes: number;
  sample?: { recipient: string; text: string };
}

export interface SinkSnapshot {
  email: SinkArrivals;
  sms: SinkArrivals;
  /** Requests or SMTP transactions the sinks refused (bad path, no recipient). */
  refused: number;
}

function emptyRecord(): ChannelRecord {
  return { first: new Map(), received: 0, bytes: 0, sampling: false };
}

let records: Record<SinkChannel, ChannelRecord> = { email: emptyRecord(), sms: emptyRecord() };
let refused = 0;
const duplicateCounts: Record<SinkChannel, Map<string, number>> = { email: new Map(), sms: new Map() };
let awaited: { expected: number; done(): void } | undefined;

function distinct(): number {
  return records.email.first.size + records.sms.first.size;
}

function record(channel: SinkChannel, recipient: string, bytes: number, at: number): void {
  const target = records[channel];
  target.received += 1;
  target.bytes += bytes;
  if (target.first.has(recipient)) {
    const counts = duplicateCounts[channel];
    counts.set(recipient, (counts.get(recipient) ?? 0) + 1);
    return;
  }
  target.first.set(recipient, at);
  if (awaited && distinct() >= awaited.expected) awaited.done();
}

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  // Hundreds of messages a second from a pool of a few connections: no artificial pauses.
  socketTimeout: 60_000,
  onData: (stream, session, callback) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    stream.on('end', () => {
      const at = clock();
      const recipient = session.envelope.rcptTo[0]?.address.toLowerCase();
      if (!recipient) {
        refused += 1;
        return callback(new Error('no recipient'));
      }
      record('email', recipient, size, at);
      const target = records.email;
      if (!target.sample && !target.sampling) {
        target.sampling = true;
        simpleParser(Buffer.concat(chunks))
          .then((parsed) => (target.sample = { recipient, text: parsed.text ?? '' }))
          .catch(() => (target.sample = { recipient, text: '' }));
      }
      callback(null, `Message queued as Q${target.received}`);
    });
  },
});

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

let smsSequence = 0;

function receiveSms(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const at = clock();
    const account = SMS_PATH.exec(request.url ?? '')?.[1];
    if (request.method !== 'POST' || !account) {
      refused += 1;
      return answer(response, 404, { code: 20404, message: 'The requested resource was not found' });
    }
    const body = Buffer.concat(chunks);
    const form = new URLSearchParams(body.toString('utf8'));
    const to = form.get('To');
    if (!to) {
      refused += 1;
      return answer(response, 400, { code: 21604, message: "A 'To' phone number is required." });
    }
    record('sms', to, body.length, at);
    if (!records.sms.sample) records.sms.sample = { recipient: to, text: form.get('Body') ?? '' };
    smsSequence += 1;
    answer(response, 201, {
      sid: `SM${String(smsSequence).padStart(32, '0')}`,
      account_sid: account,
      to,
      from: form.get('From'),
      status: 'queued',
    });
  });
}

const sms = createServer(receiveSms);
sms.keepAliveTimeout = 30_000;

function snapshotOf(channel: SinkChannel): SinkArrivals {
  const target = records[channel];
  const counts = duplicateCounts[channel];
  return {
    arrivals: [...target.first.entries()],
    received: target.received,
    duplicates: [...counts.values()].reduce((sum, extra) => sum + extra, 0),
    duplicateRecipients: [...counts.keys()].slice(0, 10),
    meanBytes: target.received > 0 ? Math.round(target.bytes / target.received) : 0,
    ...(target.sample ? { sample: target.sample } : {}),
  };
}

function snapshot(): SinkSnapshot {
  return { email: snapshotOf('email'), sms: snapshotOf('sms'), refused };
}

const commands = {
  /** Listens on loopback ports of the system's choosing and says where. */
  start: async (): Promise<{ smtpUrl: string; smsBaseUrl: string }> => {
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => sms.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    const smsPort = (sms.address() as AddressInfo).port;
    return { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, smsBaseUrl: `http://127.0.0.1:${smsPort}` };
  },

  /** Forgets what arrived so far: the next phase counts from nothing. */
  reset: async (): Promise<void> => {
    records = { email: emptyRecord(), sms: emptyRecord() };
    duplicateCounts.email.clear();
    duplicateCounts.sms.clear();
    refused = 0;
    awaited = undefined;
  },

  /** Resolves once `expected` distinct messages have arrived, or after `timeoutMs` with how many have. */
  waitFor: async ({
    expected,
    timeoutMs,
  }: {
    expected: number;
    timeoutMs: number;
  }): Promise<{ count: number; complete: boolean }> => {
    if (distinct() < expected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          awaited = undefined;
          resolve();
        }, timeoutMs);
        awaited = {
          expected,
          done: () => {
            clearTimeout(timer);
            awaited = undefined;
            resolve();
          },
        };
      });
    }
    return { count: distinct(), complete: distinct() >= expected };
  },

  /** How many distinct messages have arrived, for progress lines. */
  count: async (): Promise<number> => distinct(),

  snapshot: async (): Promise<SinkSnapshot> => snapshot(),
};

export type NotificationSinkCommands = typeof commands;

serveCommands(commands, async () => {
  sms.closeAllConnections();
  await Promise.allSettled([
    new Promise<void>((resolve) => smtp.close(() => resolve())),
    new Promise<void>((resolve) => sms.close(() => resolve())),
  ]);
});
const stop = (): void => {
  sms.closeAllConnections();
  smtp.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1_000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
