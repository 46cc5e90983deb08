import html
from decimal import Decimal

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.template.loader import get_template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.hours.models import HoursKind
from participants.track.models import Phase

register = template.Library()


@register.filter
def phase_label(value) -> str:
    try:
        return Phase(int(value)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def hours_kind_label(value) -> str:
    try:
        return HoursKind(value).label
    except ValueError:
        return ""


# The citizen and their track as every screen shows them: tags, not included templates, as
# they are rendered once per row of the longest tables.

PHASE_BADGE_CLASS = {
    Phase.EMPLOYMENT: "text-bg-success",
    Phase.PLACEMENT: "text-bg-info",
    Phase.TRAINING: "text-bg-primary",
}


@register.simple_tag
def citizen_identity(citizen, visibility) -> str:
    """The name, or the pseudonym for the roles that may not see it; the masked CPR beside
    it for the roles that may see that."""
    shown = visibility.label(citizen)
    if visibility.show_masked_cpr:
        return format_html(
            '{} <span class="text-body-secondary small font-monospace">{}</span>',
            shown,
            citizen.cpr_masked,
        )
    return conditional_escape(shown)


@register.simple_tag
def status_badge(active: bool) -> str:
    if active:
        return format_html('<span class="badge text-bg-success">{}</span>', _("Aktiv"))
    return format_html('<span class="badge text-bg-dark">{}</span>', _("Ophørt"))


@register.simple_tag
def phase_badge(phase) -> str:
    css = PHASE_BADGE_CLASS.get(phase, "text-bg-secondary")
    return format_html('<span class="badge {}">{}</span>', css, phase_label(phase))


@register.simple_tag
def hours_grid_rows(rows: list[dict], visibility) -> str:
    """The weekly hours grid's rows (a dict each: citizen, reasons, cells, total), as the
    loop over them in the template wrote them: who, why hours cannot be logged, a cell per
    kind, the saved total. One tag for the page, built with plain escaping: a template loop
    and a tag per row were most of the page's time."""
    total_label = _html_escape(_("Gemt i alt"))
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            '\n    <tr>\n      <th scope="row" class="fw-normal">'
            f"{citizen_identity(row['citizen'], visibility)}\n        "
            + "".join(
                f'<div class="small text-body-secondary fw-normal">{_html_escape(reason)}</div>'
                for reason in row["reasons"]
            )
            + "</th>\n      "
            + _hours_cells(row["cells"], bool(row["reasons"]))
            + f'\n      <td class="num hours-total" data-label="{total_label}">'
            f"{_hours_total(row['total'])}</td>\n    </tr>\n    "
            for row in rows
        )
    )


def _hours_total(total) -> str:
    """A row's saved hours as {{ total|floatformat:"-2" }} writes them (7, 7,50): a whole
    number as its digits, as floatformat writes it, without its formatting machinery."""
    if isinstance(total, Decimal) and total == total.to_integral_value():
        return str(int(total))
    return _html_escape(floatformat(total, "-2"))


@register.simple_tag
def hours_cells(cells: list[dict], disabled: bool) -> str:
    """A row of the weekly hours grid: a cell per kind, each with its hidden label, the input,
    and its errors tied to it for screen readers."""
    return mark_safe(_hours_cells(cells, disabled))  # noqa: S308 - escaped


def _hours_cells(cells: list[dict], disabled: bool) -> str:
    off = " disabled" if disabled else ""
    return "".join(_hours_cell(cell, off) for cell in cells)


def _html_escape(value) -> str:
    """What django.utils.html.escape writes, without its checks for lazy values: the grid
    escapes a thousand values a page."""
    text = str(value)
    return html.escape(text) if text else ""


def _hours_cell(cell: dict, disabled: str) -> str:
    name = _html_escape(cell["name"])
    invalid = feedback = ""
    if cell["errors"]:
        invalid = f' aria-invalid="true" aria-describedby="{name}-fejl"'
        messages = _html_escape(" ".join(map(str, cell["errors"])))
        feedback = f'<div class="invalid-feedback" id="{name}-fejl">{messages}</div>'
    shown = _html_escape(cell.get("shown", cell["value"]))
    return (
        f'<td><label class="visually-hidden" for="{name}">{_html_escape(cell["label"])}</label>'
        f'<input class="form-control form-control-sm text-end{" is-invalid" if invalid else ""}"'
        f' type="text" inputmode="decimal" id="{name}" name="{name}"'
        f' value="{_html_escape(cell["value"])}" size="5"{disabled}{invalid}>'
        f'<input type="hidden" name="o{name[1:]}" value="{shown}"{disabled}>{feedback}</td>'
    )


# The re-visitation overview shows up to three exits per slot of every municipality: a slot's
# rows are one tag (as the hours grid's rows are), its words and addresses looked up once.


_ANY_ID = 987654321
NUM = ' class="num"'


def _citizen_page_address() -> str:
    """The citizen page's address with `{}` for the citizen's id: reversed once for all rows."""
    return reverse("participants:citizen_detail", args=[_ANY_ID]).replace(str(_ANY_ID), "{}")


@register.simple_tag
def revisitation_exit_table(exits, visibility, may_propose: bool) -> str:
    """A slot's early exits whose place waits for a re-visitation (with_place_figures()), a
    row each: who, when, the days since, the deadline, the proposals, and the button to
    propose a citizen for the place."""
    headings = [
        _("Deltager"),
        _("Ophør"),
        _("Dage siden ophør"),
        _("Frist for genvisitation"),
        _("Forslag"),
    ]
    head = "".join(
        f'<th scope="col"{NUM if i == 2 else ""}>{escape(h)}</th>' for i, h in enumerate(headings)
    )
    if may_propose:
        actions = escape(_("Handlinger"))
        head += f'<th scope="col"><span class="visually-hidden">{actions}</span></th>'
    caption = escape(_("Tidlige ophør uden godkendt genvisitation"))
    # The words are looked up outside the f-strings, where makemessages finds them.
    overdue_word, none_yet_word = _("Overskredet"), _("Ingen forslag endnu")
    overdue_badge = f' <span class="badge text-bg-danger">{escape(overdue_word)}</span>'
    none_yet = f'<span class="small text-body-secondary">{escape(none_yet_word)}</span>'
    propose = reverse("participants:visitation_propose")
    # The citizen page's address reversed once, each row's id put in its place: reverse()
    # per row was half the rows' time.
    citizen_page = _citizen_page_address()
    propose_label = escape(_("Genvisiter"))
    proposals_template = get_template("participants/partials/revisitation_proposals.html")
    rows = []
    for exit_form in exits:
        overdue = exit_form.place_overdue
        citizen = citizen_page.format(int(exit_form.citizen_id))
        deadline = exit_form.revisitation_deadline
        due = f"{deadline:%d.%m.%Y}" if deadline else ""
        proposals = (
            proposals_template.render({"exit": exit_form}) if exit_form.proposals else none_yet
        )
        cells = [
            # Each figure on one line (on a phone the table scrolls sideways): the
            # pseudonym (D-000123) is not broken at its hyphen, nor a date from its badge.
            f'<td class="text-nowrap"><a href="{citizen}">'
            f"{citizen_identity(exit_form.citizen, visibility)}</a></td>",
            f'<td class="text-nowrap">{exit_form.exit_date:%d.%m.%Y}</td>',
            f'<td class="num">{localize(exit_form.days_open)}</td>',
            f'<td class="text-nowrap">{due}{overdue_badge if overdue else ""}</td>',
            f'<td class="revisitation-proposals">{proposals}</td>',
        ]
        if may_propose:
            button = ""
            if not exit_form.proposal_pending:
                button = (
                    f'<a class="btn btn-sm btn-primary" href="{propose}?ophoer={exit_form.pk}">'
                    f"{propose_label}</a>"
                )
            cells.append(f'<td class="text-end">{button}</td>')
        css = ' class="table-danger"' if overdue else ""
        rows.append(f"<tr{css}>{''.join(cells)}</tr>")
    body = "\n".join(rows)
    return mark_safe(  # noqa: S308 - every value escaped
        '<div class="table-responsive"><table class="table table-sm mt-3 mb-0">'
        f'<caption class="visually-hidden">{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>"
    )


def _counted(singular: str, plural: str, n: int) -> str:
    """A count in words, as {% blocktranslate count %} writes it (the same message ids)."""
    return escape(ngettext(singular, plural, n) % {"n": localize(n)})


@register.simple_tag
def revisitation_slot_badges(row) -> str:
    """A slot's figures (SlotRow) as the overview's badges: company slots, citizen places,
    active citizens, open places, and the exits past their deadline."""
    open_css = "info" if row.open_places else "secondary"
    badges = [
        ("light", _counted("%(n)s virksomhedsplads", "%(n)s virksomhedspladser", row.slots)),
        ("light", _counted("%(n)s borgerplads", "%(n)s borgerpladser", row.places)),
        ("primary", escape(_("%(n)s aktive") % {"n": localize(row.active)})),
        (
            open_css,
            _counted("%(n)s ledig borgerplads", "%(n)s ledige borgerpladser", row.open_places),
        ),
    ]
    if row.overdue:
        overdue = _counted("%(n)s frist overskredet", "%(n)s frister overskredet", row.overdue)
        badges.append(("danger", overdue))
    return mark_safe(  # noqa: S308 - every value escaped
        "\n".join(f'<span class="badge text-bg-{css}">{text}</span>' for css, text in badges)
    )


# The citizen list's rows: one tag for the page's 50 rows, its words, badges and address
# looked up once per page rather than once per row.


@register.simple_tag
def citizen_list_rows(citizens, visibility) -> str:
    """The citizen list's rows (citizen_list()), as the list's row template wrote them: who
    (linked to the citizen page), the overdue visitation, status, phase, municipality,
    employment actor, cluster and the start of phase 1."""
    citizen_page = _citizen_page_address()
    overdue_word = _("Visitation over 4 uger")  # outside the f-string: makemessages finds it
    overdue = f'<span class="badge text-bg-warning">{escape(overdue_word)}</span>'
    status = {True: status_badge(True), False: status_badge(False)}
    phases: dict = {}
    rows = []
    for citizen in citizens:
        phase = citizen.phase
        if phase not in phases:
            phases[phase] = phase_badge(phase)
        actor = citizen.employment_actor
        cluster = citizen.cluster
        start = citizen.phase1_start
        rows.append(
            "\n  <tr>\n"
            f'    <td><a href="{citizen_page.format(int(citizen.pk))}">'
            f"{citizen_identity(citizen, visibility)}</a>\n"
            f"      {overdue if citizen.visitation_overdue else ''}</td>\n"
            f"    <td>{status[bool(citizen.is_active)]}</td>\n"
            f"    <td>{phases[phase]}</td>\n"
            f"    <td>{escape(citizen.municipality)}</td>\n"
            f"    <td>{escape(actor) if actor else '–'}</td>\n"
            f"    <td>{localize(cluster.number) if cluster is not None else ''}</td>\n"
            f"    <td>{f'{start:%d.%m.%Y}' if start else '–'}</td>\n"
            "  </tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped


# The citizen page's timeline and hours per month: a citizen of two years has some fifty
# events and two dozen months, most of them months of hours. Written in one pass, each
# month's name and each number formatted once.


class _Formats:
    """Dates and hours as the page's filters write them (|date, |floatformat:"-2"), each
    value formatted once per page."""

    def __init__(self) -> None:
        self._hours: dict = {}
        self._months: dict = {}

    def hours(self, value) -> str:
        if value not in self._hours:
            self._hours[value] = floatformat(value, "-2")
        return self._hours[value]

    def month(self, day) -> str:
        key = (day.year, day.month)
        if key not in self._months:
            self._months[key] = escape(date_filter(day, "F Y"))
        return self._months[key]


@register.simple_tag
def hours_month_rows(months) -> str:
    """The citizen page's hours per month (hours_by_month()): the month, a cell per kind and
    the month's total."""
    formats = _Formats()
    rows = []
    for month in months:
        cells = "".join(f'<td class="num">{formats.hours(cell)}</td>' for cell in month["cells"])
        rows.append(
            f'<tr><th scope="row" class="fw-normal">{formats.month(month["month"])}</th>{cells}'
            f'<td class="num fw-semibold">{formats.hours(month["total"])}</td></tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped


@register.simple_tag(takes_context=True)
def timeline_items(context, events) -> str:
    """The citizen page's timeline (timeline_for_page()), an item per event: its day, title
    and body (participants/partials/event_body.html; a month of hours written here)."""
    body_template = get_template("participants/partials/event_body.html").template
    formats = _Formats()
    items = []
    for event in events:
        day = event["day"]
        if event["kind"] == "hours":
            shown = formats.month(day)
            total = formats.hours(event["obj"]["total"])
            # As event_body.html writes it, with the line ends of its branch and its file.
            in_all = _("%(total)s timer i alt") % {"total": total}
            body = f'<div class="small">{in_all}</div>\n\n'
        else:
            shown = f"{day:%d.%m.%Y}"
            with context.push(event=event, o=event["obj"], steps=event.get("steps", "")):
                body = body_template.render(context)
        items.append(
            "\n    "
            '<li class="list-group-item px-0 d-flex gap-3">\n'
            f'      <time class="text-body-secondary text-nowrap" datetime="{day:%Y-%m-%d}">'
            f"{shown}</time>\n"
            "      <div>\n"
            f"        <strong>{conditional_escape(event['title'])}</strong>\n"
            f"        {body}\n"
            "      </div>\n"
            "    </li>\n"
            "    "
        )
    return mark_safe("".join(items))  # noqa: S308 - every value escaped
