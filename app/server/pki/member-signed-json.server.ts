import { X509Certificate } from "node:crypto";
import { SignedJsonError, verifySignedJson } from "#app/crypto/jws/signed-json.ts";
import type { AppContext } from "../context.server.ts";
import { currentCrl, requireCaCertificates } from "./platform-pki.server.ts";
import { verifyCertificateChain } from "./verify.server.ts";

/** Why a member's signed statement was refused; each caller words it in its own error. */
export type MemberSignatureProblem =
  { kind: "signature"; code: string } | { kind: "type" } | { kind: "certificate"; reason: string } | { kind: "not-a-member" };

export class MemberSignatureError extends Error {
  override name = "MemberSignatureError";
  constructor(readonly problem: MemberSignatureProblem) {
    super(problem.kind);
  }
}

/**
 * A JWS a member signed in the browser (an opening confirmation, a notice acknowledgement): it must
 * verify and have the expected `typ`; `checkPayload` then judges what it names (and throws its own
 * error); last, its certificate must chain to the platform root, be unrevoked at `now` and be a
 * valid certificate of a member of `organisationId`. Throws MemberSignatureError otherwise.
 */
export async function verifyMemberSignedJson<P>(
  app: AppContext,
  jws: string,
  opts: { typ: string; organisationId: string; now: Date; checkPayload: (payload: unknown) => P },
): Promise<{ payload: P; personId: string }> {
  let verified: Awaited<ReturnType<typeof verifySignedJson>>;
  try {
    verified = await verifySignedJson(jws);
  } catch (e) {
    if (e instanceof SignedJsonError) throw new MemberSignatureError({ kind: "signature", code: e.code });
    throw e;
  }
  if (verified.typ !== opts.typ) throw new MemberSignatureError({ kind: "type" });
  const payload = opts.checkPayload(verified.payload);

  const pems = verified.x5c.map((b64) => new X509Certificate(Buffer.from(b64, "base64")).toString());
  const { root, issuing } = await requireCaCertificates(app.db);
  const crl = await currentCrl(app);
  const chain = verifyCertificateChain({
    leafPem: pems[0]!,
    chainPem: [...pems.slice(1), issuing.certificatePem],
    rootPem: root.certificatePem,
    at: opts.now,
    crls: [crl.der],
    requireKeyUsage: ["digitalSignature"],
  });
  if (!chain.ok) throw new MemberSignatureError({ kind: "certificate", reason: chain.reason });
  const holder = await app.db
    .selectFrom("person_certificates")
    .select("person_id")
    .where("serial_hex", "=", chain.leaf.serialHex)
    .where("organisation_id", "=", opts.organisationId)
    .where("status", "=", "valid")
    .executeTakeFirst();
  if (!holder) throw new MemberSignatureError({ kind: "not-a-member" });
  return { payload, personId: holder.person_id };
}
