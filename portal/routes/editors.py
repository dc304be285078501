"""Editors' tools behind a login: source health, correcting an article's themes, hiding it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.db import insert_for
from models.entities import Article, ArticleTheme, EditorAction, ThemeCorrection
from models.health import source_status
from portal import auth
from portal.routes.common import editor_session, facets

router = APIRouter(prefix="/redactie", include_in_schema=False)
ArticleId = Path(ge=1, le=2**31 - 1)


def _page(request: Request, name: str, context: dict, db: Session, status: int = 200):
    data = facets(request, db)
    template = request.app.state.templates.get_template(name)
    body = template.render({
        **data, **context, "request": request, "editor": auth.current_editor(request),
        "csrf": auth.csrf_token(request),
    })  # fmt: skip
    # Editors' pages carry a CSRF token and private data: never cached, never indexed.
    return HTMLResponse(body, status_code=status, headers={
        "Cache-Control": "no-store", "X-Robots-Tag": "noindex"})  # fmt: skip


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/inloggen")
def login_form(request: Request, db: Session = Depends(editor_session)):
    configured = bool(request.app.state.settings.editor_password_hash)
    return _page(request, "login.html", {"error": None, "configured": configured}, db)


@router.post("/inloggen")
def login(request: Request,
          username: Annotated[str, Form(max_length=200)] = "",
          password: Annotated[str, Form(max_length=1000)] = "",
          csrf: Annotated[str, Form(max_length=200)] = "",
          db: Session = Depends(editor_session)):  # fmt: skip
    auth.check_csrf(request, csrf)
    settings = request.app.state.settings
    limiter: auth.LoginLimiter = request.app.state.login_limiter
    client = _client(request)
    wait = limiter.attempt(client)
    if wait:
        response = _page(request, "login.html", {
            "error": f"Te veel mislukte pogingen. Probeer het over {wait} seconden opnieuw.",
            "configured": True}, db, status=429)  # fmt: skip
        response.headers["Retry-After"] = str(wait)
        return response
    if not auth.check_credentials(settings, username, password):
        return _page(request, "login.html", {
            "error": "Onbekende naam of verkeerd wachtwoord.",
            "configured": bool(settings.editor_password_hash)}, db, status=401)  # fmt: skip
    limiter.succeeded(client)
    request.session.clear()
    request.session["editor"] = username
    auth.csrf_token(request)  # a fresh token for the new session
    return RedirectResponse("/redactie", status_code=303)


@router.post("/uitloggen")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = ""):
    auth.check_csrf(request, csrf)
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.get("")
def dashboard(request: Request, db: Session = Depends(editor_session)):
    editor = auth.require_editor(request)
    actions = list(db.scalars(select(EditorAction).order_by(EditorAction.id.desc()).limit(30)))
    titles = {
        a.id: a.title
        for a in db.scalars(
            select(Article).where(Article.id.in_({x.article_id for x in actions if x.article_id}))
        )
    }
    hidden = list(db.scalars(select(Article).where(Article.hidden.is_(True))
                             .order_by(Article.sort_at.desc()).limit(50)))  # fmt: skip
    return _page(request, "editor_home.html", {"who": editor, "health": source_status(db),
                 "actions": actions, "titles": titles, "hidden_articles": hidden}, db)  # fmt: skip


def _article(db: Session, article_id: int) -> Article:
    article = db.get(Article, article_id)
    if article is None:
        raise HTTPException(status_code=404, detail="Dit artikel bestaat niet.")
    return article


@router.get("/artikelen/{article_id}")
def edit_article(
    request: Request, article_id: int = ArticleId, db: Session = Depends(editor_session)
):
    auth.require_editor(request)
    article = _article(db, article_id)
    corrections = list(
        db.scalars(select(ThemeCorrection).where(ThemeCorrection.article_id == article_id))
    )
    return _page(request, "editor_article.html", {"article": article, "corrections": corrections,
                 "current": {t.theme_slug for t in article.themes},
                 "saved": request.query_params.get("ok")},
                 db)  # fmt: skip


@router.post("/artikelen/{article_id}/themas")
async def correct_themes(request: Request, article_id: int = ArticleId,
                         db: Session = Depends(editor_session)):  # fmt: skip
    editor = auth.require_editor(request)
    form = await request.form()
    auth.check_csrf(request, str(form.get("csrf") or ""))
    known = {t.slug for t in facets(request, db)["all_themes"]}
    wanted = {str(v) for v in form.getlist("theme")}
    unknown = wanted - known
    if unknown:
        raise HTTPException(
            status_code=400, detail=f"Onbekend thema: {', '.join(sorted(unknown))[:200]}"
        )
    article = _article(db, article_id)
    current = {t.theme_slug for t in article.themes}
    insert = insert_for(db)
    for slug in sorted(wanted - current):
        db.merge(
            ThemeCorrection(article_id=article_id, theme_slug=slug, action="add", editor=editor)
        )
        db.execute(
            insert(ArticleTheme)
            .values(article_id=article_id, theme_slug=slug, score=0.0, matches=[], origin="manual")
            .on_conflict_do_nothing()
        )
        db.add(
            EditorAction(
                editor=editor, action="theme-add", article_id=article_id, detail={"theme": slug}
            )
        )
    for slug in sorted(current - wanted):
        db.merge(
            ThemeCorrection(article_id=article_id, theme_slug=slug, action="remove", editor=editor)
        )
        db.execute(
            delete(ArticleTheme).where(
                ArticleTheme.article_id == article_id, ArticleTheme.theme_slug == slug
            )
        )
        db.add(
            EditorAction(
                editor=editor, action="theme-remove", article_id=article_id, detail={"theme": slug}
            )
        )
    db.commit()
    request.app.state.version.reset()
    return RedirectResponse(f"/redactie/artikelen/{article_id}?ok=1", status_code=303)


@router.post("/artikelen/{article_id}/verbergen")
def hide_article(request: Request, article_id: int = ArticleId,
                 hidden: Annotated[str, Form(pattern=r"^[01]$")] = "1",
                 csrf: Annotated[str, Form(max_length=200)] = "",
                 db: Session = Depends(editor_session)):  # fmt: skip
    editor = auth.require_editor(request)
    auth.check_csrf(request, csrf)
    article = _article(db, article_id)
    article.hidden = hidden == "1"
    db.add(
        EditorAction(
            editor=editor,
            action="hide" if article.hidden else "unhide",
            article_id=article_id,
            detail={"title": article.title[:200]},
        )
    )
    db.commit()
    request.app.state.version.reset()
    return RedirectResponse(f"/redactie/artikelen/{article_id}?ok=1", status_code=303)
