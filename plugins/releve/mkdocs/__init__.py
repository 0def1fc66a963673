"""MkDocs adapter: thin plugins that load the model and hand pages to MkDocs."""
