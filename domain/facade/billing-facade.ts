import type { SQL } from 'drizzle-orm';
import type { UsageRecord } from '../ingest-buffer.ts';
import type { AddPaymentMethodInput } from './payment-method-actions.ts';
import type { CreateCouponInput } from './invoicing.ts';
import type { SignUpInput, SoftDeleteOrganizationInput } from './organization-actions.ts';
import type { RefundInput } from './refunds.ts';
import type { RequestContext } from './request-context.ts';
import type { CancelInput, ReactivateInput, SubscribeInput } from './subscription-actions.ts';
import type { ChangePlanInput, ChangeSeatsInput, ProrationResult } from './subscription-changes.ts';
import type {
  ChangeRoleInput,
  DeactivateUserInput,
  ImportUsersInput,
  InviteUserInput,
  RecordSignInsInput,
} from './user-actions.ts';
import type { AddWebhookEndpointInput } from './webhooks.ts';
import type { NewUser } from './user-actions.ts';
import type { PublishPriceInput, RetirePlanInput } from './catalogue-actions.ts';

/** Scheduled work as data: the host runs `run` every `everyMs`. */
export interface BillingJob {
  name: string;
  everyMs: number;
  /** One tick; `processed` counts what it handled (events, subscriptions, invoices…). */
  run(): Promise<{ processed: number }>;
  /**
   * A condition that holds whenever a tick now would find work (it may hold when the tick finds
   * none, never the reverse). A host that runs several jobs at one instant can ask for all of them
   * in one statement and skip the idle ones (facade.idleJobs).
   */
  due?(now: Date): SQL;
}

/**
 * Every action a user, admin or scheduler can take. Each action writes its audit event; business
 * refusals throw DomainError with a stable `code`.
 */
export interface BillingFacade {
  /** Creates an organisation with its owner, then indexes it for search. */
  signUp(
    input: SignUpInput,
    ctx: RequestContext,
  ): Promise<{ organizationId: number; organizationPublicId: string; ownerUserId: number; ownerPublicId: string }>;
  /** Adds one member to a live organisation; an email already there is refused ('duplicate_email'). */
  inviteUser(input: InviteUserInput, ctx: RequestContext): Promise<NewUser>;
  /** SCIM-style bulk provisioning: one statement for the users, one audit event for the batch. */
  importUsers(input: ImportUsersInput, ctx: RequestContext): Promise<{ users: NewUser[] }>;
  /** Changes an active member's role; the owner's role cannot change. */
  changeRole(input: ChangeRoleInput, ctx: RequestContext): Promise<void>;
  /** Deactivates an active member; the owner cannot be deactivated. */
  deactivateUser(input: DeactivateUserInput, ctx: RequestContext): Promise<void>;
  /** Accepted now, written by the `ingest` job (see IngestBuffer). */
  recordSignIns(input: RecordSignInsInput): Promise<void>;
  /** Tokenises a card with the payment vendor and makes it the organisation's default. */
  addPaymentMethod(
    input: AddPaymentMethodInput,
    ctx: RequestContext,
  ): Promise<{ paymentMethodId: number; publicId: string }>;
  /** Adds a coupon to the catalogue (an admin action, before any subscription uses it). */
  createCoupon(input: CreateCouponInput): Promise<{ couponId: number }>;
  /** Publishes a new price for a plan; existing subscribers keep theirs (an admin action). */
  publishPrice(input: PublishPriceInput): Promise<{ planId: number; version: number }>;
  /** Stops offering a plan to new subscribers; existing ones keep renewing (an admin action). */
  retirePlan(input: RetirePlanInput): Promise<{ retired: number }>;
  /** Starts a subscription: a trial, or a first invoice issued and charged now. */
  subscribe(input: SubscribeInput, ctx: RequestContext): Promise<{ subscriptionId: number }>;
  /** Moves to another plan in the same interval and currency, prorating the rest of the period. */
  changePlan(input: ChangePlanInput, ctx: RequestContext): Promise<ProrationResult>;
  /** Changes the seat count, prorating the rest of the period. */
  changeSeats(input: ChangeSeatsInput, ctx: RequestContext): Promise<ProrationResult>;
  /** Cancels now or at the end of the period. */
  cancel(input: CancelInput, ctx: RequestContext): Promise<void>;
  /** Undoes a cancellation at period end, or restarts a canceled subscription with a new period and invoice. */
  reactivate(input: ReactivateInput, ctx: RequestContext): Promise<void>;
  /** Refunds part or all of a paid invoice through the payment vendor. */
  refund(input: RefundInput, ctx: RequestContext): Promise<void>;
  /** Registers an https endpoint that receives the organisation's billing events. */
  addWebhookEndpoint(
    input: AddWebhookEndpointInput,
    ctx: RequestContext,
  ): Promise<{ endpointId: number; publicId: string }>;
  /** Accepted now, written by the `ingest` job (see IngestBuffer). */
  recordUsage(records: UsageRecord[]): Promise<void>;
  /** Writes accepted usage and sign-ins now: what the `ingest` job does, and what shutdown must do. */
  flushIngest(): Promise<number>;
  /** Marks the organisation deleted and removes it from the search index. */
  softDeleteOrganization(input: SoftDeleteOrganizationInput, ctx: RequestContext): Promise<void>;
  /** `ingest`, `renewals`, `dunning`, `trial-expiry`, `card-expiry` and `webhook-retries`. */
  jobs: BillingJob[];
  /** The names of these jobs whose `due` condition does not hold now, asked in one statement. */
  idleJobs(jobs: BillingJob[]): Promise<Set<string>>;
}
