"""The production settings with one page more, for ``benchmarks/load.py``: a bare JSON view
(no query, no template) to measure the pages against on the same server in the same run."""

from retour.settings import *  # noqa: F403

ROOT_URLCONF = "load_urls"
