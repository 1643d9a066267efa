"""Dates as a reader reads them: in both calendars, in English or Persian.

Numbers and digits have one home, :mod:`kg.i18n` (:func:`~kg.i18n.format_number`,
:func:`~kg.i18n.digits`), shared with the site's tables and the messages.

Our own code: the Solar Hijri conversion is the arithmetic of the 33-year
cycle (as in jalaali-js and jdatetime), a dozen lines, and the project runs
without a calendar library.

>>> to_solar_hijri(2022, 3, 20), to_solar_hijri(2022, 6, 19), to_solar_hijri(1979, 2, 11)
((1400, 12, 29), (1401, 3, 29), (1357, 11, 22))
>>> format_date("2022-03-20", "en"), format_date("2022-03-20", "fa")
('20 March 2022 (29 Esfand 1400 SH)', '۲۹ اسفند ۱۴۰۰ (۲۰ مارس ۲۰۲۲)')
"""

from __future__ import annotations

import datetime
import re

from kg.i18n import digits

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
_CUMULATIVE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


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


def format_date(lexical: str, lang: str) -> str:
    """An xsd:date in the page's calendar first and the other in brackets; the lexical form otherwise."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", lexical.strip())
    if match is None:
        return lexical
    year, month, day = (int(x) for x in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:  # no such day (30 February)
        return lexical
    jy, jm, jd = to_solar_hijri(year, month, day)
    gregorian = f"{day} {GREGORIAN_MONTHS[lang][month - 1]} {year}"
    hijri = f"{jd} {SOLAR_HIJRI_MONTHS[lang][jm - 1]} {jy}"
    if lang == "fa":
        return digits(f"{hijri} ({gregorian})", lang)
    return f"{gregorian} ({hijri} SH)"


def format_year_month(lexical: str, lang: str) -> str:
    """An xsd:gYearMonth as month and year (Gregorian: a Gregorian month spans two Solar Hijri months)."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", lexical.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return lexical
    return digits(f"{GREGORIAN_MONTHS[lang][int(match.group(2)) - 1]} {match.group(1)}", lang)
