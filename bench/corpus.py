"""Word lists and templates for realistic "Send Us A Message" leads of a pharma-marketing agency.

Everything here is invented but shaped like the real thing: European visitor names with accents,
pharma companies, the topics of the form's drop-down, the agency's blog posts, and messages built
from sentence templates whose slots draw from Zipf-weighted word lists, so that some words are in
a fifth of all messages and others in a handful (what a search benchmark needs).
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

SITE = "https://www.helix-health-comms.example"

FIRST_NAMES = (
    "Zoë", "Anna", "Jürgen", "François", "Łukasz", "Søren", "José", "Björn", "Åsa", "Inès",
    "Małgorzata", "Ólafur", "Žiga", "Chloé", "Mónica", "Renée", "Jiří", "Ľubica", "Dóra", "Ewa",
    "Thomas", "Maria", "Peter", "Laura", "Marco", "Sofia", "Lars", "Eva", "Jan", "Katarzyna",
    "Henrik", "Elena", "Pierre", "Giulia", "Matthias", "Clara", "Pablo", "Ingrid", "Tomasz",
    "Fatma", "Emre", "Aoife", "Siobhán", "Niamh", "Seán", "Rui", "João", "Conceição", "Miklós",
    "Zsófia", "András", "Radu", "Ioana", "Dragoș", "Nikolaos", "Eleni", "Αλέξανδρος", "Vesna",
    "Goran", "Ana", "Luka", "Mette", "Jesper", "Sanna", "Mikko", "Päivi", "Kristjan", "Liis",
    "Rūta", "Jonas", "Agnė", "Kārlis", "Līga", "Hélène", "Gaëlle", "Benoît", "Stéphane", "Anaïs",
    "Maximilian", "Lena", "Sebastian", "Johanna", "Lorenzo", "Francesca", "Alejandro", "Lucía",
    "Ángel", "Nuria", "Wim", "Sanne", "Pieter", "Femke", "Oliver", "Charlotte", "James", "Emily",
)

LAST_NAMES = (
    "Müller", "Schmidt", "Dubois", "Lefèvre", "Kowalski", "Wiśniewska", "Jørgensen", "Nielsen",
    "García", "Núñez", "Fernández", "Rossi", "Bianchi", "Esposito", "Dvořák", "Novák", "Horváth",
    "Nagy", "Ólafsdóttir", "Guðmundsson", "Andersson", "Lindqvist", "Öztürk", "Çelik", "Yılmaz",
    "Papadopoulos", "Παπαδόπουλος", "Popescu", "Ionescu", "Kovačević", "Horvat", "Novak", "Virtanen",
    "Mäkinen", "Tamm", "Kask", "Kazlauskas", "Bērziņš", "Ozola", "O'Brien", "Ní Bhriain",
    "MacCarthy", "Silva", "Gonçalves", "Sousa", "van der Berg", "de Vries", "Janssens", "Peeters",
    "Schäfer", "Weiß", "Groß", "Becker", "Hoffmann", "Krüger", "Moreau", "Lambert", "Girard",
    "Fontaine", "Martín", "López", "Sánchez", "Romano", "Colombo", "Ricci", "Smith", "Jones",
    "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Hughes", "Petrović", "Jovanović", "Kelemen",
    "Szabó", "Tóth", "Varga", "Håkansson", "Strøm", "Haugen", "Berg", "Larsen", "Eriksen",
)

COMPANY_HEADS = (
    "Nova", "Bio", "Helio", "Astra", "Medi", "Thera", "Gen", "Onco", "Immu", "Neuro", "Cardio",
    "Derma", "Pharma", "Vita", "Cura", "Sana", "Lumi", "Nordi", "Alpi", "Euro", "Adria", "Balti",
    "Iberi", "Celti", "Danu", "Rhena", "Vero", "Zyto", "Kine", "Oph",
)
COMPANY_TAILS = (
    "gen", "vance", "lix", "thera", "phar", "medica", "vita", "cure", "nex", "vax", "plex",
    "zym", "tide", "sana", "bion", "cor", "derm", "lab", "mune", "ra",
)
COMPANY_FORMS = (
    "Therapeutics", "Pharma", "Pharma AG", "Pharmaceuticals", "Biotech", "Health", "Life Sciences",
    "GmbH", "S.A.", "S.p.A.", "B.V.", "A/S", "AB", "Oy", "Ltd", "plc", "SAS", "Medical",
)

FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.com", "web.de", "gmx.de", "orange.fr", "libero.it",
             "wp.pl", "seznam.cz", "hotmail.com", "icloud.com", "proton.me")

PHONE_FORMATS = (
    "+49 30 {a}{b}", "+49 89 {a} {b}", "+33 1 {c} {d} {e} {f}", "+44 20 {a} {b}", "+39 02 {a}{b}",
    "+34 91 {a} {b}", "+31 20 {a} {b}", "+46 8 {a} {b}", "+45 {c} {d} {e} {f}", "+48 22 {a} {b}",
    "+41 44 {a} {b}", "+43 1 {a}{b}", "+32 2 {a} {b}", "+353 1 {a} {b}", "0{a} {b}",
)

# The form's topic drop-down; None is "no topic chosen" (~15 %). Weights are relative.
TOPICS: tuple[tuple[str | None, float], ...] = (
    ("Patient engagement", 22), ("Speakers bureaus", 14), ("Micro-influencers", 12),
    ("Public/private partnerships (IMI)", 8), ("Medical education", 14), ("Market access", 10),
    ("Digital campaigns", 5), (None, 15),
)

TEAM = ("Anja Becker", "Marc Dupont", "Sofia Conti", "Lars Holm", "Elif Arslan", "Pavel Novák",
        "Chiara Greco", "Niels de Jong")

TAGS = (("hot", "#d7263d"), ("follow-up", "#f46036"), ("proposal sent", "#2e294e"),
        ("budget confirmed", "#1b998b"), ("existing client", "#c5d86d"), ("RFP", "#3d5a80"),
        ("conference", "#98c1d9"), ("partner", "#ee6c4d"), ("press", "#293241"),
        ("later", "#808080"))

POST_TITLES = (
    "Europe's IMI Sets Pace for Public/Private Partnerships in Pharmaceutical Development",
    "New White Paper on Patient Engagement",
    "New White Paper on Building Speakers Bureaus",
    "Focus on Micro-Influencers",
    "What the EU Pharma Package Means for Launch Planning",
    "Five Lessons From a Decade of Patient Advisory Boards",
    "How to Brief a Key Opinion Leader Without Breaking the Code",
    "Rare Disease Communities Online: Listening Before Talking",
    "The Rise of Nurse Educators in Oncology Launches",
    "Congress Season Checklist: ESMO, ASCO and EHA",
    "Why Medical Science Liaisons Need Better Digital Tools",
    "Market Access Storytelling for Payers and HTA Bodies",
    "Webinars That Physicians Actually Finish",
    "Omnichannel Without the Buzzwords",
    "Patient Support Programmes: Measuring What Matters",
    "Health Literacy and the Package Leaflet",
    "Building Trust With Patient Organisations",
    "Real-World Evidence in Brand Communication",
    "A Practical Guide to Advisory Board Compliance",
    "Podcasts for Healthcare Professionals: A Field Report",
    "From Clinical Trial to Community: Recruitment That Respects Patients",
    "Micro-Influencers in Dermatology: A Case Study",
    "Speakers Bureau Training in the Age of Hybrid Events",
    "IMI2 Results: What Public/Private Partnerships Delivered",
    "Digital Opinion Leaders: Who Are They?",
    "Medical Education Grants Explained",
    "Accessibility in Pharma Websites: Beyond the Checklist",
    "Social Listening for Rare Diseases",
    "Launch Excellence in Smaller European Markets",
    "Value Dossiers That Payers Read",
    "Patient Journey Mapping Workshop Recap",
    "Pharmacovigilance and Social Media: Handling Adverse Event Reports",
    "KOL Mapping With Publication Data",
    "Caregivers: The Forgotten Audience",
    "Designing Congress Booths People Remember",
    "Why Your HCP Portal Needs Search",
    "Biosimilars: Communicating Switching With Confidence",
    "Vaccine Confidence Campaigns That Worked",
    "Mental Health Awareness Weeks: Doing It Right",
    "Our Year in Review",
)

# Sentence templates: {slot} names a word list below. Openers and closers frame 0-3 middles.
OPENERS = (
    "Hello,", "Dear team,", "Hi there,", "Good morning,", "Dear Sir or Madam,", "Dear {team_first},",
    "Hi,", "Dear colleagues,", "Greetings from {city}.", "Hello {team_first},", "",
)
MIDDLES = (
    "We are planning a {initiative} for {audience} in {region} and are looking for an agency with "
    "experience in {service}.",
    "Our {area} brand {brand} launches in {quarter} and we need support with {service}.",
    "I read your post about {post_subject} and would like to know more about your {service} work.",
    "Could you send us a proposal for {service} covering {region}?",
    "What would a {format} on {area} cost, roughly?",
    "We have worked with {number} {audience} so far but struggle with {challenge}.",
    "Do you have case studies on {service} in {area}?",
    "Our medical team wants to involve {audience} earlier, especially around {challenge}.",
    "We are a {company_kind} based in {city} with a portfolio in {area}.",
    "The budget for {quarter} is approved and we would like to start with a {format}.",
    "Is your {format} format available in {language}?",
    "We are currently evaluating agencies for {service} and {service}.",
    "Please call me back, ideally on {weekday}.",
    "Can we set up a call next {weekday} to discuss {initiative} options?",
    "Our {audience} network needs fresh content on {post_subject}.",
    "We liked the white paper and shared it with our {department} team.",
    "{brand} is in phase {phase} and we want to prepare the {audience} community.",
    "My colleague {colleague} recommended you after the {congress} congress.",
    "We need help with {challenge} before the {congress} meeting.",
    "Is {service} something you offer for {company_kind} clients too?",
)
CLOSERS = (
    "Thank you!", "Best regards, {first}", "Kind regards", "Many thanks in advance.",
    "Looking forward to hearing from you.", "Cheers, {first}", "Thanks, {first}", "",
)

SLOTS: dict[str, tuple[str, ...]] = {
    "initiative": ("patient engagement programme", "speakers bureau", "advisory board",
                   "disease awareness campaign", "micro-influencer pilot", "webinar series",
                   "medical education curriculum", "market access workshop", "KOL mapping",
                   "social listening study", "patient support programme", "nurse training",
                   "caregiver community", "podcast series", "omnichannel launch"),
    "audience": ("patients", "caregivers", "oncologists", "nurses", "pharmacists", "cardiologists",
                 "dermatologists", "payers", "GPs", "neurologists", "patient advocates",
                 "rheumatologists", "haematologists", "key opinion leaders", "medical students",
                 "endocrinologists", "paediatricians", "hepatologists", "psychiatrists"),
    "region": ("Germany", "France", "the Nordics", "Italy", "Spain", "Benelux", "Poland",
               "the DACH region", "Central Europe", "the UK", "Ireland", "Portugal", "Austria",
               "Switzerland", "the Baltics", "Greece", "Czechia", "Hungary", "Romania", "Slovenia"),
    "service": ("patient engagement", "speakers bureaus", "micro-influencer marketing",
                "medical education", "market access", "HTA submissions", "content strategy",
                "congress support", "social media", "advisory boards", "website relaunch",
                "KOL management", "compliance review", "video production", "translations",
                "pharmacovigilance training", "CRM integration", "e-detailing", "podcasting"),
    "area": ("oncology", "cardiology", "dermatology", "immunology", "rare disease", "diabetes",
             "neurology", "haematology", "vaccines", "ophthalmology", "respiratory",
             "gastroenterology", "nephrology", "women's health", "psychiatry", "hepatology",
             "biosimilars", "gene therapy", "antibiotics", "urology"),
    "quarter": ("Q1", "Q2", "Q3", "Q4", "spring", "autumn", "early next year", "January", "March",
                "September", "November"),
    "format": ("webinar", "workshop", "white paper", "podcast", "e-learning module", "video",
               "newsletter", "booth", "symposium", "roundtable", "landing page", "infographic"),
    "number": ("two", "three", "five", "a dozen", "twenty", "several", "a few", "fifty"),
    "challenge": ("recruitment", "compliance", "engagement rates", "measuring impact",
                  "budget approval", "local regulations", "speaker availability", "translations",
                  "data protection", "adverse event reporting", "content approval cycles",
                  "reaching younger physicians", "low attendance", "payer objections"),
    "company_kind": ("mid-sized pharma company", "biotech start-up", "medical device maker",
                     "generics manufacturer", "patient organisation", "CRO", "university hospital",
                     "consultancy", "specialty pharma company", "vaccine developer"),
    "city": ("Berlin", "Munich", "Paris", "Lyon", "Milan", "Rome", "Madrid", "Barcelona",
             "Amsterdam", "Copenhagen", "Stockholm", "Warsaw", "Kraków", "Vienna", "Zürich",
             "Basel", "Brussels", "Dublin", "Lisbon", "Prague", "Budapest", "Ljubljana",
             "Helsinki", "Tallinn", "Vilnius", "Riga", "Athens", "Bucharest", "Göteborg", "Århus"),
    "language": ("German", "French", "Italian", "Spanish", "Polish", "Dutch", "Swedish",
                 "Danish", "Portuguese", "Czech", "Hungarian", "Greek", "Finnish", "Romanian"),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "department": ("medical affairs", "marketing", "market access", "compliance", "digital",
                   "patient advocacy", "regulatory", "commercial excellence"),
    "congress": ("ESMO", "ASCO", "EHA", "EULAR", "EASD", "ESC", "EADV", "ECTRIMS", "ERS", "AAN"),
    "phase": ("II", "III", "IIIb", "IV"),
}

SPAM_MESSAGES = (
    "We can put your website on the first page of Google. Reply for a free SEO audit.",
    "Increase your sales with our crypto trading bot, guaranteed returns.",
    "Hello, I am interested in your products, please send price list to my whatsapp.",
    "Get 5000 backlinks for only 49 USD, limited offer.",
    "Dear webmaster, your site has 38 broken links, we fix them cheaply.",
    "Buy cheap followers and likes for Instagram and TikTok today.",
)
SPAM_REASONS = ("honeypot field filled", "link-heavy message", "blocklisted sender",
                "marked as spam by the team", "too many submissions from one address")

NON_SUBMISSIONS = (  # mail in the same box that is not a form submission
    ("Delivery Status Notification (Failure)", "Your message could not be delivered to "
     "the recipient. The mailbox is full."),
    ("Automatic reply: Out of office", "I am out of the office until Monday with limited access "
     "to e-mail."),
    ("Your weekly WordPress digest", "Your site had 1,204 visitors this week. Top post: Focus on "
     "Micro-Influencers."),
    ("Invoice from your hosting provider", "Please find attached the invoice for the hosting "
     "package of your website."),
    ("Newsletter: Pharma Marketing Weekly", "This week: the EU pharma package, HTA regulation and "
     "new guidance on social media monitoring."),
)


def _brand_names() -> tuple[str, ...]:
    """~600 invented drug brand names: the rare words of the corpus."""
    starts = ("Xel", "Zor", "Vel", "Tra", "Ony", "Lum", "Kar", "Quin", "Res", "Ade", "Bry", "Cal",
              "Dex", "Evo", "Fal", "Gly", "Hex", "Ilo", "Jov", "Kry", "Lax", "Mir", "Nex", "Ori")
    middles = ("va", "ti", "ro", "ze", "lo", "mi", "pa", "xa", "du", "ne", "fi", "so", "ka")
    ends = ("trin", "mab", "lix", "vio", "zen", "dra", "ria", "nex", "tor", "pril")
    rng = random.Random(7)
    names = {s + m + e for s in starts for m in middles for e in ends}
    return tuple(rng.sample(sorted(names), 600))


BRANDS = _brand_names()
T = TypeVar("T")


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """Draw from ``values`` with fixed cumulative weights (fast, reproducible)."""

    values: tuple[T, ...]
    cum: tuple[float, ...]

    @classmethod
    def zipf(cls, values: Sequence[T], s: float = 1.0) -> Weighted[T]:
        """The first value is the most frequent; the n-th comes 1/n^s as often."""
        return cls(tuple(values), tuple(accumulate(1 / (rank ** s) for rank in
                                                   range(1, len(values) + 1))))

    @classmethod
    def of(cls, pairs: Sequence[tuple[T, float]]) -> Weighted[T]:
        return cls(tuple(v for v, _ in pairs), tuple(accumulate(w for _, w in pairs)))

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect(self.cum, rng.random() * self.cum[-1], 0, len(self.cum) - 1)]


def ascii_fold(text: str) -> str:
    """``Zoë Müller`` -> ``Zoe Muller``: what goes into an e-mail local part."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch in " -.")


class Messages:
    """Builds message bodies: 1-5 sentences, Zipf-weighted slots, seeded by the caller's rng."""

    def __init__(self) -> None:
        # Rank order decides frequency; a per-list shuffle with a fixed seed keeps it reproducible.
        order = random.Random(11)
        self._slots: dict[str, Weighted[str]] = {}
        for name, words in SLOTS.items():
            shuffled = list(words)
            order.shuffle(shuffled)
            self._slots[name] = Weighted.zipf(shuffled, 1.1)
        self._slots["brand"] = Weighted.zipf(BRANDS, 1.05)
        self._slots["post_subject"] = Weighted.zipf(
            [t.split(":")[0].lower() for t in POST_TITLES], 0.9)
        self._slots["team_first"] = Weighted.zipf([name.split()[0] for name in TEAM], 0.5)
        self._slots["colleague"] = Weighted.zipf(FIRST_NAMES, 0.5)
        self._middles = Weighted.zipf(MIDDLES, 0.6)

    def _fill(self, template: str, rng: random.Random, first: str) -> str:
        if "{" not in template:
            return template
        values = {name: self._slots[name].pick(rng) for name in self._slots
                  if "{" + name + "}" in template}
        values["first"] = first
        return template.format(**values)

    def message(self, rng: random.Random, first: str) -> str:
        parts = [self._fill(rng.choice(OPENERS), rng, first)]
        for _ in range(rng.choices((1, 2, 3), weights=(45, 35, 20))[0]):
            parts.append(self._fill(self._middles.pick(rng), rng, first))
        parts.append(self._fill(rng.choice(CLOSERS), rng, first))
        return " ".join(p for p in parts if p)
