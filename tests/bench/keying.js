/*
 * The keyer script of tests/bench/keying (which makes the batch of handwritten entries,
 * starts the server and passes KEY_URL, KEY_BATCH, KEY_TRUTH, KEY_N, KEY_USER, CHROMIUM): on
 * the keying page, keyboard only, each cell keyed as the book writes it (the samples' ground
 * truth) with the pages' own Telex typing, and the completion from the lists taken whenever it
 * costs fewer keys than typing on (as a keyer glancing at the list would). Counts every key
 * pressed, the characters of the true values and the server's milliseconds (Server-Timing of
 * every answer) per entry, and ends with
 *
 *   keying: K keys per entry, C characters per entry, M ms server per entry
 *
 * With KEY_PLAN_ONLY=1 it only checks its typing plans against vnkey.js under node.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const top = path.join(__dirname, '..', '..');
const vnkey = require(path.join(top, 'lib', 'review', 'web', 'vnkey.js'));

/* Typing plans -------------------------------------------------------------------------------- */

const TONE_MARK = { '\u0301': 's', '\u0300': 'f', '\u0309': 'r', '\u0303': 'x', '\u0323': 'j' };
const SHAPE_KEY = { '\u0302': null /* circumflex: the vowel again */, '\u0306': 'w', '\u031b': 'w' };

/* A word's letters without marks, the keys that shape them after (in order), and its tone key:
 * Telex typed "free" (vieets, Beenf) — the letters first, so that completion can be asked
 * about the plain letters. */
function freeTelex(word) {
	let plain = '', shapes = '', tone = '';
	for (const ch of Array.from(word)) {
		if (ch === 'đ' || ch === 'Đ') {
			plain += ch === 'đ' ? 'd' : 'D';
			shapes += 'd';
			continue;
		}
		const d = ch.normalize('NFD');
		let base = d[0];
		for (const m of d.slice(1)) {
			if (TONE_MARK[m])
				tone = TONE_MARK[m];
			else if (m in SHAPE_KEY)
				shapes += SHAPE_KEY[m] || base.toLowerCase();
		}
		plain += base;
	}
	/* "uw…ow" is "…w" once for ươ */
	shapes = shapes.replace(/ww/, 'w');
	return plain + shapes + tone;
}

/* The keys of a word typed letter by letter, each key that the typing turned into a mark
 * typed twice (Khmerr → Khmer). */
function literal(word) {
	let cur = '', keys = '';
	for (const ch of Array.from(word)) {
		const next = vnkey.compose(cur, ch, 'telex');
		if (next === cur + ch) {
			keys += ch;
			cur = next;
			continue;
		}
		const again = vnkey.compose(next, ch, 'telex');
		keys += ch + ch;
		cur = again;
	}
	return keys;
}

/* TEXT without its marks, as typed on a keyboard with no Vietnamese at all. */
function unmarked(text) {
	return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd')
		.replace(/Đ/g, 'D');
}

/* The keys of a word letter by letter, a marked letter's keys right after its letter (ể: eer),
 * a key that the typing turned into a mark typed again (Dêr: Deerr). */
function stepwise(word) {
	let cur = '', keys = '';
	for (const ch of Array.from(word)) {
		const seq = /^[\x20-\x7e]$/.test(ch) ? ch : freeTelex(ch);
		for (const k of Array.from(seq)) {
			cur = vnkey.compose(cur, k, 'telex');
			keys += k;
		}
		if (!cur.endsWith(ch) && /^[\x20-\x7e]$/.test(ch)) {
			cur = vnkey.compose(cur, ch, 'telex');
			keys += ch;
		}
	}
	return keys;
}

/* The same text for the project's values: case, and where the tone sits, set aside. */
function toneKey(s) {
	const d = s.normalize('NFD');
	const tones = Array.from(d).filter((c) => TONE_MARK[c]).join('');
	return Array.from(d).filter((c) => !TONE_MARK[c]).join('').normalize('NFC') + '|' + tones;
}

/* The keys that type WORD (letters only) with Telex, the fewest that give it. */
function wordKeys(word) {
	const tries = [freeTelex(word), literal(word), stepwise(word)];
	let best = null;
	for (const k of tries) {
		const got = vnkey.type(k, 'telex');
		/* keys of the keyboard only: no letter with a mark of its own */
		if (/^[\x20-\x7e]*$/.test(k) && (got === word || toneKey(got) === toneKey(word)) &&
		    (!best || Array.from(k).length < Array.from(best).length))
			best = k;
	}
	return best;
}

/* The keys of a text: its words through wordKeys, anything else as it is. */
function textKeys(text) {
	let out = '';
	for (const part of text.match(/\p{L}+|[^\p{L}]+/gu) || []) {
		if (/^\p{L}/u.test(part)) {
			const k = wordKeys(part);
			if (k === null)
				return null;
			out += k;
		} else {
			out += part;
		}
	}
	return out;
}

function checkPlans() {
	const words = ['Nguyễn', 'Trần', 'Thị', 'Thảo', 'Đường', 'Hòa', 'Khmer', 'Phường',
		       'Bến', 'Nghé', 'Thành', 'phố', 'Hồ', 'Chí', 'Minh', 'Huỳnh', 'Quốc', 'người',
		       'Lưu', 'Khơ-me', 'Việt Nam', '12/03/2019', 'Ấp 3, Xã Tân Lập', 'Dêr', 'Khơme'];
	for (const w of words) {
		const k = textKeys(w);
		if (k === null || vnkey.type(k, 'telex') !== w)
			throw new Error(`no plan types ${w} (${k} gives ${k && vnkey.type(k, 'telex')})`);
	}
	console.log(`plans: ${words.length} texts typed as written`);
}

if (process.env.KEY_PLAN_ONLY) {
	checkPlans();
	if (process.env.KEY_TRUTH) {
		let bad = 0;
		for (const line of fs.readFileSync(process.env.KEY_TRUTH, 'utf8').split('\n')) {
			if (!line.trim())
				continue;
			for (const f of Object.values(JSON.parse(line).fields)) {
				const v = String(f.raw || '').replace(/\s+/g, ' ').trim();
				const k = textKeys(v);
				if (k === null || toneKey(vnkey.type(k, 'telex')) !== toneKey(v)) {
					console.log(`no plan: ${v} -> ${k}`);
					bad++;
				}
			}
		}
		console.log(`${bad} values without a plan`);
	}
	process.exit(0);
}

/* The keyer ----------------------------------------------------------------------------------- */

const { chromium } = require('playwright-core');
const URL = process.env.KEY_URL.replace(/\/?$/, '/');
const BATCH = process.env.KEY_BATCH;
const N = Number(process.env.KEY_N || 12);
const [USER, PASSWORD] = (process.env.KEY_USER || 'keyer:keyer-pass-1').split(/:(.*)/s);
const sql = require('../browser/lib.js').sqlOf(BATCH);

const truth = new Map();
for (const line of fs.readFileSync(process.env.KEY_TRUTH, 'utf8').split('\n'))
	if (line.trim()) {
		const t = JSON.parse(line);
		truth.set(t.record_id, t);
	}
function truthOf(id) {
	const [type, year, volume, auth, pageIndex, row] = sql(`SELECT b.type, b.year, b.volume,
		b.authority_code, p.page_index, r.row FROM records r JOIN books b ON b.id = r.book_id
		JOIN pages p ON p.id = r.page_id WHERE r.id = ${id}`).split('|');
	return truth.get(`${type}-${year}-${volume}-${auth}/p${pageIndex}/r${row}`);
}

/* The value a cell of the book shows for FIELD of the truth T: as written. */
function written(t, field) {
	const f = t && t.fields ? t.fields[field] : null;
	if (!f)
		return '';
	return String(f.raw !== undefined && f.raw !== null ? f.raw : f.value || '')
		.replace(/\s+/g, ' ').trim();
}

(async () => {
	checkPlans();
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
	/* the keyer chose Telex once, on an earlier day */
	await context.addInitScript(() => {
		try {
			window.localStorage.setItem('sohoa.vnkey', 'telex');
		} catch (e) { /* none */ }
	});
	const page = await context.newPage();
	let serverMs = 0, keys = 0, chars = 0, taken = 0, typedCells = 0, accepted = 0;
	let refusals = 0, unmarkedCells = 0, left = 0;
	const byKind = new Map();
	page.on('response', (r) => {
		const m = /app;dur=([0-9.]+)/.exec(r.headers()['server-timing'] || '');
		if (m)
			serverMs += Number(m[1]);
	});

	await page.goto(URL + 'login');
	await page.fill('form#login input[name=user]', USER);
	await page.fill('form#login input[name=password]', PASSWORD);
	await Promise.all([page.waitForEvent('load'), page.click('form#login button[type=submit]')]);
	serverMs = 0;
	await page.goto(URL + 'key');

	async function press(key) {
		keys++;
		await page.keyboard.press(key);
	}
	async function typeKeys(s) {
		for (const ch of Array.from(s))
			await press(ch);
	}
	/* The list under the focused input once the server answered its text. */
	async function optionsNow() {
		await page.waitForTimeout(70);
		for (let i = 0; i < 40; i++) {
			const state = await page.evaluate(() => {
				const l = document.querySelector('#complete-list');
				const input = document.activeElement;
				return { open: !!(l && !l.hidden),
					 busy: !!(input && input.getAttribute('aria-busy') === 'true'),
					 values: l && !l.hidden ? Array.from(l.querySelectorAll('li[role=option]'),
						(li) => li.dataset.value) : [],
					 text: input ? input.value : '' };
			});
			if (!state.busy)
				return state.values;
			await page.waitForTimeout(20);
		}
		return [];
	}
	/* Takes the option OPTS[I]: Tab alone for the first. */
	async function take(i) {
		for (let k = 0; i > 0 && k <= i; k++)
			await press('ArrowDown');
		await press('Tab');
		taken++;
	}

	/* Types SEG (one word of a name, one unit of a place, a whole short value) after HEAD,
	 * the input's text so far, asking the list as the plain letters go. */
	async function keySegment(head, seg, lead, kindful, telex) {
		const want = head + lead + seg;
		await typeKeys(lead);
		/* without the built-in typing the marks cannot be typed: the letters alone */
		const plan = telex ? textKeys(seg) : null;
		const letters = Array.from(plan !== null ? plan : unmarked(seg));
		if (!kindful) {
			await typeKeys(letters.join(''));
			return;
		}
		let typed = 0;
		while (typed < letters.length) {
			await press(letters[typed]);
			typed++;
			/* a glance at the list now and then, as the letters go */
			if (![2, 3, 4, 6, 8, 11, 15, 20].includes(typed) || typed === letters.length)
				continue;
			const opts = await optionsNow();
			const i = opts.findIndex((v) => toneKey(v) === toneKey(want));
			/* Tab takes the first; another is ArrowDown to it, then Tab */
			const cost = i < 0 ? Infinity : i === 0 ? 1 : i + 2;
			if (cost < letters.length - typed) {
				await take(i);
				return;
			}
		}
	}

	async function keyCell(input, field, kind, value, retyped) {
		if (!retyped)
			chars += Array.from(value).length;
		const keysBefore = keys;
		const complete = await input.getAttribute('data-complete');
		const telex = (await input.getAttribute('data-vnkey')) !== null;
		const kindful = ['name', 'family', 'place', 'ethnicity', 'nationality', 'kinship']
			.includes(complete);
		let head = '';
		if (kindful && (complete === 'name' || complete === 'family')) {
			const words = value.split(' ');
			for (let w = 0; w < words.length; w++) {
				await keySegment(head, words[w], w ? ' ' : '', true, telex);
				head += (w ? ' ' : '') + words[w];
			}
		} else if (kindful && complete === 'place') {
			const units = value.split(', ');
			for (let u = 0; u < units.length; u++) {
				await keySegment(head, units[u], u ? ', ' : '', true, telex);
				head += (u ? ', ' : '') + units[u];
			}
		} else {
			await keySegment('', value, '', kindful, telex);
		}
		typedCells++;
		const got = await input.inputValue();
		if (toneKey(got) !== toneKey(telex ? value : unmarked(value)))
			console.error(`note: ${field} keyed "${got}", the book says "${value}"`);
		else if (!telex)
			unmarkedCells++;
		const k = byKind.get(kind) || { keys: 0, chars: 0, cells: 0 };
		k.keys += keys - keysBefore;
		k.chars += retyped ? 0 : Array.from(value).length;
		k.cells++;
		byKind.set(kind, k);
	}

	let entries = 0;
	const start = Date.now();
	while (entries < N) {
		const section = await page.$('section#entry');
		const id = section ? Number(await section.getAttribute('data-record')) : 0;
		if (!id)
			break;
		const t = truthOf(id);
		const cells = await page.$$('section#entry li.key-cell');
		for (let c = 0; c < cells.length; c++) {
			const field = await cells[c].getAttribute('data-field');
			const kind = await cells[c].getAttribute('data-kind');
			const input = await cells[c].$('input.key-input');
			const value = written(t, field);
			await input.focus();
			await keyCell(input, field, kind, value);
			const saved = page.waitForResponse((r) => r.url().includes('/key/save'));
			await press('Enter');
			byKind.get(await cells[c].getAttribute('data-kind')).keys++;
			let r = await saved;
			if (!r.ok()) {
				refusals++;
				console.error(`note: ${field} "${await input.inputValue()}" refused: ` +
					      `${r.status()} ${(await r.text()).slice(0, 200)}`);
				/* as the message asks: the canonical value in full instead */
				const canon = t && t.fields[field] ? String(t.fields[field].value || '') : '';
				if (canon && r.status() === 422) {
					await press('Control+A');
					await keyCell(input, field, kind, canon, true);
					const again = page.waitForResponse((x) => x.url().includes('/key/save'));
					await press('Enter');
					r = await again;
				}
			}
			if (r.ok())
				accepted++;
		}
		entries++;
		/* the next entry swapped in; when a cell stayed refused, the keyer leaves the entry */
		let moved = false;
		for (let i = 0; i < 200 && !moved; i++) {
			const s = await page.$('section#entry');
			moved = (s ? await s.getAttribute('data-record') : '') !== String(id);
			if (!moved)
				await page.waitForTimeout(25);
		}
		if (!moved) {
			left++;
			await page.goto(URL + 'key?after=' + id);
		}
	}
	const per = (x) => (x / Math.max(entries, 1));
	console.log(`entries: ${entries} keyed, ${typedCells} cells, ${accepted} saves answered ok, ` +
		    `${taken} completions taken, ${((Date.now() - start) / 1000).toFixed(0)} s`);
	for (const [kind, k] of [...byKind.entries()].sort())
		console.log(`  ${kind}: ${k.cells} cells, ${k.keys} keys (Enter included) for ${k.chars} ` +
			    `characters`);
	if (refusals || left)
		console.log(`refused: ${refusals} cells (then keyed with their canonical value), ` +
			    `${left} entries left with a cell refused`);
	if (unmarkedCells)
		console.log(`cells typed without marks (no Vietnamese typing on their input): ${unmarkedCells}`);
	console.log(`keys: ${keys} for ${chars} characters of the true values ` +
		    `(${(keys / Math.max(chars, 1)).toFixed(2)} keys per character)`);
	console.log(`keying: ${per(keys).toFixed(1)} keys per entry, ${per(chars).toFixed(1)} characters ` +
		    `per entry, ${per(serverMs).toFixed(0)} ms server per entry`);
	await browser.close();
})().catch((e) => {
	console.error('keying bench: ' + (e && e.stack || e));
	process.exit(1);
});
