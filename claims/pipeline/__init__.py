"""The steps between an article's text and its checked sources, shared by the web
request and the background jobs: storing an article's text and links, fetching a URL
into a snapshot, importing a fetched page, checking quotes against what was fetched.
Nothing here queues a job; ``claims.tasks`` calls these steps and queues the next."""
