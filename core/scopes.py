"""Scopes that later apps own (inspections, organisations), made known to ``core``.

``core`` cannot import later apps; they register a resolver at start-up
(``AppConfig.ready``). A resolver takes ids and answers ``{id: (authority_id, label)}``
for the ids that exist; it is also how the accounts page names a scope.
"""

from collections.abc import Callable, Iterable

Resolver = Callable[[Iterable[int]], dict[int, tuple[int, str]]]
_resolvers: dict[str, Resolver] = {}
_choices: dict[str, Callable[[int], list[tuple[int, str]]]] = {}


def register(kind: str, resolver: Resolver, choices: Callable[[int], list[tuple[int, str]]]) -> None:
    """``choices(authority_id)`` lists the scopes of that kind an assignment may name."""
    _resolvers[kind] = resolver
    _choices[kind] = choices


def resolve(kind: str, ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    resolver = _resolvers.get(kind)
    return resolver(list(ids)) if resolver else {}


def choices(kind: str, authority_id: int) -> list[tuple[int, str]]:
    fn = _choices.get(kind)
    return fn(authority_id) if fn else []
