/*
 * What the browser tests share: checks that print "ok: WHAT" on success (the stage scripts
 * count those lines) and throw otherwise, and the batch store read through the sqlite3 shell.
 */
'use strict';
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

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

/* A function giving one value of a query on the store of the batch BATCH (rows joined by
 * newlines, columns by '|'). */
function sqlOf(batch) {
	return (query) => execFileSync('sqlite3', ['-batch', path.join(batch, 'batch.db'), query],
		{ encoding: 'utf8' }).replace(/\n$/, '');
}

/* A new page of BROWSER signed in at URL as USER, its script errors and Content-Security-
 * Policy refusals pushed into PROBLEMS. */
async function signedInPage(browser, url, user, password, problems) {
	const page = await browser.newPage();
	page.on('pageerror', (e) => problems.push('script error: ' + e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()))
			problems.push('console: ' + m.text());
	});
	await page.goto(url + 'login');
	await page.fill('form#login input[name=user]', user);
	await page.fill('form#login input[name=password]', password);
	await Promise.all([page.waitForEvent('load'),
			   page.click('form#login button[type=submit]')]);
	return page;
}

module.exports = { ok, eq, truthy, sqlOf, signedInPage };
