"""The app factory: create_app(settings) builds the portal; tests build their own settings."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.db import make_engine, session_factory
from models.settings import Settings, get_settings
from portal import filters
from portal.auth import LoginLimiter
from portal.cache import Memo, VersionCache
from portal.routes import api, editors, feeds, metrics, pages
from portal.warm import Warmer

HERE = Path(__file__).parent


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="HowardsHome",
        description="Nieuws voor bestuurders in het openbaar bestuur: artikelen, thema's, "
        "bronnen en regio's.",
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    engine = make_engine(settings.database_url)
    if engine.dialect.name == "postgresql":
        _tune_reads(engine)
    app.state.settings = settings
    app.state.engine = engine
    # Editors' actions and login attempts write: sessions with transactions.
    app.state.sessions = session_factory(engine)
    # Pages, feeds and the API only read. On PostgreSQL they read without a transaction: its
    # BEGIN and ROLLBACK were two of a list page's three round trips to the database, each a
    # wait for the database's turn on a busy machine.
    app.state.read_sessions = (
        session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))
        if engine.dialect.name == "postgresql"
        else app.state.sessions
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    filters.register(templates.env)
    # Templates change with a deploy, not while serving: no stat() per template and include.
    templates.env.auto_reload = False
    app.state.templates = templates
    # Pages and feeds for the current data version, and the lists every page needs.
    app.state.responses = Memo(max_entries=2000)
    app.state.memo = Memo(max_entries=200)
    app.state.version = VersionCache()
    app.state.warmer = Warmer(app)
    app.state.login_limiter = LoginLimiter(
        app.state.sessions, settings.login_attempts, settings.login_window_seconds
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="howardshome_redactie",
        max_age=8 * 3600,
        same_site="strict",
        https_only=settings.session_https_only,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(pages.router)
    app.include_router(feeds.router)
    app.include_router(api.router)
    app.include_router(metrics.router)
    app.include_router(editors.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code in (301, 302, 303, 307) and exc.headers and "Location" in exc.headers:
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        if request.url.path.startswith(("/api/", "/feeds/")):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": exc.status_code, "detail": exc.detail},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        if request.url.path.startswith(("/api/", "/feeds/")):
            return JSONResponse({"detail": errors}, status_code=422)
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'verzoek'}: {e['msg']}" for e in errors
        )
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": 400, "detail": f"Ongeldige invoer - {detail}"},
            status_code=400,
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        from sqlalchemy import text

        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


SECURITY_HEADERS = (
    ("Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)  # fmt: skip


class SecurityHeaders:
    """Security headers on every response, unless the route set its own.

    A plain ASGI middleware: Starlette's `@app.middleware("http")` runs each request through a
    second task and a memory stream, CPU that every page and every cached hit paid."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # "https" directly or behind a proxy (the server applies X-Forwarded-Proto to the scope)
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
                if https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _tune_reads(engine) -> None:
    """Per-connection settings for the portal's short read queries on PostgreSQL.

    JIT compilation costs 50-200 ms on a query the planner thinks large and saves nothing on a
    page query that stops after 31 rows; parallel workers compete with the other requests for
    the same cores.
    """
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _settings(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        dbapi_connection.commit()


def app_from_env() -> FastAPI:
    """Factory for uvicorn (`--factory`): settings from the environment."""
    return create_app(get_settings())
