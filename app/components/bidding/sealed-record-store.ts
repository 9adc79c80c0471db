import { SealedRecord } from "./sealed-record.ts";

/**
 * This browser's records of the bids it sealed and submitted (decision 44): one IndexedDB record
 * per bid package, keyed by the package digest that the platform's receipt repeats. Written when
 * the bidder starts the upload of an envelope (an envelope discarded before upload leaves nothing
 * behind), read by the receipt page, removed by the bidder from that page. Never sent anywhere.
 * Browser only (no IndexedDB on the server).
 */
const DB_NAME = "bidhall-sealed-bids";
const STORE = "records";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: "packageDigest" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("cannot open IndexedDB"));
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? request.error ?? new Error("IndexedDB transaction failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  } finally {
    db.close();
  }
}

export async function saveSealedRecord(record: SealedRecord): Promise<void> {
  await run("readwrite", (s) => s.put(SealedRecord.parse(record)));
}

/** The record of this package digest, or null: none kept here, or one that is not a record of ours. */
export async function getSealedRecord(packageDigest: string): Promise<SealedRecord | null> {
  const stored = await run<unknown>("readonly", (s) => s.get(packageDigest.toLowerCase()));
  const parsed = SealedRecord.safeParse(stored);
  return parsed.success && parsed.data.packageDigest === packageDigest.toLowerCase() ? parsed.data : null;
}

export async function deleteSealedRecord(packageDigest: string): Promise<void> {
  await run("readwrite", (s) => s.delete(packageDigest.toLowerCase()));
}
