from core.models.accounts import ApiToken, LoginAttempt, PasswordHistory, Receiver, Role, RoleAssignment, User
from core.models.audit import AuditChainHead, AuditEvent
from core.models.authority import Authority
from core.models.ratelimit import RateCounter

__all__ = [
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "Authority",
    "LoginAttempt",
    "PasswordHistory",
    "RateCounter",
    "Receiver",
    "Role",
    "RoleAssignment",
    "User",
]
