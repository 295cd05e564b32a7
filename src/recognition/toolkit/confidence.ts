/** Confidences as results report them: 0..1, three decimals. */
export const rounded = (value: number): number => Math.round(value * 1000) / 1000;
