"""``python -m reind`` runs the CLI."""

from reind.cli import main

main()
