"""The maintainer's web pages under /admin: sign-in by one-time link, counters, gaps, charts."""
