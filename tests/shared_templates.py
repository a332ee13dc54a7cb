"""Templates compiled once per test run, for every app the tests make.

Each test makes its own app, and each app its own Jinja environment, which compiled again every
template the test rendered: about a third of a second a test, thousands of times a run. Jinja's
bytecode cache is the hook meant for this; here it keeps the compiled code in memory, for all the
apps of the process. Every test app comes from ``wiki.create_app``, with the same Jinja options, so
code compiled for one app fits every other; a template edited on disk has another checksum and is
compiled anew.
"""

from __future__ import annotations

from types import CodeType

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class SharedTemplateCode(BytecodeCache):
    """Compiled templates by Jinja's key (the template's name and file), with their source's checksum."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        checksum, code = self._code.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = (bucket.checksum, bucket.code)
