/*
 * Batch acceptance in a real headless Chromium (run by tests/stage/acceptance.sh, which makes
 * the batch, draws the lot and starts the server):
 *
 *   REVIEW_URL      http://127.0.0.1:PORT/
 *   REVIEW_LOT      the id of an open lot whose whole sample is to be checked
 *   REVIEW_DEFECT   the sample position (1-based) of the record to mark as a defect
 *   REVIEW_USER     "checker:PASSWORD"
 *   CHROMIUM        the browser executable
 *
 * The checker signs in, finds the lot in the list, opens its first sampled record (its row
 * image shown), and decides every record from the keyboard: d (đúng) for each, except one:
 * l (lỗi), a note, Enter. The lot page then shows the verdict. Prints "ok: WHAT" per check;
 * the first failed check ends it with exit 1.
 */
'use strict';

const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');
const { eq, signedInPage } = require('./lib.js');

const URL = process.env.REVIEW_URL;
const LOT = Number(process.env.REVIEW_LOT);
const DEFECT = Number(process.env.REVIEW_DEFECT);
const [USER, PASSWORD] = (process.env.REVIEW_USER || ':').split(/:(.*)/s);
assert.ok(URL && LOT && DEFECT && USER && PASSWORD, 'the environment is incomplete');

(async () => {
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
						args: ['--no-sandbox'] });
	const problems = [];
	try {
		const page = await signedInPage(browser, URL, USER, PASSWORD, problems);

		/* the list of lots: this one, open */
		await page.goto(URL + 'lots');
		const row = `#lots tr[data-lot="${LOT}"]`;
		eq('the lot is listed open', await page.getAttribute(row, 'data-state'), 'open');
		await Promise.all([page.waitForEvent('load'), page.click(`${row} a`)]);
		eq('the lot page', new globalThis.URL(page.url()).pathname, `/lots/${LOT}`);
		const n = Number(await page.getAttribute('#plan', 'data-sample-size'));
		const ids = await page.$$eval('#sample tr[data-record]',
					      (rs) => rs.map((r) => r.dataset.record));
		eq('the sample listed', ids.length, n);
		eq('the verdict waits', await page.getAttribute('#verdict', 'data-state'), 'open');

		/* each record against its image, decided from the keyboard */
		await Promise.all([page.waitForEvent('load'),
				   page.click(`#sample tr[data-record="${ids[0]}"] a`)]);
		for (let i = 0; i < n; i++) {
			const id = await page.getAttribute('#check-page', 'data-record');
			eq(`record ${i + 1} is the next unchecked`, id, ids[i]);
			const shown = await page.$eval('#row-image', (img) => img.complete &&
						       img.naturalWidth > 0);
			eq(`record ${i + 1}: its row image shown`, shown, true);
			if (i + 1 === DEFECT) {
				await page.keyboard.press('l');
				eq('l goes to the note', await page.evaluate(() =>
					document.activeElement && document.activeElement.id), 'note');
				await page.keyboard.type('sai tên người mẹ');
				await Promise.all([page.waitForEvent('load'),
						   page.keyboard.press('Enter')]);
			} else {
				await Promise.all([page.waitForEvent('load'),
						   page.keyboard.press('d')]);
			}
		}

		/* all checked: the lot with its verdict */
		eq('back on the lot', new globalThis.URL(page.url()).pathname, `/lots/${LOT}`);
		eq('the verdict', await page.getAttribute('#verdict', 'data-state'), 'rejected');
		const text = (await page.textContent('#verdict')).replace(/\s+/g, ' ').trim();
		eq('the verdict said', text, `Kết luận: không chấp nhận: mọi hồ sơ của lô trở lại ` +
		   `duyệt — ${n} / ${n} Đã kiểm, 1 Lỗi`);
		eq('the message', (await page.textContent('#message')).trim(),
		   'Lô không được chấp nhận: mọi hồ sơ của lô trở lại duyệt.');
		const checks = await page.$$eval('#sample tr[data-record]',
						 (rs) => rs.map((r) => r.dataset.check));
		eq('the checks', checks, ids.map((_, i) => i + 1 === DEFECT ? 'defect' : 'conforms'));
		eq('the note shown', (await page.textContent(
			`#sample tr[data-record="${ids[DEFECT - 1]}"]`)).includes('sai tên người mẹ'),
		   true);
		/* in English */
		await page.goto(URL + `lots/${LOT}?lang=en`);
		eq('the verdict in English', (await page.textContent('#verdict strong')).trim(),
		   'rejected: every record of the lot goes back to review');
		eq('no script or policy problem', problems, []);
	} finally {
		await browser.close();
	}
})().catch((e) => {
	console.error('FAIL: ' + (e && e.message ? e.message : e));
	process.exit(1);
});
