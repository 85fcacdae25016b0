import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MetricsOutput } from "@yardstick/metrics";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { buildDigest } from "./digest.js";
import { renderDigestHtml } from "./digest-render.js";
import { renderReportHtml } from "./html.js";
import { sampleOutput } from "./test-fixture.js";

/**
 * Opens the leadership report in real headless Chromium (Debian's package, driven by
 * playwright-core): charts render, no console errors, no network, a screenshot is kept under
 * test-artifacts/ and printing to PDF works. Needs `apt-get install -y chromium`.
 */
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = resolve(fileURLToPath(new URL("../../../test-artifacts/report", import.meta.url)));
/** The first page's screenshot that docs/report.md shows. */
const DOCS_SHOTS = resolve(fileURLToPath(new URL("../../../docs/report", import.meta.url)));
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const present = existsSync(CHROMIUM);
if (!present) {
  console.warn(
    `SKIPPED the report's browser test: ${CHROMIUM} is absent. Install Debian's chromium: apt-get update && apt-get install -y chromium`,
  );
}

/**
 * Writes `html` under test-artifacts/report/ and opens it in headless Chromium, collecting console
 * errors, page errors and every request that is not for the file itself.
 */
async function openInChromium(name: string, html: string, viewport: { width: number; height: number }) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, name);
  writeFileSync(file, html);
  const userDataDir = mkdtempSync(join(tmpdir(), "yardstick-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return {
    page,
    errors,
    requests,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!present)(
  `the HTML report in headless Chromium (${CHROMIUM}; skipped when absent: apt-get install -y chromium)`,
  () => {
    it("renders its charts with no console errors and no network, keeps a screenshot, prints to PDF", async () => {
      const output = MetricsOutput.parse(sampleOutput({ weeks: 26 }));
      const html = renderReportHtml(output, {
        title: "Acme engineering: AI and delivery",
        generatedAt: new Date("2026-11-24T09:00:00Z"),
        coverage: {
          unresolvedAccounts: 3,
          lastSyncAt: new Date("2026-11-24T07:30:00Z"),
          syncStreamsWithErrors: 0,
          ruleVersions: ["2026.11.1"],
        },
      });
      const { page, errors, requests, close } = await openInChromium("report.html", html, { width: 1200, height: 900 });
      try {
        const charts = await page.$$eval("svg.chart", (svgs) =>
          svgs.map((s) => {
            const box = s.getBoundingClientRect();
            const lines = [...s.querySelectorAll("polyline, rect.bar")].map((e) => {
              // No DOM lib in the tsconfig: the element is an SVGGraphicsElement in the page.
              const b = (e as unknown as { getBBox(): { width: number; height: number } }).getBBox();
              return b.width + b.height;
            });
            return { width: box.width, height: box.height, marks: lines.filter((v) => v > 0).length };
          }),
        );
        // First page: 3 organisation charts; teams: 2 each (3 teams with figures); org guardrails: 4; cost: 1.
        // Repositories are a table, not chart panels.
        expect(charts.length).toBeGreaterThanOrEqual(3 + 3 * 2 + 4 + 1);
        for (const c of charts) {
          expect(c.width).toBeGreaterThan(100);
          expect(c.height).toBeGreaterThan(50);
        }
        expect(charts.filter((c) => c.marks > 0).length).toBe(charts.length);
        // The team below k throughout: a note instead of its charts.
        expect(await page.locator("text=Suppressed every week").count()).toBe(1);
        expect(await page.locator("svg.spark").count()).toBeGreaterThan(0);
        expect(await page.title()).toBe("Acme engineering: AI and delivery");

        await page.screenshot({ path: join(ARTIFACTS, "report-top.png") });
        await page.screenshot({ path: join(ARTIFACTS, "report-full.png"), fullPage: true });
        for (const id of ["summary", "adoption", "repositories", "guardrails", "coverage"]) {
          await page.locator(`#${id}`).screenshot({ path: join(ARTIFACTS, `report-${id}.png`) });
        }

        const a4 = await page.pdf({ format: "A4", printBackground: true });
        const letter = await page.pdf({ format: "Letter", printBackground: true });
        writeFileSync(join(ARTIFACTS, "report-a4.pdf"), a4);
        for (const pdf of [a4, letter]) {
          expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
          expect(pdf.length).toBeGreaterThan(20_000);
        }
        // A page per section at least (headline, adoption, ND, AI share, guardrails, cost, flags, coverage, definitions).
        const pages = (a4.toString("latin1").match(/\/Type\s*\/Page\b/g) ?? []).length;
        expect(pages).toBeGreaterThanOrEqual(9);

        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await close();
      }
    });

    it("answers the three questions for the organisation in one 1440×900 screen (screenshot in docs/report/)", async () => {
      const output = MetricsOutput.parse(sampleOutput({ weeks: 26 }));
      const html = renderReportHtml(output, {
        title: "Acme engineering: AI and delivery",
        generatedAt: new Date("2026-11-24T09:00:00Z"),
        coverage: { lastSyncAt: new Date("2026-11-24T07:30:00Z"), ruleVersions: ["2026.11.1"] },
      });
      const viewport = { width: 1440, height: 900 };
      const { page, errors, requests, close } = await openInChromium("report-first-page.html", html, viewport);
      try {
        const questions = await page.$$eval("#summary h3", (hs) => hs.map((h) => (h.textContent ?? "").trim()));
        expect(questions).toEqual(["Is AI helping us ship?", "Are we on track?", "Is quality holding?"]);
        // The whole first page, its three charts and its notes, is inside the first screen.
        const box = await page.locator("#summary").boundingBox();
        expect(box).not.toBeNull();
        expect((box?.y ?? 0) + (box?.height ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(viewport.height);
        expect(box?.width ?? 0).toBeLessThanOrEqual(viewport.width);
        for (const svg of await page.locator("#summary svg.chart").all()) {
          const b = await svg.boundingBox();
          expect((b?.y ?? 0) + (b?.height ?? 0)).toBeLessThanOrEqual(viewport.height);
          expect(b?.height ?? 0).toBeGreaterThan(80);
        }
        // Each answer carries its figures (the organisation's, this week).
        expect(await page.locator('#summary [data-group="org:acme"][data-field="aind"]').count()).toBe(1);
        expect(await page.locator('#summary [data-group="org:acme"][data-field="adoption"]').count()).toBe(1);
        expect(await page.locator('#summary [data-group="org:acme"][data-field="aiChangeFailureRate"]').count()).toBe(
          1,
        );
        mkdirSync(DOCS_SHOTS, { recursive: true });
        await page.screenshot({ path: join(DOCS_SHOTS, "first-page.png") });
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await close();
      }
    });

    it("shows the weekly digest's HTML (as files and email carry it) with no errors and no network", async () => {
      const output = MetricsOutput.parse(sampleOutput({ weeks: 6 }));
      const html = renderDigestHtml(
        buildDigest(output, { week: "2026-W47", generatedAt: new Date("2026-11-23T09:00:00Z") }),
      );
      const { page, errors, requests, close } = await openInChromium("digest.html", html, { width: 760, height: 900 });
      try {
        const headings = await page.$$eval("h2", (hs) => hs.map((h) => (h.textContent ?? "").trim()));
        expect(headings).toEqual([
          "Headline",
          "Adoption against target",
          "Guardrail regressions",
          "Integrity flags (counts of person-weeks)",
          "Data warnings",
        ]);
        // The hostile team name is text, not markup.
        expect(await page.locator("script").count()).toBe(0);
        expect(await page.locator("text=<script>alert('x')</script>").count()).toBeGreaterThan(0);
        await page.screenshot({ path: join(ARTIFACTS, "digest-full.png"), fullPage: true });
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await close();
      }
    });
  },
);
