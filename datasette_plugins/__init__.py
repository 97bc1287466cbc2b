"""The site's Datasette plugins, one concern per file, with the templates and static files they use.

`gkreport serve` points Datasette's plugins directory here (see gkreport/site.py).
"""
