"""The Telegram front end on python-telegram-bot 22: convert, render, application, webhook."""
