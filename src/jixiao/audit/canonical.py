"""The canonical text of a JSON value, which an audit event's HMAC covers (hash version 2).

The hash must come out the same from the value the writer held and from the value the database gives back,
and the databases do not give numbers back as they were given:

- PostgreSQL's ``jsonb`` keeps a number as an exact decimal (``numeric``) and prints it in full, so the float
  ``1e16`` comes back as the integer ``10000000000000000``, ``1e300`` as the integer ``10**300``, ``1.5e-7``
  as ``0.00000015``, ``5.0`` as ``5.0`` and ``-0.0`` as ``0.0``; integers beyond 2**53 are kept exactly.
- SQLite keeps the JSON text as written: ``1e+16`` comes back as the float ``1e16``.

So a number is hashed as its exact decimal value, written out in full: no exponent, no trailing zeros after a
point, no sign on zero. A float stands for the decimal its ``repr`` prints (the shortest that reads back as
the same float), which is the decimal PostgreSQL stores when Django sends it ``json.dumps`` text; an integer
stands for itself. ``1e16`` and ``10**16`` both hash as ``10000000000000000``; ``0.1`` as ``0.1`` (not the
binary fraction ``Decimal(0.1)`` would give, which PostgreSQL never sees). The form is exact for every float
and every integer, of any size.

RFC 8785 (JSON Canonicalization Scheme, PyPI ``rfc8785``) was considered and not used: it serialises numbers
as IEEE doubles in ECMAScript's format, so it cannot represent integers beyond 2**53 (``2**63 - 1`` is
refused or rounded) and would have to guess whether PostgreSQL's integer ``10**300`` was a float. Its string
escaping and key order are not needed either: here a string is ``json.dumps`` of it (ASCII, with ``\\u``
escapes, so a lone surrogate SQLite kept still hashes) and keys are sorted by code point.

Not-a-number and the infinities have no JSON form PostgreSQL accepts; ``jixiao.audit.services.plain`` stores
them as the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` before anything is hashed, and
``canonical`` refuses them.

>>> canonical({"b": [1e16, 10**16, 1.5e-7, -0.0, True, None], "a": "审计"})
'{"a":"\\\\u5ba1\\\\u8ba1","b":[10000000000000000,10000000000000000,0.00000015,0,true,null]}'
>>> canonical(1e300) == canonical(10**300) == "1" + "0" * 300
True
>>> canonical(5.0), canonical(-12.50), canonical(2**63 - 1)
('5', '-12.5', '9223372036854775807')
>>> canonical(float("nan"))
Traceback (most recent call last):
...
ValueError: nan has no JSON form: store it as a string (see jixiao.audit.services.plain)
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any


def canonical(value: Any) -> str:
    """The canonical text of a JSON-native ``value`` (None, bool, int, float, str, list, dict with str keys)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"a JSON object's keys are strings, not {type(key).__name__} ({key!r})")
        return "{" + ",".join(f"{json.dumps(key)}:{canonical(value[key])}" for key in sorted(value)) + "}"
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def number(value: int | float) -> str:
    """A number's exact decimal value in full: no exponent, no trailing zeros, ``0`` for either zero.

    >>> number(1.5e-7), number(1e16), number(-0.0), number(0.1), number(120)
    ('0.00000015', '10000000000000000', '0', '0.1', '120')
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no JSON form: store it as a string (see jixiao.audit.services.plain)")
        exact = Decimal(repr(value))  # the shortest decimal that reads back as this float
    else:
        exact = Decimal(value)
    sign, digit_tuple, exponent = exact.as_tuple()
    assert isinstance(exponent, int)  # finite
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return "0"
    significant = digits.rstrip("0")
    exponent += len(digits) - len(significant)
    if exponent >= 0:
        text = significant + "0" * exponent
    elif len(significant) + exponent > 0:
        point = len(significant) + exponent
        text = f"{significant[:point]}.{significant[point:]}"
    else:
        text = "0." + "0" * -(len(significant) + exponent) + significant
    return "-" + text if sign else text
