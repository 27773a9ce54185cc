/*
 * Vietnamese typing built into the pages, for machines without an input method: Telex or VNI,
 * switched with F2 (Telex → VNI → off → Telex; a click on the badge does the same), shown in a
 * small badge at the bottom right, remembered in localStorage ("sohoa.vnkey"). It works in the
 * inputs marked data-vnkey; their value "telex" or "vni" is the mode of a browser that never
 * chose one, anything else leaves it off until chosen. One listener on document: content
 * swapped in place needs nothing more.
 *
 * Telex: aa ee oo → â ê ô; aw ow uw → ă ơ ư (uow → ươ); w alone → ư; dd → đ; s f r x j put
 * the tones sắc huyền hỏi ngã nặng, z takes it away. VNI: 1–5 the tones in that order, 6 the
 * circumflex, 7 the horn, 8 the breve, 9 đ, 0 takes the tone away. The same mark typed again
 * undoes it and writes the key (ass → as, a66 → a6, ww → w). Marks may come after the final
 * consonant (vieets → viết).
 *
 * Where the tone goes: on the vowel with a shape mark (the last one: ươ → ơ), else the middle
 * of three vowels, else the second of two when a consonant ends the syllable (hoàn, huỳnh), else
 * the first (mùa, tài) — oa, oe, uy without a final consonant included: Hòa, khỏe, Thúy, the
 * placement of the older rule that most of the registers' clerks and keyboards use; both
 * placements are one value for the project's matching keys (so_text_tone_key). The tone moves
 * when a letter typed changes the syllable (hòa + n → hoàn). "qu" and "gi" before a vowel are
 * consonants. Capitals are kept, the output is NFC.
 *
 * The pure core, vnkey.compose(word, key, mode), answers the word a key turns WORD into; it
 * is what node's tests call (module.exports).
 */
'use strict';

(function (root) {
	const TONED = {
		'a': 'aáàảãạ', 'â': 'âấầẩẫậ', 'ă': 'ăắằẳẵặ', 'e': 'eéèẻẽẹ', 'ê': 'êếềểễệ',
		'i': 'iíìỉĩị', 'o': 'oóòỏõọ', 'ô': 'ôốồổỗộ', 'ơ': 'ơớờởỡợ', 'u': 'uúùủũụ',
		'ư': 'ưứừửữự', 'y': 'yýỳỷỹỵ',
	};
	const BASE = { 'â': 'a', 'ă': 'a', 'ê': 'e', 'ô': 'o', 'ơ': 'o', 'ư': 'u' };
	const CIRCUMFLEX = { 'a': 'â', 'e': 'ê', 'o': 'ô' };
	const MODES = ['telex', 'vni', 'off'];

	/* A character as {v: its letter without tone (lower case), tone: 0..5, up: capital} for a
	 * vowel, {v: null} otherwise. */
	const VOWEL = new Map();
	for (const v of Object.keys(TONED))
		for (let t = 0; t < 6; t++)
			VOWEL.set(TONED[v][t], { v: v, tone: t });

	function parse(ch) {
		const low = ch.toLowerCase();
		const up = low !== ch;
		const hit = VOWEL.get(low);
		if (hit)
			return { ch: ch, v: hit.v, tone: hit.tone, up: up };
		return { ch: ch, v: null, tone: 0, up: up, low: low };
	}

	function render(c) {
		if (!c.v)
			return c.ch;
		const s = TONED[c.v][c.tone];
		return c.up ? s.toUpperCase() : s;
	}

	/* The vowels of the syllable: indices into CS of its last run of vowels, the onset's "qu"
	 * and "gi" left out; and whether a consonant follows them. */
	function nucleus(cs) {
		let end = cs.length;
		while (end > 0 && !cs[end - 1].v)
			end--;
		if (end === 0)
			return null;
		let start = end;
		while (start > 0 && cs[start - 1].v)
			start--;
		if (end - start > 1 && start > 0) {
			const before = cs[start - 1].low;
			const first = cs[start].v;
			if ((before === 'q' && first === 'u') || (before === 'g' && first === 'i'))
				start++;
		}
		const idx = [];
		for (let i = start; i < end; i++)
			idx.push(i);
		return { idx: idx, closed: end < cs.length };
	}

	function toneOf(cs) {
		for (const c of cs)
			if (c.v && c.tone)
				return c.tone;
		return 0;
	}

	/* The index of the vowel that carries the tone. */
	function toneSeat(cs, n) {
		const idx = n.idx;
		let shaped = -1;
		for (const i of idx)
			if (BASE[cs[i].v])
				shaped = i;
		if (shaped >= 0)
			return shaped;
		if (idx.length >= 3)
			return idx[1];
		if (idx.length === 2)
			return n.closed ? idx[1] : idx[0];
		return idx[0];
	}

	/* Puts TONE on the syllable of CS (0: none); false when it has no vowel. */
	function placeTone(cs, tone) {
		const n = nucleus(cs);
		if (!n)
			return false;
		for (const c of cs)
			if (c.v)
				c.tone = 0;
		cs[toneSeat(cs, n)].tone = tone;
		return true;
	}

	function withCase(ch, up) {
		return up ? ch.toUpperCase() : ch;
	}

	function appendKey(cs, key) {
		const tone = toneOf(cs);
		cs.push(parse(key));
		if (tone)
			placeTone(cs, tone);
	}

	/* The tone keys: 1..5, or 0 to take it away. */
	function tone(cs, key, t) {
		if (!nucleus(cs))
			return false;
		const now = toneOf(cs);
		if (t === 0) {
			if (!now)
				return false;
			placeTone(cs, 0);
			return true;
		}
		if (now === t) {           /* typed again: undone, the key written */
			placeTone(cs, 0);
			cs.push(parse(key));
			return true;
		}
		placeTone(cs, t);
		return true;
	}

	/* The circumflex on the last vowel of the nucleus whose letter is one of BASES. */
	function circumflex(cs, key, bases) {
		const n = nucleus(cs);
		if (!n)
			return false;
		for (let k = n.idx.length - 1; k >= 0; k--) {
			const c = cs[n.idx[k]];
			const base = BASE[c.v] || c.v;
			if (!bases.includes(base))
				continue;
			const tone = toneOf(cs);
			if (c.v === CIRCUMFLEX[base]) {
				c.v = base;
				cs.push(parse(key));
			} else {
				c.v = CIRCUMFLEX[base];
			}
			if (tone)
				placeTone(cs, tone);
			return true;
		}
		return false;
	}

	/* The horn (ư ơ, uo → ươ) or, with BREVE, the breve of a (ă). */
	function hornOrBreve(cs, key, telex, breveOnly) {
		const n = nucleus(cs);
		if (!n) {
			if (!telex)
				return false;
			cs.push({ ch: withCase('ư', key !== key.toLowerCase()), v: 'ư', tone: 0,
				  up: key !== key.toLowerCase() });
			return true;
		}
		const idx = n.idx;
		const base = (i) => BASE[cs[i].v] || cs[i].v;
		const tone = toneOf(cs);
		let targets = null, shapes = null;
		if (!breveOnly) {
			for (let k = 0; k + 1 < idx.length; k++)
				if (base(idx[k]) === 'u' && base(idx[k + 1]) === 'o') {
					targets = [idx[k], idx[k + 1]];
					shapes = ['ư', 'ơ'];
					break;
				}
		}
		if (!targets) {
			const find = (b, pred) => idx.find((i, k) => base(i) === b && pred(k));
			let i;
			if (telex || breveOnly) {
				/* a after u is uâ / ưa, no breve */
				i = find('a', (k) => k === 0 || base(idx[k - 1]) !== 'u');
				if (i !== undefined && (breveOnly || telex)) {
					targets = [i];
					shapes = ['ă'];
				}
			}
			if (!targets && !breveOnly) {
				i = find('o', () => true);
				if (i === undefined)
					i = find('u', () => true);
				if (i !== undefined) {
					targets = [i];
					shapes = [base(i) === 'o' ? 'ơ' : 'ư'];
				}
			}
		}
		if (!targets)
			return false;
		const done = targets.every((i, k) => cs[i].v === shapes[k]);
		if (done) {
			/* typed again: undone, the key written ("ww" alone: the key only) */
			if (telex && targets.length === 1 && idx.length === 1 &&
			    targets[0] === cs.length - 1 && cs[targets[0]].v === 'ư' &&
			    (targets[0] === 0 || !cs[targets[0] - 1].v) && cs[targets[0]].lone) {
				cs.pop();
				cs.push(parse(key));
				return true;
			}
			targets.forEach((i) => { cs[i].v = base(i); });
			cs.push(parse(key));
		} else {
			targets.forEach((i, k) => { cs[i].v = shapes[k]; });
		}
		if (tone)
			placeTone(cs, tone);
		return true;
	}

	/* d → đ on the first letter, undone by the same key again. */
	function stroke(cs, key) {
		if (!cs.length)
			return false;
		const c = cs[0];
		if (c.v || (c.low !== 'd' && c.low !== 'đ'))
			return false;
		if (c.low === 'd') {
			c.ch = withCase('đ', c.up);
			c.low = 'đ';
		} else {
			c.ch = withCase('d', c.up);
			c.low = 'd';
			cs.push(parse(key));
		}
		return true;
	}

	const TELEX_TONES = { s: 1, f: 2, r: 3, x: 4, j: 5, z: 0 };

	function apply(cs, key, mode) {
		const k = key.toLowerCase();
		if (mode === 'telex') {
			if (k in TELEX_TONES)
				return tone(cs, key, TELEX_TONES[k]);
			if (k === 'a' || k === 'e' || k === 'o')
				return circumflex(cs, key, [k]);
			if (k === 'w') {
				const lone = !nucleus(cs);
				const r = hornOrBreve(cs, key, true, false);
				if (r && lone)
					cs[cs.length - 1].lone = true;
				return r;
			}
			if (k === 'd')
				return stroke(cs, key);
			return false;
		}
		if (mode === 'vni') {
			if (k >= '0' && k <= '5')
				return tone(cs, key, Number(k));
			if (k === '6')
				return circumflex(cs, key, ['a', 'e', 'o']);
			if (k === '7')
				return hornOrBreve(cs, key, false, false);
			if (k === '8')
				return hornOrBreve(cs, key, false, true);
			if (k === '9')
				return stroke(cs, key);
		}
		return false;
	}

	/* The word that KEY (one character) turns WORD (the letters before the caret) into. */
	function compose(word, key, mode) {
		word = String(word || '').normalize('NFC');
		if (mode !== 'telex' && mode !== 'vni')
			return word + key;
		const cs = Array.from(word, parse);
		/* a lone ư made by w: remembered when the word is a single ư */
		if (cs.length === 1 && cs[0].v === 'ư' && mode === 'telex')
			cs[0].lone = true;
		if (!apply(cs, key, mode))
			appendKey(cs, key);
		return cs.map(render).join('').normalize('NFC');
	}

	/* Each key of TEXT through compose, word by word: what typing TEXT gives. */
	function type(text, mode) {
		let out = '';
		let word = '';
		for (const ch of Array.from(text)) {
			if (/[\p{L}]/u.test(ch) || (mode === 'vni' && /[0-9]/.test(ch) && word)) {
				word = compose(word, ch, mode);
			} else {
				out += word + ch;
				word = '';
			}
		}
		return out + word;
	}

	const api = { compose: compose, type: type, modes: MODES };
	if (typeof module === 'object' && module.exports)
		module.exports = api;
	if (root)
		root.vnkey = api;
	if (typeof document === 'undefined')
		return;

	/* The page ------------------------------------------------------------------------------ */

	const STORE = 'sohoa.vnkey';
	const NAMES = { telex: 'Telex', vni: 'VNI', off: null };
	let badge = null;

	function stored() {
		try {
			const m = window.localStorage.getItem(STORE);
			return MODES.includes(m) ? m : null;
		} catch (e) {
			return null;
		}
	}

	function mode() {
		const m = stored();
		if (m)
			return m;
		const first = document.querySelector('[data-vnkey]');
		const d = first ? first.getAttribute('data-vnkey') : '';
		return d === 'telex' || d === 'vni' ? d : 'off';
	}

	function english() {
		return document.documentElement.lang === 'en';
	}

	function showBadge() {
		if (!document.querySelector('[data-vnkey]')) {
			if (badge)
				badge.hidden = true;
			return;
		}
		if (!badge || !badge.isConnected) {
			badge = document.createElement('button');
			badge.type = 'button';
			badge.className = 'vnkey-badge quiet';
			badge.setAttribute('aria-live', 'polite');
			const s = badge.style;
			s.position = 'fixed';
			s.right = '0.5rem';
			s.bottom = '0.5rem';
			s.zIndex = '50';
			s.fontSize = '0.8rem';
			s.padding = '0.1rem 0.5rem';
			s.opacity = '0.85';
			badge.addEventListener('mousedown', (e) => e.preventDefault());
			badge.addEventListener('click', cycle);
			document.body.appendChild(badge);
		}
		const m = mode();
		badge.hidden = false;
		badge.setAttribute('data-mode', m);
		const name = NAMES[m] || (english() ? 'off' : 'tắt');
		badge.textContent = (english() ? 'Vietnamese typing: ' : 'Gõ tiếng Việt: ') + name +
			' (F2)';
		badge.title = english() ? 'F2: Telex → VNI → off' : 'F2: Telex → VNI → tắt';
	}

	function cycle() {
		const next = MODES[(MODES.indexOf(mode()) + 1) % MODES.length];
		try {
			window.localStorage.setItem(STORE, next);
		} catch (e) {
			/* the choice lasts for the page only */
		}
		showBadge();
	}

	function marked(el) {
		return el && el.tagName && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') &&
			el.hasAttribute('data-vnkey');
	}

	document.addEventListener('keydown', function (e) {
		if (e.key === 'F2' && !e.ctrlKey && !e.altKey && !e.metaKey &&
		    document.querySelector('[data-vnkey]')) {
			e.preventDefault();
			cycle();
			return;
		}
		const el = e.target;
		if (!marked(el) || e.ctrlKey || e.altKey || e.metaKey || e.isComposing ||
		    e.defaultPrevented || e.key.length === 0 || Array.from(e.key).length !== 1)
			return;
		const m = mode();
		if (m === 'off' || el.selectionStart !== el.selectionEnd)
			return;
		const caret = el.selectionStart;
		const before = el.value.slice(0, caret);
		const word = (before.match(/\p{L}+$/u) || [''])[0];
		const out = compose(word, e.key, m);
		if (out === word + e.key)
			return;   /* nothing composed: the key as the browser types it */
		e.preventDefault();
		el.setRangeText(out, caret - word.length, caret, 'end');
		el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText',
							   data: e.key }));
	}, true);

	document.addEventListener('sohoa:swap', showBadge);
	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', showBadge);
	else
		showBadge();
})(typeof window !== 'undefined' ? window : null);
