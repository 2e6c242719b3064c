"""The staff area: accounts with roles, sign-in, the `role_required` guard and the audit trail."""
from screening.staff.views import bp

__all__ = ["bp"]
