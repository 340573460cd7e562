import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newVisitor } from '../storage/records.js';
import { isOriginAllowed } from '../origin.js';
import type { Site } from '../storage/storage.js';
import { relayOrigin, siteSnippet } from './site-commands.js';
import { inStore, runCaptured, tempDataDir, type CliRun } from './test-cli.js';

describe('parley site', () => {
  let dataDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dataDir, cleanup } = await tempDataDir()));
  afterEach(() => cleanup());

  const site = (...argv: string[]): Promise<CliRun> => runCaptured(['site', ...argv], { PARLEY_DATA_DIR: dataDir });
  const stored = (key: string): Promise<Site | null> => inStore(dataDir, (s) => s.getSiteByKey(key));
  /** The value printed after `label: ` on its own line. */
  const printed = (run: CliRun, label: string): string => run.out.find((line) => line.startsWith(`${label}: `))!.slice(label.length + 2);

  /** Adds the shop site and returns its generated key and secret. */
  async function addShop(...extra: string[]): Promise<{ run: CliRun; key: string; secret: string }> {
    const run = await site('add', '--name', 'Shop', '--origins', 'https://shop.example,https://*.shop.example', ...extra);
    expect(run.code).toBe(0);
    const key = /^Added site Shop with key (\S+)$/.exec(run.out[0]!)![1]!;
    return { run, key, secret: printed(run, 'Identity secret') };
  }

  describe('add', () => {
    it('stores a site with a random key, secret and the given origins', async () => {
      const { key, secret } = await addShop();
      expect(key).toMatch(/^[A-Za-z0-9]{16}$/);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
      const shop = await stored(key);
      expect(shop).toMatchObject({ key, name: 'Shop', secret, allowedOrigins: ['https://shop.example', 'https://*.shop.example'] });
      expect(isOriginAllowed(shop!.allowedOrigins, 'https://eu.shop.example')).toBe(true);
      expect((await addShop()).key).not.toBe(key);
    });

    it('prints the secret once with its purpose, and the script tag for the local relay', async () => {
      const { run, key, secret } = await addShop();
      expect(run.all.split(secret)).toHaveLength(2);
      expect(run.all).toMatch(/Shown once\. Keep it on your server only: it signs userHash for identity verification/);
      expect(run.out).toContain(`  <script async src="http://localhost:8080/parley.js" data-site-key="${key}"></script>`);
      expect(run.out).toContain('Allowed origins: https://shop.example, https://*.shop.example');
    });

    it('builds the script tag from --public-url or PARLEY_PUBLIC_URL, else the port', async () => {
      const byFlag = await addShop('--public-url', 'https://chat.example.com/');
      expect(byFlag.run.out).toContain(`  ${siteSnippet('https://chat.example.com', byFlag.key)}`);
      const byEnv = await runCaptured(['site', 'add', '--name', 'Blog', '--origins', 'https://blog.example', '--key', 'blog'], {
        PARLEY_DATA_DIR: dataDir,
        PARLEY_PUBLIC_URL: 'https://relay.example:8443',
      });
      expect(byEnv.out).toContain('  <script async src="https://relay.example:8443/parley.js" data-site-key="blog"></script>');
      expect(relayOrigin({ publicUrl: null, port: 9000 })).toBe('http://localhost:9000');
    });

    it('takes a chosen key once, and refuses a taken or malformed one', async () => {
      expect((await site('add', '--name', 'Blog', '--origins', 'https://blog.example', '--key', 'blog')).code).toBe(0);
      const taken = await site('add', '--name', 'Other', '--origins', 'https://other.example', '--key', 'blog');
      expect(taken.code).toBe(1);
      expect(taken.err).toEqual(['A site with key blog already exists.']);
      const malformed = await site('add', '--name', 'X', '--origins', 'https://x.example', '--key', 'a"b');
      expect(malformed.code).toBe(2);
      expect(malformed.err[0]).toContain('--key must be');
      expect((await stored('blog'))!.name).toBe('Blog');
    });

    it('refuses bad origins with the reason, a non-zero exit and nothing stored', async () => {
      const run = await site('add', '--name', 'Shop', '--origins', 'https://shop.example/cart,shop.example,*', '--key', 'shop');
      expect(run.code).toBe(2);
      expect(run.out).toEqual([]);
      expect(run.err.join('\n')).toBe(
        [
          'parley: --origins: refused 3 origins:',
          '  https://shop.example/cart has a path, query or fragment; an origin is only scheme://host[:port]',
          '  shop.example is not an origin; write it with its scheme, e.g. https://shop.example',
          '  * would allow every site; list the origins of your site',
        ].join('\n'),
      );
      expect(await stored('shop')).toBeNull();
    });

    it('needs --name and --origins, and a durable store', async () => {
      expect((await site('add', '--name', 'Shop')).err[0]).toBe('parley: site add needs --name and --origins');
      const memory = await site('add', '--name', 'Shop', '--origins', 'https://shop.example', '--storage', 'memory');
      expect(memory.code).toBe(2);
      expect(memory.err[0]).toContain('durable store');
    });
  });

  describe('list', () => {
    it('prints key, name and origins of every site and never a secret', async () => {
      const shop = await addShop();
      await site('add', '--name', 'Blog', '--origins', 'https://blog.example', '--key', 'blog');
      const blogSecret = (await stored('blog'))!.secret;
      const run = await site('list');
      expect(run.code).toBe(0);
      expect(run.out[0]).toMatch(/^KEY\s+NAME\s+ALLOWED ORIGINS$/);
      expect(run.out).toContainEqual(expect.stringMatching(new RegExp(`^${shop.key}\\s+Shop\\s+https://shop\\.example, https://\\*\\.shop\\.example$`)));
      expect(run.out).toContainEqual(expect.stringMatching(/^blog\s+Blog\s+https:\/\/blog\.example$/));
      expect(run.all).not.toContain(shop.secret);
      expect(run.all).not.toContain(blogSecret);
    });

    it('says so when there are no sites', async () => {
      const run = await site('list');
      expect(run.code).toBe(0);
      expect(run.out[0]).toMatch(/^No sites yet/);
    });
  });

  describe('origins', () => {
    it('adds and removes allowlist entries, matching removals however they are spelled', async () => {
      const { key } = await addShop();
      const run = await site('origins', '--key', key, '--add', 'https://shop.example,https://admin.example:8443', '--remove', 'HTTPS://*.Shop.example/');
      expect(run.code).toBe(0);
      expect(run.out).toEqual([`Allowed origins of site ${key}: https://shop.example, https://admin.example:8443`]);
      expect((await stored(key))!.allowedOrigins).toEqual(['https://shop.example', 'https://admin.example:8443']);
    });

    it('changes nothing when an origin to add is refused or one to remove is not listed', async () => {
      const { key } = await addShop();
      const refused = await site('origins', '--key', key, '--add', 'https://new.example,https://*', '--remove', 'https://shop.example');
      expect(refused.code).toBe(2);
      expect(refused.err.join('\n')).toContain('https://* would allow every site');
      const unlisted = await site('origins', '--key', key, '--add', 'https://new.example', '--remove', 'https://nope.example');
      expect(unlisted.code).toBe(1);
      expect(unlisted.err).toEqual([`Not in the allowed origins of site ${key}: https://nope.example (nothing changed).`]);
      expect((await stored(key))!.allowedOrigins).toEqual(['https://shop.example', 'https://*.shop.example']);
    });

    it('refuses an unknown key and a call with nothing to change', async () => {
      const unknown = await site('origins', '--key', 'nope', '--add', 'https://x.example');
      expect(unknown.code).toBe(1);
      expect(unknown.err).toEqual(['No site with key nope (see parley site list).']);
      expect((await site('origins', '--key', 'nope')).code).toBe(2);
    });
  });

  describe('rotate-secret', () => {
    it('stores a new secret and prints it once', async () => {
      const { key, secret } = await addShop();
      const run = await site('rotate-secret', '--key', key);
      expect(run.code).toBe(0);
      const fresh = printed(run, 'New identity secret');
      expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(fresh).not.toBe(secret);
      expect(run.all.split(fresh)).toHaveLength(2);
      expect(run.all).not.toContain(secret);
      expect((await stored(key))!.secret).toBe(fresh);
    });

    it('refuses an unknown key', async () => {
      const run = await site('rotate-secret', '--key', 'nope');
      expect(run.code).toBe(1);
      expect(run.err).toEqual(['No site with key nope (see parley site list).']);
    });
  });

  describe('remove', () => {
    /** A visitor of `siteKey` who wrote `messages` messages in one conversation. */
    async function conversationOn(siteKey: string, messages: number): Promise<void> {
      await inStore(dataDir, async (s) => {
        const target = (await s.getSiteByKey(siteKey))!;
        const visitor = await s.createVisitor(newVisitor(randomUUID(), target.id, 1));
        const conversation = await s.createConversation({ id: randomUUID(), siteId: target.id, visitorId: visitor.id, createdAt: 1 });
        for (let i = 0; i < messages; i++) {
          await s.appendMessage({ id: randomUUID(), conversationId: conversation.id, clientId: `c${i}`, author: 'visitor', authorId: visitor.id, text: 'hi', at: 2 });
        }
      });
    }

    it('says what would be deleted and changes nothing without --yes', async () => {
      const { key } = await addShop();
      await conversationOn(key, 3);
      const run = await site('remove', key);
      expect(run.code).toBe(1);
      expect(run.err.join('\n')).toContain('deletes it with 1 conversation (3 messages)');
      expect(run.err.join('\n')).toContain('run again with --yes');
      expect(await stored(key)).not.toBeNull();
    });

    it('deletes the site with its conversations and leaves other sites alone with --yes', async () => {
      const { key } = await addShop();
      const { key: otherKey } = await addShop();
      await conversationOn(key, 2);
      await conversationOn(otherKey, 1);
      const run = await site('remove', key, '--yes');
      expect(run.code).toBe(0);
      expect(run.out[0]).toBe(`Removed site Shop (${key}) with 1 conversation, 2 messages, 1 visitor and 0 callback requests.`);
      expect(await stored(key)).toBeNull();
      const other = (await stored(otherKey))!;
      expect(await inStore(dataDir, (s) => s.listConversations({ siteIds: [other.id], limit: 10 }))).toHaveLength(1);
      expect((await site('list')).all).not.toContain(key);
    });

    it('refuses an unknown key, a missing key and the demo site', async () => {
      expect((await site('remove', 'nope', '--yes')).err[0]).toContain('No site with key nope');
      expect((await site('remove', '--yes')).code).toBe(2);
      await inStore(dataDir, (s) => s.createSite({ id: 'demo-id', key: 'demo', name: 'Demo', secret: 's', allowedOrigins: [], createdAt: 1 }));
      const demo = await site('remove', 'demo', '--yes');
      expect(demo.code).toBe(1);
      expect(demo.err[0]).toContain('recreates it on every start');
      expect(await stored('demo')).not.toBeNull();
    });
  });
});
