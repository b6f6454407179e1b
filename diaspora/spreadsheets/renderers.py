"""Renderers: a record back to cell text that the cleaners read again (export, templates, round trips)."""
from typing import Callable

from diaspora.spreadsheets.cleaners import cell_text
from diaspora.text import clean_paragraphs


def render_attribute(key: str, paragraphs: bool = False) -> Callable:
    """A renderer showing one attribute as text (with its line breaks when `paragraphs`)."""

    def render(person) -> str:
        value = getattr(person, key)
        return (clean_paragraphs(value) if paragraphs and isinstance(value, str) else cell_text(value)) or ""

    return render


def render_label(key: str, labels: dict) -> Callable:
    """A renderer showing a coded attribute by its label (Nam, Nữ…), which the cleaner reads back."""

    def render(person) -> str:
        code = getattr(person, key)
        return str(labels[code]) if code in labels else ""

    return render


def render_birth(person) -> str:
    if person.birth_date:
        return person.birth_date.strftime("%d/%m/%Y")
    return str(person.birth_year) if person.birth_year else ""


def render_country(person) -> str:
    return person.country.name_vi if person.country is not None else (person.country_code or "")


def render_hometown(person) -> str:
    if person.hometown_text:
        return person.hometown_text
    return person.hometown_unit.full_name if person.hometown_unit is not None else ""


def render_names(relation: str) -> Callable:
    """A renderer joining the Vietnamese names of a taxonomy relation with "; "."""

    def render(person) -> str:
        return "; ".join(item.name_vi for item in getattr(person, relation))

    return render


def render_organisations(person) -> str:
    return "; ".join(m.organisation.name for m in person.memberships if m.organisation is not None)


def render_contacts(*kinds: str, labelled: bool = False) -> Callable:
    """A renderer joining a person's contacts of the given kinds with "; " (normalised form).

    An unverified phone is followed by "(chưa xác minh)": the phone cleaner drops a bracketed note
    without digits, so the export imports back unchanged (the number is still unverified then)."""

    def render(person) -> str:
        values = []
        for contact in person.contacts:
            if contact.kind in kinds:
                shown = contact.normalized if contact.kind in ("phone", "email") else contact.value
                if contact.kind == "phone" and getattr(contact, "verified", True) is False:
                    shown = f"{shown} ({UNVERIFIED_MARK})"
                values.append(f"{_OTHER_LABELS[contact.kind]}: {shown}" if labelled else shown)
        return "; ".join(values)

    return render


UNVERIFIED_MARK = "chưa xác minh"  # the file's language (Vietnamese), as its headers
_OTHER_LABELS = {"wechat": "WeChat", "line": "LINE", "kakaotalk": "KakaoTalk", "whatsapp": "WhatsApp",
                 "website": "Web", "address": "Địa chỉ"}


def render_channel_organisation(channel) -> str:
    return channel.organisation.name if channel.organisation is not None else ""


def render_products(status: str) -> Callable:
    """A renderer joining the names of a channel's products with the given status."""

    def render(channel) -> str:
        return "; ".join(link.product.name for link in channel.products if link.status == status)

    return render


def render_offers(labels: dict) -> Callable:
    """A renderer joining the labels of a person's contribution offers with "; "."""

    def render(person) -> str:
        return "; ".join(str(labels[offer.kind]) for offer in person.offers if offer.kind in labels)

    return render
