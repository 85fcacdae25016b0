import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startApiServer } from "@yardstick/api";
import type { Config } from "@yardstick/config";
import { changes as changesTable, listPeople, listRollupRows, readRollupState } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import type { WeekFigures } from "@yardstick/metrics";
import { createPipelineDeps, runSyncInline } from "@yardstick/pipeline";
import { formatNumber } from "@yardstick/report";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEB_DIST } from "../web-bundle.js";
import { configForWorld } from "./world-config.js";

/**
 * The dashboard in real headless Chromium (Debian's package, driven by playwright-core), served
 * with the read API by the API server over real HTTP, on the rollups of a simulated organisation
 * synced through the real pipeline into PostgreSQL. People sign in through the simulator's GitHub
 * OAuth. Screenshots go to test-artifacts/dashboard/.
 */
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = resolve(fileURLToPath(new URL("../../../../test-artifacts/dashboard", import.meta.url)));
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];
const TOKEN = "dashboard-test-token";
const OAUTH = { clientId: "Iv1.dashboard-test", clientSecret: "dashboard-oauth-secret" };

const present = existsSync(CHROMIUM);
if (!present) {
  console.warn(
    `SKIPPED the dashboard's browser test: ${CHROMIUM} is absent. Install Debian's chromium: bash scripts/services.sh --browser (or apt-get install -y chromium)`,
  );
}

const world = World.from(generateWorld({ ...presetOptions("small", 11), weeks: 12 }), { truth: true });
const now = new Date(world.header.now);
const silent = createLogger({ service: "test", level: "silent" });
const logins = world.orgMembers("acme").map((m) => m.login);
const ADMIN = logins[0] as string;
const VIEWER = logins[1] as string;
// "platform" has 4 people, below k = 5: suppressed.
const config: Config = { ...configForWorld(world), admins: [ADMIN] };
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

describe.skipIf(!present)(
  `the dashboard in headless Chromium (${CHROMIUM}; skipped when absent: apt-get install -y chromium)`,
  () => {
    let t: TestDatabase;
    let sim: Simulator;
    let api: Awaited<ReturnType<typeof startApiServer>>;
    let names: Set<string>;
    const contexts: { context: BrowserContext; dir: string }[] = [];

    beforeAll(async () => {
      if (!existsSync(join(WEB_DIST, "index.html"))) {
        throw new Error(`the dashboard is not built (${WEB_DIST}): run pnpm --filter @yardstick/web build`);
      }
      mkdirSync(ARTIFACTS, { recursive: true });
      t = await createTestDatabase({ backend: "postgres" });
      sim = await startSimulator({
        world,
        tokens: [TOKEN],
        seed: 3,
        now: () => now.getTime(),
        oauthApps: [OAUTH],
      });
      const deps = createPipelineDeps({
        db: t.db,
        github: createGitHubClient({
          baseUrl: sim.url,
          auth: { type: "token", token: TOKEN },
          logger: silent,
          throttle: { graphqlMinTimeMs: 0, retryBaseMs: 5, retries: 8 },
        }),
        config,
        now: () => now,
      });
      const summary = await runSyncInline(deps, silent, { runId: "dashboard-1" });
      expect(summary.failed).toEqual([]);
      const stored = await t.db.selectDistinct({ login: changesTable.creditedLogin }).from(changesTable);
      names = new Set([
        ...(await listPeople(t.db)).map((p) => p.id),
        ...logins,
        ...stored.map((s) => s.login).filter((l): l is string => l !== null),
      ]);
      api = await startApiServer({
        logger: silent,
        read: { db: t.db, config, oauth: { ...OAUTH, webUrl: sim.url, apiUrl: sim.url } },
        web: { root: WEB_DIST },
      });
    }, 600_000);

    afterAll(async () => {
      for (const c of contexts) {
        await c.context.close();
        rmSync(c.dir, { recursive: true, force: true });
      }
      await api?.close();
      await sim?.close();
      await t?.drop();
    });

    /** A browser signed in through the dashboard's button and the simulator's OAuth as `login`. */
    async function signedIn(login: string): Promise<{ page: Page; errors: string[] }> {
      const dir = mkdtempSync(join(tmpdir(), "yardstick-dashboard-"));
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
        viewport: { width: 1440, height: 900 },
        // Only so the accessibility checker (an inline script) can run under the page's CSP.
        bypassCSP: true,
      });
      contexts.push({ context, dir });
      const page = context.pages()[0] ?? (await context.newPage());
      // A loaded CI machine (several test files at once) may take seconds per page: correctness
      // is checked here, speed in the benchmark.
      page.setDefaultTimeout(60_000);
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error" && !/status of 401/.test(m.text())) errors.push(m.text());
      });
      // GitHub's sign-in page: the simulator signs in the user named by login= (its extension),
      // added to the address the API sends the browser to (redirects themselves are not routed).
      await page.route(`${api.url}/auth/github/login**`, async (route) => {
        const response = await route.fetch({ maxRedirects: 0 });
        const location = new URL(response.headers().location as string);
        location.searchParams.set("login", login);
        await route.fulfill({ response, headers: { ...response.headers(), location: location.toString() } });
      });
      await page.goto(`${api.url}/`);
      await page.getByRole("link", { name: "Sign in with GitHub" }).click();
      await page
        .getByTestId("who")
        .waitFor({ timeout: 60_000 })
        .catch(async (e) => {
          throw new Error(`not signed in: at ${page.url()}: ${(await page.content()).slice(0, 600)} (${e})`);
        });
      expect(await page.getByTestId("who").textContent()).toContain(login);
      return { page, errors };
    }

    async function axe(page: Page, name: string) {
      await page.addScriptTag({ content: axeSource });
      const result = (await page.evaluate(
        `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "best-practice"] } })`,
      )) as { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };
      const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(
        serious.map(
          (v) => `${name}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
        ),
      ).toEqual([]);
    }

    /**
     * Nothing a viewer's browser holds (text, attributes, links) names a person: the page's content
     * names nobody, the page around it only the viewer (who is signed in).
     */
    async function expectNoNames(page: Page, self: string) {
      const html = await page.content();
      const main = await page.locator("main").innerHTML();
      for (const name of names) {
        expect(main.includes(name), `${name} shown to a viewer at ${page.url()}`).toBe(false);
        if (name !== self) expect(html.includes(name), `${name} shown to a viewer at ${page.url()}`).toBe(false);
      }
    }

    /**
     * Every row of the group-week's change list as the page shows it, from its first row: each
     * page read, then the "next" link followed by the keyboard until there is none. A page is read
     * only once the pager and the rows agree with the address just followed ("Rows S–E of N" with
     * E = min(S + size - 1, N) and E - S + 1 rows): the router renders a new address in a
     * transition, so right after the address changes the old list (another size, another filter)
     * can still be on screen, and on a loaded machine for a while.
     */
    async function everyRow(page: Page, size: number) {
      const rows = page.locator("table.changes tbody tr");
      const ids = new Set<string>();
      let counted = 0;
      let countedAi = 0;
      let pages = 0;
      for (;;) {
        const start = ids.size + 1;
        let shown: string[] = [];
        await expect
          .poll(
            async () => {
              const label = (await page.getByTestId("rows-shown").allTextContents())[0] ?? "";
              const m = /^Rows ([\d,]+)–([\d,]+) of ([\d,]+)$/.exec(label.trim());
              if (m === null) return `no complete pager yet: "${label}"`;
              const [s, e, n] = [m[1], m[2], m[3]].map((x) => Number((x as string).replaceAll(",", "")));
              if (s !== start || e !== Math.min(start + size - 1, n as number)) return `pager says "${label}"`;
              shown = await rows.locator("td:first-child a").allTextContents();
              return shown.length === (e as number) - start + 1 ? "ready" : `${shown.length} rows under "${label}"`;
            },
            { timeout: 60_000 },
          )
          .toBe("ready");
        for (const id of shown) {
          expect(ids.has(id), `${id} listed twice`).toBe(false);
          ids.add(id);
        }
        counted += await page.locator('table.changes tbody tr[data-counted="true"]').count();
        countedAi += await page.locator('table.changes tbody tr[data-counted-ai="true"]').count();
        pages += 1;
        const next = page.getByTestId("next-page");
        if ((await next.count()) === 0) return { ids, counted, countedAi, pages };
        await next.focus();
        await page.keyboard.press("Enter");
        await page.waitForURL(new RegExp(`[?&]start=${start + shown.length}(&|$)`));
      }
    }

    it("serves the bundle at the API's origin: hashed assets cached for a year, pages revalidated, any page address opens the app", async () => {
      const index = await fetch(`${api.url}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get("cache-control")).toBe("no-cache");
      expect(index.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
      const html = await index.text();
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
      const js = await fetch(`${api.url}${asset}`);
      expect(js.status).toBe(200);
      expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      // A shared link to a page, opened fresh: the app's index.html, not a 404.
      const deep = await fetch(`${api.url}/groups/org/acme/weeks/2026-W01?ai=true`, {
        headers: { accept: "text/html" },
      });
      expect(deep.status).toBe(200);
      expect(await deep.text()).toBe(html);
      // The API's own misses stay problems.
      const miss = await fetch(`${api.url}/api/v1/nothing`, { headers: { accept: "text/html" } });
      expect(miss.status).toBe(404);
      expect(miss.headers.get("content-type")).toMatch(/problem\+json/);
      // Without a built bundle, `/` says how to build it.
      const empty = mkdtempSync(join(tmpdir(), "yardstick-no-web-"));
      const bare = await startApiServer({ logger: silent, read: { db: t.db, config }, web: { root: empty } });
      try {
        const res = await fetch(`${bare.url}/`);
        expect(res.status).toBe(503);
        expect(await res.text()).toMatch(/not built.*pnpm --filter @yardstick\/web build/s);
      } finally {
        await bare.close();
      }
    });

    it("signs a viewer in through GitHub and follows the overview's AIND to the changes that add up to it and one change's evidence", async () => {
      const { page, errors } = await signedIn(VIEWER);
      expect(await page.getByTestId("role").textContent()).toBe("viewer");
      // Keyboard: the first Tab reaches the skip link, which moves focus to the figures.
      await page.keyboard.press("Tab");
      expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to the figures");
      // Overview: the organisation's week, on one 1440x900 screen.
      const aindTile = page.getByTestId("tile-aind");
      await aindTile.waitFor();
      await page.getByTestId("projection").filter({ hasNotText: "…" }).waitFor();
      await page.locator(".recharts-line").first().waitFor();
      const shownAind = await aindTile.locator("[data-value]").textContent();
      const heading = await page.locator("h1").textContent();
      const week = /week (\d{4}-W\d{2})/.exec(heading ?? "")?.[1] as string;
      expect(week).toMatch(/^\d{4}-W\d{2}$/);
      expect(await page.evaluate("document.documentElement.scrollHeight")).toBeLessThanOrEqual(900);
      expect(await page.getByText(/Guardrails: AI-assisted vs other/).count()).toBe(1);
      // The guardrail rates with the counts behind them: the organisation's week's, as the API gives them.
      const split = (
        (await (await page.request.get(`${api.url}/api/v1/groups/org/acme/weeks/${week}`)).json()) as {
          figures: WeekFigures;
        }
      ).figures.guardrails;
      const revertRow = (await page.locator("tr[data-figure=revertRate]").textContent()) ?? "";
      const failureRow = (await page.locator("tr[data-figure=changeFailureRate]").textContent()) ?? "";
      for (const side of [split?.ai, split?.other]) {
        if ((side?.changes ?? 0) > 0) expect(revertRow).toContain(`${side?.revertedChanges} of ${side?.changes};`);
        if ((side?.deployments ?? 0) > 0) {
          expect(failureRow).toContain(`${side?.failedDeployments} of ${side?.deployments};`);
        }
      }
      expect(revertRow).toMatch(/beyond noise|within noise|too few to test/);
      // Lead time: each side's median with its 95% interval and n, as the API gives them, and the
      // verdict of the API's lead-time test once it has answered.
      const leadTest = (await (
        await page.request.get(`${api.url}/api/v1/groups/org/acme/weeks/${week}/lead-time-test`)
      ).json()) as {
        test: { pValue: number; significant: boolean } | null;
      };
      const verdict =
        leadTest.test === null
          ? "too few to test (under 5 changes a side)"
          : leadTest.test.significant
            ? `beyond noise (Mann-Whitney, p = ${leadTest.test.pValue.toFixed(3)})`
            : `within noise (Mann-Whitney, p = ${leadTest.test.pValue.toFixed(2)})`;
      await page.locator("tr[data-figure=leadTime]", { hasText: verdict }).waitFor();
      const leadRow = (await page.locator("tr[data-figure=leadTime]").textContent()) ?? "";
      for (const side of [split?.ai, split?.other]) {
        const ci = side?.leadTimeMedianInterval;
        if (ci !== null && ci !== undefined) {
          expect(leadRow).toContain(
            `(95% CI ${ci.low.toFixed(1)}–${ci.high.toFixed(1)} h, n = ${side?.leadTimeSamples})`,
          );
        }
      }
      expect(await page.locator("tr[data-figure=recovery]").textContent()).toMatch(
        /intervals (do not )?overlap \(not a test\)|no interval to compare|—/,
      );
      await page.screenshot({ path: join(ARTIFACTS, "overview.png") });
      await axe(page, "overview");
      await expectNoNames(page, VIEWER);

      // Drill down: the AI-assisted qualifying changes of the organisation's week. What they add up
      // to is shown at once (the API's count-and-sum answer); the list, a page at a time. The
      // overview fetches both ahead once idle (what the page then shows without asking, while
      // they are fresh: a minute).
      const drillRequests = `performance.getEntriesByType("resource").filter((e) => /\\/changes(\\/summary)?\\?qualifying=true&ai=true/.test(e.name)).map((e) => e.startTime)`;
      await expect
        .poll(async () => ((await page.evaluate(drillRequests)) as number[]).length)
        .toBeGreaterThanOrEqual(2);
      await page.getByTestId("aind-drill").click();
      await page.waitForURL(/\/groups\/org\/acme\/weeks\/\d{4}-W\d{2}\?qualifying=true&ai=true$/);
      await page.getByTestId("sum").waitFor();
      const rows = page.locator("table.changes tbody tr");
      await rows.first().waitFor();
      const figures = (await (await page.request.get(`${api.url}/api/v1/groups/org/acme/weeks/${week}`)).json())
        .figures as { aind: number; activeEngineers: number; aiQualifyingChanges: number };
      expect(figures.aiQualifyingChanges).toBeGreaterThan(0);
      expect(shownAind).toBe(formatNumber(figures.aind));
      const listed = Number(await page.getByTestId("listed").textContent());
      const summedAi = Number(await page.getByTestId("counted-ai").textContent());
      expect(listed).toBe(figures.aiQualifyingChanges);
      expect(summedAi / figures.activeEngineers).toBeCloseTo(figures.aind, 12);
      await page.screenshot({ path: join(ARTIFACTS, "group-week.png") });
      await axe(page, "group-week");
      await expectNoNames(page, VIEWER);

      // The listed changes truly add up to the figures: every row of every page, read from the
      // table, 20 a page (the page size chosen by keyboard, kept in the address), turned by the
      // keyboard through the "next" link until there is none.
      const sizeSelect = page.getByLabel("Rows per page");
      await sizeSelect.focus();
      await sizeSelect.selectOption("20");
      await page.waitForURL(/[?&]size=20(&|$)/);
      const ai = await everyRow(page, 20);
      expect(ai.ids.size).toBe(figures.aiQualifyingChanges);
      expect(ai.countedAi).toBe(summedAi);
      expect(ai.countedAi / figures.activeEngineers).toBeCloseTo(figures.aind, 12);
      expect(ai.pages).toBe(Math.ceil(figures.aiQualifyingChanges / 20));
      // Every change of the week (filters cleared: the list starts again from its first row):
      // more than one page; the counted ones add up to ND, the AI-counted ones to AIND.
      await page.getByLabel("Qualifying").selectOption("");
      await page.getByLabel("AI-assisted").selectOption("");
      await page.waitForURL((u) => !u.searchParams.has("ai") && !u.searchParams.has("qualifying"));
      const all = await everyRow(page, 20);
      const sums = await (
        await page.request.get(`${api.url}/api/v1/groups/org/acme/weeks/${week}/changes/summary`)
      ).json();
      expect(all.pages).toBeGreaterThan(1);
      expect(all.ids.size).toBe(sums.listed);
      expect(Number(await page.getByTestId("listed").textContent())).toBe(all.ids.size);
      expect(all.counted).toBe(Number(await page.getByTestId("counted").textContent()));
      expect(all.counted / figures.activeEngineers).toBeCloseTo(sums.nd, 12);
      expect(all.countedAi / figures.activeEngineers).toBeCloseTo(figures.aind, 12);
      expect([...ai.ids].every((id) => all.ids.has(id))).toBe(true);
      // The address holds the position: opened afresh, the same (last) page.
      const lastPage = await rows.locator("td:first-child a").allTextContents();
      await page.reload();
      await rows.first().waitFor();
      expect(await rows.locator("td:first-child a").allTextContents()).toEqual(lastPage);
      // Back to the AI-assisted qualifying changes, from their first row.
      await page.getByLabel("Qualifying").selectOption("true");
      await page.getByLabel("AI-assisted").selectOption("true");
      await page.waitForURL((u) => u.searchParams.get("ai") === "true" && !u.searchParams.has("cursor"));
      await page
        .getByTestId("rows-shown")
        .filter({ hasText: /^Rows 1–/ })
        .waitFor();
      await page.locator('table.changes tbody tr[data-counted-ai="true"]').first().waitFor();

      // One change's evidence: each signal with where it was found, links to GitHub. Tabbing to a
      // change's link (or pointing at it) fetches its evidence ahead, under the change page's own
      // key: the click then sends no request of its own.
      const changeRequests = (id: string) =>
        page.evaluate(
          (path) => performance.getEntriesByType("resource").filter((e) => new URL(e.name).pathname === path).length,
          `/api/v1/changes/${encodeURIComponent(id)}`,
        );
      // The list's pages filled the timeline: start it afresh (a full buffer records nothing more).
      await page.evaluate(() => performance.clearResourceTimings());
      const [firstLink, lastLink] = [rows.first().locator("a").first(), rows.last().locator("a").first()];
      const [firstId, lastId] = [(await firstLink.textContent()) ?? "", (await lastLink.textContent()) ?? ""];
      await lastLink.hover();
      await expect.poll(() => changeRequests(lastId)).toBe(1);
      await firstLink.focus();
      await expect.poll(() => changeRequests(firstId)).toBe(1);
      await firstLink.click();
      await page.getByTestId("evidence").waitFor();
      expect(await changeRequests(firstId)).toBe(1);
      expect(await page.getByTestId("verdict").textContent()).toMatch(/^AI-assisted/);
      expect(await page.locator("[data-testid=evidence] tbody tr").count()).toBeGreaterThan(0);
      expect(await page.getByTestId("github-link").getAttribute("href")).toMatch(
        /^https:\/\/github\.com\/acme\/[^/]+\/pull\/\d+$/,
      );
      await page.screenshot({ path: join(ARTIFACTS, "change.png"), fullPage: true });
      await axe(page, "change");
      await expectNoNames(page, VIEWER);

      // Adoption: every team on one axis, alphabetical; the small team suppressed, with the reason.
      await page.getByRole("link", { name: "Adoption" }).click();
      await page.getByTestId("adoption-table").waitFor();
      const teams = await page.locator("[data-testid=adoption-table] tbody th").allInnerTexts();
      expect(teams).toEqual([...teams].sort());
      expect(teams).toContain("platform");
      expect(
        await page.locator("[data-testid=adoption-table] tbody tr", { hasText: "platform" }).textContent(),
      ).toMatch(/suppressed: fewer people than the minimum group size/);
      await page.screenshot({ path: join(ARTIFACTS, "adoption.png") });
      await axe(page, "adoption");
      await expectNoNames(page, VIEWER);

      // Guardrails: every team, alphabetical, AI-assisted vs other with counts and the test, for the
      // change failure rate and the revert rate; medians with their 95% intervals and sample sizes.
      await page.getByRole("link", { name: "Guardrails" }).click();
      await page.getByTestId("guardrails-groups").waitFor();
      const guarded = await page.locator("[data-testid=guardrails-groups] h2").allTextContents();
      expect(guarded).toEqual([...guarded].sort());
      expect(
        await page.locator('[data-testid=guardrails-groups] section[data-group="platform"]').textContent(),
      ).toMatch(/suppressed/);
      for (const figure of ["changeFailureRate", "revertRate"]) {
        const rows = await page.locator(`[data-testid=guardrails-groups] tr[data-figure=${figure}]`).allTextContents();
        expect(rows.length).toBeGreaterThan(0);
        expect(
          rows.some((r) => /\d+ of \d+; 95% CI/.test(r)),
          figure,
        ).toBe(true);
        for (const r of rows) expect(r).toMatch(/beyond noise|within noise|too few to test/);
      }
      const leadRows = await page.locator("[data-testid=guardrails-groups] tr[data-figure=leadTime]").allTextContents();
      for (const r of leadRows) {
        expect(r).toMatch(/n\/a|\d+\.\d h \((95% CI \d+\.\d–\d+\.\d h, n = \d+|n = \d+; too few for a 95% CI)/);
      }
      expect(leadRows.some((r) => /95% CI \d+\.\d–\d+\.\d h, n = \d+/.test(r))).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, "guardrails.png") });
      await axe(page, "guardrails");
      await expectNoNames(page, VIEWER);

      // Status: every repository's last sync.
      await page.getByRole("link", { name: "Status" }).click();
      await page.getByTestId("repositories").waitFor();
      expect(await page.locator("[data-testid=repositories] tbody tr").count()).toBe(world.repos().length);
      await page.getByTestId("deployment-signal").waitFor();
      // Attribution coverage: each of the last weeks' changes, with any signal and AI-assisted.
      await page.getByTestId("attribution-coverage").waitFor();
      const coverageRows = page.locator("[data-testid=attribution-coverage] tbody tr");
      expect(await coverageRows.count()).toBeGreaterThan(0);
      expect(await coverageRows.last().textContent()).toMatch(/\d+ \(\d+%\)/);
      expect(await page.getByText(/Jobs run inline in one process/).count()).toBe(2);
      await page.screenshot({ path: join(ARTIFACTS, "status.png"), fullPage: true });
      await axe(page, "status");
      await expectNoNames(page, VIEWER);

      // The admin page by its address: no link, no request, no names, no tokens; the API refuses too.
      expect(await page.getByRole("link", { name: "Admin" }).count()).toBe(0);
      await page.goto(`${api.url}/admin`);
      await page.getByText(/Administrators only/).waitFor();
      expect(await page.getByTestId("tokens-table").count()).toBe(0);
      expect(await page.getByTestId("token-form").count()).toBe(0);
      expect((await page.request.get(`${api.url}/api/v1/admin/tokens`)).status()).toBe(403);
      const people = await page.request.post(`${api.url}/api/v1/admin/people`, {
        data: { ids: (await listPeople(t.db)).map((p) => p.id) },
      });
      expect(people.status()).toBe(403);
      for (const name of names) expect((await people.text()).includes(name)).toBe(false);
      await expectNoNames(page, VIEWER);

      // A suppressed group's week, opened by its address: shown as suppressed, nothing listed.
      await page.goto(`${api.url}/groups/team/platform/weeks/${week}`);
      await page.getByText(/Suppressed\./).waitFor();
      expect(await page.locator("table.changes").count()).toBe(0);
      // A team's week by its address: the changes, with nobody named.
      await page.goto(`${api.url}/groups/team/payments/weeks/${week}`);
      await page.getByTestId("sum").waitFor();
      // The sum and the rows are two answers: wait for the rows, or the header's absence proves nothing.
      await page.locator("table.changes tbody tr").first().waitFor();
      expect(await page.getByRole("columnheader", { name: "author" }).count()).toBe(0);
      await expectNoNames(page, VIEWER);
      expect(errors).toEqual([]);
    }, 300_000);

    it("shows authors to an administrator (the role allows it), in the same page a viewer sees without them", async () => {
      const { page, errors } = await signedIn(ADMIN);
      expect(await page.getByTestId("role").textContent()).toBe("admin");
      await page.getByTestId("tile-aind").waitFor();
      const week = /week (\d{4}-W\d{2})/.exec((await page.locator("h1").textContent()) ?? "")?.[1] as string;
      await page.goto(`${api.url}/groups/team/payments/weeks/${week}`);
      await page.getByTestId("sum").waitFor();
      // The sum may come before the rows (two answers): the author column comes with the rows.
      await page.locator("table.changes tbody tr").first().waitFor();
      expect(await page.getByRole("columnheader", { name: "author" }).count()).toBe(1);
      const html = await page.content();
      expect([...names].some((n) => html.includes(n))).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, "group-week-admin.png") });
      // The integrity flags' named lists: admins only.
      await page.getByRole("link", { name: "Admin" }).click();
      await page.getByTestId("flags-table").waitFor();
      const flagged = await page.locator("[data-testid=flags-table] tbody th").allTextContents();
      expect(flagged).toEqual([...flagged].sort());
      // A week with flagged people (the latest): its named lists show their logins, alphabetical,
      // each with its person id on hover.
      const state = await readRollupState(t.db);
      const rows = await listRollupRows(t.db, {
        fromWeek: state?.fromWeek as string,
        toWeek: state?.toWeek as string,
        kinds: ["team"],
      });
      const flaggedWeek = rows
        .filter((r) => {
          const f = r.figures as unknown as WeekFigures;
          return !f.suppressed && Object.values(f.flags.named ?? {}).some((l) => l.length > 0);
        })
        .map((r) => r.week)
        .sort()
        .at(-1) as string;
      expect(flaggedWeek).toBeDefined();
      const loginOf = new Map((await listPeople(t.db)).map((p) => [p.id, p.logins[0]]));
      await page.goto(`${api.url}/admin?week=${flaggedWeek}`);
      await page.getByRole("heading", { name: `Integrity flags, week ${flaggedWeek}` }).waitFor();
      await page.getByTestId("flagged-people").first().waitFor();
      const shown = await page
        .locator("[data-testid=flagged-people] [data-person]")
        .evaluateAll((els) =>
          els.map((e) => ({ id: e.getAttribute("data-person"), text: e.textContent, title: e.getAttribute("title") })),
        );
      expect(shown.length).toBeGreaterThan(0);
      for (const p of shown) {
        expect(p.text?.toLowerCase()).toBe(loginOf.get(p.id as string));
        expect(p.title).toContain(p.id);
      }
      for (const list of await page.getByTestId("flagged-people").all()) {
        const labels = (await list.locator("[data-person]").allTextContents()).map((l) => l.toLowerCase());
        expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, "en")));
      }
      // API tokens (on the same page, so its screenshot shows the flagged logins): created here,
      // its value shown once; listed afterwards without it; revoked.
      await page.getByTestId("tokens-table").waitFor();
      await page.getByLabel("name").fill("grafana");
      await page.getByLabel("role").selectOption("viewer");
      await page.getByRole("button", { name: "Create token" }).click();
      const value = (await page.getByTestId("token-value").textContent()) as string;
      expect(value).toMatch(/^ys_[A-Za-z0-9_-]{43}$/);
      await page.locator("[data-testid=tokens-table] tbody th", { hasText: "grafana" }).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, "admin.png"), fullPage: true });
      await axe(page, "admin");
      // The token works, as a viewer.
      const me = await fetch(`${api.url}/api/v1/me`, { headers: { authorization: `Bearer ${value}` } });
      expect(((await me.json()) as { role: string }).role).toBe("viewer");
      // Shown once: after a reload, nowhere in the page.
      await page.reload();
      await page.locator("[data-testid=tokens-table] tbody th", { hasText: "grafana" }).waitFor();
      expect(await page.getByTestId("created-token").count()).toBe(0);
      expect((await page.content()).includes(value)).toBe(false);
      expect((await page.content()).includes(value.slice(0, 8))).toBe(true);
      page.once("dialog", (d) => void d.accept());
      await page.getByRole("button", { name: "Revoke grafana" }).click();
      await page
        .locator("[data-testid=tokens-table] tbody tr", { hasText: "grafana" })
        .getByText(/^revoked/)
        .waitFor();
      expect(await page.getByRole("button", { name: "Revoke grafana" }).count()).toBe(0);
      expect(errors).toEqual([]);
    }, 300_000);
  },
);
