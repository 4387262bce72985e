"""Libraries that the Bot Framework SDK imports when it is imported, but that this bot never calls, are
loaded on first use instead of at start (issue 14: cold start).

- The Microsoft text recognizers (`recognizers_date_time`, `recognizers_number`, `recognizers_choice` and
  what they import: ~220 modules, a fifth of the import time). `botbuilder.dialogs` imports them for its
  date, number, confirm and choice prompts; this bot uses none of those (dialogs/prompts.py matches yes/no
  itself). botbuilder binds their functions by name at import (`from recognizers_choice import
  recognize_boolean`), which a lazy module cannot defer, so a stand-in module answers each name with a
  forwarder; the first call through any of them imports the real packages and calls the real function.
- `oauthlib.oauth2` and `requests_oauthlib` (~80 modules): msrest imports them for OAuth sessions and
  refers to them only when such a session is used or an OAuth error is caught. (`importlib.util.LazyLoader`
  cannot defer them on Python 3.11: the import statement reads the lazy module's `__spec__`, which loads it.)

Nothing changes in what the code does: only when these modules are loaded. `install()` must run before the
SDK is imported (bot/__init__.py and dialogs/__init__.py call it); calling it again does nothing.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

# Groups of modules that import each other, loaded together. recognizers_text stays eager (botbuilder reads
# `Culture` constants while its classes are defined, and it is small).
GROUPS = (
    ("recognizers_number", "recognizers_choice", "recognizers_date_time"),
    ("oauthlib.oauth2", "requests_oauthlib"),
)

GROUP_OF = {name: group for group in GROUPS for name in group}

_lock = threading.RLock()
_installed = threading.Event()


class _StandIn(types.ModuleType):
    """Stands in for a module in sys.modules until one of its names is used."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Forwarder(self.__name__, name)


class _Forwarder:
    """A name of a deferred package: calling it (or reading one of its attributes) loads the real packages."""

    __slots__ = ("_module", "_name")

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name

    def _target(self) -> Any:
        return getattr(_load(GROUP_OF[self._module])[self._module], self._name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)

    def __instancecheck__(self, instance: Any) -> bool:
        return isinstance(instance, self._target())

    def __subclasscheck__(self, subclass: type) -> bool:
        return issubclass(subclass, self._target())

    def __repr__(self) -> str:
        return f"<deferred {self._module}.{self._name}>"


def _load(group: tuple[str, ...]) -> dict[str, types.ModuleType]:
    """Replaces the group's stand-ins by the real modules (all at once: they import each other)."""
    with _lock:
        for name in group:
            if isinstance(sys.modules.get(name), _StandIn):
                del sys.modules[name]
                parent, _, child = name.rpartition(".")
                if parent and isinstance(getattr(sys.modules.get(parent), child, None), _StandIn):
                    delattr(sys.modules[parent], child)
        return {name: importlib.import_module(name) for name in group}


def _stand_in(name: str) -> None:
    parent, _, child = name.rpartition(".")
    spec = importlib.util.find_spec(name)  # imports the parent package (small here), not the module
    if spec is None:
        return  # not installed: the SDK's own import reports it
    sys.modules[name] = module = _StandIn(name)
    if spec.submodule_search_locations is not None:
        # A submodule imported by its full name loads from the real package's folder, on its own.
        module.__path__ = list(spec.submodule_search_locations)
    if parent:
        setattr(sys.modules[parent], child, module)


def install() -> None:
    """Puts the stand-ins in place, unless a group's real modules are loaded already."""
    with _lock:
        if _installed.is_set():
            return
        _installed.set()
        for group in GROUPS:
            if not any(name in sys.modules for name in group):
                for name in group:
                    _stand_in(name)
