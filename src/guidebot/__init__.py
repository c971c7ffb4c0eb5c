"""guidebot: a cited-answer chatbot over a folder of guidance documents.

The data path runs one way: corpus (load and validate files) → chunking (sections, paragraphs,
sentences) → analysis (tokens, stopwords, stems, query expansion) → index (BM25 impacts) →
answer (sentence selection and citations) → dialogue (small talk, follow-ups, lists) → api / cli.
"""

__version__ = "0.1.0"
