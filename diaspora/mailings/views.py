"""The "Thư, thiệp" pages: campaigns (everyone signed in sees the list), composing and previewing a letter to
a filtered list, sending it, following the job, the letters' file, the outbox (editors and admins)."""
from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.listing import page_of, whole_number
from diaspora.locale import current_language
from diaspora.mailings import bp, recipients, service
from diaspora.mailings.forms import CampaignForm
from diaspora.mailings.merge import ACTIVITY_FIELDS, PERSON_FIELDS
from diaspora.mailings.models import KIND_LABELS, MESSAGE_STATUS_LABELS, Campaign, CampaignMessage
from diaspora.people import service as people_service
from diaspora.people.exports import describe_query
from diaspora.permissions import role_required

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MESSAGES_PER_PAGE = 100


def _user():
    return current_user._get_current_object()


@bp.get("/")
@role_required("viewer")
def index():
    """The campaigns, newest first: what was sent, how, to how many, its state."""
    return render_template("mailings/index.html", campaigns=service.recent_campaigns())


def _compose_page(form: CampaignForm, filters: dict, campaign: Campaign | None = None, status: int = 200):
    query = service.people_query(filters)
    return render_template(
        "mailings/compose.html", form=form, campaign=campaign, filters=filters, query=query,
        list_description=describe_query(query),
        selections={channel: recipients.select_for(query, channel) for channel in ("email", "letter")},
        filter_options=people_service.list_filter_options(current_language()), kinds=KIND_LABELS,
        reasons=recipients.REASONS,
        person_fields=PERSON_FIELDS, activity_fields=ACTIVITY_FIELDS), status


@bp.route("/new", methods=["GET", "POST"])
@role_required("editor")
def compose():
    """A new letter to the list the URL's filters find (the people list's arguments); saved as a draft."""
    filters = service.filters_of(request.args)
    kind = request.args.get("kind") if request.args.get("kind") in KIND_LABELS else "greeting"
    form = CampaignForm(data={"kind": kind, **service.suggested(kind)} if request.method == "GET" else None)
    if request.method == "GET" or not form.validate_on_submit():
        return _compose_page(form, filters, status=200 if request.method == "GET" else 422)
    campaign = service.save_draft(form.values, filters, _user())
    return redirect(url_for(".show", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@role_required("editor")
def edit(campaign_id):
    """Change a draft (its list stays the one it was composed for)."""
    campaign = service.get_campaign_or_404(campaign_id)
    if campaign.status != "draft":
        flash(_("Thư đã gửi thì không sửa được."), "warning")
        return redirect(url_for(".show", campaign_id=campaign.id))
    form = CampaignForm(obj=campaign if request.method == "GET" else None)
    if request.method == "GET":
        form.activity_id.data = str(campaign.activity_id or "")
    if request.method == "GET" or not form.validate_on_submit():
        return _compose_page(form, campaign.filters or {}, campaign, 200 if request.method == "GET" else 422)
    service.save_draft(form.values, campaign.filters or {}, _user(), campaign)
    return redirect(url_for(".show", campaign_id=campaign.id))


@bp.get("/<int:campaign_id>")
@role_required("editor")
def show(campaign_id):
    """A draft: whom it reaches, whom it leaves out and why, each letter previewed in turn; a sent campaign:
    its progress, then what became of each message."""
    service.fail_dead_campaigns()
    campaign = service.get_campaign_or_404(campaign_id)
    context = {"campaign": campaign, "smtp": service.smtp_configured(), "reasons": recipients.REASONS,
               "status_labels": MESSAGE_STATUS_LABELS,
               "list_description": describe_query(service.people_query(campaign.filters))}
    if campaign.status == "draft":
        chosen = service.selection(campaign)
        number = whole_number(request.args, "n", 1, maximum=max(chosen.recipients, 1))
        recipient, index, subject, body = service.preview(campaign, number - 1, chosen.recipients, _user())
        context.update(selection=chosen, recipient=recipient, number=index + 1, subject=subject, body=body)
    else:
        statement = select(CampaignMessage).where(CampaignMessage.campaign_id == campaign.id)
        status = request.args.get("status")
        if status in ("queued", "sent", "failed", "outbox", "produced"):
            statement = statement.where(CampaignMessage.status == status)
        messages = page_of(statement.order_by(CampaignMessage.id), whole_number(request.args, "page", 1),
                           MESSAGES_PER_PAGE)
        context.update(counts=service.message_counts(campaign.id), messages=messages,
                       status_filter=status if status in ("queued", "sent", "failed", "outbox", "produced") else None,
                       letters=service.letters_path(campaign) is not None)
    return render_template("mailings/show.html", **context)


@bp.get("/<int:campaign_id>/state")
@role_required("editor")
def state(campaign_id):
    """The campaign's status and progress, for the page's script."""
    service.fail_dead_campaigns()
    campaign = service.get_campaign_or_404(campaign_id)
    return jsonify(status=campaign.status, progress=campaign.progress)


@bp.post("/<int:campaign_id>/send")
@role_required("editor")
def send(campaign_id):
    """Produce the letters or send the e-mails of a draft, as a job."""
    campaign = service.get_campaign_or_404(campaign_id)
    try:
        service.queue_campaign(campaign, _user())
    except service.NotADraft:
        flash(_("Thư này đã được gửi."), "warning")
        return redirect(url_for(".show", campaign_id=campaign.id))
    flash(_("Đã bắt đầu; trang sẽ tự cập nhật khi xong."), "success")
    return redirect(url_for(".show", campaign_id=campaign.id))


@bp.post("/<int:campaign_id>/resend")
@role_required("editor")
def resend(campaign_id):
    """Send the campaign's e-mails still waiting, failed or in the outbox (a mail server configured)."""
    campaign = service.get_campaign_or_404(campaign_id)
    try:
        count = service.queue_resend(campaign, _user())
    except service.NothingToSend as reason:
        flash(str(reason), "warning")
        return redirect(url_for(".show", campaign_id=campaign.id))
    flash(_("Đang gửi %(count)d thư.", count=count), "success")
    return redirect(url_for(".show", campaign_id=campaign.id))


@bp.get("/<int:campaign_id>/letters")
@role_required("editor")
def letters(campaign_id):
    """The letters' file (.docx or .zip); each download is recorded with the people in it."""
    campaign = service.get_campaign_or_404(campaign_id)
    path = service.letters_path(campaign)
    if campaign.status != "done" or path is None:
        abort(404)
    service.record_letters_download(campaign, _user())
    return send_file(path, mimetype=DOCX_MIMETYPE if campaign.letter_format == "docx" else "application/zip",
                     as_attachment=True, download_name=service.letters_download_name(campaign), max_age=0)


@bp.get("/outbox")
@role_required("editor")
def outbox():
    """The e-mails waiting in the outbox (no mail server was configured when they were written)."""
    statement = (select(CampaignMessage).where(CampaignMessage.status == "outbox")
                 .order_by(CampaignMessage.campaign_id.desc(), CampaignMessage.id))
    messages = page_of(statement, whole_number(request.args, "page", 1), MESSAGES_PER_PAGE)
    return render_template("mailings/outbox.html", messages=messages, smtp=service.smtp_configured())


@bp.get("/messages/<int:message_id>")
@role_required("editor")
def message(message_id):
    """One letter or e-mail as it was written; the read is recorded."""
    item = db.get_or_404(CampaignMessage, message_id)
    service.record_message_view(item, _user())
    return render_template("mailings/message.html", message=item)
