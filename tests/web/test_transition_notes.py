"""A note typed with any transition is stored and shown in the case's history (issue 12).

The note typed with "Start screening" was silently lost; it is now kept in
the transition's audit event and shown on the officer's page in both
languages' pages alike.
"""

from __future__ import annotations

from reind.programme.audit.chain import events_for
from tests.programme.factories import enterprise, rfs_application
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


def test_the_note_given_with_start_screening_is_stored_and_shown(demo: Demo) -> None:
    with demo.db.unit_of_work() as session:
        app = rfs_application(session, enterprise(session), state="submitted")
        app_id = app.id
    web = demo.browser("officer")
    url = f"/workbench/applications/{app_id}"
    web.page(url)
    done = web.submit(
        f"{url}/transitions", {"action": "start_screening", "note": "Checked the BR copy first"}
    )
    assert done.status_code == 303
    with demo.db.unit_of_work() as session:
        event = events_for(session, "application", app_id)[-1]
    assert event.kind == "application.transitioned"
    assert '"note":"Checked the BR copy first"' in event.payload
    assert "Checked the BR copy first" in text_of(web.get(url))
    assert "Checked the BR copy first" in web.get(f"{url}?lang=zh-Hant").text
