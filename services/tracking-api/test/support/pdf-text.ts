import { inflateSync } from 'node:zlib';

/**
 * The text layer of a PDF written with the standard fonts, as a reader's "copy text" would give
 * it: each content stream (inflated where compressed), each text-showing operator's hex strings
 * decoded as Windows-1252 (Latin-1 for what tests use), one line per operator. Enough to check
 * what a document says without a PDF library.
 */
export function textLayerOf(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  const streams = /stream\r?\n/g;
  for (let match = streams.exec(raw); match; match = streams.exec(raw)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    const bytes = Buffer.from(raw.slice(start, end), 'latin1');
    let content: string;
    try {
      content = inflateSync(bytes).toString('latin1');
    } catch {
      content = bytes.toString('latin1');
    }
    streams.lastIndex = end + 'endstream'.length;
    if (!/\bBT\b/.test(content)) continue;
    for (const operator of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[^\]<])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hexes =
        operator[1] !== undefined
          ? [...operator[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((hex) => hex[1]!)
          : [operator[2]!];
      lines.push(hexes.map((hex) => Buffer.from(hex, 'hex').toString('latin1')).join(''));
    }
  }
  return lines.join('\n');
}
