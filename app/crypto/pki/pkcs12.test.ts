import forge from "node-forge";
import { beforeAll, describe, expect, it } from "vitest";
import { binaryToBytes, bytesToBinary } from "./der.ts";
import { buildPkcs12Backup, Pkcs12BackupError, readPkcs12Backup } from "./pkcs12.ts";

const subtle = globalThis.crypto.subtle;
const ITER = 2048; // the format is what is tested here; the default count is tested against OpenSSL

let serial = 0;

type Party = {
  pkcs8: Uint8Array;
  key: forge.pki.rsa.PrivateKey;
  cert: forge.pki.Certificate;
  pem: string;
};

/** A WebCrypto key with a forge-made certificate, issued by `issuer` or self-signed. */
async function party(cn: string, issuer?: Party): Promise<Party> {
  const pair = await subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", pair.privateKey));
  const key = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(bytesToBinary(pkcs8))) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = (++serial).toString(16).padStart(2, "0");
  cert.validity.notBefore = new Date("2026-01-01T00:00:00Z");
  cert.validity.notAfter = new Date("2027-01-01T00:00:00Z");
  cert.setSubject([{ shortName: "CN", value: cn }]);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : [{ shortName: "CN", value: cn }]);
  cert.sign(issuer?.key ?? key, forge.md.sha256.create());
  return { pkcs8, key, cert, pem: forge.pki.certificateToPem(cert) };
}

let root: Party;
let ca: Party;
let leaf: Party;

beforeAll(async () => {
  root = await party("root");
  ca = await party("ca", root);
  leaf = await party("leaf", ca);
}, 30_000);

const build = (over: Partial<Parameters<typeof buildPkcs12Backup>[0]> = {}) =>
  buildPkcs12Backup({
    privateKeyPkcs8Der: leaf.pkcs8,
    certificatePem: leaf.pem,
    chainPem: [ca.pem, root.pem],
    password: "secret",
    friendlyName: "leaf",
    iterations: ITER,
    ...over,
  });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof Pkcs12BackupError ? e.code : `not a Pkcs12BackupError: ${String(e)}`;
  }
  return undefined;
}

describe("buildPkcs12Backup / readPkcs12Backup", () => {
  it("round-trips key, certificate and chain (chain ordered upwards whatever the input order)", () => {
    const back = readPkcs12Backup(build({ chainPem: [root.pem, ca.pem] }), "secret");
    expect(back.privateKeyPkcs8Der).toEqual(leaf.pkcs8);
    expect(back.certificatePem.replace(/\s/g, "")).toBe(leaf.pem.replace(/\s/g, ""));
    expect(back.chainPem.map((p) => forge.pki.certificateFromPem(p).subject.getField("CN").value)).toEqual(["ca", "root"]);
  });

  it("writes PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC and an HMAC-SHA256 MAC", () => {
    const der = bytesToBinary(build());
    const oids = [...der.matchAll(/\x06([\x03-\x0b])/g)].map((m) => {
      const len = m[1]!.charCodeAt(0);
      try {
        return forge.asn1.derToOid(der.slice(m.index! + 2, m.index! + 2 + len));
      } catch {
        return "";
      }
    });
    expect(oids).toContain("1.2.840.113549.1.5.13"); // PBES2
    expect(oids).toContain("1.2.840.113549.1.5.12"); // PBKDF2
    expect(oids).toContain("1.2.840.113549.2.9"); // hmacWithSHA256
    expect(oids).toContain("2.16.840.1.101.3.4.1.42"); // aes256-CBC
    expect(oids).toContain("2.16.840.1.101.3.4.2.1"); // sha256 (MAC)
    expect(oids).not.toContain("1.3.14.3.2.26"); // no SHA-1 anywhere
  });

  it("round-trips a non-ASCII password", () => {
    expect(readPkcs12Backup(build({ password: "密码🔑" }), "密码🔑").privateKeyPkcs8Der).toEqual(leaf.pkcs8);
    expect(codeOf(() => readPkcs12Backup(build({ password: "密码" }), "密碼"))).toBe("WRONG_PASSWORD");
  });

  it("says WRONG_PASSWORD, NOT_PKCS12, NO_CERTIFICATE, NO_KEY, KEY_CERT_MISMATCH", () => {
    expect(codeOf(() => readPkcs12Backup(build(), "Secret"))).toBe("WRONG_PASSWORD");
    expect(codeOf(() => readPkcs12Backup(new Uint8Array([1, 2, 3]), "secret"))).toBe("NOT_PKCS12");
    expect(codeOf(() => readPkcs12Backup(new TextEncoder().encode(leaf.pem), "secret"))).toBe("NOT_PKCS12");

    const toDer = (asn: forge.asn1.Asn1) => binaryToBytes(forge.asn1.toDer(asn).getBytes());
    const keyOnly = toDer(
      forge.pkcs12.toPkcs12Asn1(leaf.key, [], "secret", {
        algorithm: "aes256",
        generateLocalKeyId: false,
      }),
    );
    expect(codeOf(() => readPkcs12Backup(keyOnly, "secret"))).toBe("NO_CERTIFICATE");
    const wrongCert = toDer(forge.pkcs12.toPkcs12Asn1(leaf.key, [ca.cert], "secret", { algorithm: "aes256" }));
    expect(codeOf(() => readPkcs12Backup(wrongCert, "secret"))).toBe("NO_CERTIFICATE");
    const certOnly = toDer(forge.pkcs12.toPkcs12Asn1(null, [leaf.cert], "secret", { algorithm: "aes256" }));
    expect(codeOf(() => readPkcs12Backup(certOnly, "secret"))).toBe("NO_KEY");

    expect(codeOf(() => build({ certificatePem: ca.pem }))).toBe("KEY_CERT_MISMATCH");
    const error = (() => {
      try {
        readPkcs12Backup(build(), "nope");
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toBe("wrong password for this backup");
  });

  it("refuses an empty password and too few iterations", () => {
    expect(codeOf(() => build({ password: "" }))).toBe("EMPTY_PASSWORD");
    expect(() => build({ iterations: 999 })).toThrow(RangeError);
  });
});
