// Checks that the Temporal Web UI shows decoded payloads through the codec endpoint (run while `npm start` is up):
//   node scripts/check-ui-codec.mjs   → prints the codec calls the UI made and writes /tmp/ui.png
import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
const codecCalls = [];
page.on('request', (r) => { if (r.url().includes('/codec/')) codecCalls.push(r.url()); });
await page.goto('http://localhost:8233/namespaces/default/workflows/store-sync:1003', { waitUntil: 'domcontentloaded', timeout: 30000 });
await page.waitForTimeout(4000);
const text = await page.locator('body').innerText();
console.log('codec calls:', codecCalls.length, codecCalls.slice(0, 2));
console.log('shows decoded input:', /pollIntervalSeconds/.test(text), 'shows encrypted marker:', /binary\/encrypted/.test(text));
await page.screenshot({ path: '/tmp/ui.png', fullPage: false });
await browser.close();
