import type { RandomStream } from '../../../engine/index.ts';
import type { RequestContext } from '../../../domain/index.ts';
import { userAgent, type Device, type SoftwareAge } from './devices.ts';

/** A user of a tenant as the simulation knows them: the app's ids, and how they behave. */
export interface Member {
  userId: number;
  publicId: string;
  email: string;
  role: string;
  /** Chance to be active on a working day (heavy and light users). */
  activeChance: number;
  device: Device;
  software: SoftwareAge;
  ip: string;
  deactivated: boolean;
}

/**
 * Addresses from the documentation ranges (RFC 5737 for IPv4, RFC 3849 for IPv6): the shape of
 * real client addresses, never a real client. IPv6 is about two fifths of traffic (Google's IPv6
 * adoption statistics, 2025).
 */
export function fakeIp(rng: RandomStream, ipv6Share: number): string {
  if (rng.chance(ipv6Share)) return `2001:db8:${rng.hex(4)}:${rng.hex(4)}::${rng.hex(4)}`;
  return `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.int(1, 254)}`;
}

/** Who acted, from where and with what, for one request; support notes mark actions support took. */
export function requestContext(
  rng: RandomStream,
  member: Member | undefined,
  atMs: number,
  supportNotes: string | null = null,
): RequestContext {
  return {
    actorUserPublicId: member?.publicId ?? null,
    actorEmail: member?.email ?? null,
    ip: member?.ip ?? fakeIp(rng, 0.4),
    userAgent: member
      ? userAgent(member.device, atMs, member.software)
      : userAgent('chrome-windows', atMs, { lag: 0, minor: 0 }),
    requestId: `req_${rng.hex(20)}`,
    supportNotes,
  };
}
