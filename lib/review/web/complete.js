/*
 * Completion from the reference lists under the inputs marked data-complete=KIND (name,
 * family, place, ethnicity, nationality, kinship; data-date=YYYY-MM-DD chooses the
 * administrative units in force then): a moment after a key the server is asked
 * (GET /complete?kind=K&q=TEXT&date=D) and what it offers is listed under the input
 * (role listbox; the input is its combobox). ArrowDown / ArrowUp move in the list, Tab takes
 * the item chosen (the first when none is), Enter takes the item chosen when one is, Escape
 * closes the list. An item taken replaces the input's text with the item's value, and the
 * input hears an 'input' event like any typing. While a question about its text is pending the
 * input is aria-busy. One set of listeners on document: content
 * swapped in place needs nothing more.
 */
'use strict';

(function () {
	const DELAY = 60;              /* ms after the last key before asking */
	let list = null;               /* the listbox, one for the page */
	let owner = null;              /* the input it belongs to */
	let items = [];                /* [{value, label, detail}] shown */
	let active = -1;
	let timer = null;
	let asked = 0;                 /* the number of the last question */
	let counter = 0;

	/* the kinds the server completes (review/complete.h); an input of another kind (a date)
	 * is left alone */
	const KINDS = ['name', 'family', 'place', 'ethnicity', 'nationality', 'kinship'];

	function marked(el) {
		return el && el.tagName === 'INPUT' &&
			KINDS.includes(el.getAttribute('data-complete'));
	}

	function ensureList() {
		/* a swap of the page's content may have taken it away */
		if (list && list.isConnected)
			return list;
		list = document.createElement('ul');
		list.id = 'complete-list';
		list.className = 'complete-list';
		list.setAttribute('role', 'listbox');
		list.hidden = true;
		const s = list.style;
		s.position = 'absolute';
		s.zIndex = '60';
		s.listStyle = 'none';
		s.margin = '0';
		s.padding = '0.1rem 0';
		s.background = 'Canvas';
		s.color = 'CanvasText';
		s.border = '1px solid GrayText';
		s.boxShadow = '0 2px 6px rgba(0, 0, 0, 0.25)';
		s.maxWidth = '40rem';
		list.addEventListener('mousedown', function (e) {
			const li = e.target.closest('li[role=option]');
			e.preventDefault();
			if (li)
				take(Number(li.getAttribute('data-index')));
		});
		document.body.appendChild(list);
		return list;
	}

	function close() {
		if (list)
			list.hidden = true;
		if (owner) {
			owner.setAttribute('aria-expanded', 'false');
			owner.removeAttribute('aria-activedescendant');
		}
		items = [];
		active = -1;
	}

	function mark() {
		if (!list)
			return;
		Array.from(list.children).forEach(function (li, i) {
			const on = i === active;
			li.setAttribute('aria-selected', on ? 'true' : 'false');
			li.style.background = on ? 'Highlight' : '';
			li.style.color = on ? 'HighlightText' : '';
		});
		if (owner) {
			if (active >= 0)
				owner.setAttribute('aria-activedescendant', 'complete-item-' + active);
			else
				owner.removeAttribute('aria-activedescendant');
		}
	}

	function show(input, got) {
		/* what the input holds already is no completion */
		items = got.filter(function (it) { return it.value !== input.value; });
		active = -1;
		if (!items.length || document.activeElement !== input) {
			close();
			return;
		}
		const l = ensureList();
		l.textContent = '';
		items.forEach(function (it, i) {
			const li = document.createElement('li');
			li.id = 'complete-item-' + i;
			li.setAttribute('role', 'option');
			li.setAttribute('data-index', String(i));
			li.setAttribute('data-value', it.value);
			li.style.padding = '0.1rem 0.6rem';
			li.style.cursor = 'pointer';
			const label = document.createElement('span');
			label.className = 'label';
			label.textContent = it.label;
			li.appendChild(label);
			if (it.detail) {
				const d = document.createElement('span');
				d.className = 'detail';
				d.style.opacity = '0.7';
				d.textContent = ' — ' + it.detail;
				li.appendChild(d);
			}
			l.appendChild(li);
		});
		const r = input.getBoundingClientRect();
		l.style.left = (r.left + window.scrollX) + 'px';
		l.style.top = (r.bottom + window.scrollY) + 'px';
		l.style.minWidth = r.width + 'px';
		l.hidden = false;
		owner = input;
		input.setAttribute('role', 'combobox');
		input.setAttribute('aria-autocomplete', 'list');
		input.setAttribute('aria-controls', l.id);
		input.setAttribute('aria-expanded', 'true');
		mark();
	}

	async function ask(input) {
		const n = ++counter;
		asked = n;
		const q = input.value;
		let url = '/complete?kind=' + encodeURIComponent(input.getAttribute('data-complete')) +
			'&q=' + encodeURIComponent(q);
		const date = input.getAttribute('data-date');
		if (date)
			url += '&date=' + encodeURIComponent(date);
		let got = [];
		try {
			const r = await fetch(url, { headers: { 'Accept': 'application/json' },
						     credentials: 'same-origin' });
			if (r.ok) {
				const body = await r.json();
				got = Array.isArray(body.items) ? body.items : [];
			}
		} catch (e) {
			got = [];
		}
		/* a later question, or other text since: this answer is stale */
		if (n !== asked || input.value !== q)
			return;
		input.removeAttribute('aria-busy');
		show(input, got);
	}

	function take(i) {
		const input = owner;
		const it = items[i];
		if (!input || !it)
			return;
		close();
		input.value = it.value;
		input.setSelectionRange(it.value.length, it.value.length);
		input.dispatchEvent(new InputEvent('input', { bubbles: true,
							      inputType: 'insertReplacementText' }));
	}

	document.addEventListener('input', function (e) {
		const input = e.target;
		if (!marked(input))
			return;
		clearTimeout(timer);
		if (!input.value.trim()) {
			asked = ++counter;
			input.removeAttribute('aria-busy');
			close();
			return;
		}
		input.setAttribute('aria-busy', 'true');
		timer = setTimeout(function () { ask(input); }, DELAY);
	});

	/* before the page's own keys (capture): the list's keys are the list's */
	document.addEventListener('keydown', function (e) {
		const input = e.target;
		if (!marked(input) || input !== owner || !list || list.hidden || !items.length)
			return;
		if (e.ctrlKey || e.altKey || e.metaKey)
			return;
		let used = true;
		if (e.key === 'ArrowDown')
			active = (active + 1) % items.length;
		else if (e.key === 'ArrowUp')
			active = active <= 0 ? items.length - 1 : active - 1;
		else if (e.key === 'Tab' && !e.shiftKey)
			take(active >= 0 ? active : 0);
		else if (e.key === 'Enter' && active >= 0)
			take(active);
		else if (e.key === 'Escape')
			close();
		else
			used = false;
		if (!used)
			return;
		e.preventDefault();
		e.stopImmediatePropagation();
		mark();
	}, true);

	document.addEventListener('focusout', function (e) {
		if (e.target === owner)
			close();
	});
	document.addEventListener('sohoa:swap', close);
})();
