"""Where features meet without importing each other: named signals a feature sends and others answer.

A feature lower in the layers sends; the features above connect their receivers when the app is
built (their `register(app)`), so the sender never knows who answers.
"""
from typing import NamedTuple

from blinker import Namespace

_signals = Namespace()

# sender: the renamed organisation. The people register rewrites its members' search text (in the
# same transaction, before the commit).
organisation_renamed = _signals.signal("organisation-renamed")

# sender: a person. Each receiver returns (order, title, template, context) for a panel of the person's
# page (channels, activities), so the person's page needs no import of the features that answer.
person_panels = _signals.signal("person-panels")

# sender: an activity. Each receiver returns (order, title, template, context) for a panel of the activity's page
# (its public registration and check-in), or None when it has nothing to show.
activity_panels = _signals.signal("activity-panels")

# sender: a person. Each receiver returns a DataSection (or None): what its feature holds about the person
# (activities, channels), for the subject access workbook and JSON, so people need no import of it.
person_data = _signals.signal("person-data")

# sender: a person being erased (its row already a tombstone, in the erase's transaction), scrub=people.privacy's
# Scrubber (the person's strings and how to wipe them from a text or a JSON value). Each receiver removes what
# its feature keeps of the person (import rows and uploaded files, export files, notes) and returns
# {what: how many}, which the erase adds up and reports.
person_erased = _signals.signal("person-erased")

# sender: the surviving person of a merge of two records of one person, source=the merged record,
# merge=people.models.PersonMerge (in the merge's transaction, before the commit). Each feature moves its own
# rows of `source` to the survivor and returns {what: [ids moved]} (JSON), which the merge keeps in its
# snapshot; the receivers' keys must not clash.
persons_merged = _signals.signal("persons-merged")

# The same arguments, when an admin undoes the merge: each receiver moves back exactly the rows it moved
# (merge.snapshot["moved"][its keys]) and returns {what: how many}.
merge_undone = _signals.signal("merge-undone")

# sender: None, ids=[person ids] created or changed (a save, an import), committed=whether the writer has
# committed already. Receivers refresh what they derive from those people (the duplicate review queue): in the
# writer's transaction just before it commits, or at once (and commit) when committed=True.
people_changed = _signals.signal("people-changed")

# sender: an organisation. Each receiver returns (order, title, template, context) for a panel of the
# organisation's page (activities, channels), or None when it has nothing to show.
organisation_panels = _signals.signal("organisation-panels")

# sender: None, ids=[organisation ids]. Each receiver returns the ids among them that its records
# still point to (channels, participants), so an import's undo leaves those organisations in place.
organisations_in_use = _signals.signal("organisations-in-use")

# sender: the period of a report (reports.figures.Period: start, end = the data cut-off). Each receiver returns a
# QualityFigure, a list of them or None: a count of the register's data quality its feature keeps, for the
# annual report's table of data quality. The duplicate review queue answers DUPLICATES_PENDING (the pairs of
# probable duplicates waiting for review); until one answers, the report says that line is not reviewed yet.
data_quality_figures = _signals.signal("data-quality-figures")
DUPLICATES_PENDING = "duplicates_pending"


class Panel(NamedTuple):
    """A panel of a record's page, answered by another feature: the page includes `template`, which
    reads `panel.title` and `panel.context`."""

    order: int
    title: str
    template: str
    context: dict


class DataSection(NamedTuple):
    """One part of a person's data for subject access: a sheet of the workbook and a key of the JSON.
    `columns` are (key, header) pairs; each row is a dict by those keys (text, number, date or datetime)."""

    order: int
    key: str
    title: str
    columns: list
    rows: list


def data_sections(sender) -> list[DataSection]:
    """The sections the receivers of person_data answer for a person, by their order."""
    answers = [DataSection(*answer) for _receiver, answer in person_data.send(sender) if answer]
    return sorted(answers, key=lambda section: section.order)


def erased_counts(sender, **kwargs) -> dict:
    """Send person_erased and add up what its receivers removed: {what: how many}."""
    counts: dict = {}
    for _receiver, answer in person_erased.send(sender, **kwargs):
        for key, count in (answer or {}).items():
            counts[key] = counts.get(key, 0) + count
    return counts


def merged_rows(signal, sender, **kwargs) -> dict:
    """Send persons_merged or merge_undone and join what its receivers answered: {what: ids or a count}."""
    rows: dict = {}
    for _receiver, answer in signal.send(sender, **kwargs):
        rows.update(answer or {})
    return rows


class QualityFigure(NamedTuple):
    """A line of the annual report's data quality table: a stable key, its label, a count."""

    key: str
    label: str
    count: int


def quality_figures(sender) -> list[QualityFigure]:
    """The figures the receivers of data_quality_figures answer for a period."""
    figures = []
    for _receiver, answer in data_quality_figures.send(sender):
        answers = answer if isinstance(answer, list) else [answer] if answer else []
        figures += [QualityFigure(*figure) for figure in answers]
    return figures


def panels(signal, sender) -> list[Panel]:
    """The panels the receivers of a *_panels signal answer for `sender`, by their order."""
    answers = [Panel(*answer) for _receiver, answer in signal.send(sender) if answer]
    return sorted(answers, key=lambda panel: panel.order)
