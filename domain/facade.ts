import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { BillingDb } from './billing-db.ts';
import { DomainError } from './domain-error.ts';
import { IngestBuffer, type UsageRecord } from './ingest-buffer.ts';
import { preparedLookups } from './lookups.ts';
import { addInterval, prorationCents, taxCents } from './money.ts';
import * as t from './schema.ts';
import { vendorClients, type VendorSettings } from './vendors/vendor-clients.ts';

export interface Clock {
  now(): Date;
}

export interface FacadeDeps {
  db: BillingDb;
  clock: Clock;
  /** Public ids and idempotency keys ('org' -> 'org_…'); injected so tests and the simulator control them. */
  newId: (prefix: string) => string;
  vendors: VendorSettings;
  /** How often the `ingest` job writes buffered usage and sign-ins (default one minute). */
  ingestFlushMs?: number;
}

export interface RequestContext {
  actorUserId?: number | null;
  actorEmail?: string | null;
  ip: string;
  userAgent: string;
  requestId: string;
  supportNotes?: string | null;
}

type Tx = Parameters<Parameters<BillingDb['transaction']>[0]>[0];
type Subscription = typeof t.subscriptions.$inferSelect;
type Organization = typeof t.organizations.$inferSelect;
type Invoice = typeof t.invoices.$inferSelect;

const DAY_MS = 86_400_000;
/** Retry schedule after the first failed charge (days after it); the 4th failure gives up. */
export const DUNNING_RETRY_DAYS = [1, 3, 5];
const WEBHOOK_MAX_ATTEMPTS = 5;
const LEGAL: Record<string, string[]> = {
  trialing: ['active', 'canceled'],
  active: ['past_due', 'canceled'],
  past_due: ['active', 'canceled'],
  canceled: ['active'],
};

export function assertTransition(from: string, to: string): void {
  if (from !== to && !LEGAL[from]?.includes(to)) {
    throw new DomainError('illegal_transition', `subscription cannot go from ${from} to ${to}`);
  }
}

/** The billing application's one entry point: every action a user, admin or scheduler can take. */
export function createBillingFacade(deps: FacadeDeps) {
  const { db, clock, newId } = deps;
  const vendor = vendorClients(deps.vendors);
  const ingest = new IngestBuffer(db);
  const lookup = preparedLookups(db);

  const audit = async (
    tx: Tx | BillingDb,
    organizationId: number,
    action: string,
    ctx: RequestContext | null,
    target: Record<string, unknown>,
  ) => {
    const payload: Record<string, unknown> = {
      action,
      actor: ctx
        ? { user_id: ctx.actorUserId ?? null, email: ctx.actorEmail ?? null, ip: ctx.ip }
        : { user_id: null, email: null, ip: null, system: true },
      request: ctx ? { id: ctx.requestId, user_agent: ctx.userAgent } : null,
      target,
    };
    if (ctx?.supportNotes) payload.internal = { support_notes: ctx.supportNotes };
    // The most frequent statement of all (every action writes one): a plain template costs a
    // quarter of the insert builder to assemble, and nothing is read back.
    await tx.execute(
      sql`INSERT INTO audit_events (organization_id, action, occurred_at, payload) VALUES (${organizationId}, ${action}, ${clock.now().toISOString()}, ${JSON.stringify(payload)})`,
    );
  };

  const enqueueWebhooks = async (
    tx: Tx | BillingDb,
    organizationId: number,
    type: string,
    data: Record<string, unknown>,
  ) => {
    // Asked on every billing event and usually empty (most tenants have no endpoint), so a plain template.
    const endpoints = (
      await tx.execute(
        sql`SELECT id FROM webhook_endpoints WHERE organization_id = ${organizationId} AND disabled_at IS NULL ORDER BY id`,
      )
    ).rows as { id: number | string }[];
    for (const ep of endpoints) {
      const publicId = newId('evt');
      await tx.insert(t.webhookDeliveries).values({
        publicId,
        endpointId: Number(ep.id),
        eventType: type,
        payload: { id: publicId, type, data },
        status: 'pending',
        attemptCount: 0,
        createdAt: clock.now(),
        nextAttemptAt: clock.now(),
      });
    }
  };

  const orgOf = async (organizationId: number) => {
    const [org] = await lookup.organization.execute({ id: organizationId });
    if (!org || org.deletedAt) throw new DomainError('not_found', `organization ${organizationId} not found`);
    return org;
  };
  const subOf = async (subscriptionId: number) => {
    const [sub] = await lookup.subscription.execute({ id: subscriptionId });
    if (!sub) throw new DomainError('not_found', `subscription ${subscriptionId} not found`);
    return sub;
  };
  // A published plan is never edited (a new price is a new plan, as with Stripe's immutable
  // prices), so each one is read once per facade instead of once per invoice.
  const plans = new Map<string, typeof t.plans.$inferSelect>();
  const planOf = async (code: string, interval: string, currency: string) => {
    const key = `${code}/${interval}/${currency}`;
    const cached = plans.get(key);
    if (cached) return cached;
    const [plan] = await db
      .select()
      .from(t.plans)
      .where(and(eq(t.plans.code, code), eq(t.plans.interval, interval), eq(t.plans.currency, currency)));
    if (!plan) throw new DomainError('unknown_plan', `no ${interval}ly ${code} plan in ${currency}`);
    plans.set(key, plan);
    return plan;
  };
  const email = async (to: string | null | undefined, subject: string, text: string, tag: string) => {
    if (!to) return 'skipped';
    const res = await vendor.sendEmail({ to, subject, text, tag });
    return res.status >= 200 && res.status < 300 ? 'sent' : 'failed';
  };
  const ownerEmail = async (org: Organization) => {
    if (org.billingEmail) return org.billingEmail;
    const [owner] = await lookup.owner.execute({ organizationId: org.id });
    return owner?.email ?? null;
  };

  /** Issues an invoice: lines, then coupon discount, then tax on the discounted amount. total = lines - discount + tax, exactly. */
  const issueInvoice = async (
    sub: Subscription,
    org: Organization,
    lines: { sku: string; description: string; quantity: number; unitCents: number }[],
    periodStart: Date,
    periodEnd: Date,
    useCredit: boolean,
  ) => {
    return db.transaction(async (tx) => {
      const allLines = [...lines];
      let subtotal = allLines.reduce((s, l) => s + l.quantity * l.unitCents, 0);
      let creditLeft = sub.creditCents;
      if (useCredit && creditLeft > 0 && subtotal > 0) {
        const used = Math.min(creditLeft, subtotal);
        allLines.push({
          sku: 'credit',
          description: 'Credit from earlier plan changes',
          quantity: 1,
          unitCents: -used,
        });
        subtotal -= used;
        creditLeft -= used;
      }
      let discount = 0;
      let monthsLeft = sub.couponMonthsLeft;
      if (sub.couponId && (monthsLeft ?? 0) > 0 && subtotal > 0) {
        const [coupon] = await tx.select().from(t.coupons).where(eq(t.coupons.id, sub.couponId));
        if (coupon) {
          discount = Math.min(
            subtotal,
            coupon.percentOff != null ? Math.round((subtotal * coupon.percentOff) / 100) : (coupon.amountOffCents ?? 0),
          );
        }
        monthsLeft = (monthsLeft ?? 0) - (sub.interval === 'year' ? 12 : 1);
      }
      const tax = taxCents(subtotal - discount, org.country);
      const [{ n }] = (
        await tx.execute(
          sql`SELECT count(*)::int AS n FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id WHERE s.organization_id = ${sub.organizationId}`,
        )
      ).rows as { n: number }[] as [{ n: number }];
      const now = clock.now();
      const [inv] = await tx
        .insert(t.invoices)
        .values({
          publicId: newId('in'),
          number: `${org.tenantSlug.toUpperCase()}-${String(n + 1).padStart(4, '0')}`,
          subscriptionId: sub.id,
          status: 'open',
          currency: sub.currency,
          subtotalCents: subtotal,
          discountCents: discount,
          taxCents: tax,
          totalCents: subtotal - discount + tax,
          periodStart,
          periodEnd,
          issuedAt: now,
          dueAt: now,
          attemptCount: 0,
        })
        .returning();
      await tx.insert(t.invoiceLineItems).values(allLines.map((l) => ({ invoiceId: inv!.id, ...l })));
      if (creditLeft !== sub.creditCents || monthsLeft !== sub.couponMonthsLeft) {
        await tx
          .update(t.subscriptions)
          .set({ creditCents: creditLeft, couponMonthsLeft: monthsLeft })
          .where(eq(t.subscriptions.id, sub.id));
      }
      await audit(tx, sub.organizationId, 'invoice.issued', null, {
        invoice_id: inv!.publicId,
        total_cents: inv!.totalCents,
        currency: inv!.currency,
      });
      return inv!;
    });
  };

  /** Charges an open invoice once (the dunning job's way in); the dunning schedule decides when it is tried again. */
  const collect = async (invoiceId: number): Promise<'paid' | 'failed'> => {
    const [inv] = await lookup.invoice.execute({ id: invoiceId });
    if (!inv || inv.status !== 'open') return 'failed';
    const sub = await subOf(inv.subscriptionId);
    return charge(inv, await orgOf(sub.organizationId));
  };

  /** Issues an invoice and charges it straight away, with the rows just written rather than read back. */
  const invoiceAndCharge = async (
    sub: Subscription,
    lines: Parameters<typeof issueInvoice>[2],
    periodStart: Date,
    periodEnd: Date,
    useCredit: boolean,
    knownOrg?: Organization,
  ) => {
    const org = knownOrg ?? (await orgOf(sub.organizationId));
    return charge(await issueInvoice(sub, org, lines, periodStart, periodEnd, useCredit), org);
  };

  const charge = async (inv: Invoice, org: Organization): Promise<'paid' | 'failed'> => {
    const sub = { id: inv.subscriptionId, organizationId: org.id };
    const now = clock.now();
    const attemptNo = inv.attemptCount + 1;
    const idempotencyKey = `${inv.publicId}:attempt:${attemptNo}`;
    let status: 'succeeded' | 'failed' | 'error' = 'succeeded';
    let failureCode: string | null = null;
    let vendorPaymentId: string | null = null;
    let pmId: number | null = null;
    if (inv.totalCents > 0) {
      const [pm] = await lookup.defaultCard.execute({ organizationId: sub.organizationId });
      if (!pm) {
        status = 'failed';
        failureCode = 'no_payment_method';
      } else {
        pmId = pm.id;
        const res = await vendor.charge(
          {
            amountCents: inv.totalCents,
            currency: inv.currency,
            paymentMethod: pm.providerToken,
            invoicePublicId: inv.publicId,
          },
          idempotencyKey,
        );
        if (res.status === 200 && res.body?.status === 'succeeded') vendorPaymentId = res.body.id;
        else if (res.status === 402 || (res.status >= 400 && res.status < 500)) {
          status = 'failed';
          failureCode = res.body?.error?.decline_code ?? res.body?.error?.code ?? `http_${res.status}`;
        } else {
          status = 'error';
          failureCode = res.status === 0 ? 'network_error' : `http_${res.status}`;
        }
      }
    }
    const paid = status === 'succeeded';
    const gaveUp = !paid && attemptNo > DUNNING_RETRY_DAYS.length;
    const firstFailureMs =
      inv.nextAttemptAt && inv.attemptCount > 0
        ? now.getTime() - DUNNING_RETRY_DAYS[inv.attemptCount - 1]! * DAY_MS
        : now.getTime();
    await db.transaction(async (tx) => {
      await tx.insert(t.paymentAttempts).values({
        invoiceId: inv.id,
        paymentMethodId: pmId,
        vendorPaymentId,
        idempotencyKey,
        status,
        failureCode,
        amountCents: inv.totalCents,
        attemptedAt: now,
      });
      await tx
        .update(t.invoices)
        .set({
          attemptCount: attemptNo,
          status: paid ? 'paid' : gaveUp ? 'uncollectible' : 'open',
          paidAt: paid ? now : null,
          nextAttemptAt: paid || gaveUp ? null : new Date(firstFailureMs + DUNNING_RETRY_DAYS[attemptNo - 1]! * DAY_MS),
        })
        .where(eq(t.invoices.id, inv.id));
      const current = (await tx.select().from(t.subscriptions).where(eq(t.subscriptions.id, sub.id)))[0]!;
      let next = current.status;
      if (paid && current.status === 'past_due') next = 'active';
      if (!paid && current.status === 'active') next = 'past_due';
      if (gaveUp && current.status !== 'canceled') next = 'canceled';
      if (next !== current.status) {
        assertTransition(current.status, next);
        await tx
          .update(t.subscriptions)
          .set({
            status: next,
            ...(next === 'canceled' ? { canceledAt: now, cancellationReason: 'payment_failed' } : {}),
          })
          .where(eq(t.subscriptions.id, sub.id));
      }
      await audit(tx, sub.organizationId, paid ? 'invoice.paid' : 'invoice.payment_failed', null, {
        invoice_id: inv.publicId,
        attempt: attemptNo,
        failure_code: failureCode,
        amount_cents: inv.totalCents,
      });
      await enqueueWebhooks(tx, sub.organizationId, paid ? 'invoice.paid' : 'invoice.payment_failed', {
        invoice: inv.publicId,
        amount: inv.totalCents,
        currency: inv.currency,
        attempt: attemptNo,
      });
    });
    const to = await ownerEmail(org);
    if (paid) {
      await email(
        to,
        `Receipt for invoice ${inv.number}`,
        `We received ${(inv.totalCents / 100).toFixed(2)} ${inv.currency}.`,
        'receipt',
      );
    } else {
      await email(
        to,
        gaveUp ? 'Your subscription was canceled' : 'Your payment failed',
        `We could not charge invoice ${inv.number} (${failureCode}).`,
        'dunning',
      );
    }
    return paid ? 'paid' : 'failed';
  };

  const seatLine = (planCode: string, planName: string, seats: number, unitCents: number) => ({
    sku: `plan:${planCode}`,
    description: `${planName} × ${seats} seats`,
    quantity: seats,
    unitCents,
  });

  /** Charges or credits the price difference for the rest of the period. */
  const prorate = async (sub: Subscription, oldAmount: number, newAmount: number, label: string) => {
    if (sub.status === 'trialing') return 0;
    const delta = prorationCents(oldAmount, newAmount, sub.currentPeriodStart, sub.currentPeriodEnd, clock.now());
    if (delta > 0) {
      await invoiceAndCharge(
        sub,
        [{ sku: 'proration', description: `Remaining time: ${label}`, quantity: 1, unitCents: delta }],
        clock.now(),
        sub.currentPeriodEnd,
        false,
      );
    } else if (delta < 0) {
      await db
        .update(t.subscriptions)
        .set({ creditCents: sql`${t.subscriptions.creditCents} + ${-delta}` })
        .where(eq(t.subscriptions.id, sub.id));
    }
    return delta;
  };

  const facade = {
    async signUp(
      input: {
        tenantSlug: string;
        legalName: string;
        country: string;
        currency: string;
        billingEmail?: string | null;
        owner: { email: string; fullName: string };
      },
      ctx: RequestContext,
    ) {
      if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(input.tenantSlug)) {
        throw new DomainError(
          'invalid_slug',
          `tenant slug '${input.tenantSlug}' must be lowercase letters, digits and dashes`,
        );
      }
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        const [org] = await tx
          .insert(t.organizations)
          .values({
            publicId: newId('org'),
            tenantSlug: input.tenantSlug,
            legalName: input.legalName,
            country: input.country,
            billingEmail: input.billingEmail ?? null,
            createdAt: now,
          })
          .returning();
        const [owner] = await tx
          .insert(t.users)
          .values({
            organizationId: org!.id,
            email: input.owner.email,
            fullName: input.owner.fullName,
            role: 'owner',
            createdAt: now,
          })
          .returning();
        await audit(
          tx,
          org!.id,
          'organization.created',
          { ...ctx, actorUserId: owner!.id, actorEmail: owner!.email },
          { organization_id: org!.publicId, legal_name: org!.legalName },
        );
        return { org: org!, owner: owner! };
      });
      await vendor.indexOrganization(result.org.publicId, {
        objectID: result.org.publicId,
        name: result.org.legalName,
        slug: result.org.tenantSlug,
        country: result.org.country,
      });
      return { organizationId: result.org.id, ownerUserId: result.owner.id };
    },

    async inviteUser(
      input: { organizationId: number; email: string; fullName: string; role: string },
      ctx: RequestContext,
    ) {
      await orgOf(input.organizationId);
      return db.transaction(async (tx) => {
        const [dupe] = await tx
          .select({ id: t.users.id })
          .from(t.users)
          .where(and(eq(t.users.organizationId, input.organizationId), eq(t.users.email, input.email)));
        if (dupe) throw new DomainError('duplicate_email', `${input.email} is already a member`);
        const [user] = await tx
          .insert(t.users)
          .values({
            organizationId: input.organizationId,
            email: input.email,
            fullName: input.fullName,
            role: input.role,
            createdAt: clock.now(),
          })
          .returning();
        await audit(tx, input.organizationId, 'user.invited', ctx, {
          user_id: user!.id,
          email: input.email,
          role: input.role,
        });
        return { userId: user!.id };
      });
    },

    /** SCIM-style bulk provisioning: one statement for the users, one audit event for the batch. */
    async importUsers(
      input: { organizationId: number; users: { email: string; fullName: string; role: string }[] },
      ctx: RequestContext,
    ) {
      await orgOf(input.organizationId);
      if (input.users.length === 0) return { userIds: [] as number[] };
      return db.transaction(async (tx) => {
        const now = clock.now();
        const rows = await tx
          .insert(t.users)
          .values(
            input.users.map((u) => ({
              organizationId: input.organizationId,
              email: u.email,
              fullName: u.fullName,
              role: u.role,
              createdAt: now,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: t.users.id });
        await audit(tx, input.organizationId, 'users.imported', ctx, {
          count: rows.length,
          skipped_duplicates: input.users.length - rows.length,
        });
        return { userIds: rows.map((r) => r.id).sort((a, b) => a - b) };
      });
    },

    async changeRole(input: { userId: number; role: string }, ctx: RequestContext) {
      const [user] = await lookup.user.execute({ id: input.userId });
      if (!user || user.deactivatedAt) {
        throw new DomainError('not_found', `user ${input.userId} not found or deactivated`);
      }
      if (user.role === 'owner') throw new DomainError('owner_role', 'the owner role cannot be changed');
      await db.transaction(async (tx) => {
        await tx.update(t.users).set({ role: input.role }).where(eq(t.users.id, user.id));
        await audit(tx, user.organizationId, 'user.role_changed', ctx, {
          user_id: user.id,
          from: user.role,
          to: input.role,
        });
      });
    },

    async deactivateUser(input: { userId: number }, ctx: RequestContext) {
      const [user] = await lookup.user.execute({ id: input.userId });
      if (!user || user.deactivatedAt) {
        throw new DomainError('not_found', `user ${input.userId} not found or already deactivated`);
      }
      if (user.role === 'owner') throw new DomainError('owner_role', 'the owner cannot be deactivated');
      await db.transaction(async (tx) => {
        await tx.update(t.users).set({ deactivatedAt: clock.now() }).where(eq(t.users.id, user.id));
        await audit(tx, user.organizationId, 'user.deactivated', ctx, { user_id: user.id });
      });
    },

    /** Accepted now, written by the `ingest` job (see IngestBuffer). */
    async recordSignIns(input: {
      organizationId: number;
      events: { userId: number; ip: string; userAgent: string; at: Date }[];
    }) {
      ingest.addSignIns(input.events.map((e) => ({ organizationId: input.organizationId, ...e })));
    },

    async addPaymentMethod(
      input: { organizationId: number; userId: number; card: { number: string; expMonth: number; expYear: number } },
      ctx: RequestContext,
    ) {
      const res = await vendor.tokenizeCard(input.card);
      if (res.status !== 200) {
        throw new DomainError(
          'card_rejected',
          `payment provider refused the card (${res.status}: ${res.body?.error?.message ?? res.body?.error?.code ?? 'unknown'})`,
        );
      }
      return db.transaction(async (tx) => {
        await tx
          .update(t.paymentMethods)
          .set({ isDefault: false })
          .where(eq(t.paymentMethods.organizationId, input.organizationId));
        const [pm] = await tx
          .insert(t.paymentMethods)
          .values({
            userId: input.userId,
            organizationId: input.organizationId,
            brand: res.body.card.brand,
            lastFour: res.body.card.last4,
            expMonth: input.card.expMonth,
            expYear: input.card.expYear,
            providerToken: res.body.id,
            isDefault: true,
            createdAt: clock.now(),
          })
          .returning();
        await audit(tx, input.organizationId, 'payment_method.added', ctx, {
          payment_method_id: pm!.id,
          brand: pm!.brand,
          last_four: pm!.lastFour,
        });
        return { paymentMethodId: pm!.id };
      });
    },

    async createCoupon(input: { code: string; percentOff?: number; amountOffCents?: number; durationMonths: number }) {
      const [c] = await db
        .insert(t.coupons)
        .values({
          code: input.code,
          percentOff: input.percentOff ?? null,
          amountOffCents: input.amountOffCents ?? null,
          durationMonths: input.durationMonths,
          createdAt: clock.now(),
        })
        .returning();
      return { couponId: c!.id };
    },

    async subscribe(
      input: {
        organizationId: number;
        planCode: string;
        interval?: 'month' | 'year';
        currency?: string;
        seats: number;
        trialDays?: number;
        couponCode?: string;
      },
      ctx: RequestContext,
    ) {
      if (!(Number.isInteger(input.seats) && input.seats >= 1)) {
        throw new DomainError('invalid_seats', `seats must be a positive integer, got ${input.seats}`);
      }
      const org = await orgOf(input.organizationId);
      const plan = await planOf(input.planCode, input.interval ?? 'month', input.currency ?? 'USD');
      let couponId: number | null = null;
      let couponMonths: number | null = null;
      if (input.couponCode) {
        const [c] = await db.select().from(t.coupons).where(eq(t.coupons.code, input.couponCode));
        if (!c) throw new DomainError('unknown_coupon', `coupon ${input.couponCode} does not exist`);
        couponId = c.id;
        couponMonths = c.durationMonths;
      }
      const now = clock.now();
      const trial = (input.trialDays ?? 0) > 0;
      const periodEnd = trial ? new Date(now.getTime() + input.trialDays! * DAY_MS) : addInterval(now, plan.interval);
      const sub = await db.transaction(async (tx) => {
        const [sub] = await tx
          .insert(t.subscriptions)
          .values({
            publicId: newId('sub'),
            organizationId: input.organizationId,
            planCode: plan.code,
            interval: plan.interval,
            currency: plan.currency,
            seats: input.seats,
            status: trial ? 'trialing' : 'active',
            couponId,
            couponMonthsLeft: couponMonths,
            trialEndsAt: trial ? periodEnd : null,
            currentPeriodStart: now,
            currentPeriodEnd: periodEnd,
            cancelAtPeriodEnd: false,
            creditCents: 0,
            createdAt: now,
          })
          .returning();
        await audit(tx, input.organizationId, 'subscription.created', ctx, {
          subscription_id: sub!.publicId,
          plan: plan.code,
          interval: plan.interval,
          seats: input.seats,
          trial,
        });
        await enqueueWebhooks(tx, input.organizationId, 'subscription.created', {
          subscription: sub!.publicId,
          plan: plan.code,
          seats: input.seats,
        });
        return sub!;
      });
      if (!trial) {
        await invoiceAndCharge(
          sub,
          [seatLine(plan.code, plan.name, sub.seats, plan.unitAmountCents)],
          now,
          periodEnd,
          false,
          org,
        );
      }
      return { subscriptionId: sub.id };
    },

    async changePlan(input: { subscriptionId: number; planCode: string }, ctx: RequestContext) {
      const sub = await subOf(input.subscriptionId);
      if (sub.status === 'canceled') {
        throw new DomainError('canceled', 'a canceled subscription cannot change plan; reactivate it first');
      }
      if (sub.planCode === input.planCode) throw new DomainError('same_plan', `already on ${input.planCode}`);
      const oldPlan = await planOf(sub.planCode, sub.interval, sub.currency);
      const newPlan = await planOf(input.planCode, sub.interval, sub.currency);
      const delta = await prorate(
        sub,
        sub.seats * oldPlan.unitAmountCents,
        sub.seats * newPlan.unitAmountCents,
        `${oldPlan.name} → ${newPlan.name}`,
      );
      await db.transaction(async (tx) => {
        await tx.update(t.subscriptions).set({ planCode: newPlan.code }).where(eq(t.subscriptions.id, sub.id));
        await audit(
          tx,
          sub.organizationId,
          newPlan.unitAmountCents > oldPlan.unitAmountCents ? 'subscription.upgraded' : 'subscription.downgraded',
          ctx,
          { subscription_id: sub.publicId, from: oldPlan.code, to: newPlan.code, proration_cents: delta },
        );
        await enqueueWebhooks(tx, sub.organizationId, 'subscription.updated', {
          subscription: sub.publicId,
          plan: newPlan.code,
        });
      });
      return { prorationCents: delta };
    },

    async changeSeats(input: { subscriptionId: number; seats: number }, ctx: RequestContext) {
      if (!(Number.isInteger(input.seats) && input.seats >= 1)) {
        throw new DomainError('invalid_seats', `seats must be a positive integer, got ${input.seats}`);
      }
      const sub = await subOf(input.subscriptionId);
      if (sub.status === 'canceled') {
        throw new DomainError('canceled', 'a canceled subscription has no seats to change');
      }
      const plan = await planOf(sub.planCode, sub.interval, sub.currency);
      const delta = await prorate(
        sub,
        sub.seats * plan.unitAmountCents,
        input.seats * plan.unitAmountCents,
        `${input.seats} seats`,
      );
      await db.transaction(async (tx) => {
        await tx.update(t.subscriptions).set({ seats: input.seats }).where(eq(t.subscriptions.id, sub.id));
        await audit(tx, sub.organizationId, 'subscription.seats_changed', ctx, {
          subscription_id: sub.publicId,
          from: sub.seats,
          to: input.seats,
          proration_cents: delta,
        });
      });
      return { prorationCents: delta };
    },

    async cancel(input: { subscriptionId: number; atPeriodEnd: boolean; reason: string }, ctx: RequestContext) {
      const sub = await subOf(input.subscriptionId);
      if (sub.status === 'canceled' || sub.cancelAtPeriodEnd) {
        throw new DomainError('already_canceled', 'subscription is already canceled');
      }
      await db.transaction(async (tx) => {
        if (input.atPeriodEnd) {
          await tx
            .update(t.subscriptions)
            .set({ cancelAtPeriodEnd: true, cancellationReason: input.reason })
            .where(eq(t.subscriptions.id, sub.id));
        } else {
          assertTransition(sub.status, 'canceled');
          await tx
            .update(t.subscriptions)
            .set({ status: 'canceled', canceledAt: clock.now(), cancellationReason: input.reason })
            .where(eq(t.subscriptions.id, sub.id));
        }
        await audit(tx, sub.organizationId, 'subscription.canceled', ctx, {
          subscription_id: sub.publicId,
          at_period_end: input.atPeriodEnd,
          reason: input.reason,
        });
        await enqueueWebhooks(tx, sub.organizationId, 'subscription.canceled', {
          subscription: sub.publicId,
          at_period_end: input.atPeriodEnd,
        });
      });
    },

    async reactivate(input: { subscriptionId: number }, ctx: RequestContext) {
      const sub = await subOf(input.subscriptionId);
      if (sub.status !== 'canceled' && !sub.cancelAtPeriodEnd) {
        throw new DomainError('not_canceled', 'subscription is not canceled');
      }
      if (sub.status !== 'canceled') {
        await db.transaction(async (tx) => {
          await tx
            .update(t.subscriptions)
            .set({ cancelAtPeriodEnd: false, cancellationReason: null })
            .where(eq(t.subscriptions.id, sub.id));
          await audit(tx, sub.organizationId, 'subscription.reactivated', ctx, {
            subscription_id: sub.publicId,
            new_period: false,
          });
        });
        return;
      }
      assertTransition('canceled', 'active');
      const plan = await planOf(sub.planCode, sub.interval, sub.currency);
      const now = clock.now();
      const end = addInterval(now, sub.interval);
      await db.transaction(async (tx) => {
        await tx
          .update(t.subscriptions)
          .set({
            status: 'active',
            canceledAt: null,
            cancellationReason: null,
            cancelAtPeriodEnd: false,
            currentPeriodStart: now,
            currentPeriodEnd: end,
          })
          .where(eq(t.subscriptions.id, sub.id));
        await audit(tx, sub.organizationId, 'subscription.reactivated', ctx, {
          subscription_id: sub.publicId,
          new_period: true,
        });
      });
      await invoiceAndCharge(
        { ...sub, status: 'active' },
        [seatLine(plan.code, plan.name, sub.seats, plan.unitAmountCents)],
        now,
        end,
        true,
      );
    },

    async refund(input: { invoiceId: number; amountCents: number; reason: string }, ctx: RequestContext) {
      const [inv] = await lookup.invoice.execute({ id: input.invoiceId });
      if (!inv || inv.status !== 'paid') {
        throw new DomainError('not_refundable', `invoice ${input.invoiceId} is not paid`);
      }
      const [{ refunded }] = (
        await db.execute(
          sql`SELECT coalesce(sum(amount_cents), 0)::bigint AS refunded FROM refunds WHERE invoice_id = ${inv.id}`,
        )
      ).rows as [{ refunded: string }];
      if (!(input.amountCents > 0) || Number(refunded) + input.amountCents > inv.totalCents) {
        throw new DomainError(
          'refund_too_large',
          `refund of ${input.amountCents} exceeds what is left of ${inv.totalCents}`,
        );
      }
      const [attempt] = await db
        .select()
        .from(t.paymentAttempts)
        .where(and(eq(t.paymentAttempts.invoiceId, inv.id), eq(t.paymentAttempts.status, 'succeeded')));
      if (!attempt?.vendorPaymentId) throw new DomainError('not_refundable', 'invoice was not paid by card');
      const res = await vendor.refund(attempt.vendorPaymentId, input.amountCents);
      if (res.status !== 200) {
        throw new DomainError('refund_failed', `payment provider refused the refund (${res.status})`);
      }
      const sub = await subOf(inv.subscriptionId);
      await db.transaction(async (tx) => {
        await tx.insert(t.refunds).values({
          invoiceId: inv.id,
          amountCents: input.amountCents,
          reason: input.reason,
          vendorRefundId: res.body.id,
          createdAt: clock.now(),
        });
        await audit(tx, sub.organizationId, 'invoice.refunded', ctx, {
          invoice_id: inv.publicId,
          amount_cents: input.amountCents,
          reason: input.reason,
        });
        await enqueueWebhooks(tx, sub.organizationId, 'charge.refunded', {
          invoice: inv.publicId,
          amount: input.amountCents,
        });
      });
    },

    async addWebhookEndpoint(input: { organizationId: number; url: string }, ctx: RequestContext) {
      if (!/^https:\/\//.test(input.url)) throw new DomainError('invalid_url', 'webhook endpoints must be https URLs');
      return db.transaction(async (tx) => {
        const [ep] = await tx
          .insert(t.webhookEndpoints)
          .values({
            organizationId: input.organizationId,
            url: input.url,
            secret: `whsec_${newId('secret')}`,
            createdAt: clock.now(),
          })
          .returning();
        await audit(tx, input.organizationId, 'webhook_endpoint.created', ctx, { endpoint_id: ep!.id, url: input.url });
        return { endpointId: ep!.id };
      });
    },

    /** Accepted now, written by the `ingest` job (see IngestBuffer). */
    async recordUsage(records: UsageRecord[]) {
      ingest.addUsage(records);
    },

    /** Writes accepted usage and sign-ins now: what the `ingest` job does, and what shutdown must do. */
    async flushIngest() {
      return ingest.flush();
    },

    async softDeleteOrganization(input: { organizationId: number }, ctx: RequestContext) {
      const org = await orgOf(input.organizationId);
      await db.transaction(async (tx) => {
        await tx.update(t.organizations).set({ deletedAt: clock.now() }).where(eq(t.organizations.id, org.id));
        await audit(tx, org.id, 'organization.deleted', ctx, { organization_id: org.publicId });
      });
      await vendor.deleteOrganization(org.publicId);
    },
  };

  const jobs = [
    {
      name: 'ingest',
      everyMs: deps.ingestFlushMs ?? 60_000,
      async run() {
        return { processed: await ingest.flush() };
      },
    },
    {
      name: 'renewals',
      everyMs: 3_600_000,
      async run() {
        const now = clock.now();
        const due = await lookup.renewalsDue.execute({ now: now.toISOString() });
        for (const sub of due) {
          if (sub.cancelAtPeriodEnd) {
            await db.transaction(async (tx) => {
              await tx
                .update(t.subscriptions)
                .set({ status: 'canceled', canceledAt: sub.currentPeriodEnd })
                .where(eq(t.subscriptions.id, sub.id));
              await audit(tx, sub.organizationId, 'subscription.ended', null, { subscription_id: sub.publicId });
              await enqueueWebhooks(tx, sub.organizationId, 'subscription.deleted', { subscription: sub.publicId });
            });
            continue;
          }
          const plan = await planOf(sub.planCode, sub.interval, sub.currency);
          const start = sub.currentPeriodEnd;
          const end = addInterval(start, sub.interval);
          await db
            .update(t.subscriptions)
            .set({ status: 'active', currentPeriodStart: start, currentPeriodEnd: end })
            .where(eq(t.subscriptions.id, sub.id));
          await invoiceAndCharge(
            { ...sub, status: 'active' },
            [seatLine(plan.code, plan.name, sub.seats, plan.unitAmountCents)],
            start,
            end,
            true,
          );
        }
        return { processed: due.length };
      },
    },
    {
      name: 'dunning',
      everyMs: DAY_MS,
      async run() {
        const due = await db
          .select({ id: t.invoices.id })
          .from(t.invoices)
          .where(and(eq(t.invoices.status, 'open'), lte(t.invoices.nextAttemptAt, clock.now())))
          .orderBy(asc(t.invoices.id));
        for (const inv of due) await collect(inv.id);
        return { processed: due.length };
      },
    },
    {
      name: 'trial-expiry',
      everyMs: DAY_MS,
      async run() {
        // A daily job sees each trial exactly once in the (now+2d, now+3d] window: one reminder, no flag needed.
        const now = clock.now().getTime();
        const ending = await db
          .select()
          .from(t.subscriptions)
          .where(
            and(
              eq(t.subscriptions.status, 'trialing'),
              sql`${t.subscriptions.trialEndsAt} > ${new Date(now + 2 * DAY_MS)} AND ${t.subscriptions.trialEndsAt} <= ${new Date(now + 3 * DAY_MS)}`,
            ),
          )
          .orderBy(asc(t.subscriptions.id));
        for (const sub of ending) {
          await email(
            await ownerEmail(await orgOf(sub.organizationId)),
            'Your trial ends in 3 days',
            'Add a payment method to keep your workspace.',
            'trial-ending',
          );
        }
        return { processed: ending.length };
      },
    },
    {
      name: 'card-expiry',
      everyMs: DAY_MS,
      async run() {
        const now = clock.now();
        const ym = now.getUTCFullYear() * 12 + now.getUTCMonth();
        const rows = await db
          .update(t.paymentMethods)
          .set({ expiredAt: now })
          .where(
            and(
              isNull(t.paymentMethods.expiredAt),
              sql`${t.paymentMethods.expYear} * 12 + ${t.paymentMethods.expMonth} - 1 < ${ym}`,
            ),
          )
          .returning({ id: t.paymentMethods.id });
        return { processed: rows.length };
      },
    },
    {
      name: 'webhook-retries',
      everyMs: 3_600_000,
      async run() {
        const now = clock.now();
        const due = await lookup.webhooksDue.execute({ now: now.toISOString() });
        for (const { d, url, secret } of due) {
          const res = await vendor.deliverWebhook(url, secret, {
            id: d.publicId,
            type: d.eventType,
            created: Math.floor(d.createdAt.getTime() / 1000),
            data: (d.payload as { data: unknown }).data,
          });
          const ok = res.status >= 200 && res.status < 300;
          const attempts = d.attemptCount + 1;
          await db
            .update(t.webhookDeliveries)
            .set({
              attemptCount: attempts,
              lastStatusCode: res.status || null,
              status: ok ? 'delivered' : attempts >= WEBHOOK_MAX_ATTEMPTS ? 'failed' : 'pending',
              nextAttemptAt:
                ok || attempts >= WEBHOOK_MAX_ATTEMPTS ? null : new Date(now.getTime() + 2 ** attempts * 3_600_000),
            })
            .where(eq(t.webhookDeliveries.id, d.id));
        }
        return { processed: due.length };
      },
    },
  ];

  return { ...facade, jobs };
}

export type BillingFacade = ReturnType<typeof createBillingFacade>;
