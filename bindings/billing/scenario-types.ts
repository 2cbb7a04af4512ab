import type { Distribution } from '../../engine/index.ts';

/** A probability with the note saying where it comes from (Synthea's habit: no unexplained numbers). */
export interface Rate {
  value: number;
  note: string;
}

export interface Weighted {
  kind: 'weighted';
  weights: Record<string, number>;
  note: string;
}

export interface OutageWindow {
  start: string;
  end: string;
  note: string;
}

/**
 * A billing scenario. Every parameter is a distribution or a rate so that a learned profile can
 * replace any of them; per-tenant rates are daily hazards unless the name says otherwise.
 */
export interface BillingScenario {
  name: string;
  seed: string | number;
  start: string;
  days: number;
  timezone: string;
  description?: string;
  population: {
    initialTenants: { value: number; note: string };
    arrivalsPerDay: Distribution & { note: string };
    weekdayWeights: {
      mon: number;
      tue: number;
      wed: number;
      thu: number;
      fri: number;
      sat: number;
      sun: number;
      note: string;
    };
  };
  tenantSize: {
    seats: Distribution & { note: string };
    usersPerSeat: Distribution & { note: string };
  };
  plans: {
    mix: Weighted;
    currencies: Weighted;
    annualShare: Rate;
    trialShare: Rate;
    trialDays: number;
    couponShare: Rate;
  };
  behaviour: {
    inviteUser: Rate;
    changeRole: Rate;
    deactivateUser: Rate;
    seatChange: Rate;
    upgrade: Rate;
    downgrade: Rate;
    churn: Rate;
    cancelImmediately: Rate;
    reactivate: Rate;
    cardReplacement: Rate;
    supportNote: Rate;
    refund: Rate;
    webhookEndpoint: Rate;
    signInsPerUserPerDay: Distribution & { note: string };
  };
  usage: {
    metrics: Record<string, Distribution & { note: string }>;
  };
  vendors: {
    payments: { declineRate: Rate; outages: OutageWindow[] };
    email: { failureRate: Rate };
    webhooks: { failureRate: Rate };
  };
  /** Per-tenant overrides by actor label (t0, t1, … for initial tenants): change one tenant, nothing else moves. */
  tenantOverrides?: Record<string, { seats?: number; plan?: string }>;
  quirks: {
    locales: Weighted;
    caseVariantDuplicateEmails: Rate;
    nulls: Rate;
    maxLengthStrings: Rate;
    edgeTimestamps: Rate;
    badCards: Rate;
  };
}
