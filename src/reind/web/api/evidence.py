"""Uploads after submission: a claim's evidence and a report's attachments (issue 13).

The application's own documents go through ``/applications/{id}/documents`` (a draft,
or an officer's information request); after submission these two paths are the only
other ways in. Every path reads the upload with ``read_upload`` (413 past the limit,
however the body was sent) and the service checks the bytes and the case's state.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, UploadFile, status

from reind.core.errors import TooLargeError
from reind.programme.applications import contents
from reind.programme.money import evidence
from reind.programme.permissions import Action
from reind.web.api.application_schemas import DocumentPublic
from reind.web.api.common import RowIdPath
from reind.web.auth import CurrentActor, require
from reind.web.deps import UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["documents"])


def read_upload(file: UploadFile) -> bytes:
    """The upload's bytes, or 413 when it is over ``MAX_DOCUMENT_BYTES`` (read no further)."""
    limit = contents.MAX_DOCUMENT_BYTES
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise TooLargeError(
            "{filename}: the file is over the limit of {limit} bytes",
            filename=file.filename,
            limit=limit,
        )
    return content


@router.post(
    "/claims/{claim_id}/documents",
    response_model=DocumentPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.SUBMIT_CLAIMS))],
)
def attach_claim_document(
    claim_id: str, file: UploadFile, actor: CurrentActor, session: UnitOfWork
) -> DocumentPublic:
    """Add evidence to a claim waiting for the officer's check (PDF, images, CSV, XLSX, DOCX)."""
    view = evidence.attach_claim_document(
        session,
        claim_id,
        actor,
        filename=file.filename or "",
        media_type=file.content_type or "",
        content=read_upload(file),
    )
    return DocumentPublic.model_validate(view)


@router.post(
    "/reports/{report_id}/documents",
    response_model=DocumentPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.FILE_REPORTS))],
)
def attach_report_document(
    report_id: RowIdPath, file: UploadFile, actor: CurrentActor, session: UnitOfWork
) -> DocumentPublic:
    """Attach a document to a report not yet accepted (PDF, images, CSV, XLSX, DOCX)."""
    view = evidence.attach_report_document(
        session,
        report_id,
        actor,
        filename=file.filename or "",
        media_type=file.content_type or "",
        content=read_upload(file),
    )
    return DocumentPublic.model_validate(view)
