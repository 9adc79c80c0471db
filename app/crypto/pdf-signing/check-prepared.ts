/**
 * What the browser checks before it lets a person's key sign what the server prepared (decision
 * 55). The signing key also signs bids and confirmations, so the browser never signs opaque bytes:
 * the DER it is handed must be CMS signed attributes (RFC 5652 §5.4) with exactly content-type,
 * message-digest and signing-certificate-v2, whose message digest is the SHA-256 of the ByteRange
 * of the very PDF the person was shown (covering the whole file but the empty /Contents), and
 * whose certificate hash is the person's chosen certificate. Browser and Node (WebCrypto).
 */

import { children, expect as expectTlv, readDer, readOid, Tag, value } from "../pki/der-reader.ts";
import { bytesToHex, equalBytes } from "../pki/der.ts";

const OID = {
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  data: "1.2.840.113549.1.7.1",
} as const;

export class PreparedSignatureError extends Error {
  override name = "PreparedSignatureError";
}

const sha256 = async (subtle: SubtleCrypto, bytes: Uint8Array) =>
  new Uint8Array(await subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));

/** The last `/ByteRange [a b c d]` of the file: the pending signature an incremental update appends last. */
export function lastByteRange(pdf: Uint8Array): [number, number, number, number] {
  // latin1 keeps one character per byte, so string offsets are byte offsets.
  const text = new TextDecoder("latin1").decode(pdf);
  const matches = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = matches[matches.length - 1];
  if (!last) throw new PreparedSignatureError("the PDF has no /ByteRange");
  return [Number(last[1]), Number(last[2]), Number(last[3]), Number(last[4])];
}

/**
 * Throws PreparedSignatureError unless `signedAttributesDer` is a document signature over exactly
 * `pdf` by `certificateDer`. Returns the SHA-256 (hex) of the whole prepared PDF, for display.
 */
export async function checkPreparedSignature(input: {
  pdf: Uint8Array;
  signedAttributesDer: Uint8Array;
  certificateDer: Uint8Array;
  subtle: SubtleCrypto;
}): Promise<{ documentSha256: string }> {
  const { pdf, subtle } = input;
  const [a, b, c, d] = lastByteRange(pdf);
  if (a !== 0 || b <= 0 || c <= b || c + d !== pdf.length)
    throw new PreparedSignatureError("the prepared signature does not cover the whole document");
  const covered = new Uint8Array(b + d);
  covered.set(pdf.subarray(0, b), 0);
  covered.set(pdf.subarray(c, c + d), b);
  const digest = await sha256(subtle, covered);

  let attributes: ReturnType<typeof children>;
  try {
    const set = readDer(input.signedAttributesDer);
    if (set.cls !== 0 || set.tag !== Tag.SET || !set.constructed) throw new PreparedSignatureError("not a SET OF attributes");
    attributes = children(set);
  } catch (e) {
    throw e instanceof PreparedSignatureError ? e : new PreparedSignatureError(`not DER signed attributes: ${(e as Error).message}`);
  }
  const seen = new Map<string, Uint8Array>();
  for (const attribute of attributes) {
    const [oidTlv, valuesTlv] = children(expectTlv(attribute, Tag.SEQUENCE, "Attribute"));
    const oid = readOid(oidTlv!);
    const values = children(expectTlv(valuesTlv, Tag.SET, "AttributeValues"));
    if (values.length !== 1 || seen.has(oid)) throw new PreparedSignatureError(`attribute ${oid} is not single-valued`);
    seen.set(oid, values[0]!.buf.subarray(values[0]!.start, values[0]!.end));
  }
  const expected = [OID.contentType, OID.messageDigest, OID.signingCertificateV2];
  if (seen.size !== expected.length || !expected.every((o) => seen.has(o)))
    throw new PreparedSignatureError(`unexpected attributes: ${[...seen.keys()].join(", ")}`);

  if (readOid(readDer(seen.get(OID.contentType)!)) !== OID.data) throw new PreparedSignatureError("content type is not id-data");
  const messageDigest = value(expectTlv(readDer(seen.get(OID.messageDigest)!), Tag.OCTET_STRING, "messageDigest"));
  if (!equalBytes(messageDigest, digest)) throw new PreparedSignatureError("the message digest is not the digest of the document shown");
  // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, ESSCertIDv2 ::= SEQUENCE { [hashAlgorithm,] certHash OCTET STRING, … }
  const [certs] = children(expectTlv(readDer(seen.get(OID.signingCertificateV2)!), Tag.SEQUENCE, "SigningCertificateV2"));
  const [essCertId] = children(expectTlv(certs, Tag.SEQUENCE, "certs"));
  const fields = children(expectTlv(essCertId, Tag.SEQUENCE, "ESSCertIDv2"));
  const certHashTlv = fields[0]?.tag === Tag.SEQUENCE ? fields[1] : fields[0];
  if (fields[0]?.tag === Tag.SEQUENCE && readOid(children(fields[0])[0]!) !== "2.16.840.1.101.3.4.2.1")
    throw new PreparedSignatureError("the certificate hash is not SHA-256");
  const certHash = value(expectTlv(certHashTlv, Tag.OCTET_STRING, "certHash"));
  if (!equalBytes(certHash, await sha256(subtle, input.certificateDer)))
    throw new PreparedSignatureError("the signed attributes name another certificate");

  return { documentSha256: bytesToHex(await sha256(subtle, pdf)) };
}
