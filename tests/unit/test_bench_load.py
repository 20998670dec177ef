"""The load test's own accounting (bench/bench_load.py): percentiles, error counts, and how it
finds the 每周填报 form's widgets in the ForwardMsgs a server sends.  No server runs here."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

_SPEC = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parents[2] / "bench" / "bench_load.py"
)
bench = importlib.util.module_from_spec(_SPEC)
sys.modules["bench_load"] = bench  # dataclasses look their module up there
_SPEC.loader.exec_module(bench)


def test_percentile_interpolates_between_ranks():
    xs = [4.0, 1.0, 3.0, 2.0]  # sorted 1 2 3 4: p50 halfway between 2 and 3, p95 = 3 + 0.85
    assert bench.percentile(xs, 50) == pytest.approx(2.5)
    assert bench.percentile(xs, 95) == pytest.approx(3.85)
    assert bench.percentile([7.0], 95) == 7.0
    assert math.isnan(bench.percentile([], 50))


def test_summarize_times_only_settled_runs_and_counts_the_rest_as_errors():
    runs = [
        bench.Run(1.0, "ok"),
        bench.Run(3.0, "ok"),
        bench.Run(99.0, "timeout"),
        bench.Run(0.0, "no_form"),
        bench.Run(0.5, "still_missing"),
    ]
    s = bench.summarize(runs)
    assert s["runs"] == 5
    assert s["errors"] == 3
    assert s["p50"] == pytest.approx(2.0)  # the timeout's 99 s is not a page time


def _element(kind: str, **fields) -> ForwardMsg:
    msg = ForwardMsg()
    proto = getattr(msg.delta.new_element, kind)
    for name, value in fields.items():
        if isinstance(value, list):
            getattr(proto, name).extend(value)
        else:
            setattr(proto, name, value)
    return msg


def test_collect_finds_the_weekly_form_by_user_key():
    widgets: dict = {}
    msgs = [
        _element("multiselect", id="$$ID-aa-f_towns", options=["明港镇"]),
        _element("multiselect", id="$$ID-bb-do_submit_schools", form_id="do_submit_week", options=["一小"]),
        _element("button", id="$$ID-cc-logout"),
        _element(
            "button",
            id="$$ID-dd-FormSubmitter:do_submit_week-登记",
            form_id="do_submit_week",
            is_form_submitter=True,
        ),
    ]
    assert [bench.collect(m, widgets) for m in msgs] == [None] * 4
    assert bench.widget_of(widgets, "do_submit_schools")["options"] == ["一小"]
    assert bench.widget_of(widgets, "schools") is None  # a suffix of the key is not the key
    assert bench.form_submitter(widgets, "do_submit_week")["id"].endswith("登记")
    assert bench.form_submitter(widgets, "login_form") is None


def test_collect_reports_a_traceback_and_the_login_form():
    assert bench.collect(_element("exception", message="boom"), {}) == "exception"
    login = _element(
        "button", id="$$ID-ee-FormSubmitter:login_form-登录", form_id="login_form", is_form_submitter=True
    )
    assert bench.collect(login, {}) == "login"
