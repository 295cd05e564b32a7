/** Emirates ID card: the pure parts (ID number, side detection, labels, nationalities, Arabic names) and routes without tesseract. */
import { describe, expect, it } from 'vitest';
import type { OcrLine, OcrRequest, OcrResult } from '../../../src/ocr/engine.js';
import { reconcileArabicName } from '../../../src/recognition/emirates-id-card/arabic-name.js';
import { formatCardNumber, formatLaserNumber } from '../../../src/recognition/emirates-id-card/back.js';
import { associateFront } from '../../../src/recognition/emirates-id-card/front.js';
import { correctIdNumber, findIdNumbers, formatIdNumber } from '../../../src/recognition/emirates-id-card/id-number.js';
import { SIDE_FIELDS } from '../../../src/recognition/emirates-id-card/index.js';
import { findLabelledValue } from '../../../src/recognition/emirates-id-card/printed-values.js';
import { detectSide, gatherEvidence } from '../../../src/recognition/emirates-id-card/side.js';
import { parseDayMonthYear } from '../../../src/recognition/toolkit/dates.js';
import { luhnValid } from '../../../src/recognition/toolkit/luhn.js';
import { matchArabicNationality, matchEnglishNationality, NATIONALITIES, nationalityByCode } from '../../../src/recognition/toolkit/nationalities.js';
import { emiratesIdNumber } from '../../../src/fixtures/emirates-id.js';
import { buildTestApp, getToken, PROJECT_ID, samplePng, FakeEngine } from '../../helpers/index.js';

const EID_PATH = `/v2/${PROJECT_ID}/ocr/emirates-id-card`;

/**
 * OCR lines as tesseract reports them: words left to right, 12 px per character, one row per line, each symbol
 * with its own box. `confidence` applies to every word unless a word is written `text@0.4`.
 */
function lines(rows: readonly string[], confidence = 0.95): OcrLine[] {
  return rows.map((row, r) => {
    const y0 = 40 + r * 40;
    let x = 20;
    const words = row.split(' ').map((token) => {
      const [text = '', c] = token.split('@');
      const wordConfidence = c === undefined ? confidence : Number(c);
      const symbols = [...text].map((char, i) => ({ text: char, confidence: wordConfidence, bbox: { x0: x + i * 12, y0, x1: x + i * 12 + 10, y1: y0 + 20 } }));
      const word = { text, confidence: wordConfidence, bbox: { x0: x, y0, x1: x + text.length * 12 - 2, y1: y0 + 20 }, symbols };
      x += text.length * 12 + 12;
      return word;
    });
    return { text: words.map((w) => w.text).join(' '), confidence, bbox: { x0: 20, y0, x1: x, y1: y0 + 20 }, words };
  });
}

describe('the ID number and its Luhn digit', () => {
  const valid = emiratesIdNumber(1990, 1234567);

  it('accepts a number whose Luhn digit holds, with high confidence', () => {
    expect(luhnValid(valid)).toBe(true);
    const reading = correctIdNumber(valid, Array(15).fill(0.95));
    expect(reading).toMatchObject({ digits: valid, valid: true, corrections: 0 });
    expect(reading.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('repairs one OCR digit confusion (3 for 8) and says so in its confidence', () => {
    const misread = `${valid.slice(0, 9)}${valid[9] === '8' ? '3' : '8'}${valid.slice(10)}`;
    const reading = correctIdNumber(misread, Array(15).fill(0.6));
    expect(reading.valid).toBe(true);
    expect(luhnValid(reading.digits)).toBe(true);
    expect(reading.confidence).toBeLessThan(0.9);
  });

  it('restores the fixed 784 prefix', () => {
    expect(correctIdNumber(`764${valid.slice(3)}`)).toMatchObject({ digits: valid, valid: true, corrections: 1 });
  });

  it('keeps a number it cannot repair as read, marked invalid, with confidence at most 0.5', () => {
    // No single look-alike swap of these digits makes the Luhn digit hold.
    const reading = correctIdNumber('784200011111113', Array(15).fill(0.99));
    expect(reading).toMatchObject({ digits: '784200011111113', valid: false, corrections: 0 });
    expect(reading.confidence).toBeLessThanOrEqual(0.5);
  });

  it('finds the number anywhere in the OCR text, dashed or not, with letters read for digits', () => {
    const dashed = formatIdNumber(valid).replace(/0/g, 'O').replace(/1/g, 'l');
    const found = findIdNumbers(lines(['UNITED ARAB EMIRATES', `ID Number ${dashed}`]));
    expect(found[0]).toMatchObject({ digits: valid, valid: true, grouped: true });
    expect(findIdNumbers(lines([`No ${valid}`]))[0]).toMatchObject({ digits: valid, grouped: false });
    expect(findIdNumbers(lines(['Card Number 123456789', 'Phone 0501234567']))).toEqual([]);
  });

  it('formats numbers the way the vendor examples show them', () => {
    expect(formatIdNumber('784199012345671')).toBe('784-1990-1234567-1');
    expect(formatCardNumber('123456789')).toBe('1234-567-89');
    expect(formatLaserNumber('1234567890123')).toBe('1234-5678901-23');
    expect(formatCardNumber('12345')).toBe('');
  });
});

describe('side detection from the English OCR text', () => {
  it('sees the back in its TD1 machine-readable zone', () => {
    const back = lines(['Card Number 123456789', 'ILARE1234567897784199012345671', '9005127M3101012EGY<<<<<<<<<<<6', 'ALKAABI<<AHMED<<<<<<<<<<<<<<<<']);
    expect(detectSide(gatherEvidence(back))).toBe('back');
    // OCR drops fillers and mangles lines; the first line's IL+ARE start alone is enough.
    expect(detectSide(gatherEvidence(lines(['Sex: M', 'ILARE1234567897784199012345671', '9005127M3101012 EGY)'])))).toBe('back');
  });

  it('sees the front in the dashed ID number or its labels', () => {
    expect(detectSide(gatherEvidence(lines(['ID Number', '784-1990-1234567-1'])))).toBe('front');
    expect(detectSide(gatherEvidence(lines(['Name: Saleef Tamran', 'Nationality: Egypt', 'ID Number'])))).toBe('front');
  });

  it('sees neither in other text', () => {
    expect(detectSide(gatherEvidence(lines(['INVOICE 2024-117', 'Total due 1,250.00 AED'])))).toBeUndefined();
    expect(detectSide(gatherEvidence([]))).toBeUndefined();
  });
});

describe('labelled values', () => {
  it('reads a value after its label on the same line, stopping at a wide gap', () => {
    const found = findLabelledValue(lines(['Name: Saleef Tamran Al Hadari']), 'name', 'text');
    expect(found?.text).toBe('Saleef Tamran Al Hadari');
  });

  it('reads a value under its label, within the label column', () => {
    const page = lines(['Date of Birth Sex', '27/11/1979 F']);
    // Put "Sex" and "F" in a second column, as cards print them.
    for (const line of page) {
      const last = line.words.at(-1);
      if (last) last.bbox = { ...last.bbox, x1: 400 + last.bbox.x1 - last.bbox.x0, x0: 400 };
    }
    expect(parseDayMonthYear(findLabelledValue(page, 'date_of_birth', 'date')?.text ?? '')).toBe('1979-11-27');
    expect(findLabelledValue(page, 'sex', 'sex')?.text).toBe('F');
  });

  it('parses printed card dates, day first', () => {
    expect(parseDayMonthYear('27/11/1979')).toBe('1979-11-27');
    expect(parseDayMonthYear('O1/O2/2O3O')).toBe('2030-02-01');
    expect(parseDayMonthYear('31/02/2020')).toBeUndefined();
    expect(parseDayMonthYear('Dubai')).toBeUndefined();
  });
});

describe('the nationality table', () => {
  it('has one entry per code, each with an English and an Arabic name', () => {
    const codes = NATIONALITIES.map((n) => n.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const n of NATIONALITIES) {
      expect(n.code).toMatch(/^[A-Z]{3}$/);
      expect(n.english).toMatch(/^[A-Z][A-Za-z ]+$/);
      expect(n.arabic).toMatch(/^[\u0621-\u064A ]+$/);
    }
    expect(nationalityByCode('EGY')).toMatchObject({ english: 'Egypt', arabic: 'مصر' });
  });

  it('snaps OCR readings to the closest name, in either script, and refuses distant ones', () => {
    expect(matchEnglishNationality('Egypt')?.nationality.code).toBe('EGY');
    expect(matchEnglishNationality('EGYPT')?.nationality.code).toBe('EGY');
    expect(matchEnglishNationality('Phillipines')?.nationality.code).toBe('PHL');
    expect(matchEnglishNationality('UAE')?.nationality.code).toBe('ARE');
    expect(matchEnglishNationality('Atlantis')).toBeUndefined();
    expect(matchArabicNationality('مصر')?.nationality.code).toBe('EGY');
    expect(matchArabicNationality('الاردن')?.nationality.code).toBe('JOR');
    expect(matchArabicNationality('باكان')?.nationality.code).toBe('PAK');
  });
});

describe('the Arabic name, checked against the English one', () => {
  it('keeps a reading that spells the English name', () => {
    expect(reconcileArabicName('محمد عبدالله علي الكعبي', 'Mohammed Abdulla Ali Alkaabi')).toEqual({ text: 'محمد عبدالله علي الكعبي', agreement: 'spelling' });
  });

  it("restores letters OCR dropped or confused in Amiri's ligatures", () => {
    expect(reconcileArabicName('ميسون سيم حدان الكتي', 'Maysoon Suhaim Haddan Al Ketbi').text).toBe('ميسون سهيم حدان الكتبي');
    expect(reconcileArabicName('كاير دانيال مورغان', 'Claire Daniel Morgan').text).toBe('كلير دانيال مورغان');
    expect(reconcileArabicName('جبرات خليد ا لمرزون', 'Jabran Khaleed Al Marzoun').text).toBe('جبران خليد المرزون');
  });

  it('keeps a reading far from every spelling of the English name, and cleans OCR noise from it', () => {
    expect(reconcileArabicName('أحمد محمد', 'John Smith')).toEqual({ text: 'أحمد محمد', agreement: 'none' });
    expect(reconcileArabicName('‏أحمد  ـمحمد ‎', '').text).toBe('أحمد محمد');
  });
});

describe('POST /v2/{project_id}/ocr/emirates-id-card without tesseract', () => {
  it('refuses a side other than front or back with AIS.0101', async () => {
    const { app } = await buildTestApp();
    const token = await getToken(app);
    const response = await app.inject({
      method: 'POST',
      url: EID_PATH,
      headers: { 'x-auth-token': token },
      payload: { image: (await samplePng()).toString('base64'), side: 'top' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error_code: 'AIS.0101', error_msg: 'The input parameter is invalid.' });
    await app.close();
  });

  it('fills the Arabic nationality from the table, less confidently, when only the English one is readable', async () => {
    const english = lines(['ID Number', '784-1990-1234567-6', 'Name: Saleef Tamran', 'Nationality: Egypt']);
    const engine = new FakeEngine(
      (request: OcrRequest): OcrResult => (request.lang === 'ara' ? { text: '', confidence: 0, lines: [] } : { text: '', confidence: 0.95, lines: english }),
    );
    const { app } = await buildTestApp({ engine });
    const token = await getToken(app);
    const response = await app.inject({
      method: 'POST',
      url: EID_PATH,
      headers: { 'x-auth-token': token },
      payload: { image: (await samplePng(400, 250)).toString('base64') },
    });
    expect(response.statusCode, response.body).toBe(200);
    const { result } = response.json();
    expect(result).toMatchObject({ side: 'front', id_number: '784-1990-1234567-6', name: 'Saleef Tamran', nationality: 'Egypt', nationality_arabic: 'مصر' });
    expect(result.confidence.nationality).toBeGreaterThanOrEqual(0.9);
    expect(result.confidence.nationality_arabic).toBeLessThan(result.confidence.nationality);
    expect(result.confidence.nationality_arabic).toBeLessThanOrEqual(0.6);
    // The front's fields only, as the reference's examples answer, each with a confidence.
    expect(result).not.toHaveProperty('card_number');
    expect(Object.keys(result.confidence).sort()).toEqual([...SIDE_FIELDS.front].sort());
    await app.close();
  });

  it('takes an empty side as automatic detection', async () => {
    const english = lines(['ID Number', '784-1990-1234567-6', 'Name: Saleef Tamran', 'Nationality: Egypt']);
    const engine = new FakeEngine(
      (request: OcrRequest): OcrResult => (request.lang === 'ara' ? { text: '', confidence: 0, lines: [] } : { text: '', confidence: 0.95, lines: english }),
    );
    const { app } = await buildTestApp({ engine });
    const token = await getToken(app);
    const response = await app.inject({
      method: 'POST',
      url: EID_PATH,
      headers: { 'x-auth-token': token },
      payload: { image: (await samplePng(400, 250)).toString('base64'), side: '' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().result).toMatchObject({ side: 'front', name: 'Saleef Tamran' });
    await app.close();
  });

  it('reads the front whatever the label placement: beside, under or over the value, or none for the name', () => {
    const fields = (rows: string[]) => {
      const found = associateFront(lines(rows));
      return Object.fromEntries([...found].map(([field, value]) => [field, value.text]));
    };
    expect(fields(['Name', 'Saleef Tamran', 'Nationality', 'Egypt'])).toEqual({ name: 'Saleef Tamran', nationality: 'Egypt' });
    expect(fields(['Saleef Tamran', 'Name', 'Egypt', 'Nationality'])).toEqual({ name: 'Saleef Tamran', nationality: 'Egypt' });
    expect(fields(['Name: Saleef Tamran', 'Nationality / الجنسية: Egypt'])).toEqual({ name: 'Saleef Tamran', nationality: 'Egypt' });
    // An Arabic line between label and value reads as low-confidence garbage and is stepped over.
    expect(fields(['Name', 'wor@0.2 ote@0.1', 'Saleef Tamran'])).toEqual({ name: 'Saleef Tamran' });
  });
});
