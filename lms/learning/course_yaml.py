"""Reading the course files' YAML with line numbers, and the problems found in them.

PyYAML's safe loader builds the values (no tag makes it run code); the constructors here
keep the line of every key and item beside the value (``Lined``), so a problem can name
``<file>:<line>``. ``Fields`` reads one mapping's fields by name and type and notes every
problem instead of stopping at the first: the import reports all of them at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import yaml
from flask import current_app, has_app_context, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LinedDict(dict):
    """A YAML mapping: ``line`` is where it starts, ``lines[key]`` where each key is,
    ``text_lines[key]`` where its value's text starts, ``repeated`` the keys given twice."""

    line: int = 1

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}
        self.text_lines: dict[Any, int] = {}
        self.repeated: list[tuple[Any, int]] = []


class LinedList(list):
    """A YAML sequence: ``line`` is where it starts, ``lines[i]`` where item ``i`` is."""

    line: int = 1

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []


def _text_line(node: yaml.Node) -> int:
    # A block scalar (| or >) starts on the line after its indicator.
    extra = 1 if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">") else 0
    return node.start_mark.line + 1 + extra


class _Loader(_BaseLoader):
    """The safe loader, keeping lines; timestamps stay text (no date sneaks into JSON)."""


def _no_alias(loader: _Loader, node: yaml.Node) -> None:
    # A node built already is an alias (*name) or a merge (<<): refused, so no file can
    # make one value stand for thousands (and nothing is shared between two fields).
    if node in loader.constructed_objects:
        raise yaml.constructor.ConstructorError(
            None, None, "aliases (*name) and merges (<<) are not allowed", node.start_mark
        )


def _mapping(loader: _Loader, node: yaml.MappingNode):
    data = LinedDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        _no_alias(loader, key_node)
        _no_alias(loader, value_node)
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key in data:
            data.repeated.append((key, key_node.start_mark.line + 1))
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = key_node.start_mark.line + 1
        data.text_lines[key] = _text_line(value_node)


def _sequence(loader: _Loader, node: yaml.SequenceNode):
    data = LinedList()
    data.line = node.start_mark.line + 1
    yield data
    for item in node.value:
        _no_alias(loader, item)
        data.append(loader.construct_object(item, deep=True))
        data.lines.append(item.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)


def load_yaml(text: str) -> Any:
    """The value of a YAML document, with ``LinedDict`` and ``LinedList`` for mappings and
    sequences; raises ``yaml.YAMLError`` (marked with the line) for what is not YAML."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506  (a safe loader: see _Loader)


def plain(value: Any) -> Any:
    """``value`` with plain dicts and lists (what JSON columns and dataclasses compare)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def is_json(value: Any) -> bool:
    """Whether ``value`` is text, finite numbers, booleans, null, lists and mappings of
    text keys only: what a JSON column stores and gives back the same."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json(v) for k, v in value.items())
    return False


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a course tree: the file (relative to the tree), the line, and
    a message translated when shown."""

    path: str
    line: int
    message: Any

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def in_default_locale():
    """Where messages are made into text outside a request (the CLI): Flask-Babel would
    ask the request for a language, so the site's default language answers instead."""
    # Outside a request (the CLI) Flask-Babel would ask the request for a language: the
    # site's default language answers instead.
    if has_app_context() and not has_request_context():
        return force_locale(current_app.config.get("LMS_DEFAULT_LOCALE", "nb"))
    return nullcontext()


class CourseTreeError(Exception):
    """A course tree that cannot be imported: ``errors`` lists every problem found, each
    ``<relative path>:<line>: <message>`` (``problems`` has them as ``Problem`` values,
    or as text already made)."""

    def __init__(self, problems: list[Problem | str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the course files")
        self.problems = problems

    @property
    def errors(self) -> list[str]:
        with in_default_locale():
            return [str(problem) for problem in self.problems]


class Problems:
    """The problems found so far, in the order found."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, path: str, line: int, message: Any) -> None:
        self.found.append(Problem(path, line, message))

    def __bool__(self) -> bool:
        return bool(self.found)


_MISSING = object()
KINDS = {
    "text": (lambda f: _l("%(field)s must be text.", field=f), lambda v: isinstance(v, str)),
    "integer": (
        lambda f: _l("%(field)s must be a whole number.", field=f),
        lambda v: isinstance(v, int) and not isinstance(v, bool),
    ),
    "number": (
        lambda f: _l("%(field)s must be a number.", field=f),
        lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
    ),
    "boolean": (
        lambda f: _l("%(field)s must be true or false.", field=f),
        lambda v: isinstance(v, bool),
    ),
    "list": (lambda f: _l("%(field)s must be a list.", field=f), lambda v: isinstance(v, list)),
    "mapping": (
        lambda f: _l("%(field)s must be a mapping of fields.", field=f),
        lambda v: isinstance(v, dict),
    ),
}


class Fields:
    """Reads the fields of one YAML mapping by name and kind, noting each problem (a
    missing required field, a wrong kind, a value out of range, an unknown field) with
    its file and line. A field with a problem reads as its default."""

    def __init__(
        self, problems: Problems, path: str, mapping: LinedDict, allowed: Iterable[str] | None
    ) -> None:
        self.problems, self.path, self.mapping = problems, path, mapping
        for key, line in mapping.repeated:
            self.problem(line, _l("%(field)s is given twice.", field=key))
        if allowed is not None:
            known = set(allowed)
            for key in mapping:
                if key not in known:
                    self.problem(mapping.lines[key], _l("Unknown field %(field)s.", field=key))

    def problem(self, line: int, message: Any) -> None:
        self.problems.add(self.path, line, message)

    def line(self, name: str) -> int:
        """The line of field ``name`` (the mapping's own when it is missing)."""
        return self.mapping.lines.get(name, self.mapping.line)

    def text_line(self, name: str) -> int:
        """The line where field ``name``'s text starts (for Markdown inside it)."""
        return self.mapping.text_lines.get(name, self.mapping.line)

    def get(self, name: str, kind: str, default: Any = None, *, required: bool = False):
        """Field ``name`` if it is of ``kind`` (``KINDS``); otherwise its default. A
        required text must hold more than spaces."""
        value = self.mapping.get(name, _MISSING)
        if value is _MISSING or (value is None and not required):
            if required:
                self.problem(self.mapping.line, _l("%(field)s is missing.", field=name))
            return default
        message, fits = KINDS[kind]
        if not fits(value):
            self.problem(self.line(name), message(name))
            return default
        if required and kind == "text" and not value.strip():
            self.problem(self.line(name), _l("%(field)s is missing.", field=name))
            return default
        return value

    def ranged(self, name: str, kind: str, default: Any, low: float, high: float | None = None):
        """A number field between ``low`` and ``high`` (both included; no upper end: None)."""
        value = self.get(name, kind, default)
        if value is not default and (value < low or (high is not None and value > high)):
            if high is None:
                message = _l("%(field)s must be at least %(low)s.", field=name, low=low)
            else:
                message = _l(
                    "%(field)s must be from %(low)s to %(high)s.", field=name, low=low, high=high
                )
            self.problem(self.line(name), message)
            return default
        return value

    def choice(self, name: str, choices: Iterable[str], default: Any = None, *, required=False):
        """A text field that must be one of ``choices``."""
        value = self.get(name, "text", default, required=required)
        options = tuple(choices)
        if value is not default and value not in options:
            self.problem(
                self.line(name),
                _l(
                    "%(field)s must be one of: %(choices)s.",
                    field=name,
                    choices=", ".join(options),
                ),
            )
            return default
        return value
