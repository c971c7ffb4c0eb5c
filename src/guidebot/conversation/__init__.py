"""The conversation around single answers: small talk (`smalltalk`), naming universities and
topics (`entities`), follow-up resolution from the history the client sends (`turns`), single
questions (`single`), lists and comparisons (`lists`), reply texts (`replies`), suggestions
(`suggestions`), and `respond`, which puts them together. Stateless: every call re-reads the
history. Facts always come from answering's cited sentences; only lead-ins are templated.
"""
