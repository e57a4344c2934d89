import { readFileSync } from 'node:fs';
import { testDatabases, testServerUrl } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Background, withSignal } from '../../src/building-blocks/context.js';
import { type Booking, CreateBooking } from '../../src/building-blocks/factories/booking.js';
import {
  NewPostgresRepository,
  PostgresRepository,
} from '../../src/building-blocks/repositories/adapters/postgres-booking-repository.js';
import { PostgresHairDresserCalendar } from '../../src/building-blocks/repositories/adapters/postgres-hair-dresser-calendar.js';
import { openBuildingBlocks } from './support.js';

const hairDresser = crypto.randomUUID();
const booking = (from: string, minutes = 30, who = hairDresser): Booking =>
  CreateBooking(
    new Date(from),
    new Date(new Date(from).getTime() + minutes * 60_000),
    crypto.randomUUID(),
    who,
  );
const aborted = () => {
  const controller = new AbortController();
  controller.abort();
  return withSignal(Background(), controller.signal);
};

describe('REP-T1: the port is the model’s, the adapter implements it', () => {
  it('BookingRepository is declared beside the factory and services, and the adapter imports it (not the reverse)', () => {
    const source = (path: string) =>
      readFileSync(new URL(`../../src/building-blocks/${path}`, import.meta.url), 'utf8');
    const imports = (path: string) =>
      source(path)
        .split('\n')
        .filter((line) => line.startsWith('import '))
        .join('\n');
    expect(source('repositories/booking-repository.ts')).toMatch(/export interface BookingRepository/);
    expect(imports('repositories/booking-repository.ts')).not.toMatch(/adapters|@tessera\/platform\/sql/);
    expect(source('repositories/adapters/postgres-booking-repository.ts')).toMatch(
      /from '\.\.\/booking-repository\.js'/,
    );
    expect(source('services/booking-app-service.ts')).toMatch(
      /from '\.\.\/repositories\/booking-repository\.js'/,
    );
  });
});

describe.each(testDatabases)('the booking repository on $backend (REP-T3, REP-T4)', (backend) => {
  let opened: Awaited<ReturnType<typeof openBuildingBlocks>>;
  let repository: PostgresRepository;
  beforeAll(async () => {
    opened = await openBuildingBlocks(backend);
    repository = new PostgresRepository(opened.db);
  });
  afterAll(() => opened?.close());

  const rowOf = async (id: string) =>
    (
      await opened.db.query<{ user_id: string; from: Date; to: Date; hair_dresser_id: string }>(
        'SELECT user_id, "from", "to", hair_dresser_id FROM coffeeco_building_blocks.bookings WHERE id = $1',
        [id],
      )
    ).rows[0];

  it('saves a booking with whose it is, and its "from" and "to" (reserved words, quoted)', async () => {
    const b = booking('2023-05-01T09:00:00Z');
    await repository.SaveBooking(Background(), b);
    const row = await rowOf(b.ID());
    expect(row).toEqual({
      user_id: b.UserID(),
      from: new Date('2023-05-01T09:00:00Z'),
      to: new Date('2023-05-01T09:30:00Z'),
      hair_dresser_id: b.HairDresserID(),
    });
  });

  it('deletes a booking, and deleting it again is no error', async () => {
    const b = booking('2023-05-01T10:00:00Z');
    await repository.SaveBooking(Background(), b);
    await repository.DeleteBooking(Background(), b);
    await repository.DeleteBooking(Background(), b);
    expect(await rowOf(b.ID())).toBeUndefined();
  });

  it('prefixes its errors exactly: "failed to SaveBooking: " and "failed to DeleteBooking: "', async () => {
    const b = booking('2023-05-01T11:00:00Z');
    await repository.SaveBooking(Background(), b);
    const duplicate = repository.SaveBooking(Background(), b);
    await expect(duplicate).rejects.toThrow(/^failed to SaveBooking: .*duplicate key/);
    await expect(duplicate).rejects.toHaveProperty('cause.code', '23505');
    await expect(repository.SaveBooking(aborted(), booking('2023-05-01T12:00:00Z'))).rejects.toThrow(
      /^failed to SaveBooking: This operation was aborted/,
    );
    await expect(repository.DeleteBooking(aborted(), b)).rejects.toThrow(
      /^failed to DeleteBooking: This operation was aborted/,
    );
    expect(await rowOf(b.ID())).toBeDefined();
  });

  it('answers a hairdresser’s day from its own query path, earliest first, without the entity', async () => {
    const other = crypto.randomUUID();
    const late = booking('2023-06-02T15:00:00Z', 60, other);
    const early = booking('2023-06-02T09:00:00Z', 30, other);
    const nextDay = booking('2023-06-03T09:00:00Z', 30, other);
    for (const b of [late, early, nextDay]) await repository.SaveBooking(Background(), b);
    const calendar = new PostgresHairDresserCalendar(opened.db);
    expect(
      await calendar.BookingsOf(
        Background(),
        other,
        new Date('2023-06-02T00:00:00Z'),
        new Date('2023-06-03T00:00:00Z'),
      ),
    ).toEqual([
      { bookingID: early.ID(), from: '2023-06-02T09:00:00.000Z', to: '2023-06-02T09:30:00.000Z' },
      { bookingID: late.ID(), from: '2023-06-02T15:00:00.000Z', to: '2023-06-02T16:00:00.000Z' },
    ]);
  });
});

describe('NewPostgresRepository: a pool of its own, kept for the repository’s lifetime (REP-T3)', () => {
  let opened: Awaited<ReturnType<typeof openBuildingBlocks>>;
  beforeAll(async () => {
    opened = await openBuildingBlocks(testDatabases.find((db) => db.backend === 'postgres')!);
  });
  afterAll(() => opened?.close());

  it('still works long after it was made (the book’s closed its connection in the constructor), until Close', async () => {
    const repository = await NewPostgresRepository(Background(), opened.url!);
    const bookings = [booking('2023-07-01T09:00:00Z'), booking('2023-07-01T10:00:00Z')];
    await Promise.all(bookings.map((b) => repository.SaveBooking(Background(), b)));
    await repository.DeleteBooking(Background(), bookings[0]!);
    const { rows } = await opened.db.query<{ id: string }>(
      'SELECT id FROM coffeeco_building_blocks.bookings',
    );
    expect(rows.map((row) => row.id)).toEqual([bookings[1]!.ID()]);
    await repository.Close();
    await expect(repository.SaveBooking(Background(), booking('2023-07-01T11:00:00Z'))).rejects.toThrow(
      /^failed to SaveBooking: /,
    );
  });

  it('says "failed to connect to db: " when the database cannot be reached', async () => {
    const nowhere = new URL(testServerUrl);
    nowhere.pathname = `/no_such_database_${crypto.randomUUID().slice(0, 8)}`;
    await expect(NewPostgresRepository(Background(), nowhere.toString())).rejects.toThrow(
      /^failed to connect to db: .*does not exist/,
    );
  });
});
