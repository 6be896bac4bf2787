import { Agent, request } from 'node:http';
import { clock } from './stats';

export interface BatchResponse {
  status: number;
  /** The parsed JSON answer; absent if it was not JSON. */
  body?: unknown;
  /** From the request leaving until its answer was read. */
  latencyMs: number;
}

export interface BatchLoadResult {
  startedAt: number;
  lastAnswerAt: number;
  /** Index-aligned with the bodies; undefined where the request failed without an answer. */
  responses: Array<BatchResponse | undefined>;
  errors: number;
  firstError?: string;
}

const REQUEST_TIMEOUT_MS = 120_000;

/**
 * Closed loop: `concurrency` workers each post the next body as soon as their previous request
 * is answered, one keep-alive connection each, until every body has been posted once.
 */
export async function postBatches(options: {
  baseUrl: string;
  path: string;
  headers: Record<string, string>;
  bodies: readonly string[];
  /** Headers of one request besides the common ones (a signature over its body, say). */
  headersFor?: (index: number) => Record<string, string>;
  concurrency: number;
}): Promise<BatchLoadResult> {
  const url = new URL(options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const responses: Array<BatchResponse | undefined> = new Array(options.bodies.length);
  let errors = 0;
  let firstError: string | undefined;
  let lastAnswerAt = 0;

  const post = (body: string, index: number): Promise<BatchResponse> =>
    new Promise((resolve, reject) => {
      const sentAt = clock();
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: options.path,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...options.headers,
            ...options.headersFor?.(index),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.once('error', reject);
          response.once('end', () => {
            const answeredAt = clock();
            lastAnswerAt = Math.max(lastAnswerAt, answeredAt);
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              parsed = undefined;
            }
            resolve({
              status: response.statusCode ?? 0,
              ...(parsed === undefined ? {} : { body: parsed }),
              latencyMs: answeredAt - sentAt,
            });
          });
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timed out')));
      req.once('error', reject);
      req.end(body);
    });

  const startedAt = clock();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.bodies.length) {
      const index = next++;
      try {
        responses[index] = await post(options.bodies[index]!, index);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  return { startedAt, lastAnswerAt, responses, errors, ...(firstError ? { firstError } : {}) };
}
