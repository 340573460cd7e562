import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, LoginError, logout } from './api.js';
import { ME } from './test-support/fixtures.js';

let server: Server;
let base: string;
let bodies: unknown[];

/** fetch bound to the test server, as the browser binds a relative URL to the page origin. */
const sameOrigin: typeof fetch = (input, init) => fetch(new URL(String(input), base), init);

beforeEach(async () => {
  bodies = [];
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as { email: string; password: string };
      bodies.push(body);
      res.setHeader('Content-Type', 'application/json');
      if (body.email === 'flood@example.com') {
        res.statusCode = 429;
        res.end('{"error":"rate_limited"}');
      } else if (body.email === 'outage@example.com') {
        res.statusCode = 503;
        res.setHeader('Retry-After', '5');
        res.end('{"error":"unavailable"}');
      } else if (body.password === 'right') {
        res.end(JSON.stringify({ token: 'tok.sig', agent: ME }));
      } else {
        res.statusCode = 401;
        res.end('{"error":"invalid_credentials"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('login', () => {
  it('posts the credentials and returns the token and agent', async () => {
    await expect(login('me@example.com', 'right', sameOrigin)).resolves.toEqual({ token: 'tok.sig', agent: ME });
    expect(bodies).toEqual([{ email: 'me@example.com', password: 'right' }]);
  });

  it('reports wrong credentials', async () => {
    await expect(login('me@example.com', 'wrong', sameOrigin)).rejects.toMatchObject({ code: 'invalid_credentials' });
  });

  it('reports too many attempts', async () => {
    await expect(login('flood@example.com', 'x', sameOrigin)).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('reports a relay that cannot reach its database as such, not as a failed sign-in', async () => {
    await expect(login('outage@example.com', 'right', sameOrigin)).rejects.toMatchObject({
      code: 'unavailable',
      message: 'The relay cannot reach its database right now. Try again in a few seconds.',
    });
  });

  it('reports an unreachable relay', async () => {
    const down: typeof fetch = () => Promise.reject(new TypeError('fetch failed'));
    await expect(login('me@example.com', 'right', down)).rejects.toBeInstanceOf(LoginError);
    await expect(login('me@example.com', 'right', down)).rejects.toMatchObject({ code: 'network' });
  });
});

describe('logout', () => {
  it('posts the token to /api/logout and never throws when the relay is unreachable', async () => {
    const seen: { url: string; method: string | undefined; auth: string | null }[] = [];
    const recording: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), method: init?.method, auth: new Headers(init?.headers).get('Authorization') });
      return new Response(null, { status: 204 });
    };
    expect(await logout('tok.sig', recording)).toBe(true);
    expect(seen).toEqual([{ url: '/api/logout', method: 'POST', auth: 'Bearer tok.sig' }]);
    const offline: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    expect(await logout('tok.sig', offline)).toBe(false);
  });
});
