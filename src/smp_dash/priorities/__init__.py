"""One module per page: ``figures(bundle, view)``, what the page and the data pack both show.

Each returns the page's headline figures (``measures.Value``), its charts' data and tables for a
view, so the dashboard, the data pack and the draft assessment never disagree.
"""
