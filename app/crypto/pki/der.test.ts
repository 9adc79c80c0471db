import { describe, expect, it } from "vitest";
import {
  base64ToBytes,
  binaryToBytes,
  bytesToBase64,
  bytesToBinary,
  bytesToHex,
  derToPem,
  equalBytes,
  hexToBytes,
  pemBlocks,
  pemToDer,
  toBytes,
} from "./der.ts";
import { children, DerError, readDer, readOid, readTime, readUnsignedHex, readString, raw } from "./der-reader.ts";

describe("byte conversions", () => {
  it("round-trips binary strings, hex and base64, including large inputs", () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
    expect(equalBytes(binaryToBytes(bytesToBinary(bytes)), bytes)).toBe(true);
    expect(equalBytes(base64ToBytes(bytesToBase64(bytes)), bytes)).toBe(true);
    expect(hexToBytes(bytesToHex(bytes.subarray(0, 300)))).toEqual(bytes.subarray(0, 300));
    expect(() => binaryToBytes("张")).toThrow(TypeError);
    expect(() => hexToBytes("abc")).toThrow(TypeError);
  });

  it("copies views into fresh buffers", () => {
    const backing = new Uint8Array([1, 2, 3, 4]);
    const copy = toBytes(backing.subarray(1, 3));
    expect(copy).toEqual(new Uint8Array([2, 3]));
    copy[0] = 9;
    expect(backing[1]).toBe(2);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
  });

  it("writes RFC 7468 PEM with 64-character lines and reads blocks back", () => {
    const der = new Uint8Array(100).fill(0xab);
    const pem = derToPem("CERTIFICATE", der);
    const lines = pem.trim().split("\n");
    expect(lines[0]).toBe("-----BEGIN CERTIFICATE-----");
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-1)).toBe("-----END CERTIFICATE-----");
    expect(pemToDer(`text before\n${pem}text after`, "CERTIFICATE")).toEqual(der);
    const two = pem + derToPem("X509 CRL", new Uint8Array([1]));
    expect(pemBlocks(two).map((b) => b.label)).toEqual(["CERTIFICATE", "X509 CRL"]);
    expect(() => pemToDer(two + pem, "CERTIFICATE")).toThrow(/exactly one/);
    expect(() => pemToDer(pem, "PRIVATE KEY")).toThrow(/found 0/);
  });
});

describe("DER reader", () => {
  it("reads nested values with their exact byte ranges", () => {
    // SEQUENCE { OID 2.5.4.97, UTF8String "张", INTEGER 0x00ff, UTCTime 260301080000Z, GeneralizedTime 20500101000000Z }
    const der = hexToBytes(
      "302e" + "0603550461" + "0c03e5bca0" + "020200ff" + "170d3236303330313038303030305a" + "180f32303530303130313030303030305a",
    );
    const seq = readDer(der);
    const [oid, str, int, utc, gen] = children(seq);
    expect(readOid(oid!)).toBe("2.5.4.97");
    expect(readString(str!)).toBe("张");
    expect(readUnsignedHex(int!)).toBe("ff");
    expect(readTime(utc!).toISOString()).toBe("2026-03-01T08:00:00.000Z");
    expect(readTime(gen!).toISOString()).toBe("2050-01-01T00:00:00.000Z");
    expect(raw(int!)).toEqual(hexToBytes("020200ff"));
  });

  it("rejects what is not DER", () => {
    expect(() => readDer(hexToBytes("3080020100" + "0000"))).toThrow(DerError); // indefinite length
    expect(() => readDer(hexToBytes("3004020101"))).toThrow(DerError); // truncated
    expect(() => readDer(hexToBytes("30030201010a"))).toThrow(DerError); // trailing bytes
    expect(() => readDer(hexToBytes("3081030201010000"))).toThrow(DerError); // non-minimal length
    expect(() => readUnsignedHex(readDer(hexToBytes("020180")))).toThrow(/negative/);
  });
});
