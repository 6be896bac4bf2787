import { type Agent, request } from 'node:http';
import { clock } from './stats';

export interface Answer {
  status: number;
  /** The answer's body as text. */
  text: string;
  /** When the whole answer had been read. */
  answeredAt: number;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** One request on a keep-alive agent; rejects on a connection error or after 30 s. */
export function sendRequest(
  agent: Agent,
  baseUrl: string,
  options: { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: options.path,
        method: options.method,
        agent,
        headers: {
          ...(options.body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) }),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            answeredAt: clock(),
          }),
        );
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timed out')));
    req.once('error', reject);
    req.end(options.body);
  });
}
