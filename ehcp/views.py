from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.models import Role

# Where each role lands after signing in: the page that answers "what do I need to do now?".
HOME_FOR_ROLE = {
    Role.COORDINATOR: "cases:caseload",
    Role.BUSINESS_SUPPORT: "cases:unallocated",
    Role.SERVICE_MANAGER: "cases:list",
    Role.ADMINISTRATOR: "accounts:staff_list",
}


@login_required
def home(request):
    return redirect(HOME_FOR_ROLE.get(request.user.role, "cases:list"))


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def server_error(request):
    return render(request, "errors/500.html", status=500)
