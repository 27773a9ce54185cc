/*
 * Keying mode and arbitration (served as /static/keying.js on the /key pages), keyboard only.
 *
 * Keying (main#keying, section#entry): the keyer types what the book says in the active cell's
 * input (li.key-cell.active: its cell enlarged beside it) and sees, under it, the canonical value
 * it makes (the server's preview, GET /records/ID/preview, of the keyer's own text — never the
 * machine's reading). Enter saves (POST /key/save) and moves to the next cell; after the last
 * cell the next entry (GET /key?fragment=1&after=ID) replaces the section in place, no page
 * load. A refused value (not canonical) stays with the reason shown. The seconds spent on a
 * cell go with its keying; the keys pressed are counted on the section (data-keys) for the
 * keying benchmark.
 *
 * Arbitration (main#arbitration, section#conflict): 1 or 2 picks a keying; any other key
 * starts typing a third reading in #third, Enter saves it; the next conflict replaces the
 * section in place.
 *
 * Everything is bound on document, so swapped content needs nothing more; inputs marked
 * data-complete get what web/complete.js and web/vnkey.js bind on document too.
 */
'use strict';

(function () {
	const DELAY = 150;                 /* ms after the last key before asking for a preview */
	const timers = new WeakMap();
	const asked = new WeakMap();
	let cellStarted = performance.now();
	let busy = false;

	const $ = (sel, root) => (root || document).querySelector(sel);
	const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

	function csrf() {
		const m = $('meta[name="csrf"]');
		return m ? m.content : '';
	}

	function say(text, kind) {
		const m = $('#message');
		if (!m)
			return;
		m.textContent = text;
		m.className = kind;
		m.hidden = false;
	}

	function canonOf(input) {
		const li = input.closest('li.key-cell, section#conflict');
		return li ? $('output.key-canon', li) : null;
	}

	function showCanon(input, answer) {
		const out = canonOf(input);
		if (!out)
			return;
		const problems = Array.isArray(answer.problems) ? answer.problems : [];
		out.classList.toggle('error', !answer.ok);
		out.textContent = answer.ok ? String(answer.display || '') :
			problems.map((p) => String(p.message || '')).join(' ');
		if (answer.ok && problems.length)
			out.textContent += ' — ' + problems.map((p) => String(p.message || '')).join(' ');
		out.setAttribute('data-value', answer.ok && answer.value != null ? String(answer.value) : '');
	}

	async function preview(input) {
		const record = input.getAttribute('data-record');
		const field = input.getAttribute('data-field');
		if (!record || !field)
			return;
		const value = input.value;
		asked.set(input, value);
		if (value === '') {
			const out = canonOf(input);
			if (out) {
				out.textContent = '';
				out.classList.remove('error');
			}
			return;
		}
		const url = '/records/' + encodeURIComponent(record) + '/preview?field=' +
			encodeURIComponent(field) + '&value=' + encodeURIComponent(value) + '&lang=' +
			encodeURIComponent(document.documentElement.lang || 'vi');
		let answer;
		try {
			const r = await fetch(url, { headers: { Accept: 'application/json' },
						     credentials: 'same-origin' });
			answer = await r.json();
		} catch (e) {
			return;
		}
		if (asked.get(input) !== value || !input.isConnected)
			return;
		showCanon(input, answer);
	}

	async function post(url, fields) {
		const body = new URLSearchParams();
		body.set('csrf', csrf());
		for (const [k, v] of Object.entries(fields))
			body.set(k, v);
		const r = await fetch(url, { method: 'POST', body, credentials: 'same-origin',
					     headers: { Accept: 'application/json' } });
		let answer;
		try {
			answer = await r.json();
		} catch (e) {
			answer = { ok: false, message: r.status + ' ' + r.statusText };
		}
		answer.status = r.status;
		return answer;
	}

	async function fragment(url, selector) {
		const r = await fetch(url, { credentials: 'same-origin' });
		if (!r.ok)
			throw new Error(r.status + ' ' + r.statusText);
		const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
		const fresh = $(selector, doc);
		const old = $(selector);
		if (!fresh || !old)
			throw new Error('no ' + selector);
		old.replaceWith(document.adoptNode(fresh));
		document.dispatchEvent(new CustomEvent('sohoa:swap'));
		return fresh;
	}

	/* Keying ----------------------------------------------------------------------------- */

	function activate(li) {
		const entry = $('section#entry');
		if (!entry || !li)
			return;
		$$('li.key-cell', entry).forEach((c) => c.classList.toggle('active', c === li));
		const input = $('input.key-input', li);
		if (input) {
			input.focus();
			input.select();
		}
		cellStarted = performance.now();
	}

	async function nextEntry(after) {
		const fresh = await fragment('/key?fragment=1&after=' + encodeURIComponent(after),
					     'section#entry');
		activate($('li.key-cell', fresh));
	}

	async function save(input) {
		const li = input.closest('li.key-cell');
		const entry = $('section#entry');
		if (!li || !entry || busy)
			return;
		busy = true;
		const seconds = ((performance.now() - cellStarted) / 1000).toFixed(2);
		let answer;
		try {
			answer = await post('/key/save', {
				record: entry.getAttribute('data-record'),
				field: li.getAttribute('data-field'),
				value: input.value,
				seconds,
			});
		} catch (e) {
			busy = false;
			say(String(e.message || e), 'error');
			return;
		}
		busy = false;
		if (!answer.ok && answer.gone) {
			/* keyed enough by others meanwhile: nothing to do here, on to the next */
			li.setAttribute('data-outcome', 'gone');
			say(String(answer.message || ''), 'ok');
		}
		if (!answer.ok && !answer.gone) {
			const out = canonOf(input);
			if (out) {
				out.classList.add('error');
				out.textContent = String(answer.message || '');
			}
			li.setAttribute('data-refused', '1');
			return;
		}
		li.removeAttribute('data-refused');
		li.classList.add('saved');
		if (answer.ok)
			li.setAttribute('data-outcome', String(answer.outcome || ''));
		input.readOnly = true;
		const cells = $$('li.key-cell', entry);
		const i = cells.indexOf(li);
		const left = cells.slice(i + 1).concat(cells.slice(0, i))
			.find((c) => !c.classList.contains('saved'));
		if (left) {
			activate(left);
			return;
		}
		try {
			await nextEntry(entry.getAttribute('data-record'));
		} catch (e) {
			say(String(e.message || e), 'error');
		}
	}

	/* Arbitration ------------------------------------------------------------------------ */

	async function arbitrate(fields) {
		const c = $('section#conflict');
		if (!c || busy)
			return;
		busy = true;
		let answer;
		try {
			answer = await post('/key/arbitrate', Object.assign({
				record: c.getAttribute('data-record'),
				field: c.getAttribute('data-field'),
			}, fields));
		} catch (e) {
			answer = { ok: false, message: String(e.message || e) };
		}
		busy = false;
		if (!answer.ok) {
			say(String(answer.message || ''), 'error');
			return;
		}
		try {
			await fragment('/key/conflicts?fragment=1', 'section#conflict');
		} catch (e) {
			say(String(e.message || e), 'error');
		}
	}

	/* Keys ------------------------------------------------------------------------------- */

	/* on window: after the listeners on document (completion's Enter comes first) */
	window.addEventListener('keydown', (e) => {
		if (e.ctrlKey || e.metaKey || e.altKey)
			return;
		const t = e.target;
		const entry = $('section#entry');
		if (entry && !['Shift', 'CapsLock'].includes(e.key))
			entry.setAttribute('data-keys', String(Number(entry.getAttribute('data-keys') || 0) + 1));
		if (t instanceof HTMLInputElement && t.matches('section#entry input.key-input')) {
			if (e.key === 'Enter' && !e.defaultPrevented) {
				e.preventDefault();
				save(t);
			}
			return;
		}
		const conflict = $('section#conflict[data-field]');
		if (!conflict)
			return;
		const third = $('#third', conflict);
		if (t === third) {
			if (e.key === 'Enter' && !e.defaultPrevented) {
				e.preventDefault();
				arbitrate({ value: third.value });
			}
			return;
		}
		if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement)
			return;
		if (/^[1-9]$/.test(e.key)) {
			const li = $('li.keying[data-pick="' + e.key + '"]', conflict);
			if (li) {
				e.preventDefault();
				arbitrate({ keying: li.getAttribute('data-keying') });
			}
		} else if (e.key.length === 1 && third && e.key !== '?') {
			third.focus(); /* the key goes on into the box */
		}
	});

	document.addEventListener('click', (e) => {
		const b = e.target instanceof Element ? e.target.closest('section#conflict button[name="keying"]') : null;
		if (b) {
			e.preventDefault();
			arbitrate({ keying: b.value });
		}
	});

	document.addEventListener('submit', (e) => {
		if (e.target instanceof HTMLFormElement && e.target.matches('form.arbitrate'))
			e.preventDefault();
	});

	document.addEventListener('input', (e) => {
		const input = e.target;
		if (!(input instanceof HTMLInputElement) || !input.matches('input.key-input'))
			return;
		clearTimeout(timers.get(input));
		timers.set(input, setTimeout(() => preview(input), DELAY));
	});

	document.addEventListener('focusin', (e) => {
		const t = e.target;
		if (t instanceof HTMLInputElement && t.matches('section#entry input.key-input')) {
			const li = t.closest('li.key-cell');
			if (li && !li.classList.contains('active'))
				activate(li);
		}
	});

	function start() {
		const first = $('section#entry li.key-cell.active') || $('section#entry li.key-cell');
		if (first)
			activate(first);
	}
	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
