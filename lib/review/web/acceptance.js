/*
 * The checker's keys on the pages of batch acceptance (served as /static/acceptance.js):
 * d "đúng" records that the sampled record conforms, l "lỗi" goes to the note of a defect
 * (Enter there records it), n opens the next unchecked record. The forms work without it.
 */
(function () {
	'use strict';

	function typing(el) {
		var t = el && el.tagName;
		return t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT' ||
			(el && el.isContentEditable);
	}

	document.addEventListener('keydown', function (e) {
		if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target))
			return;
		var key = e.key;
		if (key === 'd' || key === 'đ') {
			var ok = document.getElementById('conforms');
			if (ok) {
				e.preventDefault();
				ok.click();
			}
		} else if (key === 'l') {
			var note = document.getElementById('note');
			if (note) {
				e.preventDefault();
				note.focus();
			}
		} else if (key === 'n') {
			var next = document.getElementById('next');
			if (next) {
				e.preventDefault();
				next.click();
			}
		}
	});
}());
