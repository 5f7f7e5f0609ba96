"""Uploads: the bytes must be what they claim, oversize is 413 however sent; after submission
only through the paths that need them (an information request, a claim, a report), each
checking the bytes, the size and its case's state, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import openpyxl
import pytest

from reind.core.clock import FixedClock
from reind.core.money import HKD
from reind.programme.applications.transitions import transition_application
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.agreements import submit_report
from reind.programme.money.claims import approve_claim_as_officer, submit_claim
from reind.programme.money.payment_conditions import accept_report
from reind.schemes.catalogue import default_engine
from tests.programme.factories import (
    OFFICER,
    SECOND_OFFICER,
    applicant_of,
    funded_rfs_project,
    rfs_application,
)
from tests.web.world import World

HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def _draft(world: World, state: str = "draft") -> str:
    with world.db.unit_of_work() as session:
        a = session.get_one(EnterpriseRow, world.enterprise_a)
        if state == "completed":
            return funded_rfs_project(session, a, grant=HKD("100000"), completed=True).id
        return rfs_application(session, a, state=state).id


def _xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("quote.pdf", HTML, "application/pdf"),
        ("photo.png", b"%PDF-1.4 a pdf really", "image/png"),
        ("costs.csv", HTML, "text/csv"),
        ("costs.csv", b"%PDF-1.4 binary", "text/csv"),
        (
            "budget.xlsx",
            b"a,b\n1,2\n",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_bytes_that_are_not_the_declared_type_are_refused(
    world: World, name: str, content: bytes, media_type: str
) -> None:
    path = f"/api/v1/applications/{_draft(world)}/documents"
    answer = world.client.post(
        path, files={"file": (name, content, media_type)}, headers=world.auth("applicant")
    )
    assert answer.status_code == 400, answer.text
    assert "content is not" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("quote.pdf", b"%PDF-1.4\n%real enough", "application/pdf"),
        ("costs.csv", "item,amount\n烤爐,1000\n".encode(), "text/csv"),
        (
            "budget.xlsx",
            _xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_documents_whose_bytes_match_their_type_are_stored(
    world: World, name: str, content: bytes, media_type: str
) -> None:
    path = f"/api/v1/applications/{_draft(world)}/documents"
    answer = world.client.post(
        path, files={"file": (name, content, media_type)}, headers=world.auth("applicant")
    )
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("state", ["screening", "assessment", "completed"])
def test_no_documents_through_the_api_after_submission(world: World, state: str) -> None:
    path = f"/api/v1/applications/{_draft(world, state)}/documents"
    pdf = {"file": ("late.pdf", b"%PDF-1.4 late", "application/pdf")}
    for who in ("applicant", "officer"):
        answer = world.client.post(path, files=pdf, headers=world.auth(who))
        assert answer.status_code == 409, (who, answer.text)


def test_an_oversized_chunked_upload_is_413(world: World) -> None:
    path = f"/api/v1/applications/{_draft(world)}/documents"
    boundary = "reindboundary"

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 '
        ).encode()
        for _ in range(22):
            yield b"0" * (1024 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    answer = world.client.post(
        path,
        content=body(),
        headers={
            **world.auth("officer"),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert "content-length" not in answer.request.headers
    assert answer.status_code == 413, answer.text
    assert answer.json()["code"] == "body_too_large"


# After submission: the three paths that need documents, each checked as the draft's path is.


def _information_request(world: World, late: bool) -> str:
    """An application an officer asked for information on (late: already back in screening)."""
    app = _draft(world, "screening")
    if not late:
        with world.db.unit_of_work() as session:
            transition_application(session, app, "return_for_information", OFFICER)
    return f"/api/v1/applications/{app}/documents"


def _claim(world: World, late: bool) -> str:
    """A claim waiting for the officer's check (late: already checked by an officer)."""
    app = _draft(world, "completed")
    with world.db.unit_of_work() as session:
        row = submit_claim(
            session,
            app,
            HKD("1000"),
            SECOND_OFFICER,
            clock=FixedClock.on(date(2024, 9, 1)),
            engine=default_engine(),
        )
        if late:
            approve_claim_as_officer(session, row.id, OFFICER)
        return f"/api/v1/claims/{row.id}/documents"


def _report(world: World, late: bool) -> str:
    """A progress report not yet accepted (late: accepted by another officer)."""
    app = _draft(world, "completed")
    with world.db.unit_of_work() as session:
        row = submit_report(
            session,
            app,
            applicant_of(session.get_one(EnterpriseRow, world.enterprise_a)),
            kind="progress",
            period_end=date(2024, 12, 31),
            submitted_on=date(2025, 1, 15),
            summary="On track.",
        )
        if late:
            accept_report(session, row.id, SECOND_OFFICER, accepted_on=date(2025, 2, 1))
        return f"/api/v1/reports/{row.id}/documents"


PATHS = {"information request": _information_request, "claim": _claim, "report": _report}


@pytest.mark.parametrize("path", list(PATHS))
def test_documents_after_submission_come_through_the_paths_that_need_them(
    shared_world: World, path: str
) -> None:
    world = shared_world
    url = PATHS[path](world, False)
    good = {"file": ("invoice.pdf", b"%PDF-1.4\n%" + url.encode(), "application/pdf")}
    answer = world.client.post(url, files=good, headers=world.auth("applicant"))
    assert answer.status_code == 201, answer.text
    other = world.client.post(url, files=good, headers=world.auth("other_applicant"))
    assert other.status_code == 403, other.text


@pytest.mark.parametrize("path", list(PATHS))
def test_each_path_sniffs_the_bytes(shared_world: World, path: str) -> None:
    world = shared_world
    url = PATHS[path](world, False)
    html = {"file": ("invoice.pdf", HTML, "application/pdf")}
    answer = world.client.post(url, files=html, headers=world.auth("applicant"))
    assert answer.status_code == 400, answer.text
    assert "content is not" in answer.json()["detail"]


@pytest.mark.parametrize("path", list(PATHS))
def test_each_path_refuses_once_its_case_has_moved_on(shared_world: World, path: str) -> None:
    world = shared_world
    url = PATHS[path](world, True)
    pdf = {"file": ("late.pdf", b"%PDF-1.4 late " + url.encode(), "application/pdf")}
    answer = world.client.post(url, files=pdf, headers=world.auth("officer"))
    assert answer.status_code == 409, answer.text
    assert answer.json()["detail_zh_hant"]


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("chunked", [True, False])
def test_each_path_answers_413_to_an_oversize_upload(
    shared_world: World, path: str, chunked: bool
) -> None:
    world = shared_world
    url = PATHS[path](world, False)
    boundary = "reindboundary"
    parts = [
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 '
        ).encode(),
        *(b"0" * (1024 * 1024) for _ in range(22)),
        f"\r\n--{boundary}--\r\n".encode(),
    ]
    answer = world.client.post(
        url,
        content=iter(parts) if chunked else b"".join(parts),
        headers={
            **world.auth("applicant"),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert ("content-length" in answer.request.headers) is not chunked
    assert answer.status_code == 413, answer.text
    assert answer.json()["code"] == "body_too_large"
