"""The HTTP service around the chat facade (`guidebot.chat.Guidebot`).

One module per concern:

| module | owns |
| --- | --- |
| `app.py` | `create_app` (the uvicorn factory `guidebot.service.app:create_app`) and the API routes |
| `schemas.py` | the Pydantic request and response models (the public JSON contract) |
| `middleware.py` | request ids and log lines, the last-resort 500, security headers, the body limit |
| `ratelimit.py` | per-client token buckets and the 429 middleware |
| `logs.py` | the JSON logging configuration every worker installs |
| `replies.py` | the cache of recent encoded chat replies |
| `lifecycle.py` | the serving bot and its atomic swap: reindex, following the index file |
| `watcher.py` | `serve --watch`: rebuilding the index file when the corpus changes |
| `pages.py` | the chat page, the embed page, `/widget.js` and `/static` (assets in `web/`, package data) |
| `sources.py` | `/sources/{doc_id}`: each document as a readable page; where a citation links |
| `payload.py` | a chat reply's JSON: the facade's, plus `kind`, citation links and `sources` |
| `delivery.py` | HEAD, and gzip, ETag and Cache-Control for pages and assets; widget.js as served |

Nothing here imports the answering core directly: only `guidebot.chat`, `guidebot.build`,
`guidebot.index`, `guidebot.corpus`, `guidebot.errors`, `guidebot.settings`, and `guidebot.chunking`
(the source pages split Markdown with the code that chunked it).
"""
