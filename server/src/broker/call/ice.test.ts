import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { iceServersFor, NO_ICE, turnCredential } from './ice.js';

describe('turnCredential', () => {
  it('names the expiry and the call in the username and signs it with HMAC-SHA1 of the secret, in base64', () => {
    const { username, credential } = turnCredential('s3cret', 'call-abcdefgh', 600, 1_700_000_000_123);
    expect(username).toBe('1700000600:call-abcdefgh');
    expect(credential).toBe(createHmac('sha1', 's3cret').update('1700000600:call-abcdefgh').digest('base64'));
  });
});

describe('iceServersFor', () => {
  it('is empty without STUN or TURN: host candidates only', () => {
    expect(iceServersFor(NO_ICE, 'call-abcdefgh', 0)).toEqual([]);
  });

  it('passes STUN on and gives TURN servers credentials for the call', () => {
    const servers = iceServersFor(
      { stunUrls: ['stun:a.example'], turnUrls: ['turn:b.example'], turnSecret: 'k', turnTtlSeconds: 60 },
      'call-abcdefgh',
      10_000,
    );
    expect(servers).toEqual([
      { urls: ['stun:a.example'] },
      { urls: ['turn:b.example'], ...turnCredential('k', 'call-abcdefgh', 60, 10_000) },
    ]);
  });

  it('leaves TURN out without a secret, since a TURN entry without credentials is refused by browsers', () => {
    expect(iceServersFor({ stunUrls: [], turnUrls: ['turn:b.example'], turnSecret: null, turnTtlSeconds: 60 }, 'call-abcdefgh', 0)).toEqual([]);
  });
});
