import type { Faker } from '@faker-js/faker';
import { allLocales } from '@faker-js/faker';
import { fakerFor, type RandomStream } from '../../../engine/index.ts';

/** Faker locale for each scenario locale key (names in many scripts: Latin, CJK, Arabic, Cyrillic, Hangul…). */
const LOCALES: Record<string, keyof typeof allLocales> = {
  en: 'en_US',
  en_GB: 'en_GB',
  de: 'de',
  fr: 'fr',
  es: 'es',
  pt_BR: 'pt_BR',
  ja: 'ja',
  zh_CN: 'zh_CN',
  ko: 'ko',
  ar: 'ar',
  ru: 'ru',
  he: 'he',
  el: 'el',
  vi: 'vi',
  tr: 'tr',
  uk: 'uk',
};

export function localeFaker(rng: RandomStream, locale: string, refDate: Date): Faker {
  const def = allLocales[LOCALES[locale] ?? 'en_US'];
  return fakerFor(rng, def, refDate);
}

/** ASCII local part from any-script name: emails stay valid while names keep their script. */
export function emailLocalPart(faker: Faker, fullName: string, n: number): string {
  const ascii = fullName
    .normalize('NFKD')
    .replace(/[^A-Za-z ]/g, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '.');
  return (ascii.length >= 3 ? ascii : `${faker.string.alpha({ length: 6, casing: 'lower' })}`) + (n > 0 ? n : '');
}

/** Same address, different case: what users type, and the duplicate-detection bug it finds. */
export function caseVariant(email: string, rng: RandomStream): string {
  const [local = '', domain = ''] = email.split('@');
  const variant = [...local].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c)).join('');
  return `${variant === local ? local.toUpperCase() : variant}@${domain}`;
}
