"""Answering one question from retrieved passages: question analysis (`question`), spelling
(`spelling`), sentence selection (`selection`), grounding checks (`grounding`) and citations
(`citing`). Knows nothing of conversations, HTTP or BM25 arrays: it asks a `Searcher`.
"""
