import type { DomainEvent } from '../ddd/index.js';

export type Metadata = Readonly<Record<string, unknown>>;

export interface NewEvent extends DomainEvent {
  /** A stable id makes a retried append recognisable; one is generated when absent. */
  readonly id?: string;
  readonly metadata?: Metadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> extends DomainEvent<Type, Data> {
  readonly id: string;
  readonly streamName: string;
  readonly streamVersion: number;
  /** Place in the schema's global order; positions only grow, in commit order. */
  readonly position: number;
  readonly metadata: Metadata;
  readonly recordedAt: Date;
}
