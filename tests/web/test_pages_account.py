"""Sign-in and sign-out pages: role homes, kept e-mail on failure, CSRF, safe redirects."""

from __future__ import annotations

from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures, shared with the other page tests


def test_sign_in_page_is_bilingual_with_labelled_fields(demo: Demo) -> None:
    web = demo.browser()
    english = web.get("/sign-in").text
    assert '<label for="f-email">E-mail address' in english and 'id="f-password"' in english
    chinese = web.get("/sign-in?lang=zh-Hant").text
    assert "電郵地址" in chinese and "登入" in chinese and 'lang="zh-Hant-HK"' in chinese


def test_a_wrong_password_keeps_the_email_and_says_so(demo: Demo) -> None:
    answer = demo.browser().post(
        "/sign-in", data={"email": "officer@demo.reind.hk", "password": "wrong password!"}
    )
    assert answer.status_code == 401
    assert 'value="officer@demo.reind.hk"' in answer.text
    assert "password is wrong" in text_of(answer)


def test_signing_in_goes_to_the_role_home_or_back_where_asked(demo: Demo) -> None:
    web = demo.browser()
    officer = demo.portfolio.user("officer")
    form = {"email": officer.email, "password": officer.password}
    assert web.post("/sign-in", data=form, follow_redirects=False).headers["location"] == (
        "/workbench"
    )
    back = web.post("/sign-in", data={**form, "next": "/desk"}, follow_redirects=False)
    assert back.headers["location"] == "/desk"
    elsewhere = web.post(
        "/sign-in", data={**form, "next": "//evil.example/"}, follow_redirects=False
    )
    assert elsewhere.headers["location"] == "/workbench"


def test_pages_send_a_signed_out_visitor_to_sign_in_and_back(demo: Demo) -> None:
    answer = demo.browser().get("/workbench?state=screening", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=%2Fworkbench%3Fstate%3Dscreening"


def test_sign_out_needs_the_csrf_token(demo: Demo) -> None:
    web = demo.browser("officer")
    refused = web.post("/sign-out", data={}, follow_redirects=False)
    assert refused.status_code == 403 and "This form has expired" in refused.text
    assert web.get("/workbench", follow_redirects=False).status_code == 200
    web.page("/workbench")
    assert web.submit("/sign-out", {}).status_code == 303
    assert web.get("/workbench", follow_redirects=False).status_code == 303


def test_a_role_is_refused_another_roles_pages_with_a_readable_page(demo: Demo) -> None:
    answer = demo.browser("applicant").get("/finance")
    assert answer.status_code == 403
    assert "You may not see this page" in answer.text
    assert "second (finance&#39;s) approval" in answer.text  # the action refused, in words
    assert "你無權查看此頁" in demo.browser("applicant").get("/finance?lang=zh-Hant").text
