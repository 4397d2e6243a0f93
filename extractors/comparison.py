"""Two statements of one material's conductivity: do they say the same thing?

The verdicts (CONTRACT.md): ``agrees``; ``rounding`` (equal within the precision the values
were written with); ``unit_slip`` (a factor 10^3 or 10^6, ±5 %: mS vs S, µS vs S);
``value_conflict``; ``temperature_conflict`` (the same value at temperatures more than the
tolerance apart, or a K/°C mix-up: exactly 273.15 K apart, or a °C figure equal to a K figure).
Two values at clearly different temperatures that differ are two measurements, not a
conflict: :func:`compare` returns None for them. A missing temperature is said, not guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Self

from extractors.units import ZERO_CELSIUS_K

DEFAULT_RELATIVE_TOLERANCE = 1e-3
DEFAULT_TEMPERATURE_TOLERANCE_K = 5.0
DEFAULT_UNIT_SLIP_TOLERANCE = 0.05
DEFAULT_UNIT_SLIP_EXPONENTS: tuple[int, ...] = (3, 6)
#: |ΔT - 273.15| below this reads as a kelvin figure taken for Celsius or back.
DEFAULT_KELVIN_CELSIUS_TOLERANCE_K = 0.5

_NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class CompareSettings:
    """Tolerances of :func:`compare`.

    Attributes:
        relative_tolerance: largest |a - b| / b that still ``agrees``.
        temperature_tolerance_K: larger differences are a ``temperature_conflict`` when the
            values agree, and two measurements when they do not.
        unit_slip_tolerance: relative tolerance around 10^k for ``unit_slip``.
        unit_slip_exponents: the powers of ten that are unit slips (mS vs S is 3).
        kelvin_celsius_tolerance_K: how close to 273.15 K a difference must be to be a K/°C
            mix-up.
    """

    relative_tolerance: float = DEFAULT_RELATIVE_TOLERANCE
    temperature_tolerance_K: float = DEFAULT_TEMPERATURE_TOLERANCE_K
    unit_slip_tolerance: float = DEFAULT_UNIT_SLIP_TOLERANCE
    unit_slip_exponents: tuple[int, ...] = DEFAULT_UNIT_SLIP_EXPONENTS
    kelvin_celsius_tolerance_K: float = DEFAULT_KELVIN_CELSIUS_TOLERANCE_K

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            values = value if isinstance(value, tuple) else (value,)
            if not values or not all(isinstance(v, int | float) and v >= 0 for v in values):
                raise ValueError(f"{f.name} must be >= 0, got {value!r}")

    @classmethod
    def resolve(cls, settings: Self | Mapping[str, Any] | None) -> Self:
        """Accept None (defaults), a dict of overrides or an instance."""
        if settings is None:
            return cls()
        if not isinstance(settings, Mapping):
            return settings
        unknown = set(settings) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown comparison settings: {sorted(unknown)}")
        return cls(**dict(settings))


@dataclass(frozen=True)
class Value:
    """One side of a comparison: a value (or range) in S/cm and its temperature."""

    sigma: float | None
    low: float | None = None
    high: float | None = None
    temperature_K: float | None = None
    temperature_raw: str | None = None
    figures: int = 3
    label: str = "one value"

    @property
    def has_value(self) -> bool:
        return any(v is not None for v in (self.sigma, self.low, self.high))

    def describe(self) -> str:
        """``1.25e-1 S/cm at 573.15 K``: the value as a curator reads it."""
        if self.sigma is not None:
            value = format_sigma(self.sigma)
        elif self.low is not None and self.high is not None:
            value = f"{format_sigma(self.low)}–{format_sigma(self.high)}"
        elif self.high is not None:
            value = f"<{format_sigma(self.high)}"
        else:
            value = f">{format_sigma(self.low or 0.0)}"
        return f"{value} S/cm {describe_temperature(self.temperature_K, self.temperature_raw)}"

    def contains(self, value: float, tolerance: float) -> bool:
        low = -math.inf if self.low is None else self.low * (1 - tolerance)
        high = math.inf if self.high is None else self.high * (1 + tolerance)
        return low <= value <= high


@dataclass(frozen=True)
class Verdict:
    """The status of a comparison and why, in words a curator can act on."""

    status: str
    reason: str
    factor: float | None
    temperature_diff_K: float | None


def significant_figures(number: str) -> int:
    """Significant figures of a written number; trailing zeros of integers do not count."""
    digits = number.replace(".", "").lstrip("0")
    if "." not in number:
        digits = digits.rstrip("0")
    return max(len(digits), 1)


def written_figures(value_raw: str | None, sigma: float | None) -> int:
    """Precision of a value as written (``0.01`` → 1, ``1.03 × 10^-5`` → 3)."""
    number = re.search(r"\d+(?:\.\d+)?|\.\d+", value_raw or "")
    if number:
        return significant_figures(number.group())
    return significant_figures(f"{sigma:.12g}".split("e")[0]) if sigma else 1


def _round_significant(value: float, figures: int) -> float:
    return float(f"{value:.{figures - 1}e}")


def capitalised(text: str) -> str:
    """An explanation's sentence with its first letter capital (the rest as written)."""
    return text[:1].upper() + text[1:]


def format_sigma(value: float) -> str:
    """``0.125`` as ``1.25e-1``: compact, and the exponent reads like the papers'."""
    figures = significant_figures(f"{value:.12g}".split("e")[0])
    mantissa, exponent = f"{value:.{figures - 1}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def describe_temperature(kelvin: float | None, raw: str | None = None) -> str:
    """``at 573.15 K (300 °C)``; a missing temperature is said to be missing."""
    if kelvin is None:
        return "(temperature not stated)"
    written = f", written “{raw}”" if raw else ""
    return f"at {kelvin:g} K ({kelvin - ZERO_CELSIUS_K:.4g} °C{written})"


def _scale(raw: str | None) -> str | None:
    """``K`` or ``C`` for a temperature written with one number and that unit."""
    if not raw:
        return None
    if re.search(r"°\s*C|◦\s*C|\bdeg\s*C|℃", raw):
        return "C"
    return "K" if re.search(r"\d\s*K\b", raw) else None


def _kelvin_celsius(a: Value, b: Value, diff: float, settings: CompareSettings) -> bool:
    """A kelvin figure taken for Celsius (or back): 273.15 K apart, or the same figure."""
    if abs(abs(diff) - ZERO_CELSIUS_K) <= settings.kelvin_celsius_tolerance_K:
        return True
    scales, numbers = (_scale(a.temperature_raw), _scale(b.temperature_raw)), [
        _NUMBER.search(v.temperature_raw or "") for v in (a, b)]
    return (None not in scales and scales[0] != scales[1] and numbers[0] is not None
            and numbers[1] is not None
            and float(numbers[0].group().replace("−", "-"))
            == float(numbers[1].group().replace("−", "-")))


def _values(a: Value, b: Value, settings: CompareSettings) -> tuple[str, str]:
    """Status and reason from the values alone."""
    if a.sigma is not None and b.sigma is not None:
        if abs(a.sigma - b.sigma) <= settings.relative_tolerance * abs(b.sigma):
            return "agrees", "the values are equal"
        figures = min(a.figures, b.figures)
        if _round_significant(a.sigma, figures) == _round_significant(b.sigma, figures):
            return "rounding", f"equal at the {figures} significant figure(s) written"
        for k in settings.unit_slip_exponents:
            for sign in (1, -1):
                if abs(a.sigma / 10 ** (sign * k) - b.sigma) <= (
                        settings.unit_slip_tolerance * abs(b.sigma)):
                    smaller = a if sign == -1 else b
                    return "unit_slip", (f"10^{k} apart, as a slip of units (S, mS, µS) or of "
                                         f"the power of ten makes them; smaller in "
                                         f"{smaller.label}")
        return "value_conflict", f"{max(a.sigma, b.sigma) / min(a.sigma, b.sigma):.3g}× apart"
    if a.sigma is not None or b.sigma is not None:
        single, span = (a, b) if a.sigma is not None else (b, a)
        assert single.sigma is not None
        if span.contains(single.sigma, settings.relative_tolerance):
            return "agrees", "the value lies within the other's range"
        return "value_conflict", "the value lies outside the other's range"
    overlap = ((a.low is None or b.high is None or a.low <= b.high)
               and (b.low is None or a.high is None or b.low <= a.high))
    return ("agrees", "the ranges overlap") if overlap else ("value_conflict",
                                                             "the ranges are disjoint")


def compare(a: Value, b: Value, settings: CompareSettings | None = None) -> Verdict | None:
    """The verdict on two values of one material, or None when they are two measurements.

    Temperatures are compared in K. Beyond the tolerance, the same value (or a rounding) is a
    ``temperature_conflict``, and so is a K/°C mix-up whatever the values; different values
    at different temperatures are not compared (an Arrhenius series, not a contradiction).
    """
    settings = settings or CompareSettings()
    if not (a.has_value and b.has_value):
        return None
    factor = a.sigma / b.sigma if a.sigma and b.sigma else None
    if a.temperature_K is None or b.temperature_K is None:
        status, reason = _values(a, b, settings)
        silent = [v.label for v in (a, b) if v.temperature_K is None]
        return Verdict(status, f"{reason}; no temperature stated in {' or '.join(silent)}",
                       factor, None)
    diff = a.temperature_K - b.temperature_K
    status, reason = _values(a, b, settings)
    if abs(diff) <= settings.temperature_tolerance_K:
        return Verdict(status, reason, factor, diff)
    if _kelvin_celsius(a, b, diff, settings):
        return Verdict("temperature_conflict",
                       f"temperatures {abs(diff):g} K apart, a K/°C mix-up; {reason}",
                       factor, diff)
    if status in ("agrees", "rounding"):
        return Verdict("temperature_conflict",
                       f"the same value at temperatures {abs(diff):.4g} K apart", factor, diff)
    return None
