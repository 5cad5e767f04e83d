from core.models.accounts import ApiToken, LoginAttempt, PasswordHistory, Receiver, Role, RoleAssignment, User
from core.models.audit import AuditChainHead, AuditEvent
from core.models.authority import Authority
from core.models.ratelimit import RateCounter
from core.models.twofactor import RecoveryCodes

__all__ = [
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "Authority",
    "LoginAttempt",
    "PasswordHistory",
    "RateCounter",
    "Receiver",
    "RecoveryCodes",
    "Role",
    "RoleAssignment",
    "User",
]
