"""Spam-looking submissions are flagged with the reason; ordinary leads are not (rules stay
conservative)."""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse.classify import _phrase, spam_reason
from tests.ingest.parse.eml import parse
from tests.ingest.parse.test_layouts import EXPECTED


@pytest.mark.parametrize(("name", "reason"), [
    ("spam_seo", "spam phrase 'first page of Google'"),
    ("spam_crypto", "spam phrase 'Bitcoin'"),
    ("spam_links", "5 links in the message"),
    ("spam_cyrillic", "spam phrase 'продвижению вашего сайта'"),
    ("spam_url_name", "empty message, and the name is a URL"),
    ("spam_honeypot", "honeypot field 'Leave this field empty' filled in"),
])
def test_spam_is_flagged(name: str, reason: str) -> None:
    draft = parse(name)
    assert draft.is_submission
    assert draft.is_spam
    assert draft.spam_reason == reason


@pytest.mark.parametrize("name", [*sorted(EXPECTED), "charset_latin1", "charset_cp1252_as_utf8",
                                  "visitor_reply_to", "invalid_email"])
def test_real_leads_are_not_spam(name: str) -> None:
    draft = parse(name)
    assert not draft.is_spam
    assert draft.spam_reason is None


@pytest.mark.parametrize(("fields", "name", "message", "spam"), [
    # three links are still a normal message: a visitor may cite papers
    ({"Message": "x"}, "Jane", "See https://a.example https://b.example and www.c.example", False),
    ({"Message": "x"}, "Jane", "[url=http://a.example]cheap[/url] https://b.example https://c.example "
                               "https://d.example", True),
    ({"Message": "x"}, "Jane", "Our agency does SEO for pharma brands, can we talk about a joint pitch?",
     False),
    ({"Message": "x"}, "Jane", "We offer SEO services for your site.", True),
    ({"Message": "x"}, "Jane", "We need guest posts.", True),
    # a Greek or a Cyrillic name alone is no reason
    ({"Name": "Иван", "Message": "x"}, "Иван Петров", "We would like to discuss a launch in Bulgaria.",
     False),
    # too short to judge by script
    ({"Message": "x"}, "Jane", "Спасибо!", False),
    # a whole enquiry in Bulgarian, Ukrainian or Chinese is a lead: the script is not the sign ...
    ({"Message": "x"}, "Мария", "Здравейте, бихме искали да обсъдим кампания за пациенти в София.",
     False),
    ({"Message": "x"}, "Олена", "Добрий день! Хочемо обговорити навчання лікарів у Києві восени.",
     False),
    ({"Message": "x"}, "王芳", "您好，我们希望与贵公司讨论在上海的医学教育合作项目，请与我联系。", False),
    # ... the offer is, in Russian as in English
    ({"Message": "x"}, "Jane", "Предлагаем раскрутку вашего сайта и прогон по каталогам недорого.",
     True),
    ({"Message": "x"}, "Jane",
     "请联系我们，我们提供网站推广服务，价格优惠，欢迎咨询合作事宜。谢谢您的关注", True),
    ({"Website": "https://jane.example"}, "Jane", None, False),
    ({"Name": "www.pills.example"}, "www.pills.example", "", True),
    ({"Name": "www.pills.example"}, "www.pills.example", "I need a quote.", False),
    ({"Subject": "SEO services for your website", "Message": "Call us"}, "Jane", "Call us", True),
    ({"honeypot": ""}, "Jane", "Hello", False),
    ({"_gotcha": "x"}, "Jane", "Hello", True),
])
def test_spam_rules(fields: dict[str, str], name: str, message: str | None, spam: bool) -> None:
    assert (spam_reason(fields, name, message) is not None) is spam


SITE_HOSTS = ("example-pharma-agency.com",)
PAGE = "https://www.example-pharma-agency.com/blog/speakers/"


def _links(*urls: str) -> str:
    return "Please see " + " and ".join(urls)


@pytest.mark.parametrize(("message", "spam"), [
    # three visitor links are a normal message, four are spam (the threshold, both sides)
    (_links("https://a.example", "https://b.example", "https://c.example"), False),
    (_links("https://a.example", "https://b.example", "https://c.example", "https://d.example"), True),
    # the page URL, the site's own host and admin or unsubscribe links never count
    (_links(PAGE, "https://www.example-pharma-agency.com/services/", "https://a.example",
            "https://b.example", "https://c.example"), False),
    (_links("https://example-pharma-agency.com/wp-admin/post.php?post=1&action=edit",
            "https://x.example/unsubscribe", "https://a.example", "https://b.example",
            "https://c.example"), False),
    (_links("https://app.hubspot.com/contacts/1", "https://a.example", "https://b.example",
            "https://c.example"), False),
    # ... but they do not excuse four links of the visitor's own
    (_links(PAGE, "https://a.example", "https://b.example", "https://c.example", "https://d.example"), True),
])
def test_links_of_the_notification_never_count(message: str, spam: bool) -> None:
    reason = spam_reason({"Message": message}, "Jane", message, site_hosts=SITE_HOSTS, page_url=PAGE)
    assert (reason is not None) is spam
    if spam:
        assert reason == "4 links in the message"


@pytest.mark.parametrize(("message", "phrase"), [
    ("My name's Eric and I just found your site. Talk With Web Visitor is a software widget.",
     "Talk With Web Visitor"),
    ("We provide affordable SEO for medical sites", "We provide affordable SEO"),
    ("We can boost your site. Increase your website traffic by 300%", "Increase your website traffic"),
    ("We sell high quality backlinks and link building packages", "backlinks"),
    ("Invest in Bitcoin now, guaranteed returns", "Bitcoin"),
    ("Our SEO agency can help", "Our SEO agency"),
    ("Get dofollow links from DA 90 sites", "dofollow"),
])
def test_known_form_spam_is_caught_and_quoted(message: str, phrase: str) -> None:
    assert spam_reason({"Message": message}, "Eric", message) == f"spam phrase {phrase!r}"


@pytest.mark.parametrize("message", [
    "We would like to convert more web visitors into patients for our clinic trial recruitment.",
    "Our visitors talk with our web team about patient engagement.",
    "We are an SEO-savvy pharma brand and need a partner for speakers bureaus.",
    "Do you offer SEO services for pharma brands? We need search engine optimization for our site.",
    "We want to turn web visitors into leads and increase website traffic to our patient portal.",
    "Our new product page is ranking higher than expected; can you help with the launch?",
    # A buyer's own SEO agency, and a lead that mentions unsubscribing patients.
    "Our SEO agency recommended you for medical content. We need ten articles a quarter.",
    "Our SEO team asked us to find a medical writer for the oncology pages.",
    "To unsubscribe patients from SMS reminders we need a new consent flow. Can you help?",
])
def test_genuine_marketing_questions_are_not_spam(message: str) -> None:
    assert spam_reason({"Message": message}, "Jane", message) is None


def test_a_form_with_only_a_page_url_field_and_no_message_is_not_spam() -> None:
    fields = {"Name": "Jane", "Page URL": PAGE, "Referrer": "https://www.example-pharma-agency.com/",
              "Admin": "https://www.example-pharma-agency.com/wp-admin/", "Website": "https://jane.example"}
    assert spam_reason(fields, "Jane", None, site_hosts=SITE_HOSTS, page_url=PAGE) is None


@pytest.mark.parametrize("sample", [
    "our seo services", "affordable SEO packages", "SEO services for your clinic", "we offer seo",
    "I provide backlinks", "we sell guest posts", "we specialize in search engine optimization",
    "we can provide web traffic", "first page of Google", "top on google", "page one of google",
    "rank your site", "rank #1", "cheap backlinks", "link-building", "guest posting", "domain authority",
    "dofollow", "do-follow", "increase your website traffic", "TalkWithWebVisitor", "talk with web visitors",
    "capture any visitor's name", "bitcoin", "cryptocurrencies", "crypto trading", "forex",
    "binary options", "online casino", "casino bonus", "viagra", "cialis", "payday loans",
    "make money online", "earn $500 per day",
])
def test_every_spam_phrase_passes_the_trigger_words(sample: str) -> None:
    # The substring pre-check must never stop a phrase the pattern knows.
    assert _phrase(f"Hello. {sample}. Thanks") is not None, sample
