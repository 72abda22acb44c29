"""Rules that say a mail is not a form submission, and that a submission is spam.

Not a submission: a bounce (delivery status notification), an auto-reply, a reply or forward in a
thread (a colleague answering a lead, quoting the notification), a WordPress system notice, a
newsletter or list mail. Those that need no layout are checked first; the mailing-list check comes after
the known layouts, as some form services send their notifications with list headers, and even then a
mail that reads as a form submission (a visitor's address and name or message, and talk of a form) stays
a lead. A subject a visitor could have typed ("Out of office cover ...", "Undeliverable samples") says
auto-reply or bounce only for mail in which no layout reads a visitor.

Spam rules are kept conservative, because a lead wrongly hidden costs more than a spam shown: a filled
honeypot field, several links, well-known spam offers (SEO, link building, crypto, casino, pills; in
English, Russian and Chinese), a link in a message written in Cyrillic or CJK script on a Latin-script
form, or an empty message from a "name" that is a URL.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import lru_cache

from leaddesk.conversations.headers import has_reply_prefix
from leaddesk.ingest.parse import page
from leaddesk.ingest.parse.layouts.base import mentions_form
from leaddesk.ingest.parse.readable import Readable
from leaddesk.ingest.parse.synonyms import label_key
from leaddesk.ingest.parse.visitor import looks_like_url, normalise_url

_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.IGNORECASE)
# A mail server's bounce subjects. The ones that are also words a visitor may start a subject with
# ("Undeliverable samples", "Delivery failure of ...") say bounce at once only followed by a colon, as a
# server writes them ("Undeliverable: <subject>"); without it, only for mail no form layout reads.
_OUT_OF_OFFICE = (r"out of (the )?office|absence du bureau|fuera de la oficina|fuori sede|afwezig|"
                  r"ausente do escrit[oó]rio")
_BOUNCE_WORDS = (r"undeliverable|delivery failure|unzustellbar|nicht zustellbar|non remis|non distribuable|"
                 r"no se puede entregar|impossibile recapitare|onbestelbaar")
_BOUNCE_SUBJECT = re.compile(
    r"^(undelivered mail|delivery status notification|mail delivery (failed|failure|system|subsystem)|"
    rf"returned mail|failure notice|({_BOUNCE_WORDS})\s*:)", re.IGNORECASE)
_WEAK_BOUNCE_SUBJECT = re.compile(rf"^({_BOUNCE_WORDS})\b", re.IGNORECASE)
_AUTO_REPLY_SUBJECT = re.compile(
    r"^(auto(matic)?[ -]?(reply|response|antwort)|automatische antwort|abwesenheitsnotiz|"
    r"r[ée]ponse automatique|respuesta autom[aá]tica|risposta automatica|automatisch antwoord|"
    rf"resposta autom[aá]tica|({_OUT_OF_OFFICE})( ?auto ?reply)?\s*:)", re.IGNORECASE)
# "Out of office cover for our field team" may be a visitor's subject: without the colon of an
# auto-reply ("Out of Office: <subject>") it says auto-reply only for mail no form layout reads.
_WEAK_AUTO_REPLY_SUBJECT = re.compile(rf"^({_OUT_OF_OFFICE})\b", re.IGNORECASE)
_FORWARD_PREFIX = re.compile(r"^\s*(fwd?|wg|tr|enc|doorst)\s*(\[\d+\])?\s*:", re.IGNORECASE)
_QUOTE = re.compile(
    r"^>|^(on .{5,160} wrote:|am [^:\n]{5,160} schrieb [^:\n]{1,80}:|le .{5,160} a [ée]crit ?:|"
    r"el .{5,160} escribi[oó]:|il .{5,160} ha scritto:|op [^:\n]{5,160} schreef [^:\n]{1,80}:|"
    r"em .{5,160} escreveu:|"
    r"-{2,} ?(original message|ursprüngliche nachricht|message d'origine|mensaje original|"
    r"messaggio originale|oorspronkelijk bericht|mensagem original) ?-{2,})",
    re.IGNORECASE | re.MULTILINE)
_WP_NOTICE = re.compile(
    r"^\[[^\]]{1,120}\]\s*(.*\b(password|passwort|mot de passe|contrase[ñn]a|wachtwoord|senha|"
    r"login details|anmeldedaten|new user|neue[rn]? benutzer|nouvel utilisateur|email (address )?"
    r"change|e-mail-adresse ge[äa]ndert|admin email|site has updated|automatic update|background "
    r"update|plugins? (were|was|have been) (automatically )?updated|technical issue|technisches "
    r"problem|personal data|datenexport|erase|confirm action|please moderate|new comment|comment:|"
    r"neuer kommentar|bitte moderieren))", re.IGNORECASE)
_LIST_HEADERS = ("list-unsubscribe", "list-id", "list-post")
LIST_MAIL = "newsletter or mailing list (List-Unsubscribe)"
FORWARDED = "forwarded e-mail"
BULK_MAIL = "bulk mail (Precedence: bulk)"

# One scanner for every known offer, run over lower-cased text: a case-insensitive alternation costs
# about four times as much in Python's engine. Kept to phrases a genuine lead does not use.
_SPAM_PHRASES = re.compile(
    # SEO is sold, and sometimes bought: only the seller's wording counts ("we offer SEO", "our SEO
    # services"), never a visitor asking for it ("do you offer SEO services?").
    # "Our SEO agency recommended you" is a buyer's own agency: "our" counts only before what is sold.
    r"\b((affordable|cheap|professional|best|expert) seo (services?|agency|experts?|packages?|audit|"
    r"company|team)|our seo (services?|packages?)|our seo (agency|team|company|experts?)(?= (can|will|"
    r"offers?|provides?|helps?|guarantees?|speciali[sz]es))|seo (services?|packages?) for your|"
    r"(we|i) (offer|provide|sell|can provide|"
    r"speciali[sz]e in)( you)? (affordable |cheap |professional |the best )?(seo|search engine "
    r"optimi[sz]ation|backlinks?|link[- ]building|guest[- ]posts?|web ?traffic)|"
    r"first page (of|on) google|top (of|on) google|page one of google|rank (your|#?1)|"
    r"backlinks?|link[- ]building|guest[- ]post(ing|s)?|domain authority|dofollow|do-follow|"
    r"increase your (website |web |site )?traffic|"
    r"talk ?with ?web ?visitors?|capture any visitor'?s name|"
    r"bitcoin|cryptocurrenc(y|ies)|crypto ?(currency|trading|investment|wallet|profits?)|"
    r"forex|binary options?|online casino|casino bonus|viagra|cialis|payday loans?|"
    r"make money (online|fast|from home)|earn \$?\d+ (per|a) (day|week)|"
    # The same offers in Russian and Chinese, the scripts most offer spam comes in: the offer, not
    # the script, is the sign (a Bulgarian or Ukrainian enquiry is a lead).
    r"продвижени\w* (вашего |ваших )?(сайт|бизнес)\w*|раскрутк\w* (вашего )?сайт\w*|"
    r"seo[- ]продвижени\w*|прогон\w* (по|сайт)\w*|рассылк\w* (объявлени|по форумам|по базам)\w*|"
    r"онлайн[- ]казино|ставки на спорт|заработ\w* (в интернете|онлайн))\b|"
    # No word boundary between two Chinese characters: these match inside a run of them.
    r"(网站推广|网站优化|推广服务|seo优化|代发外链|博彩|赌场|网赌|刷单)")
# One word of every alternative of _SPAM_PHRASES (a test holds them together).
_TRIGGERS = ("seo", "search engine", "google", "rank ", "backlink", "link building", "link-building",
             "guest post", "guest-post", "domain authority", "dofollow", "do-follow", "traffic", "visitor",
             "bitcoin", "crypto", "forex", "binary option", "casino", "viagra", "cialis", "payday",
             "make money", "earn ", "продвижени", "раскрутк", "прогон", "рассылк", "казино", "ставки",
             "заработ", "网站", "推广", "优化", "外链", "博彩", "赌场", "网赌", "刷单")
_HONEYPOT = re.compile(
    r"honeypot|gotcha|\bbot ?field\b|\bhp\b|leave (this )?(field )?(empty|blank)|do not fill|"
    r"nicht ausf[uü]llen|feld leer lassen|laisser (ce champ )?vide|dejar (este campo )?vac[ií]o|"
    r"lasciare vuoto")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
MANY_LINKS = 4  # links in the message that make it spam; a visitor citing three papers is a lead
# A message in another script than the form's counts only when long enough to judge and nearly all
# of it (a bilingual lead, a greeting in Russian and the request in English, stays a lead), and
# only with a link of the visitor's: a script is a language, not a sign of spam, and an enquiry
# from Sofia or Kyiv written in its own language is a lead.
FOREIGN_SCRIPT_MIN_LETTERS = 20
FOREIGN_SCRIPT_SHARE = 0.8


def _header(mail: Readable, name: str) -> str:
    return (mail.mail.header(name) or "").strip().lower()


def early_reason(mail: Readable, *, forwards: bool = True) -> str | None:
    """Why the mail is not a submission, for the kinds recognisable without reading its fields.
    ``forwards=False`` leaves out the subject's forward prefix: the parser asks again so when the
    mail holds no forwarded message (a visitor may type "Fwd:" into a form's subject too)."""
    types = mail.mail.part_types
    if ("multipart/report" in types or "message/delivery-status" in types
            or _BOUNCE_SENDER.match(mail.sender[1]) or _BOUNCE_SUBJECT.match(mail.subject)):
        return "bounce (delivery status notification)"
    auto_submitted = _header(mail, "auto-submitted")
    if (auto_submitted.startswith("auto-replied") or "x-autoreply" in mail.mail.headers
            or "x-autorespond" in mail.mail.headers or _header(mail, "precedence") == "auto_reply"
            or _AUTO_REPLY_SUBJECT.match(mail.subject)):
        return "auto-reply"
    threaded = "in-reply-to" in mail.mail.headers or "references" in mail.mail.headers
    if forwards and _FORWARD_PREFIX.match(mail.subject):
        return FORWARDED
    # A visitor may type "Re: ..." as the subject of a form; a real reply is threaded or quotes. The
    # text is searched for quotes only when that can decide (a scan of the whole text per message).
    # The prefixes are the conversations' (Polish "Odp:", Portuguese "RES:", Chinese "回复：" ...): a
    # prefix alone still hides nothing.
    if ((threaded or has_reply_prefix(mail.subject)) and _QUOTE.search(mail.text) is not None) or (
            threaded and has_reply_prefix(mail.subject)):
        return "reply in an e-mail thread"
    if _WP_NOTICE.match(mail.subject):
        return "WordPress system notice"
    return None


def list_reason(mail: Readable) -> str | None:
    """Why a mail with no known form layout is not a submission: it came through a mailing list, or its
    subject alone says bounce or auto-reply. The parser still asks the generic reader: a form service
    that sends with list headers, or a visitor who typed such a subject, is a lead when it reads as one
    (:func:`reads_as_lead`)."""
    if any(name in mail.mail.headers for name in _LIST_HEADERS):
        return LIST_MAIL
    if _header(mail, "precedence") in ("bulk", "list", "junk"):
        return BULK_MAIL
    if _WEAK_BOUNCE_SUBJECT.match(mail.subject):
        return "bounce (delivery status notification)"
    if _WEAK_AUTO_REPLY_SUBJECT.match(mail.subject):
        return "auto-reply"
    return None


def reads_as_lead(mail: Readable, canonical: Mapping[str, str], reason: str) -> bool:
    """True when a mail that :func:`list_reason` set aside for ``reason`` reads as a form submission
    all the same: its fields give a visitor's e-mail address and a name or a message, and, for mail
    with list headers (a newsletter can hold "Email:" and "Name:" lines), it speaks of a form."""
    person = bool(canonical.get("email")) and bool(canonical.get("name") or canonical.get("message"))
    if reason in (LIST_MAIL, BULK_MAIL):
        return person and (mentions_form(mail) or _signup(mail))
    return person


# A mailing service's notice of a sign-up (Mailchimp's "New Subscriber", Brevo's "Nouvel inscrit"),
# sent with the list headers of everything the service mails: the person who signed up is a lead.
_SIGNUP = re.compile(
    r"\b(new (subscriber|sign-?up|contact|lead)s?|signed up|has (subscribed|joined)|"
    r"nouv(el|elle|eau) (inscrit|inscription|abonn[ée]|contact)|neue[rs]? (abonnent|anmeldung|kontakt)|"
    r"nuevo (suscriptor|contacto)|nueva suscripci[oó]n|nuovo (iscritto|contatto)|"
    r"nieuwe (abonnee|inschrijving))\b",
    re.IGNORECASE)


def _signup(mail: Readable) -> bool:
    return bool(_SIGNUP.search(mail.subject) or _SIGNUP.search(mail.text[:500]))


# A newsletter's footer: a forward drops the list headers, the unsubscribe link stays in the text.
_UNSUBSCRIBE = re.compile(
    r"\b(unsubscribe|view (this (e-?mail|message) )?in (your |a )?browser|manage (your )?(e-?mail )?"
    r"(preferences|subscription)|abmelden|abbestellen|se d[ée]sinscrire|d[ée]sabonner|d[ée]sinscription|"
    r"darse de baja|cancelar (la )?suscripci[oó]n|disiscriviti|annulla l'iscrizione|afmelden|"
    r"uitschrijven)\b", re.IGNORECASE)
NEWSLETTER_FOOTER = "newsletter (an unsubscribe link in its text)"


def newsletter_reason(mail: Readable) -> str | None:
    """Why a mail read without its headers (a forwarded one) is a newsletter: its text offers to
    unsubscribe and speaks neither of a form nor of a sign-up (a form service's notification has an
    unsubscribe link too)."""
    # Only where a newsletter puts it: at the top ("view in browser") or in the footer, not in a
    # visitor's message ("please unsubscribe me").
    if ((_UNSUBSCRIBE.search(mail.text[:300]) is None and _UNSUBSCRIBE.search(mail.text[-1000:]) is None)
            or mentions_form(mail) or _signup(mail)):
        return None
    return NEWSLETTER_FOOTER


_RESPONSE_NOTICE = re.compile(
    r"\b(new (form )?(responses?|submissions?|entry|entries)|neue antwort|neuer eintrag|nouvelle r[ée]ponse|"
    r"nueva respuesta|nuova risposta|nieuwe reactie|nova resposta)\b", re.IGNORECASE)
NO_FIELDS = "no form fields found (an ordinary e-mail)"
RESPONSE_NOTICE = "a form's notice of a new response without the answers (read them in the form's service)"


def no_fields_reason(mail: Readable) -> str:
    """Why a mail in which no layout found fields is not a submission. A form service's notice that a
    response came in, without the answers (Microsoft Forms sends only a link), says so: the lead exists,
    but only in the service."""
    if _RESPONSE_NOTICE.search(mail.subject) or _RESPONSE_NOTICE.search(mail.text[:500]):
        return RESPONSE_NOTICE
    return NO_FIELDS


def _script_share(text: str) -> tuple[int, int]:
    """(letters in Cyrillic or CJK script, all letters)."""
    if text.isascii():
        return 0, 1
    foreign = len(_CYRILLIC.findall(text)) + len(_CJK.findall(text))
    return foreign, foreign + len(_LATIN.findall(text))


def _phrase(text: str) -> str | None:
    lowered = text.lower()
    # Every phrase holds one of these words: substring tests rule out most messages at C speed.
    if not any(map(lowered.__contains__, _TRIGGERS)):
        return None
    found = _SPAM_PHRASES.search(lowered)
    if found is None:
        return None
    # Quote the phrase as written; lower() keeps offsets except for a few letters ("İ").
    return text[found.start():found.end()] if len(lowered) == len(text) else found.group(0)


def visitor_links(text: str, site_hosts: Collection[str] = (), page_url: str | None = None) -> int:
    """The links in ``text`` that are the visitor's: not the page the form was on, not on the site's
    own host, not an admin, edit or unsubscribe link and not a form service's."""
    count = text.lower().count("[url=")
    for url in page.urls_in(text):
        normalised = normalise_url(url)
        if normalised is not None and (normalised == page_url or page.is_machinery(normalised)
                                       or page.same_site(page.host_of(normalised), site_hosts)):
            continue
        count += 1
    return count


# Labels repeat from message to message: each is matched once.
@lru_cache(maxsize=4096)
def _is_honeypot(label: str) -> bool:
    return _HONEYPOT.search(label_key(label)) is not None


def spam_reason(fields: Mapping[str, str], name: str | None, message: str | None, *,
                site_hosts: Collection[str] = (), page_url: str | None = None) -> str | None:
    """Why a submission looks like spam, in words a person can check, or None.

    ``site_hosts`` and ``page_url`` say which links belong to the notification: they never count.
    """
    for label, value in fields.items():
        if value.strip() and _is_honeypot(label):
            return f"honeypot field {label!r} filled in"
    # Offers show up in any field (subject, company, "website"); links are counted in the message only,
    # as a form's own URL fields hold one link each by design.
    values = list(fields.values())
    phrase = _phrase("\n".join(values if message is None or message in values else [*values, message]))
    if phrase is not None:
        return f"spam phrase {phrase!r}"
    text = message if message is not None else "\n".join(fields.values())
    links = visitor_links(text, site_hosts, page_url) if ("://" in text or "www." in text.lower()
                                                           or "[url=" in text.lower()) else 0
    if links >= MANY_LINKS:
        return f"{links} links in the message"
    # The scripts are counted only for a message with a link (three scans of a message not in
    # ASCII), the labels only for a message mostly in another script (rare).
    foreign, letters = _script_share(text) if links else (0, 1)
    if (links and foreign >= FOREIGN_SCRIPT_MIN_LETTERS and foreign >= FOREIGN_SCRIPT_SHARE * letters
            and all(_LATIN.search(label) for label in fields if label.strip())):
        script = "Cyrillic" if _CYRILLIC.search(text) else "CJK"
        return f"message in {script} script on a Latin-script form, with a link"
    if not (message or "").strip() and name and looks_like_url(name):
        return "empty message, and the name is a URL"
    return None
