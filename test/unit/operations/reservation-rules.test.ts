import { describe, expect, it } from 'vitest';
import { screenAuthorize, screenStart, type HeldReservation } from '../../../src/domain/operations/reservation-rules.js';

const now = new Date('2026-01-01T12:00:00Z');
const later = new Date('2026-01-01T13:00:00Z');
const earlier = new Date('2026-01-01T11:00:00Z');
const aReservation = (o: Partial<HeldReservation> = {}): HeldReservation => ({
  id: 1,
  connectorId: 1,
  idTag: 'HOLDER',
  parentIdTag: null,
  expiresAt: later,
  ...o,
});
const tag = (idTag: string, parentIdTag: string | null = null) => ({ idTag, parentIdTag });

describe('screenStart', () => {
  it.each([
    { name: 'no reservations', held: [], start: { ...tag('ANY'), connectorId: 1, reservationId: null }, expected: { verdict: 'FREE' } },
    { name: 'the holder, naming the reservation', held: [aReservation()], start: { ...tag('HOLDER'), connectorId: 1, reservationId: 1 }, expected: { verdict: 'USES', reservationId: 1 } },
    { name: 'the holder, in another case, without naming it', held: [aReservation()], start: { ...tag('holder'), connectorId: 1, reservationId: null }, expected: { verdict: 'USES', reservationId: 1 } },
    { name: 'the holder’s group', held: [aReservation({ parentIdTag: 'FLEET' })], start: { ...tag('MATE', 'fleet'), connectorId: 1, reservationId: null }, expected: { verdict: 'USES', reservationId: 1 } },
    { name: 'someone else on the reserved connector', held: [aReservation()], start: { ...tag('OTHER'), connectorId: 1, reservationId: null }, expected: { verdict: 'RESERVED', until: later } },
    { name: 'someone else claiming the reservation id', held: [aReservation()], start: { ...tag('OTHER'), connectorId: 1, reservationId: 1 }, expected: { verdict: 'RESERVED', until: later } },
    { name: 'a group member when the reservation has no group', held: [aReservation()], start: { ...tag('MATE', 'FLEET'), connectorId: 1, reservationId: null }, expected: { verdict: 'RESERVED', until: later } },
    { name: 'someone else on another connector', held: [aReservation()], start: { ...tag('OTHER'), connectorId: 2, reservationId: null }, expected: { verdict: 'FREE' } },
    { name: 'someone else after the reservation expired', held: [aReservation({ expiresAt: earlier })], start: { ...tag('OTHER'), connectorId: 1, reservationId: null }, expected: { verdict: 'FREE' } },
    { name: 'the holder after it expired', held: [aReservation({ expiresAt: earlier })], start: { ...tag('HOLDER'), connectorId: 1, reservationId: 1 }, expected: { verdict: 'FREE' } },
    { name: 'the holder of an any-connector reservation', held: [aReservation({ connectorId: 0 })], start: { ...tag('HOLDER'), connectorId: 3, reservationId: null }, expected: { verdict: 'USES', reservationId: 1 } },
    // OCPP leaves keeping a connector free for an any-connector reservation to the station.
    { name: 'someone else under an any-connector reservation', held: [aReservation({ connectorId: 0 })], start: { ...tag('OTHER'), connectorId: 3, reservationId: null }, expected: { verdict: 'FREE' } },
    {
      name: 'the holder of two, naming the any-connector one',
      held: [aReservation({ id: 1, connectorId: 2 }), aReservation({ id: 2, connectorId: 0 })],
      start: { ...tag('HOLDER'), connectorId: 2, reservationId: 2 },
      expected: { verdict: 'USES', reservationId: 2 },
    },
  ])('$name: $expected.verdict', ({ held, start, expected }) => {
    expect(screenStart(held, start, now)).toEqual(expected);
  });
});

describe('screenAuthorize (1.6 Authorize names no connector)', () => {
  it.each([
    { name: 'no reservations', held: [], connectors: [1, 2], idTag: tag('ANY'), expected: { verdict: 'FREE' } },
    { name: 'one of two connectors reserved', held: [aReservation()], connectors: [0, 1, 2], idTag: tag('OTHER'), expected: { verdict: 'FREE' } },
    { name: 'the only connector reserved for someone else', held: [aReservation()], connectors: [0, 1], idTag: tag('OTHER'), expected: { verdict: 'RESERVED', until: later } },
    { name: 'the holder where everything is reserved', held: [aReservation()], connectors: [1], idTag: tag('HOLDER'), expected: { verdict: 'FREE' } },
    {
      name: 'every connector reserved: refused until the first frees up',
      held: [aReservation({ id: 1, connectorId: 1 }), aReservation({ id: 2, connectorId: 2, idTag: 'B', expiresAt: new Date('2026-01-01T12:30:00Z') })],
      connectors: [1, 2],
      idTag: tag('OTHER'),
      expected: { verdict: 'RESERVED', until: new Date('2026-01-01T12:30:00Z') },
    },
    { name: 'connectors unknown (never reported)', held: [aReservation()], connectors: [], idTag: tag('OTHER'), expected: { verdict: 'FREE' } },
    { name: 'the only connector, reservation expired', held: [aReservation({ expiresAt: earlier })], connectors: [1], idTag: tag('OTHER'), expected: { verdict: 'FREE' } },
  ])('$name: $expected.verdict', ({ held, connectors, idTag, expected }) => {
    expect(screenAuthorize(held, connectors, idTag, now)).toEqual(expected);
  });
});
