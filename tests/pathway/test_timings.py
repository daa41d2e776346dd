import json
import re
from dataclasses import asdict

import pytest

from clinic_desktop.pathway.timings import SOURCE_LIMITS, PathwayTimings, load_timings

DEFAULTS = {
    "two_week_review_days": 14,
    "medication_review_days": 21,
    "early_radicular_referral_days": 14,
    "red_flag_referral_days": 0,
    "stratified_referral_days": 14,
    "twelve_week_check_days": 84,
    "escalation_referral_days": 14,
    "opioid_review_days": 14,
    "ongoing_evaluation_days": 28,
}


@pytest.fixture
def write_timings(tmp_path):
    def write(values):
        path = tmp_path / "timings.json"
        path.write_text(json.dumps(values), encoding="utf-8")
        return path

    return write


def test_defaults_are_the_design_timings():
    assert asdict(PathwayTimings()) == DEFAULTS


def test_packaged_file_holds_the_defaults():
    assert load_timings() == PathwayTimings()


def test_file_at_a_path_is_loaded(write_timings):
    path = write_timings({**DEFAULTS, "twelve_week_check_days": 70})
    assert load_timings(path).twelve_week_check_days == 70


def test_the_defaults_are_the_sources_limits():
    assert SOURCE_LIMITS == DEFAULTS


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_a_timing_later_than_the_source_is_refused_in_the_file(write_timings, name):
    path = write_timings({**DEFAULTS, name: DEFAULTS[name] + 1})
    with pytest.raises(ValueError, match=rf"{name} may be made stricter but never later than the source's "
                                         rf"{DEFAULTS[name]} days, got {DEFAULTS[name] + 1}"):
        load_timings(path)


def test_a_stricter_timing_is_allowed():
    assert PathwayTimings(medication_review_days=14).medication_review_days == 14


def test_file_path_may_be_given_as_text(write_timings):
    assert load_timings(str(write_timings(DEFAULTS))) == PathwayTimings()


def test_comment_key_is_ignored(write_timings):
    assert load_timings(write_timings({"_comment": "edited by the practice manager", **DEFAULTS})) == PathwayTimings()


def test_unknown_key_is_refused_naming_it_and_the_file(write_timings):
    path = write_timings({**DEFAULTS, "six_week_review_days": 42})
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: unknown timing 'six_week_review_days'"):
        load_timings(path)


def test_missing_key_is_refused_naming_it_and_the_file(write_timings):
    values = dict(DEFAULTS)
    del values["medication_review_days"]
    path = write_timings(values)
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: missing timing 'medication_review_days'"):
        load_timings(path)


def test_zero_days_is_refused_for_a_review(write_timings):
    path = write_timings({**DEFAULTS, "two_week_review_days": 0})
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: two_week_review_days must be a whole number of days, 1 or more"):
        load_timings(path)


def test_zero_days_is_allowed_for_the_red_flag_referral(write_timings):
    assert load_timings(write_timings(DEFAULTS)).red_flag_referral_days == 0


def test_negative_days_are_refused_for_the_red_flag_referral(write_timings):
    path = write_timings({**DEFAULTS, "red_flag_referral_days": -1})
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: red_flag_referral_days must be a whole number of days, 0 or more"):
        load_timings(path)


@pytest.mark.parametrize("value", [14.0, "14", True, None])
def test_days_that_are_not_a_whole_number_are_refused(write_timings, value):
    path = write_timings({**DEFAULTS, "stratified_referral_days": value})
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: stratified_referral_days must be a whole number"):
        load_timings(path)


def test_file_that_is_not_json_is_refused_naming_it(tmp_path):
    path = tmp_path / "timings.json"
    path.write_text("{ two weeks }", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: cannot read pathway timings"):
        load_timings(path)


def test_missing_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "absent.json"
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: cannot read pathway timings"):
        load_timings(path)


def test_file_that_is_not_an_object_is_refused_naming_it(write_timings):
    path = write_timings([14, 21])
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: pathway timings must be a JSON object"):
        load_timings(path)


def test_mapping_is_checked_like_the_file():
    with pytest.raises(ValueError, match="pathway timings: missing timing 'escalation_referral_days'"):
        PathwayTimings.from_mapping({key: value for key, value in DEFAULTS.items() if key != "escalation_referral_days"})


def test_timings_built_directly_are_checked():
    with pytest.raises(ValueError, match="medication_review_days must be a whole number of days, 1 or more, got 0"):
        PathwayTimings(medication_review_days=0)
