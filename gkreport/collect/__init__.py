"""Collect the reports from the agencies' websites: `gkreport collect`.

One module a job: robots.py (robots.txt), fetch.py (HTTP: politeness, retries, redirects,
size caps), state.py (what is known between runs, in the database), frontier.py (the
work, host by host), listing.py (list pages and their pagination), titles.py (which
links are reports), article.py (the report in an article page, or its attachments),
decode.py (charsets), files.py (the --out folder), sources.py (--from FILE), run.py
(a run, from the URLs given to the reports ingested).
"""

from .run import Collector, Result, user_agent  # noqa: F401
from .sources import SourceError, Start, given, read_file  # noqa: F401
