"""Campaigns: a draft composed and previewed, then produced or sent as a job (letters written into one Word
file or a .zip, e-mails sent through SMTP or kept in the outbox), with its state and progress on its row.

The job lists the recipients when it runs (recipients.py), merges each letter and records it as a
CampaignMessage. Letters: every message and the file are written together, the file first under a temporary
name; a job that fails or whose worker dies leaves neither and says so. E-mails: the messages are recorded
first ("Chờ gửi"), then each is sent and marked sent or failed with the server's answer, committed as it goes;
if the worker dies, the campaign says so and "Gửi lại" sends what is still waiting. Without MAIL_SERVER the
e-mails wait in the outbox until a server is configured and someone sends them.
"""
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from diaspora import jobs, signals
from diaspora.audit.access import record_access
from diaspora.audit.service import diff, record
from diaspora.config import private_file, private_folder
from diaspora.extensions import db
from diaspora.mailings import letters, recipients
from diaspora.mailings.merge import SUGGESTED, check_placeholders, merge, values_for
from diaspora.mailings.models import KIND_LABELS, Campaign, CampaignMessage
from diaspora.outreach.common import today
from diaspora.people.search import PeopleQuery
from diaspora.records import utcnow

CHUNK = 200
SEND_CHUNK = 50  # e-mails sent between two commits (each records its sent ones and a sign of life)
EDITABLE = ("kind", "channel", "letter_format", "language", "subject", "body", "activity_id")
RETRIED = ("queued", "failed", "outbox")


class NotADraft(Exception):
    """The campaign has been sent already (or is being sent): it cannot be changed or sent again."""


class NothingToSend(Exception):
    """No message waits to be sent, or no mail server is configured."""


def mailings_dir() -> Path:
    """Where the letters are written (readable by the app's user only): MAILINGS_DIR, by default the folder
    `letters` beside the exports."""
    folder = current_app.config.get("MAILINGS_DIR")
    if not folder:
        exports = current_app.config.get("EXPORTS_DIR") or Path(current_app.instance_path) / "exports"
        folder = Path(exports) / "letters"
    return private_folder(folder)


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def suggested(kind: str) -> dict:
    """The suggested subject and text of a kind of letter."""
    texts = SUGGESTED.get(kind, SUGGESTED["greeting"])
    return {"subject": str(texts["subject"]), "body": str(texts["body"])}


def people_query(filters: dict | None) -> PeopleQuery:
    """The people list's query of a campaign's filters (never the bin)."""
    query = PeopleQuery.from_args(filters or {})
    query.deleted = False
    return query


def filters_of(args) -> dict:
    """The people list's filters among request arguments, as the campaign keeps them."""
    query = PeopleQuery.from_args(args)
    query.deleted = False
    return {key: value for key, value in query.to_args().items() if key not in ("page", "per_page", "sort")}


def get_campaign_or_404(campaign_id: int) -> Campaign:
    return db.get_or_404(Campaign, campaign_id)


# --- drafts ----------------------------------------------------------------------------------------------------

def save_draft(data: dict, filters: dict, user, campaign: Campaign | None = None) -> Campaign:
    """Create or change a draft from the form's values (checked: no unknown placeholder); audited."""
    with_activity = bool(data.get("activity_id"))
    check_placeholders(data["subject"], with_activity)
    check_placeholders(data["body"], with_activity)
    values = {key: data.get(key) for key in EDITABLE} | {"filters": filters}
    if campaign is None:
        campaign = Campaign(user_id=user.id, **values)
        db.session.add(campaign)
        db.session.flush()
        record("create", campaign, user=user, summary=_("Soạn %(kind)s “%(subject)s”", kind=campaign.kind_label,
                                                              subject=campaign.subject))
    else:
        if campaign.status != "draft":
            raise NotADraft
        before = {key: getattr(campaign, key) for key in values}
        for key, value in values.items():
            setattr(campaign, key, value)
        changes = diff(before, values)
        if changes:
            record("update", campaign, user=user, changes=changes)
    db.session.commit()
    return campaign


def selection(campaign: Campaign) -> recipients.Selection:
    return recipients.select_for(people_query(campaign.filters), campaign.channel)


def merged(campaign: Campaign, recipient) -> tuple[str, str]:
    """The subject and text of the campaign's letter to a recipient."""
    values = values_for(recipient, campaign.activity, campaign.language, letter_date(campaign))
    return merge(campaign.subject, values), merge(campaign.body, values)


def letter_date(campaign: Campaign):
    """The date a campaign's letters bear: the office's day it was sent (today for a draft)."""
    return to_user_timezone(campaign.queued_at).date() if campaign.queued_at else today()


def preview(campaign: Campaign, index: int, total: int, user):
    """The recipient at a position of the list and their letter (subject, text); the read is recorded."""
    recipient, index = recipients.recipient_at(people_query(campaign.filters), campaign.channel, index, total)
    if recipient is None:
        return None, index, None, None
    subject, body = merged(campaign, recipient)
    record_access("view", people_ids=[recipient.id], entity_type="campaigns", entity_id=campaign.id, user=user,
                  summary=_("Xem trước thư gửi %(name)s", name=recipient.full_name))
    return recipient, index, subject, body


# --- producing and sending -------------------------------------------------------------------------------------

def queue_campaign(campaign: Campaign, user) -> Campaign:
    """Hand a draft to the job queue; the exclusions counted now are kept with it; audited."""
    if campaign.status != "draft":
        raise NotADraft
    chosen = selection(campaign)
    campaign.status, campaign.queued_at, campaign.excluded = "queued", utcnow(), chosen.excluded
    campaign.total = chosen.recipients
    left = "; ".join(f"{label}: {count}" for label, count in chosen.described())
    record("send", campaign, user=user, changes={"recipients": chosen.recipients, "excluded": chosen.excluded},
           summary=_("Gửi %(kind)s (%(channel)s) cho %(count)d người", kind=campaign.kind_label,
                     channel=campaign.channel_label, count=chosen.recipients) + (f" ({left})" if left else ""))
    db.session.commit()
    run_campaign(campaign.id)
    return campaign


def _progress(campaign_id: int, share: float) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    campaign.progress, campaign.heartbeat_at = int(share * 100), utcnow()
    db.session.commit()


def _build_messages(campaign: Campaign, ids: list[int], status: str) -> list[tuple[CampaignMessage, object]]:
    """The merged message of each recipient (not yet added to the session), with the recipient."""
    built = []
    for start in range(0, len(ids), CHUNK):
        for recipient in recipients.load_recipients(ids[start:start + CHUNK]):
            subject, body = merged(campaign, recipient)
            built.append((CampaignMessage(campaign_id=campaign.id, person_id=recipient.id, email=recipient.email,
                                          subject=subject[:300], body=body, status=status,
                                          sent_at=utcnow() if status == "produced" else None), recipient))
    return built


@jobs.job
def run_campaign(campaign_id: int) -> None:
    """Produce the letters or send the e-mails of a queued campaign (the job a worker runs)."""
    campaign = jobs.claim(Campaign, campaign_id, progress=2)
    if campaign is None:
        return
    # A letters' file is written under a temporary name and renamed once whole; a failure leaves neither.
    target = mailings_dir() / f"{campaign.id}.{campaign.letter_format}" if campaign.channel == "letter" else None
    try:
        ids = recipients.recipient_ids(people_query(campaign.filters), campaign.channel)
        campaign.total = len(ids)
        if campaign.channel == "letter":
            _produce_letters(campaign, ids, target)
        else:
            _record_emails(campaign, ids)
            if smtp_configured():
                send_waiting(campaign_id)
    except Exception as failure:
        db.session.rollback()
        if target is not None:
            target.with_name(target.name + ".part").unlink(missing_ok=True)
            target.unlink(missing_ok=True)
        _fail(campaign_id, str(failure))
        current_app.logger.exception("campaign %s failed", campaign_id)
        return
    _finish(campaign_id)


def _fail(campaign_id: int, message: str) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    campaign.status, campaign.finished_at, campaign.message = "failed", utcnow(), message[:2000]
    db.session.commit()


def _finish(campaign_id: int) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign.status == "running":
        campaign.status, campaign.finished_at, campaign.progress = "done", utcnow(), 100
        db.session.commit()


def _produce_letters(campaign: Campaign, ids: list[int], target: Path) -> None:
    """Write the letters' file and record its messages, all in one transaction."""
    built = _build_messages(campaign, ids, "produced")
    _progress(campaign.id, 0.3)
    campaign = db.session.get(Campaign, campaign.id)
    part = target.with_name(target.name + ".part")
    on = letter_date(campaign)
    with private_file(part) as out:
        if campaign.letter_format == "zip":
            letters.write_letters_zip(((f"{number:04d}-{message.person_id}.docx", message.body, recipient.address)
                                       for number, (message, recipient) in enumerate(built, start=1)),
                                      campaign.kind, on, out)
        else:
            letters.write_letters(((message.body, recipient.address) for message, recipient in built),
                                  campaign.kind, on, out)
    messages = [message for message, _recipient in built]
    db.session.add_all(messages)
    campaign.file_name, campaign.heartbeat_at, campaign.progress = target.name, utcnow(), 95
    part.replace(target)
    record_access("export", people_ids=ids, entity_type="campaigns", entity_id=campaign.id,
                  user=campaign.user, details={"channel": "letter", "format": campaign.letter_format},
                  summary=_("In %(count)d %(kind)s (đợt #%(id)d)", count=len(ids), kind=campaign.kind_label.lower(),
                            id=campaign.id))


def _record_emails(campaign: Campaign, ids: list[int]) -> None:
    """Record the e-mails, waiting to be sent or, without a mail server, in the outbox."""
    status = "queued" if smtp_configured() else "outbox"
    db.session.add_all(message for message, _recipient in _build_messages(campaign, ids, status))
    campaign.progress, campaign.heartbeat_at = 10, utcnow()
    db.session.commit()


# --- e-mail ----------------------------------------------------------------------------------------------------

def _connect() -> smtplib.SMTP:
    config = current_app.config
    connection = smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25),
                              timeout=int(config.get("MAIL_TIMEOUT_SECONDS") or 30))
    if config.get("MAIL_USE_TLS"):
        connection.starttls()
    if config.get("MAIL_USERNAME"):
        connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return connection


def _email(message: CampaignMessage) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    # MAIL_FROM may be a bare address or "Name <address>" (its name, in any script, is then the sender's).
    name, address = parseaddr(config.get("MAIL_FROM") or config.get("MAIL_USERNAME") or "no-reply@localhost")
    address = address or "no-reply@localhost"
    email["From"] = formataddr((name or _("Sở Ngoại vụ thành phố Hải Phòng"), address))
    email["To"] = message.email
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
    email["Date"] = formatdate(localtime=True)  # required by RFC 5322; spam filters mark a message without it
    email.set_content(message.body)
    return email


def _refusal(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"
                         for address, (code, reason) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {text}"
    return str(error) or type(error).__name__


def _send(connection: smtplib.SMTP, message: CampaignMessage) -> smtplib.SMTP:
    """Send one message; a connection the server closed is opened again once. The connection to go on with."""
    try:
        connection.send_message(_email(message))
    except smtplib.SMTPServerDisconnected:
        connection = _connect()
        connection.send_message(_email(message))
    return connection


def send_waiting(campaign_id: int) -> dict:
    """Send the campaign's e-mails that wait (queued, failed, in the outbox) through the mail server, each
    marked sent or failed with the server's answer and committed as it goes; the sent ones are recorded as an
    export of their people. {status: count} of what was tried."""
    ids = list(db.session.scalars(select(CampaignMessage.id).where(
        CampaignMessage.campaign_id == campaign_id, CampaignMessage.status.in_(RETRIED))
        .order_by(CampaignMessage.id)))
    counts = {"sent": 0, "failed": 0}
    if not ids:
        return counts
    sent_people: list[int] = []
    try:
        connection = _connect()
    except (OSError, smtplib.SMTPException) as error:
        reason = _("Không kết nối được máy chủ thư: %(error)s", error=_refusal(error))
        db.session.execute(update(CampaignMessage).where(CampaignMessage.id.in_(ids)).values(status="failed",
                                                                                            error=reason[:2000]))
        db.session.commit()
        return {"sent": 0, "failed": len(ids)}
    done = 0
    try:
        for start in range(0, len(ids), SEND_CHUNK):
            chunk = db.session.scalars(select(CampaignMessage).where(
                CampaignMessage.id.in_(ids[start:start + SEND_CHUNK])).order_by(CampaignMessage.id)).all()
            for message in chunk:
                try:
                    connection = _send(connection, message)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
                        smtplib.SMTPNotSupportedError, smtplib.SMTPResponseException, ValueError) as error:
                    message.status, message.error = "failed", _refusal(error)[:2000]
                    counts["failed"] += 1
                else:
                    message.status, message.error, message.sent_at = "sent", None, utcnow()
                    counts["sent"] += 1
                    sent_people.append(message.person_id)
            done += len(chunk)
            campaign = db.session.get(Campaign, campaign_id)
            campaign.progress, campaign.heartbeat_at = 10 + int(90 * done / len(ids)), utcnow()
            db.session.commit()  # what was sent is recorded as it goes
    finally:
        db.session.commit()
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            pass
    if sent_people:
        campaign = db.session.get(Campaign, campaign_id)
        record_access("export", people_ids=sent_people, entity_type="campaigns", entity_id=campaign_id,
                      user=campaign.user, details={"channel": "email", "sent": counts["sent"],
                                                   "failed": counts["failed"]},
                      summary=_("Gửi %(count)d thư điện tử (%(kind)s, đợt #%(id)d)", count=counts["sent"],
                                kind=campaign.kind_label.lower(), id=campaign_id))
    return counts


def queue_resend(campaign: Campaign, user) -> int:
    """Send again, as a job, the campaign's e-mails still waiting, failed or in the outbox; audited. The number
    queued; NothingToSend without a mail server or a message to send."""
    if not smtp_configured():
        raise NothingToSend(_("Chưa cấu hình máy chủ thư (MAIL_SERVER); thư vẫn nằm trong hộp thư đi."))
    if campaign.channel != "email" or campaign.is_pending:
        raise NothingToSend(_("Không có thư nào chờ gửi."))
    waiting = db.session.scalar(select(func.count()).select_from(CampaignMessage).where(
        CampaignMessage.campaign_id == campaign.id, CampaignMessage.status.in_(RETRIED)))
    if not waiting:
        raise NothingToSend(_("Không có thư nào chờ gửi."))
    campaign.status, campaign.progress, campaign.message = "queued", 10, None
    record("send", campaign, user=user, summary=_("Gửi lại %(count)d thư điện tử", count=waiting))
    db.session.commit()
    resend_campaign(campaign.id)
    return waiting


@jobs.job
def resend_campaign(campaign_id: int) -> None:
    """Send the waiting e-mails of a campaign (the job a worker runs)."""
    if jobs.claim(Campaign, campaign_id) is None:
        return
    try:
        send_waiting(campaign_id)
    except Exception as failure:
        db.session.rollback()
        _fail(campaign_id, str(failure))
        current_app.logger.exception("campaign %s failed while sending", campaign_id)
        return
    _finish(campaign_id)


def fail_dead_campaigns(now=None) -> int:
    """Fail the campaigns whose worker is gone (see jobs.dead_jobs): a letters' file was not written; e-mails
    not yet sent wait for "Gửi lại"."""
    def message(campaign):
        if campaign.channel == "letter":
            return _("Tiến trình xử lý dừng giữa chừng; không có thư nào được in. Hãy gửi lại.")
        return _("Tiến trình gửi dừng giữa chừng; các thư chưa gửi vẫn chờ, hãy bấm “Gửi lại”.")

    def remove_part(campaign):
        if campaign.channel == "letter":
            (mailings_dir() / f"{campaign.id}.{campaign.letter_format}.part").unlink(missing_ok=True)

    return jobs.fail_dead(Campaign, message, remove_part, now)


# --- reading ---------------------------------------------------------------------------------------------------

def message_counts(campaign_id: int) -> dict:
    """{status: count} of a campaign's messages."""
    return dict(db.session.execute(select(CampaignMessage.status, func.count()).where(
        CampaignMessage.campaign_id == campaign_id).group_by(CampaignMessage.status)).all())


def letters_path(campaign: Campaign) -> Path | None:
    """The letters' file of a campaign, when written."""
    if not campaign.file_name:
        return None
    path = mailings_dir() / campaign.file_name
    return path if path.is_file() else None


def letters_download_name(campaign: Campaign) -> str:
    stamp = (campaign.queued_at or campaign.created_at).strftime("%Y%m%d")
    slug = {"greeting": "thu-chuc-tet", "invitation": "thu-moi", "thanks": "thu-cam-on"}.get(campaign.kind, "thu")
    return f"{slug}-{campaign.id}-{stamp}.{campaign.letter_format}"


def record_letters_download(campaign: Campaign, user) -> None:
    """The access event of a download of the letters (with the people in them; committed)."""
    people = list(db.session.scalars(select(CampaignMessage.person_id).where(
        CampaignMessage.campaign_id == campaign.id)))
    record_access("download", people_ids=people, entity_type="campaigns", entity_id=campaign.id, user=user,
                  summary=_("Tải %(file)s", file=letters_download_name(campaign)))


def recent_campaigns(limit: int = 50) -> list[Campaign]:
    fail_dead_campaigns()
    return list(db.session.scalars(select(Campaign).order_by(Campaign.id.desc()).limit(limit)))


# --- the person's page, subject access, erase --------------------------------------------------------------------

def messages_of_person(person_id: int) -> list[CampaignMessage]:
    return list(db.session.scalars(select(CampaignMessage).where(CampaignMessage.person_id == person_id)
                                   .order_by(CampaignMessage.id.desc())))


@signals.person_panels.connect
def person_campaigns_panel(person):
    """The letters and e-mails the person got (the person's timeline of campaigns)."""
    messages = messages_of_person(person.id)
    if not messages:
        return None
    return (30, _l("Thư, thiệp đã gửi"), "mailings/_person_panel.html", {"messages": messages})


@signals.person_data.connect
def person_campaigns_data(person):
    """Subject access: every letter and e-mail the person was sent, with its text."""
    messages = messages_of_person(person.id)
    with force_locale("vi"):
        return (60, "mailings", _l("Thư, thiệp đã gửi"),
                [("date", _l("Ngày")), ("kind", _l("Loại thư")), ("channel", _l("Hình thức")),
                 ("email", _l("Email")), ("status", _l("Trạng thái")), ("subject", _l("Tiêu đề")),
                 ("body", _l("Nội dung"))],
                [{"date": message.sent_at or message.campaign.queued_at, "kind": str(KIND_LABELS.get(
                    message.campaign.kind, message.campaign.kind)), "channel": message.campaign.channel_label,
                  "email": message.email, "status": message.status_label, "subject": message.subject,
                  "body": message.body} for message in messages])


@signals.person_erased.connect
def forget_campaign_messages(person, **_) -> dict:
    """An erased person's letters and e-mails go, with the letters' files that hold theirs (the campaign's row
    and its counts stay)."""
    campaign_ids = list(db.session.scalars(select(CampaignMessage.campaign_id).where(
        CampaignMessage.person_id == person.id).distinct()))
    removed = db.session.execute(delete(CampaignMessage).where(CampaignMessage.person_id == person.id)).rowcount
    files = 0
    for campaign in db.session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids),
                                                              Campaign.file_name.is_not(None))):
        path = mailings_dir() / campaign.file_name
        files += path.is_file()
        path.unlink(missing_ok=True)
        campaign.file_name = None
    counts = {"erased_mailing_messages": removed} if removed else {}
    if files:
        counts["erased_files"] = files
    return counts


def record_message_view(message: CampaignMessage, user) -> None:
    """The access event of a look at one message (committed)."""
    record_access("view", people_ids=[message.person_id], entity_type="campaigns", entity_id=message.campaign_id,
                  user=user, summary=_("Xem thư gửi %(name)s", name=message.person.full_name))
