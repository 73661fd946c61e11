"""``retrofit serve``: a local web page where an enterprise's energy manager downloads the
template, uploads an inventory and sees every problem at once, then the 百一 verdict, savings,
payback, subsidies and charts, and downloads the report, the audit workbook and the JSON.

A face, as the CLI and the reports: it imports the core, nothing of the core imports it. It
needs the ``web`` extra (``pip install 'retrofit[web]'``): Starlette, uvicorn, Jinja2 and
python-multipart.
"""

#: What to install for the web page
WEB_INSTALL = "pip install 'retrofit[web]'"
