"""`python -m adapters.cli`: the same as the `careerbot` console script."""

from adapters.cli.main import main

main()
