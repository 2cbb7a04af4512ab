import type { LearnSpec } from './learn-spec.ts';
import type { Profile } from './profile-types.ts';

export interface ApplyProfileOptions {
  /** Tenants and arrivals are multiplied by this (1: production's size). */
  scale: number;
  /** How the notes of replaced parameters name the profile, e.g. its file. */
  label: string;
}

/** A scenario with a profile's statistics in place of its own, and what was replaced. */
export interface AppliedProfile<S> {
  scenario: S;
  /** Scenario parameters the profile replaced ('plans.mix'). */
  covered: string[];
  /** Scenario parameters left as the scenario file has them. */
  uncovered: string[];
  /** Profile metrics no parameter consumes. */
  unused: string[];
}

/**
 * What learn mode needs from an app: what to measure in its production database, and how a
 * measured profile maps onto its scenario format. It lives in a module of its own (the config's
 * `learn` key), apart from the binding: the simulation never runs it, so changing how a profile is
 * learned does not make snapshots generated without one stale.
 */
export interface AppLearn<S = any> {
  spec: LearnSpec;
  /** Returns a copy of `scenario` with the parameters the profile covers replaced; never mutates. */
  applyProfile(scenario: S, profile: Profile, options: ApplyProfileOptions): AppliedProfile<S>;
}

/** Declares an app's learn module: `export default defineLearn({ spec, applyProfile })`. */
export function defineLearn<S>(learn: AppLearn<S>): AppLearn<S> {
  return learn;
}
