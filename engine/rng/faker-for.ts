import { Faker, base, en, type LocaleDefinition, type Randomizer } from '@faker-js/faker';
import type { RandomStream } from './random-stream.ts';

/**
 * A Faker whose every draw comes from one seeded stream (faker is pinned: its output is part of the snapshot bytes).
 */
export function fakerFor(stream: RandomStream, locale: LocaleDefinition = en, refDate: Date = new Date(0)): Faker {
  const randomizer: Randomizer = {
    next: () => stream.next(),
    // Streams are forked by label, never reseeded: reseeding would break the labelled-stream contract.
    seed: () => {
      throw new Error('fakerFor: reseeding a stream-backed faker is not allowed; fork a stream instead');
    },
  };
  const faker = new Faker({ locale: [locale, en, base], randomizer });
  faker.setDefaultRefDate(refDate);
  return faker;
}
