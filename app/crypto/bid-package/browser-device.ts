import { bytesToHex } from "../pki/der.ts";
import { sha256Hex } from "./seal-bid.ts";

/**
 * The browser's sealing-device fingerprint for the manifest (ARCHITECTURE.md §4; a collusion
 * signal, DOMAIN.md §5 item (1)): SHA-256 of an install id kept in this browser's IndexedDB plus
 * platform details. The same browser profile gives the same fingerprint across bids; it says
 * nothing about the person and cannot be reversed. Browser only (IndexedDB).
 */
const DB_NAME = "bidhall-device";
const STORE = "install";

function installId(): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onerror = () => reject(request.error ?? new Error("cannot open IndexedDB"));
    request.onsuccess = () => {
      const db = request.result;
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      const get = store.get("id");
      let id = "";
      get.onsuccess = () => {
        id = typeof get.result === "string" ? get.result : bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
        if (get.result !== id) store.put(id, "id");
      };
      tx.oncomplete = () => {
        db.close();
        resolve(id);
      };
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
    };
  });
}

export async function browserDeviceFingerprint(): Promise<string> {
  const details = {
    installId: await installId(),
    userAgent: navigator.userAgent,
    platform: navigator.platform,
    languages: navigator.languages,
    hardwareConcurrency: navigator.hardwareConcurrency,
    screen: [screen.width, screen.height, screen.colorDepth],
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  return sha256Hex(new TextEncoder().encode(JSON.stringify(details)));
}
