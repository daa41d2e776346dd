"""The practice manager's dashboard: what is overdue, counted three ways, and how the pathway is kept.

Overdue means what the worklists mean by it (services/worklists/worklists.py): an open
appointment or referral whose due-by date is before today. The counts by kind, by how
long overdue and by clinician come from ONE grouped query over the worklists' partial
indexes; a click on any figure asks ``overdue_list`` for the rows behind it, paged by
the database in the overdue list's own order (urgent first, then the longest waiting).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from peewee import SQL, Case, Select, Value, fn

from clinic_desktop.models import Appointment, Episode, Referral, User, database_proxy
from clinic_desktop.models.appointments import open_statuses_sql
from clinic_desktop.models.referrals import open_referral_sql
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.core import clock, validation
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.pathway_sync import pathway_timings
from clinic_desktop.services.reporting.pathway_measures import Measure, pathway_measures
from clinic_desktop.services.worklists.worklists import (
    KIND_TITLES,
    UNASSIGNED_CLINICIAN,
    OverdueRow,
    Page,
    _patients_of_episodes,
    check_paging,
    clinician_names,
    overdue_clinician,
)

__all__ = ["AGE_BANDS", "DEFINITIONS", "KIND_ORDER", "AgeBand", "Count", "Dashboard", "OverdueFigures", "OverdueFilter",
           "clinician_id_for", "dashboard", "describe_filter", "open_appointment", "open_referral", "overdue_list",
           "read_dashboard", "read_overdue_page"]


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: str
    fewest_days: int
    most_days: int | None  # None: no upper limit


AGE_BANDS = (
    AgeBand("1-7", "1–7 days", 1, 7),
    AgeBand("8-14", "8–14 days", 8, 14),
    AgeBand("15-28", "15–28 days", 15, 28),
    AgeBand("over-28", "over 28 days", 29, None),
)
_BANDS = {band.key: band for band in AGE_BANDS}

# The order kinds are listed in: the pathway's reviews, then referrals, urgent first.
KIND_ORDER = ("two_week_review", "medication_review", "twelve_week_review", "follow_up", "urgent_red_flag",
              "early_radicular", "standard_physiotherapy", "biopsychosocial", "pain_spinal_centre",
              "spinal_surgical")

DEFINITIONS = {
    "overdue": "Overdue: a review not yet attended (to book, or booked) or a referral not yet sent, whose "
               "due-by date is before today. Days overdue count from the due-by date.",
    "clinician": "By clinician: the clinician who recorded the first contact of the patient's episode.",
}


@dataclass(frozen=True)
class Count:
    """One figure on the dashboard and the filter that lists what it counts."""

    key: str  # the kind, the band's key or the clinician's user id as text
    label: str
    count: int


@dataclass(frozen=True)
class OverdueFigures:
    as_of: date
    total: int
    urgent: int  # overdue urgent red-flag referrals
    by_kind: tuple[Count, ...]  # every kind, zeros included, in KIND_ORDER
    by_band: tuple[Count, ...]  # every band, zeros included
    by_clinician: tuple[Count, ...]  # clinicians with any, most first


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    clinic_name: str
    overdue: OverdueFigures
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class OverdueFilter:
    """Which overdue items a list shows; every part optional (None = all)."""

    kind: str | None = None
    band: str | None = None
    clinician_id: int | None = None

    def check(self) -> None:
        if self.kind is not None and self.kind not in KIND_TITLES:
            raise ValidationError(f"There is no kind of appointment or referral called {self.kind!r}.", field="kind")
        if self.band is not None and self.band not in _BANDS:
            raise ValidationError(f"There is no overdue band {self.band!r}; use one of "
                                  f"{', '.join(_BANDS)}.", field="band")
        if self.clinician_id is not None and (isinstance(self.clinician_id, bool)
                                              or not isinstance(self.clinician_id, int)):
            raise ValidationError("A clinician is chosen by their user number.", field="clinician_id")


@service("view_reports", changes=False)
def dashboard(actor, *, as_of: date | None = None) -> Dashboard:
    """Everything the dashboard shows, read in one transaction so the figures agree."""
    settings = load_settings()
    return read_dashboard(as_of or clock.today(settings.zone), settings)


@service("view_reports", changes=False)
def overdue_list(actor, *, as_of: date | None = None, kind: str | None = None, band: str | None = None,
                 clinician_id: int | None = None, offset: int = 0, limit: int = 50) -> Page[OverdueRow]:
    """The overdue items behind one dashboard figure, in the overdue list's order, paged."""
    check_paging(offset, limit)
    chosen = OverdueFilter(kind, band, clinician_id)
    chosen.check()
    return read_overdue_page(as_of or clock.today(load_settings().zone), chosen, offset, limit)


def read_dashboard(today: date, settings: ClinicSettings) -> Dashboard:
    """The dashboard as of ``today``; call inside a service (it checks no permission)."""
    return Dashboard(
        as_of=today,
        clinic_name=settings.name,
        overdue=_overdue_figures(today),
        measures=pathway_measures(today, settings.zone, settings.calendar(), pathway_timings()),
    )


def read_overdue_page(today: date, chosen: OverdueFilter, offset: int, limit: int) -> Page[OverdueRow]:
    """One page of the overdue items ``chosen`` picks; call inside a service.

    Each side is cut to its first offset + limit rows in list order before the two are
    merged (as worklists.overdue_page does), so a page costs the same however long the list.
    """
    appointments, referrals = _filtered_sides(today, chosen)
    total = sum(side.select(fn.COUNT(SQL("*"))).scalar() for side in (appointments, referrals))
    wanted = offset + limit
    first_appointments = appointments.select(*_ITEM_COLUMNS[Appointment]).order_by(
        Appointment.due_by, Appointment.id).limit(wanted).alias("first_appointment")
    first_referrals = referrals.select(*_ITEM_COLUMNS[Referral]).order_by(
        Referral.urgent.desc(), Referral.due_by, Referral.id).limit(wanted).alias("first_referral")
    items = (Select([first_appointments], [first_appointments.c[name] for name in _ITEM])
             .union_all(Select([first_referrals], [first_referrals.c[name] for name in _ITEM]))
             .alias("item"))
    page = list(Select([items], [items.c[name] for name in _ITEM])
                .order_by(items.c.urgent.desc(), items.c.due_by, items.c.item_type, items.c.item_id)
                .offset(offset).limit(limit).bind(database_proxy).dicts())
    patients = _patients_of_episodes({item["episode_id"] for item in page})
    names = clinician_names({item["clinician_id"] for item in page})
    rows = tuple(_overdue_row(item, patients[item["episode_id"]], names, today) for item in page)
    return Page(rows=rows, total=total, offset=offset, limit=limit)


def describe_filter(chosen: OverdueFilter, clinician_name: str | None = None) -> str:
    """"2-week review · 8–14 days overdue · Dr Alys Jones", or "All overdue"."""
    parts = []
    if chosen.kind:
        parts.append(KIND_TITLES[chosen.kind])
    if chosen.band:
        parts.append(f"{_BANDS[chosen.band].label} overdue")
    if chosen.clinician_id is not None:
        parts.append(clinician_name or f"clinician {chosen.clinician_id}")
    return " · ".join(parts) or "All overdue"


# --- the figures ---


def _overdue_figures(today: date) -> OverdueFigures:
    """Overdue items counted by kind and band from the partial indexes alone, then by the
    episode's clinician (the one count that has to read the rows and their episodes)."""
    kinds: dict[str, int] = dict.fromkeys(KIND_ORDER, 0)
    bands: dict[str, int] = dict.fromkeys(_BANDS, 0)
    clinicians: dict[int, int] = {}
    total = urgent = 0
    for model, is_open in ((Appointment, open_appointment()), (Referral, open_referral())):
        overdue = is_open & (model.due_by < today)
        band = Case(None, [(model.due_by >= today - timedelta(days=item.most_days), item.key)
                           for item in AGE_BANDS if item.most_days is not None], AGE_BANDS[-1].key)
        is_urgent = Value(False) if model is Appointment else model.urgent
        grouped = model.select(model.kind, band, is_urgent, fn.COUNT(SQL("*"))).where(overdue).group_by(
            SQL("1, 2, 3"))
        for kind, band_key, urgent_item, count in database_proxy.execute(grouped).fetchall():
            kinds[kind] = kinds.get(kind, 0) + count
            bands[band_key] += count
            total += count
            urgent += count if urgent_item else 0
        by_clinician = (model.select(Episode.clinician, fn.COUNT(SQL("*")))
                        .join(Episode, on=(model.episode == Episode.id)).where(overdue).group_by(Episode.clinician))
        for clinician_id, count in database_proxy.execute(by_clinician).fetchall():
            clinicians[clinician_id] = clinicians.get(clinician_id, 0) + count
    names = dict(User.select(User.id, User.full_name).where(User.id.in_(sorted(clinicians))).tuples()) \
        if clinicians else {}
    return OverdueFigures(
        as_of=today,
        total=total,
        urgent=urgent,
        by_kind=tuple(Count(kind, KIND_TITLES[kind], count) for kind, count in kinds.items()),
        by_band=tuple(Count(key, _BANDS[key].label, count) for key, count in bands.items()),
        by_clinician=tuple(Count(str(clinician_id), names.get(clinician_id, f"user {clinician_id}"), count)
                           for clinician_id, count in sorted(clinicians.items(),
                                                             key=lambda item: (-item[1], names.get(item[0], "")))),
    )


# --- the list behind a figure ---

_ITEM = ("item_type", "item_id", "kind", "due_by", "urgent", "status", "episode_id", "clinician_id")
_ITEM_COLUMNS = {
    Appointment: (Value("appointment").alias("item_type"), Appointment.id.alias("item_id"), Appointment.kind,
                  Appointment.due_by, Value(False).alias("urgent"), Appointment.status,
                  Appointment.episode.alias("episode_id"), overdue_clinician(Appointment).alias("clinician_id")),
    Referral: (Value("referral").alias("item_type"), Referral.id.alias("item_id"), Referral.kind,
               Referral.due_by, Referral.urgent, Referral.status, Referral.episode.alias("episode_id"),
               overdue_clinician(Referral).alias("clinician_id")),
}


def _filtered_sides(today: date, chosen: OverdueFilter):
    """The appointment and referral queries of the overdue items ``chosen`` picks (no columns yet)."""
    sides = []
    for model, is_open in ((Appointment, open_appointment()), (Referral, open_referral())):
        where = is_open & (model.due_by < today)
        if chosen.band is not None:
            band = _BANDS[chosen.band]
            where &= model.due_by <= today - timedelta(days=band.fewest_days)
            if band.most_days is not None:
                where &= model.due_by >= today - timedelta(days=band.most_days)
        if chosen.kind is not None:
            where &= model.kind == chosen.kind
        query = model.select()
        if chosen.clinician_id is not None:
            query = query.join(Episode, on=(model.episode == Episode.id))
            where &= Episode.clinician == chosen.clinician_id
        sides.append(query.where(where))
    return sides


def open_appointment():
    """The literal statuses of the partial index (worklists.py says why a bound list would miss it)."""
    return Appointment.status.in_(SQL(f"({open_statuses_sql})"))


def open_referral():
    return Referral.status.in_(SQL(f"({open_referral_sql})"))


def _overdue_row(item: dict, patient: dict, names: dict[int, str], today: date) -> OverdueRow:
    due_by = item["due_by"] if isinstance(item["due_by"], date) else date.fromisoformat(item["due_by"])
    return OverdueRow(**patient, item_type=item["item_type"], item_id=item["item_id"], kind=item["kind"],
                      kind_title=KIND_TITLES[item["kind"]], due_by=due_by, days_overdue=(today - due_by).days,
                      urgent=bool(item["urgent"]), status=item["status"],
                      clinician_name=names.get(item["clinician_id"], UNASSIGNED_CLINICIAN))


@service("view_reports", changes=False)
def clinician_id_for(actor, username: str) -> int:
    """The user number of the clinician with this user name (a scheduled report names them so)."""
    username = validation.text(username, "clinician", label="clinician's user name")
    user = User.get_or_none((User.username == username.lower()) & (User.role == "clinician"))
    if user is None:
        raise NotFound(f"There is no clinician with the user name {username!r}.")
    return user.id
