/**
 * What a customer's country decides: the currency it is billed in, its time zones, the languages
 * its people are named in, and its companies' legal forms. Weights are relative shares; where a
 * share is an estimate, the note says from what. Faker locale keys name the languages.
 */
export interface Country {
  currency: 'USD' | 'EUR' | 'GBP';
  /** IANA zones by share of the country's businesses (population shares, national statistics). */
  zones: Record<string, number>;
  /** Name locales of its people: mostly the national one, plus the largest immigrant groups. */
  names: Record<string, number>;
  /** The locale its company names are coined in. */
  companyLocale: string;
  /** Legal forms as written after the name; a leading `^` puts it before (株式会社…). */
  legalForms: Record<string, number>;
  /** Real regions, for the long names that spell out where a company works. */
  regions: string[];
}

const us = {
  'America/New_York': 47,
  'America/Chicago': 29,
  'America/Denver': 7,
  'America/Phoenix': 2,
  'America/Los_Angeles': 15,
};

export const COUNTRIES = {
  // Name mixes: US Census 2020 ancestry and language-at-home shares, rounded; legal forms: state
  // registrations are mostly LLCs by count, but companies that buy B2B software skew to Inc.
  US: {
    currency: 'USD',
    zones: us,
    names: { en_US: 76, es_MX: 9, zh_CN: 4, en_IN: 4, vi: 2, ko: 2, ar: 1, ru: 1, he: 1 },
    companyLocale: 'en_US',
    legalForms: { 'Inc.': 52, LLC: 40, 'Corp.': 6, 'Co.': 2 },
    regions: [
      'California',
      'Texas',
      'New England',
      'the Pacific Northwest',
      'the Midwest',
      'Greater Boston',
      'Northern Virginia',
    ],
  },
  CA: {
    currency: 'USD',
    zones: {
      'America/Toronto': 58,
      'America/Vancouver': 16,
      'America/Edmonton': 14,
      'America/Winnipeg': 4,
      'America/Halifax': 8,
    },
    names: { en_CA: 68, fr_CA: 20, zh_CN: 5, en_IN: 5, ar: 2 },
    companyLocale: 'en_CA',
    legalForms: { 'Inc.': 60, 'Ltd.': 30, 'Corp.': 10 },
    regions: ['Ontario', 'British Columbia', 'Alberta', 'Québec', 'the Maritimes'],
  },
  GB: {
    currency: 'GBP',
    zones: { 'Europe/London': 1 },
    names: { en_GB: 84, en_IN: 7, pl: 3, ar: 2, zh_CN: 2, ro: 2 },
    companyLocale: 'en_GB',
    legalForms: { Ltd: 86, Limited: 5, LLP: 7, PLC: 2 },
    regions: ['London', 'the South East', 'the North West', 'Scotland', 'Wales', 'the Midlands'],
  },
  IE: {
    currency: 'EUR',
    zones: { 'Europe/Dublin': 1 },
    names: { en_IE: 88, pl: 5, pt_BR: 3, en_IN: 4 },
    companyLocale: 'en_IE',
    legalForms: { Ltd: 80, Limited: 10, DAC: 10 },
    regions: ['Dublin', 'Cork', 'Galway', 'Limerick'],
  },
  AU: {
    currency: 'USD',
    zones: {
      'Australia/Sydney': 33,
      'Australia/Melbourne': 27,
      'Australia/Brisbane': 20,
      'Australia/Perth': 11,
      'Australia/Adelaide': 7,
      'Australia/Hobart': 2,
    },
    names: { en_AU: 84, zh_CN: 6, en_IN: 5, vi: 3, el: 2 },
    companyLocale: 'en_AU',
    legalForms: { 'Pty Ltd': 90, Ltd: 10 },
    regions: ['New South Wales', 'Victoria', 'Queensland', 'Western Australia'],
  },
  DE: {
    currency: 'EUR',
    zones: { 'Europe/Berlin': 1 },
    names: { de: 86, tr: 6, pl: 3, ru: 2, it: 2, el: 1 },
    companyLocale: 'de',
    legalForms: { GmbH: 66, 'UG (haftungsbeschränkt)': 10, 'GmbH & Co. KG': 12, AG: 5, 'e.K.': 4, KG: 3 },
    regions: ['Rhein-Main', 'Berlin-Brandenburg', 'Nordrhein-Westfalen', 'Baden-Württemberg', 'Bayern', 'Sachsen'],
  },
  AT: {
    currency: 'EUR',
    zones: { 'Europe/Vienna': 1 },
    names: { de_AT: 88, tr: 4, sr_RS_latin: 4, de: 4 },
    companyLocale: 'de_AT',
    legalForms: { GmbH: 82, AG: 5, OG: 6, KG: 7 },
    regions: ['Wien', 'Oberösterreich', 'Steiermark', 'Tirol'],
  },
  CH: {
    currency: 'EUR',
    zones: { 'Europe/Zurich': 1 },
    names: { de_CH: 62, fr_CH: 23, it: 8, pt_PT: 4, sr_RS_latin: 3 },
    companyLocale: 'de_CH',
    legalForms: { AG: 50, GmbH: 45, SA: 5 },
    regions: ['Zürich', 'Bern', 'Basel', 'Romandie'],
  },
  FR: {
    currency: 'EUR',
    zones: { 'Europe/Paris': 1 },
    names: { fr: 88, ar: 6, pt_PT: 3, es: 3 },
    companyLocale: 'fr',
    legalForms: { SAS: 55, SARL: 28, SASU: 12, SA: 5 },
    regions: ['Île-de-France', 'Auvergne-Rhône-Alpes', 'Occitanie', 'Nouvelle-Aquitaine', 'Hauts-de-France'],
  },
  BE: {
    currency: 'EUR',
    zones: { 'Europe/Brussels': 1 },
    names: { nl_BE: 56, fr_BE: 36, ar: 4, it: 4 },
    companyLocale: 'nl_BE',
    legalForms: { BV: 80, NV: 20 },
    regions: ['Vlaanderen', 'Brussel', 'Antwerpen', 'Gent'],
  },
  NL: {
    currency: 'EUR',
    zones: { 'Europe/Amsterdam': 1 },
    names: { nl: 88, tr: 4, ar: 4, pl: 2, id_ID: 2 },
    companyLocale: 'nl',
    legalForms: { 'B.V.': 92, 'N.V.': 3, 'V.O.F.': 5 },
    regions: ['Randstad', 'Noord-Brabant', 'Gelderland', 'Utrecht'],
  },
  ES: {
    currency: 'EUR',
    zones: { 'Europe/Madrid': 95, 'Atlantic/Canary': 5 },
    names: { es: 88, ro: 4, ar: 4, es_MX: 4 },
    companyLocale: 'es',
    legalForms: { 'S.L.': 84, 'S.A.': 12, 'S.L.U.': 4 },
    regions: ['Cataluña', 'Comunidad de Madrid', 'Andalucía', 'País Vasco', 'Comunidad Valenciana'],
  },
  IT: {
    currency: 'EUR',
    zones: { 'Europe/Rome': 1 },
    names: { it: 92, ro: 4, ar: 4 },
    companyLocale: 'it',
    legalForms: { 'S.r.l.': 80, 'S.p.A.': 10, 'S.r.l.s.': 10 },
    regions: ['Lombardia', 'Lazio', 'Emilia-Romagna', 'Piemonte', 'Veneto'],
  },
  PT: {
    currency: 'EUR',
    zones: { 'Europe/Lisbon': 95, 'Atlantic/Azores': 5 },
    names: { pt_PT: 90, pt_BR: 10 },
    companyLocale: 'pt_PT',
    legalForms: { 'Lda.': 85, 'S.A.': 15 },
    regions: ['Lisboa', 'Porto', 'Algarve', 'Braga'],
  },
  SE: {
    currency: 'EUR',
    zones: { 'Europe/Stockholm': 1 },
    names: { sv: 88, fi: 4, ar: 4, pl: 4 },
    companyLocale: 'sv',
    legalForms: { AB: 95, HB: 5 },
    regions: ['Stockholm', 'Västra Götaland', 'Skåne', 'Uppsala'],
  },
  NO: {
    currency: 'EUR',
    zones: { 'Europe/Oslo': 1 },
    names: { nb_NO: 92, pl: 4, sv: 4 },
    companyLocale: 'nb_NO',
    legalForms: { AS: 95, ASA: 5 },
    regions: ['Oslo', 'Vestland', 'Trøndelag', 'Viken'],
  },
  DK: {
    currency: 'EUR',
    zones: { 'Europe/Copenhagen': 1 },
    names: { da: 92, tr: 4, pl: 4 },
    companyLocale: 'da',
    legalForms: { ApS: 70, 'A/S': 30 },
    regions: ['Hovedstaden', 'Midtjylland', 'Syddanmark', 'Sjælland'],
  },
  FI: {
    currency: 'EUR',
    zones: { 'Europe/Helsinki': 1 },
    names: { fi: 93, sv: 5, ru: 2 },
    companyLocale: 'fi',
    legalForms: { Oy: 95, Oyj: 5 },
    regions: ['Uusimaa', 'Pirkanmaa', 'Varsinais-Suomi', 'Pohjois-Pohjanmaa'],
  },
  PL: {
    currency: 'EUR',
    zones: { 'Europe/Warsaw': 1 },
    names: { pl: 96, uk: 4 },
    companyLocale: 'pl',
    legalForms: { 'sp. z o.o.': 88, 'S.A.': 7, 'sp.j.': 5 },
    regions: ['Mazowsze', 'Małopolska', 'Śląsk', 'Wielkopolska'],
  },
  GR: {
    currency: 'EUR',
    zones: { 'Europe/Athens': 1 },
    names: { el: 1 },
    companyLocale: 'el',
    legalForms: { 'Α.Ε.': 40, 'Ι.Κ.Ε.': 40, 'Ε.Π.Ε.': 20 },
    regions: ['Αττική', 'Κεντρική Μακεδονία', 'Κρήτη'],
  },
  JP: {
    currency: 'USD',
    zones: { 'Asia/Tokyo': 1 },
    names: { ja: 1 },
    companyLocale: 'ja',
    legalForms: { '^株式会社': 55, 株式会社: 35, 合同会社: 10 },
    regions: ['東京', '大阪', '名古屋', '福岡'],
  },
  KR: {
    currency: 'USD',
    zones: { 'Asia/Seoul': 1 },
    names: { ko: 1 },
    companyLocale: 'ko',
    legalForms: { '^주식회사': 80, '^(주)': 20 },
    regions: ['서울', '경기', '부산', '인천'],
  },
  SG: {
    currency: 'USD',
    zones: { 'Asia/Singapore': 1 },
    names: { en_US: 40, zh_CN: 45, ta_IN: 10, id_ID: 5 },
    companyLocale: 'en_US',
    legalForms: { 'Pte. Ltd.': 95, 'Ltd.': 5 },
    regions: ['Singapore', 'Southeast Asia', 'the Asia Pacific'],
  },
  IN: {
    currency: 'USD',
    zones: { 'Asia/Kolkata': 1 },
    names: { en_IN: 100 },
    companyLocale: 'en_IN',
    legalForms: { 'Private Limited': 68, 'Pvt. Ltd.': 27, LLP: 5 },
    regions: ['Karnataka', 'Maharashtra', 'Tamil Nadu', 'the National Capital Region', 'Telangana'],
  },
  IL: {
    currency: 'USD',
    zones: { 'Asia/Jerusalem': 1 },
    names: { he: 85, ru: 10, ar: 5 },
    companyLocale: 'he',
    legalForms: { 'בע"מ': 70, 'Ltd.': 30 },
    regions: ['תל אביב', 'ירושלים', 'חיפה'],
  },
  AE: {
    currency: 'USD',
    zones: { 'Asia/Dubai': 1 },
    names: { ar: 45, en_IN: 35, en_GB: 10, ur: 10 },
    companyLocale: 'en_US',
    legalForms: { 'L.L.C.': 60, 'FZ-LLC': 30, FZE: 10 },
    regions: ['Dubai', 'Abu Dhabi', 'the Gulf'],
  },
  TR: {
    currency: 'USD',
    zones: { 'Europe/Istanbul': 1 },
    names: { tr: 1 },
    companyLocale: 'tr',
    legalForms: { 'Ltd. Şti.': 60, 'A.Ş.': 40 },
    regions: ['İstanbul', 'Ankara', 'İzmir', 'Marmara'],
  },
  UA: {
    currency: 'USD',
    zones: { 'Europe/Kyiv': 1 },
    names: { uk: 92, ru: 8 },
    companyLocale: 'uk',
    legalForms: { '^ТОВ': 90, '^ПП': 10 },
    regions: ['Київ', 'Львів', 'Харків', 'Одеса'],
  },
  BR: {
    currency: 'USD',
    zones: { 'America/Sao_Paulo': 82, 'America/Manaus': 6, 'America/Fortaleza': 12 },
    names: { pt_BR: 1 },
    companyLocale: 'pt_BR',
    legalForms: { 'Ltda.': 80, 'S.A.': 15, ME: 5 },
    regions: ['São Paulo', 'Minas Gerais', 'Rio de Janeiro', 'Paraná'],
  },
  MX: {
    currency: 'USD',
    zones: { 'America/Mexico_City': 85, 'America/Monterrey': 10, 'America/Tijuana': 5 },
    names: { es_MX: 1 },
    companyLocale: 'es_MX',
    legalForms: { 'S.A. de C.V.': 80, 'S. de R.L. de C.V.': 20 },
    regions: ['Ciudad de México', 'Jalisco', 'Nuevo León', 'el Bajío'],
  },
  ZA: {
    currency: 'USD',
    zones: { 'Africa/Johannesburg': 1 },
    names: { en_ZA: 80, af_ZA: 15, zu_ZA: 5 },
    companyLocale: 'en_ZA',
    legalForms: { '(Pty) Ltd': 95, Ltd: 5 },
    regions: ['Gauteng', 'the Western Cape', 'KwaZulu-Natal'],
  },
} satisfies Record<string, Country>;

export type CountryCode = keyof typeof COUNTRIES;
export const COUNTRY_CODES = Object.keys(COUNTRIES) as CountryCode[];
