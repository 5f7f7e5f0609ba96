"""Uploads: the bytes must be what they claim, oversize is 413 however sent, drafts only."""

from __future__ import annotations

import io
from collections.abc import Iterator

import openpyxl
import pytest

from reind.core.money import HKD
from reind.programme.enterprises.store import EnterpriseRow
from tests.programme.factories import funded_rfs_project, rfs_application
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
