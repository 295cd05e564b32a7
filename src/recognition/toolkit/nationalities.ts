/**
 * Nationalities as Emirates ID cards print them: the English name, the Arabic name, and the ICAO code the MRZ
 * carries. Used to snap OCR readings to a real name, and to fill the Arabic name when only the English one was
 * read. The list covers the nationalities most common among UAE residents plus the GCC and major states; an
 * unlisted nationality is still returned as read.
 */
export interface Nationality {
  /** ICAO 9303 / ISO 3166-1 alpha-3, as in the MRZ. */
  code: string;
  /** The English name as the card prints it. */
  english: string;
  arabic: string;
  /** Other English spellings seen on cards and in OCR output. */
  aliases?: readonly string[];
}

export const NATIONALITIES: readonly Nationality[] = [
  { code: 'ARE', english: 'United Arab Emirates', arabic: 'الإمارات العربية المتحدة', aliases: ['UAE', 'Emirates'] },
  { code: 'SAU', english: 'Saudi Arabia', arabic: 'السعودية' },
  { code: 'OMN', english: 'Oman', arabic: 'عمان' },
  { code: 'KWT', english: 'Kuwait', arabic: 'الكويت' },
  { code: 'QAT', english: 'Qatar', arabic: 'قطر' },
  { code: 'BHR', english: 'Bahrain', arabic: 'البحرين' },
  { code: 'YEM', english: 'Yemen', arabic: 'اليمن' },
  { code: 'IRQ', english: 'Iraq', arabic: 'العراق' },
  { code: 'JOR', english: 'Jordan', arabic: 'الأردن' },
  { code: 'SYR', english: 'Syria', arabic: 'سوريا', aliases: ['Syrian Arab Republic'] },
  { code: 'LBN', english: 'Lebanon', arabic: 'لبنان' },
  { code: 'PSE', english: 'Palestine', arabic: 'فلسطين' },
  { code: 'EGY', english: 'Egypt', arabic: 'مصر' },
  { code: 'SDN', english: 'Sudan', arabic: 'السودان' },
  { code: 'LBY', english: 'Libya', arabic: 'ليبيا' },
  { code: 'TUN', english: 'Tunisia', arabic: 'تونس' },
  { code: 'DZA', english: 'Algeria', arabic: 'الجزائر' },
  { code: 'MAR', english: 'Morocco', arabic: 'المغرب' },
  { code: 'MRT', english: 'Mauritania', arabic: 'موريتانيا' },
  { code: 'SOM', english: 'Somalia', arabic: 'الصومال' },
  { code: 'DJI', english: 'Djibouti', arabic: 'جيبوتي' },
  { code: 'COM', english: 'Comoros', arabic: 'جزر القمر' },
  { code: 'IRN', english: 'Iran', arabic: 'إيران' },
  { code: 'TUR', english: 'Turkey', arabic: 'تركيا', aliases: ['Turkiye'] },
  { code: 'AFG', english: 'Afghanistan', arabic: 'أفغانستان' },
  { code: 'PAK', english: 'Pakistan', arabic: 'باكستان' },
  { code: 'IND', english: 'India', arabic: 'الهند' },
  { code: 'BGD', english: 'Bangladesh', arabic: 'بنغلاديش' },
  { code: 'LKA', english: 'Sri Lanka', arabic: 'سريلانكا' },
  { code: 'NPL', english: 'Nepal', arabic: 'نيبال' },
  { code: 'PHL', english: 'Philippines', arabic: 'الفلبين' },
  { code: 'IDN', english: 'Indonesia', arabic: 'إندونيسيا' },
  { code: 'MYS', english: 'Malaysia', arabic: 'ماليزيا' },
  { code: 'THA', english: 'Thailand', arabic: 'تايلاند' },
  { code: 'VNM', english: 'Vietnam', arabic: 'فيتنام', aliases: ['Viet Nam'] },
  { code: 'CHN', english: 'China', arabic: 'الصين' },
  { code: 'JPN', english: 'Japan', arabic: 'اليابان' },
  { code: 'KOR', english: 'South Korea', arabic: 'كوريا الجنوبية', aliases: ['Korea'] },
  { code: 'KAZ', english: 'Kazakhstan', arabic: 'كازاخستان' },
  { code: 'UZB', english: 'Uzbekistan', arabic: 'أوزبكستان' },
  { code: 'RUS', english: 'Russia', arabic: 'روسيا', aliases: ['Russian Federation'] },
  { code: 'UKR', english: 'Ukraine', arabic: 'أوكرانيا' },
  { code: 'GBR', english: 'United Kingdom', arabic: 'المملكة المتحدة', aliases: ['Britain', 'Great Britain'] },
  { code: 'IRL', english: 'Ireland', arabic: 'أيرلندا' },
  { code: 'FRA', english: 'France', arabic: 'فرنسا' },
  { code: 'DEU', english: 'Germany', arabic: 'ألمانيا' },
  { code: 'ITA', english: 'Italy', arabic: 'إيطاليا' },
  { code: 'ESP', english: 'Spain', arabic: 'إسبانيا' },
  { code: 'NLD', english: 'Netherlands', arabic: 'هولندا' },
  { code: 'GRC', english: 'Greece', arabic: 'اليونان' },
  { code: 'ROU', english: 'Romania', arabic: 'رومانيا' },
  { code: 'POL', english: 'Poland', arabic: 'بولندا' },
  { code: 'USA', english: 'United States', arabic: 'الولايات المتحدة', aliases: ['United States of America', 'USA'] },
  { code: 'CAN', english: 'Canada', arabic: 'كندا' },
  { code: 'BRA', english: 'Brazil', arabic: 'البرازيل' },
  { code: 'AUS', english: 'Australia', arabic: 'أستراليا' },
  { code: 'ZAF', english: 'South Africa', arabic: 'جنوب أفريقيا' },
  { code: 'NGA', english: 'Nigeria', arabic: 'نيجيريا' },
  { code: 'GHA', english: 'Ghana', arabic: 'غانا' },
  { code: 'KEN', english: 'Kenya', arabic: 'كينيا' },
  { code: 'UGA', english: 'Uganda', arabic: 'أوغندا' },
  { code: 'ETH', english: 'Ethiopia', arabic: 'إثيوبيا' },
  { code: 'ERI', english: 'Eritrea', arabic: 'إريتريا' },
  { code: 'CMR', english: 'Cameroon', arabic: 'الكاميرون' },
];

const latinKey = (text: string) => text.toUpperCase().replace(/[^A-Z]/g, '');
/** Arabic compared without the hamza forms of alef and the dotless/dotted final yeh, which OCR often swaps. */
export const arabicKey = (text: string) =>
  text
    .replace(/[\u064B-\u0652\u0640\u200E\u200F]/g, '')
    .replace(/[أإآ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/\s+/g, '');

export function nationalityByCode(code: string): Nationality | undefined {
  return NATIONALITIES.find((n) => n.code === code);
}

/** Edit distance, for snapping OCR text to the closest table entry. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] as number;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] as number;
      previous[j] = Math.min(above + 1, (previous[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length] as number;
}

export interface NationalityMatch {
  nationality: Nationality;
  /** 0 for an exact match; the share of characters OCR got wrong otherwise. */
  distance: number;
}

function closest(text: string, keys: (n: Nationality) => string[], key: (t: string) => string): NationalityMatch | undefined {
  const read = key(text);
  if (read.length < 2) return undefined;
  let best: NationalityMatch | undefined;
  for (const nationality of NATIONALITIES) {
    for (const candidate of keys(nationality)) {
      const distance = editDistance(read, candidate) / Math.max(candidate.length, read.length);
      if (!best || distance < best.distance) best = { nationality, distance };
    }
  }
  // More than about one wrong character in three is a different word, not a misreading.
  return best && best.distance <= 0.34 ? best : undefined;
}

/** The table entry an English reading most plausibly is. */
export function matchEnglishNationality(text: string): NationalityMatch | undefined {
  return closest(text, (n) => [n.english, ...(n.aliases ?? [])].map(latinKey), latinKey);
}

/** The table entry an Arabic reading most plausibly is. */
export function matchArabicNationality(text: string): NationalityMatch | undefined {
  return closest(text, (n) => [arabicKey(n.arabic)], arabicKey);
}
