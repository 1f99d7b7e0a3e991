"""Inline markup: where each element of an XML file lies in its bytes, and the plain text of a
segment (``<target>``, ``<seg>``) with every character mapped back to the bytes it came from.

Translate Toolkit parses and validates the file and says which units it holds; it does not say where
an element lies in the original bytes, which the annotated output needs in order to leave everything
else as it was. Python's expat parser does: :func:`scan` records the byte offset of every start tag,
end tag and piece of character data (expat reports an entity or character reference, and each line
break, as a piece of its own, so every piece's bytes are known exactly).

The plain text is the text a person reads in a CAT tool: the content of paired codes (XLIFF ``<g>``,
``<pc>``, ``<mrk>``, TMX ``<hi>``) kept, placeholders (``<x/>``, ``<bx/>``, ``<ex/>``, ``<ph/>``,
``<sc/>``, ``<ec/>``, ``<sm/>``, ``<em/>``) removed, and the native code inside ``<ph>``, ``<bpt>``,
``<ept>``, ``<it>``, ``<ut>`` removed with its element; XLIFF 2 ``<cp hex="..."/>`` is its character.
Where ``xml:space`` is not ``preserve``, runs of white space become one space and the ends are
stripped (XPath ``normalize-space``, as Translate Toolkit reads XLIFF).
"""

from __future__ import annotations

import codecs
import re
import xml.parsers.expat as expat
from dataclasses import dataclass, field

# Elements whose content is native code, not text (XLIFF 1.2, TMX 1.4): removed with their content.
NATIVE_CODE = frozenset({"ph", "bpt", "ept", "it", "ut"})
_XML_SPACE = "http://www.w3.org/XML/1998/namespace space"
_WHITE = " \t\r\n"


@dataclass
class Element:
    """One element's place in the file, in bytes: ``start`` (its ``<``), ``open_end`` (just after its
    start tag), ``close_start`` (its end tag's ``<``; ``open_end`` for an empty-element tag) and ``end``."""

    index: int
    name: str  # local name
    namespace: str
    attributes: dict[str, str]  # "namespace local" or "local" -> value
    parent: int
    start: int
    open_end: int = -1
    close_start: int = -1
    end: int = -1
    empty: bool = False
    first_node: int = 0  # this element's range in XMLScan.nodes
    last_node: int = 0
    children: list[int] = field(default_factory=list)

    def attribute(self, local: str, namespace: str = "") -> str | None:
        return self.attributes.get(f"{namespace} {local}" if namespace else local)


@dataclass
class XMLScan:
    """Every element of a file with its byte span, and the nodes (start, end, text) in document order."""

    data: bytes
    encoding: str  # Python codec of the bytes, without a byte-order mark
    elements: list[Element]
    nodes: list[tuple]  # ("start", element) | ("end", element) | ("text", start, end, data)

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding, errors="xmlcharrefreplace")

    def find(self, name: str) -> list[Element]:
        return [e for e in self.elements if e.name == name]

    def descendants(self, element: Element, name: str) -> list[Element]:
        found, stack = [], list(reversed(element.children))
        while stack:
            child = self.elements[stack.pop()]
            if child.name == name:
                found.append(child)
            stack.extend(reversed(child.children))
        return found

    def child(self, element: Element, name: str) -> Element | None:
        return next((self.elements[i] for i in element.children if self.elements[i].name == name), None)

    def preserves_space(self, element: Element, default: bool) -> bool:
        node: Element | None = element
        while node is not None:
            value = node.attributes.get(_XML_SPACE)
            if value is not None:
                return value == "preserve"
            node = self.elements[node.parent] if node.parent >= 0 else None
        return default


def xml_encoding(data: bytes) -> tuple[str, bytes]:
    """The Python codec of an XML file's bytes (byte-order mark, else the declaration, else UTF-8) and
    the byte-order mark itself."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return name, bom
    if data.startswith(b"<\x00?\x00"):
        return "utf-16-le", b""
    if data.startswith(b"\x00<\x00?"):
        return "utf-16-be", b""
    declared = re.match(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", data)
    if declared:
        name = declared.group(1).decode("ascii")
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            return "utf-8", b""
        return ("utf-16-le" if codec == "utf-16" else codec), b""
    return "utf-8", b""


def scan(data: bytes) -> XMLScan:
    """Parse ``data`` with expat and record where each element and piece of text lies. Raises
    ``expat.ExpatError`` on malformed XML (the caller has parsed it once already and reports it)."""
    encoding, bom = xml_encoding(data)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = False
    events: list[tuple] = []

    def on_start(name, attributes):
        events.append(("start", parser.CurrentByteIndex, name, attributes))

    def on_end(name):
        events.append(("end", parser.CurrentByteIndex, name))

    def on_text(text):
        events.append(("text", parser.CurrentByteIndex, text))

    def on_other(*_):
        events.append(("other", parser.CurrentByteIndex))

    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = on_text
    parser.StartCdataSectionHandler = on_other
    parser.EndCdataSectionHandler = on_other
    parser.CommentHandler = on_other
    parser.ProcessingInstructionHandler = on_other
    parser.DefaultHandlerExpand = on_other
    parser.Parse(data, True)

    greater, slash_greater = ">".encode(encoding), "/>".encode(encoding)
    elements: list[Element] = []
    nodes: list[tuple] = []
    stack: list[Element] = []
    for position, event in enumerate(events):
        following = events[position + 1][1] if position + 1 < len(events) else len(data)
        kind, at = event[0], event[1]
        if kind == "start":
            namespace, _, local = event[2].rpartition(" ")
            element = Element(len(elements), local, namespace, dict(event[3]),
                              stack[-1].index if stack else -1, at, open_end=following)
            element.empty = data[:following].endswith(slash_greater)
            element.first_node = len(nodes)
            if stack:
                stack[-1].children.append(element.index)
            elements.append(element)
            stack.append(element)
            nodes.append(("start", element))
        elif kind == "end":
            element = stack.pop()
            if element.empty:
                element.close_start = element.end = element.open_end
            else:
                element.close_start = at
                element.end = data.index(greater, at) + len(greater)
            nodes.append(("end", element))
            element.last_node = len(nodes) - 1
        elif kind == "text":
            nodes.append(("text", at, following, event[2]))
    del bom
    return XMLScan(data, encoding, elements, nodes)


@dataclass(frozen=True)
class MarkupMap:
    """A segment's plain text and, for each of its characters, the bytes it came from; the segment
    element's content span and the inline elements inside it (for placing markup that stays
    well-formed)."""

    text: str
    starts: tuple[int, ...]  # byte offset where character i begins in the file
    ends: tuple[int, ...]  # byte offset where it ends
    content: tuple[int, int]  # the segment element's content: (just after its start tag, its end tag)
    inline: tuple[tuple[int, int, int, int], ...] = ()  # (start, open_end, close_start, end) of each inline element

    def byte_range(self, start: int, end: int) -> tuple[int, int]:
        """The bytes of plain characters [start, end); a zero-length span is the point before
        character ``start`` (after the last character at the end)."""
        n = len(self.text)
        if not n:
            return self.content[0], self.content[0]
        start, end = max(0, min(start, n)), max(0, min(end, n))
        if end <= start:
            point = self.starts[start] if start < n else self.ends[n - 1]
            return point, point
        return self.starts[start], self.ends[end - 1]

    def well_formed(self, start: int, end: int) -> tuple[int, int]:
        """Widen a byte range until it cuts no inline element: a range that begins or ends inside an
        element (its tags or its content, not both) grows to take the whole element."""
        changed = True
        while changed:
            changed = False
            for a, open_end, close_start, b in self.inline:
                overlaps = start < b and end > a if end > start else a < start < b
                contains = start <= a and end >= b
                inside = open_end <= start and end <= close_start and open_end < close_start
                if overlaps and not contains and not inside:
                    start, end, changed = min(start, a), max(end, b), True
        return start, end


def _characters(scan_: XMLScan, element: Element):
    """(character, byte start, byte end) of the element's text, codes removed."""
    skip_until = -1
    for index in range(element.first_node + 1, element.last_node):
        node = scan_.nodes[index]
        if index <= skip_until:
            continue
        if node[0] == "start":
            inner: Element = node[1]
            if inner.name in NATIVE_CODE and not inner.empty:
                skip_until = inner.last_node
            elif inner.name == "cp" and inner.attribute("hex"):
                try:
                    yield chr(int(inner.attribute("hex"), 16)), inner.start, inner.end
                except ValueError:
                    pass
            continue
        if node[0] != "text":
            continue
        _, a, b, text = node
        if len(text) == 1:
            yield text, a, b
            continue
        widths = [len(c.encode(scan_.encoding, errors="surrogatepass")) for c in text]
        if sum(widths) != b - a:  # not expected: map the whole piece to its bytes
            for c in text:
                yield c, a, b
            continue
        position = a
        for c, width in zip(text, widths):
            yield c, position, position + width
            position += width


def plain_text(scan_: XMLScan, element: Element, preserve_space: bool) -> MarkupMap:
    """The segment element's plain text with its byte map (see the module's docstring)."""
    characters = list(_characters(scan_, element))
    if not preserve_space:
        collapsed: list[tuple[str, int, int]] = []
        for c, a, b in characters:
            if c in _WHITE:
                if collapsed and collapsed[-1][0] == " " and collapsed[-1][3]:  # type: ignore[misc]
                    collapsed[-1] = (" ", collapsed[-1][1], b, True)  # type: ignore[assignment]
                else:
                    collapsed.append((" ", a, b, True))  # type: ignore[arg-type]
            else:
                collapsed.append((c, a, b, False))  # type: ignore[arg-type]
        while collapsed and collapsed[0][3]:  # type: ignore[misc]
            collapsed.pop(0)
        while collapsed and collapsed[-1][3]:  # type: ignore[misc]
            collapsed.pop()
        characters = [(c, a, b) for c, a, b, _ in collapsed]  # type: ignore[misc]
    inline = tuple(
        (inner.start, inner.open_end, inner.close_start, inner.end)
        for index in range(element.first_node + 1, element.last_node)
        if scan_.nodes[index][0] == "start"
        for inner in (scan_.nodes[index][1],)
    )
    return MarkupMap(
        "".join(c for c, _, _ in characters),
        tuple(a for _, a, _ in characters),
        tuple(b for _, _, b in characters),
        (element.open_end, element.close_start),
        inline,
    )


__all__ = ["Element", "MarkupMap", "NATIVE_CODE", "XMLScan", "plain_text", "scan", "xml_encoding"]
