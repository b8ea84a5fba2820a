"""The API's JSON renderer: DRF's output, byte for byte, written by orjson.

DRF's `JSONRenderer` runs the standard library's encoder, which spent 50-60 µs on each list
the app reads (games, videos, achievements, a board page: about 6 KB); orjson writes the same
bytes in 3-4 µs (`make bench`, issue 12). Everything orjson does not write the same way goes
through DRF's own encoder: dates and times, lazy translations, decimals, dataclasses. A value
neither can write, a `?indent=`, or a number orjson refuses (an integer past 64 bits) is
rendered by DRF itself, so errors and pretty printing stay DRF's. One difference: a NaN or an
infinity, which DRF refuses (a 500), is written as null.
"""

import orjson
from rest_framework import renderers

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# DRF escapes these two so its JSON is also valid JavaScript; orjson writes them as UTF-8.
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is not None or self.ensure_ascii or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=self.encoder_class().default, option=OPTIONS)
        except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _LINE_SEPARATORS:
            if raw in body:
                body = body.replace(raw, escaped)
        return body
