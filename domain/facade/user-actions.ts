import { and, eq } from 'drizzle-orm';
import { DomainError } from '../domain-error.ts';
import * as t from '../schema.ts';
import type { FacadeContext } from './facade-context.ts';
import { firstOrThrow } from './first-or-throw.ts';
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

export function userActions({ db, clock, newId, ingest, lookup, audit, orgOf }: FacadeContext): UserActions {
  return {
    async inviteUser(input, ctx) {
      const org = await orgOf(input.organizationId);
      return db.transaction(async (tx) => {
        const [dupe] = await tx
          .select({ id: t.users.id })
          .from(t.users)
          .where(and(eq(t.users.organizationId, input.organizationId), eq(t.users.email, input.email)));
        if (dupe) throw new DomainError('duplicate_email', `${input.email} is already a member`);
        const user = firstOrThrow(
          await tx
            .insert(t.users)
            .values({
              publicId: newId('usr', org.publicId),
              organizationId: input.organizationId,
              email: input.email,
              fullName: input.fullName,
              role: input.role,
              createdAt: clock.now(),
            })
            .returning(),
          'the inserted user',
        );
        await audit(tx, input.organizationId, 'user.invited', ctx, {
          user: user.publicId,
          email: input.email,
          role: input.role,
        });
        return { userId: user.id, publicId: user.publicId };
      });
    },

    /** SCIM-style bulk provisioning: one statement for the users, one audit event for the batch. */
    async importUsers(input, ctx) {
      const org = await orgOf(input.organizationId);
      if (input.users.length === 0) return { users: [] };
      return db.transaction(async (tx) => {
        const now = clock.now();
        const rows = await tx
          .insert(t.users)
          .values(
            input.users.map((u) => ({
              publicId: newId('usr', org.publicId),
              organizationId: input.organizationId,
              email: u.email,
              fullName: u.fullName,
              role: u.role,
              createdAt: now,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: t.users.id, publicId: t.users.publicId });
        await audit(tx, input.organizationId, 'users.imported', ctx, {
          count: rows.length,
          skipped_duplicates: input.users.length - rows.length,
        });
        return { users: rows.sort((a, b) => a.id - b.id).map((r) => ({ userId: r.id, publicId: r.publicId })) };
      });
    },

    async changeRole(input, ctx) {
      const [user] = await lookup.user.execute({ id: input.userId });
      if (!user || user.deactivatedAt) {
        throw new DomainError('not_found', `user ${input.userId} not found or deactivated`);
      }
      if (user.role === 'owner') throw new DomainError('owner_role', 'the owner role cannot be changed');
      await db.transaction(async (tx) => {
        await tx.update(t.users).set({ role: input.role }).where(eq(t.users.id, user.id));
        await audit(tx, user.organizationId, 'user.role_changed', ctx, {
          user: user.publicId,
          from: user.role,
          to: input.role,
        });
      });
    },

    async deactivateUser(input, ctx) {
      const [user] = await lookup.user.execute({ id: input.userId });
      if (!user || user.deactivatedAt) {
        throw new DomainError('not_found', `user ${input.userId} not found or already deactivated`);
      }
      if (user.role === 'owner') throw new DomainError('owner_role', 'the owner cannot be deactivated');
      await db.transaction(async (tx) => {
        await tx.update(t.users).set({ deactivatedAt: clock.now() }).where(eq(t.users.id, user.id));
        await audit(tx, user.organizationId, 'user.deactivated', ctx, { user: user.publicId });
      });
    },

    /** Accepted now, written by the `ingest` job (see IngestBuffer). */
    async recordSignIns(input) {
      ingest.addSignIns(input.events.map((e) => ({ organizationId: input.organizationId, ...e })));
    },
  };
}
