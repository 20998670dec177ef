"""The app's own session values must pickle (the server enforces it; AppTest cannot)."""

import pickle

from .conftest import open_page


def test_app_session_values_are_serializable(demo_db):
    at = open_page()
    assert not at.exception
    items = dict(at.session_state.items())
    assert "scope" in items
    for _key, value in items.items():
        pickle.dumps(value)  # raises if a page stored something unserializable (key in the traceback)
