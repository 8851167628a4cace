"""A small parsed view of a page for staff tests: elements by id, tag and attribute,
with their text, so assertions name what a person sees, not a substring of markup."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)
    parent: "Element | None" = None

    @property
    def text(self) -> str:
        parts = [child if isinstance(child, str) else child.text for child in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, **attrs) -> list["Element"]:
        wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and all(_matches(element, key, value) for key, value in wanted.items())
        ]

    def find(self, tag=None, **attrs) -> "Element | None":
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def by_id(self, id_: str) -> "Element | None":
        return self.find(id=id_)

    def one(self, tag=None, **attrs) -> "Element":
        """The first match, failing the test with what was looked for when there is none."""
        found = self.find(tag, **attrs)
        if found is None:
            raise AssertionError(f"no <{tag or '*'}> with {attrs} in <{self.tag}>")
        return found

    def one_by_id(self, id_: str) -> "Element":
        return self.one(id=id_)

    def ancestor(self, levels: int) -> "Element":
        """The element `levels` up (1 is the parent)."""
        element = self
        for _ in range(levels):
            if element.parent is None:
                raise AssertionError(f"<{self.tag}> has fewer than {levels} ancestors")
            element = element.parent
        return element


def _matches(element: Element, key: str, value) -> bool:
    if value is True:
        return element.attrs.get(key) is not None
    if key == "class":  # one of the element's classes
        return value in element.attrs.get("class", "").split()
    return element.attrs.get(key) == value


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {key: (value if value is not None else "") for key, value in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node: Element | None = self.current
        while node is not None and node is not self.root and node.tag != tag:
            node = node.parent
        if node is not None and node is not self.root and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(response_or_html) -> Element:
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    builder = _Builder()
    builder.feed(html)
    return builder.root
