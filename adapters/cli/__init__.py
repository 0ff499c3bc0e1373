"""The `careerbot` command line (Typer), one module per command group."""
