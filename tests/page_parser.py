"""The parts of an HTML page that the page tests look at, read with the standard library's parser."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """The parts of a page the tests look at: title, links, tables (by id), alerts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.assets: list[str] = []  # src of scripts and href of <link> elements
        self.tables: dict[str, list[list[str]]] = {}
        self.headers: dict[str, list[str]] = {}
        self.textarea = ""
        self._stack: list[str] = []
        self._href: str | None = None
        self._text: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self._stack.append(tag)
        if tag == "a":
            self._href, self._text = found.get("href") or "", []
        elif tag == "script" and found.get("src"):
            self.assets.append(found["src"] or "")
        elif tag == "link":
            self.assets.append(found.get("href") or "")
        elif tag == "table":
            self._table = found.get("id") or f"table{len(self.tables)}"
            self.tables[self._table], self.headers[self._table] = [], []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None
        elif tag in ("td", "th") and self._cell is not None and self._table:
            text = " ".join("".join(self._cell).split())
            if tag == "th":
                self.headers[self._table].append(text)
            else:
                self._row.append(text)
            self._cell = None
        elif tag == "tr" and self._table and self._row:
            self.tables[self._table].append(self._row)
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        current = self._stack[-1] if self._stack else ""
        if current == "title" and "svg" not in self._stack:  # the page's, not a picture's
            self.title += data
        if current == "textarea":
            self.textarea += data
        if self._href is not None:
            self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def href_of(self, text: str) -> str:
        return next(href for href, shown in self.links if shown == text)
