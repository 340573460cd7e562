/**
 * Test helpers for `/metrics`: a GET from a chosen local address, and a parser of the text
 * format into `name{labels}` -> value, so tests compare exact numbers.
 */
import { request } from 'node:http';

/** The answer to a GET. */
export interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GETs `url`, from `localAddress` when given (127.0.0.2 is a client other than this machine's scraper). */
export function get(url: string, options: { localAddress?: string; headers?: Record<string, string> } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress: options.localAddress, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Samples of an exposition text: `name{labels}` (labels as written) -> value. */
export function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Scrapes `url` from 127.0.0.1 and parses it; throws unless it answered 200. */
export async function scrape(url: string): Promise<Map<string, number>> {
  const res = await get(url);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${res.body}`);
  return parseExposition(res.body);
}
