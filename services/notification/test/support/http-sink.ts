import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  body?: unknown;
}

/**
 * An HTTP server on loopback that records every request and answers from a script: per key
 * (chosen by `keyOf`), answers are used in turn and the last one repeats; without a script it
 * answers `fallback`.
 */
export class HttpSink {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  private server?: Server;

  constructor(
    private readonly keyOf: (request: ReceivedRequest) => string,
    private readonly fallback: (request: ReceivedRequest) => Answer,
  ) {}

  script(key: string, ...answers: Answer[]): void {
    this.scripts.set(key, answers);
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const received = {
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          body,
        };
        this.requests.push(received);
        const queue = this.scripts.get(this.keyOf(received));
        const answer =
          queue && queue.length > 0
            ? queue.length > 1
              ? queue.shift()!
              : queue[0]!
            : this.fallback(received);
        response
          .writeHead(answer.status, { 'content-type': 'application/json' })
          .end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

let sequence = 0;

/** A Twilio-compatible Messages API: `POST /2010-04-01/Accounts/{sid}/Messages.json`, form encoded. Scripts by `To`. */
export function smsProviderSink(): HttpSink {
  return new HttpSink(
    (request) => new URLSearchParams(request.body).get('To') ?? '',
    (request) =>
      request.path.endsWith('/Messages.json')
        ? { status: 201, body: { sid: `SM${String((sequence += 1)).padStart(32, '0')}`, status: 'queued' } }
        : { status: 404, body: { code: 20404, message: 'The requested resource was not found' } },
  );
}

/** A merchant's webhook endpoint; scripts by path. */
export function webhookSink(): HttpSink {
  return new HttpSink(
    (request) => request.path,
    () => ({ status: 204 }),
  );
}

export function smsForm(request: ReceivedRequest): URLSearchParams {
  return new URLSearchParams(request.body);
}
