import type { Faker } from '@faker-js/faker';
import { HOUR_MS, sample, sampleInt, type RandomStream, type SimContext } from '../../../engine/index.ts';
import type { BillingFacade } from '../../../domain/index.ts';
import type { BillingScenario } from '../billing-scenario.ts';
import { caseVariant, emailLocalPart, localeFaker } from './people.ts';
import { requestContext } from './request-context.ts';

const COUNTRIES: Record<string, string[]> = {
  USD: ['US', 'US', 'US', 'CA', 'AU', 'JP'],
  EUR: ['DE', 'FR', 'NL', 'ES', 'IE'],
  GBP: ['GB'],
};
const PLAN_ORDER = ['starter', 'team', 'business', 'enterprise'];
const ROLES = ['member', 'member', 'member', 'admin', 'billing', 'viewer'];

/** Shared across tenants: emails already used, so some users reappear in another tenant with different case. */
export interface WorldState {
  emails: string[];
  /** Expected business refusals (illegal transition, nothing to refund…) per code: part of realistic traffic. */
  refusals: Map<string, number>;
}

/**
 * One customer organisation, from sign-up to churn. Its random stream is forked from its own
 * label, so changing one tenant's behaviour leaves every other tenant's rows byte-identical.
 */
export class TenantActor {
  readonly rng: RandomStream;
  readonly faker: Faker;
  organizationId = 0;
  ownerUserId = 0;
  ownerEmail = '';
  subscriptionId = 0;
  planCode = 'starter';
  interval: 'month' | 'year' = 'month';
  currency = 'USD';
  seats = 1;
  userIds: number[] = [];
  canceled = false;
  cancelAtPeriodEnd = false;
  slug = '';
  domain = '';
  edgeActor = false;

  constructor(
    readonly label: string,
    rootRng: RandomStream,
    readonly ctx: SimContext<BillingScenario>,
    readonly facade: BillingFacade,
    readonly world: WorldState,
  ) {
    this.rng = rootRng.fork('tenant', label);
    const s = ctx.scenario.value;
    const locale = this.rng.fork('locale').weighted(s.quirks.locales.weights);
    this.faker = localeFaker(this.rng.fork('faker'), locale, new Date(ctx.startMs));
  }

  private get s(): BillingScenario {
    return this.ctx.scenario.value;
  }

  private req(rng: RandomStream, actor?: { userId: number; email: string }) {
    const note = rng.chance(this.s.behaviour.supportNote.value)
      ? `${this.faker.person.firstName()} called support: ${rng.pick(['disputes the seat count', 'asked for an invoice copy in another currency', 'wants to pay by bank transfer', 'card was charged twice?', 'VAT id missing on invoice'])}`
      : null;
    return requestContext(rng, actor ?? { userId: this.ownerUserId || null, email: this.ownerEmail || null }, note);
  }

  /** Runs one facade call; a DomainError is a realistic refusal and is counted, anything else fails the run. */
  private async attempt(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      const code = (error as { code?: string; name?: string }).code;
      if ((error as Error).name !== 'DomainError') throw error;
      const key = `${what}:${code ?? 'refused'}`;
      this.world.refusals.set(key, (this.world.refusals.get(key) ?? 0) + 1);
    }
  }

  private email(fullName: string, n: number, rng: RandomStream): string {
    if (this.world.emails.length > 0 && rng.chance(this.s.quirks.caseVariantDuplicateEmails.value)) {
      return caseVariant(rng.pick(this.world.emails), rng);
    }
    return `${emailLocalPart(this.faker, fullName, n)}@${this.domain}`;
  }

  private card(rng: RandomStream) {
    const now = new Date(this.ctx.clock.nowMs());
    const monthsAhead = rng.int(0, 40);
    const exp = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthsAhead, 1));
    const bad = rng.chance(this.s.quirks.badCards.value);
    return {
      number: bad ? '4000000000000002' : rng.pick(['4242424242424242', '5555555555554444', '378282246310005']),
      expMonth: exp.getUTCMonth() + 1,
      expYear: exp.getUTCFullYear(),
    };
  }

  async signUp(): Promise<void> {
    const rng = this.rng.fork('signup');
    const s = this.s;
    const company = this.faker.company.name();
    const long = rng.chance(s.quirks.maxLengthStrings.value);
    const legalName = long
      ? (company + ' ' + this.faker.company.catchPhrase() + ' Holdings International')
          .padEnd(200, ' Group')
          .slice(0, 200)
      : `${company} ${rng.pick(['Inc.', 'GmbH', 'Ltd', 'SAS', 'B.V.', 'LLC', 'K.K.'])}`;
    const base =
      company
        .normalize('NFKD')
        .replace(/[^A-Za-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .toLowerCase()
        .slice(0, 24) || 'org';
    this.slug = `${base}-${rng.hex(6)}`;
    this.domain = `${this.slug}.test`;
    this.currency = rng.fork('currency').weighted(s.plans.currencies.weights);
    const country = rng.pick(COUNTRIES[this.currency] ?? ['US']);
    const ownerName = this.faker.person.fullName();
    this.ownerEmail = this.email(ownerName, 0, rng);
    // Only owners join the shared pool: it then depends on who signed up, not on tenants' sizes.
    if (this.world.emails.length < 5000) this.world.emails.push(this.ownerEmail);
    const { organizationId, ownerUserId } = await this.facade.signUp(
      {
        tenantSlug: this.slug,
        legalName,
        country,
        currency: this.currency,
        billingEmail: rng.chance(s.quirks.nulls.value) ? null : `billing@${this.domain}`,
        owner: { email: this.ownerEmail, fullName: ownerName },
      },
      this.req(rng, { userId: 0, email: this.ownerEmail }),
    );
    this.organizationId = organizationId;
    this.ownerUserId = ownerUserId;
    this.userIds.push(ownerUserId);

    await this.attempt('addPaymentMethod', () =>
      this.facade.addPaymentMethod({ organizationId, userId: ownerUserId, card: this.card(rng) }, this.req(rng)),
    );

    const override = s.tenantOverrides?.[this.label];
    this.planCode = override?.plan ?? rng.fork('plan').weighted(s.plans.mix.weights);
    this.interval = rng.chance(s.plans.annualShare.value) ? 'year' : 'month';
    this.seats = override?.seats ?? sampleInt(s.tenantSize.seats, rng.fork('seats'), 1);
    const trial = rng.chance(s.plans.trialShare.value);
    const coupon = rng.chance(s.plans.couponShare.value) ? rng.pick(['WELCOME20', 'LAUNCH50', 'ANNUAL10']) : undefined;
    await this.attempt('subscribe', async () => {
      const { subscriptionId } = await this.facade.subscribe(
        {
          organizationId,
          planCode: this.planCode,
          interval: this.interval,
          currency: this.currency,
          seats: this.seats,
          trialDays: trial ? s.plans.trialDays : undefined,
          couponCode: coupon,
        },
        this.req(rng),
      );
      this.subscriptionId = subscriptionId;
    });

    const users = Math.max(0, Math.round(this.seats * sample(s.tenantSize.usersPerSeat, rng.fork('users'))) - 1);
    const uRng = rng.fork('import');
    for (let offset = 0; offset < users; offset += 500) {
      const batch = [];
      for (let i = offset; i < Math.min(users, offset + 500); i++) {
        const fullName = this.faker.person.fullName();
        batch.push({ email: this.email(fullName, i + 1, uRng), fullName, role: uRng.pick(ROLES) });
      }
      const { userIds } = await this.facade.importUsers({ organizationId, users: batch }, this.req(uRng));
      this.userIds.push(...userIds);
    }
    if (rng.chance(s.behaviour.webhookEndpoint.value)) {
      await this.facade.addWebhookEndpoint(
        { organizationId, url: `https://hooks.${this.domain}/billing/${rng.hex(8)}` },
        this.req(rng),
      );
    }
    this.edgeActor = rng.chance(s.quirks.edgeTimestamps.value);
  }

  /** One simulated day of this tenant: usage, then each behaviour with its daily hazard. */
  async day(dayIndex: number): Promise<void> {
    if (!this.organizationId) return;
    const rng = this.rng.fork('day', dayIndex);
    const s = this.s;
    const b = s.behaviour;
    const now = this.ctx.clock.nowMs();
    if (this.subscriptionId && !this.canceled) {
      const records = Object.keys(s.usage.metrics)
        .sort()
        .map((metric) => ({
          subscriptionId: this.subscriptionId,
          metric,
          quantity:
            sampleInt(s.usage.metrics[metric]!, rng.fork('usage', metric)) *
            Math.max(1, Math.round(Math.sqrt(this.seats))),
          recordedAt: new Date(now),
        }));
      await this.facade.recordUsage(records);
    }
    const signIns = sampleInt(b.signInsPerUserPerDay, rng.fork('signins')) * Math.min(this.userIds.length, 50);
    if (signIns > 0 && this.facade.recordSignIns) {
      const sRng = rng.fork('signin-users');
      const events = [];
      for (let i = 0; i < signIns; i++) {
        const ctx = requestContext(sRng, { userId: sRng.pick(this.userIds), email: null });
        events.push({ userId: ctx.actorUserId!, ip: ctx.ip, userAgent: ctx.userAgent, at: new Date(now) });
      }
      await this.facade.recordSignIns({ organizationId: this.organizationId, events });
    }
    if (rng.chance(b.inviteUser.value)) {
      const fullName = this.faker.person.fullName();
      await this.attempt('inviteUser', async () => {
        const { userId } = await this.facade.inviteUser(
          {
            organizationId: this.organizationId,
            email: this.email(fullName, 1000 + dayIndex, rng),
            fullName,
            role: rng.pick(ROLES),
          },
          this.req(rng),
        );
        this.userIds.push(userId);
      });
    }
    if (this.userIds.length > 1 && rng.chance(b.changeRole.value)) {
      await this.attempt('changeRole', () =>
        this.facade.changeRole({ userId: rng.pick(this.userIds.slice(1)), role: rng.pick(ROLES) }, this.req(rng)),
      );
    }
    if (this.userIds.length > 1 && rng.chance(b.deactivateUser.value)) {
      const userId = rng.pick(this.userIds.slice(1));
      await this.attempt('deactivateUser', () => this.facade.deactivateUser({ userId }, this.req(rng)));
      this.userIds = this.userIds.filter((id) => id !== userId);
    }
    if (rng.chance(b.cardReplacement.value)) {
      await this.attempt('addPaymentMethod', () =>
        this.facade.addPaymentMethod(
          { organizationId: this.organizationId, userId: this.ownerUserId, card: this.card(rng) },
          this.req(rng),
        ),
      );
    }
    if (!this.subscriptionId) return;
    if (this.canceled) {
      if (rng.chance(b.reactivate.value)) await this.reactivate(rng);
      return;
    }
    if (rng.chance(b.seatChange.value)) {
      const seats = Math.max(
        1,
        this.seats +
          (rng.chance(0.65)
            ? rng.int(1, Math.max(1, Math.ceil(this.seats * 0.2)))
            : -rng.int(1, Math.max(1, Math.floor(this.seats * 0.15)))),
      );
      await this.attempt('changeSeats', async () => {
        await this.facade.changeSeats({ subscriptionId: this.subscriptionId, seats }, this.req(rng));
        this.seats = seats;
      });
    }
    const idx = PLAN_ORDER.indexOf(this.planCode);
    if (idx < PLAN_ORDER.length - 1 && rng.chance(b.upgrade.value)) await this.changePlan(PLAN_ORDER[idx + 1]!, rng);
    else if (idx > 0 && rng.chance(b.downgrade.value)) await this.changePlan(PLAN_ORDER[idx - 1]!, rng);
    if (rng.chance(b.refund.value)) {
      const [inv] = await this.ctx.db.query<{ id: string; total: string }>(
        `SELECT i.id::text AS id, i.total_cents::text AS total FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id
          WHERE s.organization_id = $1 AND i.status = 'paid' AND i.total_cents > 0 ORDER BY i.id DESC LIMIT 1`,
        [this.organizationId],
      );
      if (inv) {
        const amountCents = rng.chance(0.5)
          ? Number(inv.total)
          : Math.max(1, Math.round(Number(inv.total) * rng.next() * 0.5));
        await this.attempt('refund', () =>
          this.facade.refund(
            {
              invoiceId: Number(inv.id),
              amountCents,
              reason: rng.pick(['requested_by_customer', 'duplicate', 'service_outage']),
            },
            this.req(rng),
          ),
        );
      }
    }
    if (rng.chance(b.churn.value)) {
      const immediately = rng.chance(b.cancelImmediately.value);
      await this.attempt('cancel', async () => {
        await this.facade.cancel(
          {
            subscriptionId: this.subscriptionId,
            atPeriodEnd: !immediately,
            reason: rng.pick(['too_expensive', 'missing_features', 'switched_service', 'unused', 'other']),
          },
          this.req(rng),
        );
        this.canceled = true;
      });
    }
  }

  private async changePlan(planCode: string, rng: RandomStream) {
    await this.attempt('changePlan', async () => {
      await this.facade.changePlan({ subscriptionId: this.subscriptionId, planCode }, this.req(rng));
      this.planCode = planCode;
    });
  }

  private async reactivate(rng: RandomStream) {
    await this.attempt('reactivate', async () => {
      await this.facade.reactivate({ subscriptionId: this.subscriptionId }, this.req(rng));
      this.canceled = false;
    });
  }

  /** An action pinned to a month-end or DST instant. */
  async edge(at: number): Promise<void> {
    if (!this.organizationId || !this.subscriptionId || this.canceled) return;
    const rng = this.rng.fork('edge', at);
    await this.attempt('changeSeats', async () => {
      await this.facade.changeSeats({ subscriptionId: this.subscriptionId, seats: this.seats + 1 }, this.req(rng));
      this.seats += 1;
    });
  }

  static dayOffsetMs(rng: RandomStream): number {
    // Business hours skew: most tenant activity between 08:00 and 20:00 UTC.
    return Math.floor((8 + rng.next() * 12) * HOUR_MS + rng.int(0, 59_999));
  }
}
