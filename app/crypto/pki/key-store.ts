/**
 * The browser's certificate store (ARCHITECTURE.md §3 "Key model in the browser"): one IndexedDB
 * record per certificate, keyed by its serial, holding the certificate, its chain and the two
 * non-extractable private keys (signing and unwrapping). CryptoKeys are structured-cloneable, so
 * IndexedDB keeps them without ever exposing their bytes. Browser only (no IndexedDB in Node).
 */

export interface StoredCertificate {
  /** lowercase hex, as the platform writes serials */
  serialHex: string;
  certificatePem: string;
  chainPem: string[];
  personName: string;
  organisationName: string;
  /** ISO-8601 */
  notAfter: string;
  /** RSASSA-PKCS1-v1_5 SHA-256, non-extractable */
  signingKey: CryptoKey;
  /** RSA-OAEP SHA-256, non-extractable */
  decryptionKey: CryptoKey;
  importedAt: string;
  /**
   * Where the key came from (issue 13, asked before deleting it): `enrolment` — generated here, its
   * backup offered for download as `backupFileName`; `backup` — imported from the backup file
   * `backupFileName`. Absent in records stored before it was kept: not known.
   */
  origin?: "enrolment" | "backup";
  backupFileName?: string;
}

const DB_NAME = "bidhall-keys";
const STORE = "certificates";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: "serialHex" });
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

export function saveCertificate(record: StoredCertificate): Promise<IDBValidKey> {
  if (record.signingKey.extractable || record.decryptionKey.extractable) {
    return Promise.reject(new TypeError("only non-extractable keys are stored"));
  }
  return run("readwrite", (s) => s.put(record));
}

export async function listCertificates(): Promise<StoredCertificate[]> {
  const all = await run<StoredCertificate[]>("readonly", (s) => s.getAll() as IDBRequest<StoredCertificate[]>);
  return all.sort((a, b) => b.importedAt.localeCompare(a.importedAt));
}

export function getCertificate(serialHex: string): Promise<StoredCertificate | undefined> {
  return run<StoredCertificate | undefined>("readonly", (s) => s.get(serialHex) as IDBRequest<StoredCertificate | undefined>);
}

export async function deleteCertificate(serialHex: string): Promise<void> {
  await run("readwrite", (s) => s.delete(serialHex));
}
