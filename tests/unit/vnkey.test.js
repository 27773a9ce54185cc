/*
 * The core of the pages' Vietnamese typing (lib/review/web/vnkey.js) under node: each key
 * sequence typed through vnkey.compose, one key at a time, gives the word expected, in NFC,
 * capitals kept. Prints "ok: N words" and exits 0; the first wrong word ends it with exit 1.
 *
 *   node tests/unit/vnkey.test.js SOURCE_ROOT
 */
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');

const root = path.resolve(process.argv[2] || path.join(__dirname, '..', '..'));
const vnkey = require(path.join(root, 'lib', 'review', 'web', 'vnkey.js'));

/* Keys typed one by one into an empty word, through compose only. */
function typed(keys, mode) {
	let w = '';
	for (const k of Array.from(keys))
		w = vnkey.compose(w, k, mode);
	return w;
}

const telex = [
	['nguyeenx', 'nguyễn'], ['dduwowngf', 'đường'], ['NGUYEENX', 'NGUYỄN'],
	['Nguyeenx', 'Nguyễn'], ['traanf', 'trần'], ['Lee', 'Lê'], ['phamj', 'phạm'],
	['hoangf', 'hoàng'], ['huyfnh', 'huỳnh'], ['Huyfnh', 'Huỳnh'], ['vux', 'vũ'],
	['vox', 'võ'], ['voox', 'vỗ'], ['ddawngj', 'đặng'], ['buif', 'bùi'], ['ddoox', 'đỗ'], ['hoof', 'hồ'],
	['ngoo', 'ngô'], ['duwowng', 'dương'], ['lys', 'lý'], ['thij', 'thị'], ['vawn', 'văn'],
	['hoaf', 'hòa'], ['Hoaf', 'Hòa'], ['hoafn', 'hoàn'], ['toans', 'toán'], ['thuyr', 'thủy'],
	['thuys', 'thúy'], ['khoer', 'khỏe'], ['muaf', 'mùa'], ['muwa', 'mưa'], ['cuar', 'của'],
	['quaf', 'quà'], ['quoocs', 'quốc'], ['giuwxa', 'giữa'], ['gif', 'gì'], ['giaf', 'già'],
	['tuoiws', 'tưới'], ['nguowif', 'người'], ['ruwowuj', 'rượu'], ['cuwus', 'cứu'],
	['hoawcj', 'hoặc'], ['vieets', 'viết'], ['vieejt', 'việt'], ['tieengs', 'tiếng'],
	['yeeu', 'yêu'], ['khuyur', 'khuỷu'], ['ngoaif', 'ngoài'], ['thuees', 'thuế'],
	['xuaan', 'xuân'], ['tuaanf', 'tuần'], ['Trwowngf', 'Trường'], ['tw', 'tư'],
	['w', 'ư'], ['W', 'Ư'], ['ddinhf', 'đình'], ['DDinhf', 'Đình'], ['DDINHF', 'ĐÌNH'],
	['ass', 'as'], ['aa', 'â'], ['aaa', 'aa'], ['aww', 'aw'], ['ww', 'w'], ['ddd', 'dd'],
	['asz', 'a'], ['az', 'az'], ['asf', 'à'], ['khanhs', 'khánh'], ['Khanhs', 'Khánh'],
	['oanhf', 'oành'], ['hoaxng', 'hoãng'], ['truowngf', 'trường'], ['thuowr', 'thưở'],
	['Bichs', 'Bích'], ['Ngocj', 'Ngọc'], ['Thaor', 'Thảo'], ['Duyeen', 'Duyên'],
	['Xuaan', 'Xuân'], ['Kieeuf', 'Kiều'], ['Haf', 'Hà'], ['Nooij', 'Nội'],
];
const vni = [
	['nguye6n4', 'nguyễn'], ['Hoa2', 'Hòa'], ['hoa2n', 'hoàn'], ['d9u7o7ng2', 'đường'],
	['D9u7o7ng2', 'Đường'], ['Tra6n2', 'Trần'], ['tra62n', 'trần'], ['Le6', 'Lê'],
	['Pha5m', 'Phạm'], ['hoa8c5', 'hoặc'], ['nguo7i2', 'người'], ['qua2', 'quà'],
	['quo6c1', 'quốc'], ['a66', 'a6'], ['a11', 'a1'], ['a10', 'a'], ['d99', 'd9'],
	['u7', 'ư'], ['o7', 'ơ'], ['a8', 'ă'], ['thuy3', 'thủy'], ['Vie6t5', 'Việt'],
	['mu7a', 'mưa'], ['ru7o7u5', 'rượu'], ['gi4u7a', 'giữa'],
];

let n = 0;
for (const [mode, list] of [['telex', telex], ['vni', vni]]) {
	for (const [keys, want] of list) {
		const got = typed(keys, mode);
		assert.equal(got, want, `${mode} ${keys}: ${got} (want ${want})`);
		assert.equal(got, got.normalize('NFC'), `${mode} ${keys}: not NFC`);
		n++;
	}
}

/* off: every key as typed */
assert.equal(typed('nguyeenx', 'off'), 'nguyeenx');
/* a word that came decomposed (NFD) is composed first */
assert.equal(vnkey.compose('nguyê'.normalize('NFD'), 'x', 'telex'), 'nguyễ');
/* a whole name, word by word, with the spaces */
assert.equal(vnkey.type('Nguyeenx Thij Thanh Huwowng', 'telex'), 'Nguyễn Thị Thanh Hương');
assert.equal(vnkey.type('Tra6n2 Va8n Hu2ng', 'vni'), 'Trần Văn Hùng');
/* keys that shape nothing in a word without the vowel: as typed */
assert.equal(vnkey.compose('tr', 'a', 'telex'), 'tra');
assert.equal(vnkey.compose('', 's', 'telex'), 's');
assert.equal(vnkey.compose('', '6', 'vni'), '6');
console.log(`ok: ${n + 7} words`);
