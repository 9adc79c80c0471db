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

const SIGNATURE_PROBLEM: Record<string, readonly [zh: string, en: string]> = {
  NOT_JWS: ["提交的内容不是签名文件", "what was sent is not a signed statement"],
  UNKNOWN_TYPE: ["签名文件的类型无法识别", "the kind of signed statement is not recognised"],
  BAD_HEADER: ["签名文件的证书信息不完整或有误", "the signed statement's certificate information is missing or malformed"],
  BAD_SIGNATURE: ["签名与证书不符，可能已被改动", "the signature does not match the certificate; it may have been altered"],
  BAD_PAYLOAD: ["签名的内容格式有误", "the signed content is malformed"],
};
const CERTIFICATE_PROBLEM: Record<string, readonly [zh: string, en: string]> = {
  EXPIRED: ["证书已过期", "the certificate has expired"],
  NOT_YET_VALID: ["证书尚未生效", "the certificate is not valid yet"],
  REVOKED: ["证书已被吊销", "the certificate has been revoked"],
  REVOCATION_UNKNOWN: [
    "暂时无法确认证书是否已被吊销，请稍后重试",
    "whether the certificate is revoked cannot be established now; try again later",
  ],
  KEY_USAGE: ["证书不允许用于签名", "the certificate may not be used for signing"],
};
const UNTRUSTED: readonly [string, string] = [
  "证书不是本平台签发的有效证书",
  "the certificate was not issued by this platform or is not valid",
];

/**
 * A signature or certificate problem in words for the signer (zh-CN, en). The technical code
 * (a SignedJsonError code, a chain failure reason) stays out of the message: callers keep it
 * in the error's params and the log.
 */
export function describeMemberSignatureProblem(problem: MemberSignatureProblem & { kind: "signature" | "certificate" }): {
  zh: string;
  en: string;
} {
  const [zh, en] =
    problem.kind === "signature"
      ? (SIGNATURE_PROBLEM[problem.code] ?? SIGNATURE_PROBLEM.BAD_SIGNATURE!)
      : (CERTIFICATE_PROBLEM[problem.reason] ?? UNTRUSTED);
  return { zh, en };
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
