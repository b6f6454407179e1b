"""The page "Hồ sơ có thể trùng": the pending pairs side by side with their reasons, filtered by reason and
paginated; editors mark a pair "không trùng" or open the merge, and ask for a new scan of the register."""
from dataclasses import dataclass
from typing import ClassVar

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from diaspora.audit.access import check_browse_ceiling, record_access
from diaspora.contacts import CONTACT_KIND_LABELS
from diaspora.extensions import db
from diaspora.listing import ListQuery, paginate
from diaspora.organisations.models import Membership
from diaspora.people.duplicates import REASONS
from diaspora.people.models import Person
from diaspora.permissions import role_required
from diaspora.reference.countries import country_name
from diaspora.reports import bp
from diaspora.reports.duplicates import service
from diaspora.reports.duplicates.forms import ReviewForm, ScanForm
from diaspora.reports.duplicates.models import PAIR_STATUS_LABELS, DuplicatePair, DuplicateScan

# The reasons a pair of people can have (the others are the distribution channels').
PERSON_REASONS = ("email", "phone", "name_birth_country", "name_city", "name_organisation", "fuzzy_birth_country",
                  "fuzzy_city", "fuzzy_organisation")


@dataclass
class PairQuery(ListQuery):
    """The queue's filters: a reason, and which pairs (pending by default; those marked not duplicate or merged)."""

    reason: str = ""
    status: str = "pending"
    per_page: int = 20

    SORTS: ClassVar[dict] = {}

    @classmethod
    def from_args(cls, args) -> "PairQuery":
        reason, status = args.get("reason") or "", args.get("status") or "pending"
        return cls(reason=reason if reason in PERSON_REASONS else "",
                   status=status if status in PAIR_STATUS_LABELS else "pending", **cls.paging(args))

    def to_args(self) -> dict:
        return self.link_args(reason=self.reason, status=self.status if self.status != "pending" else "")


def _load_details(people: list[Person]) -> None:
    """Contacts and organisations of the people of a page, in two queries."""
    ids = [person.id for person in people]
    if ids:
        db.session.scalars(select(Person).where(Person.id.in_(ids)).options(
            selectinload(Person.contacts),
            selectinload(Person.memberships).selectinload(Membership.organisation))).unique().all()


@bp.get("/reports/duplicates")
@role_required("viewer")
def duplicates():
    query = PairQuery.from_args(request.args)
    check_browse_ceiling()
    page = paginate(service.live_pairs(query.status, query.reason), query, rows=True)
    people = [person for _pair, a, b in page.items for person in (a, b)]
    _load_details(people)
    record_access("list", people_ids=[person.id for person in people], entity_type="duplicate_pairs",
                  filters={**query.to_args(), "page": query.page}, summary=_l("Hồ sơ có thể trùng"))
    return render_template(
        "reports/duplicates.html", query=query, args=query.to_args(), page=page,
        reasons={key: REASONS[key] for key in PERSON_REASONS}, statuses=PAIR_STATUS_LABELS,
        contact_kind_labels=CONTACT_KIND_LABELS, country_name=country_name, scan=service.latest_scan(),
        scanned=service.ever_scanned(), merge_page="people.merge" in current_app.view_functions)


@bp.post("/reports/duplicates/<int:pair_id>/not-duplicate")
@role_required("editor")
def not_duplicate(pair_id):
    """Mark a pair "không trùng": remembered, never proposed again (audited on both records)."""
    pair = db.get_or_404(DuplicatePair, pair_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_("Chưa ghi nhận: %(problem)s", problem=_form_problem(form)), "danger")
    elif service.mark_not_duplicate(pair, current_user._get_current_object()):
        flash(_("Đã ghi nhận: hồ sơ #%(a)d và #%(b)d không phải một người; cặp này sẽ không được đề xuất lại.",
                a=pair.person_a_id, b=pair.person_b_id), "success")
    else:
        flash(_("Cặp hồ sơ này đã được xử lý trước đó."), "info")
    return redirect(url_for(".duplicates", **_back_args(form)))


def _form_problem(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors) or _("hãy thử lại.")


def _back_args(form: ReviewForm) -> dict:
    """The queue's filters and page, as the form posted them (to come back to the same place); none that holds
    a control character."""
    if form.errors:
        return {}
    query = PairQuery.from_args({"reason": form.reason.data, "status": form.status.data, "page": form.page.data})
    return {**query.to_args(), **({"page": query.page} if query.page > 1 else {})}


@bp.post("/reports/duplicates/scan")
@role_required("editor")
def duplicates_scan():
    """Queue a scan of the whole register ("Rà soát lại"); the page follows it."""
    form = ScanForm()
    if not form.validate_on_submit():
        flash(_("Chưa rà soát: %(problem)s", problem=_form_problem(form)), "danger")
        return redirect(url_for(".duplicates"))
    try:
        service.queue_scan(current_user._get_current_object())
    except service.ScanPending:
        flash(_("Đang có một lượt rà soát chờ hoặc đang chạy; hãy chờ lượt đó xong."), "warning")
    else:
        flash(_("Đã bắt đầu rà soát toàn bộ cơ sở dữ liệu; trang sẽ tự cập nhật khi xong."), "success")
    return redirect(url_for(".duplicates"))


@bp.get("/reports/duplicates/scan/<int:scan_id>/state")
@role_required("viewer")
def duplicates_scan_state(scan_id):
    """The scan's status and progress, for the page's script."""
    service.fail_dead_scans()
    scan = db.get_or_404(DuplicateScan, scan_id)
    return jsonify(status=scan.status, progress=scan.progress)
