"""The SME-centre enquiry desk: enquiries and seminars, their tables and services.

May import ``programme.audit``, ``enterprises.store``, ``enterprises.fits``, ``schemes``,
``rules``, ``core``.
"""

from reind.programme.desk.services import (
    CENTRE_NAMES,
    Centre,
    NewEnquiry,
    answer_enquiry,
    count_enquiries,
    count_seminars,
    prepare_enquiry,
    record_enquiry,
    record_seminar,
    route_enquiry,
)
from reind.programme.enterprises.fits import SchemeFit, schemes_that_fit

__all__ = [
    "CENTRE_NAMES",
    "Centre",
    "NewEnquiry",
    "SchemeFit",
    "answer_enquiry",
    "count_enquiries",
    "count_seminars",
    "prepare_enquiry",
    "record_enquiry",
    "record_seminar",
    "route_enquiry",
    "schemes_that_fit",
]
