"""Slack's request signature, checked on the raw bytes before Bolt decodes or parses anything."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping

TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"
# Slack's rule: a request signed longer ago than this may be a replay.
MAX_AGE = 60 * 5


class RequestSignature:
    """Whether a request is Slack's: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}` with the
    signing secret, signed less than five minutes ago.

    Bolt checks the same, but only after it has decoded the body as UTF-8 and parsed it (a
    form with a JSON payload), so an unsigned request could make it do that work on any
    bytes, and a malformed timestamp or body failed with a traceback. slack_sdk's verifier
    decodes the body as UTF-8 too; this looks at nothing but two headers and the bytes.
    """

    def __init__(self, signing_secret: str, *, clock: Callable[[], float] = time.time) -> None:
        self.key = signing_secret.encode()
        self.clock = clock

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> bool:
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        signature = headers.get(SIGNATURE_HEADER, "")
        if not (timestamp.isascii() and timestamp.isdigit() and signature.isascii()):
            return False
        if abs(self.clock() - int(timestamp)) > MAX_AGE:
            return False
        digest = hmac.new(self.key, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
        return hmac.compare_digest(f"v0={digest.hexdigest()}".encode(), signature.encode())
