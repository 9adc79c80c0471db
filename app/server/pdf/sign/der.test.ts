import { describe, expect, it } from "vitest";
import {
  DerError,
  childrenOf,
  decodeObjectIdentifier,
  objectIdentifier,
  octetString,
  readNode,
  sequence,
  setOf,
  tlv,
} from "./der.server.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("DER", () => {
  it("encodes OIDs as X.690 §8.19 describes and decodes them back", () => {
    // sha256: 06 09 60 86 48 01 65 03 04 02 01
    expect(hex(objectIdentifier("2.16.840.1.101.3.4.2.1"))).toBe("0609608648016503040201");
    for (const oid of ["1.2.840.113549.1.9.16.2.47", "1.2.840.113549.1.7.2", "2.5.4.3", "2.999.1"]) {
      expect(decodeObjectIdentifier(readNode(objectIdentifier(oid)))).toBe(oid);
    }
  });

  it("uses short and long length forms", () => {
    expect(hex(octetString(new Uint8Array(3)))).toBe("0403000000");
    expect(hex(octetString(new Uint8Array(200)).subarray(0, 3))).toBe("0481c8");
    expect(hex(octetString(new Uint8Array(300)).subarray(0, 4))).toBe("0482012c");
    expect(readNode(octetString(new Uint8Array(300))).value.length).toBe(300);
  });

  it("sorts SET OF members by their encodings (X.690 §11.6)", () => {
    const a = octetString(Uint8Array.of(2));
    const b = octetString(Uint8Array.of(1));
    const c = tlv(0x02, Uint8Array.of(9));
    expect(hex(setOf([a, b, c]))).toBe(`3109${hex(c)}${hex(b)}${hex(a)}`);
  });

  it("reads nested structures as views into the original bytes", () => {
    const der = sequence(objectIdentifier("2.5.4.3"), octetString(Uint8Array.of(7, 8)));
    const [oid, octets] = childrenOf(readNode(der));
    expect(decodeObjectIdentifier(oid!)).toBe("2.5.4.3");
    expect([...octets!.value]).toEqual([7, 8]);
    expect(octets!.value.buffer).toBe(der.buffer);
  });

  it("refuses BER indefinite lengths and truncated input", () => {
    expect(() => readNode(Uint8Array.of(0x30, 0x80, 0, 0))).toThrow(DerError);
    expect(() => readNode(Uint8Array.of(0x04, 0x05, 1))).toThrow(DerError);
  });
});
