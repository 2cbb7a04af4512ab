import type { RandomStream } from '../../../engine/index.ts';

const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'billing-cli/2.3.1 (+https://example.com/cli)',
  'okhttp/4.12.0',
];

/** IPs from the documentation ranges (RFC 5737 / 3849): realistic shape, never a real client. */
export function fakeIp(rng: RandomStream): string {
  if (rng.chance(0.1)) return `2001:db8:${rng.hex(4)}::${rng.hex(4)}`;
  const net = rng.pick(['192.0.2', '198.51.100', '203.0.113']);
  return `${net}.${rng.int(1, 254)}`;
}

export function requestContext(
  rng: RandomStream,
  actor: { userId: number | null; email: string | null },
  supportNotes: string | null = null,
) {
  return {
    actorUserId: actor.userId,
    actorEmail: actor.email,
    ip: fakeIp(rng),
    userAgent: rng.pick(USER_AGENTS),
    requestId: `req_${rng.hex(20)}`,
    supportNotes,
  };
}
