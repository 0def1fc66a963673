"""Views: render the model into page content with Jinja templates (no MkDocs here)."""
