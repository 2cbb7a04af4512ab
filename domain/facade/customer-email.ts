import type { PreparedLookups } from '../lookups.ts';
import type { VendorClients } from '../vendors/vendor-clients.ts';
import type { Organization } from './row-types.ts';

export interface CustomerEmail {
  /** Sends one email; no address or a vendor failure is an outcome, never an error that fails the action. */
  send(
    to: string | null | undefined,
    subject: string,
    text: string,
    tag: string,
  ): Promise<'skipped' | 'sent' | 'failed'>;
  /** Where an organisation's billing mail goes: its billing email, else its owner's. */
  billingAddress(org: Organization): Promise<string | null>;
}

export function customerEmail(vendor: VendorClients, lookup: PreparedLookups): CustomerEmail {
  return {
    async send(to, subject, text, tag) {
      if (!to) return 'skipped';
      const res = await vendor.sendEmail({ to, subject, text, tag });
      return res.status >= 200 && res.status < 300 ? 'sent' : 'failed';
    },
    async billingAddress(org) {
      if (org.billingEmail) return org.billingEmail;
      const [owner] = await lookup.owner.execute({ organizationId: org.id });
      return owner?.email ?? null;
    },
  };
}
