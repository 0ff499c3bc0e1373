"""`careerbot admin link`: a one-time sign-in link to the maintainer's pages, for the operator."""

from __future__ import annotations

import typer

from adapters.cli.common import err, load_settings
from adapters.cli.db import run_with_storage

admin_app = typer.Typer(help="The maintainer's pages under /admin.", no_args_is_help=True)


@admin_app.command("link")
def link() -> None:
    """Print a sign-in link to /admin, valid for a few minutes and once (it is a secret)."""
    from adapters.admin.signin import TOKEN_TTL, SignInLinks, issue
    from storage import Storage

    settings = load_settings()
    base = settings.careerbot_public_url or f"http://127.0.0.1:{settings.port}"

    async def work(storage: Storage) -> str:
        return await issue(storage.uow, SignInLinks(base), "the operator (careerbot admin link)")

    url = run_with_storage(work, migrate=None)
    print(url)
    note = "" if settings.careerbot_public_url else " (CAREERBOT_PUBLIC_URL is not set: a local address)"
    err.print(f"valid for {TOKEN_TTL.seconds // 60} minutes, once{note}", highlight=False)
