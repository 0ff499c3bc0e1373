"""The Slack app manifest matches what the app serves and listens to."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.channels.slack.app import EVENTS_PATH
from adapters.channels.slack.convert import SLASH_COMMAND

MANIFEST = Path(__file__).parents[4] / "adapters" / "channels" / "slack" / "manifest.yaml"


def test_manifest_declares_the_command_events_scopes_and_interactivity() -> None:
    m = yaml.safe_load(MANIFEST.read_text())
    url = f"https://YOUR-HOST{EVENTS_PATH}"
    [command] = m["features"]["slash_commands"]
    assert command["command"] == SLASH_COMMAND and command["url"] == url
    settings = m["settings"]
    assert settings["event_subscriptions"]["request_url"] == url
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert settings["interactivity"] == {"is_enabled": True, "request_url": url}
    assert settings["socket_mode_enabled"] is False
    assert {"commands", "app_mentions:read", "chat:write", "im:history", "im:read",
            "im:write"} <= set(m["oauth_config"]["scopes"]["bot"])
    assert m["features"]["bot_user"]["display_name"] == "careerbot"
