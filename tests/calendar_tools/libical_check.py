"""Read iCalendar files with libical (what Evolution uses) and print, as JSON, every
problem it reports: the parser's and ``restriction_check``'s ``X-LIC-ERROR`` properties,
one list per file in argument order. Runs under Debian's /usr/bin/python3 with
``gir1.2-ical-3.0`` (GObject introspection), not in the project's virtualenv.

    /usr/bin/python3 tests/calendar_tools/libical_check.py a.ics [b.ics ...]
"""

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

ERROR = ICalGLib.PropertyKind.XLICERROR_PROPERTY
ANY = ICalGLib.ComponentKind.ANY_COMPONENT


def errors_of(component) -> list:
    found = []
    prop = component.get_first_property(ERROR)
    while prop is not None:
        found.append(prop.get_xlicerror())
        prop = component.get_next_property(ERROR)
    child = component.get_first_component(ANY)
    while child is not None:
        found += errors_of(child)
        child = component.get_next_component(ANY)
    return found


def check(path: str) -> list:
    with open(path, encoding="utf-8") as handle:
        component = ICalGLib.Parser.parse_string(handle.read())
    if component is None:
        return ["libical could not parse the file"]
    ICalGLib.restriction_check(component)
    return errors_of(component)


print(json.dumps([check(path) for path in sys.argv[1:]]))
