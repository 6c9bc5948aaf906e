"""Meeting papers as PDF, drawn from the same sections as the printable page, with the
handling marking in the header of every page.

fpdf2's built-in Helvetica covers Latin-1 only and the project ships no font file, so text
is first folded to Latin-1: typographic quotes and dashes become their plain forms and
accents outside Latin-1 are dropped (a name keeps its letters, not its diacritics).
"""

import unicodedata

from fpdf import FPDF

from panels.web.meetings.presenters import PaperCase, decision_rows, open_actions

MARKING = "OFFICIAL-SENSITIVE"
PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
    }
)


def latin1(text: str) -> str:
    """The text as Helvetica can draw it."""
    text = str(text).translate(PLAIN)
    try:
        return text.encode("latin-1").decode("latin-1")
    except UnicodeEncodeError:
        folded = unicodedata.normalize("NFKD", text)
        return folded.encode("latin-1", "ignore").decode("latin-1")


class _Papers(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", "B", 10)
        self.cell(0, 6, MARKING, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "B", 8)
        self.cell(0, 6, f"{MARKING} - page {self.page_no()}", align="C")


def _heading(pdf: FPDF, text: str, size: int) -> None:
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _row(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font("Helvetica", "B", 9)
    pdf.multi_cell(0, 5, latin1(label), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def papers_pdf(*, title: str, recipient: str, cases: list[PaperCase]) -> bytes:
    """The papers for one recipient agency as PDF bytes."""
    pdf = _Papers(format="A4")
    pdf.set_title(latin1(title))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    _heading(pdf, title, 16)
    _row(pdf, "Prepared for", recipient)
    if not cases:
        _row(pdf, "Cases", "No case on this agenda has been shared with this agency.")
    for paper in cases:
        _heading(pdf, f"{paper.reference}: {paper.reason}", 13)
        if paper.person:
            _row(pdf, "About", paper.person)
        _row(pdf, "Stage", paper.stage)
        for section in paper.sections:
            _heading(pdf, section.title, 11)
            for row in section.rows:
                _row(pdf, row.label, row.value)
        decided = decision_rows(paper.case)
        if decided:
            _heading(pdf, "Decided at this meeting", 11)
            for row in decided:
                _row(pdf, row.label, row.value)
        for action in open_actions(paper.case):
            _row(
                pdf,
                f"Action for {action.owner_agency}, due {action.due_on:%d/%m/%Y}",
                action.description,
            )
    return bytes(pdf.output())
