import { randomUUID } from "node:crypto";
import { ERRORS, MemoryLocker, type Lock, type Locker, type RequestRelease } from "@tus/server";
import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema.ts";

/**
 * tus locks that hold across web instances (decision 53). tus takes a lock on an upload for every
 * request that reads or writes it, so two PATCHes never append at the same offset; its
 * MemoryLocker only sees its own process. A bidder whose connection to instance A was cut resumes
 * through the load balancer on instance B, while A may still hold a dangling request for the same
 * upload.
 *
 * A lock here is two locks: tus's MemoryLocker inside the process (it asks a local holder to let go
 * at once), then a lease row in `upload_locks` shared by every instance. The holder renews the
 * lease every {@link RENEW_MS} while its request runs, and reads back whether another instance has
 * asked for the upload (`release_requested`): then it calls tus's release callback, which ends its
 * request and unlocks. A holder that died stops renewing and its lease expires after
 * {@link LEASE_SECONDS}. Times are the database's (`clock_timestamp()`): real elapsed time, the
 * same for every instance, whatever the platform clock says.
 */
export const LEASE_SECONDS = 20;
export const RENEW_MS = 1_000;
const POLL_MS = 200;

export class SharedUploadLocker implements Locker {
  private readonly local: MemoryLocker;

  constructor(
    private readonly db: Kysely<Database>,
    readonly acquireTimeoutMs = 30_000,
  ) {
    this.local = new MemoryLocker({ acquireLockTimeout: acquireTimeoutMs });
  }

  newLock(id: string): Lock {
    return new SharedUploadLock(this.db, id, this.local.newLock(id), this.acquireTimeoutMs);
  }
}

class SharedUploadLock implements Lock {
  private readonly token = randomUUID();
  private renewal: NodeJS.Timeout | undefined;
  private held = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly id: string,
    private readonly local: Lock,
    private readonly timeoutMs: number,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    await this.local.lock(signal, requestRelease);
    try {
      await this.acquireLease(signal);
    } catch (e) {
      await this.local.unlock();
      throw e;
    }
    this.held = true;
    this.renewal = setInterval(() => void this.renew(requestRelease), RENEW_MS);
    this.renewal.unref();
  }

  async unlock(): Promise<void> {
    clearInterval(this.renewal);
    if (this.held) {
      this.held = false;
      await this.db.deleteFrom("upload_locks").where("upload_id", "=", this.id).where("holder", "=", this.token).execute();
    }
    await this.local.unlock();
  }

  private async acquireLease(signal: AbortSignal): Promise<void> {
    const giveUpAt = Date.now() + this.timeoutMs;
    let asked = false;
    for (;;) {
      const { rows } = await sql<{ holder: string }>`
        insert into upload_locks (upload_id, holder, expires_at)
        values (${this.id}, ${this.token}, clock_timestamp() + make_interval(secs => ${LEASE_SECONDS}))
        on conflict (upload_id) do update
          set holder = excluded.holder, expires_at = excluded.expires_at, release_requested = false
          where upload_locks.expires_at < clock_timestamp()
        returning holder`.execute(this.db);
      if (rows[0]?.holder === this.token) return;
      if (!asked) {
        // Another instance holds it: ask it to let go (its next renewal sees this).
        await this.db.updateTable("upload_locks").set({ release_requested: true }).where("upload_id", "=", this.id).execute();
        asked = true;
      }
      if (signal.aborted || Date.now() >= giveUpAt) throw ERRORS.ERR_LOCK_TIMEOUT;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async renew(requestRelease: RequestRelease): Promise<void> {
    if (!this.held) return;
    try {
      const row = await this.db
        .updateTable("upload_locks")
        .set({ expires_at: sql<Date>`clock_timestamp() + make_interval(secs => ${LEASE_SECONDS})` })
        .where("upload_id", "=", this.id)
        .where("holder", "=", this.token)
        .returning("release_requested")
        .executeTakeFirst();
      // Asked for by another instance, or lost (expired and taken): end this request.
      if (!row || row.release_requested) await requestRelease();
    } catch {
      // The database hiccupped: the lease runs on until the next renewal or its expiry.
    }
  }
}
