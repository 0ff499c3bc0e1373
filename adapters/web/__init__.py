"""The web server of `careerbot serve`: one ASGI app for webhooks, health and metrics."""
