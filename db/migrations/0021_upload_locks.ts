import { sql, type Kysely } from "kysely";

/**
 * Leases on unfinished tus uploads shared by every web instance (decision 53): the instance that
 * receives a PATCH holds the upload's row, renewing `expires_at` (database time, real elapsed time)
 * while the request runs; another instance that needs the upload asks it to let go
 * (`release_requested`) and takes the row once it is deleted or expired.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("upload_locks")
    .addColumn("upload_id", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("release_requested", "boolean", (c) => c.notNull().defaultTo(sql`false`))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
