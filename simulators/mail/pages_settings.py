"""Settings pages: signature and vacation responder, filters, blocked senders."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from webtwin.simulators.core.web import Form, FormDep, WorldDep, plain_rows, see_other
from webtwin.simulators.core.world import UserError, World

from . import queries, services
from .models import BlockedSender, Filter
from .pages_common import (
    IdPath,
    chrome,
    optional_id,
    parse_date_input,
    render_page,
    safe_back,
    with_notice,
)

__all__ = ["router"]

router = APIRouter()


def _settings_values(form: Form) -> dict[str, object]:
    return {
        "signature": form.get("signature").replace("\r\n", "\n"),
        "vacation_enabled": form.flag("vacation_enabled"),
        "vacation_start": parse_date_input(form.get("vacation_start"), "the first day"),
        "vacation_end": parse_date_input(form.get("vacation_end"), "the last day"),
        "vacation_subject": form.get("vacation_subject"),
        "vacation_body": form.get("vacation_body").replace("\r\n", "\n"),
    }


def _render_settings(request: Request, world: World, error: str = "",
                     status: int = 200) -> HTMLResponse:
    with world.session() as s:
        ui = chrome(s, world, request, active="settings")
        return render_page("mail/settings.html", status, ui=ui, owner=ui.owner, error=error)


@router.get("/settings", response_class=HTMLResponse)
async def settings_page(request: Request, world: WorldDep) -> HTMLResponse:
    """Signature and vacation responder."""
    return _render_settings(request, world)


@router.post("/settings")
async def save_settings(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Save the signature and vacation responder."""
    try:
        values = _settings_values(form)
        with world.transaction() as s:
            services.update_settings(s, **values)  # type: ignore[arg-type]
    except UserError as error:
        return _render_settings(request, world, str(error), 422)
    return see_other(with_notice("/settings", "settings_saved"))


# -- filters --------------------------------------------------------------------------------
@router.get("/settings/filters", response_class=HTMLResponse)
async def filters_page(request: Request, world: WorldDep) -> HTMLResponse:
    """Existing filters and the new-filter form."""
    with world.session() as s:
        ui = chrome(s, world, request, active="filters")
        filters = plain_rows(s, Filter, "ORDER BY id")
        labels = {label.id: label.name for label, _ in queries.label_tree(s)}
        return render_page("mail/filters.html", ui=ui, filters=filters, label_names=labels,
                           label_choices=queries.label_tree(s))


@router.post("/settings/filters")
async def create_filter(form: FormDep, world: WorldDep) -> Response:
    """Create a filter for incoming mail."""
    label_id = optional_id(form.get("label_id"), "label_id")
    with world.transaction() as s:
        services.create_filter(
            s, world, from_contains=form.get("from_contains"), to_contains=form.get("to_contains"),
            subject_contains=form.get("subject_contains"), has_words=form.get("has_words"),
            has_attachment=form.flag("has_attachment"), label_id=label_id,
            archive=form.flag("archive"), star=form.flag("star"),
            mark_read=form.flag("mark_read"), delete=form.flag("delete"),
            forward_to=form.get("forward_to"))
    return see_other(with_notice("/settings/filters", "filter_created"))


@router.post("/settings/filters/{filter_id}/delete")
async def delete_filter(world: WorldDep, filter_id: IdPath) -> Response:
    """Delete a filter."""
    with world.transaction() as s:
        services.delete_filter(s, filter_id)
    return see_other(with_notice("/settings/filters", "filter_deleted"))


# -- blocked senders ------------------------------------------------------------------------
@router.get("/settings/blocked", response_class=HTMLResponse)
async def blocked_page(request: Request, world: WorldDep) -> HTMLResponse:
    """Blocked addresses."""
    with world.session() as s:
        ui = chrome(s, world, request, active="blocked")
        blocked = plain_rows(s, BlockedSender, "ORDER BY email, id")
        return render_page("mail/blocked.html", ui=ui, blocked=blocked)


@router.post("/settings/blocked")
async def block(form: FormDep, world: WorldDep) -> Response:
    """Block an address (from the form here or a message's "Block" button)."""
    with world.transaction() as s:
        services.block_sender(s, world, form.get("email"))
    back = safe_back(form.get("back"), "/settings/blocked")
    return see_other(with_notice(back, "blocked"))


@router.post("/settings/blocked/{blocked_id}/delete")
async def unblock(world: WorldDep, blocked_id: IdPath) -> Response:
    """Unblock an address."""
    with world.transaction() as s:
        services.unblock_sender(s, blocked_id)
    return see_other(with_notice("/settings/blocked", "unblocked"))
