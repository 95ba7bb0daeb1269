# SPDX-License-Identifier: MIT
"""--format html: one self-contained page whose summary equals the -c
table, with everything from the trace escaped; it renders in headless
Chromium with its three charts drawn, and its filter works in the page."""
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from conftest import fixture, renacer
from test_source import _colored_fraction


class Page(HTMLParser):
    """Collects table rows by table id, external references and scripts."""

    def __init__(self):
        super().__init__()
        self.tables, self.cur, self.row, self.cell, self.refs, self.svgs = {}, None, None, None, [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a:
                self.refs.append(a[k])
        if tag == "table":
            self.cur = a.get("id")
            self.tables[self.cur] = []
        elif tag == "tr" and self.cur is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""
        elif tag == "svg":
            self.svgs.append(a.get("id"))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.cur].append(self.row)
            self.row = None
        elif tag == "table":
            self.cur = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def page(opts=()):
    r = renacer(["-f", "-q", "--format", "html"] + list(opts), [fixture("structured")])
    assert r.rc == 0, r.stderr
    p = Page()
    p.feed(r.trace)
    return r.trace, p


def test_self_contained_and_escaped():
    text, p = page()
    assert text.startswith("<!DOCTYPE html>")
    assert not [u for u in p.refs if re.match(r"^(https?:)?//", u)], p.refs
    assert "<script src" not in text and "@import" not in text and "url(" not in text
    # The fixture writes 'a,b "quoted" \\ <tag> & done': only escaped in the page.
    assert "<tag>" not in text
    assert "&lt;tag&gt; &amp; done" in text and "&quot;quoted\\&quot;" in text
    # Parsed back, the cell holds exactly what the text trace shows.
    events = p.tables["events"]
    write = [r for r in events[1:] if r[2] == "write" and "quoted" in r[3]]
    assert write and write[0][3].startswith('1, "a,b \\"quoted\\" \\\\ <tag> & done\\n"')
    assert p.svgs == ["chart-time", "chart-latency", "chart-timeline"]


def test_summary_equals_the_c_table():
    _, p = page()
    c = renacer(["-f", "-q", "-c", "--backend", "ptrace"], [fixture("structured")])
    table = {}
    for line in c.trace.splitlines():
        m = re.match(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(\d*)\s+(\w+)$", line)
        if m and m.group(3) != "total":
            table[m.group(3)] = (int(m.group(1)), int(m.group(2) or 0))
    rows = {r[5]: (int(r[3]), int(r[4])) for r in p.tables["summary"][1:]}
    assert rows == table
    events = p.tables["events"][1:]
    assert len(events) == sum(n for n, _ in rows.values()) + 2  # + the two exit_group calls


def test_source_column():
    _, p = page(["--source"])
    header = p.tables["events"][0]
    assert header[-1] == "source"
    assert any(r[-1].endswith("in main") for r in p.tables["events"][1:])


@pytest.fixture
def chromium():
    path = shutil.which("chromium")
    if not path:
        pytest.skip("chromium not installed")
    return path


def test_renders_with_charts(chromium, tmp_path):
    text, _ = page()
    f = tmp_path / "r.html"
    f.write_text(text)
    png = tmp_path / "r.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--screenshot=%s" % png,
                    "--window-size=1280,1400", "file://%s" % f], capture_output=True, timeout=120)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # Bars, markers and timeline ticks are the page's only saturated colours
    # (the error rows' tint is pale): thousands of such pixels mean the
    # charts were drawn; the time-share bars alone are some 10000.
    assert _colored_fraction(data) * 1280 * 1400 > 5000
    # In the rendered DOM the charts are there with their shapes.
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://%s" % f],
                         capture_output=True, text=True, timeout=120).stdout
    assert dom.count("<rect") > 20 and dom.count("<circle") >= 4


def test_filter_in_the_page(chromium, tmp_path):
    text, p = page()
    f = tmp_path / "r.html"
    f.write_text(text)
    openats = sum(1 for r in p.tables["events"][1:] if r[2] == "openat")
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=2000",
                          "--dump-dom", "file://%s#filter=openat" % f], capture_output=True, text=True,
                         timeout=120).stdout
    assert '<span id="shown">%d</span>' % openats in dom, re.findall(r'<span id="shown">\d+</span>', dom)
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=2000",
                          "--dump-dom", "file://%s#errors" % f], capture_output=True, text=True, timeout=120).stdout
    errors = sum(1 for r in p.tables["events"][1:] if r[4].startswith("-1 "))
    assert errors >= 1 and '<span id="shown">%d</span>' % errors in dom
