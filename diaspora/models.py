"""Every model, imported in one place so metadata and migrations see all tables."""
from diaspora.api.models import ApiToken  # noqa: F401
from diaspora.audit.models import AuditEvent  # noqa: F401
from diaspora.auth.models import LoginFailure, RecoveryCode, User  # noqa: F401
from diaspora.batches.models import ImportBatch, ImportRow, SavedMapping  # noqa: F401
from diaspora.community.models import EventRegistration, EventSignup, Submission  # noqa: F401
from diaspora.contacts import Contact  # noqa: F401
from diaspora.exports.models import ExportFile  # noqa: F401
from diaspora.mailings.models import Campaign, CampaignMessage  # noqa: F401
from diaspora.organisations.models import (
    Membership,  # noqa: F401
    Organisation,  # noqa: F401
)
from diaspora.outreach.models import (  # noqa: F401
    Activity,
    ActivityParticipant,
    ChannelProduct,
    ChannelStatusChange,
    DistributionChannel,
    Product,
)
from diaspora.people import search  # noqa: F401  (registers the full-text index DDL)
from diaspora.people.models import Person, PersonMerge, PersonOffer  # noqa: F401
from diaspora.reference.models import (  # noqa: F401
    CommunityRole,
    Country,
    CountryAlias,
    Field,
    LegacyCommune,
    OldDistrict,
    Synonym,
    Unit,
)
from diaspora.reports.duplicates.models import DuplicatePair, DuplicateScan  # noqa: F401
from diaspora.reports.models import AnnualReport  # noqa: F401
