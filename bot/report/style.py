"""The report's one stylesheet, inlined so the file opens and prints without anything else.

A4 portrait, each chapter on a new page, tables and charts never split; colours are
printed as shown (print-color-adjust), and every status also has a word, for grey print.
"""

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm; }
:root { --ink: #1f2a36; --muted: #5d6b79; --accent: #1d5c87; --soft: #eef3f7; --line: #cfd8e0;
        --ok: #2d6e45; --bad: #9a3b14; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { background: #e9edf1; }
body { margin: 0 auto; max-width: 190mm; background: #fff; color: var(--ink);
       font: 10pt/1.45 "Source Sans 3", "Segoe UI", "Liberation Sans", Arial, sans-serif;
       padding: 14mm 16mm; }
h1 { font-size: 22pt; line-height: 1.15; margin: 0 0 3mm; color: var(--accent); font-weight: 600; }
h2 { font-size: 15pt; color: var(--accent); border-bottom: 1.5pt solid var(--accent); padding-bottom: 1.5mm;
     margin: 0 0 4mm; font-weight: 600; }
h3 { font-size: 11pt; margin: 6mm 0 2mm; break-after: avoid; }
p { margin: 0 0 3mm; }
.cover { border-left: 4mm solid var(--accent); padding: 4mm 0 4mm 6mm; margin-bottom: 8mm; }
.cover .sub { font-size: 12pt; color: var(--muted); margin: 0; }
.meta { display: grid; grid-template-columns: 32mm 1fr; gap: 1mm 4mm; margin: 0 0 6mm; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.demo { border: 1.2pt solid var(--bad); color: var(--bad); padding: 3mm 4mm; margin: 0 0 6mm;
        font-weight: 600; }
.toc { background: var(--soft); padding: 3mm 5mm; margin: 0 0 6mm; }
.toc ol { margin: 1mm 0 0; padding-left: 5mm; }
section.chapter { padding-top: 2mm; }
section.chapter + section.chapter { break-before: page; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 6mm; align-items: start; break-inside: avoid; }
.intro { color: var(--muted); max-width: 150mm; }
section.chapter:first-of-type { margin-top: 8mm; }
.ambition { font-size: 11.5pt; border-left: 1.5mm solid var(--accent); padding: 1mm 0 1mm 4mm;
            margin: 0 0 5mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 5mm; break-inside: avoid; font-size: 9pt; }
caption { text-align: left; font-weight: 600; padding: 0 0 1.5mm; }
th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1pt solid var(--ink);
     padding: 1mm 2mm; }
td { border-bottom: 0.5pt solid var(--line); padding: 1mm 2mm; vertical-align: top; }
td + td, th + th { white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 1pt solid var(--ink); border-bottom: none; }
td.gehaald { color: var(--ok); font-weight: 600; }
td.gehaald::before { content: "✓ "; }
td.niet-gehaald { color: var(--bad); font-weight: 600; }
td.niet-gehaald::before { content: "✗ "; }
td.geen { color: var(--muted); font-style: italic; }
.tnote { color: var(--muted); font-size: 8.5pt; margin: -4mm 0 5mm; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3mm; margin: 0 0 5mm;
           break-inside: avoid; }
.figures div { border: 0.75pt solid var(--line); border-top: 1.5mm solid var(--accent); padding: 2mm 3mm; }
.figures b { display: block; font-size: 15pt; font-weight: 600; font-variant-numeric: tabular-nums; }
.figures span { color: var(--muted); }
figure { margin: 0 0 4mm; break-inside: avoid; }
figcaption { color: var(--muted); font-size: 8.5pt; }
svg.chart { width: 100%; height: auto; display: block; }
svg .bar { fill: var(--accent); }
svg .grid { stroke: var(--line); stroke-width: 0.6; }
svg text { font-family: inherit; }
svg .axis, svg .value { font-size: 9px; fill: var(--muted); }
svg .label { font-size: 10px; fill: var(--ink); }
ul.bullets { padding-left: 5mm; }
ul.bullets li { margin-bottom: 1.5mm; }
.nodata { color: var(--muted); font-style: italic; }
footer { margin-top: 8mm; color: var(--muted); font-size: 8.5pt; border-top: 0.5pt solid var(--line);
         padding-top: 2mm; }
@media print {
  html { background: none; }
  body { max-width: none; padding: 0; }
}
"""
