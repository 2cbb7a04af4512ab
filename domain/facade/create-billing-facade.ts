import type { BillingFacade } from './billing-facade.ts';
import { billingJobs, idleJobs } from './billing-jobs.ts';
import { catalogueActions } from './catalogue-actions.ts';
import { createFacadeContext } from './facade-context.ts';
import type { FacadeDeps } from './facade-deps.ts';
import { ingestActions } from './ingest-actions.ts';
import { invoicing } from './invoicing.ts';
import { organizationActions } from './organization-actions.ts';
import { paymentMethodActions } from './payment-method-actions.ts';
import { payments } from './payments.ts';
import { refunds } from './refunds.ts';
import { subscriptionActions } from './subscription-actions.ts';
import { subscriptionChanges } from './subscription-changes.ts';
import { userActions } from './user-actions.ts';
import { webhooks } from './webhooks.ts';

/** The billing application's one entry point: every action a user, admin or scheduler can take. */
export function createBillingFacade(deps: FacadeDeps): BillingFacade {
  const ctx = createFacadeContext(deps);
  const hooks = webhooks(ctx);
  const invoices = invoicing(ctx);
  const pay = payments(ctx, hooks, invoices);
  const organizations = organizationActions(ctx);
  const users = userActions(ctx);
  const cards = paymentMethodActions(ctx);
  const subscriptions = subscriptionActions(ctx, hooks, pay);
  const changes = subscriptionChanges(ctx, hooks, pay);
  const { refund } = refunds(ctx, hooks);
  const ingest = ingestActions(ctx);
  const catalogue = catalogueActions(ctx);
  return {
    signUp: organizations.signUp,
    inviteUser: users.inviteUser,
    importUsers: users.importUsers,
    changeRole: users.changeRole,
    deactivateUser: users.deactivateUser,
    recordSignIns: users.recordSignIns,
    addPaymentMethod: cards.addPaymentMethod,
    createCoupon: invoices.createCoupon,
    publishPrice: catalogue.publishPrice,
    retirePlan: catalogue.retirePlan,
    subscribe: subscriptions.subscribe,
    changePlan: changes.changePlan,
    changeSeats: changes.changeSeats,
    cancel: subscriptions.cancel,
    reactivate: subscriptions.reactivate,
    refund,
    addWebhookEndpoint: hooks.addWebhookEndpoint,
    recordUsage: ingest.recordUsage,
    flushIngest: ingest.flushIngest,
    softDeleteOrganization: organizations.softDeleteOrganization,
    jobs: billingJobs(ctx, hooks, pay, deps.ingestFlushMs),
    idleJobs: (jobs) => idleJobs(ctx, jobs),
  };
}
