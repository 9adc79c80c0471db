import { z } from "zod";
import * as S from "./schemas.ts";

/**
 * The OpenAPI 3.1 document of every `/api` route and of the tus upload endpoint (decision 50),
 * generated from the zod schemas the routes parse and type their answers with (app/api/schemas.ts)
 * by zod's own `z.toJSONSchema` (JSON Schema 2020-12, OpenAPI 3.1's dialect). Served at
 * /api/openapi.json; docs/openapi.json is the same document, committed, and a test fails when
 * either drifts from the routes (app/api/openapi.test.ts). docs/api.md is the prose around it.
 */

type Auth = "public" | "token-or-session" | "session";

interface Operation {
  method: "get" | "post" | "head" | "patch" | "delete" | "options";
  path: string;
  tag: "bidding" | "opening" | "certificates" | "signing" | "public" | "meta";
  summary: string;
  description?: string;
  auth: Auth;
  /** POST routes of a browser session check the `X-CSRF-Token` header against the `bh_csrf` cookie. */
  csrf?: boolean;
  params?: z.ZodObject;
  headers?: Record<string, { description: string; required?: boolean; schema?: object }>;
  body?: { contentType: string; schema?: z.ZodType; description: string };
  responses: Record<string, { description: string; schema?: z.ZodType; contentType?: string; headers?: Record<string, string> }>;
  extensions?: Record<string, unknown>;
}

const TUS = { "Tus-Resumable": { description: "Always `1.0.0`", required: true, schema: { type: "string", const: "1.0.0" } } };
const UPLOAD_ID = z.object({ uploadId: z.string().describe("The last segment of the Location returned on creation") });

export const API_OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/api/openapi.json",
    tag: "meta",
    summary: "This document",
    auth: "public",
    responses: { "200": { description: "The OpenAPI 3.1 document" } },
  },
  {
    method: "get",
    path: "/api/sections/{sectionId}/sealing",
    tag: "bidding",
    summary: "Sealing kit: the opening form, the security forms and the recipient certificates",
    description:
      "Only for a member holding `bid` of an organisation registered for the section, while the section takes bids. " +
      "Refusals: 401 UNAUTHENTICATED; 403 FORBIDDEN, BID_NOT_REGISTERED, BIDDER_IS_PROJECT_PARTY; 404 NOT_FOUND; " +
      "409 SECTION_UNEXPECTED_PHASE (e.g. after the deadline), BID_NO_RECIPIENTS.",
    auth: "token-or-session",
    params: S.SectionParams,
    responses: { "200": { description: "The kit", schema: S.SealingKit } },
  },
  {
    method: "options",
    path: "/api/uploads",
    tag: "bidding",
    summary: "tus discovery: Tus-Version, Tus-Extension (creation, creation-with-upload, termination, expiration), Tus-Max-Size",
    auth: "public",
    responses: { "204": { description: "The server's tus capabilities" } },
  },
  {
    method: "post",
    path: "/api/uploads",
    tag: "bidding",
    summary: "tus creation: start uploading a sealed envelope (CMS AuthEnvelopedData, DER)",
    description:
      "The caller, section, security declaration and declared size are checked before anything is stored (decision 25). " +
      "`Upload-Metadata` carries the keys of `x-tus-metadata`, each value base64-encoded, comma-separated (`sectionId <b64>,packageDigest <b64>`). " +
      "Refusals: 400 VALIDATION_FAILED (metadata, Upload-Length); 412 UPLOAD_PROTOCOL_ERROR (no Tus-Resumable, on every tus request); 401; 403 BID_NOT_REGISTERED…; 400 BID_SECURITY_FORM_NOT_ACCEPTED; 409 SECTION_UNEXPECTED_PHASE, BID_AFTER_DEADLINE, BID_UPLOAD_IN_PROGRESS; 413 BID_ENVELOPE_TOO_LARGE.",
    auth: "token-or-session",
    csrf: true,
    headers: {
      ...TUS,
      "Upload-Length": {
        description: "The envelope's size in bytes (a deferred length is refused)",
        required: true,
        schema: { type: "integer" },
      },
      "Upload-Metadata": { description: "tus metadata, see x-tus-metadata", required: true, schema: { type: "string" } },
    },
    responses: { "201": { description: "Created", headers: { Location: "The upload's path, /api/uploads/{uploadId} (relative)" } } },
    extensions: { "x-tus-metadata": S.UploadMetadata },
  },
  {
    method: "head",
    path: "/api/uploads/{uploadId}",
    tag: "bidding",
    summary: "tus: how many bytes the server holds (Upload-Offset), to resume",
    description: "Only the person who created the upload may resume it (403 FORBIDDEN otherwise).",
    auth: "token-or-session",
    params: UPLOAD_ID,
    headers: TUS,
    responses: { "200": { description: "Upload-Offset and Upload-Length", headers: { "Upload-Offset": "Bytes received" } } },
  },
  {
    method: "patch",
    path: "/api/uploads/{uploadId}",
    tag: "bidding",
    summary: "tus: append bytes; the request that completes the upload answers the receipt",
    description:
      "Until the last byte: 204 with Upload-Offset. The PATCH that brings Upload-Offset to Upload-Length makes the envelope a bid version " +
      "(checked: deadline, recipients = the sealing kit's certificates, a parseable AuthEnvelopedData) and answers 200 with the receipt in its body " +
      "and the header Bidhall-Receipt-No; a refusal (e.g. 409 BID_AFTER_DEADLINE, 400 BID_ENVELOPE_INVALID) discards the upload.",
    auth: "token-or-session",
    csrf: true,
    params: UPLOAD_ID,
    headers: {
      ...TUS,
      "Upload-Offset": { description: "The offset this chunk starts at", required: true, schema: { type: "integer" } },
    },
    body: { contentType: "application/offset+octet-stream", description: "The next bytes of the envelope" },
    responses: {
      "200": {
        description: "Last chunk: the bid version's receipt",
        schema: S.UploadReceipt,
        headers: { "Bidhall-Receipt-No": "The receipt number (ULID)" },
      },
      "204": { description: "Chunk stored", headers: { "Upload-Offset": "Bytes received" } },
    },
  },
  {
    method: "delete",
    path: "/api/uploads/{uploadId}",
    tag: "bidding",
    summary: "tus termination: abandon an unfinished upload (the last complete version stands)",
    auth: "token-or-session",
    csrf: true,
    params: UPLOAD_ID,
    headers: TUS,
    responses: { "204": { description: "Abandoned" } },
  },
  {
    method: "post",
    path: "/api/certificates/enrol",
    tag: "certificates",
    summary: "Enrolment: a CSR in, the person's certificate and its chain out",
    auth: "session",
    csrf: true,
    body: { contentType: "application/json", schema: S.EnrolRequest, description: "The CSR (the key stays with the person)" },
    responses: { "200": { description: "Issued", schema: S.EnrolResponse } },
  },
  {
    method: "post",
    path: "/api/auth/challenge",
    tag: "certificates",
    summary: "A one-time key-possession challenge (certificate login, opening sign-in)",
    auth: "public",
    csrf: true,
    body: { contentType: "application/json", schema: S.ChallengeRequest, description: "An empty JSON object" },
    responses: { "200": { description: "The challenge", schema: S.ChallengeResponse } },
  },
  {
    method: "post",
    path: "/api/auth/certificate-login",
    tag: "certificates",
    summary: "Certificate login (CA 登录): a signed challenge in, a session cookie out",
    auth: "public",
    csrf: true,
    body: { contentType: "application/json", schema: S.CertificateLoginRequest, description: "The signed challenge" },
    responses: { "200": { description: "Logged in; Set-Cookie bh_session", schema: S.CertificateLoginResponse } },
  },
  {
    method: "post",
    path: "/api/sections/{sectionId}/opening/sign-in",
    tag: "opening",
    summary: "Sign in to the opening with a signed challenge (from /api/auth/challenge)",
    auth: "token-or-session",
    csrf: true,
    params: S.SectionParams,
    body: { contentType: "application/json", schema: S.SignInRequest, description: "The signed challenge" },
    responses: { "200": { description: "Signed in", schema: S.SignInResponse } },
  },
  {
    method: "post",
    path: "/api/sections/{sectionId}/opening/recipient-info",
    tag: "opening",
    summary: "The wrapped content key of the caller's own envelope for one of its certificates",
    auth: "token-or-session",
    csrf: true,
    params: S.SectionParams,
    body: { contentType: "application/json", schema: S.RecipientInfoRequest, description: "The certificate's serial (hex)" },
    responses: { "200": { description: "The wrapped key", schema: S.RecipientInfoResponse } },
  },
  {
    method: "post",
    path: "/api/sections/{sectionId}/opening/decrypt",
    tag: "opening",
    summary: "Decrypt the caller's bid with the content key it unwrapped (in the decryption window)",
    auth: "token-or-session",
    csrf: true,
    params: S.SectionParams,
    body: { contentType: "application/json", schema: S.DecryptRequest, description: "The unwrapped content key" },
    responses: { "200": { description: "The result (a failure is a result, not an error)", schema: S.DecryptResult } },
  },
  {
    method: "post",
    path: "/api/sections/{sectionId}/opening/remedy",
    tag: "opening",
    summary: "The remedy: upload the plaintext package after a failed decryption, where the section allows it",
    auth: "token-or-session",
    csrf: true,
    params: S.SectionParams,
    body: {
      contentType: "application/zip",
      description: "The plaintext package; it counts only if its SHA-256 is the receipt's packageDigest",
    },
    responses: { "200": { description: "The result", schema: S.DecryptResult } },
  },
  {
    method: "post",
    path: "/api/sections/{sectionId}/opening/confirm",
    tag: "opening",
    summary: "Confirm or object to the reading-out record with a confirmation JWS",
    auth: "token-or-session",
    csrf: true,
    params: S.SectionParams,
    body: { contentType: "application/json", schema: S.ConfirmRequest, description: "The confirmation JWS" },
    responses: { "200": { description: "Recorded", schema: S.ConfirmResponse } },
  },
  {
    method: "post",
    path: "/api/signing/prepare",
    tag: "signing",
    summary: "Prepare a person's signature on a platform PDF: the signed attributes to sign in the browser",
    description:
      "Only for a member holding `sign` in the organisation that signs the document, with a valid certificate of their own there. " +
      "The prepared PDF is kept for 15 minutes; preparing again cancels the earlier request.",
    auth: "session",
    csrf: true,
    body: { contentType: "application/json", schema: S.SigningPrepareRequest, description: "What to sign and with which certificate" },
    responses: { "200": { description: "Prepared", schema: S.SigningPrepareResponse } },
  },
  {
    method: "get",
    path: "/api/signing/{requestId}/document",
    tag: "signing",
    summary: "The exact prepared PDF of a signing request (the signer's preview), to its person only",
    auth: "session",
    params: S.SigningRequestParams,
    responses: {
      "200": { description: "The prepared PDF", contentType: "application/pdf", headers: { "X-Document-SHA256": "Its SHA-256 (hex)" } },
    },
  },
  {
    method: "post",
    path: "/api/signing/{requestId}/complete",
    tag: "signing",
    summary: "Complete the signature: the server embeds it into the prepared PDF, verifies the whole document and records it",
    auth: "session",
    csrf: true,
    params: S.SigningRequestParams,
    body: { contentType: "application/json", schema: S.SigningCompleteRequest, description: "The browser's signature" },
    responses: { "200": { description: "Signed", schema: S.SigningCompleteResponse } },
  },
  {
    method: "get",
    path: "/api/anchors/{sha256}",
    tag: "public",
    summary: "Where a document's SHA-256 stands on the ledger, with its Merkle proof once anchored",
    auth: "public",
    params: S.AnchorParams,
    responses: {
      "200": { description: "Anchored", schema: S.AnchorFound },
      "404": { description: "Not anchored (yet)", schema: S.AnchorNotYet },
    },
  },
  {
    method: "post",
    path: "/api/documents/verify",
    tag: "public",
    summary: "The platform's own verification of a signed PDF, receipt or confirmation JWS (at most 32 MiB)",
    auth: "public",
    body: { contentType: "application/octet-stream", description: "The document's bytes" },
    responses: { "200": { description: "The verdict", schema: S.DocumentVerification } },
  },
];

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", reused: "inline" });
  delete generated.$schema;
  return generated as Record<string, unknown>;
}

const SECURITY: Record<Auth, object[]> = {
  public: [],
  session: [{ session: [] }],
  "token-or-session": [{ apiToken: [] }, { session: [] }],
};

function operationObject(op: Operation) {
  const parameters = [
    ...Object.entries(op.params ? (jsonSchema(op.params, "input").properties as Record<string, object>) : {}).map(([name, schema]) => ({
      name,
      in: "path",
      required: true,
      schema,
    })),
    ...Object.entries(op.headers ?? {}).map(([name, h]) => ({
      name,
      in: "header",
      required: h.required ?? false,
      description: h.description,
      schema: h.schema ?? { type: "string" },
    })),
    ...(op.csrf && op.auth !== "public"
      ? [
          {
            name: "X-CSRF-Token",
            in: "header",
            required: false,
            description: "With a session only: the bh_csrf cookie's token",
            schema: { type: "string" },
          },
        ]
      : []),
  ];
  const responses: Record<string, object> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.headers
        ? { headers: Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: "string" } }])) }
        : {}),
      ...(r.schema ? { content: { [r.contentType ?? "application/json"]: { schema: jsonSchema(r.schema, "output") } } } : {}),
    };
  }
  const error = { $ref: "#/components/responses/Error" };
  responses["4XX"] = error;
  responses["5XX"] = error;
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    operationId: `${op.method}${op.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    security: SECURITY[op.auth],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            description: op.body.description,
            content: { [op.body.contentType]: op.body.schema ? { schema: jsonSchema(op.body.schema, "input") } : {} },
          },
        }
      : {}),
    responses,
    ...Object.fromEntries(Object.entries(op.extensions ?? {}).map(([k, v]) => [k, v instanceof z.ZodType ? jsonSchema(v, "input") : v])),
  };
}

/** The API's version: a change a tool must follow changes it (and the receipt, manifest and bid formats keep their own). */
export const API_VERSION = "1.0.0";

export function openApiDocument() {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of API_OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  return {
    openapi: "3.1.0",
    info: {
      title: "bidhall API",
      version: API_VERSION,
      description:
        "The HTTP API of bidhall (公共资源交易电子招投标平台) for bidder-side tools. Read docs/api.md first: it says how to build " +
        "the bid package and the envelope (decision 8) that /api/uploads takes. Every refusal is JSON `{ error: { code, message } }` " +
        "with the AppError code; the message is in zh-CN, or English with `Accept-Language: en`.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    tags: [
      { name: "bidding", description: "Sealing kit and resumable envelope uploads (tus 1.0.0)" },
      { name: "opening", description: "The online opening (不见面开标): sign-in, decryption, remedy, confirmation" },
      { name: "certificates", description: "Enrolment and certificate login" },
      { name: "signing", description: "A person's signature on a platform PDF, made in the browser (decision 55)" },
      { name: "public", description: "Anyone: ledger anchors and document verification" },
      { name: "meta", description: "This document" },
    ],
    paths,
    components: {
      securitySchemes: {
        apiToken: {
          type: "http",
          scheme: "bearer",
          description: "`Authorization: Bearer bh_…`, an API token a member creates on the page /api-tokens (scope submit:bid, 90 days)",
        },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "bh_session",
          description: "A browser session; every POST, PATCH and DELETE also sends X-CSRF-Token (the bh_csrf cookie's token)",
        },
      },
      responses: {
        Error: {
          description: "A refusal: the AppError code and its message",
          content: { "application/json": { schema: jsonSchema(S.ApiError, "output") } },
        },
      },
    },
  };
}
