"""Exports for clinicians: every submission as CSV, and one submission as a FHIR QuestionnaireResponse.

Both hold who the patient is, so both are for the clinician role only, and both are recorded in the audit
trail before anything is sent (the CSV's with its filter in words: what a search was by, never what was typed).
"""
from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable, Iterator

from flask import Response, abort, current_app, request, stream_with_context

from screening.exports import csv as csv_export, fhir
from screening.records import database
from screening.staff import submission_list
from screening.clock import utcnow
from screening.staff.accounts import CLINICIAN
from screening.staff.audit import record
from screening.staff.auth import role_required
from screening.staff.views import bp
from screening.records.submissions import by_reference

FHIR_JSON = "application/fhir+json; fhirVersion=4.0"
log = logging.getLogger(__name__)
STOPPED = "\r\nTHIS EXPORT IS INCOMPLETE: it stopped on an error on the server. Download it again.\r\n"


def _stops_cleanly(lines: Iterable[str]) -> Iterator[str]:
    """The CSV, ended by a line saying so if it breaks part-way. A streamed body fails after Flask's error
    handler is done, where gunicorn would log the failure with the request's address, and the address holds
    the search (a name); here it is logged as the app logs errors: type and stack only."""
    try:
        yield from lines
    except Exception as error:  # noqa: BLE001 - every failure must end the same way
        log.error("CSV export stopped: %s\n%s", type(error).__name__,
                  "".join(traceback.format_tb(error.__traceback__)))
        yield STOPPED


@bp.get("/submissions/export.csv")
@role_required(CLINICIAN)
def export_csv() -> Response | tuple[Response, int]:
    try:
        # The list's own filters, so a link from a filtered list exports exactly the rows shown there.
        list_filter, _page = submission_list.parse(request.args)
    except submission_list.BadFilter as bad:
        return Response("\n".join(bad.problems) + "\n", status=400, mimetype="text/plain")
    db = database.session()
    list_filter = submission_list.resolve(db, list_filter)
    rows = db.scalar(submission_list.count_query(list_filter)) or 0
    record("export_csv", detail=f"{list_filter.describe()}; {rows} row(s)")
    filename = f"submissions-{utcnow():%Y%m%d-%H%M%S}.csv"
    rows_text = stream_with_context(_stops_cleanly(csv_export.export(submission_list.newest_first(db, list_filter))))
    return Response(rows_text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/submissions/<reference>/fhir")
@role_required(CLINICIAN)
def export_fhir(reference: str) -> Response:
    submission = by_reference(database.session(), reference.strip().upper()[:20])
    if submission is None:
        abort(404)
    resource = fhir.response_for(submission, base=current_app.config["FHIR_BASE"])
    record("export_fhir", submission_reference=submission.reference, detail="QuestionnaireResponse")
    return Response(json.dumps(resource, indent=2, ensure_ascii=False), mimetype=FHIR_JSON, headers={
        "Content-Disposition": f'attachment; filename="{submission.reference}.fhir.json"'})
