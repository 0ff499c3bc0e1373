"""The long-running service: the web app, `serve`, the worker and alert delivery."""
