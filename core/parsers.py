"""Request bodies the API accepts: JSON that is well formed, not absurdly deep, and free of NUL bytes."""

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

MAX_DEPTH = 32  # far deeper than any input of ours; json's own limit is a RecursionError (a 500)


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text, brackets inside strings ignored.

    Scanned without recursion, so a hostile body costs one pass and no stack.
    """
    depth = level = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            depth = max(depth, level)
        elif char in "]}":
            level -= 1
    return depth


def has_nul(value: Any) -> bool:
    """Whether any string in a parsed body (keys included) holds a NUL character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


NUL_MESSAGE = _("Text may not contain NUL characters.")


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, bounded: a 100,000-deep body is a 400, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(_("The body is not valid JSON.")) from error
        if nesting_depth(text) > MAX_DEPTH:
            raise ParseError(_("The JSON body is nested too deeply."))
        try:
            data = json.loads(text, parse_constant=_refuse_constant) if text.strip() else {}
        except (ValueError, RecursionError) as error:
            raise ParseError(_("The body is not valid JSON.")) from error
        if has_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data


def has_nul_field(data) -> bool:
    """Whether a QueryDict (form fields, a query string) has a NUL in a name or a value."""
    return any("\x00" in key or any("\x00" in str(v) for v in data.getlist(key)) for key in data)


def refuse_nul_fields(data) -> None:
    """ParseError when a form field (name or value) holds a NUL character."""
    if has_nul_field(data):
        raise ParseError(NUL_MESSAGE)


class SafeFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_nul_fields(data)
        return data


class SafeMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        refuse_nul_fields(parsed.data)
        return parsed


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity are not numbers a client may send
