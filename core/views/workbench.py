from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core import access
from core.workbench import figures_for, todos_for


@login_required
def workbench(request):
    todos = todos_for(request.user)
    return render(
        request,
        "core/workbench.html",
        {
            "todos": todos,
            "overdue": [t for t in todos if t.urgency == "overdue"],
            "soon": [t for t in todos if t.urgency == "soon"],
            "figures": figures_for(request.user),
            "roles": access.roles(request.user),
        },
    )


@login_required
def system_status(request):
    """What the system administrator looks after: versions, storage, database; no case data."""
    access.require_page_step(request.user, "system.status")
    import shutil
    import sys

    import django
    from django.conf import settings
    from django.db import connection

    disk = shutil.disk_usage(settings.DATA_DIR)
    from core.models import AuditEvent, User

    facts = [
        ("Python", sys.version.split()[0]),
        ("Django", django.get_version()),
        ("数据库", connection.vendor),
        ("数据目录", str(settings.DATA_DIR)),
        ("磁盘剩余", f"{disk.free / 1024**3:.1f} GB / {disk.total / 1024**3:.1f} GB"),
        ("本机构账号数", User.objects.filter(authority__path__startswith=request.user.authority.path).count()),
        ("审计事件总数", AuditEvent.objects.count()),
    ]
    return render(request, "core/system.html", {"facts": facts})
