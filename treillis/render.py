"""Templates: a Jinja environment over the theme folders, rendering one page at a time.

A user theme folder overrides any template or static file of the default theme.
"""

from __future__ import annotations

import traceback
from collections import deque
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import partial
from operator import attrgetter
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

from treillis.default_theme import DEFAULT_THEME as DEFAULT_THEME  # where it was first
from treillis.diagrams.layout import text_colour_on
from treillis.errors import Problem
from treillis.i18n import Translations
from treillis.languages import REGISTRY
from treillis.model import DOCUMENT_TYPES, SiteConfig
from treillis.urls import Paths, folders_of, links_from
from treillis.views.common import Page, readable_accent

try:
    from markupsafe import _escape_inner  # the C escaping markupsafe's `escape` uses
except ImportError:  # pragma: no cover - another markupsafe: its public function

    def _escape_inner(text: str) -> str:
        return str(escape(text))


class TemplateProblem(Exception):
    """A template that cannot be compiled or rendered, located in its file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _output_escape(value: Any) -> str:
    """What `{{ value }}` writes with autoescape: markupsafe's `escape`, without making
    a `Markup` of each value (the page's parts are joined as strings all the same)."""
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return _escape_inner(str(value))


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, writing `{{ value }}` with `_output_escape` (its `escape`
    costs a Python-level `Markup` for each of the hundreds of values of a page)."""

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.output_escape(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


# What a template calls dozens of times a page (`url`, `t`, `once_each`, macros, a fragment
# list's `each`): objects of these types take no context unless marked so (`pass_context`
# and the like, which a method forwards from its function), which `_Context.call` tells
# with one look where Jinja's `call` takes three.
_PLAIN_CALLABLES = frozenset(
    {FunctionType, MethodType, BuiltinFunctionType, partial, jinja2.runtime.Macro}
)
_NO_STOP = "value was undefined because a callable raised a StopIteration exception"


# The contexts made while a page is rendered (its own, those of the macros it imports
# with it), for `_release`; per thread (the preview renders in its server's threads).
_CONTEXTS_MADE: ContextVar[list[jinja2.runtime.Context] | None] = ContextVar(
    "contexts_made", default=None
)


class _Context(jinja2.runtime.Context):
    """Jinja's context, calling plain functions and macros directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        made = _CONTEXTS_MADE.get()
        if made is not None:
            made.append(self)

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if type(__obj) not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja's `call`
            return __self.environment.undefined(_NO_STOP)


# A dict's own attributes, which `x.name` prefers to its item (`d.items` is the method).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    code_generator_class = _CodeGenerator
    context_class = _Context
    output_escape = staticmethod(_output_escape)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's `x.name`: the attribute, else the item; a dict's item found first
        when the dict has no such attribute (the same value, without the exception a
        failed attribute raises: a page's links and switches are dicts)."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


class Renderer:
    """Renders pages with the theme's templates; compiled templates are reused."""

    def __init__(
        self,
        themes: list[Path],
        config: SiteConfig,
        svgs: dict[str, str] | None = None,
        interface: Translations | None = None,
    ) -> None:
        self.themes = themes
        self.config = config
        self.svgs = svgs or {}
        self.paths = Paths(config.languages)
        self.env = _Environment(
            loader=jinja2.ChoiceLoader(
                [jinja2.FileSystemLoader(str(theme / "templates")) for theme in themes]
            ),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            # A changed theme file makes a new renderer (`pipeline.Renderers`): no look
            # at each template file's time for each of thousands of pages.
            auto_reload=False,
            # `{% trans %}`, `_()` and `ngettext()`, bound to each page's language.
            extensions=["jinja2.ext.i18n"],
        )
        self.env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
        # The interface's words: the catalogues of the themes (a broken one: BuildError).
        self.interface = interface or Translations.read(themes, config.languages)
        self.messages = {lang: self.interface.messages(lang) for lang in config.languages}
        self.jinja_functions = {
            lang: messages.jinja_functions() for lang, messages in self.messages.items()
        }
        # Fragments rendered once and reused by every page (see `_once`), by language.
        self.fragments: dict[str, Fragments] = {}
        self._by_language: dict[str, dict[str, Any]] = {}

    def render(self, page: Page) -> str:
        made: list[jinja2.runtime.Context] = []
        started = _CONTEXTS_MADE.set(made)
        try:
            template = self.env.get_template(page.template)
            return template.render(self._context(page))
        except jinja2.TemplateSyntaxError as error:
            raise TemplateProblem(
                Problem(
                    error.filename or page.template,
                    error.lineno or 1,
                    f"template syntax: {error.message}",
                )
            ) from None
        except jinja2.TemplateNotFound as error:
            raise TemplateProblem(
                Problem(page.template, 1, f"template not found: {error.name}")
            ) from None
        except jinja2.TemplateError as error:
            raise TemplateProblem(_locate(error, page.template)) from None
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as error:
            # A mistake in a theme's template (say, a filter on the wrong value): report it
            # there. The same errors raised by Treillis itself are bugs and propagate.
            problem = _locate(error, page.template)
            if problem is None:
                raise
            raise TemplateProblem(problem) from None
        finally:
            _CONTEXTS_MADE.reset(started)
            _release(made, page)

    def _context(self, page: Page) -> dict[str, Any]:
        config, paths, lang = self.config, self.paths, page.lang
        url = links_from(page.path)
        by_language = self._by_language.get(lang)
        if by_language is None:
            by_language = self._by_language[lang] = self._language_context(lang)
        return {
            **self.jinja_functions[lang],
            "once_each": partial(_once_each, self._fragments(lang), folders_of(page.path)),
            "once": partial(_once, self._fragments(lang)),
            "links": partial(_links, url),
            **page.context,
            **by_language,
            # Diagrams are SVG drawn by Treillis, every text in them escaped.
            "diagrams": {d.name: Markup(self.svgs[d.key]) for d in page.diagrams},
            "page": page,
            "lang": lang,
            "url": url,
            # Every page gets a description, for search engines and link previews.
            "description": page.description or config.description.get(lang) or page.title,
            "canonical": config.base_url + page.path if config.base_url else "",
            # hreflang alternates must be absolute addresses (search engines ignore, and
            # Lighthouse flags, relative ones): without a base_url there are none.
            "alternate_links": [
                {"lang": other, "href": config.base_url + path}
                for other, path in sorted(page.alternates.items())
            ]
            if len(page.alternates) > 1 and config.base_url
            else [],
            "language_links": [
                {
                    "lang": other,
                    "name": REGISTRY[other].name,
                    "path": page.alternates.get(other, paths.home(other)),
                    "current": other == lang,
                    # Without a translation the link leads to that language's home page:
                    # the switch says so rather than landing the reader somewhere unexpected.
                    "translated": other == lang or other in page.alternates,
                }
                for other in config.languages
            ]
            if len(config.languages) > 1
            else [],
        }

    def _fragments(self, lang: str) -> Fragments:
        fragments = self.fragments.get(lang)
        if fragments is None:
            # Every language's fragments count against one bound (a site mostly in one
            # language may use it all for that one).
            held = next((other.held for other in self.fragments.values()), None)
            fragments = self.fragments[lang] = Fragments(held)
        return fragments

    def _language_context(self, lang: str) -> dict[str, Any]:
        """What every page in `lang` gets, the same on each (made once; only read)."""
        config, paths = self.config, self.paths
        t = self.messages[lang]
        nav = [
            {"label": t("home"), "path": paths.home(lang)},
            {"label": t("atlas"), "path": paths.atlas(lang)},
            {"label": t("basket"), "path": paths.basket(lang)},
            {"label": t("history"), "path": paths.history(lang)},
        ]
        strings = {
            "no_results": t("search_no_results"),
            "bare_wildcard": t("search_bare_wildcard"),
            "all_results": t("search_all_results"),
            "types": [t(f"type.{name}") for name in DOCUMENT_TYPES],
        }
        return {
            "dir": REGISTRY[lang].direction,
            "t": _remembered(t),
            "site_title": config.title.get(lang),
            "brand": {
                "logo": config.brand.logo,
                "primary": config.brand.colours.get("primary", ""),
                # Header text dark or light, whichever reads on the partner's colour.
                "ink": text_colour_on(config.brand.colours["primary"])
                if config.brand.colours.get("primary")
                else "",
                # The theme's accent in the partner's hue, dark enough to read on its panels.
                "accent": readable_accent(config.brand.colours["primary"])
                if config.brand.colours.get("primary")
                else "",
                "main_url": config.main_url,
                "main_title": config.main_title.get(lang) if config.main_title else "",
            }
            if config.brand is not None
            else None,
            "home_path": paths.home(lang),
            "stylesheet": paths.asset("treillis.css"),
            "print_stylesheet": paths.asset("print.css"),
            "og_locale": REGISTRY[lang].og_locale,
            "feed": paths.feed(),
            "base_url": config.base_url,
            "script": paths.asset("treillis.js"),
            "favicon": paths.asset("favicon.svg"),
            "basket_path": paths.basket(lang),
            "search_path": paths.search(lang),
            "search_script": paths.asset("search/search-ui.js"),
            "search_box": {
                "label": t("search_label"),
                "button": t("search"),
                "placeholder": t("search_placeholder"),
                "strings": strings,
                # The same for an attribute, made once: JSON on every page costs.
                "strings_attribute": Markup(
                    self.env.from_string("{{ s | tojson | forceescape }}").render(s=strings)
                ),
            },
            "nav": nav,
            # What the site's header links to (with `links`, a key of `once`).
            "header_paths": (
                *(item["path"] for item in nav),
                paths.home(lang),
                paths.search(lang),
                *([config.brand.logo] if config.brand is not None and config.brand.logo else []),
            ),
        }


def _remembered(t: Callable[..., str]) -> Callable[..., str]:
    """`t` as templates call it, a word without values looked up once per language (a
    page asks for dozens, the same on every page: each was a catalogue search)."""
    known: dict[str, str] = {}

    def remembered(key: str, **values: Any) -> str:
        if values:
            return t(key, **values)
        found = known.get(key)
        if found is None:
            found = known[key] = t(key)
        return found

    return remembered


# The characters of markup that one renderer's fragments hold at most, all languages
# together; then the oldest are forgotten first. A site whose fragments fit (CITEGO's
# take about half of it, 8.5 M) renders each once; in a 50,000-document site a card is
# mostly reused by nearby pages, and unbounded fragments made a worker hundreds of MB.
MAX_FRAGMENT_CHARS = 16 * 2**20


class Held:
    """The fragments a renderer holds, oldest first, and their characters: those of every
    language, so that they share one bound."""

    def __init__(self) -> None:
        self.order: deque[tuple[dict, tuple, int]] = deque()  # (its dict, its key, chars)
        self.chars = 0

    def add(self, made: dict, key: tuple, chars: int) -> None:
        self.order.append((made, key, chars))
        self.chars += chars
        while self.chars > MAX_FRAGMENT_CHARS and len(self.order) > 1:
            oldest, old_key, old_chars = self.order.popleft()
            del oldest[old_key]
            self.chars -= old_chars


class Fragments:
    """The fragments of one language: by macro (its definition), arguments and links named,
    then by item and the links to the item's paths from the page."""

    def __init__(self, held: Held | None = None) -> None:
        self.by_macro: dict[tuple, dict[tuple, tuple[Any, Markup]]] = {}
        self.count = 0  # made (some may have been forgotten since)
        self.held = held if held is not None else Held()


class FragmentList(list):
    """The fragments of a list, in order: iterated one by one, or written whole
    (`{{ once_each(...) }}`: one line each, with no per-item work in the template)."""

    def __html__(self) -> str:
        return "\n".join(self)

    def each(self, before: str, after: str) -> Markup:
        """Every fragment between `before` and `after` (markup written as it is), as a
        loop `{% for f in ... %}{{ before }}{{ f }}{{ after }}{% endfor %}` writes them,
        without a loop step per item (a page lists dozens of descriptors)."""
        return Markup(before + (after + before).join(self) + after) if self else Markup()


def _once(fragments: Fragments, macro: Any, *key: Any) -> Markup:
    """`macro()` rendered once per page language and `key`, and reused by every page
    with that key (the site's header: the same on thousands of pages).

    The macro's markup may depend only on the hashable `key`, the page's language and
    what is the same on every page in that language (`t`, `site_title`, `nav`…): the
    template puts in `key` whatever else it shows (links made from the page, see `links`).
    """
    definition = getattr(getattr(macro, "_func", None), "__code__", None) or macro.name
    made = fragments.by_macro.get((definition, "once"))
    if made is None:
        made = fragments.by_macro[(definition, "once")] = {}
    found = made.get(key)
    if found is None:
        html = macro()
        found = made[key] = (key, html if isinstance(html, Markup) else Markup(html))
        fragments.count += 1
        fragments.held.add(made, key, len(html))
    return found[1]


def _links(url: Callable[[str], str], paths: Iterable[str]) -> tuple[str, ...]:
    """The links from the page to `paths`, for a key of `once`."""
    return tuple(map(url, paths))


def _once_each(
    fragments: Fragments,
    folders: tuple[tuple[str, str], ...],
    macro: Any,
    items: Iterable[Any],
    *args: Any,
    links: tuple[str, ...] = (),
) -> FragmentList:
    """`macro(item, *args)` for each item, each rendered once per page language and
    reused by every page showing that item (a document's card is on many lists).

    The macro's markup may depend only on the item (a view object, never changed once
    made), the hashable `args`, the page's language and the links from this page to
    the item's paths named in `links` (they differ with the page's folders, `folders_of`).
    An item is known by its identity: the fragment holds it, so no other object takes
    its id.
    """
    # The macro's definition, not its name: two templates may define macros of one name.
    definition = getattr(getattr(macro, "_func", None), "__code__", None) or macro.name
    family = (definition, args, links)
    made = fragments.by_macro.get(family)
    if made is None:
        made = fragments.by_macro[family] = {}
    found = FragmentList()
    append = found.append
    paths = attrgetter(*links) if links else None
    one = len(links) == 1
    # A link from the page climbs to the deepest of the page's folders its target is in,
    # then goes down the rest of the target's path (`links_from`): an item is known by
    # that folder and climb for each of its paths, without making its links, and its
    # fragment is shared by the pages alike. Most paths are outside the page's top folder:
    # all the page's folders are climbed (the last, the top folder "", takes any path).
    outside = folders[-1] if folders else ("", "")
    top = folders[-2][0] if len(folders) > 1 else ""

    def where(target: str) -> tuple[str, str]:
        for pair in folders:
            if target.startswith(pair[0]):
                return pair
        return outside

    for item in items:
        # The key in the fewest, cheapest parts: hashed for every item of every list.
        if paths is None:
            key: tuple = (id(item),)
        elif one:
            target = paths(item)
            if target.startswith(top):
                for pair in folders:
                    if target.startswith(pair[0]):
                        break
                key = (id(item), pair)
            else:
                key = (id(item), outside)
        else:
            targets = paths(item)
            for target in targets:
                if target.startswith(top):
                    key = (id(item), *map(where, targets))
                    break
            else:
                key = (id(item), outside)
        fragment = made.get(key)
        if fragment is None:
            html = macro(item, *args)  # markup already, unless autoescape is off
            fragment = made[key] = (item, html if isinstance(html, Markup) else Markup(html))
            fragments.count += 1
            fragments.held.add(made, key, len(html))
        append(fragment[1])
    return found


def _release(contexts: list[jinja2.runtime.Context], page: Page) -> None:
    """Let go of the contexts a page's rendering made for it (holding its data): a context
    and its macros hold each other (a macro refers to its context, which holds it), so
    only the cycle collector would free them, and the page's view with them: a collection
    every few hundred pages, walking all of them (0.4 s of a CITEGO-scale build's workers).
    A context made for no page (a module Jinja keeps, imported without context) is kept."""
    for context in contexts:
        if context.parent.get("page") is page:
            context.vars, context.parent, context.exported_vars = {}, {}, set()


def _locate(error: Exception, template: str) -> Problem | None:
    """The template file and line where a rendering error happened (None: not in a template)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".j2")):
            return Problem(frame.filename, frame.lineno or 1, f"template error: {error}")
    if isinstance(error, jinja2.TemplateError):
        return Problem(template, 1, f"template error: {type(error).__name__}: {error}")
    return None
