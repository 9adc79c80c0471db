import { X509Certificate, constants, createPrivateKey, sign } from "node:crypto";

/**
 * Whoever holds the key. The server prepares the PDF and the DER of the signed attributes; a
 * Signer turns that DER into an RSASSA-PKCS1-v1_5 / SHA-256 signature (RFC 5652 §5.5, RFC 8017
 * §8.2). The platform's key signs on the server (`platformSigner`); a person's key signs in the
 * browser (WebCrypto `RSASSA-PKCS1-v1_5` with `SHA-256` over the same bytes), and the result comes
 * back to `embedPdfSignature`.
 */
export interface Signer {
  /** DER certificates, the signer's first, then its issuing CA. */
  readonly certificateChainDer: readonly Uint8Array[];
  /** Signs the DER `SET OF Attribute` (tag 0x31) exactly as given. */
  sign(signedAttributesDer: Uint8Array): Promise<Uint8Array>;
}

export class SignerError extends Error {
  override name = "SignerError";
}

/** The platform signer: an RSA key in PEM (PKCS#8 or PKCS#1) and its chain, leaf first. */
export function platformSigner(privateKeyPem: string, chainPem: readonly string[]): Signer {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== "rsa") {
    throw new SignerError(`the signing key must be RSA, got ${key.asymmetricKeyType ?? "unknown"}`);
  }
  const chain = chainPem.map((pem) => new X509Certificate(pem));
  const [leaf] = chain;
  if (!leaf) throw new SignerError("the certificate chain is empty");
  // Catch a mismatched key here rather than as an invalid signature in someone's reader.
  if (!leaf.checkPrivateKey(key)) {
    throw new SignerError(`the private key does not belong to ${leaf.subject}`);
  }
  const certificateChainDer = chain.map((certificate) => new Uint8Array(certificate.raw));
  return {
    certificateChainDer,
    async sign(signedAttributesDer) {
      return new Uint8Array(
        sign("sha256", signedAttributesDer, {
          key,
          padding: constants.RSA_PKCS1_PADDING,
        }),
      );
    },
  };
}
