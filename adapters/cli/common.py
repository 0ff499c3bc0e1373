"""What every command group shares: the error console, settings and knowledge-base failures."""

from __future__ import annotations

from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from adapters.settings import Settings, describe_errors
from bot.knowledge import KnowledgeError

err = Console(stderr=True, soft_wrap=True)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        # One line per variable, naming it and what is expected; never the value.
        for line in describe_errors(exc):
            err.print(f"configuration error: {line}", markup=False, highlight=False)
        raise typer.Exit(2) from None


def fail_kb(exc: KnowledgeError) -> NoReturn:
    err.print(f"[red]The knowledge base has errors[/red] ({len(exc.problems)}):")
    for p in exc.problems:
        err.print(f"  {p}", markup=False, highlight=False)
    raise typer.Exit(1)
