from django.utils import timezone

from core import access


def shell(request):
    """What the page shell needs: the menu, the user's roles, the watermark text."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from core.menu import menu_for

    role_labels = sorted({g.role for g in access.grants(user)})
    from core.models import Role

    return {
        "menu": menu_for(user, request.path),
        "role_names": "、".join(Role(r).label for r in role_labels) or "未授权",
        "watermark_text": f"{user.display_name} {user.username} {timezone.localtime():%Y-%m-%d %H:%M}",
        "shell_authority": user.authority,
    }
