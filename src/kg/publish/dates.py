"""Dates and times as a reader reads them: in both calendars, in English or Persian.

Every kind of XSD date and time a page shows goes through :func:`format_temporal`
(the one home: entity pages, the ontology documentation); numbers and digits have
theirs in :mod:`kg.i18n` (:func:`~kg.i18n.format_number`, :func:`~kg.i18n.digits`).

- ``xsd:date``: the page's calendar first, the other in brackets.
- ``xsd:dateTime`` (and ``xsd:dateTimeStamp``): the date so, then the time of day
  as written, with its zone (``UTC``, ``UTC+03:30``; a time with no zone is local
  time and says none). The date is the one written, in the value's own zone.
- ``xsd:gYearMonth`` and ``xsd:gYear``: the Gregorian month or year as stated,
  then the Solar Hijri days or years it spans (a Gregorian month spans two
  Solar Hijri months, a year two years).
- ``xsd:time``: the time of day and its zone.

A value that is not of its type (30 February, Persian digits, a year of five digits)
is shown as written, never as another value. Pages keep the written form for
machines in ``<time datetime>`` (:func:`html_datetime`).

Our own code: the Solar Hijri conversion is the arithmetic of the 33-year
cycle (as in jalaali-js and jdatetime), a dozen lines, and the project runs
without a calendar library.

>>> to_solar_hijri(2022, 3, 20), to_solar_hijri(2022, 6, 19), to_solar_hijri(1979, 2, 11)
((1400, 12, 29), (1401, 3, 29), (1357, 11, 22))
>>> format_date("2022-03-20", "en"), format_date("2022-03-20", "fa")
('20 March 2022 (29 Esfand 1400 SH)', '۲۹ اسفند ۱۴۰۰ (۲۰ مارس ۲۰۲۲)')
>>> format_temporal("2026-12-06T00:00:00Z", "dateTime", "en")
'6 December 2026 (15 Azar 1405 SH), 00:00 UTC'
>>> format_temporal("2026-12-06T00:00:00Z", "dateTime", "fa")
'۱۵ آذر ۱۴۰۵ (۶ دسامبر ۲۰۲۶)، ساعت ۰۰:۰۰ به وقت هماهنگ جهانی'
"""

from __future__ import annotations

import datetime
import re

from kg.i18n import PDI, digits

GREGORIAN_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fa": ("ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر"),
}  # fmt: skip
SOLAR_HIJRI_MONTHS = {
    "en": ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey",
           "Bahman", "Esfand"),
    "fa": ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"),
}  # fmt: skip
#: How each language names the calendars after a bare year, the universal time, and a time of day.
_GREGORIAN_YEAR = {"en": "{}", "fa": "{} میلادی"}
_HIJRI_YEAR = {"en": "{} SH", "fa": "{} خورشیدی"}
_UTC = {"en": "UTC", "fa": "به وقت هماهنگ جهانی"}
_AT = {"en": "{date}, {time}", "fa": "{date}، ساعت {time}"}
_DECIMAL_POINT = {"en": ".", "fa": "\u066b"}
_SEPARATOR = {"en": ", ", "fa": "، "}
#: Unicode's left-to-right isolate (ended by PDI): a zone's offset reads "+03:30" in a right-to-left line too.
LRI = "\u2066"
_CUMULATIVE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
#: The XSD lexical forms read here: ASCII digits only (\d takes Persian digits too), years of four digits.
_ZONE = r"(Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?"
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})" + _ZONE)
_TIME = r"([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?"
_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T" + _TIME + _ZONE)
_TIME_OF_DAY = re.compile(_TIME + _ZONE)
_YEAR_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_YEAR = re.compile(r"[0-9]{4}")
#: What HTML's ``<time datetime>`` takes of each kind (its own grammar; a date with a zone is none of it).
_HTML_FORMS = {
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "dateTime": re.compile(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?(Z|[+-][0-9]{2}:[0-9]{2})?"
    ),
    "gYearMonth": re.compile(r"[0-9]{4}-[0-9]{2}"),
    "gYear": re.compile(r"[0-9]{4}"),
    "time": re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?"),
}  # fmt: skip
_HTML_FORMS["dateTimeStamp"] = _HTML_FORMS["dateTime"]


def to_solar_hijri(year: int, month: int, day: int) -> tuple[int, int, int]:
    """The Solar Hijri (Jalali) date of a Gregorian date."""
    year2 = year + 1 if month > 2 else year
    days = (
        355666 + 365 * year + (year2 + 3) // 4 - (year2 + 99) // 100 + (year2 + 399) // 400 + day
        + _CUMULATIVE[month - 1]
    )  # fmt: skip
    jy = -1595 + 33 * (days // 12053)
    days %= 12053
    jy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        jy += (days - 1) // 365
        days = (days - 1) % 365
    if days < 186:
        return jy, 1 + days // 31, 1 + days % 31
    return jy, 7 + (days - 186) // 30, 1 + (days - 186) % 30


def format_temporal(lexical: str, kind: str, lang: str) -> str | None:
    """A value of the XSD date or time type ``kind`` (its local name: ``date``, ``dateTime``, ``gYear``, …)
    as the page shows it; None if ``kind`` is no date or time type this module writes."""
    formatter = _FORMATTERS.get(kind)
    return None if formatter is None else formatter(lexical, lang)


def html_datetime(lexical: str, kind: str) -> str | None:
    """The value for ``<time datetime>`` of a value of ``kind``, if HTML's grammar takes the written form."""
    form = _HTML_FORMS.get(kind)
    return lexical if form is not None and form.fullmatch(lexical) and _valid(lexical, kind) else None


def format_date(lexical: str, lang: str) -> str:
    """An xsd:date in the page's calendar first and the other in brackets (then its zone, if it has one);
    the lexical form otherwise."""
    match = _DATE.fullmatch(lexical.strip())
    day = _day(*match.groups()[:3]) if match else None
    if match is None or day is None:
        return lexical
    zone = match.group(4)
    return _both_calendars(day, lang) + (digits(_SEPARATOR[lang] + _zone(zone, lang), lang) if zone else "")


def format_datetime(lexical: str, lang: str) -> str:
    """An xsd:dateTime: its date as :func:`format_date` writes it, then the time of day and its zone."""
    match = _DATE_TIME.fullmatch(lexical.strip())
    day = _day(*match.groups()[:3]) if match else None
    if match is None or day is None:
        return lexical
    when = _AT[lang].format(date=_both_calendars(day, lang), time=_time_of_day(*match.groups()[3:], lang))
    return digits(when, lang)


def format_time(lexical: str, lang: str) -> str:
    """An xsd:time: hours and minutes (seconds when there are any) and the zone; the lexical form otherwise."""
    match = _TIME_OF_DAY.fullmatch(lexical.strip())
    if match is None:
        return lexical
    shown = _time_of_day(*match.groups(), lang)
    return digits(shown if lang == "en" else f"ساعت {shown}", lang)


def format_year_month(lexical: str, lang: str) -> str:
    """An xsd:gYearMonth as month and year, then the Solar Hijri days it runs from and to."""
    match = _YEAR_MONTH.fullmatch(lexical.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return lexical
    year, month = int(match.group(1)), int(match.group(2))
    first = to_solar_hijri(year, month, 1)
    last = to_solar_hijri(year, month, _month_length(year, month))
    if first[0] == last[0]:
        span = f"{_hijri_day(first, lang, year=False)} – {_hijri_day(last, lang)}"
    else:
        span = f"{_hijri_day(first, lang)} – {_hijri_day(last, lang)}"
    span = span if lang == "fa" else f"{span} SH"
    return digits(f"{GREGORIAN_MONTHS[lang][month - 1]} {year} ({span})", lang)


def format_year(lexical: str, lang: str) -> str:
    """An xsd:gYear as the Gregorian year, then the two Solar Hijri years it spans."""
    if not _YEAR.fullmatch(lexical.strip()):
        return lexical
    year = int(lexical)
    hijri = f"{to_solar_hijri(year, 1, 1)[0]}–{to_solar_hijri(year, 12, 31)[0]}"
    return digits(f"{_GREGORIAN_YEAR[lang].format(year)} ({_HIJRI_YEAR[lang].format(hijri)})", lang)


def _day(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:  # no such day (30 February), or month 13
        return None


def _both_calendars(day: datetime.date, lang: str) -> str:
    hijri = _hijri_day(to_solar_hijri(day.year, day.month, day.day), lang)
    gregorian = f"{day.day} {GREGORIAN_MONTHS[lang][day.month - 1]} {day.year}"
    if lang == "fa":
        return digits(f"{hijri} ({gregorian})", lang)
    return f"{gregorian} ({hijri} SH)"


def _hijri_day(date: tuple[int, int, int], lang: str, *, year: bool = True) -> str:
    jy, jm, jd = date
    return f"{jd} {SOLAR_HIJRI_MONTHS[lang][jm - 1]}" + (f" {jy}" if year else "")


def _time_of_day(hours: str, minutes: str, seconds: str, fraction: str | None, zone: str | None, lang: str) -> str:
    """``14:30`` (seconds when there are any, the fraction with the language's decimal point) and the zone."""
    if fraction:
        fraction = _DECIMAL_POINT[lang] + fraction[1:]
    shown = f"{hours}:{minutes}" + (f":{seconds}{fraction or ''}" if seconds != "00" or fraction else "")
    return f"{shown} {_zone(zone, lang)}" if zone else shown


def _zone(zone: str, lang: str) -> str:
    """``UTC``, ``UTC+03:30``; in Persian the offset is isolated left to right, its sign before its digits."""
    if zone in ("Z", "+00:00", "-00:00"):
        return _UTC[lang]
    return f"{_UTC[lang]} {LRI}{zone}{PDI}" if lang == "fa" else f"{_UTC[lang]}{zone}"


def _month_length(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


def _valid(lexical: str, kind: str) -> bool:
    """Whether a form HTML takes is also a real value (no 30 February, no month 13)."""
    if kind in ("date", "dateTime", "dateTimeStamp"):
        return _day(lexical[:4], lexical[5:7], lexical[8:10]) is not None and (
            kind == "date" or _DATE_TIME.fullmatch(lexical) is not None
        )
    if kind == "gYearMonth":
        return 1 <= int(lexical[5:7]) <= 12
    if kind == "time":
        return _TIME_OF_DAY.fullmatch(lexical) is not None
    return True


_FORMATTERS = {
    "date": format_date,
    "dateTime": format_datetime,
    "dateTimeStamp": format_datetime,
    "gYearMonth": format_year_month,
    "gYear": format_year,
    "time": format_time,
}
#: The local names of the XSD types :func:`format_temporal` writes.
TEMPORAL_KINDS = frozenset(_FORMATTERS)
