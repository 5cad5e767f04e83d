from django.shortcuts import render

from core.pdf import PdfUnavailable


def not_found(request, exception=None):
    if isinstance(exception, PdfUnavailable):  # an address this server does not offer: say why
        return render(request, "core/error.html", {"code": 404, "message": exception.message}, status=404)
    return render(request, "core/error.html", {"code": 404, "message": "页面不存在，或您无权查看。"}, status=404)


def _role_names(roles) -> str:
    from core.models import Role

    return "、".join(label for value, label in Role.choices if value in set(roles))


def forbidden(request, exception=None):
    """403. A page that none of the user's roles opens (``core.access.PageRefused``: a list or a
    desk, not one record) says which roles open it and whom to ask; any other refusal stays short."""
    roles = getattr(exception, "roles", None)
    if roles and request.user.is_authenticated:
        context = {
            "code": 403,
            "message": "您当前的角色不能打开此页面。",
            "hint": f"此类页面供{_role_names(roles)}使用。如工作需要，请联系本单位安全保密管理员分配相应角色。",
        }
        return render(request, "core/error.html", context, status=403)
    return render(request, "core/error.html", {"code": 403, "message": "您无权执行此操作。"}, status=403)


def server_error(request):
    return render(
        request,
        "core/error.html",
        {"code": 500, "message": "系统出现错误，已记录。请稍后重试或联系系统管理员。"},
        status=500,
    )


def csrf_failure(request, reason=""):
    """Django's own page is in English; a reporter whose cookies are blocked must understand this one."""
    return render(
        request,
        "core/error.html",
        {"code": 403, "message": "页面已过期或浏览器禁用了 Cookie，请刷新页面后重新提交。"},
        status=403,
    )
