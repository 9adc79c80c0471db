import { PDFDocument, PDFName, type PDFNumber, PDFRef, PDFDict } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { latin1, tinyPdf } from "#test/fixtures/pdf/tiny-pdf.ts";
import { IncrementalUpdateError, appendIncrementalUpdate, lastStartXref, lastTrailerSize } from "./incremental.server.ts";

const body = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));

describe("incremental updates", () => {
  it("append objects, an xref section and a trailer after the untouched original", () => {
    const original = tinyPdf();
    const updated = appendIncrementalUpdate(
      original,
      [
        {
          objectNumber: 3,
          generation: 0,
          body: body("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>"),
        },
        { objectNumber: 4, generation: 0, body: body("<< /Answer 42 >>") },
      ],
      { size: 5, root: "1 0 R" },
    );
    expect(Buffer.from(updated.subarray(0, original.length))).toEqual(Buffer.from(original));

    const tail = latin1(updated.subarray(original.length));
    expect(tail).toMatch(/^3 0 obj\n/);
    expect(tail).toContain("xref\n3 2\n");
    expect(tail).toContain(`/Prev ${lastStartXref(original)}`);
    expect(tail).toMatch(/\/Size 5\n\/Root 1 0 R\n/);

    // Every xref entry is 20 bytes and points at its "N 0 obj".
    const text = latin1(updated);
    const firstEntry = lastStartXref(updated) + "xref\n3 2\n".length;
    for (const [i, number] of [3, 4].entries()) {
      const line = text.slice(firstEntry + 20 * i, firstEntry + 20 * (i + 1));
      expect(line).toMatch(/^\d{10} 00000 n\r\n$/);
      expect(text.slice(Number(line.slice(0, 10))).startsWith(`${number} 0 obj`)).toBe(true);
    }
    expect(lastTrailerSize(updated)).toBe(5);
  });

  it("produce a file a PDF reader resolves to the newest objects", async () => {
    const updated = appendIncrementalUpdate(
      tinyPdf(),
      [
        {
          objectNumber: 3,
          generation: 0,
          body: body("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>"),
        },
      ],
      { size: 4, root: "1 0 R" },
    );
    const doc = await PDFDocument.load(updated);
    expect(doc.getPage(0).getSize()).toEqual({ width: 300, height: 300 });
    const again = appendIncrementalUpdate(updated, [{ objectNumber: 4, generation: 0, body: body("<< /Answer 42 >>") }], {
      size: 5,
      root: "1 0 R",
    });
    const reloaded = await PDFDocument.load(again);
    const answer = reloaded.context.lookup(PDFRef.of(4), PDFDict).get(PDFName.of("Answer"));
    expect((answer as PDFNumber).asNumber()).toBe(42);
  });

  it("start the appended part on a new line even when the original ends at %%EOF", () => {
    const original = tinyPdf();
    const trimmed = original.subarray(0, original.length - 1);
    const updated = appendIncrementalUpdate(trimmed, [{ objectNumber: 4, generation: 0, body: body("null") }], {
      size: 5,
      root: "1 0 R",
    });
    expect(latin1(updated.subarray(trimmed.length - 5, trimmed.length + 9))).toBe("%%EOF\n4 0 obj\n");
  });

  it("refuse files whose newest cross-reference section is a stream", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const withStreams = await doc.save({ useObjectStreams: true });
    expect(() =>
      appendIncrementalUpdate(withStreams, [{ objectNumber: 1, generation: 0, body: body("null") }], {
        size: 10,
        root: "1 0 R",
      }),
    ).toThrow(IncrementalUpdateError);
  });

  it("refuse object numbers outside the declared /Size", () => {
    expect(() =>
      appendIncrementalUpdate(tinyPdf(), [{ objectNumber: 9, generation: 0, body: body("null") }], {
        size: 5,
        root: "1 0 R",
      }),
    ).toThrow(/outside/);
  });
});
