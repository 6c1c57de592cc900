"""Reading YAML node trees with line numbers, so a template error names file, line and field.

We compose (parse without constructing Python objects) with ``yaml.SafeLoader`` and read
scalars as plain text, so nothing in a template file can ever run code. Every check
raises :class:`TemplateError` with ``"<file> line <n>: field '<name>' <problem>"``.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable

import yaml

from ips_field.errors import TemplateError

_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"


def compose(text: str, file: str) -> yaml.Node:
    """Parse ``text`` into a node tree; bad YAML becomes one TemplateError with a line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = (exc.problem or "unreadable").strip()
        raise TemplateError(f"{file} line {line}: not valid YAML ({problem})") from None
    except yaml.YAMLError:
        raise TemplateError(f"{file} line 1: not valid YAML") from None
    if node is None:
        raise TemplateError(f"{file} line 1: the file is empty")
    return node


class Reader:
    """Checks fields of one file's node tree; remembers the file name for messages."""

    def __init__(self, file: str) -> None:
        self.file = file
        # Value node id -> its key node: a missing field is reported at the entry's key
        # line ("transport:"), which is where a person looks, not at its first child.
        self._keys: dict[int, yaml.Node] = {}

    def fail(self, node: yaml.Node, name: str, problem: str) -> TemplateError:
        return TemplateError(
            f"{self.file} line {node.start_mark.line + 1}: field '{name}' {problem}"
        )

    def mapping(self, node: yaml.Node, name: str) -> dict[str, yaml.Node]:
        """A mapping with text keys, each key once."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, name, "must be a mapping of names to values")
        out: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == _NULL or not key.value:
                raise self.fail(key, name, "has a key that is not a plain name")
            if key.value in out:
                raise self.fail(key, key.value, "appears twice")
            out[key.value] = value
            self._keys[id(value)] = key
        return out

    def fields(
        self,
        node: yaml.Node,
        name: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> dict[str, yaml.Node]:
        """A mapping that must have ``required`` keys and may have ``optional`` ones."""
        found = self.mapping(node, name)
        required = list(required)
        known = set(required) | set(optional)
        for key in required:
            if key not in found:
                raise self.fail(self._keys.get(id(node), node), key, "is missing")
        for key, value in found.items():
            if key not in known:
                raise self.fail(value, key, "is not a known field")
        return found

    def sequence(self, node: yaml.Node, name: str, *, allow_empty: bool = False) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, name, "must be a list")
        if not node.value and not allow_empty:
            raise self.fail(node, name, "must not be an empty list")
        return list(node.value)

    def text(self, node: yaml.Node, name: str) -> str:
        """Non-empty text; a number or date written in the file is read as its text."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, name, "must be text")
        if node.tag == _NULL or not str(node.value).strip():
            raise self.fail(node, name, "must not be empty")
        return " ".join(str(node.value).split())

    def ident(self, node: yaml.Node, name: str) -> str:
        """A stable id: lower-case letters, digits, underscores and dots."""
        value = self.text(node, name)
        if not all(ch.islower() or ch.isdigit() or ch in "_." for ch in value) or not (
            value[0].isalpha()
        ):
            raise self.fail(node, name, "must be an id like 'sen_support_review'")
        return value

    def integer(self, node: yaml.Node, name: str, *, least: int = 0) -> int:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT:
            raise self.fail(node, name, "must be a whole number")
        try:
            value = int(node.value.replace("_", ""), 0)
        except ValueError:
            raise self.fail(node, name, "must be a whole number") from None
        if value < least:
            raise self.fail(node, name, f"must be at least {least}")
        return value

    def boolean(self, node: yaml.Node, name: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL:
            raise self.fail(node, name, "must be true or false")
        return node.value.lower() in ("true", "yes", "on", "y")

    def date(self, node: yaml.Node, name: str) -> dt.date:
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL:
            raise self.fail(node, name, "must be a date like 2026-03-31")
        try:
            return dt.date.fromisoformat(str(node.value).strip())
        except ValueError:
            raise self.fail(node, name, "must be a date like 2026-03-31") from None

    def text_list(self, node: yaml.Node, name: str) -> list[str]:
        return [self.text(item, name) for item in self.sequence(node, name)]

    def template(self, node: yaml.Node, name: str, allowed: Iterable[str]) -> str:
        """Text whose ``{placeholders}`` are only the ``allowed`` bare names."""
        value = self.text(node, name)
        allowed = set(allowed)
        try:
            parsed = list(string.Formatter().parse(value))
        except ValueError:
            raise self.fail(node, name, "has an unmatched { or }") from None
        for _, placeholder, spec, conversion in parsed:
            if placeholder is None:
                continue
            if placeholder not in allowed or spec or conversion:
                shown = ", ".join("{" + a + "}" for a in sorted(allowed))
                raise self.fail(node, name, f"may only use the placeholders {shown}")
        return value
