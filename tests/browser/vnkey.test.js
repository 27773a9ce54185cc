/*
 * The built-in Vietnamese typing in a real headless Chromium (run by
 * tests/stage/complete_web.sh; its environment as for complete.test.js): keys typed into the
 * record page's edit input give Vietnamese with Telex, then VNI, switched with F2 and shown
 * in the badge; the choice is remembered across pages; off, the keys are as typed; an input
 * added to the page later types the same (one listener on document). Prints "ok: WHAT" per
 * check; the first failed check ends it with exit 1.
 */
'use strict';

const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');
const { eq, truthy } = require('./lib.js');

const URL = process.env.REVIEW_URL;
const OLD = Number(process.env.REVIEW_OLD);
const [USER, PASSWORD] = (process.env.REVIEW_USER || ':').split(/:(.*)/s);
assert.ok(URL && OLD && USER && PASSWORD, 'the environment is incomplete');

const NAME = 'li.field[data-field="child.full_name"]';

async function openEdit(page, li) {
	if (!(await page.isVisible(`${li} input.edit`)))
		await page.click(`${li} button.start-edit`);
	await page.fill(`${li} input.edit`, '');
	await page.focus(`${li} input.edit`);
}

async function badge(page) {
	return page.$eval('button.vnkey-badge', (b) => [b.dataset.mode, b.textContent]);
}

(async () => {
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
						args: ['--no-sandbox'] });
	const problems = [];
	try {
		const page = await browser.newPage();
		page.on('pageerror', (e) => problems.push('script error: ' + e.message));
		await page.goto(URL + 'login');
		await page.fill('form#login input[name=user]', USER);
		await page.fill('form#login input[name=password]', PASSWORD);
		await Promise.all([page.waitForEvent('load'),
				   page.click('form#login button[type=submit]')]);
		await page.goto(URL + 'records/' + OLD);

		eq('off until chosen', await badge(page), ['off', 'Gõ tiếng Việt: tắt (F2)']);
		await openEdit(page, NAME);
		await page.keyboard.type('nguyeenx');
		eq('off: the keys as typed', await page.inputValue(`${NAME} input.edit`), 'nguyeenx');

		await page.keyboard.press('F2');
		eq('F2: Telex', await badge(page), ['telex', 'Gõ tiếng Việt: Telex (F2)']);
		await page.fill(`${NAME} input.edit`, '');
		await page.keyboard.type('Nguyeenx Thij Hoaf');
		eq('Telex typed in the input', await page.inputValue(`${NAME} input.edit`),
		   'Nguyễn Thị Hòa');
		await page.fill(`${NAME} input.edit`, '');
		await page.keyboard.type('DDUWOWNGF Vaawn Tuaans');
		eq('capitals kept', await page.inputValue(`${NAME} input.edit`), 'ĐƯỜNG Văn Tuấn');
		/* the mark after the word, in the middle of the text: the word before the caret */
		await page.fill(`${NAME} input.edit`, 'Lê Van Hai');
		await page.keyboard.press('End');
		for (let i = 0; i < 4; i++)
			await page.keyboard.press('ArrowLeft');
		await page.keyboard.type('w');
		eq('a mark typed after a word in the middle', await page.inputValue(`${NAME} input.edit`),
		   'Lê Văn Hai');
		truthy('NFC', await page.$eval(`${NAME} input.edit`,
			(i) => i.value === i.value.normalize('NFC')));

		/* remembered: another page */
		await page.goto(URL + 'records/' + OLD);
		eq('remembered across pages', (await badge(page))[0], 'telex');
		await page.keyboard.press('F2');
		eq('F2 again: VNI', (await badge(page))[0], 'vni');
		await openEdit(page, NAME);
		await page.keyboard.type('Tra6n2 Va8n D9u7o7ng2');
		eq('VNI typed in the input', await page.inputValue(`${NAME} input.edit`),
		   'Trần Văn Đường');

		/* an input the page gets later types the same */
		await page.evaluate(() => {
			const i = document.createElement('input');
			i.id = 'later';
			i.setAttribute('data-vnkey', '');
			document.body.appendChild(i);
		});
		await page.focus('#later');
		await page.keyboard.type('nguye6n4');
		eq('an input added later', await page.inputValue('#later'), 'nguyễn');
		/* an input not marked is left alone */
		await page.evaluate(() => {
			const i = document.createElement('input');
			i.id = 'plain';
			document.body.appendChild(i);
		});
		await page.focus('#plain');
		await page.keyboard.type('nguye6n4');
		eq('an input not marked', await page.inputValue('#plain'), 'nguye6n4');

		await page.keyboard.press('F2');
		eq('F2 again: off', (await badge(page))[0], 'off');
		await page.focus('#later');
		await page.fill('#later', '');
		await page.keyboard.type('nguye6n4');
		eq('off again', await page.inputValue('#later'), 'nguye6n4');
		await page.click('button.vnkey-badge');
		eq('a click on the badge switches too', (await badge(page))[0], 'telex');

		assert.deepEqual(problems, [], 'no script error');
		console.log('ok: no script error');
	} finally {
		await browser.close();
	}
})().catch((e) => {
	console.error('FAIL: ' + (e && e.message ? e.message : e));
	process.exit(1);
});
