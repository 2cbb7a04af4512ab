import { allLocales, type Faker, type LocaleDefinition } from '@faker-js/faker';
import { slugify, transliterate } from 'transliteration';
import { fakerFor, type RandomStream } from '../../../engine/index.ts';

/** Family name first, as these languages write a name. */
const FAMILY_FIRST = new Set(['ja', 'ko', 'zh_CN', 'zh_TW']);
/** Written without a space between family and given name. */
const NO_SPACE = new Set(['ko', 'zh_CN', 'zh_TW']);

/**
 * Corporate email formats by share, from email-finder statistics on company domains (Hunter.io's
 * published breakdown puts first.last first, then first, then flast; order of magnitude).
 */
export const EMAIL_FORMATS = {
  'first.last': 40,
  first: 18,
  flast: 16,
  firstlast: 8,
  'f.last': 7,
  first_last: 6,
  last: 5,
};

export interface Person {
  fullName: string;
  first: string;
  last: string;
}

export function localeFaker(rng: RandomStream, locale: string, refDate: Date): Faker {
  const def = (allLocales as Record<string, LocaleDefinition>)[locale] ?? allLocales.en_US;
  return fakerFor(rng, def, refDate);
}

/** A person's name as they would write it: no title ("Dr.", "Mr."), family name first where that is the custom. */
export function personName(faker: Faker, locale: string): Person {
  const first = faker.person.firstName();
  const last = faker.person.lastName();
  if (!FAMILY_FIRST.has(locale)) return { fullName: `${first} ${last}`, first, last };
  return { fullName: NO_SPACE.has(locale) ? `${last}${first}` : `${last} ${first}`, first, last };
}

/** ASCII as a sign-up form's slugifier makes it (transliterated: Müller -> muller, 佐藤 -> zuo-teng). */
export function asciiWords(text: string): string[] {
  return slugify(text, { separator: '-', lowercase: true })
    .split('-')
    .map((w) => w.replace(/[^a-z0-9]/g, ''))
    .filter(Boolean);
}

/** The local part of a work address in one of the common formats, transliterated to ASCII. */
export function emailLocalPart(person: Person, format: string): string {
  const first = asciiWords(person.first).join('') || 'user';
  const last = asciiWords(person.last).join('') || 'team';
  switch (format) {
    case 'first':
      return first;
    case 'last':
      return last;
    case 'flast':
      return `${first[0]}${last}`;
    case 'f.last':
      return `${first[0]}.${last}`;
    case 'firstlast':
      return `${first}${last}`;
    case 'first_last':
      return `${first}_${last}`;
    default:
      return `${first}.${last}`;
  }
}

/** Same address, different case: what users type, and the duplicate-detection bug it finds. */
export function caseVariant(email: string, rng: RandomStream): string {
  const [local = '', domain = ''] = email.split('@');
  const variant = [...local].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c)).join('');
  return `${variant === local ? local.toUpperCase() : variant}@${domain}`;
}

export { transliterate };
