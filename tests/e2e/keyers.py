#!/usr/bin/env python3
"""Keyers at work over HTTP, for tests/e2e/keying_truth.sh: each keyer takes the next entry
given to them (GET /key/next) and keys every field of it with the truth's text as the book
writes it (POST /key/save); an arbitrator settles the conflicts by picking the keying that
says what the truth says.

    keyers.py URL TRUTH.jsonl BATCH_DB USER:PASSWORD[:WRONG_FIELD]... --arbitrator USER:PASSWORD

A keyer given WRONG_FIELD types, for the first field of that name given to them, the truth's
text with its marks stripped (a misreading) — the disagreement the arbitrator settles.
Prints one line per outcome ("key alice 12 child.full_name accepted") and a last line
"keyed N, conflicts C, settled S, refused R".
"""
import http.cookiejar
import json
import re
import sqlite3
import sys
import unicodedata
import urllib.error
import urllib.parse
import urllib.request


class Session:
    def __init__(self, base, user, password):
        self.base = base.rstrip('/')
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.op.open(self.base + '/login').read().decode()
        token = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
        self.post('/login', {'user': user, 'password': password, 'csrf': token}, form=True)
        page = self.op.open(self.base + '/').read().decode()
        self.csrf = re.search(r'<meta name="csrf" content="([^"]*)"', page).group(1)

    def get(self, path):
        req = urllib.request.Request(self.base + path, headers={'Accept': 'application/json'})
        return json.loads(self.op.open(req).read())

    def post(self, path, data, form=False):
        if not form:
            data = dict(data, csrf=self.csrf)
        body = urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.base + path, data=body,
                                     headers={'Accept': 'application/json'})
        try:
            r = self.op.open(req)
            return r.status, (json.loads(r.read() or b'{}') if not form else None)
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, {'message': text.decode(errors='replace')}


def strip_marks(text):
    t = unicodedata.normalize('NFD', text)
    return ''.join(c for c in t if unicodedata.category(c) != 'Mn').replace('Đ', 'D').replace('đ', 'd')


def main():
    args = sys.argv[1:]
    url, truth_path, db_path = args[:3]
    keyers, arbitrator = [], None
    rest = args[3:]
    while rest:
        a = rest.pop(0)
        if a == '--arbitrator':
            arbitrator = rest.pop(0).split(':')
        else:
            keyers.append(a.split(':'))
    truth = {}
    for line in open(truth_path, encoding='utf-8'):
        if line.strip():
            t = json.loads(line)
            truth[(t['source']['file'], t['source']['page_index'], t['row'])] = t
    db = sqlite3.connect(db_path)
    where = {}
    for rid, path, page, row in db.execute(
            'SELECT r.id, sf.path, p.page_index, r.row FROM records r JOIN pages p ON '
            'p.id = r.page_id JOIN scan_files sf ON sf.id = p.scan_file_id'):
        where[rid] = (path.split('/')[-1], page, row)
    keyed = conflicts = settled = refused = 0
    for k in keyers:
        user, password = k[0], k[1]
        wrong = k[2] if len(k) > 2 else None
        s = Session(url, user, password)
        after = 0
        for _ in range(10000):
            e = s.get('/key/next' + ('?after=%d' % after if after else ''))
            if e.get('record') is None:
                break
            rid = e['record']
            t = truth[where[rid]]
            for f in e['fields']:
                raw = (t['fields'].get(f['name']) or {}).get('raw')
                text = '' if raw in (None, '-') else raw
                if wrong and f['name'] == wrong:
                    text = strip_marks(text)
                    wrong = None
                status, answer = s.post('/key/save', {'record': rid, 'field': f['name'],
                                                      'value': text, 'seconds': 3})
                outcome = (answer or {}).get('outcome', 'refused %d' % status)
                print('key %s %d %s %s' % (user, rid, f['name'], outcome))
                if status == 200:
                    keyed += 1
                    conflicts += outcome == 'conflict'
                else:
                    refused += 1
                    print('  refused: %s' % (answer or {}).get('message', ''), file=sys.stderr)
            after = rid
    if arbitrator:
        s = Session(url, arbitrator[0], arbitrator[1])
        for _ in range(1000):
            c = s.get('/key/conflicts')
            if not c.get('items'):
                break
            it = c['items'][0]
            t = truth[where[it['record']]]
            want = (t['fields'].get(it['field']) or {}).get('raw') or ''
            pick = next((k for k in it['keyings'] if k['typed'] == want), None)
            data = {'record': it['record'], 'field': it['field']}
            if pick:
                data['keying'] = pick['id']
            else:
                data['value'] = want
            status, _ = s.post('/key/arbitrate', data)
            print('arbitrate %s %d %s %d' % (arbitrator[0], it['record'], it['field'], status))
            settled += status == 200
            if status != 200:
                break
    print('keyed %d, conflicts %d, settled %d, refused %d' % (keyed, conflicts, settled, refused))


if __name__ == '__main__':
    main()
