"""The libraries the Bot Framework SDK imports but this bot never calls load on first use
(bot/deferred_imports.py): a fresh interpreter importing the app does not load them, and every name the SDK
bound to them still does what the real one does once it is used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = r"""
import json, sys
import app  # the entry point, as `python app.py` and the cold-start benchmark import it

def loaded(prefix):
    return sorted(name for name in sys.modules if name == prefix or name.startswith(prefix + "."))

report = {"at_start": {prefix: loaded(prefix) for prefix in
          ("recognizers_date_time", "recognizers_number", "recognizers_choice", "oauthlib.oauth2", "requests_oauthlib")}}

# The names botbuilder bound at import, used as botbuilder uses them.
from botbuilder.dialogs.choices import ChoiceRecognizers
from botbuilder.dialogs.prompts import confirm_prompt, datetime_prompt, number_prompt
report["choice"] = ChoiceRecognizers.recognize_choices("the second one", ["red", "green", "blue"])[0].resolution.value
report["boolean"] = confirm_prompt.recognize_boolean("yes please", "en-us")[0].resolution["value"]
report["number"] = number_prompt.recognize_number("twelve", "en-us")[0].resolution["value"]
report["datetime"] = datetime_prompt.recognize_datetime("tomorrow at 5pm", "en-us")[0].type_name

import msrest.authentication, msrest.pipeline.requests, oauthlib.oauth2.rfc6749.errors as errors
report["oauth_error"] = msrest.pipeline.requests.oauth2.rfc6749.errors.TokenExpiredError is errors.TokenExpiredError
auth = msrest.authentication.oauth.OAuth2("app", token={"access_token": "t", "token_type": "Bearer"})
report["oauth_session"] = type(auth).__module__ + "." + type(auth).__name__
import recognizers_number.number  # a submodule, once the package is real
report["after_use"] = sorted(type(sys.modules[name]).__name__ for name in
                             ("recognizers_date_time", "recognizers_number", "oauthlib.oauth2", "requests_oauthlib"))
print(json.dumps(report))
"""


def test_unused_sdk_libraries_load_on_first_use_and_behave_as_the_real_ones():
    finished = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(finished.stdout.strip().splitlines()[-1])
    # Only the stand-in itself is in sys.modules at start, none of the packages' ~300 modules.
    assert report["at_start"] == {
        "recognizers_date_time": ["recognizers_date_time"],
        "recognizers_number": ["recognizers_number"],
        "recognizers_choice": ["recognizers_choice"],
        "oauthlib.oauth2": ["oauthlib.oauth2"],
        "requests_oauthlib": ["requests_oauthlib"],
    }
    assert report["choice"] == "green"
    assert report["boolean"] is True
    assert report["number"] == "12"
    assert report["datetime"] == "datetimeV2.datetime"
    assert report["oauth_error"] is True
    assert report["oauth_session"] == "requests_oauthlib.oauth2_auth.OAuth2"
    assert report["after_use"] == ["module"] * 4
