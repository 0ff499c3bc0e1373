"""The Slack front end: slash command, mentions, direct messages and buttons on slack-bolt."""
