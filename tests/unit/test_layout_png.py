"""The map as a server-drawn PNG (lib.layout.maps) on the hand-built network: a real image with the
out-of-reach villages and the closures drawn, made without a browser."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from lib.layout import coverage as layout
from lib.layout import maps, planning

from . import layout_net as net


def _pixels(png: bytes) -> np.ndarray:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _count(img: np.ndarray, rgb: tuple[int, int, int], tol: int = 40) -> int:
    return int((np.abs(img - np.array(rgb)).sum(axis=2) < tol).sum())


def test_layout_png_draws_schools_and_villages_out_of_reach():
    data = net.build()
    view = layout.compute_layout(data, band="primary")
    img = _pixels(maps.layout_png(data, view, title="学校与就近可达 · 测试", note="示意图"))
    assert img.shape[0] > 500 and img.shape[1] > 500
    assert _count(img, (0xD7, 0x30, 0x27)) > 20  # red rings: V3 and V4 are out of reach


def test_plan_png_crosses_out_closed_schools():
    data = net.build()
    changes = [{"op": "close", "code": "A"}]
    effect = planning.evaluate(data, changes, band="primary")
    closed = _pixels(maps.plan_png(data, effect, changes, title="方案", note="示意图"))
    plain = _pixels(
        maps.plan_png(data, planning.evaluate(data, [], band="primary"), [], title="方案", note="示意图")
    )
    assert _count(closed, (0, 0, 0), tol=30) > _count(plain, (0, 0, 0), tol=30)  # the black cross
