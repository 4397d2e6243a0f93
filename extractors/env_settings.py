"""Settings dataclasses filled from environment variables (``IONLIT_READ_*``, ``IONLIT_OCR*``).

One reading for all of them: a variable that is unset or blank keeps the field's default, and a
value is typed like that default (a number must parse, ``off``/``0``/``false``/``no`` turn a
switch off), so a bad value is refused with the variable's name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

#: Values that turn a switch (a ``bool`` field) off.
OFF_WORDS = frozenset({"0", "off", "false", "no"})


def env_values(cls: type, env_vars: Mapping[str, str],
               env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The fields of dataclass ``cls`` that ``env`` (default: the process environment) sets
    through ``env_vars`` ({field: variable}), each typed like the field's default.

    Raises:
        ValueError: a number field whose variable is not a number.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for f in fields(cls):
        name = env_vars.get(f.name)
        raw = env.get(name, "").strip() if name else ""
        if not raw:
            continue
        if isinstance(f.default, bool):
            values[f.name] = raw.lower() not in OFF_WORDS
        elif isinstance(f.default, int | float):
            try:
                values[f.name] = type(f.default)(raw)
            except ValueError:
                raise ValueError(f"{name}={raw!r} is not a number") from None
        else:
            values[f.name] = raw
    return values


__all__ = ["OFF_WORDS", "env_values"]
