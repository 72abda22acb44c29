"""Which form field is which: the label table (English, German, French, Spanish, Italian, Dutch,
Portuguese, the common labels of Polish, Czech, Swedish, Danish, Norwegian, Finnish, Romanian and
Turkish forms, of Russian, Ukrainian and Bulgarian ones, and of
Arabic, Hebrew, Chinese and Japanese forms) and :func:`map_fields`, which turns any
field dict into the canonical keys. A field whose label says nothing is still the e-mail address or
the phone number when its value is exactly one (:func:`value_role`).

A label is compared after :func:`label_key` folds case, accents, punctuation, "your"-style possessives
and "(required)" markers away, first against exact phrases, then against keywords. The same mapping
serves mail notifications and the JSON records of form APIs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from leaddesk.ingest.parse.text import fold

CANONICAL_KEYS = ("name", "first_name", "last_name", "email", "phone", "company", "topic",
                  "topic_hint", "message", "page_url", "post_title", "submitted_at")

# A consent box and a file field follow the message on many forms: they end it (is_closing_label).
_CONSENT_AND_FILES = (
    "consent", "privacy", "privacy policy", "gdpr", "gdpr consent", "data protection", "terms",
    "acceptance", "i agree", "datenschutz", "datenschutzerklarung", "einwilligung",
    "consentement", "rgpd", "politique de confidentialite", "privacidad", "consentimiento",
    "politica de privacidad", "privacy consent", "consenso", "toestemming", "privacybeleid",
    "sms consent", "text consent", "text message consent", "sms opt in", "marketing consent",
    "file", "files", "file upload", "upload", "attachment", "attachments", "attached file",
    "anhang", "datei", "dateien", "datei hochladen", "piece jointe", "fichier", "archivo",
    "adjunto", "archivo adjunto", "allegato", "bijlage", "anexo")

# Roles beyond the canonical keys: "subject" can hint at the topic, "date"/"time" make up
# submitted_at, "meta" marks fields that are known but carry nothing to map (IP, user agent ...).
_EXACT: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "fullname", "contact name", "contact person", "ansprechpartner",
        "vollstandiger name", "vor und nachname", "vorname und nachname", "vorname nachname",
        "nom complet", "nom et prenom", "prenom et nom", "nombre completo", "nombre y apellidos",
        "nome completo", "nome e cognome", "volledige naam", "naam", "nom", "nome", "nombre",
        "ihr name", "name des absenders", "sender name",
        "imie i nazwisko", "imie", "nume", "nume complet", "nume si prenume", "numele", "ad soyad",
        "adiniz soyadiniz", "ad soyadi", "isim", "isim soyisim", "adiniz", "jmeno a prijmeni",
        "cele jmeno", "namn", "fullstandigt namn", "navn",
        "fulde navn", "fullt navn", "nimi", "koko nimi",
        "име", "имя", "ім я", "фио", "имя и фамилия", "име и фамилия", "ваше имя", "вашето име",
        "ваше ім я", "прізвище та ім я",
        "الاسم", "الاسم الكامل", "اسمك", "שם", "שם מלא", "お名前", "名前", "氏名", "姓名", "名字",
    ),
    "first_name": ("first name", "firstname", "given name", "forename", "vorname", "prenom", "voornaam",
                   "primeiro nome", "nombre de pila", "fname", "jmeno", "fornavn", "fornamn",
                   "etunimi", "prenume"),
    "last_name": ("last name", "lastname", "surname", "family name", "nachname", "familienname",
                  "nom de famille", "apellido", "apellidos", "cognome", "achternaam", "sobrenome",
                  "apelido", "lname", "nazwisko", "prijmeni", "nume de familie", "soyad", "soyadi",
                  "soyisim", "efternavn", "efternamn",
                  "etternavn", "sukunimi"),
    "email": (
        "email", "e mail", "mail", "email address", "e mail address", "emailaddress", "e mail adresse",
        "email adresse", "mailadresse", "adresse e mail", "adresse email", "adresse electronique",
        "adresse courriel", "courriel", "correo", "correo electronico", "direccion de correo",
        "direccion de correo electronico", "indirizzo email", "indirizzo e mail", "posta elettronica",
        "e mailadres", "emailadres", "endereco de email", "endereco de e mail", "endereco eletronico",
        "replyto", "reply to", "mail from", "e post", "epost", "e postadress", "epostadress",
        "e postadresse", "epostadresse", "sahkoposti", "sahkopostiosoite", "e posta", "eposta",
        "e posta adresi", "e posta adresiniz",
        "имейл", "имейл адрес", "електронна поща", "электронная почта", "эл почта", "почта",
        "електронна пошта", "ел пошта",
        "البريد الالكتروني", "البريد", "بريدك الالكتروني", "דוא ל", "דואר אלקטרוני", "אימייל", "מייל",
        "メールアドレス", "メール", "電子メール", "邮箱", "电子邮件", "电子邮箱", "邮件",
    ),
    "phone": (
        "phone", "telephone", "tel", "phone number", "telephone number", "mobile", "mobile phone",
        "mobile number", "cell", "cell phone", "telefon", "telefonnummer", "handy", "mobil",
        "mobilnummer", "rufnummer", "telephone portable", "numero de telephone", "portable",
        "telefono", "numero de telefono", "movil", "cellulare", "numero di telefono",
        "telefoonnummer", "mobiel", "telefoon", "telemovel", "telefone", "celular",
        "numer telefonu", "telefon komorkowy", "mobilni telefon", "puhelin", "puhelinnumero",
        "matkapuhelin", "telefonnr", "numar de telefon", "telefon mobil", "telefon numarasi", "cep telefonu",
        "gsm",
        "contact number", "contact no", "phone no", "tel no", "whatsapp", "whatsapp number",
        "телефон", "номер телефона", "номер на телефон", "номер телефону", "мобильный телефон",
        "الهاتف", "رقم الهاتف", "الجوال", "رقم الجوال", "טלפון", "מספר טלפון", "נייד", "電話番号", "電話",
        "电话", "手机", "联系电话",
    ),
    "company": (
        "company", "company name", "organisation", "organization", "organisation name",
        "organization name", "business", "business name", "employer", "firm", "institution",
        "firma", "unternehmen", "firmenname", "arbeitgeber", "societe", "entreprise", "organisme",
        "nom de l entreprise", "nom de la societe", "empresa", "compania", "organizacion",
        "nombre de la empresa", "azienda", "societa", "ente", "nome azienda", "bedrijf", "organisatie",
        "bedrijfsnaam", "organizacao", "nome da empresa",
        "nazwa firmy", "organizacja", "companie", "compania", "societate", "sirket", "sirket adi",
        "firma adi", "kurum", "spolecnost", "nazev firmy", "foretag", "virksomhed", "yritys",
        "organisaatio",
        "компания", "фирма", "компанія", "организация", "організація", "название компании",
        "الشركة", "اسم الشركة", "المؤسسة", "חברה", "שם החברה", "ארגון", "会社名", "会社", "公司", "公司名称",
    ),
    "topic": (
        "topic", "topics", "interest", "interests", "topic of interest", "topics of interest",
        "area of interest", "areas of interest", "interested in", "i am interested in",
        "im interested in", "i m interested in", "what are you interested in", "inquiry type",
        "enquiry type", "type of inquiry", "type of enquiry", "reason for contact", "reason",
        "thema", "themen", "themenbereich", "interesse", "interessengebiet", "anliegen", "bereich",
        "sujet", "centre d interet", "domaine d interet", "motif", "motif de contact", "tema",
        "area de interes", "interes", "motivo", "argomento", "area di interesse", "interessi",
        "interessegebied", "area de interesse", "assunto de interesse", "service", "services",
        "temat", "tematy", "obszar zainteresowan", "aihe", "amne", "emne",
        "service of interest", "category", "dienstleistung", "leistung", "prestation", "servicio",
        "project type", "type of project", "type de projet", "projektart", "projekttyp", "art des projekts",
        "tipo de proyecto", "tipo di progetto", "tipo de projeto", "soort project", "service type",
        "type of service", "type de prestation", "type de service", "art der leistung",
    ),
    "subject": ("subject", "betreff", "objet", "asunto", "oggetto", "onderwerp", "assunto", "subiect",
                "konu", "тема"),
    "message": (
        "message", "messages", "message body", "body", "comments", "comment", "enquiry", "inquiry",
        "question", "questions", "details", "notes", "how can we help", "how can we help you",
        "additional information", "nachricht", "mitteilung", "kommentar", "anfrage", "frage",
        "ihre anfrage", "nachrichtentext", "commentaire", "commentaires", "demande", "corps du message",
        "mensaje", "comentario", "comentarios", "consulta", "cuerpo del mensaje", "messaggio",
        "commento", "richiesta", "domanda", "corpo del messaggio", "bericht", "opmerking",
        "opmerkingen", "vraag", "berichttekst", "mensagem", "comentario", "pergunta",
        "corpo da mensagem",
        "wiadomosc", "tresc wiadomosci", "mesaj", "mesajul", "mesajiniz", "mesajul dumneavoastra",
        "zprava", "meddelande", "besked", "meddelelse", "melding",
        "viesti",
        "съобщение", "сообщение", "повідомлення", "ваше сообщение", "вашето съобщение", "комментарий",
        "коментар", "вопрос", "запитване",
        "الرسالة", "رسالتك", "الاستفسار", "הודעה", "תוכן ההודעה", "פנייה", "お問い合わせ内容", "メッセージ",
        "内容", "留言", "消息", "咨询内容",
    ),
    "page_url": (
        "page", "page url", "url", "page link", "source", "source url", "source page", "referrer",
        "referer", "referrer url", "referring page", "referrer page", "referring url", "form url",
        "submitted from", "sent from", "sent from page",
        "page submitted on", "landing page", "post url", "article url",
        "blog post url", "seite", "seiten url", "url der seite", "beitrags url", "page de provenance",
        "url de la page", "pagina", "url de la pagina", "pagina url", "url della pagina", "url da pagina",
        "_url", "_post_url", "contact form url", "form page", "form page url", "page address",
        "submitted from url", "source page url", "referrer page url", "http referer", "http referrer",
        "embed url", "embedded url", "form location", "herkunftsseite", "quellseite", "seiten adresse",
        "url de provenance", "page d origine", "pagina de origen", "url de origen", "pagina di provenienza",
        "strona", "adres strony", "url de reference", "url de referencia", "url di riferimento",
        "referenz url", "verweis url",
        "url referente", "referring site", "form submitted from", "submitted on page",
        "sida", "sidans url", "webbsida", "side", "side url", "sivu", "sivun osoite", "strona www",
        # HappyForms' "Referral" link (a value that is no web address names no page: page.from_value).
        "referral", "referral link", "referral url", "referral page", "referring link",
    ),
    "post_title": (
        "post", "post title", "article", "article title", "blog post", "blog post title", "page title",
        "beitrag", "beitragstitel", "artikel", "titel", "titre", "titre de l article", "titulo",
        "titulo del articulo", "articulo", "entrada", "articolo", "titolo", "titolo articolo",
        "artigo", "titulo do artigo", "_post_title",
    ),
    "date": ("date", "datum", "fecha", "data", "submission date", "date submitted", "entry date",
             "submitted on", "_date", "date of submission", "sent on", "received on", "gesendet am"),
    "time": ("time", "zeit", "uhrzeit", "heure", "hora", "ora", "tijd", "tijdstip", "_time"),
    "submitted_at": ("submitted at", "submitted", "date time", "date and time", "timestamp",
                     "submission time", "eingegangen am", "datum und uhrzeit", "date et heure",
                     "fecha y hora", "data e ora"),
    "meta": ("remote ip", "ip", "ip address", "user agent", "browser", "powered by", "_remote_ip",
             "_user_agent", "agent utilisateur", "ip distante", "propulse par", "user ip", "visitor ip",
             "ip adresse", "adresse ip", "direccion ip", "indirizzo ip", "user agent browser os",
             "entry id", "entry", "submission id", "form id", "form name", "form",
             "site", "site name", "website name", "language", "locale", "country",
             "navigateur", "navegador", "id", "form title", "time zone", "timezone",
             # How the visitor found the site: a question many forms ask after the message.
             "how did you hear about us", "how did you hear of us", "how did you find us",
             "where did you hear about us", "wie haben sie von uns erfahren", "como nos conocio",
             "como nos encontro", "come ci hai conosciuto", "hoe heeft u ons gevonden",
             *_CONSENT_AND_FILES),
}
# Folded as labels are ("й" loses its breve, as "é" its accent): the table may spell a word as written.
_BY_KEY = {fold(key): role for role, keys in _EXACT.items() for key in keys}
# Of those, the labels a visitor also writes as a heading of their own ("Privacy: please keep this
# confidential."): the consent, file and "Sent from" fields above. Inside a message they end it only
# where no more of the visitor's text follows (fieldlines).
_CLOSING_KEYS = frozenset(fold(key) for key in (*_CONSENT_AND_FILES, "sent from", "sent from page"))

# Keyword rules for labels no exact phrase matches, tried in order: "company name" is a company,
# not a name, and "e-mail consent" is only an e-mail when the value holds an address.
# A consent box's label, often a whole sentence ("He leído y acepto la Política de privacidad",
# "J'accepte d'être recontacté(e)"): the words that make it one, in the table's languages.
_CONSENT = re.compile(r"\b(consent|privacy|gdpr|dsgvo|agree|accept|datenschutz\w*|einwilligung|"
                      r"einverstanden|zustimmung|accepte|consentement|confidentialite|rgpd|acepto|"
                      r"consentimiento|privacidad|accetto|acconsento|consenso|akkoord|toestemming|"
                      r"aceito|concordo|consentimento|privacidade)\b")
_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("meta", re.compile(r"\b(honeypot|gotcha|captcha|newsletter)\b")),
    ("meta", _CONSENT),
    # "Comment avez-vous entendu parler de nous ?" is French for "how did you hear of us", not a comment.
    ("meta", re.compile(r"^comment (avez|connaissez|nous avez)\b")),
    # "Company size", "Type of organisation", "Number of employees": facts about the company, not its
    # name (RSForm!Pro's default form asks "Company Size").
    ("meta", re.compile(r"\b(company|organi[sz]ation|business|unternehmens?|firmen|entreprise|empresa)"
                        r" ?(size|type|sector|industry|grosse|typ|taille|tamano)\b|"
                        r"\b(size|type|sector|industry|taille|tamano|grosse|typ) (of |de |del |der )?"
                        r"(the |la |l |des )?(company|organi[sz]ation|business|entreprise|empresa|"
                        r"societe|unternehmens?|firma)\b|"
                        r"\b(number of employees|employees|mitarbeiter(zahl|anzahl)?)\b")),
    ("email", re.compile(r"\b(e ?mail|courriel|correo|emailadres)\b")),
    ("phone", re.compile(r"\b(phone|telephone|tel|mobile|telefon\w*|handy|telefono|telefoon|"
                         r"telefone|celular|cellulare)\b")),
    ("company", re.compile(r"\b(company|organi[sz]ation|firma|unternehmen|societe|entreprise|"
                           r"empresa|azienda|bedrijf|organisatie|organizacao)\b")),
    # "fname"/"lname": the merge tags of Mailchimp and the input names of form builders
    # ("mf-listing-fname", MetForm's templates).
    ("first_name", re.compile(r"\b(first name|given name|vorname|prenom|voornaam|name first|"
                              r"f ?name|firstname)\b")),
    ("last_name", re.compile(r"\b(last name|surname|family name|nachname|nom de famille|apellidos?|"
                             r"cognome|achternaam|sobrenome|name last|l ?name|lastname)\b")),
    ("topic", re.compile(r"\b(topics?|interests?|interested|thema|interesse|interessiert|sujet|tema|"
                         r"argomento|interes|interesa|interesan|interesado|interessa|interessato|"
                         r"interessado|interesseert|int[ée]resse)\b")),
    ("message", re.compile(r"\b(message|nachricht|mensaje|messaggio|bericht|mensagem|mesaj\w*|comments?|"
                           r"kommentar|commentaire|comentarios?|commento|inquiry|enquiry|anfrage|"
                           r"question)\b")),
    # Free-text prompts that name no field: "Tell us about your project", "How can we help you?".
    ("message", re.compile(r"\b(tell us|how can we|what can we|describe|description|your request|"
                           r"anything else|what else|"
                           r"project details|your project|beschreibung|votre demande|"
                           r"su consulta|su solicitud|wie konnen wir|was konnen wir|erzahlen sie|"
                           r"comment pouvons nous|que pouvons nous|como podemos|en que podemos|"
                           r"come possiamo|hoe kunnen we|waarmee kunnen we|em que podemos)\b")),
    ("page_url", re.compile(r"\b(page url|url|referr?(er|ing)|seiten url)\b")),
    ("name", re.compile(r"\b(name|naam|nom|nome|nombre)\b")),
)
_POSSESSIVE = re.compile(
    r"^(your|ihre?|deine?|votre|vos|tu|su|tus|sus|il tuo|la tua|il suo|la sua|uw|je|jouw|"
    r"a sua|o seu|sua|seu) ")
_MARKERS = re.compile(r"\((required|optional|pflichtfeld|erforderlich|optional|obligatoire|facultatif|"
                      r"obligatorio|opcional|obbligatorio|facoltativo|verplicht|optioneel)\)|\*")
_NOT_WORD = re.compile(r"[^\w]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")


# "Requester: Jane Roe <jane@...>": how help desks (Zendesk, Freshdesk) name who opened a request.
_SENDER_LABELS = frozenset({"from", "sender", "absender", "von", "expediteur", "de", "remitente",
                            "mittente", "da", "van", "requester", "requested by", "submitted by",
                            "customer", "contact"})
# "Jane Roe <jane@...>", "Jane Roe (jane@...)", "Jane Roe [jane@...]", and "Jane Roe jane@..." (CF7
# 5.6's "From: [your-name] [your-email]" when a hand-made template copies it).
_SENDER = re.compile(r"^(?P<name>[^<>()\[\]@\n]{1,100}?)\s*(<(?P<email>[^<>@\s]+@[^<>\s]+)>|"
                     r"\((?P<email2>[^()@\s]+@[^()\s]+)\)|\[(?P<email3>[^\[\]@\s]+@[^\[\]\s]+)\]|"
                     r"\s(?P<email4>[^<>()\[\]@\s]+@[^<>()\[\]\s]+\.[a-zA-Z]{2,}))$")

# Labels repeat from message to message: folding and matching them once is enough.
@lru_cache(maxsize=4096)
def label_key(label: str) -> str:
    """The comparable form of a field label: "Your E-Mail (required)*" becomes "e mail"."""
    if not label.islower() and not label.isupper():
        label = _CAMEL.sub(r"\1 \2", label)  # "firstName", "pageUrl": a script's or a JSON key
    key = _MARKERS.sub(" ", fold(label)).strip()
    # Contact Form 7's special mail tags, when a record names a field after its tag.
    if key.startswith("_") and key in _BY_KEY:
        return key
    key = _NOT_WORD.sub(" ", key.replace("_", " ")).strip()
    return _POSSESSIVE.sub("", key).strip()


def role_of(label: str, value: str = "") -> str | None:
    """The role of a field: a canonical key, or "subject", "date", "time", "meta", or None."""
    return _role(label, "@" in value)


@lru_cache(maxsize=4096)
def _role(label: str, value_has_at: bool) -> str | None:
    key = label_key(label)
    if not key:
        return None
    role = _BY_KEY.get(key)
    if role is not None:
        return role
    role = _qualifier_role(label)
    if role is not None:
        return role
    for candidate, pattern in _KEYWORDS:
        if pattern.search(key):
            if candidate == "email" and not value_has_at:
                continue
            return candidate
    return None


_LONE_ADDRESS = re.compile(r"^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s()./-]{7,24}$")
_NANP = re.compile(r"^\d{3}[-. ]\d{3}[-. ]\d{4}$")
# Numbers of that shape that are no phone: a date, an IP address.
_NOT_PHONE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$|^\d{1,3}(\.\d{1,3}){3}$")


def value_role(value: str) -> str | None:
    """"email" or "phone" for a value that is exactly one address or one phone number, else None:
    what a field is when its label says nothing the table knows (a language it lacks, a bare id)."""
    value = value.strip()
    if "@" in value:
        return "email" if _LONE_ADDRESS.match(value) else None
    if not _PHONE.match(value) or _NOT_PHONE.match(value):
        return None
    digits = sum(c.isdigit() for c in value)
    # A run of digits is as likely an amount, an id or a reference ("2026-1120-0042"): a phone number
    # is written international ("+", "00"), with a trunk "0" or an area code in brackets, or the
    # North American way ("555-123-4567").
    written_as_phone = value[0] in "+(0" or bool(_NANP.match(value))
    return "phone" if written_as_phone and 7 <= digits <= 15 else None


_ADDRESS_TOKEN = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[^\s@<>()\[\],;:\"']{2,}")


def _one_address(value: str) -> str:
    """The address in an e-mail field's value that holds more than it ("jane@x.example (work)",
    a heading run into it): the value itself when it holds none, or several."""
    if _LONE_ADDRESS.match(value):
        return value
    found = _ADDRESS_TOKEN.findall(value)
    return found[0].rstrip(".") if len(found) == 1 else value


# "Sent from (ip address)", "Using (user agent)": a label whose bracketed part names the field.
_QUALIFIER = re.compile(r"\(([^()]{2,40})\)")


def _qualifier_role(label: str) -> str | None:
    """The role of the bracketed part of ``label`` when it is a label of the table on its own: what
    the field holds, while the words before it say how it was got ("Sent from (referer)", Contact Form
    by BestWebSoft)."""
    if "(" not in label:
        return None
    found = _QUALIFIER.search(label)
    return _BY_KEY.get(label_key(found.group(1))) if found is not None else None


def _phone_number(value: str) -> str:
    """A phone field's value without the symbols set before the number: the country's flag Jetpack
    Forms shows ("🇫🇷 +33 4 78 55 01 23"), a telephone sign."""
    if value[:1].isalnum() or value[:1] in "+(":
        return value
    start = next((i for i, char in enumerate(value) if char.isalnum() or char in "+("), len(value))
    kept = value[start:]
    return kept if kept and all(unicodedata.category(char)[0] in "SZ" or char in "\ufe0f\u200d"
                                for char in value[:start]) else value


def is_known_label(label: str) -> bool:
    """True when the label is in the table (exact phrase, or its bracketed part is one), so that it
    surely starts a new field."""
    return label_key(label) in _BY_KEY or _qualifier_role(label) is not None


def is_closing_label(label: str) -> bool:
    """True for a consent, file or "Sent from" label: known, but a heading a visitor may write too."""
    return label_key(label) in _CLOSING_KEYS


def is_consent_label(label: str) -> bool:
    """True for the label of a consent box, known or written as a sentence of consent ("I have read
    and accept the privacy policy"): like a closing label, it ends a message only where no more of
    the visitor's text follows (fieldlines)."""
    return bool(_CONSENT.search(label_key(label)))


def _short_answer(value: str) -> bool:
    """True for a value too short to be a message when a longer free text is there: one line of a
    few words."""
    return "\n" not in value and len(value) <= 40 and len(value.split()) <= 5


# A postal address runs over several lines too, but it is no message.
_POSTAL = re.compile(r"\b(address|adresse|anschrift|direccion|indirizzo|endereco|adres|street|strasse|"
                     r"rue|calle|postal|postcode|zip)\b")


def _free_text(value: str) -> bool:
    """True for a value that reads as prose: several lines, or a long line of words (not one address,
    number or link)."""
    value = value.strip()
    return ("\n" in value and len(value) >= 20) or (len(value) >= 80 and len(value.split()) >= 10)


_EMPTY_VALUES = frozenset({"(empty)", "-", "n/a", "--"})


def _usable(value: str) -> bool:
    """True for a value that says something; ``value`` is stripped already."""
    return bool(value) and value.lower() not in _EMPTY_VALUES


def map_fields(fields: Mapping[str, str],
               label_map: Mapping[str, str] | None = None) -> dict[str, str]:
    """Canonical key -> value for the fields whose label says what they are.

    Keys are among :data:`CANONICAL_KEYS`; the first usable field of each role wins. ``name`` is
    composed from first and last name when there is no full-name field, and a plain "Name" (or
    "Nom", "Nome" ...) next to only a last-name field is the first name (and vice versa). A short,
    one-line subject becomes ``topic_hint`` when there is no topic field: a subject chosen from a list
    names a topic, a typed one ("Question on your article") does not, and only the store knows the
    team's topics to tell them apart.

    ``label_map`` (:func:`label_key` of a label -> one of :data:`CANONICAL_KEYS`, or "meta" to ignore a
    field) is what a person taught for this form; it wins over the built-in table.
    """
    found: dict[str, str] = {}
    taught = label_map or {}
    # Each field's label key and role once: the loops below ask for them again and again. A role
    # depends on the value only through whether it holds an "@", which stripping does not change.
    rows = []
    for raw_label, raw_value in fields.items():
        label, value = str(raw_label), str(raw_value)
        rows.append((label, value, label_key(label), _role(label, "@" in value)))
    # Labels a person taught go first, so that they win over a built-in synonym for the same role.
    ordered = sorted(rows, key=lambda row: row[2] not in taught) if taught else rows
    taught_roles: set[str] = set()
    for _, raw_value, key, built_in in ordered:
        value = raw_value.strip()
        if not _usable(value):
            continue
        role = taught.get(key) or built_in
        if (role == "message" and role in found and "message" not in taught_roles
                and _short_answer(found[role]) and len(value) > len(found[role])):
            # "What can we help you with?  Patient recruitment" then "Tell us about your project":
            # a one-line answer chosen from a list is not the message when free text follows (unless
            # a person taught that the answer's label is the message).
            found[role] = value
            continue
        if key in taught and role is not None and role not in found:
            taught_roles.add(role)
        if role is None or role == "meta" or role in found:
            continue
        found[role] = (_one_address(value) if role == "email" else _phone_number(value) if role == "phone"
                       else value)

    for _, raw_value, key, built_in in rows:
        # A label the table does not know, with a value that can only be an address or a number.
        value = raw_value.strip()
        role = value_role(value) if value and built_in is None else None
        if role is not None and role not in found and key not in taught:
            found[role] = value

    if "message" not in found:
        # A free text under a label the table does not know ("Anything you would like to add?",
        # "Ihr Projekt in drei Sätzen"): the longest value of several lines, or of a paragraph's
        # length, is the visitor's message.
        free = [value.strip() for _, value, key, built_in in rows
                if key not in taught and built_in is None and _free_text(value)
                and not _POSTAL.search(key)]
        if free:
            found["message"] = max(free, key=len)

    for _, raw_value, key, _ in (rows if "name" not in found or "email" not in found else ()):
        # "From: Jane Roe <jane@novagen.example>", the sender line of a hand-made template.
        if key in _SENDER_LABELS:
            sender = _SENDER.match(raw_value.strip())
            if sender is not None:
                found.setdefault("name", sender.group("name").strip().strip('"'))
                found.setdefault("email", sender.group("email") or sender.group("email2")
                                 or sender.group("email3") or sender.group("email4"))
    name = found.pop("name", None)
    first = found.get("first_name")
    last = found.get("last_name")
    if name is not None and last is not None and first is None:
        found["first_name"] = first = name
        name = None
    elif name is not None and first is not None and last is None:
        found["last_name"] = last = name
        name = None
    if name is None and (first or last):
        name = " ".join(part for part in (first, last) if part)
    if name is not None:
        found["name"] = name

    subject = found.pop("subject", None)
    if "topic" not in found and subject is not None and "\n" not in subject and len(subject) <= 80:
        found["topic_hint"] = subject

    date, time = found.pop("date", None), found.pop("time", None)
    if "submitted_at" not in found and (date or time):
        found["submitted_at"] = " ".join(part for part in (date, time) if part)

    return {key: found[key] for key in CANONICAL_KEYS if key in found}
