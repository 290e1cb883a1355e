"""Least privilege in the support admin (/support-admin/), shared by every app's admin.py.

Two kinds of people use it. The operator (a superuser, made by `manage.py create_operator`, never a council login)
sees every council. A council's administrator (role administrator, "can use the support admin" ticked) sees and
changes only their own council's people and records: every list, every object, every choice in a form and every
filter is cut down to that council, and anything outside it is "not found" (404). What the administrator may do
comes from the access policy (`use_support_admin`), not from Django's per-model permissions, so no one has to
remember to tick boxes for each new model; a model whose admin does not use `CouncilScopedAdmin` stays closed to
them.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import selectors


class CouncilScopedAdmin:
    """Mix into a ModelAdmin, before the Django admin class, and name how a row reaches its council.

    `council_lookups`: lookups that give the council's id (OR-ed), such as ("council",) or ("case__council",).
    `council_lookups_many`: True when one crosses a many-valued relation (rows are then matched by id, not joined).
    """

    council_lookups: tuple[str, ...] = ()
    council_lookups_many = False

    # --- whose rows --------------------------------------------------------------------------------------------

    def council_q(self, council_id: int) -> Q:
        q = Q()
        for lookup in self.council_lookups:
            q |= Q(**{lookup: council_id})
        return q

    def scope(self, request, queryset: QuerySet) -> QuerySet:
        user = request.user
        if selectors.is_operator(user):
            return queryset
        council = selectors.support_admin_council(user)
        if council is None or not self.council_lookups:
            return queryset.none()
        if self.council_lookups_many:
            matching = queryset.model._default_manager.filter(self.council_q(council.pk)).values("pk")
            return queryset.filter(pk__in=matching)
        return queryset.filter(self.council_q(council.pk))

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        # Another council's row is "not found", as on every page of the service, not the admin's redirect home.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def _in_scope(self, request, obj) -> bool:
        # Asked several times while one page renders: answered once per request and row.
        seen = request.__dict__.setdefault("_council_scope_answers", {})
        key = (self.model._meta.label, obj.pk)
        if key not in seen:
            seen[key] = self.scope(request, self.model._default_manager.filter(pk=obj.pk)).exists()
        return seen[key]

    # --- what they may do ----------------------------------------------------------------------------------------

    def _council_admin(self, request) -> bool:
        return (
            not selectors.is_operator(request.user)
            and selectors.support_admin_council(request.user) is not None
        )

    def has_module_permission(self, request):
        if selectors.is_operator(request.user):
            return super().has_module_permission(request)
        return self._council_admin(request)

    def has_view_permission(self, request, obj=None):
        if selectors.is_operator(request.user):
            return super().has_view_permission(request, obj)
        return self._council_admin(request) and (obj is None or self._in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        if selectors.is_operator(request.user):
            return super().has_change_permission(request, obj)
        return self._council_admin(request) and (obj is None or self._in_scope(request, obj))

    def has_add_permission(self, request, *args):
        if selectors.is_operator(request.user):
            return super().has_add_permission(request, *args)
        return self._council_admin(request)

    def has_delete_permission(self, request, obj=None):
        # Nothing a person entered is hard-deleted; a council's administrator deletes nothing at all.
        if selectors.is_operator(request.user):
            return super().has_delete_permission(request, obj)
        return False

    # --- what forms and filters offer -----------------------------------------------------------------------------

    def _scoped_choices(self, request, field):
        if field is None or selectors.is_operator(request.user) or not hasattr(field, "queryset"):
            return field
        related = self.admin_site._registry.get(field.queryset.model)
        if isinstance(related, CouncilScopedAdmin):
            field.queryset = related.scope(request, field.queryset)
        else:
            field.queryset = field.queryset.none()
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scoped_choices(request, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scoped_choices(request, super().formfield_for_manytomany(db_field, request, **kwargs))

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if selectors.is_operator(request.user):
            return filters
        # A filter by council would list every council's name, and filtering by another's shows nothing anyway.
        return [f for f in filters if not (isinstance(f, str) and "council" in f)]


class ScopedInline:
    """An inline of a scoped admin: its rows belong to the parent, which the council's administrator may already see.

    They read them; changes go through the parent's own form or the service, so they add, change and delete none.
    """

    def has_view_permission(self, request, obj=None):
        if selectors.is_operator(request.user):
            return super().has_view_permission(request, obj)
        return selectors.support_admin_council(request.user) is not None

    def has_add_permission(self, request, obj=None):
        return selectors.is_operator(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return selectors.is_operator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return selectors.is_operator(request.user) and super().has_delete_permission(request, obj)
