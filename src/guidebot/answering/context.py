"""What every answering step consults: the searcher, the lexicon and the policy, in one object."""

from __future__ import annotations

from dataclasses import dataclass

from ..lexicon import Lexicon
from ..policy import Policy
from ..search import Searcher


@dataclass(frozen=True)
class Context:
    searcher: Searcher
    lexicon: Lexicon
    policy: Policy
