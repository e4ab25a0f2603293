"""`python -m workers` is the same as the `pressroom` command."""

from workers.cli import main

main()
