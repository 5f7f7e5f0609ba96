"""The administrator's account screens, through the pages (SQLite demo, both languages).

Administrators manage accounts, not cases: they add a user, change its role
with a reason (kept in the audit log), end its sessions (the person's next
request goes to the sign-in page) and revoke its API tokens; other roles are
refused these pages.
"""

from __future__ import annotations

import re

from reind.programme import accounts
from reind.programme.actors import SYSTEM
from reind.programme.audit.views import events_for
from tests.web.test_pages_world import Browser, Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures

PASSWORD = "first password for Ms Yip"


def _add_clerk(demo: Demo) -> tuple[Browser, str]:
    admin = demo.browser("admin")
    admin.page("/admin/users")
    added = admin.submit(
        "/admin/users",
        {
            "display_name": "Yip Wing Sze",
            "email": "yip.wingsze@itc.gov.hk",
            "role": "officer",
            "password": PASSWORD,
        },
    )
    assert added.status_code == 303, text_of(added)
    return admin, added.headers["location"].rsplit("/", 1)[1]


def test_the_administrator_adds_a_user_and_changes_its_role_with_a_reason(demo: Demo) -> None:
    admin, user_id = _add_clerk(demo)
    listed = text_of(admin.get("/admin/users?q=yIP+wing"))
    assert "Yip Wing Sze" in listed and "Showing 1 of 1" in listed
    assert "Yip Wing Sze" not in text_of(admin.get("/admin/users?role=finance"))
    admin.page(f"/admin/users/{user_id}")
    refused = admin.submit(f"/admin/users/{user_id}/role", {"role": "finance", "reason": ""})
    assert refused.status_code == 400 and "Please fill this in." in text_of(refused)
    changed = admin.submit(
        f"/admin/users/{user_id}/role", {"role": "finance", "reason": "moved to finance"}
    )
    assert changed.status_code == 303
    shown = text_of(admin.get(f"/admin/users/{user_id}"))
    assert "Role changed: Programme officer → Finance" in shown and "moved to finance" in shown
    with demo.db.unit_of_work() as session:
        kinds = [e.kind for e in events_for(session, "user", user_id)]
    assert kinds == ["account.user_added", "account.role_changed"]
    zh = text_of(admin.get(f"/admin/users/{user_id}?lang=zh-Hant"))
    assert "職能已更改" in zh and "帳戶記錄" in zh and "Account history" not in zh


def test_ending_a_session_from_the_admin_screen_signs_the_person_out_at_once(
    demo: Demo,
) -> None:
    admin, user_id = _add_clerk(demo)
    person = demo.browser()
    signed_in = person.post(
        "/sign-in", data={"email": "yip.wingsze@itc.gov.hk", "password": PASSWORD}
    )
    assert signed_in.status_code == 200 and person.get("/workbench").status_code == 200
    page = admin.page(f"/admin/users/{user_id}")
    assert "Browsers signed in now: 1." in text_of(page)
    session_id = re.search(rf"/admin/users/{user_id}/sessions/([^/]+)/end", page.text)
    assert session_id is not None
    ended = admin.submit(f"/admin/users/{user_id}/sessions/{session_id.group(1)}/end", {})
    assert ended.status_code == 303
    after = person.get("/workbench", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/sign-in")
    assert "Browsers signed in now: 0." in text_of(admin.get(f"/admin/users/{user_id}"))


def test_tokens_are_listed_without_their_secret_and_revoked_from_the_screen(demo: Demo) -> None:
    admin, user_id = _add_clerk(demo)
    with demo.db.unit_of_work() as session:
        _row, secret = accounts.issue_token(session, user_id, "nightly export", SYSTEM)
    page = admin.page(f"/admin/users/{user_id}")
    assert "nightly export" in page.text and secret not in page.text
    assert secret[:12] in page.text  # its first characters, to recognise it
    token_id = re.search(rf"/admin/users/{user_id}/tokens/([^/]+)/revoke", page.text)
    assert token_id is not None
    assert (
        admin.submit(f"/admin/users/{user_id}/tokens/{token_id.group(1)}/revoke", {}).status_code
        == 303
    )
    assert (
        demo.browser()
        .get("/api/v1/session", headers={"Authorization": f"Bearer {secret}"})
        .status_code
        == 401
    )
    deactivated = admin.submit(f"/admin/users/{user_id}/deactivation", {})
    assert deactivated.status_code == 303
    assert "Switched off" in text_of(admin.get(f"/admin/users/{user_id}"))


def test_the_account_screens_are_for_administrators_only(demo: Demo) -> None:
    officer = demo.browser("officer")
    assert officer.get("/admin/users").status_code == 403
    admin = demo.browser("admin")
    own = admin.get("/admin/users").text
    assert 'href="/admin/users"' in own
    me = demo.portfolio.user("admin")
    with demo.db.unit_of_work() as session:
        page = accounts.list_users(
            session,
            SYSTEM,
            accounts.UserFilters(q=me.email),
        )
    (mine,) = page.items
    text = text_of(admin.get(f"/admin/users/{mine.id}"))
    assert "This is your own account" in text and "Change the role" not in text


def test_a_token_issued_from_the_screen_is_shown_once_and_works(demo: Demo) -> None:
    admin, user_id = _add_clerk(demo)
    admin.page(f"/admin/users/{user_id}")
    blank = admin.submit(f"/admin/users/{user_id}/tokens", {"token_name": " "})
    assert blank.status_code == 400 and "Please fill this in." in text_of(blank)
    issued = admin.submit(f"/admin/users/{user_id}/tokens", {"token_name": "ledger export"})
    assert issued.status_code == 201 and issued.headers["cache-control"] == "no-store"
    found = re.search(r'<code id="token-secret">(reind_[^<]+)</code>', issued.text)
    assert found is not None
    secret = found.group(1)
    me = demo.browser().get("/api/v1/session", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["user"]["id"] == user_id
    again = admin.get(f"/admin/users/{user_id}").text
    assert secret not in again and "ledger export" in again
