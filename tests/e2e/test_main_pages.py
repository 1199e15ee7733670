"""Every main page, for each kind of reader, in Vietnamese and in English, on a desktop and on
a 390 px phone: it answers, the automated accessibility check (axe-core, from the npm registry)
finds nothing serious or critical (on every page on the desktop; on the phone, the public's and
investors' pages), and on the phone nothing scrolls sideways (the menu folds into one button,
tables scroll inside their own box, label/value pairs stack)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN, DESK, INVESTOR, LEADER, PUBLIC, serious_violations, sign_in_as

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def overflow(page) -> str:
    """'' when the page fits its viewport; else how wide it is and its widest elements."""
    return page.evaluate("""() => {
        const root = document.documentElement;
        if (root.scrollWidth <= root.clientWidth + 1) return "";
        const wide = [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
            .filter(e => !e.closest(".table-scroll, .scroll-x"))
            .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")
                                  + " " + Math.round(e.getBoundingClientRect().right) + "px");
        return root.scrollWidth + "px wide: " + wide.join(", ");
    }""")



@pytest.mark.parametrize("who, paths", [("public", PUBLIC), ("investor", INVESTOR), ("desk", DESK),
                                        ("leader", LEADER), ("admin", ADMIN)])
def test_every_main_page_on_a_desktop_and_a_phone(main_pages, browser, who, paths):
    url, ids = main_pages
    context = browser.new_context(locale="vi-VN", bypass_csp=True, viewport=DESKTOP)   # the check is injected
    page = context.new_page()
    found = []
    try:
        sign_in_as(page, url, who)
        for language in ("vi", "en"):
            page.goto(f"{url}/language/{language}?next=/")
            for size in (DESKTOP, PHONE):
                page.set_viewport_size(size)
                for path in paths:
                    response = page.goto(url + path.format(**ids))
                    where = f"{language} {size['width']}px {path}"
                    if response.status != 200:
                        found.append(f"{where}: answered {response.status}")
                        continue
                    if size is DESKTOP or who in ("public", "investor"):   # the phone's readers: the public, investors
                        found += [f"{where}: {problem}" for problem in serious_violations(page)]
                    if size is PHONE and overflow(page):
                        found.append(f"{where}: {overflow(page)}")
    finally:
        context.close()
    assert found == []


def test_the_phone_menu_folds_into_one_button_and_opens(main_pages, browser):
    url, _ids = main_pages
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(url + "/")
        menu = page.get_by_role("button", name="Danh mục")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(page.get_by_role("link", name="Tra cứu hồ sơ")).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        page.get_by_role("link", name="Tra cứu hồ sơ").click()
        expect(page).to_have_url(url + "/tracking")
    finally:
        context.close()
    without_script = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    page = without_script.new_page()
    try:
        page.goto(url + "/")
        expect(page.get_by_role("link", name="Tra cứu hồ sơ")).to_be_visible()   # a plain list
        assert page.get_by_role("button", name="Danh mục").count() == 0
        assert overflow(page) == ""
    finally:
        without_script.close()


def test_the_new_project_fields_show_only_for_a_new_project(main_pages, browser):
    url, _ids = main_pages
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    try:
        sign_in_as(page, url, "investor")
        page.goto(url + "/dossiers/new/QLDT-01")
        project = page.get_by_label("Dự án", exact=True)
        name = page.get_by_label("Tên dự án mới")
        expect(name).to_be_visible()                       # QLDT-01 starts a new project by default
        project.select_option(index=1)                     # an existing one
        expect(name).to_be_hidden()
        project.select_option(value="0")
        expect(name).to_be_visible()
    finally:
        context.close()
