/** The Luhn (mod 10) check used by bank card numbers and the Emirates ID number. */

/** True when the digit string's last digit is the Luhn check of the others. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === digits.at(-1);
}

/** The Luhn check digit to append to a digit string. */
export function luhnCheckDigit(payload: string): string {
  let sum = 0;
  // Double every second digit counting from the right of the payload (the check digit will sit after it).
  for (let i = 0; i < payload.length; i++) {
    let digit = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}
