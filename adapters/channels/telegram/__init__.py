"""The Telegram channel on python-telegram-bot 22: webhook or long polling, and alerts."""
