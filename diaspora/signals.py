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

# sender: an organisation. Each receiver returns (order, title, template, context) for a panel of the
# organisation's page (activities, channels), or None when it has nothing to show.
organisation_panels = _signals.signal("organisation-panels")

# sender: None, ids=[organisation ids]. Each receiver returns the ids among them that its records
# still point to (channels, participants), so an import's undo leaves those organisations in place.
organisations_in_use = _signals.signal("organisations-in-use")


class Panel(NamedTuple):
    """A panel of a record's page, answered by another feature: the page includes `template`, which
    reads `panel.title` and `panel.context`."""

    order: int
    title: str
    template: str
    context: dict


def panels(signal, sender) -> list[Panel]:
    """The panels the receivers of a *_panels signal answer for `sender`, by their order."""
    answers = [Panel(*answer) for _receiver, answer in signal.send(sender) if answer]
    return sorted(answers, key=lambda panel: panel.order)
