"""aux/markdown.py and the `markdown` template filter: user Markdown can never inject script."""

from django.template import Context, Template

from aux.markdown import render_markdown


def test_markdown_formatting_is_rendered():
    html = render_markdown("Hello **world**\n\n- one\n- two")
    assert "<strong>world</strong>" in html
    assert "<ul>" in html and "<li>one</li>" in html


def test_a_script_tag_and_its_content_never_reach_the_output():
    html = render_markdown("Hi <script>alert('x')</script> there")
    assert "<script" not in html.lower()
    assert "alert" not in html


def test_event_handler_attributes_are_removed():
    html = render_markdown(
        '<img src="x" onerror="alert(1)"> <a href="https://ok.example" onclick="e()">a</a>'
    )
    assert "onerror" not in html and "onclick" not in html
    assert "<img" not in html


def test_javascript_urls_are_dropped_from_links():
    html = render_markdown("[click](javascript:alert(1)) <a href='JaVaScRiPt:alert(2)'>b</a>")
    assert "javascript" not in html.lower()


def test_links_get_nofollow_noopener():
    html = render_markdown("[site](https://example.com)")
    assert 'href="https://example.com"' in html
    assert 'rel="nofollow noopener"' in html


def test_style_and_iframe_are_removed():
    html = render_markdown(
        '<style>body{}</style><iframe src="https://evil"></iframe><p style="x">t</p>'
    )
    assert "<style" not in html and "<iframe" not in html and "style=" not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == "" and render_markdown(None) == ""


def test_the_template_filter_renders_sanitised_html_unescaped():
    out = Template("{{ bio|markdown }}").render(Context({"bio": "**hi** <script>x()</script>"}))
    assert "<strong>hi</strong>" in out
    assert "<script" not in out and "&lt;script" not in out
