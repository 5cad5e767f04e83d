from core.models.accounts import ApiToken, LoginAttempt, PasswordHistory, Receiver, Role, RoleAssignment, User
from core.models.audit import AuditChainHead, AuditEvent
from core.models.authority import Authority

__all__ = [
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "Authority",
    "LoginAttempt",
    "PasswordHistory",
    "Receiver",
    "Role",
    "RoleAssignment",
    "User",
]
