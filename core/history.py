"""Saving an audited row with who changed it and why: the one way every app's services write history."""


def save_with_history(instance, *, by, reason: str = "", update_fields=None) -> None:
    """Save a row that django-simple-history audits, recording the acting person (None for the service itself),
    also outside a request (tasks, commands), where simple-history cannot find the person on its own."""
    instance._history_user = by
    if reason:
        # simple-history reads this when it writes the history row; its column holds 100 characters.
        instance._change_reason = reason[:100]
    instance.save(update_fields=update_fields)

