import { createHash } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DigestChannel } from "@yardstick/config";
import { AppError } from "@yardstick/core";
import type { SlackMessage } from "@yardstick/report";
import nodemailer from "nodemailer";

/** One week's digest, rendered for every channel. */
export interface RenderedDigest {
  org: string;
  week: string;
  subject: string;
  markdown: string;
  html: string;
  text: string;
  slack: SlackMessage;
  /** SHA-256 of the Markdown: which version went out. */
  contentHash: string;
}

/** Sends a digest to one configured channel; returns a receipt without secrets. */
export interface DigestSender {
  /** A stable key for the delivery record: no secrets (URLs are hashed). */
  key: string;
  type: DigestChannel["type"];
  send(digest: RenderedDigest): Promise<string>;
}

/** A channel's send failed; retryable when trying again can help (network, 5xx, 429). */
export class DigestChannelError extends AppError {
  constructor(channel: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super("digest.channel_failed", `${channel}: ${message}`, options);
  }
}

const shortHash = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 12);

export function contentHashOf(markdown: string): string {
  return createHash("sha256").update(markdown).digest("hex");
}

/** The delivery record's key of a channel: stable across runs, never a secret. */
export function channelKey(channel: DigestChannel): string {
  switch (channel.type) {
    case "file":
      return `file:${channel.dir}`;
    case "slack":
      return `slack:${shortHash(channel.webhookUrl)}`;
    case "email":
      return `email:${[...channel.to]
        .map((a) => a.toLowerCase())
        .sort()
        .join(",")}`;
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a digest. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

export interface SenderOptions {
  /** Slack HTTP timeout (default 10 s). */
  timeoutMs?: number;
}

/** The sender of one configured channel. */
export function senderFor(channel: DigestChannel, options: SenderOptions = {}): DigestSender {
  const key = channelKey(channel);
  const timeoutMs = options.timeoutMs ?? 10_000;
  switch (channel.type) {
    case "file":
      return {
        key,
        type: "file",
        async send(d) {
          try {
            await mkdir(channel.dir, { recursive: true });
            const base = join(channel.dir, `digest-${d.week}`);
            await writeAtomically(`${base}.md`, d.markdown);
            await writeAtomically(`${base}.html`, d.html);
            return `${base}.md ${base}.html`;
          } catch (error) {
            throw new DigestChannelError(key, (error as Error).message, { retryable: true, cause: error });
          }
        },
      };
    case "slack":
      return {
        key,
        type: "slack",
        async send(d) {
          let response: Response;
          try {
            response = await fetch(channel.webhookUrl, {
              method: "POST",
              headers: { "content-type": "application/json; charset=utf-8" },
              body: JSON.stringify(d.slack),
              signal: AbortSignal.timeout(timeoutMs),
            });
          } catch (error) {
            // The URL holds the secret: say what failed without it.
            throw new DigestChannelError(key, `Slack webhook unreachable (${(error as Error).name})`, {
              retryable: true,
            });
          }
          const body = (await response.text()).slice(0, 200);
          if (!response.ok) {
            // Slack answers 4xx for a bad payload or a revoked webhook (retrying cannot help),
            // 429 and 5xx when it is busy.
            const retryable = response.status === 429 || response.status >= 500;
            throw new DigestChannelError(key, `Slack answered ${response.status} ${body}`, { retryable });
          }
          return `slack ${response.status} ${body}`;
        },
      };
    case "email":
      return {
        key,
        type: "email",
        async send(d) {
          const transport = nodemailer.createTransport({
            host: channel.smtp.host,
            port: channel.smtp.port,
            secure: channel.smtp.secure,
            ...(channel.smtp.user === undefined
              ? {}
              : { auth: { user: channel.smtp.user, pass: channel.smtp.password ?? "" } }),
            connectionTimeout: timeoutMs,
            greetingTimeout: timeoutMs,
            socketTimeout: timeoutMs * 3,
          });
          const domain = channel.from.replace(/^.*@/, "").replace(/>.*$/, "") || "yardstick.invalid";
          try {
            const info = await transport.sendMail({
              from: channel.from,
              to: channel.to,
              subject: d.subject,
              text: d.text,
              html: d.html,
              // The same week and content give the same Message-ID, so mail systems can drop a copy.
              messageId: `<yardstick-digest-${shortHash(`${d.org}/${d.week}`)}-${d.contentHash.slice(0, 12)}@${domain}>`,
              headers: { "X-Yardstick-Digest": `${d.org} ${d.week}` },
            });
            const rejected = (info.rejected ?? []).length;
            return `smtp ${info.messageId} accepted ${(info.accepted ?? []).length}${rejected > 0 ? ` rejected ${rejected}` : ""}`;
          } catch (error) {
            const err = error as Error & { responseCode?: number; code?: string };
            // 5xx SMTP replies are permanent (a rejected sender or recipients); the rest (4xx,
            // connection errors, timeouts) may pass on a later attempt.
            const permanent = err.responseCode !== undefined && err.responseCode >= 500;
            throw new DigestChannelError(key, `SMTP ${err.responseCode ?? err.code ?? ""} ${err.message}`.trim(), {
              retryable: !permanent,
              cause: error,
            });
          } finally {
            transport.close();
          }
        },
      };
  }
}
