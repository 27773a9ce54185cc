/*
 * The review application's script (served as /static/app.js). Everything works without it
 * through plain forms; with it the archivist works from the keyboard: moving through the
 * queue and the fields, editing, confirming, approving and rejecting, each change sent with
 * fetch (asking for JSON) and the page then reloaded to show the new state. The data it needs
 * comes from data-* attributes and <meta name="csrf"> (no inline script: the page's
 * Content-Security-Policy forbids it).
 */
(function () {
	'use strict';

	document.documentElement.classList.add('js');

	var $ = function (sel, root) { return (root || document).querySelector(sel); };
	var $$ = function (sel, root) {
		return Array.prototype.slice.call((root || document).querySelectorAll(sel));
	};

	function typing(el) {
		if (!el || !el.tagName)
			return false;
		var t = el.tagName;
		return t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT' || el.isContentEditable;
	}

	/* focus on a control that Enter already activates (a link, a button) */
	function activatable(el) {
		return el && (el.tagName === 'A' || el.tagName === 'BUTTON');
	}

	/* The message of the last action: an error stays until dismissed (Esc, a click), a
	 * success goes by itself. */
	var messageTimer = null;
	function showMessage(text, kind) {
		var m = $('#message');
		if (!m)
			return;
		m.textContent = text;
		m.className = kind;
		m.hidden = false;
		clearTimeout(messageTimer);
		if (kind === 'ok')
			messageTimer = setTimeout(function () { m.hidden = true; }, 4000);
	}
	function hideMessage() {
		var m = $('#message');
		if (m)
			m.hidden = true;
	}
	var message = $('#message');
	if (message) {
		message.addEventListener('click', hideMessage);
		if (!message.hidden && message.className === 'ok')
			messageTimer = setTimeout(hideMessage, 4000);
	}

	function toggleShortcuts() {
		var s = $('#shortcuts');
		if (s)
			s.hidden = !s.hidden;
	}

	var help = $('#help');
	if (help)
		help.addEventListener('click', toggleShortcuts);

	/* Sends a change form with fetch; on success reloads the page (which shows the new
	 * version, status and flags); on a conflict or refusal shows the server's message and
	 * changes nothing. */
	var sending = false;
	function send(form) {
		if (sending)
			return;
		sending = true;
		var buttons = $$('button', form);
		buttons.forEach(function (b) { b.disabled = true; });
		var done = function () {
			sending = false;
			buttons.forEach(function (b) { b.disabled = false; });
		};
		fetch(form.action, {
			method: 'POST',
			credentials: 'same-origin',
			headers: { 'Accept': 'application/json' },
			body: new URLSearchParams(new FormData(form))
		}).then(function (r) {
			return r.json().catch(function () {
				return { ok: false, message: r.status + ' ' + r.statusText };
			});
		}).then(function (answer) {
			if (answer.ok) {
				rememberSelection();
				location.reload();
				return;
			}
			done();
			showMessage(answer.message || 'error', 'error');
		}).catch(function (err) {
			done();
			showMessage(String(err), 'error');
		});
	}

	/* The queue ---------------------------------------------------------------------- */

	var queue = $('#queue');
	var filters = $('#filters');
	if (filters) {
		$$('select', filters).forEach(function (s) {
			s.addEventListener('change', function () { filters.submit(); });
		});
	}
	var rows = queue ? $$('tbody tr[data-record]', queue) : [];
	var row = -1;

	function selectRow(i) {
		if (!rows.length)
			return;
		row = Math.max(0, Math.min(rows.length - 1, i));
		rows.forEach(function (r, j) { r.classList.toggle('selected', j === row); });
		rows[row].scrollIntoView({ block: 'nearest' });
	}

	function openRow(r) {
		var a = $('a', r);
		if (a)
			location.href = a.href;
	}

	rows.forEach(function (r, i) {
		r.addEventListener('click', function (e) {
			if (e.target.tagName === 'A')
				return;
			selectRow(i);
			openRow(r);
		});
	});

	/* The record --------------------------------------------------------------------- */

	var record = $('main#record');
	var fields = record ? $$('li.field', record) : [];
	var outlines = {};
	var field = -1;

	$$('.outline').forEach(function (o) {
		/* percentages of the row image, from the server */
		o.style.left = o.dataset.x + '%';
		o.style.top = o.dataset.y + '%';
		o.style.width = o.dataset.w + '%';
		o.style.height = o.dataset.h + '%';
		outlines[o.dataset.field] = o;
		o.addEventListener('click', function () {
			var i = fields.findIndex(function (li) {
				return li.dataset.field === o.dataset.field;
			});
			if (i >= 0)
				selectField(i, true);
		});
	});

	/* The row image: shown at 60% of its size (the row stays in view while the fields
	 * scroll), or whole with z. The outlines are in percentages and follow. */
	var rowImage = $('#row-image');
	var zoom = 0.6;
	try {
		zoom = parseFloat(localStorage.getItem('sohoa-zoom')) || 0.6;
	} catch (e) { /* no storage */ }
	function applyZoom() {
		if (!rowImage || !rowImage.naturalWidth)
			return;
		rowImage.style.width = Math.round(rowImage.naturalWidth * zoom) + 'px';
		if (field >= 0)
			stripTo(outlines[fields[field].dataset.field]);
	}
	function toggleZoom() {
		zoom = zoom < 0.9 ? 1 : 0.6;
		try {
			localStorage.setItem('sohoa-zoom', String(zoom));
		} catch (e) { /* no storage */ }
		applyZoom();
	}
	if (rowImage) {
		if (rowImage.complete)
			applyZoom();
		else
			rowImage.addEventListener('load', applyZoom);
	}

	/* A cell crop is cut from the cell's box, mostly paper: it is shown trimmed to its ink
	 * (the ruling lines left out), at 60% of the page's resolution. */
	var canTrim = window.CSS && CSS.supports('object-view-box', 'inset(1px)');
	function trimCell(img) {
		var w = img.naturalWidth, h = img.naturalHeight;
		if (!canTrim || !w || !h || w * h > 4000000)
			return;
		var c = document.createElement('canvas');
		c.width = w;
		c.height = h;
		var g = c.getContext('2d', { willReadFrequently: true });
		g.drawImage(img, 0, 0);
		var d = g.getImageData(0, 0, w, h).data;
		var dark = function (x, y) { return d[(y * w + x) * 4] < 150; };
		var rowInk = new Array(h).fill(0), colInk = new Array(w).fill(0), x, y;
		for (y = 0; y < h; y++)
			for (x = 0; x < w; x++)
				if (dark(x, y)) {
					rowInk[y]++;
					colInk[x]++;
				}
		/* ruling lines: rows or columns near an edge, mostly dark */
		var edge = 14;
		var lineRow = rowInk.map(function (n, i) {
			return (i < edge || i >= h - edge) && n > 0.6 * w;
		});
		var lineCol = colInk.map(function (n, i) {
			return (i < edge || i >= w - edge) && n > 0.6 * h;
		});
		var x0 = w, y0 = h, x1 = -1, y1 = -1;
		for (y = 0; y < h; y++) {
			if (lineRow[y] || (y > 0 && lineRow[y - 1]) || (y + 1 < h && lineRow[y + 1]))
				continue;
			for (x = 0; x < w; x++) {
				if (lineCol[x] || (x > 0 && lineCol[x - 1]) || (x + 1 < w && lineCol[x + 1]))
					continue;
				if (dark(x, y)) {
					if (x < x0) x0 = x;
					if (x > x1) x1 = x;
					if (y < y0) y0 = y;
					if (y > y1) y1 = y;
				}
			}
		}
		if (x1 < 0) {
			img.classList.add('blank');
			return;
		}
		/* a margin of paper around the ink, short of any ruling line */
		var m = 8, k;
		for (k = 0; k < m && x0 > 0 && !lineCol[x0 - 1]; k++)
			x0--;
		for (k = 0, x1++; k < m && x1 < w && !lineCol[x1]; k++)
			x1++;
		for (k = 0; k < m && y0 > 0 && !lineRow[y0 - 1]; k++)
			y0--;
		for (k = 0, y1++; k < m && y1 < h && !lineRow[y1]; k++)
			y1++;
		img.style.objectViewBox = 'inset(' + y0 + 'px ' + (w - x1) + 'px ' + (h - y1) + 'px ' +
			x0 + 'px)';
		var s = Math.min(0.6, 320 / (x1 - x0), 150 / (y1 - y0));
		img.style.width = Math.round((x1 - x0) * s) + 'px';
		img.style.height = Math.round((y1 - y0) * s) + 'px';
		img.classList.add('trimmed');
	}
	$$('img.cell').forEach(function (img) {
		if (img.complete)
			trimCell(img);
		else
			img.addEventListener('load', function () { trimCell(img); });
	});

	function stripTo(o) {
		var strip = $('.row-strip');
		if (!strip || !o)
			return;
		var left = o.offsetLeft, right = left + o.offsetWidth;
		if (left < strip.scrollLeft + 20 || right > strip.scrollLeft + strip.clientWidth - 20)
			strip.scrollLeft = Math.max(0, left - (strip.clientWidth - o.offsetWidth) / 2);
	}

	function selectField(i, scroll) {
		if (!fields.length)
			return;
		field = Math.max(0, Math.min(fields.length - 1, i));
		fields.forEach(function (li, j) { li.classList.toggle('selected', j === field); });
		Object.keys(outlines).forEach(function (name) {
			outlines[name].classList.toggle('selected',
				name === fields[field].dataset.field);
		});
		stripTo(outlines[fields[field].dataset.field]);
		if (scroll)
			fields[field].scrollIntoView({ block: 'nearest' });
	}

	function selectionKey() {
		return record ? 'sohoa-field-' + record.dataset.id : '';
	}

	function rememberSelection() {
		if (record && field >= 0) {
			try {
				sessionStorage.setItem(selectionKey(), fields[field].dataset.field);
			} catch (e) { /* private mode: no memory */ }
		}
	}

	function startEdit(li) {
		fields.forEach(function (other) {
			if (other !== li)
				cancelEdit(other);
		});
		li.classList.add('editing');
		var input = $('input.edit', li);
		if (input) {
			input.focus();
			input.select();
		}
	}

	function cancelEdit(li) {
		if (!li.classList.contains('editing'))
			return;
		var input = $('input.edit', li);
		if (input) {
			input.value = input.defaultValue;
			input.blur();
		}
		li.classList.remove('editing');
	}

	fields.forEach(function (li, i) {
		li.addEventListener('click', function (e) {
			if (typing(e.target) || activatable(e.target))
				return;
			selectField(i, false);
		});
		var start = $('button.start-edit', li);
		if (start)
			start.addEventListener('click', function () {
				selectField(i, false);
				startEdit(li);
			});
		var cancel = $('button.cancel', li);
		if (cancel)
			cancel.addEventListener('click', function () { cancelEdit(li); });
		var input = $('input.edit', li);
		if (input)
			input.addEventListener('keydown', function (e) {
				if (e.key === 'Escape') {
					e.preventDefault();
					e.stopPropagation();
					cancelEdit(li);
				}
			});
	});

	if (fields.length) {
		var wanted = null;
		try {
			wanted = sessionStorage.getItem(selectionKey());
			sessionStorage.removeItem(selectionKey());
		} catch (e) { /* no memory */ }
		var first = fields.findIndex(function (li) { return li.dataset.field === wanted; });
		if (first < 0)
			first = fields.findIndex(function (li) { return li.classList.contains('doubtful'); });
		selectField(first < 0 ? 0 : first, wanted !== null && first >= 0);
	}

	/* every change form goes through fetch */
	$$('form.edit, form.verify-form, #approve-form, #reject-form').forEach(function (f) {
		f.addEventListener('submit', function (e) {
			e.preventDefault();
			if (f.id === 'reject-form' && !$('#decide').classList.contains('rejecting')) {
				openReject();
				return;
			}
			var li = f.closest('li.field');
			if (li)
				selectField(fields.indexOf(li), false);
			send(f);
		});
	});

	function openReject() {
		var d = $('#decide');
		if (!d)
			return;
		d.classList.add('rejecting');
		$('#reason').focus();
	}

	function closeReject() {
		var d = $('#decide');
		if (!d)
			return;
		d.classList.remove('rejecting');
		$('#reason').blur();
	}

	var reason = $('#reason');
	if (reason)
		reason.addEventListener('keydown', function (e) {
			if (e.key === 'Enter' && !e.shiftKey) {
				e.preventDefault();
				$('#reject-form').requestSubmit();
			} else if (e.key === 'Escape') {
				e.preventDefault();
				e.stopPropagation();
				closeReject();
			}
		});

	function verify() {
		var li = fields[field];
		var ids = li && li.dataset.openFlags ? li.dataset.openFlags.split(' ').filter(Boolean) : [];
		var flag = ids.length ? $('li.flag[data-flag="' + ids[0] + '"]') : $('li.flag.open');
		var form = flag ? $('form.verify-form', flag) : null;
		if (form)
			form.requestSubmit();
	}

	function follow(id) {
		var a = document.getElementById(id);
		if (a && a.getAttribute('href'))
			location.href = a.href;
	}

	/* Keys ---------------------------------------------------------------------------- */

	document.addEventListener('keydown', function (e) {
		if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented)
			return;
		var target = e.target;
		if (e.key === 'Escape') {
			hideMessage();
			var s = $('#shortcuts');
			if (s && !s.hidden)
				s.hidden = true;
			fields.forEach(cancelEdit);
			closeReject();
			return;
		}
		if (typing(target))
			return;
		if (e.key === '?') {
			e.preventDefault();
			toggleShortcuts();
			return;
		}
		if (rows.length) {
			if (e.key === 'j' || e.key === 'ArrowDown') {
				e.preventDefault();
				selectRow(row + 1);
			} else if (e.key === 'k' || e.key === 'ArrowUp') {
				e.preventDefault();
				selectRow(row < 0 ? 0 : row - 1);
			} else if (e.key === 'Enter' && row >= 0 && !activatable(target)) {
				e.preventDefault();
				openRow(rows[row]);
			}
			return;
		}
		if (!record)
			return;
		switch (e.key) {
		case 'j':
		case 'ArrowDown':
			e.preventDefault();
			selectField(field + 1, true);
			break;
		case 'k':
		case 'ArrowUp':
			e.preventDefault();
			selectField(field - 1, true);
			break;
		case 'e':
		case 'Enter':
			if (activatable(target) || field < 0)
				return;
			e.preventDefault();
			startEdit(fields[field]);
			break;
		case 'v':
			e.preventDefault();
			verify();
			break;
		case 'a':
			e.preventDefault();
			$('#approve-form').requestSubmit();
			break;
		case 'r':
			e.preventDefault();
			openReject();
			break;
		case 'n':
			e.preventDefault();
			follow('next');
			break;
		case 'p':
			e.preventDefault();
			follow('prev');
			break;
		case 'z':
			e.preventDefault();
			toggleZoom();
			break;
		}
	});
})();
