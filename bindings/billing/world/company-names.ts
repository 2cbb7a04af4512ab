import type { Faker } from '@faker-js/faker';
import type { RandomStream } from '../../../engine/index.ts';

/**
 * Company names as small businesses actually name themselves: a founder's surname and a trade
 * ("Müller Logistik", "佐藤商事"), two partners ("Dupont & Martin") or a coined brand
 * ("Brightforge"). Trades are in the company's language; coined brands are English-sounding
 * everywhere, as software-buying companies' are.
 */
const TRADES: Record<string, string[]> = {
  en: [
    ...['Consulting', 'Labs', 'Logistics', 'Analytics', 'Software', 'Studio', 'Partners', 'Media', 'Health'],
    ...['Engineering', 'Capital', 'Systems', 'Design', 'Robotics', 'Foods', 'Energy', 'Legal', 'Digital'],
    ...['Networks', 'Accounting', 'Architects', 'Dental', 'Realty', 'Construction', 'Marketing', 'Security'],
  ],
  de: [
    ...['Beratung', 'Logistik', 'Software', 'Technik', 'Bau', 'Systeme', 'Medien', 'Immobilien', 'Handel'],
    ...['Maschinenbau', 'Steuerberatung', 'Elektrotechnik', 'Planung', 'Druck', 'Service', 'Haustechnik'],
  ],
  fr: [
    ...['Conseil', 'Logistique', 'Informatique', 'Études', 'Immobilier', 'Transports', 'Ingénierie', 'Médias'],
    ...['Distribution', 'Services', 'Architecture', 'Santé', 'Expertise Comptable'],
  ],
  nl: [
    'Advies',
    'Logistiek',
    'Software',
    'Techniek',
    'Bouw',
    'Installatie',
    'Media',
    'Vastgoed',
    'Handel',
    'Transport',
  ],
  es: [
    ...['Consultores', 'Logística', 'Soluciones', 'Ingeniería', 'Servicios', 'Tecnología', 'Inmobiliaria'],
    ...['Distribuciones', 'Asesores', 'Construcciones'],
  ],
  it: ['Consulenze', 'Logistica', 'Servizi', 'Ingegneria', 'Tecnologie', 'Impianti', 'Costruzioni', 'Informatica'],
  pt: ['Consultoria', 'Logística', 'Serviços', 'Tecnologia', 'Engenharia', 'Comércio', 'Soluções', 'Sistemas'],
  sv: ['Konsult', 'Logistik', 'Bygg', 'Teknik', 'Data', 'Fastigheter', 'Media', 'Design'],
  nb: ['Konsult', 'Logistikk', 'Bygg', 'Teknikk', 'Data', 'Eiendom', 'Media', 'Design'],
  da: ['Rådgivning', 'Logistik', 'Byg', 'Teknik', 'Data', 'Ejendomme', 'Medier', 'Design'],
  fi: ['Konsultointi', 'Logistiikka', 'Rakennus', 'Tekniikka', 'Data', 'Kiinteistöt', 'Media', 'Design'],
  pl: ['Doradztwo', 'Logistyka', 'Budownictwo', 'Systemy', 'Usługi', 'Technologie', 'Projekt'],
  el: ['Τεχνική', 'Συμβουλευτική', 'Πληροφορική', 'Κατασκευαστική', 'Εμπορική', 'Μεταφορική'],
  tr: ['Danışmanlık', 'Yazılım', 'Lojistik', 'İnşaat', 'Teknoloji', 'Mühendislik', 'Ticaret'],
  uk: ['Консалтинг', 'Логістика', 'Технології', 'Будівництво', 'Системи', 'Сервіс'],
  he: ['טכנולוגיות', 'ייעוץ', 'הנדסה', 'שירותים', 'מערכות', 'לוגיסטיקה'],
  // Japanese and Korean trades attach to the name without a space.
  ja: ['商事', '工業', '物産', '製作所', '技研', 'システム', 'ソリューションズ', '建設', '不動産', '電機', '運輸'],
  ko: ['테크', '솔루션', '시스템', '건설', '물산', '전자', '엔지니어링', '컨설팅'],
};

/**
 * How small companies are named, by share: read off company registers (Companies House,
 * Handelsregister) as founder-and-trade names first, coined brands next, partnerships last; and
 * partners joined mostly by "&" (judgement from the same registers).
 */
const NAME_KINDS = { founder: 55, brand: 30, partners: 15 };
const AMPERSAND = { '&': 70, word: 30 };

const BRAND_PARTS: [string[], string[]] = [
  [
    ...['Bright', 'North', 'Cloud', 'Blue', 'Iron', 'Silver', 'Clear', 'True', 'Swift', 'Open', 'Bold', 'Green'],
    ...['Stone', 'Red', 'High', 'Deep', 'Pine', 'Oak', 'Lumen', 'Nova', 'Astra', 'Terra', 'Vela', 'Kite'],
  ],
  [
    ...['forge', 'wind', 'line', 'path', 'stack', 'field', 'works', 'point', 'bridge', 'leaf', 'wave', 'gate'],
    ...['loop', 'base', 'ly', 'hive', 'craft', 'spark', 'mint', 'nest', 'shift', 'scope', 'grid', 'port'],
  ],
];

const AND: Record<string, string> = {
  de: 'und',
  es: 'y',
  it: 'e',
  pt: 'e',
  nl: 'en',
  fr: 'et',
  sv: 'och',
  nb: 'og',
  da: 'og',
  fi: 'ja',
  pl: 'i',
  el: 'και',
  tr: 've',
  uk: 'та',
  he: 'ו',
  ja: '・',
  ko: '및',
};
/** How a long name says where: "… of Greater Boston", "… Rhein-Main", "… de la Région …". */
const IN_REGION: Record<string, (region: string) => string> = {
  en: (r) => `of ${r}`,
  de: (r) => r,
  fr: (r) => `${/^[AEIOUÎ]/.test(r) ? "d'" : 'de '}${r}`,
  es: (r) => `de ${r}`,
  it: (r) => `della ${r}`,
  pt: (r) => `de ${r}`,
  nl: (r) => `${r}`,
};
const JOINED = new Set(['ja', 'ko']);

export interface CompanyName {
  /** The name a customer types into "company" (no legal form): its slug and domain come from it. */
  tradeName: string;
  /** The registered name: trade name and legal form. */
  legalName: string;
}

export function companyName(
  faker: Faker,
  rng: RandomStream,
  locale: string,
  legalForm: string,
  long: { regions: string[] } | undefined,
): CompanyName {
  const lang = locale.split('_')[0]!;
  const trades = TRADES[lang] ?? TRADES.en!;
  const joined = JOINED.has(lang);
  const surname = () => faker.person.lastName();
  const kind = rng.weighted(NAME_KINDS);
  let trade: string;
  if (kind === 'brand' || (kind === 'partners' && joined)) {
    trade = rng.pick(BRAND_PARTS[0]) + rng.pick(BRAND_PARTS[1]);
  } else if (kind === 'partners') {
    const and = rng.weighted(AMPERSAND) === '&' ? '&' : (AND[lang] ?? 'and');
    trade = `${surname()} ${and} ${surname()}`;
  } else {
    trade = joined ? `${surname()}${rng.pick(trades)}` : `${surname()} ${rng.pick(trades)}`;
  }
  const tradeName = trade;
  if (long) trade = lengthen(trade, rng, lang, trades, long.regions);
  const prefix = legalForm.startsWith('^');
  const form = prefix ? legalForm.slice(1) : legalForm;
  const sep = joined ? '' : ' ';
  return { tradeName, legalName: prefix ? `${form}${sep}${trade}` : `${trade}${sep}${form}` };
}

/**
 * The long names a form's 200-character limit meets: the trade name, then what else the company
 * does and where, as registers show them ("Müller Logistik Lagerhaltung und Spedition Rhein-Main
 * GmbH", "Brightforge Consulting and Software Services of Greater Boston LLC").
 */
function lengthen(trade: string, rng: RandomStream, lang: string, trades: string[], regions: string[]): string {
  const joined = JOINED.has(lang);
  const sep = joined ? '' : ' ';
  const others = trades.filter((t) => !trade.includes(t));
  const a = rng.pick(others);
  const b = rng.pick(others.filter((t) => t !== a));
  const and = AND[lang] ?? 'and';
  const where = (IN_REGION[lang] ?? ((r: string) => r))(rng.pick(regions));
  const parts = [trade, a, and, b];
  if (lang === 'en') parts.push(rng.pick(['Services', 'Solutions', 'Group', 'Associates']));
  parts.push(where);
  return parts.join(sep).slice(0, 180);
}
