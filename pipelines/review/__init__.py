"""``ionlit review``: the local web app where curators decide problems (see docs/review.md).

``queue`` reads the committed corpus and orders the problems, ``store`` writes the decisions
file, ``pages`` renders page images and the plot, ``guard`` checks requests, ``app`` serves
them.
"""

from pipelines.review.app import DEFAULT_HOST, DEFAULT_PORT, ReviewConfig, create_app, serve

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ReviewConfig", "create_app", "serve"]
