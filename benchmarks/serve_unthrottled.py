"""`careerbot serve` for the load benchmark, with the adapter's Telegram send limit lifted.

The Telegram adapter paces outgoing messages at Telegram's own limit (about 30 a second per
bot, PTB's AIORateLimiter), so a real bot can never send more; this entry point lifts that
limit so the benchmark measures our server rather than Telegram's rule. Only for benchmarks.
"""

from __future__ import annotations

import functools
import os

from telegram.ext import AIORateLimiter

import adapters.channels.inbox as inbox
import adapters.channels.telegram.client as telegram_client
from adapters.cli.main import main
from storage.repositories import SqlInbox

# The env var the benchmark sets for its "inbox off" rows.
NO_INBOX = "CAREERBOT_BENCH_NO_INBOX"

telegram_client.AIORateLimiter = functools.partial(  # type: ignore[misc]
    AIORateLimiter, overall_max_rate=0, group_max_rate=0)

if os.environ.get(NO_INBOX):
    # As before the inbox: webhooks queue in memory only, the core keeps no answer.
    inbox.Inbox = lambda *args, **kwargs: None  # type: ignore[assignment,misc]

    async def _no_answer(*args: object, **kwargs: object) -> None:
        return None

    SqlInbox.answered = _no_answer  # type: ignore[method-assign]

if __name__ == "__main__":
    main()
