/** The pure bank card rules, with plain strings: card type, grouping, Luhn-based choice of the number, MM/YY dates. */
import { describe, expect, it } from 'vitest';
import { cardTypeOf, chooseCardNumber, groupInFours, readingFromText, type DigitReading } from '../../../src/recognition/bankcard/card-number.js';
import { findDateTokens, pickCardDates } from '../../../src/recognition/bankcard/mm-yy.js';
import { luhnValid } from '../../../src/recognition/toolkit/luhn.js';

/** A reading of `text` with one confidence for every digit, and `low` at the positions given. */
function reading(text: string, confidence = 0.95, low: Record<number, number> = {}): DigitReading {
  const base = readingFromText(text, confidence);
  return { ...base, confidences: base.confidences.map((c, i) => low[i] ?? c) };
}

describe('cardTypeOf', () => {
  it('calls every number starting with 4 Visa, whatever its length', () => {
    expect(cardTypeOf('4111111111111111')).toBe('Visa');
    expect(cardTypeOf('4000000000000000006')).toBe('Visa');
  });

  it('calls 51–55 MasterCard, and 50 and 56 not', () => {
    expect(['5055', '5100', '5299', '5555', '5600'].map((p) => cardTypeOf(`${p}000000000000`))).toEqual(['Unrecognized', 'MasterCard', 'MasterCard', 'MasterCard', 'Unrecognized']);
  });

  it('calls the 2-series 2221–2720 MasterCard, its neighbours not', () => {
    expect(['2220', '2221', '2300', '2720', '2721', '2999'].map((p) => cardTypeOf(`${p}000000000000`))).toEqual([
      'Unrecognized',
      'MasterCard',
      'MasterCard',
      'MasterCard',
      'Unrecognized',
      'Unrecognized',
    ]);
  });

  it('leaves other networks Unrecognized, 16 or 19 digits', () => {
    expect(cardTypeOf('6225768700008243')).toBe('Unrecognized');
    expect(cardTypeOf('6222364415642297588')).toBe('Unrecognized');
    expect(cardTypeOf('3528146352834699')).toBe('Unrecognized');
    expect(cardTypeOf('')).toBe('Unrecognized');
  });
});

describe('groupInFours', () => {
  it('groups from the left, a 19-digit number ending in three', () => {
    expect(groupInFours('6225768700008243')).toBe('6225 7687 0000 8243');
    expect(groupInFours('6222364415642297588')).toBe('6222 3644 1564 2297 588');
  });
});

describe('chooseCardNumber', () => {
  it('takes readings that agree and pass Luhn as read, with high confidence', () => {
    expect(luhnValid('5555555555554444')).toBe(true);
    const chosen = chooseCardNumber([reading('5555 5555 5555 4444'), reading('5555 5555 5555 4444', 0.9)]);
    expect(chosen).toMatchObject({ digits: '5555555555554444', luhnValid: true, corrections: 0 });
    expect(chosen.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('takes the whole number when the other readings dropped digits of it, in order', () => {
    // Two engine readings lost the last groups; one reading (by glyph shape) has all 17 digits.
    const whole = reading('5562 3024 0438 3686 9', 0.85);
    const chosen = chooseCardNumber([reading('5562 3024 0438 3'), reading('5562 3024 0438 3', 0.9), whole]);
    expect(chosen.digits).toBe('55623024043836869');
    // Only one reading has every digit: never sure.
    expect(chosen.confidence).toBeLessThan(0.9);
  });

  it('does not let a longer reading with other digits outvote readings that agree', () => {
    const chosen = chooseCardNumber([reading('5555 5555 5555 4444'), reading('5555 5555 5555 4444', 0.9), reading('1555 5555 5555 4444 7', 0.85)]);
    expect(chosen.digits).toBe('5555555555554444');
  });

  it('maps letters OCR returns for digits before choosing', () => {
    expect(readingFromText('5I08 9267 O586 4821').digits).toBe('5108926705864821');
  });

  it('settles a disagreement between two readings by Luhn', () => {
    // The page read 6 where the band read 0; only the band's digit makes the check hold.
    const page = reading('6217 1164 4029 2360 566');
    const band = reading('6217 1164 4029 2300 566');
    expect(luhnValid('6217116440292300566')).toBe(true);
    const chosen = chooseCardNumber([page, band]);
    expect(chosen).toMatchObject({ digits: '6217116440292300566', luhnValid: true });
    expect(chosen.confidence).toBeLessThan(0.9);
    expect(chosen.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('never rewrites a number into digits nobody read: one failing Luhn comes back as printed, below 0.5', () => {
    // Sample and test cards print numbers that fail Luhn; this one used to come back as 4000 1234 5674 0010.
    expect(luhnValid('4000123456789010')).toBe(false);
    const page = reading('4000 1234 5678 9010');
    const band = reading('4000 1234 5678 9010', 0.9);
    const chosen = chooseCardNumber([page, band]);
    expect(chosen).toMatchObject({ digits: '4000123456789010', luhnValid: false, corrections: 0 });
    expect(chosen.confidence).toBeLessThan(0.5);
    // A doubtful digit is not "corrected" to a look-alike either.
    expect(chooseCardNumber([reading('5555 5555 5555 1444', 0.95, { 12: 0.4 })])).toMatchObject({ digits: '5555555555551444', luhnValid: false });
  });

  it('keeps the length the readings agree on, even when a shorter stretch would pass Luhn', () => {
    const whole = reading('4467 8382 4200 0608 21');
    expect(chooseCardNumber([whole, reading('4467 8382 4200 0608 21', 0.8), reading('8382 4200 0608 2', 0.9)]).digits).toBe('446783824200060821');
  });

  it('is sure (≥ 0.9) only when Luhn holds and the readings agree on every digit, each read surely', () => {
    expect(chooseCardNumber([reading('5555 5555 5555 4444'), reading('5555 5555 5555 4444', 0.9)]).confidence).toBeGreaterThanOrEqual(0.9);
    expect(chooseCardNumber([reading('5555 5555 5555 4444', 0.95, { 3: 0.5 }), reading('5555 5555 5555 4444')]).confidence).toBeLessThan(0.9);
    // One reading passes Luhn by chance one time in ten: alone, however sure, it is not enough.
    expect(chooseCardNumber([reading('5555 5555 5555 4444', 0.99)]).confidence).toBeLessThan(0.9);
  });

  it('still returns a number no likely correction makes valid, below 0.5', () => {
    // 2 has one look-alike (7), and no single 2→7 makes this pass; two confident corrections are too many.
    expect(luhnValid('2222222222222222')).toBe(false);
    const chosen = chooseCardNumber([reading('2222 2222 2222 2222', 0.99)]);
    expect(chosen).toMatchObject({ digits: '2222222222222222', luhnValid: false });
    expect(chosen.confidence).toBeLessThan(0.5);
  });

  it('trusts the length most readings agree on over a shorter reading that passes by chance', () => {
    // A reading that lost its first group can pass Luhn by chance (one in ten do).
    expect(luhnValid('015405529098')).toBe(true);
    const whole = reading('4242 0154 0552 9098');
    expect(luhnValid('4242015405529098')).toBe(true);
    expect(chooseCardNumber([whole, reading('0154 0552 9098')]).digits).toBe('4242015405529098');
  });

  it('lets a complete reading outvote a partial one of another length', () => {
    const partial = { ...reading('5264 0280 7016 726'), weight: 0.5 };
    const complete = reading('5510 5264 0280 7016 726', 0.9);
    expect(luhnValid('5510526402807016726')).toBe(true);
    expect(chooseCardNumber([partial, complete]).digits).toBe('5510526402807016726');
  });

  it('chooses nothing from readings of no card number length', () => {
    expect(chooseCardNumber([reading('1234 5678'), reading('')])).toEqual({ digits: '', luhnValid: false, confidence: 0, corrections: 0 });
  });
});

describe('findDateTokens', () => {
  it('reads MM/YY and MM/YYYY, mapping look-alikes and a misread leading 0', () => {
    const values = (text: string) => findDateTokens([{ text }]).map((t) => t.value);
    expect(values('VALID THRU 05/27')).toEqual(['05/27']);
    expect(values('EXPIRES 11/2029')).toEqual(['11/29']);
    expect(values('@5/27 O9/28 87/19 99/28')).toEqual(['05/27', '09/28', '07/19', '09/28']);
    expect(values('10/2 7')).toEqual(['10/27']);
  });

  it('marks corrected tokens and skips what cannot be a month', () => {
    expect(findDateTokens([{ text: '13/25 00/25 4699' }])).toEqual([]);
    expect(findDateTokens([{ text: '87/19' }])[0]).toMatchObject({ value: '07/19', corrected: true });
    expect(findDateTokens([{ text: '07/19' }])[0]).toMatchObject({ value: '07/19', corrected: false });
  });
});

describe('pickCardDates', () => {
  const values = (lines: string[]) => {
    const dates = pickCardDates(lines.map((text) => ({ text })));
    return { issue: dates.issue_date?.value, expiry: dates.expiry_date?.value };
  };

  it('takes each date by its label, inline', () => {
    expect(values(['VALID FROM 03/21 VALID THRU 03/26'])).toEqual({ issue: '03/21', expiry: '03/26' });
    expect(values(['MEMBER SINCE 09/19', 'GOOD THRU 09/24'])).toEqual({ issue: '09/19', expiry: '09/24' });
    expect(values(['EXPIRES 11/28'])).toEqual({ issue: undefined, expiry: '11/28' });
    expect(values(['EXPIRY DATE 04/30'])).toEqual({ issue: undefined, expiry: '04/30' });
  });

  it('pairs labels printed above the dates with them in order', () => {
    expect(values(['VALID FROM    VALID THRU', '01/22    01/26'])).toEqual({ issue: '01/22', expiry: '01/26' });
  });

  it('orders unlabelled dates in time: the later is the expiry, wherever it is printed', () => {
    expect(values(['05/27 05/22'])).toEqual({ issue: '05/22', expiry: '05/27' });
    expect(values(['vb 87/19', 'ru 07/23'])).toEqual({ issue: '07/19', expiry: '07/23' });
    expect(values(['12/29'])).toEqual({ issue: undefined, expiry: '12/29' });
  });

  it('keeps a labelled issue date an issue date, even alone', () => {
    expect(values(['MEMBER SINCE 04/19'])).toEqual({ issue: '04/19', expiry: undefined });
    expect(values(['MEMBER SINCE 04/19', '04/23'])).toEqual({ issue: '04/19', expiry: '04/23' });
  });

  it('finds nothing in lines without dates', () => {
    expect(values(['VALID THRU', 'JONIA HASDEN'])).toEqual({ issue: undefined, expiry: undefined });
  });

  it('gives corrected dates less confidence, and never 0.9 or more: a date has no check digit', () => {
    const dates = pickCardDates([
      { text: 'VALID THRU 87/24', confidence: 0.95 },
      { text: 'VALID FROM 07/20', confidence: 0.99 },
    ]);
    expect(dates.expiry_date).toEqual({ value: '07/24', confidence: 0.76 });
    expect(dates.issue_date).toEqual({ value: '07/20', confidence: 0.89 });
  });
});
