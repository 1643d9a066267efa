"""kg.publish.dates: Solar Hijri dates checked against jdatetime, dates written for each language (numbers:
tests/test_i18n.py)."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest

from kg.publish.dates import format_date, format_year_month, to_solar_hijri


def test_the_solar_hijri_date_of_every_third_day_of_two_centuries_is_jdatetime_s():
    day = dt.date(1925, 3, 1)
    while day < dt.date(2125, 3, 1):
        expected = jdatetime.date.fromgregorian(date=day)
        assert to_solar_hijri(day.year, day.month, day.day) == (expected.year, expected.month, expected.day), day
        day += dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("gregorian", "hijri"),
    [
        ((2022, 3, 20), (1400, 12, 29)),  # the last day of 1400
        ((2022, 3, 21), (1401, 1, 1)),  # Nowruz 1401
        ((2025, 3, 20), (1403, 12, 30)),  # a leap year's 30 Esfand
        ((2022, 9, 22), (1401, 6, 31)),  # the last 31-day month
        ((2022, 9, 23), (1401, 7, 1)),
        ((2000, 2, 29), (1378, 12, 10)),  # a Gregorian leap day
        ((2022, 6, 19), (1401, 3, 29)),  # the article's date
    ],
)
def test_the_edges_of_years_and_months(gregorian, hijri):
    assert to_solar_hijri(*gregorian) == hijri


@pytest.mark.parametrize(
    ("lexical", "lang", "shown"),
    [
        ("2022-03-20", "en", "20 March 2022 (29 Esfand 1400 SH)"),
        ("2022-03-20", "fa", "۲۹ اسفند ۱۴۰۰ (۲۰ مارس ۲۰۲۲)"),
        ("2022-06-19", "fa", "۲۹ خرداد ۱۴۰۱ (۱۹ ژوئن ۲۰۲۲)"),
        ("1991-12-16", "en", "16 December 1991 (25 Azar 1370 SH)"),
    ],
)
def test_a_date_is_shown_in_the_page_s_calendar_first(lexical, lang, shown):
    assert format_date(lexical, lang) == shown


@pytest.mark.parametrize("lexical", ["2022-13-01", "2022-00-10", "22-03-20", "2022-03-20T10:00:00", "2022-3-20"])
def test_what_is_not_a_date_is_shown_as_written(lexical):
    assert format_date(lexical, "en") == lexical


@pytest.mark.parametrize(
    ("lexical", "lang", "shown"),
    [
        ("2022-06", "en", "June 2022"),
        ("2022-06", "fa", "ژوئن ۲۰۲۲"),
        ("2022-13", "fa", "2022-13"),
        ("2022", "en", "2022"),
    ],
)
def test_a_year_and_month_is_the_gregorian_month(lexical, lang, shown):
    assert format_year_month(lexical, lang) == shown


@pytest.mark.parametrize(
    ("lexical", "fmt"),
    [
        ("2022-02-30", format_date),  # no such day: was "30 February 2022 (11 Esfand 1400 SH)"
        ("2023-02-29", format_date),
        ("2022-04-31", format_date),
        ("۲۰۲۲-۰۳-۲۰", format_date),  # Persian digits: no xsd:date, was shown as 20 March 2022
        ("۲۰۲۲-۰۶", format_year_month),
    ],
)
def test_an_ill_typed_value_is_shown_as_written_never_as_another_value(lexical, fmt):
    """Regression: \\d took Persian and Arabic-Indic digits, and days were checked only to be 1-31, so ill-typed
    dates were shown as values they are not (a 30 February with a Solar Hijri date of its own)."""
    assert fmt(lexical, "en") == lexical
    assert fmt(lexical, "fa") == lexical
