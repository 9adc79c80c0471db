import forge from "node-forge";
import { beforeAll, describe, expect, it } from "vitest";
import { binaryToBytes, bytesToBinary, pemToDer } from "./der.ts";
import { buildCsr, ENROLMENT_MODULUS_BITS, generateEnrolmentKey, importNonExtractableKeys } from "./enrolment.ts";

const subtle = globalThis.crypto.subtle;
let keys: CryptoKeyPair;

beforeAll(async () => {
  keys = await generateEnrolmentKey(subtle);
}, 30_000);

describe("generateEnrolmentKey", () => {
  it("makes an extractable RSA-3072 RSASSA-PKCS1-v1_5 / SHA-256 key pair with exponent 65537", () => {
    expect(keys.privateKey.extractable).toBe(true);
    expect(keys.privateKey.usages).toEqual(["sign"]);
    const alg = keys.privateKey.algorithm as RsaHashedKeyAlgorithm;
    expect(alg.name).toBe("RSASSA-PKCS1-v1_5");
    expect(alg.modulusLength).toBe(ENROLMENT_MODULUS_BITS);
    expect(alg.modulusLength).toBe(3072);
    expect([...alg.publicExponent]).toEqual([1, 0, 1]);
    expect(alg.hash.name).toBe("SHA-256");
  });
});

describe("buildCsr", () => {
  it("builds a PKCS#10 request that an independent implementation (forge) verifies", async () => {
    const pem = await buildCsr(keys, subtle, { commonName: "张三" });
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const csr = forge.pki.certificationRequestFromPem(pem);
    expect(csr.verify()).toBe(true);
    expect(csr.version).toBe(0);
    const cn = csr.subject.getField("CN") as { value: string; valueTagClass: number };
    expect(cn.valueTagClass).toBe(forge.asn1.Type.UTF8);
    expect(forge.util.decodeUtf8(cn.value)).toBe("张三");
    expect(csr.signatureOid).toBe(forge.pki.oids.sha256WithRSAEncryption);
    // the public key in the request is the WebCrypto key, byte for byte
    const spki = new Uint8Array(await subtle.exportKey("spki", keys.publicKey));
    const fromCsr = binaryToBytes(forge.asn1.toDer(forge.pki.publicKeyToAsn1(csr.publicKey as forge.pki.rsa.PublicKey)).getBytes());
    expect(fromCsr).toEqual(spki);
  });

  it("fails verification when signed by a different key", async () => {
    const other = await subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    );
    const pem = await buildCsr({ publicKey: keys.publicKey, privateKey: other.privateKey }, subtle, { commonName: "x" });
    let verified: boolean;
    try {
      verified = forge.pki.certificationRequestFromPem(pem).verify();
    } catch {
      verified = false; // forge throws when the signature length does not match the modulus
    }
    expect(verified).toBe(false);
    // sanity: the DER parses as one structure
    expect(forge.asn1.fromDer(bytesToBinary(pemToDer(pem, "CERTIFICATE REQUEST")))).toBeDefined();
  });

  it("refuses keys of another algorithm and an empty name", async () => {
    const pss = await subtle.generateKey(
      {
        name: "RSA-PSS",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    );
    await expect(buildCsr(pss, subtle, { commonName: "x" })).rejects.toThrow(TypeError);
    await expect(buildCsr(keys, subtle, { commonName: "" })).rejects.toThrow(TypeError);
  });
});

describe("importNonExtractableKeys", () => {
  it("imports the key for signing and for OAEP unwrapping, neither exportable", async () => {
    const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", keys.privateKey));
    const { signingKey, decryptionKey } = await importNonExtractableKeys(pkcs8, subtle);
    expect(signingKey.extractable).toBe(false);
    expect(signingKey.usages).toEqual(["sign"]);
    expect(decryptionKey.extractable).toBe(false);
    expect([...decryptionKey.usages].sort()).toEqual(["decrypt", "unwrapKey"]);
    await expect(subtle.exportKey("pkcs8", decryptionKey)).rejects.toThrow();

    const data = new TextEncoder().encode("bid");
    const sig = await subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, signingKey, data);
    expect(await subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, keys.publicKey, sig, data)).toBe(true);

    const oaepPublic = await subtle.importKey(
      "spki",
      await subtle.exportKey("spki", keys.publicKey),
      { name: "RSA-OAEP", hash: "SHA-256" },
      false,
      ["encrypt", "wrapKey"],
    );
    const aes = await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
    const wrapped = await subtle.wrapKey("raw", aes, oaepPublic, { name: "RSA-OAEP" });
    const unwrapped = await subtle.unwrapKey("raw", wrapped, decryptionKey, { name: "RSA-OAEP" }, { name: "AES-GCM" }, true, ["decrypt"]);
    expect(new Uint8Array(await subtle.exportKey("raw", unwrapped))).toEqual(new Uint8Array(await subtle.exportKey("raw", aes)));
  });
});
