"""Which typeface prints which characters: DejaVu for what it covers, the CJK fallback for the rest."""
from __future__ import annotations

from clinic_desktop.letters.fonts import FALLBACK, markup, runs


def test_latin_greek_and_cyrillic_stay_in_one_dejavu_run():
    assert runs("Zoë Siobhán Łukasz Ελένη Ольга") == [("Zoë Siobhán Łukasz Ελένη Ольга", False)]


def test_cjk_characters_go_to_the_fallback_and_the_rest_stays():
    assert runs("WANG, 王芳 (Zoë)") == [("WANG, ", False), ("王芳 ", True), ("(Zoë)", False)]


def test_korean_and_japanese_names_are_covered_by_the_fallback():
    assert runs("김민준 さくら") == [("김민준 さくら", True)]


def test_a_character_no_font_has_stays_with_dejavu():
    assert runs("A\U0001F9B4") == [("A\U0001F9B4", False)]


def test_markup_escapes_and_marks_fallback_runs():
    assert markup("O'Brien <b>&amp; 王芳") == (f"O'Brien &lt;b&gt;&amp;amp; <font face=\"{FALLBACK}\">王芳</font>")
