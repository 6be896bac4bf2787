import { request as httpRequest } from 'node:http';

export interface RawReply {
  status: number;
  contentType: string;
  text: string;
}

export interface RawRequest {
  method: string;
  /** Already percent-encoded, query included: sent byte for byte. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/**
 * One request exactly as given, which fetch will not send: a body on a GET, bytes that are not
 * UTF-8, a path that is not valid percent-encoding. Fails if no answer comes within `timeoutMs`.
 */
export function sendRaw(baseUrl: string, raw: RawRequest, timeoutMs = 10_000): Promise<RawReply> {
  const url = new URL(baseUrl);
  const body = raw.body === undefined ? undefined : Buffer.from(raw.body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        headers: { ...raw.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
