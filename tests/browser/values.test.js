/*
 * The values of the record page in a real headless Chromium (run by tests/stage/review_values.sh,
 * which makes the batch and starts the server, its time zone UTC+7):
 *
 *   REVIEW_URL      http://127.0.0.1:PORT/
 *   REVIEW_RECORD   the id of a record with a history
 *   REVIEW_USER     "alice:PASSWORD"
 *   CHROMIUM        the browser executable
 *
 * The browser runs in Asia/Tokyo (UTC+9, no summer time). Prints "ok: WHAT" per check; the
 * first failed check ends it with exit 1.
 */
'use strict';

const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');
const { eq } = require('./lib.js');

const URL = process.env.REVIEW_URL;
const RECORD = Number(process.env.REVIEW_RECORD);
const [USER, PASSWORD] = (process.env.REVIEW_USER || ':').split(/:(.*)/s);
assert.ok(URL && RECORD && USER && PASSWORD, 'the environment is incomplete');


/* ISO (UTC) as the browser in UTC+9 writes it. */
function tokyo(iso) {
	const d = new Date(Date.parse(iso) + 9 * 3600 * 1000);
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
		`${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

(async () => {
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
						args: ['--no-sandbox'] });
	const problems = [];
	try {
		const context = await browser.newContext({ timezoneId: 'Asia/Tokyo' });
		const page = await context.newPage();
		page.on('pageerror', (e) => problems.push('script error: ' + e.message));
		page.on('console', (m) => {
			if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()))
				problems.push('console: ' + m.text());
		});
		await page.goto(URL + 'login');
		await page.fill('form#login input[name=user]', USER);
		await page.fill('form#login input[name=password]', PASSWORD);
		await Promise.all([page.waitForEvent('load'),
				   page.click('form#login button[type=submit]')]);
		await page.goto(URL + 'records/' + RECORD);

		/* typing a place: the preview says what a save would store */
		const li = 'li.field[data-field="child.birth_place"]';
		if (!(await page.isVisible(`${li} input.edit`)))
			await page.click(`${li} button.start-edit`);
		await page.fill(`${li} input.edit`, '');
		await page.type(`${li} input.edit`, 'P9, Q.3, TP.HCM');
		await page.waitForFunction((sel) => {
			const p = document.querySelector(sel + ' .preview');
			return p && p.textContent.includes('27142');
		}, li);
		eq('the preview of a typed place', (await page.textContent(`${li} .preview`)).trim(),
		   'sẽ lưu: Phường 9, Quận 3, Thành phố Hồ Chí Minh · mã 27142');
		eq('right after the input', await page.evaluate((sel) =>
			document.querySelector(sel + ' input.edit').nextElementSibling.className, li),
		   'preview');
		/* a date that is none: the reason */
		const dli = 'li.field[data-field="child.birth_date"]';
		if (!(await page.isVisible(`${dli} input.edit`)))
			await page.click(`${dli} button.start-edit`);
		await page.fill(`${dli} input.edit`, '31/2/2019');
		await page.waitForSelector(`${dli} .preview.error`);
		eq('the preview of a refused date', (await page.textContent(`${dli} .preview`)).trim(),
		   'ngày không có trong lịch');

		/* the times in the browser's zone */
		const times = await page.$$eval('time[datetime]', (ts) =>
			ts.map((t) => [t.getAttribute('datetime'), t.textContent]));
		assert.ok(times.length >= 1, 'no <time> on the page');
		for (const [iso, shown] of times)
			eq(`${iso} shown in the browser's time`, shown, tokyo(iso));
		/* content swapped in: rewritten on 'sohoa:swap' */
		const iso = times[0][0];
		await page.evaluate((iso) => {
			const t = document.querySelector('time[datetime]');
			t.textContent = 'server text';
			document.dispatchEvent(new CustomEvent('sohoa:swap'));
		}, iso);
		eq('a swapped time rewritten', await page.textContent('time[datetime]'), tokyo(iso));
		eq('no script error nor CSP violation', problems, []);
	} finally {
		await browser.close();
	}
})().catch((e) => {
	console.error('FAIL: ' + (e && e.message ? e.message : e));
	process.exit(1);
});
