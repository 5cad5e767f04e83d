from django.shortcuts import render


def not_found(request, exception=None):
    return render(request, "core/error.html", {"code": 404, "message": "页面不存在，或您无权查看。"}, status=404)


def forbidden(request, exception=None):
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
