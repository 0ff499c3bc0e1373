"""`careerbot serve` for the load benchmark, with the adapter's Telegram send limit lifted.

The Telegram adapter paces outgoing messages at Telegram's own limit (about 30 a second per
bot, PTB's AIORateLimiter), so a real bot can never send more; this entry point lifts that
limit so the benchmark measures our server rather than Telegram's rule. Only for benchmarks.
"""

from __future__ import annotations

import functools

from telegram.ext import AIORateLimiter

import adapters.channels.telegram.client as telegram_client
from adapters.cli.main import main

telegram_client.AIORateLimiter = functools.partial(  # type: ignore[misc]
    AIORateLimiter, overall_max_rate=0, group_max_rate=0)

if __name__ == "__main__":
    main()
