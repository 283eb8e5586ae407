import { chromium } from 'playwright-core';
const [src, out, y, h, w] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: Number(w ?? 390), height: Number(h) } });
await p.setContent(`<body style="margin:0"><img src="data:image/png;base64,${(await import('node:fs')).readFileSync(src).toString('base64')}" style="display:block;margin-top:-${y}px">`);
await p.screenshot({ path: out });
await b.close();
