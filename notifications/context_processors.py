from django.utils.functional import SimpleLazyObject

from notifications import selectors


def bell(request):
    """The unread count on every signed-in page, counted only if the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": SimpleLazyObject(lambda: selectors.unread_count(user=user))}
