"""No models: quote checks (``claims.models.QuoteCheck``) moved to the claims app,
which owns the data they check. This app keeps the migrations that created their
table, so existing databases and new ones end up the same."""
