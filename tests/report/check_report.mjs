// Opens a report.html in headless Chromium over the DevTools protocol (on pipes: no package, no
// port) and checks what a person would see: no console error, no network request besides the
// file itself, one verdict row per case, every sweep chart a point per case, and each case its
// distributions and request timeline. Saves a screenshot.
//   node tests/report/check_report.mjs REPORT.html SCREENSHOT.png
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [report, screenshot] = process.argv.slice(2);
if (!report || !screenshot) {
  console.error('usage: node check_report.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}
const url = pathToFileURL(path.resolve(report)).href;

const browser = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu',
  '--remote-debugging-pipe', '--hide-scrollbars', '--no-first-run', 'about:blank'],
  { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
const toBrowser = browser.stdio[3], fromBrowser = browser.stdio[4];

let nextId = 0, buffer = '';
const pending = new Map(), listeners = [];
fromBrowser.on('data', (chunk) => {
  buffer += chunk.toString();
  for (let end; (end = buffer.indexOf('\0')) >= 0;) {
    const message = JSON.parse(buffer.slice(0, end));
    buffer = buffer.slice(end + 1);
    if (message.id !== undefined && pending.has(message.id)) {
      const { resolve, reject } = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) reject(new Error(JSON.stringify(message.error)));
      else resolve(message.result);
    } else {
      for (const listen of listeners) listen(message);
    }
  }
});
function send(method, params = {}, sessionId = undefined) {
  const id = ++nextId;
  toBrowser.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

const problems = [];
const timer = setTimeout(() => { problems.push('timed out after 60 s'); finish(); }, 60_000);
function finish() {
  clearTimeout(timer);
  browser.kill();
  if (problems.length) {
    for (const p of problems) console.error(`${report}: ${p}`);
    process.exit(1);
  }
  process.exit(0);
}

try {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const page = (method, params) => send(method, params, sessionId);
  const loaded = new Promise((resolve) => listeners.push((m) => {
    if (m.sessionId !== sessionId) return;
    if (m.method === 'Page.loadEventFired') resolve();
    if (m.method === 'Runtime.consoleAPICalled' && ['error', 'warning'].includes(m.params.type)) {
      problems.push(`console ${m.params.type}: ${JSON.stringify(m.params.args)}`);
    }
    if (m.method === 'Runtime.exceptionThrown') problems.push(`exception: ${m.params.exceptionDetails.text}`);
    if (m.method === 'Log.entryAdded' && m.params.entry.level === 'error') {
      problems.push(`log error: ${m.params.entry.text}`);
    }
    if (m.method === 'Network.requestWillBeSent' && m.params.request.url !== url) {
      problems.push(`network request: ${m.params.request.url}`);
    }
  }));
  for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await page(`${domain}.enable`);
  await page('Emulation.setDeviceMetricsOverride',
    { width: 1240, height: 1500, deviceScaleFactor: 1, mobile: false });
  await page('Page.navigate', { url });
  await loaded;
  const { result } = await page('Runtime.evaluate', {
    returnByValue: true,
    expression: `(() => {
      const rows = document.querySelectorAll('table.verdicts tr').length - 1;
      const described = (svg) => ({
        title: svg.getAttribute('aria-label'),
        points: svg.querySelectorAll('circle.point').length,
        requests: svg.querySelectorAll('g.request').length,
        labelled: svg.querySelectorAll('text.axis').length === 2,
      });
      const charts = [...document.querySelectorAll('svg.chart:not(.detail)')].map(described);
      const cdfs = [...document.querySelectorAll('svg.detail:not(.timeline)')].map(described);
      const timelines = [...document.querySelectorAll('svg.timeline')].map(described);
      return { rows, charts, cdfs, timelines };
    })()`,
  });
  const { rows, charts, cdfs, timelines } = result.value;
  if (rows < 1) problems.push('the verdict table has no row');
  if (charts.length === 0) problems.push('no chart');
  for (const c of charts) {
    if (c.points !== rows) problems.push(`chart "${c.title}" has ${c.points} points for ${rows} cases`);
  }
  // Each case: a TTFT and an ITL distribution (p50, p90 and p99 marked) and a request timeline.
  if (cdfs.length !== 2 * rows) problems.push(`${cdfs.length} distributions for ${rows} cases`);
  if (timelines.length !== rows) problems.push(`${timelines.length} timelines for ${rows} cases`);
  for (const c of cdfs) {
    if (c.points !== 3) problems.push(`chart "${c.title}" marks ${c.points} percentiles, not 3`);
  }
  for (const t of timelines) {
    if (t.requests < 1) problems.push(`chart "${t.title}" draws no request`);
  }
  for (const c of [...charts, ...cdfs, ...timelines]) {
    if (!c.labelled) problems.push(`chart "${c.title}" lacks an axis label`);
  }
  const shot = await page('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
  writeFileSync(screenshot, Buffer.from(shot.data, 'base64'));
  if (!problems.length) {
    console.log(`${report}: ${rows} cases, ${charts.length} sweep charts of ${rows} points each, ` +
      `a TTFT and an ITL distribution and a request timeline per case, no console error, ` +
      `no network request; screenshot ${screenshot}`);
  }
} catch (error) {
  problems.push(String(error));
}
finish();
