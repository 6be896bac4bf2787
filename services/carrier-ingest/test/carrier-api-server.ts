import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedAnswer {
  status: number;
  body: unknown;
}

/**
 * A carrier's tracking API on loopback: answers each tracking number with recorded responses in
 * the carrier's documented format, in turn (the last one repeats), and counts the requests.
 */
export class CarrierApiServer {
  private readonly answers = new Map<string, RecordedAnswer[]>();
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }> = [];
  private server?: Server;

  answer(trackingNumber: string, ...answers: RecordedAnswer[]): void {
    this.answers.set(trackingNumber, answers);
  }

  requestsFor(trackingNumber: string): number {
    return this.requests.filter((request) => request.url.includes(trackingNumber)).length;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.requests.push({
          method: request.method ?? '',
          url: `${request.url}${body}`,
          headers: request.headers,
        });
        const number = [...this.answers.keys()].find((candidate) =>
          `${request.url}${body}`.includes(candidate),
        );
        const queue = number ? this.answers.get(number)! : [];
        const answer = queue.length > 1 ? queue.shift()! : queue[0];
        if (!answer) {
          response
            .writeHead(404, { 'content-type': 'application/json' })
            .end('{"error":"no recorded answer"}');
          return;
        }
        response
          .writeHead(answer.status, { 'content-type': 'application/json' })
          .end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
