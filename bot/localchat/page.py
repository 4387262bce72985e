"""The chat page at `/`: the tester's choices (language, identity, kind of chat) and Microsoft's Web Chat,
served from this app (the `botframework-webchat` bundle installed from npm into `web/`), never from a CDN."""

from __future__ import annotations

import html
import json
from pathlib import Path

from aiohttp import web

from bot.core.i18n import Catalog, language_for_locale
from bot.localchat.directline import LocalChats, Person

WEB_DIR = Path(__file__).resolve().parent / "web"
WEBCHAT_BUNDLE = WEB_DIR / "node_modules" / "botframework-webchat" / "dist" / "webchat.js"
LOCALES = ("nl-NL", "en-US")
USER_AAD_ID = "00000000-0000-4000-8000-00000000c0de"


def people(catalog: Catalog, lang: str, organizer_ids: list[str]) -> dict[str, tuple[str, Person]]:
    """The identities the page offers, by form value: (label, person)."""
    name = catalog.text(lang, "localchat.user_name")
    found = {"user": (catalog.text(lang, "localchat.user"), Person("29:localchat-user", USER_AAD_ID, name, "test.user@example.nl"))}
    for number, aad_object_id in enumerate(organizer_ids, start=1):
        person = Person(
            f"29:localchat-organizer-{number}",
            aad_object_id,
            f"{catalog.text(lang, 'localchat.organizer_name')} {number}",
            f"test.organizer{number}@example.nl",
        )
        found[f"organizer-{number}"] = (catalog.text(lang, "localchat.organizer", number=number), person)
    return found


def _options(choices: list[tuple[str, str]], chosen: str) -> str:
    return "".join(
        f'<option value="{html.escape(value)}"{" selected" if value == chosen else ""}>{html.escape(label)}</option>'
        for value, label in choices
    )


def page_handler(catalog: Catalog, chats: LocalChats, organizer_ids: list[str]):
    async def page(request: web.Request) -> web.Response:
        locale = request.query.get("locale", LOCALES[0])
        locale = locale if locale in LOCALES else LOCALES[0]
        lang = language_for_locale(locale)
        identities = people(catalog, lang, organizer_ids)
        who = request.query.get("who", "user")
        who = who if who in identities else "user"
        chat = "channel" if request.query.get("chat") == "channel" else "personal"
        app_name = catalog.text(lang, "app.name")
        conversation = chats.open(
            identities[who][1], locale=locale, channel=chat == "channel", bot_name=app_name, new="new" in request.query
        )

        def t(key: str, **params: object) -> str:
            return html.escape(catalog.text(lang, f"localchat.{key}", **params))

        config = {
            "token": conversation.token,
            "userId": conversation.person.user_id,
            "userName": conversation.person.name,
            "locale": locale,
            "conversationId": conversation.id if conversation.started else None,  # resumed: Web Chat fetches it all
        }
        script = json.dumps(config).replace("<", "\\u003c")
        note = "" if organizer_ids else f"<p class=note>{t('no_organizers')}</p>"
        missing = "" if WEBCHAT_BUNDLE.exists() else f"<p class=note role=alert>{t('missing_webchat')}</p>"
        body = f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{t('title', app_name=app_name)}</title>
<style>
  html, body {{ height: 100%; margin: 0; font-family: "Segoe UI", system-ui, sans-serif; }}
  body {{ display: flex; flex-direction: column; background: #f5f5f5; }}
  header {{ padding: 0.75rem 1rem; background: #fff; border-bottom: 1px solid #ddd; }}
  h1 {{ font-size: 1.2rem; margin: 0 0 0.25rem; }}
  p {{ margin: 0.25rem 0; }}
  form {{ display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; margin-top: 0.5rem; }}
  label {{ display: flex; flex-direction: column; font-size: 0.85rem; gap: 0.2rem; }}
  .note {{ color: #6b4e00; }}
  main {{ flex: 1; min-height: 0; max-width: 56rem; width: 100%; margin: 0 auto; background: #fff; }}
</style>
</head>
<body>
<header>
  <h1>{t('title', app_name=app_name)}</h1>
  <p>{t('intro')}</p>
  {note}{missing}
  <form method="get" action="/" id="choices">
    <label>{t('language')}
      <select name="locale" onchange="this.form.submit()">{_options([(loc, loc) for loc in LOCALES], locale)}</select></label>
    <label>{t('identity')}
      <select name="who" onchange="this.form.submit()">{_options([(k, v[0]) for k, v in identities.items()], who)}</select></label>
    <label>{t('chat')}
      <select name="chat" onchange="this.form.submit()">{_options([("personal", catalog.text(lang, "localchat.personal")),
                                                               ("channel", catalog.text(lang, "localchat.channel"))], chat)}</select></label>
    <button type="submit" name="new" value="1">{t('restart')}</button>
  </form>
</header>
<main id="webchat" role="main"></main>
<script src="/localchat/webchat.js"></script>
<script>
  const config = {script};
  const directLine = window.WebChat.createDirectLine({{
    domain: window.location.origin + "/directline", token: config.token, webSocket: false, pollingInterval: 250,
    ...(config.conversationId ? {{ conversationId: config.conversationId }} : {{}})
  }});
  window.WebChat.renderWebChat({{
    directLine, userID: config.userId, username: config.userName, locale: config.locale,
    styleOptions: {{ hideUploadButton: true }}
  }}, document.getElementById("webchat"));
</script>
</body>
</html>
"""
        return web.Response(text=body, content_type="text/html", headers={"Cache-Control": "no-store"})

    return page


async def webchat_bundle(_request: web.Request) -> web.StreamResponse:
    if not WEBCHAT_BUNDLE.exists():
        raise web.HTTPNotFound(text="Web Chat is not installed: run `make run` (npm ci in bot/localchat/web)")
    return web.FileResponse(WEBCHAT_BUNDLE, headers={"Cache-Control": "max-age=3600"})
