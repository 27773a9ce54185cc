/*
 * Completion from the lists on the record page in a real headless Chromium (run by
 * tests/stage/complete_web.sh, which makes the batch and starts the server):
 *
 *   REVIEW_URL      http://127.0.0.1:PORT/
 *   REVIEW_OLD      a record of a birth book of 2019 (the units before 2025-07-01)
 *   REVIEW_NEW      a record of a birth book of 2026 (the units from 2025-07-01)
 *   REVIEW_BATCH    the batch directory (its store is read)
 *   REVIEW_USER     "alice:PASSWORD"
 *   CHROMIUM        the browser executable
 *
 * A place is keyed from the keyboard only, unit by unit, each offered in a listbox under the
 * input and taken with Tab; the ward of the book's year is offered, the ward abolished on
 * 2025-07-01 only in the older book, its successor only in the newer. Prints "ok: WHAT" per
 * check; the first failed check ends it with exit 1.
 */
'use strict';

const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');
const { eq, truthy, sqlOf, signedInPage } = require('./lib.js');

const URL = process.env.REVIEW_URL;
const OLD = Number(process.env.REVIEW_OLD);
const NEW = Number(process.env.REVIEW_NEW);
const sql = sqlOf(process.env.REVIEW_BATCH || '');
const [USER, PASSWORD] = (process.env.REVIEW_USER || ':').split(/:(.*)/s);
assert.ok(URL && OLD && NEW && USER && PASSWORD && process.env.REVIEW_BATCH,
	  'the environment is incomplete');

const PLACE = 'li.field[data-field="child.birth_place"]';
const NAME = 'li.field[data-field="child.full_name"]';

/* Opens the edit box of the field LI, empty, focused. */
async function openEdit(page, li) {
	if (!(await page.isVisible(`${li} input.edit`)))
		await page.click(`${li} button.start-edit`);
	await page.fill(`${li} input.edit`, '');
	await page.focus(`${li} input.edit`);
}

/* Types TEXT key by key and waits for the server's answer to the last key; the options then
 * listed (their values), [] when the list is closed. */
async function typeAndList(page, text) {
	const answered = page.waitForResponse((r) => r.url().includes('/complete?'));
	await page.keyboard.type(text);
	await answered;
	/* the answer to the very last key: the list settles */
	await page.waitForTimeout(150);
	return options(page);
}

async function options(page) {
	return page.evaluate(() => {
		const l = document.querySelector('#complete-list');
		if (!l || l.hidden)
			return [];
		return Array.from(l.querySelectorAll('li[role=option]'), (li) => li.dataset.value);
	});
}

async function value(page, li) {
	return page.inputValue(`${li} input.edit`);
}

(async () => {
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
						args: ['--no-sandbox'] });
	const problems = [];
	try {
		const page = await signedInPage(browser, URL, USER, PASSWORD, problems);

		/* the book of 2019: Phường Bến Nghé, Quận 1 */
		await page.goto(URL + 'records/' + OLD);
		await openEdit(page, PLACE);
		let got = await typeAndList(page, 'ben ng');
		eq('the ward of 2019 offered first', got[0], 'Phường Bến Nghé');
		eq('with what holds it', (await page.textContent('#complete-item-0 .detail')).trim(),
		   '— Quận 1, Thành phố Hồ Chí Minh');
		eq('the input is the combobox of the list',
		   await page.$eval(`${PLACE} input.edit`, (i) => [i.getAttribute('role'),
			   i.getAttribute('aria-expanded'), i.getAttribute('aria-controls')]),
		   ['combobox', 'true', 'complete-list']);
		eq('the list is a listbox of options', await page.$eval('#complete-list', (l) =>
			[l.getAttribute('role'), l.querySelectorAll('[role=option]').length > 0]),
		   ['listbox', true]);
		await page.keyboard.press('ArrowDown');
		eq('ArrowDown chooses the first', await page.$eval(`${PLACE} input.edit`,
			(i) => i.getAttribute('aria-activedescendant')), 'complete-item-0');
		eq('marked chosen', await page.getAttribute('#complete-item-0', 'aria-selected'), 'true');
		await page.keyboard.press('Tab');
		eq('Tab takes it', await value(page, PLACE), 'Phường Bến Nghé');
		truthy('the input keeps the focus', await page.$eval(`${PLACE} input.edit`,
			(i) => document.activeElement === i));
		got = await typeAndList(page, ', ');
		eq('after the ward, its district first', got[0], 'Phường Bến Nghé, Quận 1');
		await page.keyboard.press('Tab');
		got = await typeAndList(page, ', ');
		eq('then its province', got, ['Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh']);
		await page.keyboard.press('Tab');     /* nothing chosen: Tab takes the first */
		const store = () => sql(`SELECT value || '|' || coalesce(code, '') FROM fields
			WHERE record_id = ${OLD} AND name = 'child.birth_place'`);
		eq('the place keyed: 6 + 1 + 2 + 1 + 2 + 1 keys for 46 characters',
		   await value(page, PLACE), 'Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh');
		await page.waitForTimeout(150);
		eq('what is typed is offered no more', await options(page), []);
		await page.keyboard.press('Enter');
		await page.waitForFunction(() => {
			const m = document.querySelector('#message');
			return m && !m.hidden && m.textContent.trim();
		});
		eq('saved with its code', store(),
		   'Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh|26740');

		/* the successor ward is not a unit of 2019 */
		await openEdit(page, PLACE);
		got = await typeAndList(page, 'sai g');
		eq('Phường Sài Gòn is not offered in 2019', got.filter((v) => v.includes('Sài Gòn')), []);
		/* Escape closes the list and leaves the edit open */
		await page.fill(`${PLACE} input.edit`, '');
		got = await typeAndList(page, 'ben');
		truthy('a list is open', got.length > 0);
		await page.keyboard.press('Escape');
		eq('Escape closes it', await options(page), []);
		truthy('the edit stays open', await page.isVisible(`${PLACE} input.edit`));
		eq('with its text', await value(page, PLACE), 'ben');
		await page.keyboard.press('Escape');

		/* the book of 2026: Phường Sài Gòn, Thành phố Hồ Chí Minh */
		await page.goto(URL + 'records/' + NEW);
		await openEdit(page, PLACE);
		got = await typeAndList(page, 'ben ng');
		eq('Phường Bến Nghé is not offered in 2026', got.filter((v) => v.includes('Bến Nghé')), []);
		await page.fill(`${PLACE} input.edit`, '');
		got = await typeAndList(page, 'sai g');
		eq('its successor is', got[0], 'Phường Sài Gòn');
		await page.keyboard.press('Tab');
		got = await typeAndList(page, ', ');
		eq('then the province: no district any more', got,
		   ['Phường Sài Gòn, Thành phố Hồ Chí Minh']);
		await page.keyboard.press('Tab');
		await page.waitForFunction((sel) => {
			const p = document.querySelector(sel + ' .preview');
			return p && p.textContent.includes('26740');
		}, PLACE);
		eq('the preview says what it stores', (await page.textContent(`${PLACE} .preview`)).trim(),
		   'sẽ lưu: Phường Sài Gòn, Thành phố Hồ Chí Minh · mã 26740');

		/* a name: the family name, then the words */
		await page.keyboard.press('Escape');
		await openEdit(page, NAME);
		got = await typeAndList(page, 'nguy');
		eq('a family name, marks set aside', got[0], 'Nguyễn');
		await page.keyboard.press('Tab');
		got = await typeAndList(page, ' thi');
		truthy('then a name word', got.includes('Nguyễn Thị'));
		for (let i = 0; i <= got.indexOf('Nguyễn Thị'); i++)
			await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		eq('Enter takes the one chosen', await value(page, NAME), 'Nguyễn Thị');

		assert.deepEqual(problems, [], 'no script error or refusal');
		console.log('ok: no script error');
	} finally {
		await browser.close();
	}
})().catch((e) => {
	console.error('FAIL: ' + (e && e.message ? e.message : e));
	process.exit(1);
});
