import { parse } from 'mrz';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  COUNTRIES,
  DEGRADATION_LEVELS,
  PASSPORT_PAGE_SIZE,
  addYears,
  checkDigit,
  composeTd1,
  composeTd3,
  createRng,
  degrade,
  describePassport,
  escapeMarkup,
  mrzName,
  printedDate,
  randomPassportFields,
  readMrzName,
  renderPassport,
  renderText,
  transliterateName,
  type PassportFixture,
  type Td3Fields,
} from '../src/fixtures/index.js';
import { PASSPORT_FIELDS } from '../src/recognition/passport/index.js';

/** The ICAO 9303 specimen (Part 4, Appendix A): Anna Maria Eriksson of Utopia. */
const SPECIMEN_TD3: Td3Fields = {
  documentCode: 'P',
  issuingState: 'UTO',
  surname: 'ERIKSSON',
  givenNames: 'ANNA MARIA',
  documentNumber: 'L898902C3',
  nationality: 'UTO',
  dateOfBirth: '1974-08-12',
  sex: 'F',
  dateOfExpiry: '2012-04-15',
  personalNumber: 'ZE184226B',
};

describe('check digits', () => {
  it.each([
    ['L898902C3', '6'],
    ['740812', '2'],
    ['120415', '9'],
    ['ZE184226B<<<<<', '1'],
    ['D23145890', '7'],
    ['<<<<<<<<<', '0'],
  ])('%s → %s', (field, digit) => {
    expect(checkDigit(field)).toBe(digit);
  });

  it('rejects characters the MRZ cannot hold', () => {
    expect(() => checkDigit('AB-1')).toThrow(RangeError);
  });
});

describe('names', () => {
  it.each([
    ['van der Berg', 'VAN<DER<BERG'],
    ['Müller-Lüdenscheidt', 'MUELLER<LUEDENSCHEIDT'],
    ["D'Artagnan", 'DARTAGNAN'],
    ['José  Núñez', 'JOSE<NUNEZ'],
    ['Øster-Ågård', 'OESTER<AAGAARD'],
    ['  Anna Maria ', 'ANNA<MARIA'],
  ])('transliterates %j to %j', (name, mrz) => {
    expect(transliterateName(name)).toBe(mrz);
  });

  it('joins surname and given names with << and pads to the field width', () => {
    expect(mrzName('van der Berg', 'Anna Maria', 39)).toBe('VAN<DER<BERG<<ANNA<MARIA'.padEnd(39, '<'));
  });

  it('truncates long names from the end, so the given names are cut first', () => {
    const field = mrzName('WOLFESCHLEGELSTEINHAUSEN', 'HUBERT BLAINE CHARLES DAVID', 39);
    expect(field).toBe('WOLFESCHLEGELSTEINHAUSEN<<HUBERT<BLAINE');
    expect(field).toHaveLength(39);
  });

  it('reads a name field back with fillers as spaces', () => {
    expect(readMrzName('VAN<DER<BERG<<ANNA<MARIA<<<<<<<<<<<<<<<<')).toEqual({ surname: 'VAN DER BERG', givenNames: 'ANNA MARIA' });
    expect(readMrzName('ERIKSSON<<<<<<<<<<<<<<<<<<<<')).toEqual({ surname: 'ERIKSSON', givenNames: '' });
  });
});

describe('TD3 composition', () => {
  it('reproduces the ICAO specimen lines', () => {
    expect(composeTd3(SPECIMEN_TD3)).toEqual([
      'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<',
      'L898902C36UTO7408122F1204159ZE184226B<<<<<10',
    ]);
  });

  it('composes lines the mrz package parses as valid, with the same fields', () => {
    const lines = composeTd3({ ...SPECIMEN_TD3, issuingState: 'GBR', nationality: 'NLD', surname: 'van der Berg', personalNumber: '' });
    const parsed = parse(lines);
    expect(parsed.format).toBe('TD3');
    expect(parsed.details.filter((detail) => !detail.valid)).toEqual([]);
    expect(parsed.valid).toBe(true);
    expect(parsed.fields).toMatchObject({
      documentCode: 'P',
      issuingState: 'GBR',
      lastName: 'VAN DER BERG',
      firstName: 'ANNA MARIA',
      documentNumber: 'L898902C3',
      nationality: 'NLD',
      birthDate: '740812',
      sex: 'female',
      expirationDate: '120415',
    });
  });

  it('pads short document numbers and writes X as the filler', () => {
    const [, line2] = composeTd3({ ...SPECIMEN_TD3, issuingState: 'FRA', nationality: 'FRA', documentNumber: 'AB12345', sex: 'X' });
    expect(line2.slice(0, 9)).toBe('AB12345<<');
    expect(line2[20]).toBe('<');
    expect(parse(['P<FRAERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', line2]).valid).toBe(true);
  });

  it('refuses input it cannot encode', () => {
    expect(() => composeTd3({ ...SPECIMEN_TD3, documentNumber: 'L898902C30' })).toThrow(RangeError);
    expect(() => composeTd3({ ...SPECIMEN_TD3, dateOfBirth: '12/08/1974' })).toThrow(RangeError);
    expect(() => composeTd3({ ...SPECIMEN_TD3, sex: 'Q' })).toThrow(RangeError);
  });
});

describe('TD1 composition', () => {
  it('reproduces the ICAO specimen lines', () => {
    expect(
      composeTd1({
        documentCode: 'I',
        issuingState: 'UTO',
        documentNumber: 'D23145890',
        dateOfBirth: '1974-08-12',
        sex: 'F',
        dateOfExpiry: '2012-04-15',
        nationality: 'UTO',
        surname: 'ERIKSSON',
        givenNames: 'ANNA MARIA',
      }),
    ).toEqual(['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<']);
  });

  it('composes an Emirates ID back (IL, ARE, card number, ID number) that parses as valid', () => {
    const lines = composeTd1({
      documentCode: 'IL',
      issuingState: 'ARE',
      documentNumber: '123456789',
      optional1: '784198012345671',
      dateOfBirth: '1980-03-14',
      sex: 'M',
      dateOfExpiry: '2027-05-01',
      nationality: 'EGY',
      surname: 'AL HASANI',
      givenNames: 'KAREM',
    });
    expect(lines).toEqual(['ILARE1234567897784198012345671', '8003144M2705011EGY<<<<<<<<<<<0', 'AL<HASANI<<KAREM<<<<<<<<<<<<<<']);
    const parsed = parse(lines);
    expect(parsed.valid).toBe(true);
    expect(parsed.fields).toMatchObject({ documentCode: 'IL', issuingState: 'ARE', documentNumber: '123456789', optional1: '784198012345671', lastName: 'AL HASANI' });
  });
});

describe('seeded randomness', () => {
  it('repeats for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 5 }, () => rng.int(0, 1000));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('stays within bounds', () => {
    const rng = createRng(1);
    for (let i = 0; i < 1000; i++) {
      expect(rng.int(3, 5)).toBeGreaterThanOrEqual(3);
      expect(rng.int(3, 5)).toBeLessThanOrEqual(5);
      const date = rng.date('2020-02-27', '2020-03-02');
      expect(date >= '2020-02-27' && date <= '2020-03-02').toBe(true);
    }
  });

  it('adds years the way expiry dates do', () => {
    expect(addYears('2019-07-26', 10, -1)).toBe('2029-07-25');
    expect(addYears('2020-02-29', 5)).toBe('2025-02-28');
  });

  it('uses only country codes the mrz package knows', () => {
    const invalid = COUNTRIES.filter(({ code }) => !parse(composeTd3({ ...SPECIMEN_TD3, issuingState: code, nationality: code })).valid);
    expect(invalid).toEqual([]);
  });

  it('makes consistent, valid passports for many seeds', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const fields = randomPassportFields(seed);
      expect(fields.passport_number).toMatch(/^(?=.*[A-Z])(?=.*\d)[A-Z0-9]{8,9}$/);
      expect(fields.surname).toMatch(/^[A-Z]+( [A-Z]+)*$/);
      expect(fields.date_of_birth < fields.date_of_issue && fields.date_of_issue < fields.date_of_expiry).toBe(true);
      const { mrz, expected } = describePassport({}, seed);
      const parsed = parse(mrz);
      expect(parsed.valid).toBe(true);
      expect([expected.surname, expected.given_name, expected.passport_number]).toEqual([parsed.fields.lastName, parsed.fields.firstName, parsed.fields.documentNumber]);
    }
  });
});

describe('passport description', () => {
  it('gives the API result with MRZ names and ISO dates', () => {
    const { expected, mrz } = describePassport(
      {
        country_code: 'NLD',
        nationality: 'NLD',
        passport_number: 'NX4K29LP7',
        surname: 'van der Berg',
        given_name: 'Anna-Maria',
        sex: 'F',
        date_of_birth: '1990-12-12',
        date_of_issue: '2019-07-26',
        date_of_expiry: '2029-07-25',
        place_of_birth: 'Utrecht',
        place_of_issue: '',
        issuing_authority: 'Civil Registry Delft',
        personal_number: '',
      },
      5,
    );
    // Check digits worked by hand: NX4K29LP7 → 8, 901212 → 3, 290725 → 1.
    expect(mrz).toEqual(['P<NLDVAN<DER<BERG<<ANNA<MARIA'.padEnd(44, '<'), 'NX4K29LP78NLD9012123F2907251<<<<<<<<<<<<<<00']);
    expect(parse(mrz).valid).toBe(true);
    expect(expected).toEqual({
      passport_type: 'P',
      country_code: 'NLD',
      passport_number: 'NX4K29LP7',
      nationality: 'NLD',
      surname: 'VAN DER BERG',
      given_name: 'ANNA MARIA',
      sex: 'F',
      date_of_birth: '1990-12-12',
      date_of_expiry: '2029-07-25',
      date_of_issue: '2019-07-26',
      place_of_birth: 'UTRECHT',
      place_of_issue: '',
      issuing_authority: 'CIVIL REGISTRY DELFT',
      extra_info: {},
    });
  });

  it('has exactly the fields of the passport API result, less confidence', () => {
    const { expected } = describePassport({}, 1);
    expect(Object.keys(expected).sort()).toEqual([...PASSPORT_FIELDS, 'extra_info'].sort());
  });

  it('keeps other fields when one is overridden', () => {
    const base = describePassport({}, 9).fields;
    const changed = describePassport({ surname: 'KARVELLO' }, 9).fields;
    expect(changed).toEqual({ ...base, surname: 'KARVELLO' });
  });

  it('prints dates the way data pages do', () => {
    expect(printedDate('1990-12-12')).toBe('12 DEC 1990');
    expect(printedDate('2001-01-05')).toBe('05 JAN 2001');
  });

  it('refuses impossible fields', () => {
    expect(() => describePassport({ country_code: 'GB' })).toThrow(RangeError);
    expect(() => describePassport({ date_of_birth: '1990-02-30' })).toThrow(RangeError);
  });
});

describe('rendering', () => {
  let passport: PassportFixture;
  beforeAll(async () => {
    passport = await renderPassport({}, { seed: 3 });
  });

  it('escapes Pango markup, the MRZ filler above all', () => {
    expect(escapeMarkup('P<UTO & <b>')).toBe('P&lt;UTO &amp; &lt;b&gt;');
  });

  it('draws the MRZ in OCR-B, not a fallback font', async () => {
    // OCR-B advances 0.72 em per character; DejaVu Sans, Pango's usual fallback, 0.64 em for digits.
    const line = await renderText('0'.repeat(44), { font: 'ocrb', size: 100 });
    expect(line.width / 44).toBeGreaterThan(70);
    expect(line.width / 44).toBeLessThan(73);
  });

  it('renders a TD3 page as a PNG of the ICAO proportions', async () => {
    const meta = await sharp(passport.image).metadata();
    expect(meta).toMatchObject({ format: 'png', width: PASSPORT_PAGE_SIZE.width, height: PASSPORT_PAGE_SIZE.height });
    expect(PASSPORT_PAGE_SIZE.width / PASSPORT_PAGE_SIZE.height).toBeCloseTo(125 / 88, 2);
  });

  it('renders the same page for the same seed', async () => {
    const again = await renderPassport({}, { seed: 3 });
    expect(again.image.equals(passport.image)).toBe(true);
  });

  it('degrades deterministically and really changes the image', async () => {
    const first = await degrade(passport.image, 'medium', 42);
    const second = await degrade(passport.image, 'medium', 42);
    const other = await degrade(passport.image, 'medium', 43);
    expect(first.equals(second)).toBe(true);
    expect(first.equals(other)).toBe(false);

    const meta = await sharp(first).metadata();
    expect(meta.format).toBe('jpeg');
    const [minScale, maxScale] = DEGRADATION_LEVELS.medium.scale;
    // Rotation widens the canvas a little beyond the scaled width.
    expect(meta.width).toBeGreaterThanOrEqual(Math.floor(PASSPORT_PAGE_SIZE.width * minScale));
    expect(meta.width).toBeLessThanOrEqual(Math.ceil(PASSPORT_PAGE_SIZE.width * maxScale * 1.05));
  });

  it('keeps the clean level a full-size PNG', async () => {
    const clean = await degrade(passport.image, 'clean', 1);
    const meta = await sharp(clean).metadata();
    expect(meta).toMatchObject({ format: 'png', width: PASSPORT_PAGE_SIZE.width, height: PASSPORT_PAGE_SIZE.height });
  });
});
