import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, luhnValid } from '../../../src/recognition/toolkit/luhn.js';

describe('Luhn', () => {
  it('accepts known-valid numbers and refuses altered ones', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('4111 1111')).toBe(false);
  });
  it('computes the check digit', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(luhnCheckDigit('411111111111111')).toBe('1');
  });
});
