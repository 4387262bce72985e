"""The guided dialogs. Imported first (as some tests do), they too defer the libraries the Bot Framework SDK
imports but this bot never calls (bot/deferred_imports.py), before botbuilder is imported."""

from bot.deferred_imports import install as _install_deferred_imports

_install_deferred_imports()
