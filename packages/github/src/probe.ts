import { AppError } from "@yardstick/core";
import type { GitHubClient } from "./client.js";
import { GitHubErrorCode, isGitHubError } from "./errors.js";

/** Why a connection failed, in words, from the innermost system error code. */
function connectionReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (code === "ECONNREFUSED") return "connection refused";
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host name not found";
    if (code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT") return "connection timed out";
    if (code === "ECONNRESET") return "connection reset";
    if (typeof message === "string" && /bad port/i.test(message)) return "a port fetch refuses to use";
    current = (current as { cause?: unknown }).cause;
  }
  return "no connection";
}

/**
 * One request before a sync (`GET /rate_limit`, which GitHub does not count against the budget),
 * without retries: a GitHub that cannot be reached, or that rejects the credentials, is a
 * dependency unavailable (`unavailable.github`, the CLI's exit 3) said in one line within
 * seconds, instead of every job retrying for minutes. Anything else (a 5xx, a GHES without rate
 * limiting answering 404) lets the sync go on: its jobs retry what is transient.
 */
export async function checkGitHubAccess(client: GitHubClient): Promise<void> {
  // Several credentials (a pool): each is checked, and a rejected one is named by its label.
  const members = (client as { members?: readonly { label: string; client: GitHubClient }[] }).members;
  if (members !== undefined) {
    for (const member of members) await checkOne(member.client, member.label);
    return;
  }
  await checkOne(client, null);
}

async function checkOne(client: GitHubClient, label: string | null): Promise<void> {
  try {
    await client.octokit.request("GET /rate_limit", { request: { retries: 0 } });
  } catch (error) {
    if (!isGitHubError(error)) throw error;
    if (error.code === GitHubErrorCode.network) {
      throw new AppError(
        "unavailable.github",
        `cannot reach GitHub at ${client.baseUrl} (${connectionReason(error)}): check GITHUB_API_URL or github.apiUrl, and the network`,
        { retryable: true, cause: error },
      );
    }
    if (error.code === GitHubErrorCode.unauthorized) {
      throw new AppError(
        "unavailable.github_credentials",
        error.status === 401
          ? label === null
            ? `GitHub at ${client.baseUrl} rejected the credentials (401): set GITHUB_TOKEN to a valid token, or the GITHUB_APP_* variables to an installed App`
            : `GitHub at ${client.baseUrl} rejected the credential ${label} (401): replace it with a valid token or installation, or remove it`
          : label === null
            ? error.message
            : `${label}: ${error.message}`,
        { cause: error },
      );
    }
  }
}
