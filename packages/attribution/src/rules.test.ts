import { describe, expect, it } from "vitest";
import { compileRules } from "./compile.js";
import { type AttributeLine, attributeLine } from "./line.js";

/**
 * Table-driven: each built-in signal with realistic positive examples (the rule fires, with the
 * expected tool and confidence) and negatives (hard negatives from ATTRIBUTION.md: nothing fires).
 */
const ctx = { rules: compileRules() };

type Pr = NonNullable<AttributeLine["pr"]>;
function line(
  message: string,
  author = "Priya Raman <priya@acme.io>",
  extra: Partial<AttributeLine> = {},
): AttributeLine {
  const m = /^(.*) <(.*)>$/.exec(author);
  return { id: "c0ffee1", message, authorName: m?.[1] ?? author, authorEmail: m?.[2] ?? "", ...extra };
}
function withPr(pr: Partial<Pr>, message = "Fix flaky retry in webhook handler"): AttributeLine {
  return line(message, undefined, { pr: { authorLogin: "priya-r", ...pr } });
}

interface Positive {
  signal: string;
  input: AttributeLine;
  tool: string;
  confidence: "high" | "medium" | "low";
}

const positives: Positive[] = [
  // Claude Code
  {
    signal: "claude-code.co-author",
    tool: "claude-code",
    confidence: "high",
    input: line("Add pagination to audit log API\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>"),
  },
  {
    signal: "claude-code.co-author",
    tool: "claude-code",
    confidence: "high",
    input: line("fix: handle empty cart\n\nCo-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>"),
  },
  {
    signal: "claude-code.footer.message",
    tool: "claude-code",
    confidence: "high",
    input: line("Refactor session store\n\n🤖 Generated with [Claude Code](https://claude.ai/code)"),
  },
  {
    signal: "claude-code.footer.pr-body",
    tool: "claude-code",
    confidence: "high",
    input: withPr({
      body: "## Summary\n- move retries\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)",
    }),
  },
  {
    signal: "claude-code.session.message",
    tool: "claude-code",
    confidence: "high",
    input: line("Tidy up env parsing\n\nClaude-Session: https://claude.ai/code/session_011CUa3pQ9xYz"),
  },
  {
    signal: "claude-code.session.message",
    tool: "claude-code",
    confidence: "high",
    input: line("Tidy up env parsing\n\nhttps://claude.ai/code/session_01ABcdEF"),
  },
  {
    signal: "claude-code.session.pr-body",
    tool: "claude-code",
    confidence: "high",
    input: withPr({ body: "Small fix.\n\nhttps://claude.ai/code/session_01ABcdEF" }),
  },
  {
    signal: "claude-code.web-branch",
    tool: "claude-code",
    confidence: "low",
    input: withPr({ headRef: "claude/fix-login-redirect-a1B2c3" }),
  },
  {
    signal: "claude-code.action.author",
    tool: "claude-code",
    confidence: "high",
    input: line(
      "Fix typo in README\n\nCo-authored-by: priya-r <5123+priya-r@users.noreply.github.com>",
      "claude[bot] <209825114+claude[bot]@users.noreply.github.com>",
    ),
  },
  {
    signal: "claude-code.action.committer",
    tool: "claude-code",
    confidence: "high",
    input: line("Fix typo", undefined, {
      committerName: "claude[bot]",
      committerEmail: "209825114+claude[bot]@users.noreply.github.com",
    }),
  },
  {
    signal: "claude-code.action.co-author",
    tool: "claude-code",
    confidence: "high",
    input: line("Fix typo (#88)\n\nCo-authored-by: claude[bot] <209825114+claude[bot]@users.noreply.github.com>"),
  },
  {
    signal: "claude-code.action.pr-author",
    tool: "claude-code",
    confidence: "high",
    input: withPr({ authorLogin: "claude[bot]", authorType: "Bot" }),
  },
  {
    signal: "claude-code.action-branch",
    tool: "claude-code",
    confidence: "medium",
    input: withPr({ headRef: "claude/issue-412-20260311-0942" }),
  },
  {
    signal: "claude-code.co-author-name",
    tool: "claude-code",
    confidence: "low",
    input: line("Update docs\n\nCo-authored-by: Claude <claude@users.noreply.github.com>"),
  },
  // Copilot
  {
    signal: "copilot.agent.author",
    tool: "copilot",
    confidence: "high",
    input: line("Initial plan", "Copilot <198982749+Copilot@users.noreply.github.com>"),
  },
  {
    signal: "copilot.agent.committer",
    tool: "copilot",
    confidence: "high",
    input: line("Add tests", undefined, {
      committerName: "Copilot",
      committerEmail: "198982749+Copilot@users.noreply.github.com",
    }),
  },
  {
    signal: "copilot.agent.co-author",
    tool: "copilot",
    confidence: "high",
    input: line(
      "Add CSV export (#311)\n\n* Initial plan\n\n* Add CSV export\n\n---------\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>",
    ),
  },
  {
    signal: "copilot.agent.login",
    tool: "copilot",
    confidence: "high",
    input: withPr({ authorLogin: "Copilot", authorType: "Bot" }),
  },
  {
    signal: "copilot.agent.swe-login.pr-author",
    tool: "copilot",
    confidence: "high",
    input: withPr({ authorLogin: "copilot-swe-agent[bot]", authorType: "Bot" }),
  },
  {
    signal: "copilot.agent.logs-url",
    tool: "copilot",
    confidence: "high",
    input: line(
      "Add CSV export\n\nAgent-Logs-Url: https://github.com/acme/shop/sessions/0f9c2b1e-6a4d-4e3b-9a51-2b7f0c3d8e11",
    ),
  },
  {
    signal: "copilot.agent.pr-marker",
    tool: "copilot",
    confidence: "high",
    input: withPr({ body: "Adds CSV export.\n\n<!-- START COPILOT CODING AGENT SUFFIX -->\nFixes #31" }),
  },
  {
    signal: "copilot.agent.pr-marker",
    tool: "copilot",
    confidence: "high",
    input: withPr({
      body: "<!-- START COPILOT ORIGINAL PROMPT -->\nadd csv export\n<!-- END COPILOT ORIGINAL PROMPT -->",
    }),
  },
  {
    signal: "copilot.agent.branch",
    tool: "copilot",
    confidence: "medium",
    input: withPr({ headRef: "copilot/fix-311" }),
  },
  {
    signal: "copilot.review-suggestion",
    tool: "copilot",
    confidence: "high",
    input: line("Update src/cart.ts\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>"),
  },
  {
    signal: "copilot.autofix.co-author",
    tool: "copilot",
    confidence: "high",
    input: line(
      "Fix SQL injection\n\nCo-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@users.noreply.github.com>",
    ),
  },
  {
    signal: "copilot.autofix.subject.message",
    tool: "copilot",
    confidence: "medium",
    input: line("Potential fix for code scanning alert no. 17: Incomplete URL substring sanitization"),
  },
  {
    signal: "copilot.autofix.subject.pr-title",
    tool: "copilot",
    confidence: "medium",
    input: withPr({
      title: "Potential fix for code scanning alert no. 4: Clear-text logging of sensitive information",
    }),
  },
  {
    signal: "copilot.cli",
    tool: "copilot",
    confidence: "high",
    input: line("Speed up build\n\nCo-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>"),
  },
  {
    signal: "copilot.cli.session",
    tool: "copilot",
    confidence: "high",
    input: line("Speed up build\n\nCopilot-Session: 3f2a9c4e-1b7d-4e8a-b0c2-9d5e6f7a8b9c"),
  },
  {
    signal: "copilot.vscode",
    tool: "copilot",
    confidence: "medium",
    input: line("Rename helper\n\nCo-authored-by: Copilot <copilot@github.com>"),
  },
  // Cursor
  {
    signal: "cursor.agent.author",
    tool: "cursor",
    confidence: "high",
    input: line(
      "Add dark mode toggle\n\nCo-authored-by: Priya Raman <priya@acme.io>",
      "Cursor Agent <cursoragent@cursor.com>",
    ),
  },
  {
    signal: "cursor.agent.committer",
    tool: "cursor",
    confidence: "high",
    input: line("Add dark mode toggle", undefined, {
      committerName: "Cursor Agent",
      committerEmail: "cursoragent@cursor.com",
    }),
  },
  {
    signal: "cursor.co-author",
    tool: "cursor",
    confidence: "high",
    input: line("Add dark mode\n\nCo-authored-by: Cursor <cursoragent@cursor.com>"),
  },
  { signal: "cursor.made-with", tool: "cursor", confidence: "high", input: line("Add dark mode\n\nMade-with: Cursor") },
  {
    signal: "cursor.branch",
    tool: "cursor",
    confidence: "medium",
    input: withPr({ headRef: "cursor/add-dark-mode-3f9a" }),
  },
  {
    signal: "cursor.pr-marker",
    tool: "cursor",
    confidence: "high",
    input: withPr({ body: "<!-- CURSOR_AGENT_PR_BODY_BEGIN -->\nAdds dark mode\n<!-- CURSOR_AGENT_PR_BODY_END -->" }),
  },
  {
    signal: "cursor.agent-link.pr-body",
    tool: "cursor",
    confidence: "high",
    input: withPr({ body: "Open in [Cursor](https://cursor.com/agents/bc-5d1e2f3a-aaaa-bbbb-cccc-0123456789ab)" }),
  },
  {
    signal: "cursor.agent-link.message",
    tool: "cursor",
    confidence: "high",
    input: line("Dark mode (#9)\n\nhttps://cursor.com/agents/bc-5d1e2f3a-aaaa-bbbb-cccc-0123456789ab"),
  },
  {
    signal: "cursor.made-with-link.pr-body",
    tool: "cursor",
    confidence: "high",
    input: withPr({ body: "Dark mode\n\nMade with [Cursor](https://cursor.com)" }),
  },
  {
    signal: "cursor.made-with-link.message",
    tool: "cursor",
    confidence: "high",
    input: line("Dark mode\n\nMade with [Cursor](https://cursor.com)"),
  },
  {
    signal: "cursor.bugbot.author",
    tool: "cursor",
    confidence: "high",
    input: line("Fix null check flagged by Bugbot", "cursor[bot] <206951365+cursor[bot]@users.noreply.github.com>"),
  },
  {
    signal: "cursor.bugbot.co-author",
    tool: "cursor",
    confidence: "high",
    input: line("Fix null check\n\nCo-authored-by: cursor[bot] <206951365+cursor[bot]@users.noreply.github.com>"),
  },
  {
    signal: "cursor.bugbot.pr-author",
    tool: "cursor",
    confidence: "high",
    input: withPr({ authorLogin: "cursor[bot]" }),
  },
  // Codex
  {
    signal: "codex.cloud.branch",
    tool: "codex",
    confidence: "medium",
    input: withPr({ headRef: "codex/add-rate-limiter" }),
  },
  {
    signal: "codex.cloud.branch",
    tool: "codex",
    confidence: "medium",
    input: line("Merge pull request #77 from acme/codex/add-rate-limiter\n\nAdd rate limiter"),
  },
  {
    signal: "codex.cloud.task-link.pr-body",
    tool: "codex",
    confidence: "high",
    input: withPr({
      body: "## Summary\n- add limiter\n\n------\nhttps://chatgpt.com/codex/tasks/task_e_68a1b2c3d4e5f60718293a4b5c6d7e8f",
    }),
  },
  {
    signal: "codex.cloud.task-link.message",
    tool: "codex",
    confidence: "high",
    input: line("Add limiter (#77)\n\nhttps://chatgpt.com/codex/tasks/task_e_68a1b2c3d4e5f607"),
  },
  { signal: "codex.label", tool: "codex", confidence: "low", input: withPr({ labels: ["codex"] }) },
  {
    signal: "codex.connector.co-author",
    tool: "codex",
    confidence: "high",
    input: line(
      "Add limiter\n\nCo-authored-by: chatgpt-codex-connector[bot] <199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>",
    ),
  },
  {
    signal: "codex.connector.pr-author",
    tool: "codex",
    confidence: "high",
    input: withPr({ authorLogin: "chatgpt-codex-connector[bot]", authorType: "Bot" }),
  },
  {
    signal: "codex.cli.co-author",
    tool: "codex",
    confidence: "high",
    input: line("Parse flags lazily\n\nCo-authored-by: Codex <noreply@openai.com>"),
  },
  {
    signal: "codex.agents-md.co-author.co-author",
    tool: "codex",
    confidence: "high",
    input: line("Parse flags lazily\n\nCo-authored-by: Codex <codex@openai.com>"),
  },
  {
    signal: "codex.agents-md.co-author.author",
    tool: "codex",
    confidence: "high",
    input: line("Parse flags lazily", "Codex <codex@openai.com>"),
  },
  // Aider
  {
    signal: "aider.author-suffix",
    tool: "aider",
    confidence: "high",
    input: line("feat: add --json flag", "Priya Raman (aider) <priya@acme.io>"),
  },
  { signal: "aider.subject-prefix", tool: "aider", confidence: "high", input: line("aider: Add --json output flag") },
  {
    signal: "aider.co-author",
    tool: "aider",
    confidence: "high",
    input: line("Add --json flag\n\nCo-authored-by: aider (anthropic/claude-sonnet-4) <aider@aider.chat>"),
  },
  {
    signal: "aider.co-author-legacy-1",
    tool: "aider",
    confidence: "high",
    input: line("Add --json flag\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>"),
  },
  {
    signal: "aider.co-author-legacy-2",
    tool: "aider",
    confidence: "high",
    input: line("Add --json flag\n\nCo-authored-by: aider (gpt-4) <noreply@aider.dev>"),
  },
  // Devin
  {
    signal: "devin.account.author",
    tool: "devin",
    confidence: "high",
    input: line(
      "Add webhook retries\n\nCo-Authored-By: priya@acme.io <priya@acme.io>",
      "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
    ),
  },
  {
    signal: "devin.account.pr-author",
    tool: "devin",
    confidence: "high",
    input: withPr({ authorLogin: "devin-ai-integration[bot]", authorType: "Bot" }),
  },
  {
    signal: "devin.footer.message",
    tool: "devin",
    confidence: "high",
    input: line("Add retries\n\nGenerated with [Devin](https://devin.ai)"),
  },
  {
    signal: "devin.run-link.pr-body",
    tool: "devin",
    confidence: "high",
    input: withPr({
      body: "Link to Devin run: https://app.devin.ai/sessions/4f1d2c3b4a5e6f708192a3b4c5d6e7f8\nRequested by: Priya",
    }),
  },
  {
    signal: "devin.branch",
    tool: "devin",
    confidence: "medium",
    input: withPr({ headRef: "devin/1741690000-webhook-retries" }),
  },
  {
    signal: "devin.branch",
    tool: "devin",
    confidence: "medium",
    input: withPr({ headRef: "devin/webhook-retries_250311_0942" }),
  },
  // Jules
  {
    signal: "jules.account.author",
    tool: "jules",
    confidence: "high",
    input: line(
      "Add unit tests for parser",
      "google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>",
    ),
  },
  {
    signal: "jules.account.pr-author",
    tool: "jules",
    confidence: "high",
    input: withPr({ authorLogin: "google-labs-jules[bot]", authorType: "Bot" }),
  },
  {
    signal: "jules.branch",
    tool: "jules",
    confidence: "medium",
    input: withPr({ headRef: "jules_wip_1837265012345" }),
  },
  {
    signal: "jules.task-link.pr-body",
    tool: "jules",
    confidence: "high",
    input: withPr({
      body: "PR created automatically by Jules for task [1234567890](https://jules.google.com/task/1234567890) started by @priya-r",
    }),
  },
  // Gemini
  {
    signal: "gemini.code-assist.co-author",
    tool: "gemini",
    confidence: "high",
    input: line(
      "Update src/api.ts\n\nCo-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>",
    ),
  },
  {
    signal: "gemini.co-author-name",
    tool: "gemini",
    confidence: "low",
    input: line("Port CLI to yargs\n\nCo-Authored-By: Gemini <noreply@google.com>"),
  },
  // Amazon Q / Kiro
  {
    signal: "amazon-q.account.pr-author",
    tool: "amazon-q",
    confidence: "medium",
    input: withPr({ authorLogin: "amazon-q-developer[bot]", authorType: "Bot" }),
  },
  {
    signal: "amazon-q.kiro.pr-author",
    tool: "amazon-q",
    confidence: "medium",
    input: withPr({ authorLogin: "kiro-agent[bot]" }),
  },
  {
    signal: "amazon-q.kiro-link.pr-body",
    tool: "amazon-q",
    confidence: "medium",
    input: withPr({ body: "Spec: https://app.kiro.dev/session/7c1f2e3d-4b5a" }),
  },
  // OpenHands
  {
    signal: "openhands.identity.co-author",
    tool: "openhands",
    confidence: "high",
    input: line("Fix #221: handle 429\n\nCo-authored-by: openhands <openhands@all-hands.dev>"),
  },
  {
    signal: "openhands.identity.author",
    tool: "openhands",
    confidence: "high",
    input: line("Fix issue #221", "openhands <openhands@all-hands.dev>"),
  },
  {
    signal: "openhands.account.pr-author",
    tool: "openhands",
    confidence: "high",
    input: withPr({ authorLogin: "openhands-agent" }),
  },
  {
    signal: "openhands.branch",
    tool: "openhands",
    confidence: "medium",
    input: withPr({ headRef: "openhands-fix-issue-221" }),
  },
  // Amp
  {
    signal: "amp.thread.message",
    tool: "amp",
    confidence: "high",
    input: line(
      "Cache schema lookups\n\nAmp-Thread-ID: https://ampcode.com/threads/T-5b2a9c1e-3d4f-4a6b-8c7d-9e0f1a2b3c4d\nCo-authored-by: Amp <amp@ampcode.com>",
    ),
  },
  {
    signal: "amp.co-author",
    tool: "amp",
    confidence: "high",
    input: line("Cache lookups\n\nCo-authored-by: Amp <amp@ampcode.com>"),
  },
  // Factory, Sweep, Replit, opencode, others
  {
    signal: "factory.droid.pr-author",
    tool: "factory",
    confidence: "high",
    input: withPr({ authorLogin: "factory-droid[bot]" }),
  },
  {
    signal: "factory.droid.co-author",
    tool: "factory",
    confidence: "high",
    input: line(
      "Add metrics\n\nCo-authored-by: factory-droid[bot] <138933559+factory-droid[bot]@users.noreply.github.com>",
    ),
  },
  {
    signal: "sweep.account.pr-author",
    tool: "sweep",
    confidence: "high",
    input: withPr({ authorLogin: "sweep-ai[bot]" }),
  },
  {
    signal: "sweep.rules-title",
    tool: "sweep",
    confidence: "medium",
    input: withPr({ title: "[Sweep Rules] Add type hints to utils.py" }),
  },
  {
    signal: "replit.agent",
    tool: "replit",
    confidence: "high",
    input: line("Add login page\n\nReplit-Commit-Author: Agent\nReplit-Commit-Session-Id: 8e2f"),
  },
  {
    signal: "replit.agent",
    tool: "replit",
    confidence: "high",
    input: line("Tweak colors\n\nReplit-Commit-Author: Assistant"),
  },
  {
    signal: "opencode.account.pr-author",
    tool: "opencode",
    confidence: "medium",
    input: withPr({ authorLogin: "opencode-agent[bot]" }),
  },
  {
    signal: "opencode.footer.message",
    tool: "opencode",
    confidence: "medium",
    input: line("Fix build\n\n🤖 Generated with [opencode](https://opencode.ai)"),
  },
  {
    signal: "other-ai.codegen-sh.pr-author",
    tool: "other-ai",
    confidence: "medium",
    input: withPr({ authorLogin: "codegen-sh[bot]" }),
  },
  {
    signal: "other-ai.tembo.pr-author",
    tool: "other-ai",
    confidence: "medium",
    input: withPr({ authorLogin: "tembo[bot]" }),
  },
  {
    signal: "other-ai.mentatbot.pr-author",
    tool: "other-ai",
    confidence: "medium",
    input: withPr({ authorLogin: "mentatbot[bot]" }),
  },
  {
    signal: "other-ai.roomote.pr-author",
    tool: "other-ai",
    confidence: "medium",
    input: withPr({ authorLogin: "roomote[bot]" }),
  },
  {
    signal: "other-ai.co-author-name",
    tool: "other-ai",
    confidence: "low",
    input: line("Add tests\n\nCo-authored-by: Windsurf <windsurf@priya.dev>"),
  },
  // Disclosure trailers
  {
    signal: "disclosure.claude-code",
    tool: "claude-code",
    confidence: "medium",
    input: line(
      "mm: fix race in folio split\n\nAssisted-by: Claude:claude-opus-4-1 coccinelle\nSigned-off-by: Priya Raman <priya@acme.io>",
    ),
  },
  {
    signal: "disclosure.copilot",
    tool: "copilot",
    confidence: "medium",
    input: line("Fix spec file\n\nGenerated-by: GitHub Copilot"),
  },
  { signal: "disclosure.cursor", tool: "cursor", confidence: "medium", input: line("x\n\nAssisted-by: Cursor:gpt-5") },
  {
    signal: "disclosure.codex",
    tool: "codex",
    confidence: "medium",
    input: line("x\n\nAssisted-by: Codex:gpt-5-codex"),
  },
  {
    signal: "disclosure.gemini",
    tool: "gemini",
    confidence: "medium",
    input: line("x\n\nAssisted-by: Gemini:gemini-2.5-pro"),
  },
  { signal: "disclosure.aider", tool: "aider", confidence: "medium", input: line("x\n\nGenerated-by: aider") },
  { signal: "disclosure.devin", tool: "devin", confidence: "medium", input: line("x\n\nCo-authored-by-AI: Devin") },
  {
    signal: "disclosure.jules",
    tool: "jules",
    confidence: "medium",
    input: line("x\n\nAssisted-by: Jules:gemini-2.5-pro"),
  },
  {
    signal: "disclosure.amazon-q",
    tool: "amazon-q",
    confidence: "medium",
    input: line("x\n\nAssisted-by: Kiro:claude-sonnet-4"),
  },
  {
    signal: "disclosure.openhands",
    tool: "openhands",
    confidence: "medium",
    input: line("x\n\nAssisted-by: OpenHands:claude-sonnet-4"),
  },
  { signal: "disclosure.amp", tool: "amp", confidence: "medium", input: line("x\n\nAssisted-by: Amp:claude-sonnet-4") },
  {
    signal: "disclosure.opencode",
    tool: "opencode",
    confidence: "medium",
    input: line("x\n\nAssisted-by: opencode:kimi-k2"),
  },
  { signal: "disclosure.replit", tool: "replit", confidence: "medium", input: line("x\n\nGenerated-by: Replit Agent") },
  {
    signal: "disclosure.other",
    tool: "other-ai",
    confidence: "medium",
    input: line("x\n\nAssisted-by: Windsurf:swe-1"),
  },
  { signal: "disclosure.other", tool: "other-ai", confidence: "medium", input: line("x\n\nCo-authored-by-AI: GPT-5") },
  {
    signal: "disclosure.entire-checkpoint",
    tool: "other-ai",
    confidence: "medium",
    input: line("Add retries\n\nEntire-Checkpoint: 7f3e2a1b9c0d"),
  },
  // Found in real histories (corpus/real): agent identities as author/committer, more agents'
  // accounts, AI review bots' committed suggestions.
  {
    signal: "claude-code.identity.author",
    tool: "claude-code",
    confidence: "high",
    input: line("Fix typo in action docs", "Claude <noreply@anthropic.com>"),
  },
  {
    signal: "claude-code.identity.committer",
    tool: "claude-code",
    confidence: "high",
    input: line("Fix typo in action docs", undefined, {
      committerName: "Claude",
      committerEmail: "noreply@anthropic.com",
    }),
  },
  {
    signal: "claude-code.session.message",
    tool: "claude-code",
    confidence: "high",
    input: line(
      "Add hooks example (#412)\n\n_Generated by [Claude Code](https://claude.ai/code/session_01QVkHJ8kBykwJHjbTHmZTD8)_",
    ),
  },
  {
    signal: "claude-code.web-branch",
    tool: "claude-code",
    confidence: "low",
    input: line("Merge pull request #31 from anthropics/claude/remove-oncall-label-bGF7H\n\nRemove oncall label"),
  },
  {
    signal: "openhands.identity-legacy.author",
    tool: "openhands",
    confidence: "high",
    input: line("Fix issue #8248: [Bug]: Run pre-commit (#8249)", "OpenHands <opendevin@all-hands.dev>"),
  },
  {
    signal: "amp.identity.author",
    tool: "amp",
    confidence: "high",
    input: line(
      "Release pins on eviction\n\nCo-authored-by: Tim Culverhouse <tfc@ampcode.com>",
      "Amp <amp@ampcode.com>",
    ),
  },
  {
    signal: "amp.thread.message",
    tool: "amp",
    confidence: "high",
    input: line(
      "build: depend on uucode directly (#10389)\n\nhttps://ampcode.com/threads/T-019bdc95-07bb-70c9-9db4-1218d41decb2",
    ),
  },
  {
    signal: "sweep.nightly.author",
    tool: "sweep",
    confidence: "high",
    input: line("Updated 1 files", "sweep-nightly[bot] <131841235+sweep-nightly[bot]@users.noreply.github.com>"),
  },
  {
    signal: "sweep.nightly-name.author",
    tool: "sweep",
    confidence: "high",
    input: line(
      "Updated sweepai/core/prompts.py",
      "sweep-nightly[bot] <324098+sweep-nightly@users.noreply.github.com>",
    ),
  },
  {
    signal: "sweep.branch",
    tool: "sweep",
    confidence: "medium",
    input: line("Merge pull request #1042 from sweepai/sweep/fix-outdated-roadmap-link\n\nFix outdated roadmap link"),
  },
  {
    signal: "other-ai.roomote-identity.co-author",
    tool: "other-ai",
    confidence: "high",
    input: line("fix: settings import (#6123)\n\nCo-authored-by: Roo Code <roomote@roocode.com>"),
  },
  {
    signal: "other-ai.open-swe.author",
    tool: "other-ai",
    confidence: "high",
    input: line(
      "feat(openrouter): add session id and trace fields (#10812)",
      "open-swe[bot] <215916821+open-swe[bot]@users.noreply.github.com>",
    ),
  },
  {
    signal: "other-ai.open-swe-name.co-author",
    tool: "other-ai",
    confidence: "high",
    input: line("Fix docs import (#5797)\n\nCo-authored-by: open-swe[bot] <open-swe@users.noreply.github.com>"),
  },
  {
    signal: "other-ai.open-swe-dev.pr-author",
    tool: "other-ai",
    confidence: "high",
    input: withPr({ authorLogin: "open-swe-dev[bot]", authorType: "Bot" }),
  },
  {
    signal: "other-ai.open-swe-dev-name.co-author",
    tool: "other-ai",
    confidence: "high",
    input: line(
      "Remove dead code (#5555)\n\nCo-authored-by: open-swe-dev[bot] <open-swe-dev@users.noreply.github.com>",
    ),
  },
  {
    signal: "other-ai.continue.author",
    tool: "other-ai",
    confidence: "high",
    input: line("Fix scope switching", "continue[bot] <230936708+continue[bot]@users.noreply.github.com>"),
  },
  {
    signal: "other-ai.continue-identity.co-author",
    tool: "other-ai",
    confidence: "high",
    input: line("Fix flaky test\n\nCo-Authored-By: Continue <noreply@continue.dev>"),
  },
  {
    signal: "other-ai.continue-agent-identity.author",
    tool: "other-ai",
    confidence: "high",
    input: line("docs: embed video", "Continue Agent <agent@continue.dev>"),
  },
  {
    signal: "other-ai.continue-footer.message",
    tool: "other-ai",
    confidence: "high",
    input: line("Fix scope switching\n\nGenerated with [Continue](https://continue.dev)"),
  },
  ...(["ellipsis-dev", "cubic-dev-ai", "greptile-apps", "coderabbitai"] as const).map(
    (login, i): Positive => ({
      signal: `other-ai.review.${login}.co-author`,
      tool: "other-ai",
      confidence: "high",
      input: line(
        `Update src/client.ts (#${100 + i})\n\nCo-authored-by: ${login}[bot] <${65095814 + i}+${login}[bot]@users.noreply.github.com>`,
      ),
    }),
  ),
];

describe("built-in rules: positives", () => {
  it.each(positives.map((p) => [p.signal, p] as const))("%s fires", (_signal, p) => {
    const out = attributeLine(p.input, ctx);
    const fired = out.evidence.find((e) => e.signal === p.signal);
    expect(fired, JSON.stringify(out.evidence)).toBeDefined();
    expect(fired?.tool).toBe(p.tool);
    expect(fired?.confidence).toBe(p.confidence);
    expect(out.class).toBe("ai");
  });

  it("every built-in AI rule has at least one positive example", () => {
    const covered = new Set(positives.map((p) => p.signal));
    const base = (id: string) =>
      id.replace(/\.(author|committer|co-author|message|pr-author|pr-body|pr-title|branch|label)$/, "");
    const coveredBases = new Set([...covered].map(base));
    const missing = ctx.rules.rules
      .filter((r) => r.kind === "ai" && !covered.has(r.id) && !coveredBases.has(base(r.id)))
      .map((r) => r.id);
    expect(missing).toEqual([]);
  });
});

const negatives: Array<[string, AttributeLine, "human" | "bot"]> = [
  ["tool named in a subject", line("Match claude's settings to codex's"), "human"],
  ["openai package upgrade", line("upgrade openai to be compatible with zod v4"), "human"],
  ["cursor rules removal", line("remove cursor rules"), "human"],
  ["claude bot workflow", line("let the claude bot trigger the audit workflows"), "human"],
  ["css cursor", line("buttons missing cursor pointer styling"), "human"],
  ["prose self-disclosure", line("Rewrite release changelogs with Codex"), "human"],
  ["footer quoted in prose", line("Strip 'Generated with Claude Code' footers from release notes"), "human"],
  ["person named Claude", line("Fix date parsing", "Claude Dupont <claude.dupont@acme.fr>"), "human"],
  ["person named Devin", line("Fix date parsing", "Devin Patel <devin@acme.io>"), "human"],
  ["Devinda co-author", line("Pair on parser\n\nCo-authored-by: Devinda Perera <devinda@acme.io>"), "human"],
  ["Claudia co-author", line("Pair on parser\n\nCo-authored-by: Claudia Rossi <claudia@acme.io>"), "human"],
  ["Anthropic staff email", line("Fix SDK typing", "Sam Lee <sam@anthropic.com>"), "human"],
  ["OpenAI staff co-author", line("Fix SDK typing\n\nCo-authored-by: Ana Ruiz <ana@openai.com>"), "human"],
  ["cursor.com staff", line("Fix docs", "Lee Kim <lee@cursor.com>"), "human"],
  [
    "aider committer only",
    line("Fix the retry loop", "Priya Raman <priya@acme.io>", {
      committerName: "Priya Raman (aider)",
      committerEmail: "priya@acme.io",
    }),
    "human",
  ],
  ["person's devin/ branch", withPr({ headRef: "devin/fix-flaky-test" }), "human"],
  ["person's claude/ branch", withPr({ headRef: "claude/fix-login" }), "human"],
  ["Replit deployment", line("Published your App\n\nReplit-Commit-Author: Deployment"), "human"],
  ["generated-by protoc", line("Regenerate protos\n\nGenerated-by: protoc-gen-go v1.34"), "human"],
  ["co-developed-by human", line("net: fix leak\n\nCo-developed-by: Ana Ruiz <ana@acme.io>"), "human"],
  [
    "dependabot bumping anthropic",
    line(
      'Bump @anthropic-ai/sdk from 0.39.0 to 0.40.0\n\nBumps [@anthropic-ai/sdk](https://github.com/anthropics/anthropic-sdk-typescript) from 0.39.0 to 0.40.0.\n- [Commits](https://github.com/anthropics/anthropic-sdk-typescript/compare/v0.39.0...v0.40.0)\n\n---\nupdated-dependencies:\n- dependency-name: "@anthropic-ai/sdk"\n  dependency-type: direct:production\n...\n\nSigned-off-by: dependabot[bot] <support@github.com>',
      "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
    ),
    "bot",
  ],
  [
    "dependabot quoting a Claude footer from upstream",
    line(
      "Bump claude-code from 2.0.1 to 2.0.2\n\nRelease notes\n- Fix hooks\n  🤖 Generated with [Claude Code](https://claude.com/claude-code)",
      "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
    ),
    "bot",
  ],
  [
    "renovate copilot endpoints",
    line(
      "chore(deps): update dependency @github/copilot-language-server to v1.3.0",
      "renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>",
      {
        pr: {
          authorLogin: "renovate[bot]",
          authorType: "Bot",
          headRef: "renovate/copilot-language-server-1.x",
          title: "Update Copilot endpoints",
        },
      },
    ),
    "bot",
  ],
  [
    "github-actions without marker",
    line("chore: update snapshots", "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"),
    "bot",
  ],
  ["GitHub Actions <actions@github.com>", line("Update coverage badge", "GitHub Actions <actions@github.com>"), "bot"],
  [
    "gemini-cli[bot] triage",
    line("Label issues", "gemini-cli[bot] <218195315+gemini-cli[bot]@users.noreply.github.com>"),
    "bot",
  ],
  [
    "pre-commit-ci",
    line(
      "[pre-commit.ci] auto fixes from pre-commit.com hooks",
      "pre-commit-ci[bot] <66853113+pre-commit-ci[bot]@users.noreply.github.com>",
    ),
    "bot",
  ],
  [
    "semantic-release",
    line("chore(release): 3.2.0 [skip ci]", "semantic-release-bot <semantic-release-bot@martynus.net>"),
    "bot",
  ],
  [
    "allcontributors",
    line(
      "docs: add priya as a contributor",
      "allcontributors[bot] <46447321+allcontributors[bot]@users.noreply.github.com>",
    ),
    "bot",
  ],
  [
    "autofix-ci",
    line("[autofix.ci] apply automated fixes", "autofix-ci[bot] <114827586+autofix-ci[bot]@users.noreply.github.com>"),
    "bot",
  ],
  [
    "release-please",
    line("chore(main): release 1.4.0", "release-please[bot] <55107282+release-please[bot]@users.noreply.github.com>"),
    "bot",
  ],
  ["unknown bot", line("Sync translations", "acme-l10n[bot] <12345+acme-l10n[bot]@users.noreply.github.com>"), "bot"],
];

describe("built-in rules: hard negatives", () => {
  it.each(negatives)("%s", (_name, input, expected) => {
    const out = attributeLine(input, ctx);
    expect(out.evidence.filter((e) => e.confidence !== "low")).toEqual([]);
    if (expected === "bot") expect(out.class).toBe("bot");
    else expect(["human"]).toContain(out.class);
  });

  it("a dual-use bot with a message marker is AI", () => {
    const out = attributeLine(
      line(
        "Fix lint\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
      ),
      ctx,
    );
    expect(out.class).toBe("ai");
    expect(out.tool).toBe("claude-code");
  });
});
