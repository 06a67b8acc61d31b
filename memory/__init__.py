"""Claims checked before: each claim's meaning as a vector, and the claims of other
articles that say the same thing."""
