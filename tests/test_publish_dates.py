"""kg.publish.dates: Solar Hijri dates checked against jdatetime, dates written for each language (numbers:
tests/test_i18n.py)."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest

from kg.publish.dates import (
    format_date,
    format_datetime,
    format_temporal,
    format_year_month,
    html_datetime,
    to_solar_hijri,
)


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
        ("2022-06", "en", "June 2022 (11 Khordad – 9 Tir 1401 SH)"),
        ("2022-06", "fa", "ژوئن ۲۰۲۲ (۱۱ خرداد – ۹ تیر ۱۴۰۱)"),
        ("2022-03", "en", "March 2022 (10 Esfand 1400 – 11 Farvardin 1401 SH)"),  # across Nowruz
        ("2024-02", "fa", "فوریه ۲۰۲۴ (۱۲ بهمن – ۱۰ اسفند ۱۴۰۲)"),  # a leap February: 29 days
        ("2022-13", "fa", "2022-13"),
        ("2022", "en", "2022"),
    ],
)
def test_a_year_and_month_is_the_gregorian_month_and_the_solar_hijri_days_it_spans(lexical, lang, shown):
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


@pytest.mark.parametrize(
    ("lexical", "lang", "shown"),
    [
        # the dataset description's curation time (prov:endedAtTime), shown raw before
        ("2026-12-06T00:00:00Z", "en", "6 December 2026 (15 Azar 1405 SH), 00:00 UTC"),
        ("2026-12-06T00:00:00Z", "fa", "۱۵ آذر ۱۴۰۵ (۶ دسامبر ۲۰۲۶)، ساعت ۰۰:۰۰ به وقت هماهنگ جهانی"),
        ("2022-06-19T09:05:00+00:00", "en", "19 June 2022 (29 Khordad 1401 SH), 09:05 UTC"),
        # the date as written in its own zone (not moved to UTC): 23:30 in Tehran on the last day of 1400
        ("2022-03-20T23:30:00+03:30", "en", "20 March 2022 (29 Esfand 1400 SH), 23:30 UTC+03:30"),
        (
            "2022-03-20T23:30:00+03:30",
            "fa",
            "۲۹ اسفند ۱۴۰۰ (۲۰ مارس ۲۰۲۲)، ساعت ۲۳:۳۰ به وقت هماهنگ جهانی \u2066+۰۳:۳۰\u2069",
        ),
        ("2022-03-21T07:15:30.25-05:00", "en", "21 March 2022 (1 Farvardin 1401 SH), 07:15:30.25 UTC-05:00"),
        ("2022-03-21T07:15:30.25", "fa", "۱ فروردین ۱۴۰۱ (۲۱ مارس ۲۰۲۲)، ساعت ۰۷:۱۵:۳۰٫۲۵"),  # no zone: local time
    ],
)
def test_a_date_time_is_its_date_in_both_calendars_then_its_time_and_zone(lexical, lang, shown):
    assert format_datetime(lexical, lang) == shown
    assert format_temporal(lexical, "dateTime", lang) == format_temporal(lexical, "dateTimeStamp", lang) == shown


@pytest.mark.parametrize(
    "lexical",
    ["2022-02-30T00:00:00Z", "2022-03-20T24:00:00Z", "2022-03-20T10:60:00Z", "2022-03-20 10:00:00",
     "2022-03-20T10:00", "۲۰۲۲-۰۳-۲۰T10:00:00Z", "2022-03-20T10:00:00+15:00", "12022-03-20T10:00:00Z"],
)  # fmt: skip
def test_what_is_not_a_date_time_is_shown_as_written(lexical):
    assert format_datetime(lexical, "en") == format_datetime(lexical, "fa") == lexical
    assert html_datetime(lexical, "dateTime") is None


@pytest.mark.parametrize(
    ("lexical", "kind", "lang", "shown"),
    [
        ("2022", "gYear", "en", "2022 (1400–1401 SH)"),
        ("2022", "gYear", "fa", "۲۰۲۲ میلادی (۱۴۰۰–۱۴۰۱ خورشیدی)"),
        ("۲۰۲۲", "gYear", "fa", "۲۰۲۲"),  # Persian digits: no xsd:gYear
        ("14:30:00", "time", "en", "14:30"),
        ("14:30:00Z", "time", "fa", "ساعت ۱۴:۳۰ به وقت هماهنگ جهانی"),
        ("2022-03-20Z", "date", "en", "20 March 2022 (29 Esfand 1400 SH), UTC"),
        ("2022-03-20+04:30", "date", "fa", "۲۹ اسفند ۱۴۰۰ (۲۰ مارس ۲۰۲۲)، به وقت هماهنگ جهانی \u2066+۰۴:۳۰\u2069"),
        ("2022-06-19", "date", "fa", "۲۹ خرداد ۱۴۰۱ (۱۹ ژوئن ۲۰۲۲)"),
    ],
)
def test_every_date_and_time_kind_has_one_way_to_be_written(lexical, kind, lang, shown):
    assert format_temporal(lexical, kind, lang) == shown


def test_a_kind_that_is_no_date_or_time_is_not_written_here():
    assert format_temporal("P1Y", "duration", "en") is None
    assert format_temporal("2022-06-19", "string", "fa") is None


@pytest.mark.parametrize(
    ("lexical", "kind", "machine"),
    [
        ("2026-12-06T00:00:00Z", "dateTime", "2026-12-06T00:00:00Z"),
        ("2022-03-20T23:30:00.125+03:30", "dateTime", "2022-03-20T23:30:00.125+03:30"),
        ("2022-03-20T23:30:00.1255", "dateTime", None),  # HTML takes at most three decimals
        ("2022-06-19", "date", "2022-06-19"),
        ("2022-03-20Z", "date", None),  # HTML has no date with a zone
        ("2022-02-30", "date", None),
        ("2022-06", "gYearMonth", "2022-06"),
        ("2022-13", "gYearMonth", None),
        ("2022", "gYear", "2022"),
        ("14:30:00", "time", "14:30:00"),
        ("P1Y", "duration", None),
    ],
)
def test_the_written_form_is_kept_for_machines_where_html_s_time_element_takes_it(lexical, kind, machine):
    assert html_datetime(lexical, kind) == machine
