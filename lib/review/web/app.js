/*
 * The review application's script (served as /static/app.js). Everything works without it
 * through plain forms; with it the archivist works from the keyboard and never waits for a
 * page load between records:
 *  - moving: Space / Shift+Space go to the next / previous doubtful field (after the last,
 *    to the next record), j / k to any field; a confirmed or corrected field moves on by
 *    itself to the next doubtful one;
 *  - changes are sent with fetch (asking for JSON); the record is then fetched again and
 *    swapped in place, and after an approval or a rejection the next record, fetched in the
 *    background while the archivist worked on this one, is swapped in (history follows, so
 *    Back works);
 *  - the time and the keys spent on a record go with its approval or rejection.
 * The data it needs comes from data-* attributes and <meta name="csrf"> (no inline script:
 * the page's Content-Security-Policy forbids it). After every swap it dispatches the event
 * 'sohoa:swap' on document for the other scripts of the page.
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

	function csrf() {
		var m = $('meta[name="csrf"]');
		return m ? m.content : '';
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

	function toggleShortcuts() {
		var s = $('#shortcuts');
		if (s)
			s.hidden = !s.hidden;
	}

	/* Pages without a load ------------------------------------------------------------- */

	/* the state of the page shown: set by bind() after a load or a swap */
	var queue = null, rows = [], row = -1;
	var record = null, fields = [], outlines = {}, field = -1;
	var shownAt = 0, keys = 0;     /* when the record was shown, keys pressed on it */
	var shownId = null;            /* the record they count for: a load that shows the same
	                                  record again (after a confirmation) goes on counting */
	var ahead = null;              /* the next record, fetched early: {url, at, html} */
	var loading = false;

	function sameOrigin(url) {
		try {
			return new URL(url, location.href).origin === location.origin;
		} catch (e) {
			return false;
		}
	}

	/* Puts the page HTML (answered for URL) in place of this one. */
	function swap(html, url, push) {
		var doc = new DOMParser().parseFromString(html, 'text/html');
		if (!doc.body || !$('header.top', doc)) {
			/* not one of our pages (a sign-in form after an expired session, an error
			 * page): load it for real */
			location.href = url;
			return false;
		}
		document.title = doc.title;
		var m = $('meta[name="csrf"]', doc);
		if (m && $('meta[name="csrf"]'))
			$('meta[name="csrf"]').content = m.content;
		document.body.className = doc.body.className;
		document.body.replaceChildren.apply(document.body,
			Array.prototype.slice.call(doc.body.childNodes));
		if (push)
			history.pushState({ sohoa: 1 }, '', url);
		window.scrollTo(0, 0);
		bind();
		document.dispatchEvent(new CustomEvent('sohoa:swap'));
		return true;
	}

	function fetchPage(url) {
		return fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
			.then(function (r) {
				if (r.redirected && /\/login$/.test(new URL(r.url).pathname))
					throw { login: r.url };
				return r.text().then(function (t) { return { html: t, url: r.url, ok: r.ok }; });
			});
	}

	/* Shows URL without a page load (a real load when anything goes wrong). */
	function go(url, push, after) {
		if (!sameOrigin(url)) {
			location.href = url;
			return;
		}
		if (loading)
			return;
		loading = true;
		fetchPage(url).then(function (got) {
			loading = false;
			if (swap(got.html, url, push) && after)
				after();
		}).catch(function () {
			loading = false;
			location.href = url;
		});
	}

	window.addEventListener('popstate', function () {
		go(location.href, false);
	});

	/* The next record, fetched (with its images) while this one is being worked on. Its
	 * page is asked for with peek=1: looking ahead does not claim it. */
	function peekUrl(url) {
		var u = new URL(url, location.href);
		u.searchParams.set('peek', '1');
		return u.toString();
	}
	function prefetch() {
		var a = document.getElementById('next');
		ahead = null;
		if (!record || !a || !a.getAttribute('href'))
			return;
		var entry = { url: a.href, at: Date.now(), html: null };
		ahead = entry;
		fetchPage(peekUrl(a.href)).then(function (got) {
			if (!got.ok || ahead !== entry)
				return;
			entry.html = got.html;
			/* warm the browser's cache with its images */
			var doc = new DOMParser().parseFromString(got.html, 'text/html');
			$$('img', doc).forEach(function (img) {
				var src = img.getAttribute('src');
				if (src)
					(new Image()).src = src;
			});
		}).catch(function () { /* it will be fetched when needed */ });
	}

	/* Claims the record shown from a page fetched ahead (a page fetched for itself claimed it
	 * already). A record someone else has taken meanwhile is fetched again to show who. */
	function claim() {
		if (!record)
			return;
		var body = new URLSearchParams();
		body.set('csrf', csrf());
		fetch('/records/' + record.dataset.id + '/claim', {
			method: 'POST', credentials: 'same-origin',
			headers: { 'Accept': 'application/json' }, body: body
		}).then(function (r) {
			if (r.status === 409)
				go(location.href, false);
		}).catch(function () { /* the claim is a courtesy: changes are checked anyway */ });
	}

	/* After an approval or a rejection: the next record, at once when it was fetched ahead
	 * (and fresh: a page older than 30 s is fetched again), else the queue. */
	function advance(message) {
		var a = document.getElementById('next');
		var show = function () {
			if (message)
				showMessage(message, 'ok');
		};
		if (ahead && ahead.html && a && ahead.url === a.href && Date.now() - ahead.at < 30000) {
			var html = ahead.html, url = ahead.url;
			ahead = null;
			if (swap(html, url, true)) {
				claim();
				show();
			}
			return;
		}
		if (a && a.getAttribute('href'))
			go(a.href, true, show);
		else
			go(($('#queue-link') || {}).href || '/', true, show);
	}

	/* Changes ------------------------------------------------------------------------------ */

	/* Sends a change form with fetch; on success shows the record's new state (or the next
	 * record after a decision) without a page load; on a conflict or refusal shows the
	 * server's message and changes nothing. */
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
		var body = new URLSearchParams(new FormData(form));
		var deciding = form.id === 'approve-form' || form.id === 'reject-form';
		if (deciding) {
			body.set('seconds', ((performance.now() - shownAt) / 1000).toFixed(1));
			body.set('keys', String(keys));
		}
		fetch(form.action, {
			method: 'POST',
			credentials: 'same-origin',
			headers: { 'Accept': 'application/json' },
			body: body
		}).then(function (r) {
			return r.json().catch(function () {
				return { ok: false, message: r.status + ' ' + r.statusText };
			});
		}).then(function (answer) {
			done();
			if (!answer.ok) {
				showMessage(answer.message || 'error', 'error');
				return;
			}
			if (deciding) {
				advance(answer.message);
				return;
			}
			rememberSelection(form.classList.contains('edit') ||
				form.classList.contains('verify-form') ||
				form.classList.contains('verify-all-form'));
			var message = answer.message;
			go(location.href, false, function () {
				if (message)
					showMessage(message, 'ok');
			});
		}).catch(function (err) {
			done();
			showMessage(String(err), 'error');
		});
	}

	/* The queue ---------------------------------------------------------------------------- */

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
			go(a.href, true);
	}

	/* The record --------------------------------------------------------------------------- */

	/* The row image: shown at 60% of its size (the row stays in view while the fields
	 * scroll), or whole with z. The outlines are in percentages and follow. */
	var zoom = 0.6;
	try {
		zoom = parseFloat(localStorage.getItem('sohoa-zoom')) || 0.6;
	} catch (e) { /* no storage */ }
	function applyZoom() {
		var img = $('#row-image');
		if (!img || !img.naturalWidth)
			return;
		img.style.width = Math.round(img.naturalWidth * zoom) + 'px';
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

	/* A cell crop is cut from the cell's box, mostly paper: it is shown trimmed to its ink
	 * (the ruling lines left out), at 60% of the page's resolution. The trimmed box is kept
	 * (data-trim) for the magnifier. */
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
		img.dataset.trim = [x0, y0, x1, y1].join(' ');
		var s = Math.min(0.6, 320 / (x1 - x0), 150 / (y1 - y0));
		img.style.width = Math.round((x1 - x0) * s) + 'px';
		img.style.height = Math.round((y1 - y0) * s) + 'px';
		img.classList.add('trimmed');
	}

	function stripTo(o) {
		var strip = $('.row-strip');
		if (!strip || !o)
			return;
		var left = o.offsetLeft, right = left + o.offsetWidth;
		if (left < strip.scrollLeft + 20 || right > strip.scrollLeft + strip.clientWidth - 20)
			strip.scrollLeft = Math.max(0, left - (strip.clientWidth - o.offsetWidth) / 2);
	}

	/* Selects field I; SCROLL: 'center' or 'nearest' brings it into view, false leaves the
	 * page where it is. */
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
			fields[field].scrollIntoView({ block: scroll === true ? 'nearest' : scroll });
		closeMagnifier();
	}

	function doubtful(i) {
		return i >= 0 && i < fields.length && fields[i].classList.contains('doubtful');
	}

	/* The next doubtful field after FROM in direction DIR (+1, -1), or -1. */
	function nextDoubtful(from, dir) {
		for (var i = from + dir; i >= 0 && i < fields.length; i += dir)
			if (doubtful(i))
				return i;
		return -1;
	}

	/* Space: the next doubtful field; after the last one of the record, the next record's
	 * first (its page selects it on arrival). */
	function moveDoubtful(dir) {
		var i = nextDoubtful(field, dir);
		if (i >= 0) {
			selectField(i, 'center');
			return;
		}
		if (dir > 0) {
			var a = document.getElementById('next');
			if (a && a.getAttribute('href'))
				advance(null);
			else if (record)
				showMessage(record.dataset.lastDoubt || '', 'ok');
		}
	}

	function selectionKey() {
		return record ? 'sohoa-field-' + record.dataset.id : '';
	}

	/* Keeps the selected field for the record shown next; with ADVANCE ('>' before the
	 * name) the next doubtful field is selected there unless this one is still doubtful. */
	function rememberSelection(adv) {
		if (record && field >= 0) {
			try {
				sessionStorage.setItem(selectionKey(),
					(adv ? '>' : '') + fields[field].dataset.field);
			} catch (e) { /* private mode: no memory */ }
		}
	}

	/* The decision in view and marked when no doubtful field is left. */
	function markReady() {
		var left = fields.some(function (li) { return li.classList.contains('doubtful'); });
		var b = $('#approve');
		if (b)
			b.classList.toggle('ready', !left);
		return !left;
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
		var r = $('#reason');
		if (r)
			r.blur();
	}

	/* A ready-made reason into the box, where it can still be edited before it is sent. */
	function pickReason(button) {
		var r = $('#reason');
		if (!r || !button)
			return;
		r.value = button.dataset.text || button.textContent.trim();
		r.focus();
		r.setSelectionRange(r.value.length, r.value.length);
	}

	/* v: confirms the open flag of the selected field, never another field's. A flag that
	 * names no field (the page's layout, a sequence) is confirmed by v once no doubtful field
	 * is left. */
	function verify(all) {
		var li = fields[field];
		var ids = li && li.dataset.openFlags ? li.dataset.openFlags.split(' ').filter(Boolean) : [];
		var flag = ids.length ? $('li.flag[data-flag="' + ids[0] + '"]') : null;
		if (!flag && !all && !fields.some(function (f) { return f.classList.contains('doubtful'); }))
			flag = $('li.flag.open.fieldless');
		var form = flag ? $(all ? 'form.verify-all-form' : 'form.verify-form', flag) : null;
		if (form) {
			form.requestSubmit();
			return;
		}
		if (!all || !flag)
			showMessage(record.dataset.noFlag || '', 'error');
	}

	/* m: the selected cell large, trimmed to its ink as in the list. */
	function closeMagnifier() {
		var m = $('#magnifier');
		if (m)
			m.remove();
	}
	function toggleMagnifier() {
		if ($('#magnifier')) {
			closeMagnifier();
			return;
		}
		var li = fields[field];
		var cell = li ? $('img.cell', li) : null;
		if (!cell)
			return;
		var box = document.createElement('div');
		box.id = 'magnifier';
		box.setAttribute('role', 'dialog');
		var img = document.createElement('img');
		img.src = cell.src;
		img.alt = cell.alt;
		var t = (cell.dataset.trim || '').split(' ').map(Number);
		var w = cell.naturalWidth, h = cell.naturalHeight;
		if (t.length === 4 && canTrim) {
			img.style.objectViewBox = cell.style.objectViewBox;
			w = t[2] - t[0];
			h = t[3] - t[1];
		}
		/* the page's own resolution, or more for a small cell; never wider than the screen */
		var s = Math.min(2, Math.max(1, 600 / w), (window.innerWidth * 0.88) / w);
		img.style.width = Math.round(w * s) + 'px';
		img.style.height = Math.round(h * s) + 'px';
		box.appendChild(img);
		box.addEventListener('click', closeMagnifier);
		document.body.appendChild(box);
	}

	/* g: the whole page, the row marked on it, scrolled to the row. */
	function togglePage() {
		var v = $('#page-view');
		if (!v)
			return;
		if (!v.hidden) {
			v.hidden = true;
			return;
		}
		closeMagnifier();
		v.hidden = false;
		var wrap = $('.page-wrap', v);
		var center = function () {
			var mark = $('.row-mark', v);
			if (mark)
				v.scrollTop = Math.max(0, mark.offsetTop - v.clientHeight / 2);
		};
		if (!wrap) {
			wrap = document.createElement('div');
			wrap.className = 'page-wrap';
			var img = document.createElement('img');
			img.src = v.dataset.src;
			img.alt = v.getAttribute('aria-label') || '';
			var mark = document.createElement('div');
			mark.className = 'row-mark';
			mark.style.left = v.dataset.x + '%';
			mark.style.top = v.dataset.y + '%';
			mark.style.width = v.dataset.w + '%';
			mark.style.height = v.dataset.h + '%';
			wrap.appendChild(img);
			wrap.appendChild(mark);
			v.appendChild(wrap);
			img.addEventListener('load', center);
			v.addEventListener('click', function () { v.hidden = true; });
		} else {
			center();
		}
	}

	function follow(id) {
		var a = document.getElementById(id);
		if (a && a.getAttribute('href'))
			go(a.href, true);
	}

	/* Binds the page shown (after a load or a swap). */
	function bind() {
		queue = $('#queue');
		rows = queue ? $$('tbody tr[data-record]', queue) : [];
		row = -1;
		record = $('main#record');
		fields = record ? $$('li.field', record) : [];
		outlines = {};
		field = -1;
		var id = record ? record.getAttribute('data-id') : null;
		if (id === null || id !== shownId) {
			shownAt = performance.now();
			keys = 0;
		}
		shownId = id;

		var message = $('#message');
		if (message && !message.hidden && message.className === 'ok') {
			clearTimeout(messageTimer);
			messageTimer = setTimeout(hideMessage, 4000);
		}
		var filters = $('#filters');
		if (filters)
			$$('select', filters).forEach(function (s) {
				s.addEventListener('change', function () { filters.submit(); });
			});
		rows.forEach(function (r, i) {
			r.addEventListener('click', function (e) {
				if (e.target.tagName === 'A')
					return;
				selectRow(i);
				openRow(r);
			});
		});

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
		var rowImage = $('#row-image');
		if (rowImage) {
			if (rowImage.complete)
				applyZoom();
			else
				rowImage.addEventListener('load', applyZoom);
		}
		$$('img.cell').forEach(function (img) {
			if (img.complete)
				trimCell(img);
			else
				img.addEventListener('load', function () { trimCell(img); });
		});

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

		/* every change form goes through fetch */
		$$('form.edit, form.verify-form, form.verify-all-form, #approve-form, #reject-form')
			.forEach(function (f) {
				f.addEventListener('submit', function (e) {
					e.preventDefault();
					if (f.id === 'reject-form' &&
					    !$('#decide').classList.contains('rejecting')) {
						openReject();
						return;
					}
					var li = f.closest('li.field');
					if (li)
						selectField(fields.indexOf(li), false);
					send(f);
				});
			});
		$$('button.reason-pick').forEach(function (b) {
			b.addEventListener('click', function () { pickReason(b); });
		});
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

		if (fields.length) {
			var wanted = null;
			try {
				wanted = sessionStorage.getItem(selectionKey());
				sessionStorage.removeItem(selectionKey());
			} catch (e) { /* no memory */ }
			var adv = wanted !== null && wanted.charAt(0) === '>';
			if (adv)
				wanted = wanted.slice(1);
			var first = fields.findIndex(function (li) { return li.dataset.field === wanted; });
			if (first >= 0 && adv && !doubtful(first)) {
				/* the field is settled: on to the next doubtful one (from the top after
				 * the last), or stay when none is left */
				var next = nextDoubtful(first, 1);
				if (next < 0)
					next = nextDoubtful(-1, 1);
				if (next >= 0)
					first = next;
			}
			if (first < 0)
				first = nextDoubtful(-1, 1);
			/* the selected field in view, the middle of the screen */
			selectField(first < 0 ? 0 : first, 'center');
			markReady();
		}
		prefetch();
	}

	/* Keys ----------------------------------------------------------------------------------- */

	document.addEventListener('keydown', function (e) {
		if (record && !/^(Shift|Control|Alt|Meta|CapsLock)$/.test(e.key))
			keys++;
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
			closeMagnifier();
			var v = $('#page-view');
			if (v)
				v.hidden = true;
			return;
		}
		/* 1–9 and 0 (the tenth) pick a ready-made reason while the rejection is open and its
		 * box still empty */
		if (/^[0-9]$/.test(e.key) && $('#decide.rejecting') &&
		    (!typing(target) || (target.id === 'reason' && !target.value))) {
			var picks = $$('#decide button.reason-pick');
			var b = picks[e.key === '0' ? 9 : Number(e.key) - 1];
			if (b) {
				e.preventDefault();
				pickReason(b);
			}
			return;
		}
		if (typing(target))
			return;
		if (e.key === '?') {
			e.preventDefault();
			toggleShortcuts();
			return;
		}
		if (queue) {
			if (e.key === 'j' || e.key === 'ArrowDown') {
				e.preventDefault();
				selectRow(row + 1);
			} else if (e.key === 'k' || e.key === 'ArrowUp') {
				e.preventDefault();
				selectRow(row < 0 ? 0 : row - 1);
			} else if (e.key === 'Enter' && rows.length && !activatable(target)) {
				/* before any move: the first record */
				e.preventDefault();
				openRow(rows[row < 0 ? 0 : row]);
			}
			return;
		}
		if (!record)
			return;
		switch (e.key) {
		case ' ':
			if (activatable(target))
				return;
			e.preventDefault();
			moveDoubtful(e.shiftKey ? -1 : 1);
			break;
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
			verify(false);
			break;
		case 'V':
			e.preventDefault();
			verify(true);
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
			if (document.getElementById('next'))
				advance(null);
			break;
		case 'p':
			e.preventDefault();
			follow('prev');
			break;
		case 'u':
			e.preventDefault();
			follow('queue-link');
			break;
		case 'z':
			e.preventDefault();
			toggleZoom();
			break;
		case 'm':
			e.preventDefault();
			toggleMagnifier();
			break;
		case 'g':
			e.preventDefault();
			togglePage();
			break;
		}
	});

	document.addEventListener('click', function (e) {
		if (e.target && e.target.id === 'help')
			toggleShortcuts();
		else if (e.target && e.target.id === 'message')
			hideMessage();
	});

	bind();
})();
