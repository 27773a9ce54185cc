/*
 * Values on the record page: while an archivist types in a field's edit box, what a save
 * would store ("sẽ lưu: 2019-01-26", or why it would be refused), asked of the server's
 * preview (GET /records/ID/preview?field=F&value=V) a moment after the last key; and every
 * <time datetime="…"> shown in the browser's own time zone. The page's content is swapped in
 * place by app.js (it dispatches 'sohoa:swap' on document), so nothing here is bound to an
 * element: one listener on document finds its field when an event comes.
 */
'use strict';

(function () {
	const DELAY = 150;             /* ms after the last key before asking */
	const timers = new WeakMap();  /* input -> pending timer */
	const asked = new WeakMap();   /* input -> the value last asked about */

	function recordId() {
		const main = document.querySelector('main#record');
		return main ? main.getAttribute('data-id') : null;
	}

	/* The preview line after the edit box INPUT, made when missing. */
	function previewOf(input) {
		let next = input.nextElementSibling;
		if (next && next.classList.contains('preview'))
			return next;
		next = document.createElement('div');
		next.className = 'preview';
		next.setAttribute('role', 'status');
		input.insertAdjacentElement('afterend', next);
		return next;
	}

	function show(input, answer) {
		const box = previewOf(input);
		const problems = Array.isArray(answer.problems) ? answer.problems : [];
		box.classList.toggle('error', !answer.ok);
		box.textContent = '';
		if (answer.ok && answer.display) {
			const line = document.createElement('span');
			line.className = 'will-save';
			line.textContent = answer.display;
			box.appendChild(line);
		}
		for (const p of problems) {
			const line = document.createElement('span');
			line.className = 'problem';
			line.setAttribute('data-code', String(p.code || ''));
			line.textContent = String(p.message || '');
			box.appendChild(line);
		}
	}

	async function ask(input) {
		const li = input.closest('li.field');
		const id = recordId();
		if (!li || !id)
			return;
		const value = input.value;
		asked.set(input, value);
		const url = '/records/' + encodeURIComponent(id) + '/preview?field=' +
			encodeURIComponent(li.getAttribute('data-field')) + '&value=' +
			encodeURIComponent(value) + '&lang=' +
			encodeURIComponent(document.documentElement.lang || 'vi');
		let answer;
		try {
			const r = await fetch(url, { headers: { Accept: 'application/json' },
						     credentials: 'same-origin' });
			answer = await r.json();
		} catch (e) {
			return; /* no preview: the save still says what it did */
		}
		/* an answer to an older value, or for a field swapped out meanwhile */
		if (asked.get(input) !== value || !input.isConnected)
			return;
		show(input, answer);
	}

	document.addEventListener('input', (ev) => {
		const input = ev.target;
		if (!(input instanceof HTMLInputElement) || !input.matches('li.field input.edit'))
			return;
		clearTimeout(timers.get(input));
		timers.set(input, setTimeout(() => ask(input), DELAY));
	});

	/* Times: the server writes its own local time; the browser's is the reader's. */
	function pad(n) {
		return String(n).padStart(2, '0');
	}
	function localTimes() {
		for (const t of document.querySelectorAll('time[datetime]')) {
			const d = new Date(t.getAttribute('datetime'));
			if (isNaN(d.getTime()))
				continue;
			t.textContent = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' +
				pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) +
				':' + pad(d.getSeconds());
			t.classList.add('local');
		}
	}
	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', localTimes);
	else
		localTimes();
	document.addEventListener('sohoa:swap', localTimes);
})();
