"""The top bar's search box in Chromium: suggestions while typing, a picked one opens its page, Enter searches."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_search_box_suggests_names_and_opens_the_picked_one(watched, base_url):
    page = watched.page
    page.goto(base_url + "/dashboard")
    page.click(".topsearch input")
    page.keyboard.type("north", delay=30)
    page.wait_for_selector("#topsearch-suggestions option", state="attached", timeout=10_000)  # (CSP: no eval)
    options = page.eval_on_selector_all("#topsearch-suggestions option", "os => os.map(o => o.value)")
    assert "Northland" in options, options
    page.fill(".topsearch input", "Northland")  # what picking the suggestion does: the input holds its label
    page.wait_for_url("**/id/**", timeout=10_000)
    assert "Northland" in page.text_content("h1")
    watched.assert_clean()


def test_search_box_submits_to_the_results_page(watched, base_url):
    page = watched.page
    page.goto(base_url + "/queries")
    page.fill(".topsearch input", "southland")
    page.press(".topsearch input", "Enter")
    page.wait_for_selector(".search-results li", timeout=10_000)
    assert "/search?q=southland" in page.url
    assert page.locator(".search-results li a", has_text="Southland").count() >= 1
    watched.assert_clean()
