import type { Transaction } from "kysely";
import type { Database } from "#db/schema.ts";

/**
 * Writing to the outbox, inside the caller's transaction (so the message exists exactly when the
 * change it belongs to exists). `key` is the idempotency key: enqueueing the same key twice
 * keeps the first, and handlers use it to make their effect happen once.
 */
export interface OutboxMessage<K extends string = string, P = unknown> {
  kind: K;
  key: string;
  payload: P;
  /** Not before this instant (defaults to now). */
  runAfter?: Date;
  maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 10;

export async function enqueue(trx: Transaction<Database>, message: OutboxMessage, now: Date): Promise<{ enqueued: boolean }> {
  const inserted = await trx
    .insertInto("outbox")
    .values({
      kind: message.kind,
      key: message.key,
      payload: JSON.stringify(message.payload),
      status: "pending",
      max_attempts: message.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      run_after: message.runAfter ?? now,
      created_at: now,
    })
    .onConflict((oc) => oc.column("key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return { enqueued: inserted !== undefined };
}
