from django.contrib.auth.models import AbstractUser
from django.db import models

from core.access import AccessSpec


class Role(models.TextChoices):
    """Roles a user holds on a scope. What each may do is decided in ``core.access``."""

    OFFICE = "office", "巡察办"
    OFFICE_HEAD = "office_head", "巡察办主任"
    LEADING_GROUP = "leading_group", "领导小组"
    TEAM_LEADER = "team_leader", "巡察组组长"
    TEAM_DEPUTY = "team_deputy", "巡察组副组长"
    TEAM_LIAISON = "team_liaison", "巡察组联络员"
    TEAM_MEMBER = "team_member", "巡察组成员"
    TEAM_INTAKE = "team_intake", "信访受理人员"
    UNIT_LIAISON = "unit_liaison", "被巡察单位联络人"
    RECEIVER = "receiver", "移交接收单位"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全保密管理员"
    AUDITOR = "auditor", "安全审计员"
    DATA_OFFICER = "data_officer", "数据比对员"


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp devices: untyped
    """A person's account. Every account belongs to one authority.

    ``is_superuser`` is never set: nobody bypasses ``core.access``.
    """

    authority = models.ForeignKey(
        "core.Authority", verbose_name="所属机构", null=True, on_delete=models.PROTECT, related_name="users"
    )
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    access = AccessSpec(kind="account", authority="authority")

    class Meta:
        verbose_name = "账号"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Receiver(models.Model):
    """A body that receives transfers (纪委监委, 组织部, or another department)."""

    class Kind(models.TextChoices):
        DISCIPLINE = "discipline", "纪委监委"
        ORGANIZATION_DEPT = "organization_dept", "组织部"
        OTHER = "other", "其他部门"

    authority = models.ForeignKey("core.Authority", verbose_name="所属机构", on_delete=models.PROTECT)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)

    access = AccessSpec(kind="config", authority="authority", receiver="id")

    class Meta:
        verbose_name = "移交接收单位"
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="receiver_unique_name")]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """A role held by a user on a scope.

    The scope is always an authority; team roles also name an inspection,
    the unit liaison an organisation and the receiver role a receiver, by
    id in ``scope_id`` (``core`` cannot point a foreign key at later apps).
    ``role_assign`` checks that the scope exists and belongs to the authority.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    authority = models.ForeignKey("core.Authority", verbose_name="机构", on_delete=models.PROTECT)
    scope_id = models.BigIntegerField("范围", null=True, blank=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="授权人"
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    access = AccessSpec(kind="account", authority="authority")

    class Meta:
        verbose_name = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "authority", "scope_id"], name="role_assignment_unique"),
            # NULLs are distinct in a unique index: authority-wide roles need their own.
            models.UniqueConstraint(
                fields=["user", "role", "authority"],
                condition=models.Q(scope_id__isnull=True),
                name="role_assignment_unique_authority_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class LoginAttempt(models.Model):
    """One login try, by username and address, for the lockout rule."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True)
    success = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class ApiToken(models.Model):
    """A bearer token for the API. Only the SHA-256 of the key is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
