"""The Microsoft Teams app package of the VNG Oekraïne-assistent.

- `commands(lang)` / `command_intents(lang)`: the command menu (titles a user can send) per language,
  read from `commands.yaml` by `manifest.menu`; the bot uses them to recognise a picked command
  (Teams sends the title in the user's language).
- `build_package(...)`: writes `appPackage.zip`; on the command line: `python -m manifest --help`.
- `python -m manifest.draw_icons` redraws `icons/color.png` and `icons/outline.png` (needs Pillow).
"""

from manifest.builder import DEFAULT_OUT, ManifestInputError, build_package
from manifest.menu import DEFAULT_LANGUAGE, LANGUAGES, Command, command_intents, commands, load_menu

__all__ = [
    "DEFAULT_LANGUAGE",
    "DEFAULT_OUT",
    "LANGUAGES",
    "Command",
    "ManifestInputError",
    "build_package",
    "command_intents",
    "commands",
    "load_menu",
]
