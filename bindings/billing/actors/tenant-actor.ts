import type { Faker } from '@faker-js/faker';
import { DAY_MS, sample, type RandomStream, type SimContext } from '../../../engine/index.ts';
import { addInterval, DomainError, type BillingFacade } from '../../../domain/index.ts';
import type { BillingScenario } from '../billing-scenario.ts';
import { caseVariant, emailLocalPart, localeFaker, personName } from '../world/people.ts';
import { localTimeOfDay, type TenantPlan } from '../world/tenant-roster.ts';
import { weekdayOf } from '../world/zone-clock.ts';
import { DayDraws } from './day-draws.ts';
import type { Device } from './devices.ts';
import { fakeIp, requestContext, type Member } from './members.ts';
import { recordDayOfActivity, recordPeriodOfUsage, type TelemetryGrain } from './telemetry.ts';

const PLAN_ORDER = ['starter', 'team', 'business', 'enterprise'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** Stripe's documented test card numbers, one per brand; these always decline. */
const TEST_CARDS: Record<string, string> = {
  visa: '4242424242424242',
  mastercard: '5555555555554444',
  amex: '378282246310005',
  discover: '6011111111111117',
  jcb: '3566002020360505',
  unionpay: '6200000000000005',
  diners: '3056930009020004',
};
const DECLINING_CARD = '4000000000000002';
const SUPPORT_REASONS = [
  'disputes the seat count',
  'asked for an invoice copy in another currency',
  'wants to pay by bank transfer',
  'card was charged twice?',
  'VAT id missing on invoice',
  'asked to move the renewal date',
];
const CANCEL_REASONS = ['too_expensive', 'missing_features', 'switched_service', 'unused', 'other'];
const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'service_outage'];
/** A churned customer is looked at for a win-back for this long; after that it stays gone. */
const WIN_BACK_DAYS = 365;

/** What tenants share: the roster every shard computes alike, the catalogue, and counters. */
export interface World {
  roster: TenantPlan[];
  /** Plans no longer offered, and what a new subscriber picks instead. */
  successors: Map<string, string>;
  /** Expected business refusals (an illegal transition, nothing to refund…) per code: realistic traffic. */
  refusals: Map<string, number>;
}

/**
 * One customer organisation, from sign-up to churn (and sometimes back). It acts through its
 * own local day: each behaviour that fires today happens at a moment drawn from the day's rhythm.
 * Its streams are forked from its own label, so changing one tenant leaves every other one's rows
 * byte-identical, and it never reads another tenant's state.
 */
export class TenantActor {
  readonly rng: RandomStream;
  readonly faker: Faker;
  organizationId = 0;
  orgPublicId = '';
  subscriptionId = 0;
  planCode = 'starter';
  interval: 'month' | 'year' = 'month';
  seats = 1;
  members: Member[] = [];
  canceled = false;
  canceledAtMs = 0;
  /** When the current period ends (a renewal or the trial's end follows). */
  periodEndMs = 0;
  /** A trial that will add a card before it ends. */
  convertsTrial = false;
  /** A trial that will not: it lets its first charge fail and leaves. */
  abandonsTrial = false;
  edgeActor = false;
  private readonly emails = new Set<string>();
  private readonly officeIps: string[];

  constructor(
    readonly plan: TenantPlan,
    readonly ctx: SimContext<BillingScenario>,
    readonly facade: BillingFacade,
    readonly world: World,
  ) {
    this.rng = ctx.rng.fork('tenant', plan.label);
    this.faker = localeFaker(this.rng.fork('faker'), plan.nameLocale, new Date(plan.signupMs));
    const a = this.s.activity;
    this.officeIps = Array.from({ length: this.rng.int(1, 3) }, (_, i) =>
      fakeIp(this.rng.fork('office', i), a.ipv6Share.value),
    );
  }

  private get s(): BillingScenario {
    return this.ctx.scenario.value;
  }

  private get label(): string {
    return this.plan.label;
  }

  // ---- scheduling -------------------------------------------------------------------------------

  /** Runs `run` at `atMs` on behalf of this tenant (never before now, never past the window). */
  private at(atMs: number, what: string, run: () => Promise<unknown>): void {
    const now = this.ctx.clock.nowMs();
    this.ctx.scheduler.at(Math.max(atMs, now), `${this.label}:${what}`, async () => {
      await run();
    });
  }

  /** A moment of a local day, drawn by the day's rhythm. */
  private momentOf(localDay: number, rng: RandomStream): number {
    return this.plan.zone.instantOf(localDay * DAY_MS + localTimeOfDay(rng, this.s.activity.hourOfDay.weights));
  }

  /** The tenant's days, one event at each local midnight; a dormant tenant schedules none. */
  scheduleDay(localDay: number): void {
    this.ctx.scheduler.at(this.plan.zone.instantOf(localDay * DAY_MS), `${this.label}:day`, () => this.day(localDay));
  }

  /** Runs one facade call; a DomainError is a realistic refusal and is counted, anything else fails the run. */
  private async attempt(what: string, fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === 'internal_invariant') throw error;
      const key = `${what}:${error.code}`;
      this.world.refusals.set(key, (this.world.refusals.get(key) ?? 0) + 1);
      return false;
    }
  }

  private req(rng: RandomStream, atMs: number, member = this.admin()) {
    const note = rng.chance(this.s.behaviour.supportNote.value)
      ? `${this.faker.person.firstName()} called support: ${rng.pick(SUPPORT_REASONS)}`
      : null;
    return requestContext(rng, member, atMs, note);
  }

  /** Who does admin work: the owner, or an admin or billing member. */
  private admin(): Member | undefined {
    return this.members.find((m) => !m.deactivated && (m.role === 'admin' || m.role === 'billing')) ?? this.members[0];
  }

  // ---- sign-up ----------------------------------------------------------------------------------

  async signUp(): Promise<void> {
    const rng = this.rng.fork('signup');
    const s = this.s;
    const now = this.ctx.clock.nowMs();
    const owner = this.newMember(rng.fork('owner'), 'owner', this.plan.owner.email);
    const { organizationId, organizationPublicId, ownerUserId, ownerPublicId } = await this.facade.signUp(
      {
        tenantSlug: this.plan.slug,
        legalName: this.plan.legalName,
        country: this.plan.country,
        timezone: this.plan.timezone,
        currency: this.plan.currency,
        billingEmail: rng.chance(s.quirks.nulls.value) ? null : this.billingEmail(),
        owner: { email: owner.email, fullName: this.plan.owner.fullName },
      },
      requestContext(rng, { ...owner, publicId: '' }, now),
    );
    this.organizationId = organizationId;
    this.orgPublicId = organizationPublicId;
    this.members.push({ ...owner, userId: ownerUserId, publicId: ownerPublicId });

    const override = s.tenantOverrides?.[this.label];
    this.seats = this.plan.seats;
    this.interval = rng.chance(s.plans.annualShare.value) ? 'year' : 'month';
    this.planCode = override?.plan ?? this.choosePlan(rng.fork('plan'));
    const trial = rng.chance(s.plans.trialShare.value);
    // A trial needs no card ("no credit card required"); a paying customer enters one first.
    if (!trial) await this.addCard(rng.fork('card'), now);
    const coupon = rng.chance(s.plans.couponShare.value) ? rng.pick(['WELCOME20', 'LAUNCH50', 'ANNUAL10']) : undefined;
    await this.attempt('subscribe', async () => {
      const { subscriptionId } = await this.facade.subscribe(
        {
          organizationId,
          planCode: this.planCode,
          interval: this.interval,
          currency: this.plan.currency,
          seats: this.seats,
          trialDays: trial ? s.plans.trialDays : undefined,
          couponCode: coupon,
        },
        this.req(rng, now),
      );
      this.subscriptionId = subscriptionId;
    });
    this.periodEndMs = trial ? now + s.plans.trialDays * DAY_MS : addInterval(new Date(now), this.interval).getTime();
    this.convertsTrial = trial && rng.chance(s.plans.trialConversion.value);
    this.abandonsTrial = trial && !this.convertsTrial;
    await this.importTeam(rng.fork('import'), now);
    if (rng.chance(s.behaviour.webhookEndpoint.value)) {
      await this.facade.addWebhookEndpoint(
        { organizationId, url: `https://hooks.${this.plan.slug}.test/billing/${rng.hex(8)}` },
        this.req(rng, now),
      );
    }
    this.edgeActor = rng.chance(s.quirks.edgeTimestamps.value);
  }

  private billingEmail(): string {
    return this.plan.personalMail ? this.plan.owner.email : `billing@${this.plan.domain}`;
  }

  /** Plans a new customer picks by size; a retired plan's would-be customers take its successor. */
  private choosePlan(rng: RandomStream): string {
    const p = this.s.plans;
    let code: string =
      this.seats >= p.enterpriseFromSeats.value
        ? 'enterprise'
        : rng.weighted((this.seats === 1 ? p.soloMix : p.mix).weights as Record<string, number>);
    for (let hops = 0; this.world.successors.has(code) && hops < PLAN_ORDER.length; hops++) {
      code = this.world.successors.get(code)!;
    }
    return code;
  }

  /** The team provisioned at sign-up, SCIM-style in batches (a whale brings its directory). */
  private async importTeam(rng: RandomStream, now: number): Promise<void> {
    const size = Math.max(1, Math.round(this.seats * sample(this.s.tenantSize.usersPerSeat, rng.fork('users'))));
    for (let offset = 1; offset < size; offset += 500) {
      const batch: Member[] = [];
      for (let i = offset; i < Math.min(size, offset + 500); i++) {
        batch.push(this.newMember(rng.fork('member', i), this.role(rng)));
      }
      await this.attempt('importUsers', async () => {
        const { users } = await this.facade.importUsers(
          {
            organizationId: this.organizationId,
            users: batch.map((m) => ({ email: m.email, fullName: this.names.get(m.email)!, role: m.role })),
          },
          this.req(rng, now),
        );
        const byPosition = new Map(batch.map((m, i) => [i, m]));
        users.forEach((u, i) => this.members.push({ ...byPosition.get(i)!, userId: u.userId, publicId: u.publicId }));
      });
    }
  }

  private readonly names = new Map<string, string>();

  /** A new person of this tenant: a name in its languages, a unique address, habits of their own. */
  private newMember(rng: RandomStream, role: string, email?: string): Member {
    const s = this.s;
    const foreign = rng.chance(s.quirks.foreignNames.value);
    const locale = foreign ? rng.pick(['zh_CN', 'en_IN', 'es_MX', 'ar', 'ko', 'ru', 'vi', 'pl']) : this.plan.nameLocale;
    const person = foreign
      ? personName(localeFaker(rng.fork('faker'), locale, new Date(0)), locale)
      : personName(this.faker, locale);
    let address = email;
    let fullName = email ? this.plan.owner.fullName : person.fullName;
    if (!address) {
      // A consultant or agency owner who also works in this tenant, typed with other capitals.
      const consultant = this.world.roster.length > 1 && rng.chance(s.quirks.caseVariantDuplicateEmails.value);
      const other = consultant ? rng.pick(this.world.roster) : undefined;
      if (other && other.label !== this.label && other.signupMs < this.ctx.clock.nowMs()) {
        address = caseVariant(other.owner.email, rng);
        fullName = other.owner.fullName;
      } else {
        const local = emailLocalPart(person, this.plan.emailFormat);
        address = `${local}@${this.plan.domain}`;
        for (let n = 2; this.emails.has(address.toLowerCase()); n++) address = `${local}${n}@${this.plan.domain}`;
      }
    }
    this.emails.add(address.toLowerCase());
    this.names.set(address, fullName);
    const a = s.activity;
    return {
      userId: 0,
      publicId: '',
      email: address,
      role,
      activeChance: Math.min(1, Math.max(0, sample(a.userActiveChance, rng))),
      device: rng.weighted(a.devices.weights as Record<Device, number>),
      software: { lag: Number(rng.weighted(a.softwareLag.weights as Record<string, number>)), minor: rng.int(0, 9) },
      ip: rng.chance(a.officeShare.value) ? rng.pick(this.officeIps) : fakeIp(rng, a.ipv6Share.value),
      deactivated: false,
    };
  }

  private role(rng: RandomStream): string {
    return rng.weighted(this.s.tenantSize.roles.weights as Record<string, number>);
  }

  private card(rng: RandomStream, nowMs: number) {
    const now = new Date(nowMs);
    const exp = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + rng.int(1, 48), 1));
    const bad = rng.chance(this.s.quirks.badCards.value);
    const brand = rng.weighted(this.s.vendors.payments.cardBrands.weights as Record<string, number>);
    return {
      number: bad ? DECLINING_CARD : TEST_CARDS[brand]!,
      expMonth: exp.getUTCMonth() + 1,
      expYear: exp.getUTCFullYear(),
    };
  }

  /**
   * Puts in a new card. Most cards are renewed before they lapse (reminder emails, the networks'
   * account updaters); the rest expire and fail their next charge.
   */
  private async addCard(rng: RandomStream, atMs: number): Promise<boolean> {
    const member = this.admin();
    const card = this.card(rng, atMs);
    const ok = await this.attempt('addPaymentMethod', () =>
      this.facade.addPaymentMethod(
        { organizationId: this.organizationId, userId: member!.userId, card },
        this.req(rng, atMs, member),
      ),
    );
    if (ok && rng.chance(this.s.behaviour.cardRenewedBeforeExpiry.value)) {
      const lapsesMs = Date.UTC(card.expYear, card.expMonth, 1);
      const renewAt = lapsesMs - rng.int(1, 25) * DAY_MS;
      this.at(renewAt, 'card-renewal', async () => {
        if (!this.canceled) await this.addCard(rng.fork('renewal'), this.ctx.clock.nowMs());
      });
    }
    return ok;
  }

  // ---- a day ------------------------------------------------------------------------------------

  /** One local day: each behaviour that fires gets its moment; telemetry follows the day's rhythm. */
  async day(localDay: number): Promise<void> {
    if (!this.organizationId) return;
    const day = new DayDraws(this.rng.fork('day', localDay));
    const nowMs = this.ctx.clock.nowMs();
    if (this.canceled) {
      if (nowMs - this.canceledAtMs > WIN_BACK_DAYS * DAY_MS) return; // gone for good: no more days
      this.maybeWinBack(day, localDay);
      this.scheduleDay(localDay + 1);
      return;
    }
    if (this.subscriptionId) {
      this.maybeFollowUpRenewal(day, localDay, nowMs);
      this.maybeChangeSeats(day, localDay);
      this.maybeChangePlan(day, localDay);
      this.maybeRefund(day, localDay);
      this.maybeChurn(day, localDay, nowMs);
    }
    this.maybeInvite(day, localDay);
    this.maybeDeactivate(day, localDay);
    this.maybeChangeRole(day, localDay);
    this.maybeReplaceCard(day, localDay);
    this.recordTelemetry(day, localDay, nowMs);
    this.scheduleDay(localDay + 1);
  }

  private recordTelemetry(day: DayDraws, localDay: number, nowMs: number): void {
    const detail = nowMs >= this.ctx.detailFromMs;
    const grains = this.s.activity.beforeDetail;
    const signIns: TelemetryGrain = detail ? 'daily' : grains.signIns;
    const usage: TelemetryGrain = detail ? 'daily' : grains.usage;
    const weekday = this.s.activity.weekday[WEEKDAYS[weekdayOf(localDay)]!];
    const t = {
      ctx: this.ctx,
      facade: this.facade,
      plan: this.plan,
      organizationId: this.organizationId,
      s: this.s,
      schedule: this.at.bind(this),
    };
    const members = this.members.filter((m) => !m.deactivated && m.userId > 0);
    const subscription = this.canceled ? 0 : this.subscriptionId;
    if (signIns !== 'none' || usage === 'daily') {
      const rng = day.fork('telemetry');
      recordDayOfActivity(t, rng, { localDay, weekday, members, signIns, usage, subscription, seats: this.seats });
    }
    if (usage !== 'daily' && usage !== 'none' && subscription) {
      const period = { localDay, grain: usage, members, subscription, seats: this.seats };
      recordPeriodOfUsage(t, () => day.fork('usage'), period);
    }
  }

  /** Monthly logo churn by tenure, as a daily hazard. */
  private maybeChurn(day: DayDraws, localDay: number, nowMs: number): void {
    const months = Math.floor((nowMs - this.plan.signupMs) / (30.44 * DAY_MS));
    const table = this.s.behaviour.churnByTenure.monthly;
    const monthly = [...table].reverse().find((m) => months >= m.fromMonth)!.rate;
    const rng = day.chance('churn', dailyOf(monthly));
    if (!rng) return;
    const immediately = rng.chance(this.s.behaviour.cancelImmediately.value);
    const reason = rng.pick(CANCEL_REASONS);
    const at = this.momentOf(localDay, rng);
    this.canceled = true;
    this.canceledAtMs = at;
    this.at(at, 'cancel', () =>
      this.attempt('cancel', () =>
        this.facade.cancel(
          { subscriptionId: this.subscriptionId, atPeriodEnd: !immediately, reason },
          this.req(rng, at),
        ),
      ),
    );
  }

  private maybeWinBack(day: DayDraws, localDay: number): void {
    const rng = day.chance('win-back', dailyOf(this.s.behaviour.winBackMonthly.value));
    if (!rng) return;
    const at = this.momentOf(localDay, rng);
    this.canceled = false;
    this.at(at, 'reactivate', async () => {
      const ok = await this.attempt('reactivate', () =>
        this.facade.reactivate({ subscriptionId: this.subscriptionId }, this.req(rng, at)),
      );
      if (!ok) {
        this.canceled = true;
        return;
      }
      this.periodEndMs = addInterval(new Date(at), this.interval).getTime();
    });
  }

  /**
   * Around a renewal (or a trial's end) the customer learns whether it was paid. A trial that
   * converts put its card in just before; a failed charge is fixed with a working card sometimes,
   * and a week later the dunning job may have ended the subscription, which the tenant then knows.
   */
  private maybeFollowUpRenewal(day: DayDraws, localDay: number, nowMs: number): void {
    const trialEnding = this.convertsTrial && nowMs >= this.periodEndMs - 3 * DAY_MS;
    if (!trialEnding && nowMs < this.periodEndMs + DAY_MS / 2) return;
    const rng = day.fork('renewal');
    if (trialEnding) {
      this.convertsTrial = false;
      const at = this.momentOf(localDay, rng);
      this.at(at, 'trial-card', () => this.addCard(rng.fork('card'), at));
    }
    if (nowMs < this.periodEndMs + DAY_MS / 2) return;
    this.periodEndMs = addInterval(new Date(this.periodEndMs), this.interval).getTime();
    const fixes = !this.abandonsTrial && rng.chance(this.s.behaviour.fixCardAfterFailure.value);
    this.abandonsTrial = false;
    const status = async () =>
      (
        await this.ctx.db.query<{ status: string }>(`SELECT status FROM subscriptions WHERE id = $1`, [
          this.subscriptionId,
        ])
      )[0]?.status;
    const fixAt = this.momentOf(localDay + rng.int(0, 3), rng);
    this.at(fixAt, 'renewal-check', async () => {
      if (fixes && (await status()) === 'past_due') await this.addCard(rng.fork('card'), fixAt);
    });
    this.at(this.momentOf(localDay + 7, rng), 'dunning-check', async () => {
      if (!this.canceled && (await status()) === 'canceled') {
        this.canceled = true;
        this.canceledAtMs = this.ctx.clock.nowMs();
      }
    });
  }

  private maybeChangeSeats(day: DayDraws, localDay: number): void {
    const b = this.s.behaviour;
    const rng = day.chance('seats', b.seatChange.value);
    if (!rng) return;
    const step = Math.max(1, Math.ceil(this.seats * b.seatChangeMaxShare.value));
    const seats = Math.max(
      1,
      this.seats + (rng.chance(b.seatChangeUpShare.value) ? rng.int(1, step) : -rng.int(1, step)),
    );
    if (seats === this.seats) return;
    const at = this.momentOf(localDay, rng);
    this.at(at, 'seats', () =>
      this.attempt('changeSeats', async () => {
        await this.facade.changeSeats({ subscriptionId: this.subscriptionId, seats }, this.req(rng, at));
        this.seats = seats;
      }),
    );
  }

  private maybeChangePlan(day: DayDraws, localDay: number): void {
    const b = this.s.behaviour;
    const idx = PLAN_ORDER.indexOf(this.planCode);
    const up = day.chance('upgrade', idx < PLAN_ORDER.length - 1 ? b.upgrade.value : 0);
    const down = day.chance('downgrade', idx > 0 ? b.downgrade.value : 0);
    const rng = up ?? down;
    const target = up ? PLAN_ORDER[idx + 1] : down ? PLAN_ORDER[idx - 1] : undefined;
    if (!rng || !target || this.world.successors.has(target)) return;
    const planCode = target;
    const at = this.momentOf(localDay, rng);
    this.at(at, 'plan', () =>
      this.attempt('changePlan', async () => {
        await this.facade.changePlan({ subscriptionId: this.subscriptionId, planCode }, this.req(rng, at));
        this.planCode = planCode;
      }),
    );
  }

  private maybeRefund(day: DayDraws, localDay: number): void {
    const b = this.s.behaviour;
    const rng = day.chance('refund', b.refund.value);
    if (!rng) return;
    const at = this.momentOf(localDay, rng);
    this.at(at, 'refund', async () => {
      const [inv] = await this.ctx.db.query<{ id: string; total: string }>(
        `SELECT i.id::text AS id, i.total_cents::text AS total FROM invoices i
           JOIN subscriptions s ON s.id = i.subscription_id
          WHERE s.organization_id = $1 AND i.status = 'paid' AND i.total_cents > 0 ORDER BY i.id DESC LIMIT 1`,
        [this.organizationId],
      );
      if (!inv) return;
      const total = Number(inv.total);
      const amountCents = rng.chance(b.refundFullShare.value)
        ? total
        : Math.max(1, Math.round(total * rng.next() * 0.5));
      await this.attempt('refund', () =>
        this.facade.refund(
          { invoiceId: Number(inv.id), amountCents, reason: rng.pick(REFUND_REASONS) },
          this.req(rng, at),
        ),
      );
    });
  }

  /** New teammates arrive in proportion to the team's size. */
  private maybeInvite(day: DayDraws, localDay: number): void {
    const [n, rng] = day.count('invite', this.seats * dailyOf(this.s.behaviour.invitesPerSeatMonthly.value));
    if (!rng) return;
    for (let i = 0; i < n; i++) {
      const at = this.momentOf(localDay, rng);
      const member = this.newMember(rng.fork('new', i), this.role(rng));
      this.at(at, 'invite', () =>
        this.attempt('inviteUser', async () => {
          const { userId, publicId } = await this.facade.inviteUser(
            {
              organizationId: this.organizationId,
              email: member.email,
              fullName: this.names.get(member.email)!,
              role: member.role,
            },
            this.req(rng, at),
          );
          this.members.push({ ...member, userId, publicId });
        }),
      );
    }
  }

  private maybeDeactivate(day: DayDraws, localDay: number): void {
    const active = this.members.filter((m) => !m.deactivated && m.role !== 'owner' && m.userId > 0);
    const mean = active.length * dailyOf(this.s.behaviour.deactivationsPerUserMonthly.value);
    const [count, rng] = day.count('deactivate', mean);
    if (!rng) return;
    const n = Math.min(active.length, count);
    for (let i = 0; i < n; i++) {
      const member = active[rng.int(0, active.length - 1)]!;
      if (member.deactivated) continue;
      member.deactivated = true;
      const at = this.momentOf(localDay, rng);
      this.at(at, 'deactivate', () =>
        this.attempt('deactivateUser', () => this.facade.deactivateUser({ userId: member.userId }, this.req(rng, at))),
      );
    }
  }

  private maybeChangeRole(day: DayDraws, localDay: number): void {
    const candidates = this.members.filter((m) => !m.deactivated && m.role !== 'owner' && m.userId > 0);
    const mean = candidates.length * dailyOf(this.s.behaviour.roleChangesPerUserMonthly.value);
    const [count, rng] = day.count('role', mean);
    if (!rng) return;
    const n = Math.min(candidates.length, count);
    for (let i = 0; i < n; i++) {
      const member = candidates[rng.int(0, candidates.length - 1)]!;
      const role = this.role(rng);
      if (role === member.role) continue;
      member.role = role;
      const at = this.momentOf(localDay, rng);
      this.at(at, 'role', () =>
        this.attempt('changeRole', () => this.facade.changeRole({ userId: member.userId, role }, this.req(rng, at))),
      );
    }
  }

  private maybeReplaceCard(day: DayDraws, localDay: number): void {
    const rng = day.chance('card', this.s.behaviour.cardReplacement.value);
    if (!rng) return;
    const at = this.momentOf(localDay, rng);
    this.at(at, 'card', () => this.addCard(rng.fork('card'), at));
  }

  /** An action pinned to a month-end or DST instant, where date arithmetic breaks. */
  async edge(at: number): Promise<void> {
    if (!this.organizationId || !this.subscriptionId || this.canceled) return;
    const rng = this.rng.fork('edge', at);
    await this.attempt('changeSeats', async () => {
      await this.facade.changeSeats({ subscriptionId: this.subscriptionId, seats: this.seats + 1 }, this.req(rng, at));
      this.seats += 1;
    });
  }
}

/** A monthly rate as the daily hazard that compounds to it. */
export const dailyOf = (monthly: number) => 1 - Math.pow(1 - Math.min(monthly, 0.999999), 1 / 30.44);
