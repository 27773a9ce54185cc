/*
 * Keying handwritten entries in Chromium (run by tests/stage/keying.sh, which makes the batch,
 * flags the handwritten fields, starts the server and passes what it knows in the
 * environment):
 *
 *   KEY_URL       http://127.0.0.1:PORT/
 *   KEY_BATCH     the batch directory (its store is read with the sqlite3 command)
 *   KEY_USERS     "alice:PASSWORD bob:PASSWORD carol:PASSWORD" (carol arbitrates)
 *   KEY_ENTRIES   JSON [{"record": ID, "fields": {FIELD: "what the book says", ...}}] in the
 *                 order the keyers are given them
 *   KEY_WRONG     JSON {"record", "field", "value"}: what bob keys there instead
 *   KEY_HIDDEN    JSON ["a machine reading", ...]: never on the keying page
 *   CHROMIUM      the browser executable
 *
 * Alice, then bob, key every entry from the keyboard alone (Enter to the next cell and entry,
 * no page load between entries), each seeing the canonical value of what they typed and
 * nothing of the machine's reading or the other's keying; bob's one disagreement goes to
 * carol, who picks alice's keying with "1"; every record becomes valid and its audit shows the
 * story. Prints "ok: WHAT" per check; the first failed check ends it with exit 1.
 */
'use strict';

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { chromium } = require('playwright-core');

const URL = process.env.KEY_URL;
const BATCH = process.env.KEY_BATCH;
const USERS = Object.fromEntries((process.env.KEY_USERS || '').split(' ').map((u) => {
	const i = u.indexOf(':');
	return [u.slice(0, i), u.slice(i + 1)];
}));
const ENTRIES = JSON.parse(process.env.KEY_ENTRIES || '[]');
const WRONG = JSON.parse(process.env.KEY_WRONG || '{}');
const HIDDEN = JSON.parse(process.env.KEY_HIDDEN || '[]');
assert.ok(URL && BATCH && USERS.alice && USERS.bob && USERS.carol && ENTRIES.length && WRONG.field,
	'the environment is incomplete');

function sql(query) {
	return execFileSync('sqlite3', ['-batch', path.join(BATCH, 'batch.db'), query],
		{ encoding: 'utf8' }).replace(/\n$/, '');
}
function ok(what) {
	console.log('ok: ' + what);
}
function eq(what, got, want) {
	assert.deepStrictEqual(got, want, what);
	ok(what);
}
function truthy(what, v) {
	assert.ok(v, what);
	ok(what);
}

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

/* One keyer keys every entry from the keyboard; WRONG applies when given. */
async function keyAll(page, who, wrong) {
	let loads = 0;
	page.on('load', () => { loads++; });
	await page.goto(URL + 'key');
	loads = 0;
	for (const entry of ENTRIES) {
		await page.waitForSelector(`section#entry[data-record="${entry.record}"]`);
		const html = await page.content();
		for (const h of HIDDEN)
			assert.ok(!html.includes(h), `${who} sees the machine's reading '${h}'`);
		const cells = await page.$$eval('section#entry li.key-cell', (ls) => ls.map((l) => l.getAttribute('data-field')));
		eq(`${who} is given record ${entry.record}'s handwritten fields`, cells.slice().sort(),
			Object.keys(entry.fields).sort());
		for (const field of cells) {
			const active = await page.getAttribute('li.key-cell.active', 'data-field');
			eq(`${who}: the cell being keyed is ${field}`, active, field);
			truthy(`${who}: its cell is shown enlarged`, await page.isVisible('li.key-cell.active img.key-zoom'));
			/* (the script moves the focus once the entry is in) */
			await page.waitForFunction((f) => document.activeElement &&
				document.activeElement.getAttribute('data-field') === f, field, { timeout: 5000 })
				.catch(() => {});
			const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('data-field'));
			eq(`${who}: the focus is in its input`, focused, field);
			const value = wrong && wrong.record === entry.record && wrong.field === field ? wrong.value
				: entry.fields[field];
			await page.keyboard.type(value);
			await page.waitForFunction(() => {
				const o = document.querySelector('li.key-cell.active output.key-canon');
				return o && o.textContent.trim() !== '';
			});
			const canon = (await page.textContent('li.key-cell.active output.key-canon')).trim();
			truthy(`${who}: ${field} shows the canonical value it makes ('${canon}')`,
				canon.startsWith('sẽ lưu:'));
			await page.keyboard.press('Enter');
			await page.waitForSelector(`li.key-cell.saved[data-field="${field}"], section#entry:not([data-record="${entry.record}"])`);
		}
	}
	await page.waitForSelector('section#entry.key-done');
	eq(`${who}: no page load between entries`, loads, 0);
}

(async () => {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update',
		       '--disable-sync'],
	});
	const pages = {}, contexts = {};
	for (const who of ['alice', 'bob', 'carol']) {
		contexts[who] = await browser.newContext();
		pages[who] = await newPage(contexts[who]);
		await login(pages[who], who, USERS[who]);
	}
	const ids = ENTRIES.map((e) => e.record).join(', ');
	await keyAll(pages.alice, 'alice', null);
	/* (her connections closed: the server holds a few per client address) */
	await contexts.alice.close();
	eq('alice\'s keyings wait for a second keyer', sql(`SELECT count(*) FROM keyings WHERE keyer = 'alice'
		AND record_id IN (${ids})`) + '|' + sql(`SELECT count(*) FROM flags WHERE code = 'HANDWRITTEN'
		AND state = 'open' AND record_id IN (${ids})`),
		ENTRIES.reduce((n, e) => n + Object.keys(e.fields).length, 0) + '|' +
		ENTRIES.reduce((n, e) => n + Object.keys(e.fields).length, 0));
	const bobNames = async () => {
		await pages.carol.goto(URL + 'key/stats');
		const row = 'tr[data-keyer="bob"][data-kind="name"]';
		if (!(await pages.carol.$(row)))
			return [0, 0];
		return [Number(await pages.carol.getAttribute(row, 'data-keyed')),
			Number(await pages.carol.getAttribute(row, 'data-agreed'))];
	};
	const before = await bobNames();
	await keyAll(pages.bob, 'bob', WRONG);
	eq('the agreeing fields are accepted, the one disagreement is a conflict', sql(`SELECT
		count(*) FROM flags WHERE state = 'open' AND record_id IN (${ids}) AND code IN
		('HANDWRITTEN', 'KEYING_CONFLICT')`) + '|' + sql(`SELECT record_id || ' ' || fields FROM flags
		WHERE code = 'KEYING_CONFLICT' AND state = 'open'`),
		'2|' + WRONG.record + ' ["' + WRONG.field + '"]');

	const carol = pages.carol;
	await carol.goto(URL + 'key/conflicts');
	eq('carol is shown the conflict', await carol.getAttribute('section#conflict', 'data-field'), WRONG.field);
	const keyings = await carol.$$eval('li.keying', (ls) => ls.map((l) => l.getAttribute('data-keyer') + ':' +
		l.querySelector('.typed').textContent));
	const right = ENTRIES.find((e) => e.record === WRONG.record).fields[WRONG.field];
	eq('with both keyings', keyings, ['alice:' + right, 'bob:' + WRONG.value]);
	truthy('and the cell', await carol.isVisible('section#conflict img.key-zoom'));
	await carol.keyboard.press('1');
	await carol.waitForSelector('section#conflict.key-done');
	eq('"1" took alice\'s keying', sql(`SELECT value || '|' || source FROM fields WHERE record_id =
		${WRONG.record} AND name = '${WRONG.field}'`), right + '|archivist');
	eq('every record is valid', sql(`SELECT group_concat(DISTINCT status) FROM records WHERE id IN (${ids})`),
		'valid');
	await carol.goto(URL + 'records/' + WRONG.record);
	const steps = await carol.$$eval('#audit tr[data-action]', (rs) => rs.map((r) => r.getAttribute('data-action')));
	for (const step of ['key-first', 'key-second', 'conflict', 'arbitrate', 'accept'])
		truthy(`the record's history shows ${step}`, steps.includes(step));
	const names = ENTRIES.reduce((n, e) => n + Object.keys(e.fields).filter((f) => f.endsWith('full_name')).length, 0);
	const after = await bobNames();
	eq('the statistics count bob\'s names keyed, and those agreeing with the final value',
		[after[0] - before[0], after[1] - before[1]], [names, names - 1]);
	eq('no script error', problems, []);
	await browser.close();
})().catch((e) => {
	console.log('FAIL: ' + (e && e.message ? e.message : e));
	process.exit(1);
});
