// A test file's whole platform, in its life cycle (vitest hooks): before the first test, a static
// server for the web app (its origin is what the API's CORS_ORIGIN lists), the API as a process,
// the web bundle built for that API, and Chromium; all of it closed after the last test. Each
// test opens browser contexts of its own (cookies and storage of their own), closed when it ends.
//
// Host names: the pages come from http://localhost:<port> and the API is
// http://localhost:<other port>. Same site (ports do not count), so the API's SameSite=Strict
// refresh cookie goes with the app's requests; and localhost is a secure context, so Chromium
// keeps a `Secure` (__Secure-) cookie over plain http. 127.0.0.1 would be neither.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, onTestFinished } from "vitest";

import type { BrowserTestServices } from "./environment.js";
import { serveDirectory, type StaticServer } from "./static-server.js";
import type { TestApi } from "./test-api.js";
import { buildWebBundle, type WebBundle } from "./web-bundle.js";

/** Where the tests' screenshots go (gitignored; the README shows copies kept in apps/web/docs/). */
export const screenshotsDir = fileURLToPath(new URL("../screenshots/", import.meta.url));

/** How long a page may take to show what a test waits for (a sign-in hashes a password). */
const actionTimeoutMs = 10_000;

export interface BrowserPlatform {
  readonly api: TestApi;
  /** The web app's origin, http://localhost:<port>. */
  readonly webOrigin: string;
  /** A new context (a fresh browser profile's worth of cookies and storage), closed after the test. */
  newContext: () => Promise<BrowserContext>;
  /** A new page at the web app's start page, in `context` or in a new one. */
  openApp: (context?: BrowserContext) => Promise<Page>;
}

export interface BrowserPlatformOptions {
  /** The app's VITE_REFRESH_TOKEN_IN; "cookie" also turns the API's REFRESH_COOKIE on. */
  refreshTokenIn: "body" | "cookie";
}

/** Saves a PNG of the page under browser-tests/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true });
}

/**
 * Call at the top of a `describe.runIf(services)` block: `services` is what browserTestServices
 * returned (the block's hooks run only when it is defined).
 */
export function useBrowserPlatform(
  services: BrowserTestServices | undefined,
  { refreshTokenIn }: BrowserPlatformOptions,
): BrowserPlatform {
  let web: StaticServer | undefined;
  let api: TestApi | undefined;
  let bundle: WebBundle | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!services) throw new Error("useBrowserPlatform runs only where browserTestServices found the services");
    // imported here, not above: a file that skips (no services) does not load the API and Playwright
    const [{ startTestApi }, { launchChromium }] = await Promise.all([
      import("./test-api.js"),
      import("./chromium.js"),
    ]);
    web = await serveDirectory(() => {
      if (!bundle) throw new Error("the web bundle is not built yet");
      return bundle.dir;
    });
    api = await startTestApi({
      serverUrl: services.serverUrl,
      webOrigin: web.origin,
      refreshCookie: refreshTokenIn === "cookie" ? "on" : "off",
    });
    const apiUrl = api.browserUrl;
    // both settle before a failure is thrown, so that afterAll closes a browser that did start
    const ready = await Promise.allSettled([
      buildWebBundle({ apiUrl, refreshTokenIn }).then((built) => (bundle = built)),
      launchChromium().then((launched) => (browser = launched)),
    ]);
    for (const outcome of ready) if (outcome.status === "rejected") throw outcome.reason;
  });
  // the browser first (its pages call the rest); every part that started is closed, even when a later one failed
  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([web?.close(), api?.close(), bundle?.remove()]);
  });

  const started = <T>(part: T | undefined, name: string): T => {
    if (part === undefined) throw new Error(`useBrowserPlatform: ${name} exists once beforeAll has run`);
    return part;
  };
  const platform: BrowserPlatform = {
    get api() {
      return started(api, "the API");
    },
    get webOrigin() {
      return started(web, "the web server").origin;
    },
    async newContext() {
      const context = await started(browser, "the browser").newContext();
      context.setDefaultTimeout(actionTimeoutMs);
      onTestFinished(async ({ task }) => {
        // what the pages showed when the test failed: the first thing to look at
        if (task.result?.state === "fail") {
          const name = task.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
          await Promise.allSettled(context.pages().map((page, i) => screenshot(page, `failed-${name}-${i}`)));
        }
        await context.close();
      });
      return context;
    },
    async openApp(context) {
      const page = await (context ?? (await platform.newContext())).newPage();
      await page.goto(`${platform.webOrigin}/`);
      return page;
    },
  };
  return platform;
}
