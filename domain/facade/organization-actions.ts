import { eq } from 'drizzle-orm';
import { DomainError } from '../domain-error.ts';
import * as t from '../schema.ts';
import type { FacadeContext } from './facade-context.ts';
import { firstOrThrow } from './first-or-throw.ts';
import type { RequestContext } from './request-context.ts';

export interface SignUpInput {
  /** Lowercase letters, digits and dashes; also the prefix of invoice numbers. */
  tenantSlug: string;
  legalName: string;
  /** ISO 3166 alpha-2: decides the tax rate. */
  country: string;
  /** IANA time zone of the customer (default UTC). */
  timezone?: string;
  currency: string;
  /** Where billing mail goes; the owner's email when absent. */
  billingEmail?: string | null;
  owner: NewOwner;
}

export interface NewOwner {
  email: string;
  fullName: string;
}

export interface SoftDeleteOrganizationInput {
  organizationId: number;
}

export interface OrganizationActions {
  signUp(
    input: SignUpInput,
    ctx: RequestContext,
  ): Promise<{ organizationId: number; organizationPublicId: string; ownerUserId: number; ownerPublicId: string }>;
  softDeleteOrganization(input: SoftDeleteOrganizationInput, ctx: RequestContext): Promise<void>;
}

export function organizationActions({ db, clock, newId, vendor, audit, orgOf }: FacadeContext): OrganizationActions {
  return {
    async signUp(input, ctx) {
      if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(input.tenantSlug)) {
        throw new DomainError(
          'invalid_slug',
          `tenant slug '${input.tenantSlug}' must be lowercase letters, digits and dashes`,
        );
      }
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        const org = firstOrThrow(
          await tx
            .insert(t.organizations)
            .values({
              publicId: newId('org', input.tenantSlug),
              tenantSlug: input.tenantSlug,
              legalName: input.legalName,
              country: input.country,
              timezone: input.timezone ?? 'UTC',
              billingEmail: input.billingEmail ?? null,
              createdAt: now,
            })
            .returning(),
          'the inserted organization',
        );
        const owner = firstOrThrow(
          await tx
            .insert(t.users)
            .values({
              publicId: newId('usr', org.publicId),
              organizationId: org.id,
              email: input.owner.email,
              fullName: input.owner.fullName,
              role: 'owner',
              createdAt: now,
            })
            .returning(),
          'the inserted owner',
        );
        await audit(
          tx,
          org.id,
          'organization.created',
          { ...ctx, actorUserPublicId: owner.publicId, actorEmail: owner.email },
          { organization_id: org.publicId, legal_name: org.legalName },
        );
        return { org, owner };
      });
      await vendor.indexOrganization(result.org.publicId, {
        objectID: result.org.publicId,
        name: result.org.legalName,
        slug: result.org.tenantSlug,
        country: result.org.country,
      });
      return {
        organizationId: result.org.id,
        organizationPublicId: result.org.publicId,
        ownerUserId: result.owner.id,
        ownerPublicId: result.owner.publicId,
      };
    },

    async softDeleteOrganization(input, ctx) {
      const org = await orgOf(input.organizationId);
      await db.transaction(async (tx) => {
        await tx.update(t.organizations).set({ deletedAt: clock.now() }).where(eq(t.organizations.id, org.id));
        await audit(tx, org.id, 'organization.deleted', ctx, { organization_id: org.publicId });
      });
      await vendor.deleteOrganization(org.publicId);
    },
  };
}
