"""Slack's request signature, checked on the raw bytes before Bolt decodes or parses anything."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.signature import SignatureVerifier

TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"


class RequestSignature:
    """Whether a request is Slack's: signed with the signing secret less than five minutes ago.

    Bolt checks the same, but only after it has decoded the body as UTF-8 and parsed it (a
    form with a JSON payload): an unsigned request could make it do that work on any bytes,
    and a malformed timestamp made it fail with a traceback. This looks at nothing but the
    two headers and the bytes.
    """

    def __init__(self, signing_secret: str) -> None:
        self.verifier = SignatureVerifier(signing_secret)

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> bool:
        timestamp = headers.get(TIMESTAMP_HEADER)
        signature = headers.get(SIGNATURE_HEADER)
        if not timestamp or not signature or not timestamp.isascii() or not timestamp.isdigit():
            return False
        return self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
