import { createHmac, timingSafeEqual } from "node:crypto";

/** `sha256=<hex>` of the raw body under the webhook secret, as GitHub sends in X-Hub-Signature-256. */
export function signWebhook(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Constant-time check of X-Hub-Signature-256 against the raw body. */
export function verifyWebhookSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined || !/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  const expected = Buffer.from(signWebhook(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
