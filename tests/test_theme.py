"""A user theme overrides any template or static file of the default theme, and only those."""

from __future__ import annotations

from pathlib import Path

import pytest

from treillis.build import build


def make_theme(folder: Path) -> Path:
    (folder / "templates").mkdir(parents=True)
    (folder / "static").mkdir()
    (folder / "templates" / "partner.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1 class="custom">{{ partner.name }}</h1>{% endblock %}',
        encoding="utf-8",
    )
    (folder / "static" / "treillis.css").write_text("body { background: black; }", encoding="utf-8")
    (folder / "static" / "extra.js").write_text("// mine", encoding="utf-8")
    return folder


def test_theme_option_overrides_templates_and_static_files(
    small_site: Path, tmp_path: Path
) -> None:
    theme = make_theme(tmp_path / "theme")
    output = tmp_path / "output"
    build(small_site, output, theme=theme)
    partner = (output / "partners/reseau/index.html").read_text(encoding="utf-8")
    assert '<h1 class="custom">Le Réseau</h1>' in partner
    assert '<html lang="fr">' in partner  # base.html still comes from the default theme
    assert (output / "assets/treillis.css").read_text(
        encoding="utf-8"
    ) == "body { background: black; }"
    assert (output / "assets/extra.js").is_file()
    assert (output / "assets/print.css").is_file()  # not overridden: the default one
    dossier = (output / "dossiers/essai/index.html").read_text(encoding="utf-8")
    assert 'class="principles"' in dossier  # not overridden: the default template


def test_theme_named_in_site_yaml_is_found_next_to_the_content(small_site: Path) -> None:
    make_theme(small_site.parent / "themes" / "maison")
    config = small_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "theme: maison\n", encoding="utf-8")
    output = small_site.parent / "output"
    build(small_site, output)
    assert 'class="custom"' in (output / "partners/reseau/index.html").read_text(encoding="utf-8")


def test_an_unknown_theme_is_reported_on_its_line(small_site: Path, tmp_path: Path) -> None:
    import pytest

    from treillis.errors import BuildError

    config = small_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "theme: introuvable\n", encoding="utf-8")
    with pytest.raises(BuildError) as error:
        build(small_site, tmp_path / "output")
    problem = error.value.problems[0]
    assert problem.path.endswith("content/site.yaml") and problem.line == 9
    assert problem.message.startswith("theme 'introuvable' not found")


def test_a_fragment_is_reused_only_for_the_macro_that_made_it() -> None:
    """Two templates may define macros of one name: each item's markup is its own macro's."""
    from jinja2 import Environment

    from treillis.render import Fragments, _once_each

    env = Environment(autoescape=True)
    first = env.from_string("{% macro card(x) %}<p>{{ x.label }}</p>{% endmacro %}").module.card
    second = env.from_string("{% macro card(x) %}<li>{{ x.label }}</li>{% endmacro %}").module.card
    item = type("Item", (), {"label": "Budget"})()
    fragments = Fragments()
    assert _once_each(fragments, (), first, [item]) == ["<p>Budget</p>"]
    assert _once_each(fragments, (), second, [item]) == ["<li>Budget</li>"]
    assert _once_each(fragments, (), first, [item]) == ["<p>Budget</p>"]


def test_a_fragment_list_written_whole_is_one_fragment_a_line() -> None:
    """`{{ once_each(...) }}` writes the fragments, not a Python list of them."""
    from jinja2 import Environment

    from treillis.render import Fragments, _once_each

    env = Environment(autoescape=True)
    row = env.from_string("{% macro row(x) %}<li>{{ x.label }}</li>{% endmacro %}").module.row
    items = [type("Item", (), {"label": label})() for label in ("a<b", "c")]
    page = env.from_string("<ol>\n{{ rows }}\n</ol>")
    rows = _once_each(Fragments(), (), row, items)
    assert page.render(rows=rows) == "<ol>\n<li>a&lt;b</li>\n<li>c</li>\n</ol>"


def test_fragments_each_between_markup_is_what_a_loop_writes() -> None:
    """`.each(before, after)` writes what `{% for f in ... %}before{{ f }}after` would."""
    from jinja2 import Environment

    from treillis.render import Fragments, _once_each

    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    row = env.from_string("{% macro row(x) %}<a>{{ x.label }}</a>{% endmacro %}").module.row
    looped = env.from_string(
        "<ul>\n  {% for f in rows %}\n  <li>{{ f }}</li>\n  {% endfor %}\n</ul>"
    )
    whole = env.from_string('<ul>\n{{ rows.each("  <li>", "</li>\\n") }}</ul>')
    for labels in ([], ["a<b"], ["a", "b", "c"]):
        items = [type("Item", (), {"label": label})() for label in labels]
        rows = _once_each(Fragments(), (), row, items)
        assert whole.render(rows=rows) == looped.render(rows=rows)


def test_a_shared_fragment_is_made_once_per_key() -> None:
    """`once(macro, *key)`: the markup made for a key is reused for it, made anew for
    another key, and never mixed up with another macro's."""
    from jinja2 import Environment

    from treillis.render import Fragments, _once

    env = Environment(autoescape=True)
    made: list[str] = []
    module = env.from_string(
        "{% macro header() %}{{ note('h') }}<h>{{ x }}</h>{% endmacro %}"
        "{% macro footer() %}{{ note('f') }}<f>{{ x }}</f>{% endmacro %}"
    ).make_module({"x": "a<b", "note": lambda name: made.append(name) or ""})
    fragments = Fragments()
    assert _once(fragments, module.header, "../") == "<h>a&lt;b</h>"
    assert _once(fragments, module.header, "../") == "<h>a&lt;b</h>"
    assert _once(fragments, module.footer, "../") == "<f>a&lt;b</f>"
    assert _once(fragments, module.header, "../../") == "<h>a&lt;b</h>"
    assert made == ["h", "f", "h"]


def test_templates_write_values_escaped_as_markupsafe_does() -> None:
    """The renderer's cheaper output escaping writes what Jinja's own does, everywhere a
    value is written (a guard: the same text before and after the change)."""
    import jinja2
    from markupsafe import Markup

    from treillis.render import _Environment

    class Html:
        def __html__(self) -> str:
            return "<b>safe</b>"

    source = (
        "{% macro m(v) %}[{{ v }}]{% endmacro %}"
        "{% set block %}{{ text }}{% endset %}"
        "{{ text }} {{ markup }} {{ number }} {{ none }} {{ html }} {{ m(text) }} {{ block }}"
        "{% filter upper %}{{ text }}{% endfilter %} {{ text ~ markup }}"
        "{% for x in [text, markup] %}{{ x }}{% endfor %}{{ self.b() }}"
        "{% block b %}{{ text }}{% endblock %}"
        "{% autoescape false %}{{ text }}{% endautoescape %}"
        "{% trans t=text %}say {{ t }}{% endtrans %} {{ _('a<b') }}"
    )
    values = {
        "text": "<a href=\"x\">'&'</a>",
        "markup": Markup("<i>é</i>"),
        "number": 3,
        "none": None,
        "html": Html(),
    }
    options = {"autoescape": True, "undefined": jinja2.StrictUndefined}
    stock = jinja2.Environment(**options, extensions=["jinja2.ext.i18n"])
    cheaper = _Environment(**options, extensions=["jinja2.ext.i18n"])
    for env in (stock, cheaper):
        env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    expected = stock.from_string(source).render(values)
    assert cheaper.from_string(source).render(values) == expected
    assert "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;" in expected
    with pytest.raises(jinja2.UndefinedError):
        cheaper.from_string("{{ missing }}").render()


def test_a_dicts_items_are_read_as_jinja_reads_them() -> None:
    """`x.name` on a dict finds its item without trying an attribute first, and still
    prefers the dict's own attributes (`d.items`) and says what is missing, as Jinja does."""
    import jinja2

    from treillis.render import _Environment

    class Both(dict):
        label = "attribute"

    values = {
        "d": {"label": "<L>", "items": "item", "n": 0, "none": None},
        "both": Both(label="item"),
        "o": type("O", (), {"label": "object"})(),
        "s": "text",
    }
    source = (
        "{{ d.label }} {{ d.n }} {{ d.none }} {{ d['items'] }} {{ d.items is callable }}"
        " {{ d.missing is undefined }} {{ both.label }} {{ o.label }} {{ s.upper() }}"
        " {{ s.nothing is undefined }} {{ d.get('label') }}"
    )
    for undefined in (jinja2.Undefined, jinja2.StrictUndefined):
        options = {"autoescape": True, "undefined": undefined}
        expected = jinja2.Environment(**options).from_string(source).render(values)
        assert expected == "&lt;L&gt; 0 None item True True attribute object TEXT True &lt;L&gt;"
        assert _Environment(**options).from_string(source).render(values) == expected
        for missing in ("{{ d.missing }}", "{{ d.missing.deeper }}", "{{ both.missing }}"):
            outcomes = []
            for environment in (jinja2.Environment(**options), _Environment(**options)):
                try:
                    outcomes.append(environment.from_string(missing).render(values))
                except jinja2.UndefinedError as error:
                    outcomes.append(f"error: {error}")
            assert outcomes[0] == outcomes[1], missing
            assert "has no attribute 'missing'" in outcomes[0] or outcomes[0] == ""


def test_templates_call_plain_functions_directly_and_the_rest_as_jinja_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A function, a partial, a method (a fragment list's `each`), a built-in or a macro a
    template calls is called as it is, without asking it what it takes (dozens of calls a
    page); one marked to take the context, the environment or the evaluation context (a
    method too), or a callable object, is called as Jinja calls it: the same text as stock
    Jinja for every kind."""
    from functools import partial

    import jinja2
    from jinja2.runtime import _PassArg

    from treillis.render import _Environment

    @jinja2.pass_context
    def with_context(context, name: str) -> str:
        return f"{name}={context.resolve(name)}"

    @jinja2.pass_environment
    def with_environment(environment, value: str) -> str:
        return f"{environment.autoescape}:{value}"

    @jinja2.pass_eval_context
    def with_eval_context(eval_context, value: str) -> str:
        return f"{eval_context.autoescape}:{value}"

    class Callable:
        @jinja2.pass_context
        def __call__(self, context, value: str) -> str:
            return f"object {context.resolve('x')} {value}"

        def plain(self, value: str) -> str:
            return f"method {value}"

        @jinja2.pass_context
        def with_context(self, context, value: str) -> str:
            return f"method {context.resolve('x')} {value}"

    def stops() -> str:
        raise StopIteration

    marked = partial(lambda environment, v: f"{v}:{environment.autoescape}")
    marked.jinja_pass_arg = _PassArg.environment  # type: ignore[attr-defined]
    values = {
        "plain": lambda a, b="": f"({a}|{b})",
        "bound": partial(lambda a, b: f"{a}+{b}", "p"),
        "marked": marked,
        "with_context": with_context,
        "with_environment": with_environment,
        "with_eval_context": with_eval_context,
        "callable": Callable(),
        "method": Callable().plain,
        "method_with_context": Callable().with_context,
        "stops": stops,
        "x": "<x>",
    }
    source = (
        "{% macro m(v) %}[{{ v }}{{ caller() if caller is defined else '' }}]{% endmacro %}"
        "{{ plain('a', b='c') }} {{ bound('q') }} {{ m('v') }} {% call m('w') %}in{% endcall %}"
        "{{ with_context('x') }} {{ with_environment('e') }} {{ with_eval_context('v') }}"
        "{{ callable('c') }} {{ stops() is undefined }} {{ marked('m') }}"
        "{{ method('p') }} {{ method_with_context('c') }} {{ '-'.join(['a', x]) }}"
        "{% for y in ['1'] %}{% set z = y %}{{ with_context('z') }}{{ plain(y) }}{% endfor %}"
        "{% block b %}{% set w = 'bw' %}{{ with_context('w') }}{{ plain(x) }}{% endblock %}"
    )
    options = {"autoescape": True, "undefined": jinja2.StrictUndefined}
    expected = jinja2.Environment(**options).from_string(source).render(values)
    assert "x=&lt;x&gt;" in expected and "[win]" in expected and "m:True" in expected
    assert "method p method &lt;x&gt; c a-&lt;x&gt;" in expected
    assert _Environment(**options).from_string(source).render(values) == expected
    asked: list[object] = []
    real = _PassArg.from_obj

    def counted(obj: object) -> object:
        asked.append(obj)
        return real(obj)

    monkeypatch.setattr(_PassArg, "from_obj", counted)
    plain = _Environment(**options).from_string(
        "{% for i in n %}{{ f(i) }}{{ g(i) }}{{ h('') }}{{ k('') }}{% endfor %}"
    )
    more = {"g": partial(lambda a, i: a, ""), "h": Callable().plain, "k": "".join}
    assert plain.render(n=range(3), f=lambda i: i, **more) == "0method 1method 2method "
    assert plain.render(n=range(2), f=lambda i: i * 2, **more) == "0method 2method "
    assert asked == []


def test_a_reused_fragment_has_the_links_of_the_page_it_is_on() -> None:
    """Fragments are shared by pages whose links to the item are the same: pages as deep
    but in another top folder (from where the item's path is near) get their own."""
    from jinja2 import Environment

    from treillis.render import Fragments, _once_each
    from treillis.urls import folders_of, links_from

    env = Environment(autoescape=True)
    template = env.from_string('{% macro card(x) %}<a href="{{ url(x.path) }}">a</a>{% endmacro %}')
    item = type("Item", (), {"path": "atlas/d2/index.html"})()
    fragments = Fragments()

    def links(page: str) -> str:
        url = links_from(page)
        card = template.make_module({"url": url}).card
        made = _once_each(fragments, folders_of(page), card, [item], links=("path",))
        return made.__html__()

    assert links("dossiers/x/index.html") == '<a href="../../atlas/d2/index.html">a</a>'
    assert links("atlas/d1/index.html") == '<a href="../d2/index.html">a</a>'
    assert links("en/atlas/index.html") == '<a href="../../atlas/d2/index.html">a</a>'
    assert links("index.html") == '<a href="atlas/d2/index.html">a</a>'
    assert links("atlas/d1/all/index.html") == '<a href="../../d2/index.html">a</a>'
    assert links("dossiers/y/index.html") == '<a href="../../atlas/d2/index.html">a</a>'
    assert fragments.count == 4  # the two dossiers' pages and the English one share theirs
    assert links("atlas/d3/index.html") == '<a href="../d2/index.html">a</a>'
    assert links("atlas/d3/all/index.html") == '<a href="../../d2/index.html">a</a>'
    assert links("atlas/d2/all/index.html") == '<a href="../index.html">a</a>'
    assert fragments.count == 5  # another descriptor's pages share those of the first


def test_a_fragment_is_found_without_its_links() -> None:
    """An item is known by the deepest of the page's folders its path is in and the climb
    to it (a descriptor listed on another's page, even under a language's folder): its
    links are made only when its fragment is, then reused by pages alike."""
    from jinja2 import Environment

    from treillis.render import Fragments, _once_each
    from treillis.urls import folders_of, links_from

    env = Environment(autoescape=True)
    template = env.from_string('{% macro card(x) %}<a href="{{ url(x.path) }}">a</a>{% endmacro %}')
    fragments = Fragments()
    for top in ("", "en/"):
        items = [type("Item", (), {"path": f"{top}atlas/d{n}/index.html"})() for n in range(5)]
        made: list[str] = []
        asks: list[list[str]] = []
        for page in (
            f"{top}atlas/d0/index.html",
            f"{top}atlas/d1/index.html",
            f"{top}atlas/d2/index.html",
        ):
            asked: list[str] = []
            url = links_from(page)

            def counted(target: str, url=url, asked=asked) -> str:
                asked.append(target)
                return url(target)

            card = template.make_module({"url": counted}).card
            html = _once_each(fragments, folders_of(page), card, items, links=("path",))
            made.append(html.__html__())
            asks.append(asked)
        # Each item's link is made once, for its fragment, on the first page showing it
        # from another descriptor's folder; a page's own item (under its folder), on its page.
        d = [f"{top}atlas/d{n}/index.html" for n in range(5)]
        assert asks == [d, [d[0], d[1]], [d[2]]], (top, asks)
        assert made[1].split("\n")[2] == '<a href="../d2/index.html">a</a>'
        assert made[2].split("\n")[2] == '<a href="index.html">a</a>'
