"""The page the visitor came from: named fields, closing sentences, the site's host first, never
machinery."""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse.page import (
    choose,
    host_of,
    is_home,
    is_machinery,
    sentence_urls,
    site_hosts,
)

SITE = "https://www.example-pharma-agency.com"
HOSTS = {"example-pharma-agency.com"}


@pytest.mark.parametrize("line", [
    f"This form submitted at: {SITE}/blog/a/",
    f"Submitted on {SITE}/blog/a/",
    f"Submitted from: {SITE}/blog/a/",
    f"Sent from Example Pharma Agency <{SITE}/blog/a/>",
    f"Gesendet von der Seite {SITE}/blog/a/",
    f"Envoyé depuis {SITE}/blog/a/",
    f"Formulaire soumis depuis {SITE}/blog/a/",
    f"Enviado desde {SITE}/blog/a/",
    f"Referer: {SITE}/blog/a/",
    f"The visitor wrote from the page {SITE}/blog/a/",
    f"Nachricht auf der Seite {SITE}/blog/a/ abgeschickt",
    f"Message envoyé sur la page {SITE}/blog/a/",
])
def test_closing_sentences_name_the_page(line: str) -> None:
    assert choose([], "Name: Jane\n" + line, HOSTS) == SITE + "/blog/a/"


def test_the_url_on_the_next_line() -> None:
    assert sentence_urls(f"This form was submitted from:\n{SITE}/blog/b/") == [SITE + "/blog/b/"]


def test_the_site_host_wins_over_an_earlier_url() -> None:
    named = ["https://partner.example/landing/", f"{SITE}/blog/c/?utm_source=x"]
    assert choose(named, "", HOSTS) == SITE + "/blog/c/"
    assert choose(named, "", set()) == "https://partner.example/landing/"


@pytest.mark.parametrize("url", [
    f"{SITE}/wp-admin/admin.php?page=wpforms-entries", f"{SITE}/wp-admin/post.php?post=12&action=edit",
    f"{SITE}/dashboard/", "https://app.hubspot.com/contacts/1/contact/2", f"{SITE}/unsubscribe?id=1",
    f"{SITE}/privacy-policy/", f"{SITE}/datenschutz/", "https://formspree.io/forms/abc",
    f"{SITE}/admin/structure/webform/manage/contact/submission/12",
])
def test_machinery_is_never_the_page(url: str) -> None:
    assert is_machinery(url)
    assert choose([url], f"Submitted from: {url}", HOSTS) is None


@pytest.mark.parametrize("url", [f"{SITE}/blog/how-to-generate-leads/", f"{SITE}/blog/editorial-team/",
                                 f"{SITE}/blog/admin-costs-in-pharma/"])
def test_ordinary_pages_are_not_machinery(url: str) -> None:
    assert not is_machinery(url)


def test_a_home_page_in_a_footer_is_the_site_not_the_page() -> None:
    text = f"This message was sent from {SITE}."
    assert choose([], text, HOSTS) is None
    assert site_hosts([], [SITE]) == {"example-pharma-agency.com"}


def test_someone_submitted_your_form_on_a_page() -> None:
    text = f"Someone just submitted your form on {SITE}/contact/\nHere's what they had to say:"
    assert sentence_urls(text) == [f"{SITE}/contact/"]


@pytest.mark.parametrize("url", [
    "https://web3forms.com", "https://formsubmit.co/confirm/x", "https://forms.zoho.eu/a/report/b/records/1",
    "https://admin.shopify.com/store/x/customers", "https://tally.so/r/abc", "https://getform.io/forms/1",
    "https://www.cognitoforms.com/Example/ContactUs/entries/128", "https://eu12.my.salesforce.com/00Q5e0AbCdE",
    "https://paperform.co/submissions/x", "https://www.123formbuilder.com/form-1/submissions",
    "https://app.formkeep.com/forms/1", "https://formcarry.com/s/1",
])
def test_more_form_services_are_machinery(url: str) -> None:
    assert is_machinery(url)


def test_a_page_named_in_the_opening_sentence_of_a_new_submission() -> None:
    text = ("Looks like you got a new submission on White paper (https://www.example.com/white-paper/).\n"
            "First Name: Fatima\n")
    assert choose([], text, {"example.com"}) == "https://www.example.com/white-paper/"


def test_long_urls_are_read_without_the_cache() -> None:
    long_url = "https://www.example.com/" + "a" * host_of.longest
    before = (host_of.cache_info().currsize, is_home.cache_info().currsize)
    assert host_of(long_url) == "www.example.com"
    assert is_home(long_url) is False
    assert (host_of.cache_info().currsize, is_home.cache_info().currsize) == before
    assert host_of("https://WWW.Example.com./x") == "www.example.com"
    assert is_home("https://www.example.com/")
    assert not is_home("https://www.example.com/?p=1")
    assert host_of("http://[::1") == ""
    assert is_home("http://[::1") is False
