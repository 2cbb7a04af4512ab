import { eq, sql } from 'drizzle-orm';
import { DomainError } from '../domain-error.ts';
import { pgArray } from '../pg-array.ts';
import * as t from '../schema.ts';
import type { FacadeContext } from './facade-context.ts';
import type { RequestContext } from './request-context.ts';

export interface NewMember {
  email: string;
  fullName: string;
  role: string;
}

export interface InviteUserInput extends NewMember {
  organizationId: number;
}

export interface ImportUsersInput {
  organizationId: number;
  /** An email already in the organisation is skipped, not refused. */
  users: NewMember[];
}

export interface ChangeRoleInput {
  userId: number;
  role: string;
}

export interface DeactivateUserInput {
  userId: number;
}

export interface SignInEvent {
  /** The user's public id, as a session or token carries it. */
  userPublicId: string;
  ip: string;
  userAgent: string;
  /** When the user signed in: the row keeps it, whenever the `ingest` job writes it. */
  at: Date;
}

export interface RecordSignInsInput {
  organizationId: number;
  events: SignInEvent[];
}

export interface NewUser {
  userId: number;
  publicId: string;
}

export interface UserActions {
  inviteUser(input: InviteUserInput, ctx: RequestContext): Promise<NewUser>;
  /** The users created, in the order given (skipped duplicates are left out). */
  importUsers(input: ImportUsersInput, ctx: RequestContext): Promise<{ users: NewUser[] }>;
  changeRole(input: ChangeRoleInput, ctx: RequestContext): Promise<void>;
  deactivateUser(input: DeactivateUserInput, ctx: RequestContext): Promise<void>;
  recordSignIns(input: RecordSignInsInput): Promise<void>;
}

export function userActions({
  db,
  clock,
  newId,
  ingest,
  lookup,
  audit,
  auditRow,
  auditedWrite,
  orgOf,
}: FacadeContext): UserActions {
  return {
    async inviteUser(input, ctx) {
      const org = await orgOf(input.organizationId);
      const publicId = newId('usr', org.publicId);
      const now = clock.now().toISOString();
      // One statement: the duplicate check, the user and its audit row, which is written only
      // when the user is (a duplicate writes nothing and takes no id from either sequence).
      const audited = auditRow(
        input.organizationId,
        'user.invited',
        ctx,
        { user: publicId, email: input.email, role: input.role },
        sql`EXISTS (SELECT 1 FROM invited)`,
      );
      const rows = (
        await db.execute(
          sql`WITH invited AS (
                INSERT INTO users (public_id, organization_id, email, full_name, role, created_at)
                SELECT ${publicId}, ${input.organizationId}, ${input.email}, ${input.fullName}, ${input.role}, ${now}
                 WHERE NOT EXISTS (SELECT 1 FROM users WHERE organization_id = ${input.organizationId}
                                                          AND email = ${input.email})
                RETURNING id),
              audited AS (${audited})
              SELECT id FROM invited`,
        )
      ).rows as { id: number | string }[];
      if (!rows[0]) throw new DomainError('duplicate_email', `${input.email} is already a member`);
      return { userId: Number(rows[0].id), publicId };
    },

    /** SCIM-style bulk provisioning: one statement for the users, one audit event for the batch. */
    async importUsers(input, ctx) {
      const org = await orgOf(input.organizationId);
      if (input.users.length === 0) return { users: [] };
      const publicIds = input.users.map(() => newId('usr', org.publicId));
      return db.transaction(async (tx) => {
        const now = clock.now().toISOString();
        // A directory arrives in batches of hundreds: one array per column keeps the statement's
        // text and its four parameters the same whatever the batch size (see ingest-buffer.ts).
        const rows = (
          await tx.execute(sql`
            INSERT INTO users (public_id, organization_id, email, full_name, role, created_at)
            SELECT u.public_id, ${input.organizationId}, u.email, u.full_name, u.role, ${now}
              FROM unnest(${pgArray(publicIds)}::text[], ${pgArray(input.users.map((u) => u.email))}::text[],
                          ${pgArray(input.users.map((u) => u.fullName))}::text[],
                          ${pgArray(input.users.map((u) => u.role))}::text[])
                   WITH ORDINALITY AS u(public_id, email, full_name, role, n)
             ORDER BY u.n
                ON CONFLICT DO NOTHING
         RETURNING id, public_id`)
        ).rows as { id: number | string; public_id: string }[];
        await audit(tx, input.organizationId, 'users.imported', ctx, {
          count: rows.length,
          skipped_duplicates: input.users.length - rows.length,
        });
        const users = rows.map((r) => ({ userId: Number(r.id), publicId: r.public_id }));
        return { users: users.sort((a, b) => a.userId - b.userId) };
      });
    },

    async changeRole(input, ctx) {
      const [user] = await lookup.user.execute({ id: input.userId });
      if (!user || user.deactivatedAt) {
        throw new DomainError('not_found', `user ${input.userId} not found or deactivated`);
      }
      if (user.role === 'owner') throw new DomainError('owner_role', 'the owner role cannot be changed');
      await auditedWrite(
        db,
        db.update(t.users).set({ role: input.role }).where(eq(t.users.id, user.id)),
        auditRow(user.organizationId, 'user.role_changed', ctx, {
          user: user.publicId,
          from: user.role,
          to: input.role,
        }),
      );
    },

    async deactivateUser(input, ctx) {
      const [user] = await lookup.user.execute({ id: input.userId });
      if (!user || user.deactivatedAt) {
        throw new DomainError('not_found', `user ${input.userId} not found or already deactivated`);
      }
      if (user.role === 'owner') throw new DomainError('owner_role', 'the owner cannot be deactivated');
      await auditedWrite(
        db,
        db.update(t.users).set({ deactivatedAt: clock.now() }).where(eq(t.users.id, user.id)),
        auditRow(user.organizationId, 'user.deactivated', ctx, { user: user.publicId }),
      );
    },

    /** Accepted now, written by the `ingest` job (see IngestBuffer). */
    async recordSignIns(input) {
      ingest.addSignIns(input.events.map((e) => ({ organizationId: input.organizationId, ...e })));
    },
  };
}
