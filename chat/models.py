"""Chat owns FinBot: conversations, messages and the editors' knowledge articles."""
