import type { Transaction } from "kysely";
import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { Database } from "#db/schema.ts";
import type { AppContext } from "../context.server.ts";
import { enqueue } from "../outbox.server.ts";
import { CONTRACT_NAMES } from "./contracts.server.ts";
import { PLATFORM_HOLDER, organisationHolder } from "./keys.server.ts";
import type { SendResult } from "./ledger.server.ts";
import { ensureOrganisationRoles } from "./setup.server.ts";

/**
 * Writes to the ledger travel through the outbox (ARCHITECTURE.md §2): a service enqueues a
 * `ledger.send` job in the same transaction as the change it records, and the worker delivers it.
 *
 * Arguments are JSON: amounts and other integers as decimal strings, hashes and ids as `0x…`
 * hex. An argument `{ "$account": "<organisation id>" | "platform" | "guarantee-beneficiary:<id>" }`
 * (at any depth) stands for that party's ledger account, so services never need to know addresses.
 */
export const LEDGER_SEND = "ledger.send";

/** A holder the platform keeps for a party other than an organisation: a guarantee's beneficiary account (decision 0059). */
const KEPT_HOLDER = /^guarantee-beneficiary:[0-9a-f-]{36}$/;

const Actor = z.union([
  z.literal("platform"),
  z.object({ organisationId: z.string().uuid() }),
  z.object({ holder: z.string().regex(KEPT_HOLDER) }),
]);

export const LedgerWrite = z.object({
  contract: z.enum(CONTRACT_NAMES),
  method: z.string().regex(/^[a-zA-Z]\w*$/),
  args: z.array(z.unknown()),
  actor: Actor,
});
export type LedgerWrite = z.infer<typeof LedgerWrite>;

export const accountOf = (who: "platform" | { organisationId: string }) => ({
  $account: who === "platform" ? "platform" : who.organisationId,
});

/** Queues `write` under `key` (the idempotency key: the same key is delivered once) inside `trx`. */
export async function enqueueLedgerWrite(trx: Transaction<Database>, key: string, write: LedgerWrite, now: Date, runAfter?: Date) {
  return enqueue(trx, { kind: LEDGER_SEND, key, payload: LedgerWrite.parse(write), ...(runAfter ? { runAfter } : {}) }, now);
}

/** The `ledger.send` job: resolves accounts, makes sure roles are in place, sends once. */
export async function deliverLedgerWrite(app: AppContext, key: string, payload: unknown): Promise<SendResult> {
  const write = LedgerWrite.parse(payload);
  const ledger = app.ledger;
  if (!ledger) throw new AppError("LEDGER_UNAVAILABLE", {}, { cause: new Error("this process runs no ledger client") });
  const resolve = async (v: unknown): Promise<unknown> => {
    if (Array.isArray(v)) return Promise.all(v.map(resolve));
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.$account === "string" && Object.keys(o).length === 1) {
        if (o.$account === "platform") return ledger.deps.accounts.addressOf(PLATFORM_HOLDER);
        if (KEPT_HOLDER.test(o.$account)) return ledger.deps.accounts.addressOf(o.$account);
        return ensureOrganisationRoles(app, ledger, o.$account);
      }
      return Object.fromEntries(await Promise.all(Object.entries(o).map(async ([k, x]) => [k, await resolve(x)] as const)));
    }
    return v;
  };
  const args = (await resolve(write.args)) as unknown[];
  let holder = PLATFORM_HOLDER;
  if (write.actor !== "platform" && "holder" in write.actor) holder = write.actor.holder;
  else if (write.actor !== "platform") {
    await ensureOrganisationRoles(app, ledger, write.actor.organisationId);
    holder = organisationHolder(write.actor.organisationId);
  }
  return ledger.send(key, { holder, contract: write.contract, method: write.method, args });
}
