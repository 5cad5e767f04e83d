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
