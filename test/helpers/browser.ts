// Debian's Chromium driven by playwright-core. Every request that leaves loopback is
// aborted and recorded, so a test can assert the app works with no internet. Every
// Content Security Policy violation is recorded too, and fails the test it happened in.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { REPO_ROOT, createRoom, startTestServer, type TestServer } from './server.ts';
import { CHROMIUM } from './system.ts';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** CSP violations of every context in this test file not yet reported by a test. */
const unreportedCspViolations: string[] = [];
// Under vitest, each test fails if a page broke the CSP while it ran (the bench scripts
// import this file outside vitest).
if (process.env.VITEST) {
  const { afterEach } = await import('vitest');
  afterEach(() => {
    const violations = unreportedCspViolations.splice(0);
    if (violations.length) throw new Error(`Content Security Policy violations in the browser:\n${violations.join('\n')}`);
  });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM.path,
    headless: true,
    // Flags that keep Chromium from phoning home (this machine has no internet).
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface OfflineContext {
  context: BrowserContext;
  /** URLs the page tried to fetch from outside loopback (all were aborted). */
  externalRequests: string[];
  /** Console messages and errors about the Content Security Policy, from pages and their workers. */
  cspViolations: string[];
}

export async function newOfflineContext(browser: Browser): Promise<OfflineContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  const externalRequests: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK_HOSTS.has(url.hostname)) return route.continue();
    externalRequests.push(url.toString());
    return route.abort('internetdisconnected');
  });
  const cspViolations: string[] = [];
  const recordCsp = (text: string) => {
    if (!/Content[- ]Security[- ]Policy/i.test(text)) return;
    cspViolations.push(text);
    unreportedCspViolations.push(text);
  };
  // Chromium logs violations to the console; the DOM event also catches any it does not.
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => recordCsp(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation?: (text: string) => void }).__reportCspViolation;
      report?.(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  context.on('page', (page) => {
    page.on('websocket', (socket) => {
      const url = new URL(socket.url());
      if (!LOOPBACK_HOSTS.has(url.hostname)) externalRequests.push(url.toString());
    });
    page.on('console', (message) => recordCsp(message.text()));
    page.on('pageerror', (error) => recordCsp(`${error.name}: ${error.message}`));
    page.on('worker', (worker) => worker.on('console', (message) => recordCsp(message.text())));
  });
  return { context, externalRequests, cspViolations };
}

/** Opens a room link, gives a display name, and waits until the room is connected. */
export async function joinRoom(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join room' }).click();
  await page.locator('[data-status="connected"]').waitFor();
}

/** The code editor's visible text, with Monaco's non-breaking spaces turned back into spaces. */
export async function editorText(page: Page): Promise<string> {
  // Monaco paints on animation frames, which Chromium may hold back for a page in the
  // background: wait for one painted frame so the lines read are the current ones.
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
  return page.locator('.monaco-editor .view-lines').evaluate((el) => (el as HTMLElement).innerText.replace(/\u00a0/g, ' '));
}

export interface Person extends OfflineContext {
  page: Page;
}

export interface TwoBrowserRoom {
  server: TestServer;
  browser: Browser;
  room: CreateRoomResponse;
  interviewer: Person;
  candidate: Person;
  close(): Promise<void>;
}

/** A server, a room, and an interviewer and a candidate joined from two browser contexts. */
export async function openTwoBrowserRoom(options: {
  title: string;
  names: [interviewer: string, candidate: string];
  serverEnv?: Record<string, string>;
  language?: string;
}): Promise<TwoBrowserRoom> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/client/index.html'))) throw new Error('client not built: run "npm run build"');
  const server = await startTestServer(options.serverEnv);
  const room = await createRoom(server.httpUrl, { title: options.title, ...(options.language ? { language: options.language } : {}) });
  const browser = await launchChromium();
  const person = async (url: string, name: string): Promise<Person> => {
    const offline = await newOfflineContext(browser);
    const page = await offline.context.newPage();
    await joinRoom(page, `${server.httpUrl}${url}`, name);
    return { ...offline, page };
  };
  const interviewer = await person(room.interviewerUrl, options.names[0]);
  const candidate = await person(room.candidateUrl, options.names[1]);
  return {
    server,
    browser,
    room,
    interviewer,
    candidate,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
