/*
 * Two reviewers in two browser contexts on one record (run by tests/stage/review_claims.sh,
 * which makes the batch, starts the server and passes what it knows in the environment):
 *
 *   REVIEW_URL      http://127.0.0.1:PORT/
 *   REVIEW_BATCH    the batch directory (its store is read with the sqlite3 command)
 *   REVIEW_RECORD   the id of a record needing review that nobody has open
 *   REVIEW_USERS    "alice:PASSWORD bob:PASSWORD"
 *   CHROMIUM        the browser executable
 *
 * Alice opens the record; bob sees it taken on the queue and on the record, and his approval
 * is refused naming her; alice rejects it with a reason and it is free again. Prints
 * "ok: WHAT" per check; the first failed check ends it with exit 1.
 */
'use strict';

const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');
const { ok, eq, truthy, sqlOf } = require('./lib.js');

const URL = process.env.REVIEW_URL;
const BATCH = process.env.REVIEW_BATCH;
const RECORD = Number(process.env.REVIEW_RECORD);
const USERS = Object.fromEntries((process.env.REVIEW_USERS || '').split(' ').map((u) => {
	const i = u.indexOf(':');
	return [u.slice(0, i), u.slice(i + 1)];
}));
assert.ok(URL && BATCH && RECORD && USERS.alice && USERS.bob, 'the environment is incomplete');

const sql = sqlOf(BATCH);

const problems = [];

async function newPage(context) {
	const page = await context.newPage();
	page.on('dialog', (d) => d.dismiss().catch(() => {}));
	page.on('pageerror', (e) => problems.push('script error: ' + e.message));
	return page;
}

async function login(page, user, password) {
	await page.goto(URL + 'login');
	await page.fill('form#login input[name=user]', user);
	await page.fill('form#login input[name=password]', password);
	const loaded = page.waitForEvent('load');
	await page.click('form#login button[type=submit]');
	await loaded;
}

/* Waits (up to 10 s, polling the store) until QUERY gives WANT. */
async function storeSays(query, want) {
	for (let i = 0; i < 100 && sql(query) !== want; i++)
		await new Promise((r) => setTimeout(r, 100));
	return sql(query);
}

(async () => {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update',
		       '--disable-sync'],
	});
	const aliceContext = await browser.newContext();
	const bobContext = await browser.newContext();
	const alice = await newPage(aliceContext);
	const bob = await newPage(bobContext);
	await login(alice, 'alice', USERS.alice);
	await login(bob, 'bob', USERS.bob);

	await alice.goto(URL + 'records/' + RECORD);
	eq('alice has the record', sql(`SELECT reviewer FROM review_claims WHERE record_id = ${RECORD}`),
		'alice');
	eq('she sees no banner', await alice.locator('#taken').count(), 0);
	truthy('her reject form offers reasons', await alice.locator('#reject-form ol.reasons button.reason-pick').count() >= 2);

	await bob.goto(URL);
	eq('bob\'s queue shows it taken', (await bob.textContent(`tr[data-record="${RECORD}"] .badge.taken`)).trim(),
		'đang do alice');
	await bob.goto(URL + 'records/' + RECORD);
	truthy('bob sees the banner naming alice', (await bob.textContent('#taken')).includes('alice'));
	const version = sql(`SELECT version FROM records WHERE id = ${RECORD}`);
	await bob.click('#approve');
	await bob.waitForSelector('#message.error, main#problem');
	const said = await bob.textContent('#message.error, main#problem');
	truthy('his approval is refused naming alice', said.includes('alice'));
	eq('and changed nothing', sql(`SELECT version || '|' || status FROM records WHERE id = ${RECORD}`),
		version + '|needs_review');

	/* (as the keyboard does it: r opens the reason, Enter sends it) */
	await alice.keyboard.press('r');
	await alice.keyboard.type('Dòng bị mờ, không đọc được');
	await alice.keyboard.press('Enter');
	eq('alice rejects it', await storeSays(`SELECT status FROM records WHERE id = ${RECORD}`, 'rejected'),
		'rejected');
	eq('her decision is timed', sql(`SELECT reviewer || '|' || outcome || '|' || (seconds IS NOT NULL)
		FROM review_timings WHERE record_id = ${RECORD}`), 'alice|rejected|1');
	eq('the record is free', sql(`SELECT count(*) FROM review_claims WHERE record_id = ${RECORD}`), '0');
	await bob.goto(URL + 'records/' + RECORD + '?peek=1');
	eq('bob sees no banner now', await bob.locator('#taken').count(), 0);
	/* group verification from the keyboard: V on the selected field confirms the same reading
	 * in every record that shares it, without a page load */
	const group = (process.env.REVIEW_GROUP || '').split(' ').filter(Boolean);
	if (group.length) {
		const open = () => sql(`SELECT count(*) FROM flags WHERE code = 'ETHNICITY_UNKNOWN'
			AND state = 'open' AND record_id IN (${group.join(', ')})`);
		eq('the group\'s flags are open', open(), String(group.length));
		await alice.goto(URL + 'records/' + group[0]);
		eq('the form offers all of them', await alice.getAttribute('form.verify-all-form', 'data-count'),
			String(group.length));
		await alice.click('li.field[data-field="child.ethnicity"] .label');
		eq('the field selected', await alice.getAttribute('li.field.selected', 'data-field'), 'child.ethnicity');
		await alice.evaluate(() => { window.__swapped = 0; document.addEventListener('sohoa:swap', () => { window.__swapped++; }); });
		await alice.keyboard.press('V');
		await alice.waitForFunction(() => window.__swapped > 0);
		eq('V confirmed the reading in every record of the group', open(), '0');
		truthy('each audited', Number(sql(`SELECT count(DISTINCT record_id) FROM audit WHERE action = 'verify'
			AND actor = 'alice' AND record_id IN (${group.join(', ')})`)) === group.length);
		eq('and says how many', (await alice.textContent('#message')).trim(),
			`Đã xác nhận đúng như sổ ở ${group.length} bản ghi.`);
	}
	eq('no script error', problems, []);
	await browser.close();
})().catch((e) => {
	console.log('FAIL: ' + (e && e.message ? e.message : e));
	if (problems.length)
		console.log('problems: ' + problems.join('; '));
	process.exit(1);
});
