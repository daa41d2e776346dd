"""The independent calendar reader fails, saying how to install it, when Node.js or ical.js is missing."""
import shutil

import ical_readers
import pytest


def test_without_node_the_reader_fails_saying_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=r"Node.js is needed .*apt-get install nodejs npm"):
        ical_readers.read_with_ical_js(tmp_path / "x.ics")


def test_without_ical_js_installed_the_reader_fails_saying_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(ical_readers, "ICAL_JS", tmp_path)
    with pytest.raises(pytest.fail.Exception, match=r"ical.js is not installed: run `make test`"):
        ical_readers.read_with_ical_js(tmp_path / "x.ics")
