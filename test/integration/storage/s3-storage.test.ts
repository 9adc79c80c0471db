import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "#app/server/config.server.ts";
import { S3Storage } from "#app/server/storage-s3.server.ts";
import { checkStorage, storageFor } from "#app/server/storage.server.ts";
import { startS3Server, S3RVER_CREDENTIALS, type TestS3Server } from "#test/setup/s3-server.ts";

/**
 * The object store behind the Storage interface (decision 52) against a real S3-protocol server:
 * streaming puts (single and multipart), reads back byte for byte, the SHA-256 we record, and the
 * one-line refusals that stop production mode.
 */
describe("S3 storage", () => {
  let s3: TestS3Server;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  const config = (env: Record<string, string>) => loadConfig({ STORAGE_ENDPOINT: s3.endpoint, ...env });

  beforeAll(async () => {
    s3 = await startS3Server(["bidhall-files"]);
    process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
  });
  afterAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    await s3?.stop();
  });

  const read = async (stream: Readable) => {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };

  it("stores a small file and a multipart one under the prefix, and reads them back byte for byte", async () => {
    const storage = storageFor({ config: config({ STORAGE_URL: "s3://bidhall-files/centre-a/" }) });
    await checkStorage({ config: config({ STORAGE_URL: "s3://bidhall-files/centre-a" }) });

    const small = Buffer.from("一份小文件 a small file");
    const storedSmall = await storage.put("records/x/small.pdf", small);
    expect(storedSmall).toEqual({
      key: "records/x/small.pdf",
      size: small.length,
      sha256: createHash("sha256").update(small).digest("hex"),
    });
    expect((await read(await storage.get("records/x/small.pdf"))).equals(small)).toBe(true);

    // 20 MiB in 1 MiB chunks from a stream: three parts of a multipart upload.
    const chunks = Array.from({ length: 20 }, () => randomBytes(1024 * 1024));
    const whole = Buffer.concat(chunks);
    const storedBig = await storage.put("envelopes/s/o/big.p7m", Readable.from(chunks));
    expect(storedBig.size).toBe(whole.length);
    expect(storedBig.sha256).toBe(createHash("sha256").update(whole).digest("hex"));
    const back = await read(await storage.get("envelopes/s/o/big.p7m"));
    expect(back.length).toBe(whole.length);
    expect(createHash("sha256").update(back).digest("hex")).toBe(storedBig.sha256);

    // Under the prefix, as the operator's backup of the bucket will find them.
    const { client } = await (storage as unknown as { s3(): Promise<S3Storage> }).s3();
    const raw = new S3Storage(client, { bucket: "bidhall-files", prefix: "" }, s3.endpoint);
    expect(await raw.exists("centre-a/records/x/small.pdf")).toBe(true);
    expect(await raw.exists("records/x/small.pdf")).toBe(false);

    expect(await storage.exists("records/x/small.pdf")).toBe(true);
    await storage.remove("records/x/small.pdf");
    expect(await storage.exists("records/x/small.pdf")).toBe(false);
    await storage.remove("records/x/small.pdf"); // absent: no error
    await expect(storage.get("records/x/small.pdf")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("a failing source stream stores nothing", async () => {
    const storage = storageFor({ config: config({ STORAGE_URL: "s3://bidhall-files" }) });
    const failing = new Readable({
      read() {
        this.push(randomBytes(64 * 1024));
        this.destroy(new Error("connection cut"));
      },
    });
    await expect(storage.put("envelopes/cut.p7m", failing)).rejects.toThrow(/connection cut/);
    expect(await storage.exists("envelopes/cut.p7m")).toBe(false);
  });

  it("refuses a bucket that does not exist, naming STORAGE_URL and the bucket", async () => {
    await expect(checkStorage({ config: config({ STORAGE_URL: "s3://no-such-bucket/x" }) })).rejects.toThrow(
      /^the bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+ \(STORAGE_URL\)$/,
    );
  });

  it("refuses an endpoint where nothing listens, naming STORAGE_ENDPOINT", async () => {
    const closed = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const port = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(port));
      });
    });
    const cfg = loadConfig({ STORAGE_URL: "s3://bidhall-files", STORAGE_ENDPOINT: `http://127.0.0.1:${closed}` });
    await expect(checkStorage({ config: cfg })).rejects.toThrow(
      /^cannot reach the object store at http:\/\/127\.0\.0\.1:\d+ \(STORAGE_ENDPOINT\).*ECONNREFUSED/,
    );
  });

  it("refuses a malformed STORAGE_URL in the configuration", () => {
    expect(() => loadConfig({ STORAGE_URL: "https://bucket" })).toThrow(/STORAGE_URL must look like s3:\/\/bucket\/prefix/);
    expect(() => loadConfig({ STORAGE_URL: "s3://Bad_Bucket" })).toThrow(/not a valid bucket name/);
  });
});
