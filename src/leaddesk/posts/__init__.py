"""Post resolution: a submission's page URL to the blog post the visitor came from.

``sites`` keeps the allowlist of the team's own origins (nothing else is ever requested); ``fetch``
is the HTTP client (timeouts, byte cap, per-host limit, redirects kept inside the allowlist,
conditional GET); ``wordpress`` and ``html`` read the WordPress REST API and a page's own meta tags;
``resolve`` runs a pass over the posts that are due, outside any sync transaction, with backoff;
``topics`` maps a post's categories and tags to the team's topics of interest.
"""
