"""Static files named by their content, so that browsers may keep them for a year."""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFiles(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed and compressed files, with the stylesheets' references to other
    files rewritten to their hashed names, but not the source-map comments: the vendored
    scripts name maps that are not shipped (``web/static/vendor``), and a missing map must
    not stop ``collectstatic``."""

    patterns = (
        ("*.css", tuple(
            pattern for pattern in dict(ManifestStaticFilesStorage.patterns)["*.css"]
            if "sourceMappingURL" not in str(pattern)
        )),
    )
