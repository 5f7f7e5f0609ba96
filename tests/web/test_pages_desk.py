"""The enquiries desk: record with a profile, route, answer with the schemes that fit."""

from __future__ import annotations

import re

from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


def test_an_enquiry_is_recorded_routed_and_answered_with_schemes(demo: Demo) -> None:
    web = demo.browser("officer")
    web.page("/desk")
    recorded = web.submit(
        "/desk/enquiries",
        {
            "question": "Is there money for a new food line?",
            "channel": "phone",
            "incorporated_under": "cap622",
            "employees": "30",
            "manufacturing": "yes",
            "listed": "no",
            "total_cost": "6,000,000",
        },
    )
    assert recorded.status_code == 303
    url = recorded.headers["location"]
    assert re.fullmatch(r"/desk/enquiries/[0-9a-f-]+", url)
    web.page(url)
    assert web.submit(f"{url}/routing", {"centre": "sme_one_hkpc"}).status_code == 303
    web.page(url)
    assert web.submit(f"{url}/answer", {"note_en": "Call us."}).status_code == 303
    answered = text_of(web.get(url))
    assert "Schemes that may fit:" in answered and "RFS" in answered and "Call us." in answered


def test_a_bad_enquiry_form_keeps_what_was_typed(demo: Demo) -> None:
    web = demo.browser("officer")
    web.page("/desk")
    answer = web.submit("/desk/enquiries", {"question": "", "employees": "many"})
    assert answer.status_code == 400
    assert 'id="e-question"' in answer.text and 'value="many"' in answer.text
    assert 'id="e-employees"' in answer.text
