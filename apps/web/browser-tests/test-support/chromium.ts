// Debian's Chromium, headless, driven by playwright-core (which downloads nothing). Each launch
// gets a fresh temporary profile of its own (user data directory), deleted when it closes: a test
// file starts with no cookies, storage or cache left by another.
import { type Browser, chromium } from "playwright-core";

import { chromiumPath } from "./environment.js";

/** Flags for a quiet, reproducible browser on a CI machine (no sandbox: CI runs as root). */
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs, timeout: 30_000 });
}
