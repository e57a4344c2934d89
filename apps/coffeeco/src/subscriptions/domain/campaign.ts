/**
 * A marketing campaign as subscriptions understands it (the book's `Campaign`): what it is called, what it aims
 * at, and the day it ends. Marketing says the same things its own way (`metadata.name`, `category`, a date as
 * text); the anti-corruption layer (adapters/acl) translates, so nothing here knows marketing's model (ACL-4).
 */
export interface Campaign {
  readonly ID: string;
  readonly Title: string;
  readonly Goal: string;
  /** The day it ends, at midnight UTC. */
  readonly EndDate: Date;
}

/** The end date as a calendar day, YYYY-MM-DD (what it is: a day, not an instant). */
export const endDay = (campaign: Campaign) => campaign.EndDate.toISOString().slice(0, 10);
