import { z } from 'zod';
import { hasAtMostTwoDecimals } from '../ddd/money.js';

/**
 * A request's amount of money in decimal currency units (ADR 0006): a number between `min` and `max` with at
 * most two decimal places, else a 400 naming the field. `toCents` (`@tessera/platform/ddd`) then converts it
 * exactly.
 */
export const decimalAmount = ({ min, max }: { min: number; max: number }) =>
  z.number().min(min).max(max).refine(hasAtMostTwoDecimals, 'must have at most 2 decimal places');
