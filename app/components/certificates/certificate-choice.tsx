import type { StoredCertificate } from "#app/crypto/pki/key-store.ts";

/**
 * The certificates stored in this browser as radio choices (person · organisation, serial, valid
 * until): one list for certificate login and for signing a document.
 */
export function CertificateChoice({
  certificates,
  selected,
  onChoose,
  validUntil,
}: {
  certificates: readonly StoredCertificate[];
  selected: string | null;
  onChoose: (serialHex: string) => void;
  /** The "valid until …" text for a certificate, in the page's language. */
  validUntil: (certificate: StoredCertificate) => string;
}) {
  return certificates.map((c) => (
    <label key={c.serialHex} className="cert-choice" data-serial={c.serialHex}>
      <input type="radio" name="serial" value={c.serialHex} checked={selected === c.serialHex} onChange={() => onChoose(c.serialHex)} />
      <span>
        <strong>{c.personName}</strong> · {c.organisationName}
        <br />
        <small className="muted mono">
          {c.serialHex.toUpperCase()} · {validUntil(c)}
        </small>
      </span>
    </label>
  ));
}
