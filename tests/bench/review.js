/*
 * The archivist script of tests/bench/review (which makes the batch, starts the server and
 * passes REVIEW_URL, REVIEW_BATCH, REVIEW_TRUTH, REVIEW_N, CHROMIUM): keyboard only, the way
 * the shortcuts are meant to be used, deciding each doubtful field by the samples' ground
 * truth. Prints its figures and the final "review: …" line.
 */
'use strict';

const fs = require('node:fs');
const { chromium } = require('playwright-core');

const URL = process.env.REVIEW_URL.replace(/\/?$/, '/');
const BATCH = process.env.REVIEW_BATCH;
const N = Number(process.env.REVIEW_N || 30);

const sql = require('../browser/lib.js').sqlOf(BATCH);
const truth = new Map();
for (const line of fs.readFileSync(process.env.REVIEW_TRUTH, 'utf8').split('\n'))
	if (line.trim()) {
		const t = JSON.parse(line);
		truth.set(t.record_id, t);
	}
/* the ground truth of a record of the store: its book, page and row */
function truthOf(id) {
	const [type, year, volume, auth, pageIndex, row] = sql(`SELECT b.type, b.year, b.volume,
		b.authority_code, p.page_index, r.row FROM records r JOIN books b ON b.id = r.book_id
		JOIN pages p ON p.id = r.page_id WHERE r.id = ${id}`).split('|');
	return truth.get(`${type}-${year}-${volume}-${auth}/p${pageIndex}/r${row}`);
}
function stored(id, name) {
	return sql(`SELECT coalesce(value, '') FROM fields WHERE record_id = ${id} AND name = '${name}'`);
}

(async () => {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
	await context.addInitScript(() => {
		document.addEventListener('sohoa:swap', () => { window.__shown = (window.__shown || 0) + 1; });
	});
	const page = await context.newPage();
	let loads = 0, serverMs = 0, commands = 0, typed = 0;
	page.on('load', () => { loads++; });
	page.on('response', (r) => {
		const m = /app;dur=([0-9.]+)/.exec(r.headers()['server-timing'] || '');
		if (m)
			serverMs += Number(m[1]);
	});

	await page.goto(URL + 'login');
	await page.fill('form#login input[name=user]', 'bench');
	await page.fill('form#login input[name=password]', 'bench-pass-1');
	await Promise.all([page.waitForEvent('load'), page.click('form#login button[type=submit]')]);
	const queued = Number(await page.textContent('#total'));

	const shown = () => page.evaluate(() => window.__shown || 0).catch(() => -1);
	/* a key that changes the store: waits for the page swapped in, or the error shown */
	async function act(key) {
		const before = await shown();
		commands++;
		await page.keyboard.press(key);
		for (let i = 0; i < 400; i++) {
			if ((await shown()) > before)
				return true;
			if (await page.isVisible('#message.error'))
				return false;
			await new Promise((r) => setTimeout(r, 25));
		}
		return false;
	}
	async function press(key) {
		commands++;
		await page.keyboard.press(key);
	}

	commands = 0;
	serverMs = 0;
	await act('Enter');
	let done = 0, approved = 0, rejected = 0, edits = 0, confirms = 0, refused = 0, right = 0, checked = 0;
	const loadsAtFirst = loads;
	while (done < Math.min(N, queued) && await page.$('main#record')) {
		const id = Number(await page.getAttribute('main#record', 'data-id'));
		const t = truthOf(id);
		const tried = new Set();
		for (let step = 0; step < 40; step++) {
			const sel = await page.$('li.field.selected.doubtful');
			if (!sel) {
				if (await page.$('li.field.doubtful')) {
					await press(' ');
					if (await page.$('li.field.selected.doubtful'))
						continue;
				}
				break;
			}
			const name = await sel.getAttribute('data-field');
			if (tried.has(name)) {
				/* settled as far as this archivist can: on to the next */
				await press(' ');
				continue;
			}
			tried.add(name);
			const want = t && t.fields[name] ? t.fields[name] : null;
			const have = stored(id, name);
			if (!want || (want.value || '') === have) {
				if (await act('v'))
					confirms++;
				continue;
			}
			await press('e');
			const text = String(want.raw || want.value || '').replace(/\s+/g, ' ').trim();
			await page.keyboard.type(text);
			typed += text.length;
			edits++;
			if (!(await act('Enter'))) {
				refused++;
				await press('Escape');
				if (await act('v'))
					confirms++;
			}
		}
		/* a flag of no field (the page, the sequence): v once the fields are settled */
		while (await page.$('li.flag.open.fieldless') && !(await page.$('li.field.doubtful')))
			if (!(await act('v')))
				break;
		if (await act('a')) {
			approved++;
			if (t) {
				let all = true;
				for (const [name, f] of Object.entries(t.fields))
					if ((f.value || '') !== stored(id, name))
						all = false;
				checked++;
				if (all)
					right++;
			}
		} else {
			await press('Escape');
			await press('r');
			await press('1');
			await act('Enter');
			rejected++;
		}
		done++;
		if (!(await page.$('main#record')))
			break;
	}
	const between = loads - loadsAtFirst;
	const keys = commands + typed;
	console.log(`records: ${done} of ${queued} in the queue (${approved} approved, ${rejected} rejected)`);
	console.log(`fields: ${confirms} confirmed as written, ${edits} corrected by typing (${refused} refused)`);
	console.log(`keys: ${commands} commands and ${typed} typed characters`);
	console.log(`approved records equal to the ground truth in every field: ${right} of ${checked}`);
	console.log(`review: ${(keys / Math.max(done, 1)).toFixed(1)} keys per record, ${between} page loads between records, ` +
		`${(serverMs / Math.max(done, 1)).toFixed(0)} ms server per record`);
	await browser.close();
})().catch((e) => {
	console.error('review bench: ' + (e && e.stack || e));
	process.exit(1);
});
