import { defineLearn } from '../../engine/learn/app-learn.ts';
import { applyProfile } from './apply-profile.ts';
import type { BillingScenario } from './billing-scenario.ts';
import { billingLearnSpec } from './learn-metrics.ts';

// Learn mode for the billing app: what `sim learn` measures, and how a profile becomes a scenario.
export default defineLearn<BillingScenario>({ spec: billingLearnSpec, applyProfile });
