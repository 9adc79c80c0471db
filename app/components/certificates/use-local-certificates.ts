import { useCallback, useEffect, useState } from "react";
import { listCertificates, type StoredCertificate } from "#app/crypto/pki/key-store.ts";

/**
 * The certificates this browser holds in IndexedDB. `null` until read (and during server
 * rendering, where there is no IndexedDB); `refresh` after an import or removal.
 */
export function useLocalCertificates(): { certificates: StoredCertificate[] | null; error: string | null; refresh: () => void } {
  const [certificates, setCertificates] = useState<StoredCertificate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    listCertificates().then(
      (list) => setCertificates(list),
      (e: unknown) => {
        setError(e instanceof Error ? e.message : String(e));
        setCertificates([]);
      },
    );
  }, []);
  useEffect(refresh, [refresh]);
  return { certificates, error, refresh };
}
