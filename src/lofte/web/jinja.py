"""The Jinja2 environment of the site's hot templates (the body of an indicator's page).

Django's template engine costs a few microseconds per variable and tag; an indicator's body has
hundreds of them, which made it a third of a page's CPU time. The body is rendered with Jinja2
through Django's ``Jinja2`` backend (``TEMPLATES`` in settings, templates in the apps' ``jinja2/``
folders) and writes exactly the HTML Django's template did (docs/adr/0136-jinja2-page-body.md):

- every ``{{ … }}`` goes through :func:`finalize`, Django's own ``render_value_in_context`` steps
  (localisation, then ``conditional_escape``), so values are escaped – autoescaping stays on –
  and formatted as in Django templates (``&#x27;``, not markupsafe's ``&#39;``);
- ``{% translate "…" %}`` and ``{% blocktranslate %}…{{ name }}…{% endblocktranslate %}`` keep
  Django's syntax and meaning (:class:`DjangoTranslation`: Django's ``gettext`` of the same
  message ids, the translated literal trusted, a block's values escaped), so ``makemessages``
  still finds every string;
- the filters the templates use – ``join``, ``default``, ``capfirst``, ``json_script`` – are
  Django's, ``url(name, *args)`` is Django's ``reverse``, and ``django_template(name, **context)``
  writes a Django template that other Django pages include too.
"""

from __future__ import annotations

from typing import Any

from django.template import defaultfilters
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from jinja2 import Environment, Undefined, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

_translations: dict[tuple[str | None, str], SafeString] = {}


def finalize(value: Any) -> SafeString:
    """A value as Django's template engine writes it (``render_value_in_context``)."""
    if hasattr(value, "__html__"):
        return SafeString(value.__html__())
    value = localize(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


class DjangoTranslation(Extension):
    """Django's ``{% translate %}`` and ``{% blocktranslate %}`` tags (no options) in Jinja2."""

    tags = {"translate", "blocktranslate"}

    def parse(self, parser: Parser) -> nodes.Node:
        """One tag: the message (or the block's text with its variables) as a translated output."""
        token = next(parser.stream)
        if token.value == "translate":
            message = parser.parse_expression()
            return nodes.Output([self.call_method("_translate", [message])], lineno=token.lineno)
        parser.stream.expect("block_end")
        text: list[str] = []
        names: list[str] = []
        while True:
            current = parser.stream.current
            if current.type == "data":
                text.append(current.value.replace("%", "%%"))
                next(parser.stream)
            elif current.type == "variable_begin":
                next(parser.stream)
                name = parser.stream.expect("name").value
                parser.stream.expect("variable_end")
                names.append(name)
                text.append(f"%({name})s")
            else:
                parser.stream.expect("block_begin")
                parser.stream.expect("name:endblocktranslate")
                break
        values = nodes.Dict(
            [nodes.Pair(nodes.Const(n), nodes.Name(n, "load")) for n in dict.fromkeys(names)]
        )
        call = self.call_method("_blocktranslate", [nodes.Const("".join(text)), values])
        return nodes.Output([call], lineno=token.lineno)

    @staticmethod
    def _translate(message: str) -> SafeString:
        # As Django: the message id has its percent signs doubled, the literal is trusted.
        # Kept per language (a page has dozens; the catalogues do not change while running).
        key = (get_language(), message)
        found = _translations.get(key)
        if found is None:
            translated = gettext(message.replace("%", "%%")).replace("%%", "%")
            found = _translations[key] = mark_safe(translated)
        return found

    @staticmethod
    def _blocktranslate(message: str, values: dict[str, Any]) -> SafeString:
        translated = gettext(message)
        return mark_safe(translated % {k: finalize(v) for k, v in values.items()})


def _default(value: Any, arg: Any) -> Any:
    return defaultfilters.default(value, arg)


def _join(value: Any, arg: str) -> Any:
    return defaultfilters.join(value, arg, autoescape=True)


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


_rendered: dict[tuple[str, str, str], SafeString] = {}


def _django_template(name: str, **context: Any) -> SafeString:
    """A Django template rendered in place (``{% include %}`` of a template both engines use),
    kept per process by language and context (the templates given here depend on nothing else:
    the list of latest reports, which changes a few times a year)."""
    key = (name, get_language() or "", repr(sorted(context.items())))
    html = _rendered.get(key)
    if html is None:
        if len(_rendered) >= 256:
            _rendered.clear()
        html = _rendered[key] = mark_safe(render_to_string(name, context))
    return html


def environment(**options: Any) -> Environment:
    """The environment Django's Jinja2 backend uses (``OPTIONS["environment"]``). Undefined
    values write nothing, also while debugging, as in Django's templates."""
    options["undefined"] = Undefined
    env = Environment(
        **options, finalize=finalize, keep_trailing_newline=True, extensions=[DjangoTranslation]
    )
    env.filters.update(
        default=_default,
        join=_join,
        capfirst=defaultfilters.capfirst,
        json_script=defaultfilters.json_script,
    )
    env.globals.update(url=_url, django_template=_django_template)
    return env
