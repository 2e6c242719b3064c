"""The staff area: accounts with roles, sign-in, the `role_required` guard and the audit trail."""
from screening.staff.views import bp
from screening.staff import acknowledge  # noqa: F401 - registers the acknowledge action on bp
from screening.staff import alert_views  # noqa: F401 - registers the alerts page and "Send again" on bp
from screening.staff import export_views  # noqa: F401 - registers the export routes on bp
from screening.staff import invitation_views  # noqa: F401 - registers the invitations page on bp
from screening.staff import rules_pages  # noqa: F401 - registers the rules pages and sandbox on bp
from screening.staff import submission_views  # noqa: F401 - registers the submissions list and page on bp

__all__ = ["bp"]
