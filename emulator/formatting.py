"""Message text as Telegram stores it: trimmed, and with HTML markup turned into entities.

parse_mode "HTML" is parsed (unsupported or unbalanced tags are refused like Telegram refuses them);
"Markdown" and "MarkdownV2" texts are kept as given (the emulator does not parse them).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from emulator.errors import bad_request

_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Parser(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.text = ""
        self.entities: list[dict[str, Any]] = []
        self.stack: list[tuple[str, int, dict[str, str | None]]] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        lines = self.source.split("\n")
        chars = sum(len(x) + 1 for x in lines[: line - 1]) + col
        return len(self.source[:chars].encode())

    def _fail(self, reason: str) -> None:
        raise bad_request(f"can't parse entities: {reason} at byte offset {self._offset()}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            self._fail(f'unsupported start tag "{tag}"')
        self.stack.append((tag, utf16_len(self.text), dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            expected = f', expected "</{self.stack[-1][0]}>"' if self.stack else ""
            self._fail(f'unmatched end tag{expected}, found "</{tag}>"')
        name, start, attrs = self.stack.pop()
        length = utf16_len(self.text) - start
        if length == 0:
            return
        entity: dict[str, Any] = {"type": _TAGS[name], "offset": start, "length": length}
        if name == "a":
            entity["url"] = attrs.get("href") or ""
        if name == "tg-emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id") or ""
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.text += data


def render(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """The text Telegram keeps and the entities it derived; raises 400 on bad HTML."""
    if (parse_mode or "").lower() != "html":
        return text.strip(), []
    parser = _Parser(text)
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise bad_request(
            f"can't parse entities: can't find end tag corresponding to start tag \"{parser.stack[-1][0]}\""
        )
    plain = parser.text
    stripped = plain.strip()
    shift = utf16_len(plain) - utf16_len(plain.lstrip())
    entities = [e | {"offset": e["offset"] - shift} for e in parser.entities]
    return stripped, sorted(entities, key=lambda e: (e["offset"], -e["length"]))
