"""lib.present.plain_templates: text without a tag renders as Jinja renders it, uncompiled."""

from __future__ import annotations

import copy

import branca.element
import jinja2
import pytest

from lib.present import maps, plain_templates

CASES = [
    "",
    "plain",
    "line\n",
    "two trailing\n\n",
    "windows\r\nlines\r\n",
    "old mac\rline\r",
    "  spaced  \n  ",
    '<script>var g = {"type": "Feature", "properties": {"name": "甲镇"}};</script>',
    "a brace { and } and }} but no tag",
    "percent % and # and {  % spaced",
]


@pytest.mark.parametrize("source", CASES)
def test_plain_text_renders_as_jinja_renders_it(source):
    made = plain_templates.template(source)
    assert isinstance(made, plain_templates.PlainText)
    assert made.render() == jinja2.Template(source).render()
    assert made.render(this=object(), kwargs={}) == jinja2.Template(source).render(this=None, kwargs={})


@pytest.mark.parametrize(
    "source", ["{{ this }}", "{% if x %}y{% endif %}", "{# note #}z", '{"a": "{{ 1 }}"}']
)
def test_text_with_a_tag_is_compiled(source):
    made = plain_templates.template(source)
    assert isinstance(made, jinja2.Template)


def test_the_compiled_templates_other_parts_are_still_there():
    made = plain_templates.template("hello\n")
    assert made.module is not None  # falls through to the compiled template


def test_a_map_renders_the_same_html_with_and_without_the_shortcut():
    assert branca.element.Template is plain_templates.template  # installed by lib.present.maps
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "411503001", "name": "甲镇"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[114, 32], [114.1, 32], [114.1, 32.1], [114, 32.1], [114, 32]]],
                },
            }
        ],
    }
    m = maps.build_choropleth(
        features,
        {"411503001": 0.9},
        title="巩固率\r\n（测试）",
        **maps.target_scale({"red": 0.8, "green": 0.95, "higher_is_better": True}),
    )
    twin = copy.deepcopy(m)  # the same elements with the same ids, not yet rendered
    fast = m.get_root().render()
    branca.element.Template = jinja2.Template
    try:
        slow = twin.get_root().render()
    finally:
        plain_templates.install()
    assert fast == slow
    assert "411503001" in fast  # the layer is there (its names are JSON-escaped)
