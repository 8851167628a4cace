"""The lines of text OCR found, as the extraction reads them (pure functions): each
normalised (full-width forms as ASCII) and sorted top to bottom, left to right."""

import unicodedata
from dataclasses import dataclass

from .engine import TextBox


@dataclass(frozen=True)
class Fact:
    value: str
    confidence: float
    box: tuple[int, int, int, int] | None = None


def normalise(text: str) -> str:
    """Full-width digits, letters, colons and ￥ as their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class Line:
    text: str
    box: tuple[int, int, int, int]
    score: float

    @property
    def height(self) -> int:
        return max(1, self.box[3] - self.box[1])


def lines_of(boxes: list[TextBox]) -> list[Line]:
    found = [Line(normalise(b.text).strip(), tuple(b.box), b.score) for b in boxes if b.text.strip()]
    return sorted(found, key=lambda line: (line.box[1], line.box[0]))


def same_row(a: Line, b: Line) -> bool:
    centre = (b.box[1] + b.box[3]) / 2
    return a.box[1] <= centre <= a.box[3]


def right_of(lines: list[Line], line: Line) -> list[Line]:
    return sorted(
        (o for o in lines if o is not line and same_row(line, o) and o.box[0] >= line.box[0]), key=lambda o: o.box[0]
    )


def below(lines: list[Line], line: Line, *, within: float = 2.5) -> list[Line]:
    """The lines starting under `line`, no further down than `within` of its heights, nearest first."""
    limit = line.box[3] + within * line.height
    return [o for o in lines if o.box[1] >= line.box[3] - line.height * 0.2 and o.box[1] <= limit and o is not line]
