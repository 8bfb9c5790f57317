"""The list of every route of the URL configuration, walked from the resolver so that ``/help`` cannot drift."""

import functools
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.admindocs.views import simplify_regex
from django.urls import URLPattern, URLResolver, get_resolver

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# Included URL configurations shown as one line each rather than page by page.
SUMMARISED_APPS = {"admin": "The Django admin (staff).", "rest_framework": "Sign in and out of the browsable API."}


@dataclass(frozen=True)
class Route:
    """One method on one path and what it does."""

    method: str
    path: str
    description: str


def route_list(*, urlconf: str | None = None) -> list[Route]:
    """Every route of the URL configuration, in the order Django matches them."""
    return list(_walk(get_resolver(urlconf).url_patterns, prefix="/"))


def help_text(*, urlconf: str | None = None) -> str:
    """A plain-text table of every route: method, path and a one-line description."""
    return _help_text(get_resolver(urlconf))


@functools.lru_cache(maxsize=4)
def _help_text(resolver: URLResolver) -> str:
    """The table of one resolver: computed once per process, since the routes only change with the code.

    Keyed by the resolver, which Django builds anew whenever the URL configuration changes.
    """
    routes = list(_walk(resolver.url_patterns, prefix="/"))
    width = max(len(route.path) for route in routes)
    lines = ["Space Mission Analysis: every route of this service.", ""]
    for route in routes:
        lines.append(f"{route.method:<6}  {route.path:<{width}}  {route.description}".rstrip())
    lines += ["", "Writes need a staff user: send 'Authorization: Token <key>' (see /api/auth/token/) or sign in."]
    return "\n".join(lines) + "\n"


def _walk(patterns: list, *, prefix: str) -> Iterator[Route]:
    for pattern in patterns:
        # Django's own '^launches/(?P<pk>[^/.]+)/$' -> '/launches/<pk>/', as the admin documentation shows it.
        path = prefix + simplify_regex(str(pattern.pattern)).removeprefix("/")
        if isinstance(pattern, URLResolver):
            if pattern.app_name in SUMMARISED_APPS:
                yield Route("GET", path, SUMMARISED_APPS[pattern.app_name])
            else:
                yield from _walk(pattern.url_patterns, prefix=path)
        elif isinstance(pattern, URLPattern) and "format" not in pattern.pattern.regex.groupindex:
            for method, description in _methods(pattern.callback):
                yield Route(method, path, description)


def _methods(callback: Callable) -> Iterator[tuple[str, str]]:
    """Each HTTP method a view answers with a one-line description, from DRF's actions, the class or the function."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    actions: dict[str, str] | None = getattr(callback, "actions", None)
    if view_class is not None and actions:
        for method, action in actions.items():
            handler = vars(view_class).get(action)
            yield method.upper(), _first_line(handler) or f"{_first_line(view_class)} ({action})"
    elif view_class is not None:
        for method in HTTP_METHODS:
            if hasattr(view_class, method):
                yield method.upper(), _first_line(vars(view_class).get(method)) or _first_line(view_class)
    else:
        for method in _declared_methods(callback):
            yield method, _first_line(callback)


def _declared_methods(callback: Callable) -> tuple[str, ...]:
    """The methods a function view allows through ``require_http_methods`` and friends; GET when undeclared."""
    function: Callable | None = callback
    while function is not None:
        try:
            allowed = inspect.getclosurevars(function).nonlocals.get("request_method_list")
        except TypeError:  # not a Python function, e.g. a callable object
            allowed = None
        if allowed:
            return tuple(method for method in allowed if method != "HEAD")
        function = getattr(function, "__wrapped__", None)
    return ("GET",)


def _first_line(obj: object | None) -> str:
    """The first line of ``obj``'s own docstring (not one inherited); empty when it has none."""
    if obj is None:
        return ""
    doc = vars(obj).get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc).splitlines()[0] if doc else ""
