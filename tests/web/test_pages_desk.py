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


def test_the_desk_keeps_the_enquirers_name_and_contact_and_shows_facts_in_words(
    demo: Demo,
) -> None:
    web = demo.browser("officer")
    form = web.page("/desk")
    assert "used only to answer this enquiry" in form.text  # the purpose, stated
    recorded = web.submit(
        "/desk/enquiries",
        {
            "question": "Can we get funding to set up a smart production line?",
            "channel": "email",
            "enquirer_name": "Ms Chan Tai Man",
            "enquirer_contact": "chan@example.hk",
            "incorporated_under": "cap622",
            "listed": "no",
        },
    )
    url = recorded.headers["location"]
    shown = text_of(web.get(url))
    assert "Ms Chan Tai Man" in shown and "chan@example.hk" in shown
    assert "cap622" not in shown and "False" not in shown and "incorporated_under" not in shown
    assert "Companies Ordinance (Cap. 622)" in shown
    zh = text_of(web.get(f"{url}?lang=zh-Hant"))
    assert "cap622" not in zh and "False" not in zh and "公司條例" in zh
    listed = text_of(web.get("/desk?q=Chan+Tai+Man"))
    assert "Ms Chan Tai Man" in listed


def test_routing_shows_the_chosen_centre_and_a_second_click_does_not_route_again(
    demo: Demo,
) -> None:
    web = demo.browser("officer")
    web.page("/desk")
    url = web.submit("/desk/enquiries", {"question": "Help?", "channel": "phone"}).headers[
        "location"
    ]
    web.page(url)
    assert web.submit(f"{url}/routing", {"centre": "tecone_hkstp"}).status_code == 303
    page = web.page(url)
    assert '<option value="tecone_hkstp" selected>' in page.text
    again = web.submit(f"{url}/routing", {"centre": "tecone_hkstp"})
    assert again.status_code == 400 and "already routed" in again.text
    moved = web.submit(f"{url}/routing", {"centre": "sme_one_hkpc"})
    assert moved.status_code == 303


def test_a_smart_production_line_enquiry_is_answered_with_rfs(demo: Demo) -> None:
    web = demo.browser("officer")
    web.page("/desk")
    url = web.submit(
        "/desk/enquiries",
        {
            "question": "Can we get funding to set up a smart production line?",
            "channel": "phone",
            "incorporated_under": "cap622",
            "employees": "60",
            "manufacturing": "yes",
        },
    ).headers["location"]
    web.page(url)
    web.submit(f"{url}/routing", {"centre": "sme_one_hkpc"})
    web.page(url)
    web.submit(f"{url}/answer", {})
    page = web.get(url)
    answered = text_of(page)
    assert "Schemes that may fit: none" not in answered and "RFS" in answered
    section = page.text.split('<section class="decision">')[1].split("</section>")[0]
    shown = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert shown.count("RFS") == 1, shown  # each scheme once, not a sentence then a list
    assert section.count('href="/schemes/rfs"') == 1  # named in the answer, linked there
    zh = web.get(f"{url}?lang=zh-Hant").text.split('<section class="decision">')[1]
    zh = zh.split("</section>")[0]  # each scheme by its Chinese name, linked (issue 16)
    assert '<a href="/schemes/rfs">再工業化資助計劃（新型工業化資助計劃）</a>' in zh, zh
    assert "RFS" not in zh and zh.count('href="/schemes/rfs"') == 1


def test_a_refusal_reads_in_chinese_on_a_chinese_page(demo: Demo) -> None:
    web = demo.browser("officer")
    web.page("/desk")
    url = web.submit("/desk/enquiries", {"question": "Help?", "channel": "phone"}).headers[
        "location"
    ]
    web.page(url)
    web.submit(f"{url}/routing", {"centre": "tecone_hkstp"})
    web.page(f"{url}?lang=zh-Hant")
    again = web.submit(f"{url}/routing?lang=zh-Hant", {"centre": "tecone_hkstp"})
    assert again.status_code == 400 and "此查詢已轉介至" in again.text
    assert "already routed" not in again.text
    forbidden = demo.browser("applicant").get("/desk?lang=zh-Hant")
    assert forbidden.status_code == 403
    assert "您的職能不可" in forbidden.text and "your role may not" not in forbidden.text


def test_a_received_enquiry_reads_as_a_state_not_as_the_date_column(demo: Demo) -> None:
    """The state 'received' and the column of the date received are different words in Chinese.

    They shared one message id, so when the date column became 收件日期 an enquiry's state
    read 「狀況：收件日期」.
    """
    web = demo.browser("officer")
    web.page("/desk")
    url = web.submit("/desk/enquiries", {"question": "Help?", "channel": "phone"}).headers[
        "location"
    ]
    page = text_of(web.get(f"{url}?lang=zh-Hant"))
    assert re.search(r"狀況：\s*已收到，尚未轉介", page)
    listed = text_of(web.get("/desk?state=received&lang=zh-Hant"))
    assert "收件日期" in listed  # the column
    assert listed.count("已收到") >= 2  # the filter's choice and the enquiry's state
