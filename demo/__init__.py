"""Development-only: the demo council and the scale data used by `make run` and `make bench`.

The product never imports this app; it builds its data through the apps' published services."""
