"""`flask duplicates find [--json]`: scan the register (the job's own code, in this process) and list the
pending pairs with their reasons."""
import json

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from diaspora.audit.access import record_access
from diaspora.extensions import db
from diaspora.people.duplicates import REASONS
from diaspora.reports.duplicates import service
from diaspora.reports.duplicates.models import DuplicateScan


@click.group("duplicates")
def duplicates_cli():
    """Hồ sơ có thể trùng."""


@duplicates_cli.command("find")
@click.option("--json", "as_json", is_flag=True, help="In danh sách dạng JSON.")
@with_appcontext
def find_command(as_json):
    """Rà soát toàn bộ cơ sở dữ liệu và liệt kê các cặp hồ sơ có thể trùng, kèm lý do."""
    service.fail_dead_scans()
    if db.session.scalar(db.select(DuplicateScan.id).where(DuplicateScan.status.in_(("queued", "running")))
                         .limit(1)):
        raise click.ClickException(_("Đang có một lượt rà soát chờ hoặc đang chạy; hãy chờ lượt đó xong."))
    scan = DuplicateScan(source="cli")
    db.session.add(scan)
    db.session.commit()
    scan = service.execute_scan(scan.id)
    pairs = db.session.execute(service.live_pairs("pending")).all()
    record_access("list", people_ids=[person.id for _pair, a, b in pairs for person in (a, b)],
                  entity_type="duplicate_pairs", summary=_l("Hồ sơ có thể trùng (dòng lệnh)"))
    if as_json:
        click.echo(json.dumps([
            {"person_a": a.id, "person_b": b.id, "names": [a.full_name, b.full_name], "reasons": list(pair.reasons)}
            for pair, a, b in pairs], ensure_ascii=False))
        return
    for pair, a, b in pairs:
        reasons = ", ".join(str(REASONS.get(key, key)) for key in pair.reasons)
        click.echo(f"#{a.id} {a.full_name} — #{b.id} {b.full_name}: {reasons}")
    click.echo(_("%(count)d cặp hồ sơ có thể trùng chờ rà soát (%(new)d cặp mới).", count=len(pairs),
                 new=scan.pairs_new or 0))
