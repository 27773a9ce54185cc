/*
 * The review application in a real headless Chromium (run by tests/stage/review_web.sh, which
 * makes the batch, starts the server and passes what it knows in the environment):
 *
 *   REVIEW_URL      http://127.0.0.1:PORT/
 *   REVIEW_BATCH    the batch directory (its store is read with the sqlite3 command)
 *   REVIEW_SHOTS    where the screenshots go
 *   REVIEW_RECORDS  ids of six birth records needing review, in queue order
 *   REVIEW_XSS      the id of a record whose cells hold hostile text
 *   REVIEW_USERS    "alice:PASSWORD bob:PASSWORD"
 *   CHROMIUM        the browser executable
 *
 * Prints "ok: WHAT" per check; the first failed check ends it with exit 1.
 */
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { ok, eq, truthy, sqlOf } = require('./lib.js');

const URL = process.env.REVIEW_URL;
const BATCH = process.env.REVIEW_BATCH;
const SHOTS = process.env.REVIEW_SHOTS;
const RECORDS = (process.env.REVIEW_RECORDS || '').split(' ').filter(Boolean).map(Number);
const XSS = Number(process.env.REVIEW_XSS);
const USERS = Object.fromEntries((process.env.REVIEW_USERS || '').split(' ').map((u) => {
	const i = u.indexOf(':');
	return [u.slice(0, i), u.slice(i + 1)];
}));
assert.ok(URL && BATCH && SHOTS && RECORDS.length >= 6 && XSS, 'the environment is incomplete');

const sql = sqlOf(BATCH);
function sqlText(s) {
	return "'" + String(s).replace(/'/g, "''") + "'";
}

const dialogs = [];
const problems = [];
let lastPage = null;   /* for the screenshot of a failure */

/* A page that records every dialog (none may open: hostile text must stay text), script
 * error and Content-Security-Policy violation. */
async function newPage(context) {
	const page = await context.newPage();
	lastPage = page;
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		d.dismiss().catch(() => {});
	});
	page.on('pageerror', (e) => problems.push('script error: ' + e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()))
			problems.push('console: ' + m.text());
	});
	return page;
}

/* Runs ACTION and waits for the page it causes: a real load (a submitted form without the
 * script, the sign-in) or a page the script swapped in without one (it counts them in
 * window.__shown, see countSwaps). Returns 'load' or 'swap'. */
async function loads(page, action) {
	const before = await page.evaluate(() => window.__shown || 0).catch(() => 0);
	let done = false;
	const loaded = page.waitForEvent('load', { timeout: 30000 }).then(() => 'load', () => null);
	await action();
	const swapped = (async () => {
		while (!done) {
			try {
				if (await page.evaluate((b) => (window.__shown || 0) > b, before))
					return 'swap';
			} catch (e) { /* a page being replaced */ }
			await new Promise((r) => setTimeout(r, 40));
		}
		return null;
	})();
	const how = await Promise.race([loaded, swapped]);
	done = true;
	assert.ok(how, 'no page was shown');
	return how;
}

/* Every page of CONTEXT counts the pages the application swaps in (the event it sends). */
async function countSwaps(context) {
	await context.addInitScript(() => {
		document.addEventListener('sohoa:swap', () => { window.__shown = (window.__shown || 0) + 1; });
	});
}

async function login(page, user, password) {
	await page.goto(URL + 'login');
	await page.fill('form#login input[name=user]', user);
	await page.fill('form#login input[name=password]', password);
	await loads(page, () => page.click('form#login button[type=submit]'));
}

async function shot(page, name, options) {
	await page.screenshot(Object.assign({ path: path.join(SHOTS, name + '.png') }, options));
}

async function text(page, selector) {
	return (await page.textContent(selector)).trim();
}

function field(id, name) {
	return sql(`SELECT coalesce(raw, '') || '|' || coalesce(value, '') || '|' || source
		FROM fields WHERE record_id = ${id} AND name = ${sqlText(name)}`);
}
function version(id) {
	return Number(sql(`SELECT version FROM records WHERE id = ${id}`));
}
function status(id) {
	return sql(`SELECT status FROM records WHERE id = ${id}`);
}

/* The value of field NAME as the record page shows it. */
async function shownValue(page, name) {
	return text(page, `li.field[data-field="${name}"] .value`);
}

async function selectedField(page) {
	return page.getAttribute('li.field.selected', 'data-field');
}

/* Moves the selection to field NAME with j and k only. */
async function keyToField(page, name) {
	const names = await page.$$eval('li.field', (l) => l.map((li) => li.dataset.field));
	const want = names.indexOf(name);
	assert.ok(want >= 0, 'the record has the field ' + name);
	for (let n = 0; n < names.length * 2; n++) {
		const at = names.indexOf(await selectedField(page));
		if (at === want)
			return;
		await page.keyboard.press(at < want ? 'j' : 'k');
	}
	assert.fail('j and k do not reach ' + name);
}

(async () => {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update',
		       '--disable-sync'],
	});
	const viewport = { width: 1366, height: 768 };
	const alice = await browser.newContext({ viewport });
	await countSwaps(alice);
	const page = await newPage(alice);
	const [A, B, C, , D] = RECORDS;

	/* --- logging in ---------------------------------------------------------------- */
	await page.goto(URL);
	truthy('the queue without a session shows the login form', page.url().endsWith('/login'));
	eq('the interface is in Vietnamese', await page.getAttribute('html', 'lang'), 'vi');
	await shot(page, 'review-login');
	await page.fill('input[name=user]', 'alice');
	await page.fill('input[name=password]', 'not her password');
	await loads(page, () => page.click('form#login button[type=submit]'));
	truthy('a wrong password shows #error', await page.isVisible('#error'));
	eq('and gives no session', (await alice.cookies()).filter((c) => c.name === 'sohoa_session').length, 0);
	await login(page, 'alice', USERS.alice);
	truthy('login leads to the queue', await page.isVisible('table#queue'));
	const cookie = (await alice.cookies()).find((c) => c.name === 'sohoa_session');
	truthy('the session cookie is HttpOnly', cookie && cookie.httpOnly);
	eq('and SameSite=Strict', cookie.sameSite, 'Strict');
	eq('the header names the reviewer', await text(page, '#user'), 'alice');
	eq('the script cannot read the session cookie', await page.evaluate(() => document.cookie.includes('sohoa_session')), false);

	/* --- the queue ---------------------------------------------------------------- */
	const needs = sql("SELECT count(*) FROM records WHERE status = 'needs_review'");
	eq('#total is the number of records needing review', await text(page, '#total'), needs);
	eq('one row per record', String(await page.locator('tr[data-record]').count()),
		String(Math.min(Number(needs), 100)));
	await shot(page, 'review-queue');

	const code = sql(`SELECT g.code FROM flags g JOIN records r ON r.id = g.record_id WHERE
		r.status = 'needs_review' AND g.state = 'open' GROUP BY g.code
		ORDER BY count(DISTINCT r.id), g.code LIMIT 1`);
	await loads(page, () => page.selectOption('select#flag', code));
	truthy('choosing a flag filters the queue (no button pressed)', page.url().includes('flag=' + code));
	eq(`#total counts the records with ${code} open`, await text(page, '#total'),
		sql(`SELECT count(DISTINCT r.id) FROM records r JOIN flags g ON g.record_id = r.id
		     WHERE r.status = 'needs_review' AND g.state = 'open' AND g.code = '${code}'`));
	const badges = await page.$$eval('tr[data-record] td.flags', (tds) => tds.map((td) => td.textContent));
	truthy(`every row shows ${code}`, badges.length > 0 && badges.every((b) => b.includes(code)));
	const rowLink = await page.getAttribute('tr[data-record] td.name a', 'href');
	truthy('a row links to its record within the filter', /^\/records\/\d+\?flag=/.test(rowLink));

	const book = sql(`SELECT b.type || '-' || b.year || '-' || b.volume || '-' || b.authority_code
		FROM books b WHERE b.type = 'marriage'`);
	await page.goto(URL);
	await loads(page, () => page.selectOption('select#book', book));
	eq('the book filter counts that book', await text(page, '#total'),
		sql(`SELECT count(*) FROM records r JOIN books b ON b.id = r.book_id
		     WHERE r.status = 'needs_review' AND b.type = 'marriage'`));

	/* j/k and Enter in the queue */
	await page.goto(URL);
	await page.keyboard.press('j');
	await page.keyboard.press('j');
	await page.keyboard.press('k');
	await page.keyboard.press('j');
	const second = await page.getAttribute('tr.selected', 'data-record');
	eq('j and k move the selection', second, await page.getAttribute('tr[data-record]:nth-child(2)', 'data-record'));
	await loads(page, () => page.keyboard.press('Enter'));
	truthy('Enter opens the selected record', page.url().endsWith('/records/' + second));

	/* --- one record with the mouse ------------------------------------------------------ */
	await page.goto(URL + 'records/' + A);
	eq('the record page', await page.getAttribute('main#record', 'data-id'), String(A));
	eq('#status says it needs review', await page.getAttribute('#status', 'data-status'), 'needs_review');
	const v0 = version(A);
	eq('data-version is the stored version', await page.getAttribute('main#record', 'data-version'), String(v0));
	await page.waitForFunction(() => {
		const i = document.querySelector('#row-image');
		return i && i.complete && i.naturalWidth > 0;
	});
	truthy('the row image is shown', true);
	const boxes = Number(sql(`SELECT count(*) FROM fields WHERE record_id = ${A} AND x0 IS NOT NULL`));
	eq('one outline per field with a box', await page.locator('div.outline').count(), boxes);
	const open = sql(`SELECT DISTINCT j.value FROM flags g, json_each(g.fields) j
		WHERE g.record_id = ${A} AND g.state = 'open' ORDER BY 1`).split('\n').filter(Boolean);
	const doubtful = await page.$$eval('div.outline.doubtful', (l) => l.map((o) => o.dataset.field).sort());
	eq('the doubtful cells are highlighted', doubtful,
		open.filter((f) => Number(sql(`SELECT count(*) FROM fields WHERE record_id = ${A} AND name = ${sqlText(f)} AND x0 IS NOT NULL`))).sort());
	/* the outlines lie on the image, in the order of the columns */
	const geometry = await page.evaluate(() => {
		const img = document.querySelector('#row-image').getBoundingClientRect();
		return Array.from(document.querySelectorAll('div.outline')).map((o) => {
			const r = o.getBoundingClientRect();
			return { field: o.dataset.field, inside: r.left >= img.left - 1 && r.right <= img.right + 1 &&
				r.top >= img.top - 1 && r.bottom <= img.bottom + 1 && r.width > 3 && r.height > 3,
				x: (r.left - img.left) / img.width };
		});
	});
	truthy('every outline lies on the row image', geometry.every((g) => g.inside));
	const firstX = geometry.find((g) => g.field === 'registration_number').x;
	const nameX = geometry.find((g) => g.field === 'child.full_name').x;
	const bbox = (f) => sql(`SELECT x0 FROM fields WHERE record_id = ${A} AND name = '${f}'`);
	const row = sql(`SELECT x0 || '|' || x1 FROM records WHERE id = ${A}`).split('|').map(Number);
	const expectX = (x) => (x - row[0] + 6) / (row[1] - row[0] + 12);
	truthy('the outlines sit where the cells are (within 1%)',
		Math.abs(firstX - expectX(Number(bbox('registration_number')))) < 0.01 &&
		Math.abs(nameX - expectX(Number(bbox('child.full_name')))) < 0.01);
	eq('a selected field is outlined on the image',
		await page.getAttribute('div.outline.selected', 'data-field'), await selectedField(page));
	await page.waitForLoadState('networkidle');
	await shot(page, 'review-record');

	/* correct a date as written in the book */
	const date = 'child.birth_date';
	const [rawBefore] = field(A, date).split('|');
	const valueBefore = sql(`SELECT coalesce(value, raw) FROM fields WHERE record_id = ${A} AND name = '${date}'`);
	truthy('the cell crop of the field is shown',
		await page.isVisible(`li.field[data-field="${date}"] img.cell`));
	await page.click(`li.field[data-field="${date}"] button.start-edit`);
	await page.fill(`li.field[data-field="${date}"] input.edit`, '15/1/2019');
	await loads(page, () => page.click(`li.field[data-field="${date}"] button.save`));
	eq('the page shows the canonical date', await shownValue(page, date), '2019-01-15');
	eq('the store has it, from the archivist, with the reading kept', field(A, date), `${rawBefore}|2019-01-15|archivist`);
	eq('the message says it was saved', await page.getAttribute('#message', 'class'), 'ok');
	eq('the page has the new version', await page.getAttribute('main#record', 'data-version'), String(version(A)));
	truthy('which moved on', version(A) > v0);
	eq('the record is shown again without a page load', await page.evaluate(() => window.__shown), 1);
	eq('the selection moves on to the next doubtful field, or stays on a field still doubtful',
		await selectedField(page), await page.$$eval('li.field', (l, d) => {
			const names = l.map((li) => li.dataset.field);
			const doubt = l.map((li) => li.classList.contains('doubtful'));
			const at = names.indexOf(d);
			if (doubt[at])
				return d;
			for (let i = 1; i <= names.length; i++)
				if (doubt[(at + i) % names.length])
					return names[(at + i) % names.length];
			return d;
		}, date));
	await page.click(`li.field[data-field="${date}"]`);

	/* a value the rules cannot take is refused with the reason, and nothing changes */
	await page.click(`li.field[data-field="${date}"] button.start-edit`);
	await page.fill(`li.field[data-field="${date}"] input.edit`, '31/02/2019');
	await page.click(`li.field[data-field="${date}"] button.save`);
	await page.waitForSelector('#message.error');
	truthy('an impossible date is refused with a message', (await text(page, '#message')).length > 10);
	eq('and the store keeps the date', field(A, date), `${rawBefore}|2019-01-15|archivist`);
	await page.keyboard.press('Escape');
	eq('Esc puts the shown value back', await page.inputValue(`li.field[data-field="${date}"] input.edit`), '2019-01-15');

	/* confirm every open flag as written in the book */
	let verified = 0;
	while (await page.locator('li.flag.open button.verify').count() && verified < 40) {
		await loads(page, () => page.click('li.flag.open button.verify >> nth=0'));
		verified++;
	}
	truthy(`${verified} flags confirmed with the mouse`, verified > 0);
	eq('no open flag is left', sql(`SELECT count(*) FROM flags WHERE record_id = ${A} AND state = 'open'`), '0');
	eq('the last confirmation is reported', await page.getAttribute('#message', 'class'), 'ok');
	eq('approving: the next record is swapped in, no page load',
		await loads(page, () => page.click('button#approve')), 'swap');
	eq('the next record of the queue is shown', await page.getAttribute('main#record', 'data-id'), String(B));
	eq('the address follows', new globalThis.URL(page.url()).pathname, '/records/' + B);
	eq('the approval is reported', [await page.getAttribute('#message', 'class'), await text(page, '#message')], ['ok', 'Đã duyệt hồ sơ.']);
	eq('the store says approved', status(A), 'approved');
	await loads(page, () => page.goBack());
	eq('Back shows the approved record again', await page.getAttribute('main#record', 'data-id'), String(A));
	eq('#status says approved', await page.getAttribute('#status', 'data-status'), 'approved');
	truthy('the version moved on with every change', version(A) >= v0 + 1 + verified + 1);
	const audit = sql(`SELECT actor || '|' || action || '|' || coalesce(field, '') || '|' ||
		coalesce(before, '') || '|' || coalesce(after, '') FROM audit WHERE record_id = ${A} ORDER BY id`).split('\n');
	eq('the audit has the correction with the value before it', audit[0], `alice|set|${date}|${valueBefore}|2019-01-15`);
	eq('one audit row per confirmation', audit.filter((a) => /^alice\|verify\|/.test(a)).length, verified);
	eq('and the approval last (the record was valid once its flags were confirmed)', audit[audit.length - 1], 'alice|approve||valid|approved');
	eq('the history on the page, newest first', await page.getAttribute('#audit tbody tr:first-child', 'data-action'), 'approve');
	eq('every change is in the history', await page.locator('#audit tbody tr').count(), audit.length);

	/* --- the next record from the keyboard alone ----------------------------------------- */
	await loads(page, () => page.keyboard.press('n'));
	eq('n goes to the next record of the queue', await page.getAttribute('main#record', 'data-id'), String(B));
	eq('in place', await page.evaluate(() => window.__shown > 0), true);
	await page.keyboard.press('?');
	truthy('? shows the shortcuts', await page.isVisible('#shortcuts'));
	await page.keyboard.press('?');
	truthy('? hides them again', !(await page.isVisible('#shortcuts')));
	const vb = version(B);
	await keyToField(page, date);
	eq('j/k select the field', await selectedField(page), date);
	eq('and its outline', await page.getAttribute('div.outline.selected', 'data-field'), date);
	await page.keyboard.press('e');
	eq('e focuses the field\'s input', await page.evaluate(() => document.activeElement.closest('li.field').dataset.field), date);
	await page.keyboard.type('xyz');
	await page.keyboard.press('Escape');
	truthy('Esc cancels the edit', !(await page.evaluate(() => document.querySelector('li.field.editing'))));
	eq('and changes nothing', version(B), vb);
	await page.keyboard.press('j');
	await page.keyboard.press('k');
	await page.keyboard.press('Enter');
	eq('Enter edits the selected field too', await page.evaluate(() => document.activeElement.name), 'value');
	await page.keyboard.type('3/2/2019');
	await loads(page, () => page.keyboard.press('Enter'));
	eq('Enter saves: the page shows the date', await shownValue(page, date), '2019-02-03');
	eq('and the store has it', field(B, date).split('|').slice(1).join('|'), '2019-02-03|archivist');
	/* the input starts from the reading: saving it untouched keeps the value */
	const sexBefore = field(B, 'child.sex').split('|')[1];
	await keyToField(page, 'child.sex');
	await page.keyboard.press('e');
	eq('the input starts from the reading in the book', await page.evaluate(() => document.activeElement.value),
		field(B, 'child.sex').split('|')[0].replace(/\s+/g, ' ').trim());
	await loads(page, () => page.keyboard.press('Enter'));
	eq('saved untouched, the value is the same, now the archivist\'s', field(B, 'child.sex').split('|').slice(1).join('|'), `${sexBefore}|archivist`);
	let keyed = 0;
	while (await page.locator('li.flag.open.error').count() && keyed < 40) {
		await loads(page, () => page.keyboard.press('v'));
		keyed++;
	}
	truthy(`v confirmed ${keyed} flags`, keyed > 0);
	eq('no error is left open', sql(`SELECT count(*) FROM flags WHERE record_id = ${B} AND state = 'open' AND severity = 'error'`), '0');
	await loads(page, () => page.keyboard.press('a'));
	eq('a approves', status(B), 'approved');
	eq('and goes on to the next record', await page.getAttribute('main#record', 'data-id'), String(C));
	const keysB = sql(`SELECT seconds > 0, keys FROM review_timings WHERE record_id = ${B}`);
	truthy('the seconds and keys spent on it are recorded: ' + keysB, /^1\|[1-9][0-9]*$/.test(keysB));
	await shot(page, 'review-record-approved');

	/* reject from the keyboard: r, the reason, Enter */
	const afterC = (await page.getAttribute('a#next', 'href')).replace(/\?.*/, '');
	await page.keyboard.press('r');
	eq('r opens the reason', await page.evaluate(() => document.activeElement.id), 'reason');
	/* a digit picks a ready-made reason, 0 the tenth: the book's own five, then those for any
	 * book, the last of them for a seal or a stain read as an entry */
	const picks = await page.locator('#decide button.reason-pick').allTextContents();
	truthy('ten reasons or more are offered: ' + picks.length, picks.length >= 10);
	await page.keyboard.press('0');
	eq('0 puts the tenth in the box', await page.inputValue('#reason'), picks[9].trim());
	await page.fill('#reason', '');
	await page.keyboard.type('Dòng bị mờ, không đọc được');
	await loads(page, () => page.keyboard.press('Enter'));
	eq('Enter rejects', status(C), 'rejected');
	eq('with the reason in the store', sql(`SELECT reject_reason FROM records WHERE id = ${C}`), 'Dòng bị mờ, không đọc được');
	eq('and the next record is shown', '/records/' + await page.getAttribute('main#record', 'data-id'), afterC);
	eq('fetched ahead, its Previous is the record just decided',
		(await page.getAttribute('a#prev', 'href')).replace(/\?.*/, ''), '/records/' + C);
	await page.reload();
	truthy('the records decided are no longer in the queue: no previous one',
		(await page.getAttribute('a#prev', 'href')) === null);
	/* records waiting for keying between them are passed with n as any other */
	let passed = 0;
	while (await page.getAttribute('main#record', 'data-id') !== String(D) && passed++ < 10)
		await loads(page, () => page.keyboard.press('n'));
	eq('n', await page.getAttribute('main#record', 'data-id'), String(D));
	const beforeD = (await page.getAttribute('a#prev', 'href')).replace(/\?.*/, '');
	await loads(page, () => page.keyboard.press('p'));
	eq('p goes back', '/records/' + await page.getAttribute('main#record', 'data-id'), beforeD);

	/* --- going where the work is: the doubtful fields, the image, no page loads ------------ */
	await page.goto(URL + 'records/' + D);
	const fieldsD = await page.$$eval('li.field', (l) => l.map((li) => [li.dataset.field, li.classList.contains('doubtful')]));
	const doubtD = fieldsD.filter((f) => f[1]).map((f) => f[0]);
	truthy('record D has doubtful fields: ' + doubtD.join(', '), doubtD.length > 0);
	eq('its first doubtful field is selected on arrival', await selectedField(page), doubtD[0]);
	const inView = (sel) => page.$eval(sel, (el) => {
		const r = el.getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
	});
	truthy('in view, at 1366×768', await inView('li.field.selected'));
	truthy('and so is the approve button', await inView('#approve'));
	if (doubtD.length > 1) {
		await page.keyboard.press(' ');
		eq('Space selects the next doubtful field', await selectedField(page), doubtD[1]);
		truthy('in view', await inView('li.field.selected'));
		await page.keyboard.press('Shift+Space');
		eq('Shift+Space the one before', await selectedField(page), doubtD[0]);
	}
	const calm = fieldsD.find((f) => !f[1])[0];
	await keyToField(page, calm);
	const vd0 = version(D);
	await page.keyboard.press('v');
	await page.waitForSelector('#message.error');
	eq('v on a field without a flag says so', await text(page, '#message'),
		'Trường này không có cờ cần xác nhận: Space chọn trường cần xem.');
	eq('and confirms nothing', version(D), vd0);
	await page.keyboard.press('Escape');
	await keyToField(page, doubtD[0]);
	const flagsOf = (f) => sql(`SELECT g.id || ':' || g.state FROM flags g, json_each(g.fields) j
		WHERE g.record_id = ${D} AND j.value = ${sqlText(f)} ORDER BY g.id`);
	const flagBefore = flagsOf(doubtD[0]).split('\n')[0];
	eq('v on the doubtful field: in place', await loads(page, () => page.keyboard.press('v')), 'swap');
	eq('confirms its own flag', flagsOf(doubtD[0]).split('\n')[0], flagBefore.replace(/:open$/, ':verified'));
	const doubtNow = await page.$$eval('li.field.doubtful', (l) => l.map((li) => li.dataset.field));
	eq('and the selection moves on to the next doubtful field',
		await selectedField(page), doubtNow.includes(doubtD[0]) ? doubtD[0] :
			(doubtNow.find((f) => fieldsD.findIndex((x) => x[0] === f) > fieldsD.findIndex((x) => x[0] === doubtD[0])) ||
			 doubtNow[0] || doubtD[0]));
	/* the cell large, the whole page */
	await keyToField(page, 'child.full_name');
	await page.keyboard.press('m');
	await page.waitForFunction(() => {
		const i = document.querySelector('#magnifier img');
		return i && i.complete && i.naturalWidth > 0;
	});
	const mag = await page.$eval('#magnifier img', (i) => [i.getBoundingClientRect().width, document.querySelector('li.field.selected img.cell').getBoundingClientRect().width]);
	truthy(`m magnifies the selected cell (${Math.round(mag[0])} px, ${Math.round(mag[1])} px in the list)`, mag[0] >= 1.5 * mag[1]);
	await page.keyboard.press('Escape');
	eq('Esc closes it', await page.locator('#magnifier').count(), 0);
	await page.keyboard.press('g');
	await page.waitForFunction(() => {
		const i = document.querySelector('#page-view img');
		return i && i.complete && i.naturalWidth > 0;
	});
	const pageView = await page.evaluate(() => {
		const v = document.querySelector('#page-view'), i = v.querySelector('img').getBoundingClientRect();
		const m = v.querySelector('.row-mark').getBoundingClientRect();
		return { shown: !v.hidden, inside: m.left >= i.left - 1 && m.right <= i.right + 1 && m.top >= i.top - 1 && m.bottom <= i.bottom + 1,
			 visible: m.top >= 0 && m.bottom <= window.innerHeight, wide: m.width / i.width };
	});
	truthy('g shows the whole page with the row marked on it, in view', pageView.shown && pageView.inside && pageView.visible && pageView.wide > 0.5);
	await shot(page, 'review-page-context');
	await page.keyboard.press('Escape');
	truthy('Esc closes it', await page.$eval('#page-view', (v) => v.hidden));
	const rowBox = sql(`SELECT x0 || ' ' || y0 || ' ' || x1 || ' ' || y1 FROM records WHERE id = ${D}`).split(' ').map(Number);
	const pageSize = await page.evaluate(() => fetch(document.querySelector('#page-view').dataset.src).then((r) => r.blob()).then(createImageBitmap).then((b) => [b.width, b.height]));
	const mark = await page.$eval('#page-view', (v) => [v.dataset.x, v.dataset.y].map(Number));
	truthy('the mark sits where the row is on the page (within 1%)',
		Math.abs(mark[0] - 100 * rowBox[0] / (pageSize[0] * 4)) < 1 && Math.abs(mark[1] - 100 * rowBox[1] / (pageSize[1] * 4)) < 1);
	/* back to the queue, and Enter opens the first row */
	eq('u goes back to the queue, in place', await loads(page, () => page.keyboard.press('u')), 'swap');
	truthy('the queue is shown', await page.isVisible('#queue'));
	const firstRow = await page.getAttribute('#queue tbody tr[data-record]', 'data-record');
	await loads(page, () => page.keyboard.press('Enter'));
	eq('Enter before any move opens the first record', await page.getAttribute('main#record', 'data-id'), firstRow);

	/* --- hostile text is text ------------------------------------------------------------- */
	await page.goto(URL + 'records/' + XSS);
	eq('a cell reading <script> is shown as text', await shownValue(page, 'child.full_name'), '<script>alert(1)</script>');
	eq('a reading with markup too', await shownValue(page, 'notes'), '"><img src=x onerror=alert(2)>');
	truthy('a flag message with markup too', (await page.textContent('ul.flags')).includes('<img src=x onerror=alert(3)>'));
	eq('the input holds it as its value', await page.inputValue('li.field[data-field="child.full_name"] input.edit'), '<script>alert(1)</script>');
	eq('no script but the application\'s', await page.$$eval('script', (s) => s.map((x) => x.getAttribute('src'))), ['/static/app.js', '/static/values.js', '/static/vnkey.js', '/static/complete.js']);
	eq('no injected image', await page.locator('img[src="x"]').count(), 0);
	await page.goto(URL);
	truthy('the queue shows it as text too', (await page.textContent(`tr[data-record="${XSS}"] td.name`)).includes('<script>alert(1)</script>'));

	/* --- values with SQL metacharacters are stored as typed ---------------------------- */
	for (const value of ["'; DROP TABLE records; --", 'O\'Brien "x"']) {
		await page.goto(URL + 'records/' + D);
		await page.click('li.field[data-field="notes"] button.start-edit');
		await page.fill('li.field[data-field="notes"] input.edit', value);
		await loads(page, () => page.press('li.field[data-field="notes"] input.edit', 'Enter'));
		eq(`${value} is shown as typed`, await shownValue(page, 'notes'), value);
		eq(`${value} is stored verbatim`, sql(`SELECT value FROM fields WHERE record_id = ${D} AND name = 'notes'`), value);
	}
	truthy('the records are all there', Number(sql('SELECT count(*) FROM records')) >= RECORDS.length);

	/* --- two reviewers on one record -------------------------------------------------- */
	const bobContext = await browser.newContext({ viewport });
	await countSwaps(bobContext);
	const bob = await newPage(bobContext);
	lastPage = page;
	await login(bob, 'bob', USERS.bob);
	await page.goto(URL + 'records/' + D);
	await bob.goto(URL + 'records/' + D);
	const vd = await bob.getAttribute('main#record', 'data-version');
	await page.click('li.field[data-field="notes"] button.start-edit');
	await page.fill('li.field[data-field="notes"] input.edit', 'Alice đã sửa');
	await loads(page, () => page.click('li.field[data-field="notes"] button.save'));
	eq('the first saves', await shownValue(page, 'notes'), 'Alice đã sửa');
	await bob.click('li.field[data-field="notes"] button.start-edit');
	await bob.fill('li.field[data-field="notes"] input.edit', 'Bob sửa');
	await bob.click('li.field[data-field="notes"] button.save');
	await bob.waitForSelector('#message.error');
	truthy('the second is refused with the conflict message',
		/thay đổi|changed/.test(await text(bob, '#message')));
	await shot(bob, 'review-conflict');
	eq('his page is left as it was', await bob.getAttribute('main#record', 'data-version'), vd);
	eq('his typing is kept for him', await bob.inputValue('li.field[data-field="notes"] input.edit'), 'Bob sửa');
	eq('the store keeps the first value', sql(`SELECT value FROM fields WHERE record_id = ${D} AND name = 'notes'`), 'Alice đã sửa');
	await bob.reload();
	eq('reloaded, he sees it', await shownValue(bob, 'notes'), 'Alice đã sửa');

	/* CSRF from the browser's side: a change from bob's session without the token */
	const before = version(D);
	const forged = await bobContext.request.post(URL + `records/${D}/approve`, {
		form: { version: String(before) }, headers: { Accept: 'application/json' }, maxRedirects: 0,
	});
	eq('a change without the CSRF token is forbidden', forged.status(), 403);
	const other = await bobContext.request.post(URL + `records/${D}/set`, {
		form: { version: String(before), field: 'notes', value: 'x',
			csrf: await page.getAttribute('meta[name=csrf]', 'content') },
		maxRedirects: 0,
	});
	eq('so is one with another session\'s token', other.status(), 403);
	eq('and nothing changed', version(D), before);

	/* --- without the script: the same work through plain forms ----------------------- */
	const plainContext = await browser.newContext({ viewport, javaScriptEnabled: false });
	const plain = await newPage(plainContext);
	await login(plain, 'bob', USERS.bob);
	const P = RECORDS[5];
	await plain.goto(URL + 'records/' + P + '?flag=LOW_CONFIDENCE');
	truthy('without the script the edit forms are there to use',
		await plain.isVisible('li.field[data-field="notes"] input.edit'));
	await plain.fill('li.field[data-field="notes"] input.edit', 'Sửa không cần script');
	await loads(plain, () => plain.click('li.field[data-field="notes"] button.save'));
	eq('a plain form saves and comes back to the record', await shownValue(plain, 'notes'), 'Sửa không cần script');
	truthy('in the same queue', plain.url().endsWith(`/records/${P}?flag=LOW_CONFIDENCE`));
	eq('with the message of the outcome', await plain.getAttribute('#message', 'class'), 'ok');
	await loads(plain, () => plain.click('button#approve'));
	eq('an approval with errors open is refused, saying why', await plain.getAttribute('#message', 'class'), 'error');
	eq('and the record still needs review', status(P), 'needs_review');
	await loads(plain, () => plain.click('button#reject'));
	eq('a rejection without a reason is refused', await plain.getAttribute('#message', 'class'), 'error');
	const openBefore = Number(sql(`SELECT count(*) FROM flags WHERE record_id = ${P} AND state = 'open'`));
	await loads(plain, () => plain.click('li.flag.open button.verify >> nth=0'));
	eq('a flag confirmed through its form', Number(sql(`SELECT count(*) FROM flags WHERE record_id = ${P} AND state = 'open'`)), openBefore - 1);
	await plain.fill('textarea#reason', 'Trùng với hồ sơ khác');
	await loads(plain, () => plain.click('button#reject'));
	eq('a rejection with its reason', await plain.getAttribute('#status', 'data-status'), 'rejected');
	await plain.goto(URL);
	await plain.selectOption('select#flag', 'LOW_CONFIDENCE');
	await loads(plain, () => plain.click('#filter-submit'));
	truthy('the filters work with their button', plain.url().includes('flag=LOW_CONFIDENCE'));
	await plainContext.close();
	lastPage = page;

	/* --- English ------------------------------------------------------------------------ */
	await loads(page, () => page.click('a#lang'));
	eq('the language switch', await page.getAttribute('html', 'lang'), 'en');
	truthy('labels keep the Vietnamese column title and add the field name',
		(await text(page, 'li.field[data-field="notes"] .label')).includes('notes'));
	await page.goto(URL);
	eq('the choice is remembered', await text(page, 'h1'), 'Records to review');
	await loads(page, () => page.click('a#lang'));
	eq('and switched back', await text(page, 'h1'), 'Hồ sơ cần xem lại');

	/* --- logout ------------------------------------------------------------------------ */
	const saved = (await alice.cookies()).find((c) => c.name === 'sohoa_session');
	await loads(page, () => page.click('form#logout button'));
	truthy('logout leads to the login form', page.url().endsWith('/login'));
	await page.goto(URL + 'records/' + A);
	truthy('pages are refused after logout', page.url().endsWith('/login'));
	const img = await page.request.get(URL + `img/${A}/row.png`);
	eq('images too', img.status(), 401);
	const replay = await browser.newContext();
	await replay.addCookies([saved]);
	const again = await replay.request.get(URL, { maxRedirects: 0 });
	eq('the old cookie opens nothing', again.status(), 303);
	await replay.close();

	eq('no dialog ever opened', dialogs, []);
	eq('no script error and no policy violation', problems, []);
	await bobContext.close();
	await alice.close();
	await browser.close();
})().catch(async (e) => {
	console.log('FAIL: ' + (e && e.message ? e.message : e));
	if (lastPage) {
		try {
			console.log('at ' + lastPage.url() + ', #message: ' +
				(await lastPage.textContent('#message', { timeout: 1000 })));
			await shot(lastPage, 'review-failure', { fullPage: true });
		} catch (err) { /* the page is gone */ }
	}
	if (problems.length)
		console.log('problems: ' + problems.join('; '));
	process.exit(1);
});
