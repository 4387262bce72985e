"""The bot's features and its Teams core. Before anything imports the Bot Framework SDK, the libraries the
SDK imports but this bot never calls are set to load on first use (bot/deferred_imports.py)."""

from bot.deferred_imports import install as _install_deferred_imports

_install_deferred_imports()
