"""LeadDesk: a desktop inbox for website contact-form leads.

The version lives here and nowhere else; packaging reads it from this attribute.
"""

__version__ = "0.1.0"
