"""The situation report as a picture (Pillow: new reports per day, the way home as a funnel; drawn
to be read on a phone) and as a PDF (fpdf2: the figures, the picture, what waits on whom). Both are
made from the figures alone (services.sitrep): counts, never a name."""

from __future__ import annotations

import io
import logging
from functools import cache

from babel.dates import format_date
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from bot.assets import BOLD, REGULAR
from bot.core.stage import ENDINGS, WAY_HOME
from bot.i18n import N_, Translator
from bot.services.sitrep import STAGE_LABELS, Figures, flight_line, scam_line, scope, title, waiting_lines

WIDTH, HEIGHT = 1200, 900
INK, SOFT, BAR, TODAY, LINE = "#1a202c", "#4a5568", "#63b3ed", "#2b6cb0", "#e2e8f0"
FUNNEL = ("#2c5282", "#2b6cb0", "#3182ce", "#4299e1", "#63b3ed", "#38a169", "#2f855a")


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def _centred(
    draw: ImageDraw.ImageDraw, x: float, y: float, value: str, size: int, fill: str, bold: bool = False
) -> None:
    draw.text((x, y), value, font=_font(size, bold), fill=fill, anchor="ms")


def chart_png(f: Figures, t: Translator) -> bytes:
    """Two panels, 1200×900: the new reports of the last days (the report's day darker), and the
    stages of the way home as a funnel with their counts."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.text((40, 30), title(f, t), font=_font(34, True), fill=INK)
    # -- new reports per day
    draw.text((40, 90), t(N_("New reports per day")), font=_font(28, True), fill=INK)
    top, bottom, left, right = 150, 390, 40, WIDTH - 40
    days = f.per_day or ((f.day, f.new_reports),)
    most = max((n for _, n in days), default=0) or 1
    step = (right - left) / len(days)
    draw.line((left, bottom, right, bottom), fill=LINE, width=2)
    for i, (day, n) in enumerate(days):
        x0 = left + i * step + step * 0.15
        x1 = left + (i + 1) * step - step * 0.15
        h = (bottom - top) * n / most
        draw.rectangle((x0, bottom - h, x1, bottom), fill=TODAY if day == f.day else BAR)
        centre = (x0 + x1) / 2
        _centred(draw, centre, bottom - h - 8, t.number(n), 22, INK, bold=day == f.day)
        _centred(draw, centre, bottom + 30, format_date(day, "d", locale=t.lang), 20, SOFT)
        if i == 0 or day.day == 1:
            _centred(draw, centre, bottom + 56, format_date(day, "MMM", locale=t.lang), 18, SOFT)
    # -- the way home as a funnel
    draw.line((40, 470, WIDTH - 40, 470), fill=LINE, width=2)
    draw.text((40, 490), t(N_("The way home")), font=_font(28, True), fill=INK)
    counts = [f.stages.get(stage, 0) for stage in WAY_HOME]
    widest = max(counts, default=0) or 1
    row, y, middle, span = 44, 545, 760, 720
    for stage, n, colour in zip(WAY_HOME, counts, FUNNEL, strict=True):
        w = max(6.0, span * n / widest)
        draw.rectangle((middle - w / 2, y, middle + w / 2, y + row - 8), fill=colour)
        draw.text((40, y + 6), t(STAGE_LABELS[stage]), font=_font(22), fill=INK)
        draw.text((middle + w / 2 + 10, y + 6), t.number(n), font=_font(22, True), fill=INK)
        y += row
    endings = " · ".join(f"{t(STAGE_LABELS[s])} {t.number(f.stages.get(s, 0))}" for s in ENDINGS)
    draw.text((40, y + 12), endings, font=_font(22), fill=SOFT)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def pdf(f: Figures, t: Translator, mission: str = "", chart: bytes | None = None) -> bytes:
    """An A4 page or two: the title and the day, the figures, the chart, what waits on whom."""
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # fpdf2's font subsetting talks at INFO
    doc = FPDF(format="A4")
    doc.set_title(title(f, t))
    doc.set_creator(mission or "hotline")
    doc.add_font("DejaVu", "", str(REGULAR))
    doc.add_font("DejaVu", "B", str(BOLD))
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()
    width = doc.w - doc.l_margin - doc.r_margin

    def heading(value: str, size: int = 13) -> None:
        doc.set_font("DejaVu", "B", size)
        doc.multi_cell(width, size * 0.55, value, new_x="LMARGIN", new_y="NEXT")
        doc.ln(1)

    def line(label: str, value: str = "") -> None:
        doc.set_font("DejaVu", "", 10.5)
        if value:
            doc.cell(width - 35, 6, label)
            doc.cell(35, 6, value, align="R", new_x="LMARGIN", new_y="NEXT")
        else:
            doc.multi_cell(width, 6, label, new_x="LMARGIN", new_y="NEXT")

    n = t.number
    heading(title(f, t) + (f" · {mission}" if mission else ""), 16)
    line(scope(f, t))
    doc.ln(2)
    heading(t(N_("New that day")))
    line(t(N_("New reports")), n(f.new_reports))
    line("SOS", n(f.new_sos))
    line(scam_line(f, t))
    for priority, count in f.open_by_priority.items():
        line(t(N_("Open cases, {priority}"), priority=priority), n(count))
    doc.ln(2)
    doc.image(io.BytesIO(chart if chart is not None else chart_png(f, t)), w=width)
    doc.ln(2)
    heading(t(N_("The way home")))
    for stage in (*WAY_HOME, *ENDINGS):
        line(t(STAGE_LABELS[stage]), n(f.stages.get(stage, 0)))
    doc.ln(2)
    heading(t(N_("Flights")))
    if not f.departed and not f.planned:
        line(t(N_("None departed that day, none planned for the week after.")))
    for one in f.departed:
        line(t(N_("Departed: {flight}"), flight=flight_line(one, t, True)))
    for one in f.planned:
        line(t(N_("Planned: {flight}"), flight=flight_line(one, t, False)))
    doc.ln(2)
    heading(t(N_("Waiting")))
    for words, count in waiting_lines(f, t):
        line(words, n(count))
    return bytes(doc.output())
