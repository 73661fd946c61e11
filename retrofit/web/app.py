"""The web application of ``retrofit serve``: a Starlette app, Jinja2 templates with autoescape,
plain CSS and JS served by the app itself (nothing from the internet, no build step).

>>> from retrofit.web.app import create_app
>>> app = create_app(max_upload_bytes=20 * 2**20, max_rows=10_000)   # doctest: +SKIP
>>> import uvicorn; uvicorn.run(app, host="127.0.0.1", port=8765)     # doctest: +SKIP

Routes: ``GET /`` (the page; ``?lang=en|zh`` switches and a cookie keeps it),
``GET /template.xlsx`` and ``/template.csv`` (``?lang=``), ``POST /estimate`` (the upload:
the results, or every problem of the file), ``POST /api/validate`` (JSON rows → JSON
problems), ``GET /result/{token}`` (a kept result again, e.g. in the other language),
``GET /problems/{token}`` (a file's kept validation problems again, e.g. in the other language),
``GET /download/{token}/{kind}`` (report.html, workbook.xlsx, result.json),
``GET /charts/{token}`` (the figures' captions and addresses, JSON) and
``GET /chart/{token}/{index}.svg``; ``/static/…``.

Security: every POST carries the session's CSRF token (a random cookie, SameSite=Strict,
echoed in the form field ``csrf_token`` or the header ``X-CSRF-Token``); the body is counted
while it streams and refused past ``max_upload_bytes``; the upload stays in memory and in a
private temporary folder removed after the response; results live only in a bounded
in-memory store (:class:`~retrofit.web.store.ResultStore`); every response carries a strict
Content-Security-Policy (no inline script or style) and error pages never show a traceback.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import secrets
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
import jinja2
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._version import __version__
from ..core.exceptions import OptionError, ReferenceDataError
from ..core.reference import load_table
from ..inventory.template import write_template
from . import flow, views
from .store import ResultStore
from .typed import typed_table
from .words import LANGS, say, words

#: Default upload limit [bytes]
DEFAULT_MAX_UPLOAD_BYTES = 20 * 2**20
#: Default row limit [rows]
DEFAULT_MAX_ROWS = 10_000
#: Threads that read, check, estimate and write at once [-]. The work holds the GIL, so more
#: threads only share the same core, and each thread keeps allocator caches of its own (glibc
#: arenas, Arrow's mimalloc heaps): with Starlette's default pool of 40, a load of 50
#: uploads left the server 200 MiB above its start after every result had expired
#: (tests/benchmarks/load_serve.py). Requests beyond these wait their turn.
WORK_THREADS = 2
#: The cookies of the page: the language chosen and the CSRF token
LANG_COOKIE = "retrofit_lang"
CSRF_COOKIE = "retrofit_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
#: Downloads of a result: kind → media type
DOWNLOADS = {
    "report.html": "text/html; charset=utf-8",
    "workbook.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "result.json": "application/json",
}
#: Sent with every response: nothing but this app's own files, no framing, no sniffing
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-store",
}
#: A downloaded report and a chart carry their own inline styles: they may use them, and
#: nothing else (no script, no request anywhere)
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)


class BodyTooLarge(HTTPException):
    """The request body passed the upload limit while it streamed (413)."""

    def __init__(self) -> None:
        super().__init__(413)


class _Guard:
    """ASGI middleware: the security headers on every response, and the request body counted
    as it arrives, refused (413, through the app's error page) past ``max_body`` bytes without
    reading the rest."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge()
            return message

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, counted, secured)


def create_app(
    *,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    lang_default: str = "zh",
    store: ResultStore | None = None,
) -> Starlette:
    """The web application.

    Parameters
    ----------
    max_upload_bytes : int
        Largest request body, the uploaded file included [bytes]; counted while it streams.
    max_rows : int
        Most data rows an inventory may have [rows].
    lang_default : {"zh", "en"}
        The page's language until the user switches (``?lang=``, kept in a cookie).
    store : ResultStore, optional
        Where results are kept (default: 32 results, 15 minutes each).

    Returns
    -------
    starlette.applications.Starlette
        ``app.state.store`` is the result store.
    """
    if lang_default not in LANGS:
        raise ValueError(f"lang_default must be one of {', '.join(LANGS)}, not {lang_default!r}")
    if max_upload_bytes < 1 or max_rows < 1:
        raise ValueError("max_upload_bytes and max_rows must be ≥ 1")
    store = store if store is not None else ResultStore()  # an empty store is falsy (len 0)
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("retrofit.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    minutes = round(store.ttl_s / 60)
    work: list[anyio.CapacityLimiter] = []  # made in the event loop, at the first request

    async def run_in_threadpool(func: Any, *args: Any, **kwargs: Any) -> Any:
        """``func(*args, **kwargs)`` in a worker thread, at most :data:`WORK_THREADS` at once."""
        if not work:
            work.append(anyio.CapacityLimiter(WORK_THREADS))
        call = functools.partial(func, *args, **kwargs)
        return await anyio.to_thread.run_sync(call, limiter=work[0])

    class Parser(MultiPartParser):
        spool_max_size = max_upload_bytes  # the upload stays in memory, never a temp file

    def language(request: Request) -> str:
        asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
        return asked if asked in LANGS else lang_default

    def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
        """Render ``template`` in the request's language, with the session's CSRF token."""
        lang = language(request)
        token = request.cookies.get(CSRF_COOKIE) or ""
        if len(token) < 20:
            token = secrets.token_urlsafe(32)
        other = words(lang)["other_language_code"]
        switch = context.pop("switch", f"/?lang={other}")  # the results page keeps its result
        html = environment.get_template(template).render(
            lang=lang,
            w=words(lang),
            other=other,
            switch=switch,
            csrf_token=token,
            minutes=minutes,
            version=__version__,
            **context,
        )
        # the headers here too: a 500 page leaves through Starlette's outermost middleware
        response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
        if request.query_params.get("lang") in LANGS:
            response.set_cookie(LANG_COOKIE, lang, samesite="strict", path="/", max_age=31536000)
        return response

    def error_page(request: Request, status: int, key: str, **fields: Any) -> Response:
        lang = language(request)
        return page(
            request,
            "error.html",
            status=status,
            status_code=status,
            message=say(key, lang, **fields),
        )

    def check_csrf(request: Request, sent: str | None) -> None:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not sent or not secrets.compare_digest(cookie, sent):
            raise HTTPException(403, "csrf")

    def form_context(lang: str) -> dict[str, Any]:
        regions = load_table("regions")
        return {
            "regions": list(zip(regions["region"], regions[f"name_{lang}"], strict=True)),
            "bases": [
                ("", words(lang)["basis_default"]),
                *[(b, views.basis_name(b, lang)) for b in flow.PLANT_ENERGY_BASES if b],
            ],
            "packs": [(p, words(lang)[f"policy_{p}"]) for p in flow.POLICY_PACKS],
            "this_year": _dt.date.today().year,
            "max_mb": f"{max_upload_bytes / 2**20:g}",
            "max_rows": f"{max_rows:,}",
            "typed": typed_table(lang),
        }

    def options_from(values: dict[str, Any], packs: list[str]) -> flow.Options:
        """The user's choices, checked against what the page offers (400 otherwise)."""
        region = str(values.get("region") or "national")
        if region not in set(load_table("regions")["region"]):
            raise HTTPException(400, "option")
        year_text = str(values.get("year") or "").strip()
        try:
            year = int(year_text) if year_text else None
        except ValueError:
            raise HTTPException(400, "option") from None
        if year is not None and not 2000 <= year <= 2100:
            raise HTTPException(400, "option")
        basis = str(values.get("plant_energy_basis") or "")
        if basis not in flow.PLANT_ENERGY_BASES or any(p not in flow.POLICY_PACKS for p in packs):
            raise HTTPException(400, "option")
        return flow.Options(region, year, basis, tuple(dict.fromkeys(packs)))

    async def home(request: Request) -> Response:
        lang = language(request)
        return page(request, "index.html", **form_context(lang))

    async def template_file(request: Request) -> Response:
        lang = request.query_params.get("lang") or language(request)
        if lang not in LANGS:
            raise HTTPException(400, "option")
        suffix = request.url.path.rsplit(".", 1)[-1]
        body = await run_in_threadpool(_template_bytes, suffix, lang)
        media = "text/csv; charset=utf-8" if suffix == "csv" else DOWNLOADS["workbook.xlsx"]
        name = f"retrofit-template-{lang}.{suffix}"
        return Response(body, media_type=media, headers=_attachment(name))

    async def estimate(request: Request) -> Response:
        lang = language(request)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_upload_bytes:
            raise BodyTooLarge()  # said before a byte of the body is read
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("multipart/form-data"):
            raise HTTPException(400, "request")
        try:
            form = await Parser(
                request.headers,
                request.stream(),
                max_files=1,
                max_fields=40,
                max_part_size=64 * 1024,
            ).parse()
        except MultiPartException:
            raise HTTPException(400, "request") from None
        check_csrf(request, _text(form.get(CSRF_FIELD)))
        upload = form.get("inventory")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return page(
                request, "index.html", status=400, error=say("no_file", lang), **form_context(lang)
            )
        options = options_from(dict(form), [str(p) for p in form.getlist("policy")])
        data = await upload.read()
        await upload.close()
        name = flow.display_name(upload.filename)
        try:
            outcome = await run_in_threadpool(
                flow.check_and_estimate, data, name, options, max_rows=max_rows
            )
        except flow.TooManyRows:
            raise HTTPException(413, "rows") from None
        except OptionError as error:
            return error_page(request, 400, "bad_option", why=str(error))
        except ReferenceDataError as error:
            return error_page(request, 500, "reference_error", why=str(error))
        finally:
            del data
        if outcome.result is None:
            assert outcome.report is not None  # an outcome holds the estimate or the problems
            # kept like a result, so that the language switch shows the same problems again
            kept = (outcome.report, options)
            token = store.put(kept, name, kind="problems")
            return problems_page(request, token, kept, name)
        token = store.put(outcome.result, name)
        return results_page(request, token, outcome.result, name)

    def problems_page(
        request: Request, token: str, kept: tuple[Any, flow.Options], name: str
    ) -> Response:
        """The validation problems kept under ``token``, in the request's language."""
        lang = language(request)
        report, options = kept
        return page(
            request,
            "problems.html",
            switch=f"/problems/{token}?lang={words(lang)['other_language_code']}",
            file=name,
            total=report.total,
            problems=views.problems(report.issues, report.header_map, lang),
            more=report.total - len(report.issues),
            unmatched=views.header_names(report.unmatched_headers),
            chosen=options,  # the form again as the user filled it
            **form_context(lang),
        )

    async def problems_again(request: Request) -> Response:
        """A file's kept problems shown again (the language switch of the problems page)."""
        token = request.path_params["token"]
        entry = store.get(token, kind="problems")
        if entry is None:
            raise HTTPException(404, "expired")
        return problems_page(request, token, entry.result, entry.file_name)

    def results_page(request: Request, token: str, result: Any, name: str) -> Response:
        """The results of the estimate kept under ``token``, in the request's language."""
        lang = language(request)
        assumptions = result.assumptions
        return page(
            request,
            "results.html",
            switch=f"/result/{token}?lang={words(lang)['other_language_code']}",
            file=name,
            token=token,
            rows=len(result.assets),
            plants=len(result.plants),
            year=assumptions.get("accounting_year", ""),
            region=_region_name(assumptions.get("region", ""), lang),
            totals=views.totals(result.assets, lang, result.plants),
            bai_yi_note=views.bai_yi_note(assumptions, lang),
            bai_yi=views.bai_yi_table(result.plants, lang),
            savings=views.savings_by_measure(result.assets, lang),
            payback=views.payback_table(result.projects, lang),
            subsidies=views.subsidies(result.incentives, lang),
            unmatched=views.header_names(
                assumptions.get("input", {}).get("passthrough_columns", [])
            ),
            downloads=list(DOWNLOADS),
        )

    async def result_again(request: Request) -> Response:
        """A kept result shown again (the language switch of the results page, a reload)."""
        entry = entry_of(request)
        return results_page(request, request.path_params["token"], entry.result, entry.file_name)

    async def api_validate(request: Request) -> Response:
        lang = language(request)
        check_csrf(request, request.headers.get(CSRF_HEADER))
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise HTTPException(400, "request") from None
        rows = body.get("rows") if isinstance(body, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise HTTPException(400, "request")
        policy = body.get("policy") or []
        if isinstance(policy, str):
            policy = [policy]
        if not isinstance(policy, list):
            raise HTTPException(400, "option")
        options = options_from(body, [str(p) for p in policy])
        lang = body.get("lang") if body.get("lang") in LANGS else lang
        try:
            report = await run_in_threadpool(flow.check_rows, rows, options, max_rows=max_rows)
        except flow.TooManyRows:
            raise HTTPException(413, "rows") from None
        except OptionError as error:
            return JSONResponse({"error": say("bad_option", lang, why=str(error))}, 400)
        problems = views.problems(report.issues, report.header_map, lang)
        return JSONResponse(
            {
                "valid": report.valid,
                "total": report.total,
                "rows": report.rows,
                "problems": [p.to_dict() for p in problems],
                "unmatched_headers": views.header_names(report.unmatched_headers),
                "header_map": report.header_map,
            }
        )

    def entry_of(request: Request):
        entry = store.get(request.path_params["token"])
        if entry is None:
            raise HTTPException(404, "expired")
        return entry

    async def download(request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in DOWNLOADS:
            raise HTTPException(404)
        entry = entry_of(request)
        lang = language(request)
        stem = entry.file_name.rsplit(".", 1)[0] or "inventory"
        headers = _attachment(f"{stem}-{kind}")
        if kind == "report.html":
            body: str | bytes = await run_in_threadpool(flow.report_html, entry.result, lang)
            headers["content-security-policy"] = DOCUMENT_CSP
        elif kind == "workbook.xlsx":
            body = await run_in_threadpool(flow.workbook_bytes, entry.result, lang)
        else:
            body = await run_in_threadpool(flow.json_text, entry.result)
        return Response(body, media_type=DOWNLOADS[kind], headers=headers)

    def drawn(entry, lang: str) -> list[tuple[str, str]]:
        with entry.lock:  # drawn once per language, however many requests ask at once
            if entry.charts is None or entry.charts[0] != lang:
                entry.charts = (lang, flow.charts(entry.result, lang))
            return entry.charts[1]

    async def chart_list(request: Request) -> Response:
        entry = entry_of(request)
        lang = language(request)
        figures = await run_in_threadpool(drawn, entry, lang)
        token = request.path_params["token"]
        return JSONResponse(
            [
                {"caption": caption, "url": f"/chart/{token}/{index}.svg?lang={lang}"}
                for index, (caption, _svg) in enumerate(figures)
            ]
        )

    async def chart(request: Request) -> Response:
        entry = entry_of(request)
        figures = await run_in_threadpool(drawn, entry, language(request))
        index = request.path_params["index"]
        if index >= len(figures):
            raise HTTPException(404)
        return Response(
            figures[index][1],
            media_type="image/svg+xml",
            headers={"content-security-policy": DOCUMENT_CSP},
        )

    async def http_error(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, HTTPException) else 500
        detail = error.detail if isinstance(error, HTTPException) else ""
        if request.url.path.startswith("/api/"):
            key = _ERROR_KEYS.get((status, detail), _ERROR_KEYS.get((status, ""), "server_error"))
            lang = language(request)
            return JSONResponse(
                {
                    "error": say(
                        key, lang, mb=f"{max_upload_bytes / 2**20:g}", max=max_rows, minutes=minutes
                    )
                },
                status_code=status,
            )
        key = _ERROR_KEYS.get((status, detail), _ERROR_KEYS.get((status, ""), "server_error"))
        return error_page(
            request,
            status,
            key,
            mb=f"{max_upload_bytes / 2**20:g}",
            max=f"{max_rows:,}",
            minutes=minutes,
        )

    async def server_error(request: Request, error: Exception) -> Response:
        return error_page(request, 500, "server_error")

    static = resources.files("retrofit.web").joinpath("static")
    app = Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/template.xlsx", template_file, methods=["GET"]),
            Route("/template.csv", template_file, methods=["GET"]),
            Route("/estimate", estimate, methods=["POST"]),
            Route("/api/validate", api_validate, methods=["POST"]),
            Route("/result/{token}", result_again, methods=["GET"]),
            Route("/problems/{token}", problems_again, methods=["GET"]),
            Route("/download/{token}/{kind}", download, methods=["GET"]),
            Route("/charts/{token}", chart_list, methods=["GET"]),
            Route("/chart/{token}/{index:int}.svg", chart, methods=["GET"]),
            Route("/estimate", lambda request: RedirectResponse("/", 303), methods=["GET"]),
            Mount("/static", StaticFiles(directory=str(static)), name="static"),
        ],
        middleware=[Middleware(_Guard, max_body=max_upload_bytes)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.store = store
    app.state.max_upload_bytes = max_upload_bytes
    app.state.max_rows = max_rows
    return app


#: (status, detail) → the words that explain an error
_ERROR_KEYS: dict[tuple[int, str], str] = {
    (400, ""): "bad_request",
    (400, "request"): "bad_request",
    (400, "option"): "bad_request",
    (403, "csrf"): "csrf",
    (404, ""): "not_found",
    (404, "Not Found"): "not_found",
    (404, "expired"): "expired",
    (405, ""): "not_allowed",
    (405, "Method Not Allowed"): "not_allowed",
    (413, ""): "too_large",
    (413, "Request Entity Too Large"): "too_large",
    (413, "rows"): "too_many_rows",
    (500, ""): "server_error",
}


def _region_name(region: str, lang: str) -> str:
    """A region's name in ``lang`` (table ``regions``), or its code when unknown."""
    regions = load_table("regions").set_index("region")
    return str(regions[f"name_{lang}"].get(region, region))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _attachment(name: str) -> dict[str, str]:
    """A Content-Disposition that saves the file under ``name`` (UTF-8 names, RFC 6266)."""
    ascii_name = "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "_" for c in name)
    return {
        "content-disposition": f'attachment; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(name)}"
    }


def _template_bytes(suffix: str, lang: str) -> bytes:
    """The blank template (``retrofit template -o x.xlsx``, or ``.csv``) as bytes, written in a
    private temporary folder and read back."""
    with tempfile.TemporaryDirectory(prefix="retrofit-serve-") as folder:
        path = Path(folder) / f"template.{suffix}"
        write_template(path, lang=lang)
        return path.read_bytes()
