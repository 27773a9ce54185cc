// Lays out the register pages of a job (written by sohoa-sample-gen) as HTML, prints each with
// the system Chromium through playwright-core and writes, per page, the screenshot (PNG, the
// page at the job's dpi) and where the table's rules are (JSON, device pixels). Everything a
// reader sees here is Blink's: fonts, wrapping, line breaks, the shrinking of a full cell.
//
//   node render.js JOB.json        (see render-pages)
'use strict';
const fs = require('fs');
const { chromium } = require('playwright-core');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

// A small deterministic generator (mulberry32) for the strokes of a handwritten cell.
function rand(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A cell written by a clerk's hand (the entry's writer, `pen`): the writer's font (its fallback
// family for the marks it lacks), leaning by its slant; each letter raised or lowered by the
// baseline's wander, a little larger or smaller, darker or paler with the pressure.
function penCell(pen, c, text) {
  const rnd = rand(pen.seed + c * 7919);
  const range = (lo, hi) => lo + (hi - lo) * rnd();
  const fams = pen.font.split(',').map((f) => f.trim());
  let weight = 400;
  const families = fams.map((f) => {
    if (f.endsWith(' Light')) {
      weight = 200;
      return `"${f.slice(0, -6)}"`;
    }
    return `"${f}"`;
  }).join(', ');
  const slant = pen.slant + range(-1, 1);
  const em = pen.pt * 25.4 / 72;                     // mm per em
  const wav = [range(0, 6.3), range(0.25, 0.6), range(0, 6.3), range(0.8, 1.6)];
  let pressure = range(pen.pressure_lo, pen.pressure_hi);
  let i = 0;
  let html = '';
  const chars = [...text.replace(/\/(?=\d)/g, '/\u200b')];
  for (const ch of chars) {
    if (ch === ' ' || ch === '\n' || ch === '\u200b') {
      html += ch;
      continue;
    }
    const dy = (pen.wander_mm * Math.sin(wav[0] + i * wav[1] * 0.4) +
      0.25 * pen.wander_mm * Math.sin(wav[2] + i * wav[3])) / em;
    const size = 1 + pen.size_var * Math.sin(wav[2] + i * 0.9 + rnd());
    const space = pen.spacing_var * (rnd() - 0.5) * 0.2;
    pressure = Math.min(pen.pressure_hi, Math.max(pen.pressure_lo,
      pressure + (rnd() - 0.5) * 0.12 * (pen.pressure_hi - pen.pressure_lo)));
    html += `<span style="position:relative;top:${dy.toFixed(3)}em;` +
      `font-size:${size.toFixed(3)}em;margin-right:${space.toFixed(3)}em;` +
      `opacity:${pressure.toFixed(3)}">${esc(ch)}</span>`;
    i++;
  }
  return `<div class="c pen" data-pt="${pen.pt}" data-min="${pen.min_pt}" style="font-family:` +
    `${esc(families)};font-weight:${weight};transform:skewX(${(-slant).toFixed(2)}deg)">` +
    `${html}</div>`;
}

function pageHtml(job, p) {
  const font = `"${job.font}"`;
  const cols = job.widths.map((w) => `<col style="width:${(w * 100).toFixed(4)}%">`).join('');
  const head = job.titles.map((t) => `<th><div class="h">${esc(t)}</div></th>`).join('');
  const index = job.index_row === 'missing' ? ''
    : `<tr class="ix ${job.index_row}">${job.indexes.map((i) => `<td>(${i})</td>`).join('')}</tr>`;
  let body = '';
  for (let r = 0; r < p.rows; r++) {
    const e = p.entries[r];
    body += '<tr class="e">';
    for (let c = 0; c < job.titles.length; c++) {
      const text = e ? e.cells[c] || '' : '';
      const cls = ['c'];
      if (e && e.handwritten) cls.push('hw');
      if (e && e.smudged === c) cls.push('sm');
      if (e && e.pen && e.pen.cols.includes(c) && text) {
        body += `<td>${penCell(e.pen, c, text)}</td>`;
        continue;
      }
      // a number too wide for its cell breaks after its slash ("115/" "1991"), not inside
      body += `<td><div class="${cls.join(' ')}" data-tilt="${((r * 7 + c * 3) % 5) - 2}">` +
        `${esc(text).replace(/\/(?=\d)/g, '/\u200b')}</div></td>`;
    }
    body += '</tr>';
  }
  const ls = job.letter_spacing_pt ? `letter-spacing:${job.letter_spacing_pt}pt;` : '';
  const lh = job.line_spacing ? `line-height:${job.line_spacing};` : 'line-height:1.2;';
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page { size: ${job.width_mm}mm ${job.height_mm}mm; margin: 0 }
html, body { margin: 0; padding: 0; background: #fff; color: #000 }
body { width: ${job.width_mm}mm; height: ${job.height_mm}mm; position: relative;
  font-family: ${font}; ${ls} }
.band { position: absolute; white-space: nowrap }
#auth { left: ${job.left_mm}mm; top: ${job.top_mm}mm; font-size: 11pt }
#page { right: ${job.right_mm}mm; top: ${job.top_mm}mm; font-size: 11pt }
#title { left: 0; right: 0; text-align: center; top: ${job.top_mm + 6.5}mm; font-size: 20pt;
  font-weight: bold }
#line { left: 0; right: 0; text-align: center; top: ${job.top_mm + 16}mm; font-size: 13pt }
table { position: absolute; left: ${job.left_mm}mm; top: ${job.top_mm + 26}mm;
  width: ${job.width_mm - job.left_mm - job.right_mm}mm; table-layout: fixed;
  border-collapse: collapse; border: 0.45mm solid #000 }
th, td { border: 0.22mm solid #000; padding: 0; vertical-align: top; overflow: hidden }
th { font-size: ${job.header_pt}pt; font-weight: bold; text-align: center;
  vertical-align: middle; padding: 2mm 1.2mm }
.h { ${lh} }
tr.ix td { height: 6mm; text-align: center; vertical-align: middle; font-size: 9pt }
tr.ix.faint td { color: #b8b8b8; font-size: 8pt }
.c { margin: 1mm 1.2mm; overflow: hidden; white-space: pre-wrap; overflow-wrap: break-word;
  font-size: ${job.entry_pt}pt; ${lh} }
.hw { font-family: "Dancing Script"; font-size: 13pt; color: #111 }
.pen { letter-spacing: 0; transform-origin: 0 50%; color: #000; margin: 1mm 2.2mm 1mm 2mm }
.sm { text-shadow: 1.5mm 0.2mm 1.2mm rgba(0,0,0,0.55), 3mm 0.4mm 2mm rgba(0,0,0,0.35) }
.blot { position: absolute; border-radius: 48% 52% 45% 55%; background: #000; opacity: 0.9 }
</style></head><body>
<div class="band" id="auth">${esc(job.authority)}</div>
<div class="band" id="page">${esc(p.printed)}</div>
<div class="band" id="title">${esc(job.title)}</div>
<div class="band" id="line">${esc(job.band_line)}</div>
<table><colgroup>${cols}</colgroup><tr class="hd">${head}</tr>${index}${body}</table>
</body></html>`;
}

// In the page: entry rows share the height left above the bottom margin, each cell's text is
// shrunk half a point at a time until it fits (no further than the job's minimum), handwritten
// cells lean a little, smudged ones get a blot; then the rules are measured.
function layOut(job) {
  const mm = (v) => v * 96 / 25.4;
  const table = document.querySelector('table');
  const bottom = mm(job.height_mm - job.bottom_mm);
  const hd = document.querySelector('tr.hd');
  if (hd.getBoundingClientRect().height < mm(12)) hd.style.height = `${mm(12)}px`;
  const rows = [...document.querySelectorAll('tr.e')];
  const top = rows.length ? rows[0].getBoundingClientRect().top : bottom;
  const h = (bottom - top) / Math.max(rows.length, 1);
  for (const tr of rows) {
    tr.style.height = `${h}px`;
    for (const div of tr.querySelectorAll('.c')) {
      div.style.height = `${h - mm(2)}px`;
      const hw = div.classList.contains('hw');
      const pen = div.classList.contains('pen');
      let size = pen ? Number(div.dataset.pt) : hw ? 13 : job.entry_pt;
      const min = pen ? Number(div.dataset.min) : hw ? 8 : job.min_pt;
      if (pen) div.style.fontSize = `${size}pt`;
      while ((div.scrollHeight > div.clientHeight + 0.5 ||
              (pen && div.scrollWidth > div.clientWidth + 0.5)) && size - 0.5 >= min) {
        size -= 0.5;
        div.style.fontSize = `${size}pt`;
      }
      if (hw) div.style.transform = `rotate(${div.dataset.tilt * 0.4}deg)`;
      if (div.classList.contains('sm') && div.textContent) {
        const r = div.getBoundingClientRect();
        const blot = document.createElement('div');
        blot.className = 'blot';
        const w = Math.max(r.width * 0.6, mm(12)), bh = Math.max(Math.min(r.height, mm(20)) * 0.5, mm(8));
        blot.style.left = `${r.left + r.width * 0.45 - w / 2}px`;
        blot.style.top = `${r.top + mm(1)}px`;
        blot.style.width = `${w}px`;
        blot.style.height = `${bh}px`;
        document.body.appendChild(blot);
      }
    }
  }
  const cells = [...hd.children];
  const cols = cells.map((c) => c.getBoundingClientRect().left);
  cols.push(cells[cells.length - 1].getBoundingClientRect().right);
  const ys = [hd.getBoundingClientRect().top];
  const ix = document.querySelector('tr.ix');
  ys.push(ix ? ix.getBoundingClientRect().top : hd.getBoundingClientRect().bottom);
  for (const tr of rows) ys.push(tr.getBoundingClientRect().top);
  ys.push(table.getBoundingClientRect().bottom);
  return { columns: cols, rows: ys };
}

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const browser = await chromium.launch({
    executablePath: process.env.SOHOA_CHROMIUM || '/usr/bin/chromium',
    args: FLAGS,
  });
  try {
    const dsf = job.dpi / 96;
    const context = await browser.newContext({
      viewport: { width: Math.ceil(job.width_px / dsf), height: Math.ceil(job.height_px / dsf) },
      deviceScaleFactor: dsf,
    });
    const page = await context.newPage();
    for (const p of job.pages) {
      await page.setContent(pageHtml(job, p), { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      const geo = await page.evaluate(layOut, job);
      await page.screenshot({ path: p.png, type: 'png' });
      const scale = (v) => v * dsf;
      fs.writeFileSync(p.geometry, JSON.stringify({
        columns: geo.columns.map(scale), rows: geo.rows.map(scale),
      }));
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`render-pages: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
