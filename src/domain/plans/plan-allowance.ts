// A period's included energy and what sessions took from it. Pure.

export interface Allowance {
  includedWh: number;
  usedWh: number;
  remainingWh: number;
}

export function allowanceOf(period: { includedWh: number; usedWh: number }): Allowance {
  return { includedWh: period.includedWh, usedWh: period.usedWh, remainingWh: Math.max(0, period.includedWh - period.usedWh) };
}

/**
 * What a session's allowance line may count: what it claims, but never more than is left.
 * Two sessions priced against the same remaining energy (overlapping, or priced before the
 * first was recorded) cannot both spend it; the second counts only what remained, so the
 * period's used energy never exceeds what it included.
 */
export function coverable(period: { includedWh: number; usedWh: number }, requestedWh: number): number {
  return Math.min(Math.max(0, requestedWh), allowanceOf(period).remainingWh);
}
