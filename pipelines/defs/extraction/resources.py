"""The spaCy pipeline the mention extractor needs, loaded once per process."""

import functools
from typing import Any

import dagster as dg

from extractors import mentions

_load_nlp = functools.cache(mentions.load_nlp)


class SpacyNlp(dg.ConfigurableResource):
    """``extractors.mentions.load_nlp()``, cached: a step process loads it at most once."""

    def load(self) -> Any:
        return _load_nlp()
