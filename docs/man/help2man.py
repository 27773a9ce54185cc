#!/usr/bin/env python3
"""Writes a man page (roff) from a program's --help text, so the page says what --help says.

    help2man.py PROGRAM NAME SECTION OUT [FRONT]

PROGRAM is run with --help (and --version); NAME is the page's name (sohoa-ocr). The one line
after NAME is the stage's line in `FRONT --help` (the sohoa front command's list of stages)
when FRONT is given and lists it, else the first sentence of the description.

The help text is read as the sohoa programs write it: "usage:" lines, then paragraphs
separated by blank lines; a line indented by two spaces that begins with "-" starts an
option (its description follows after two or more spaces, continued on lines indented
further); other indented lines are kept as they are (examples, lists); a paragraph that
begins "Exit:" is the exit status.
"""
import datetime
import os
import re
import subprocess
import sys


def roff(text):
    """Text escaped for roff: backslashes, leading dots and quotes, hyphens of options."""
    text = text.replace('\\', '\\e')
    text = re.sub(r'(?<![\w])-', r'\\-', text)
    if text.startswith(('.', "'")):
        text = '\\&' + text
    return text


def paragraphs(lines):
    block = []
    for line in lines:
        if line.strip():
            block.append(line.rstrip())
        elif block:
            yield block
            block = []
    if block:
        yield block


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    program, name, section, out = sys.argv[1:5]
    env = dict(os.environ, LC_ALL='C.UTF-8', COLUMNS='200')
    summary = None
    if len(sys.argv) > 5 and name.startswith('sohoa-'):
        front = subprocess.run([sys.argv[5], '--help'], capture_output=True, text=True,
                               env=env).stdout
        m = re.search(r'^ {2}%s\s{2,}(.+)$' % re.escape(name[len('sohoa-'):]), front, re.M)
        summary = m.group(1).strip() if m else None
    text = subprocess.run([program, '--help'], capture_output=True, text=True, env=env,
                          check=True).stdout
    version = subprocess.run([program, '--version'], capture_output=True, text=True,
                             env=env).stdout.split('\n')[0].strip()
    lines = text.split('\n')
    usage = []
    while lines and (lines[0].startswith('usage:') or (usage and lines[0].startswith(' '))):
        usage.append(lines.pop(0))
    blocks = list(paragraphs(lines))
    if summary is None:
        first = next((b for b in blocks if not b[0].startswith(' ')), [''])
        joined = ' '.join(l.strip() for l in first)
        summary = re.split(r'(?<=[.:;])\s', joined)[0].rstrip('.:;')
        summary = summary[0].lower() + summary[1:] if summary else name
    date = datetime.datetime.fromtimestamp(
        int(os.environ.get('SOURCE_DATE_EPOCH', '0')) or os.path.getmtime(program),
        datetime.timezone.utc).strftime('%Y-%m-%d')
    o = []
    o.append('.TH %s %s "%s" "%s" "sohoa"' % (name.upper(), section, date, version or 'sohoa'))
    o.append('.SH NAME')
    o.append('%s \\- %s' % (roff(name), roff(summary)))
    o.append('.SH SYNOPSIS')
    o.append('.nf')
    for u in usage:
        o.append(roff(re.sub(r'^usage:\s*', '', u).rstrip() if u.startswith('usage:')
                      else u.strip()))
    o.append('.fi')
    o.append('.SH DESCRIPTION')
    for b in blocks:
        if b[0].startswith('Exit:'):
            o.append('.SH "EXIT STATUS"')
            o.append(roff(' '.join(l.strip() for l in b)[len('Exit:'):].strip()))
            continue
        if re.match(r'^ {2,}-', b[0]):
            for l in b:
                m = re.match(r'^ {2,}(-\S.*?)(?: {2,}(.*))?$', l)
                if m and not l.startswith('      '):
                    o.append('.TP')
                    o.append('.B ' + roff(m.group(1).strip()))
                    if m.group(2):
                        o.append(roff(m.group(2).strip()))
                else:
                    o.append(roff(l.strip()))
            continue
        if b[0].startswith(' '):
            o.append('.PP')
            o.append('.nf')
            o.extend(roff(l) for l in b)
            o.append('.fi')
            continue
        o.append('.PP')
        o.append(roff(' '.join(l.strip() for l in b)))
    if name != 'sohoa':
        o.append('.SH "SEE ALSO"')
        o.append('.BR sohoa (1)')
    with open(out, 'w', encoding='utf-8') as f:
        f.write('\n'.join(o) + '\n')


if __name__ == '__main__':
    main()
