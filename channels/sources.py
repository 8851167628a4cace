"""How the sources of a directory entry are named to the public.

Sources are recorded for staff (channels.models.Verified.source, parts separated by
semicolons): seed file names such as `000_c7adf48eedc4de3e.txt`, URLs, or a short
note. Consumers are told what kind of source each is, as a person would say it
("a web article, not confirmed by the platform"), never an internal file name."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# The articles the directory was first built from (../shared/seeds): SEO pages.
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt", re.IGNORECASE)
# Contact lists kept by volunteers (e.g. metowolf/vCards on GitHub).
COMMUNITY_LISTS = ("github.com/metowolf/vcards",)
COMMUNITY_LIST_NOTES = re.compile(r"(a second )?community contact list", re.IGNORECASE)
SEVERAL_SOURCES_NOTES = re.compile(r"(several|many independent) sources", re.IGNORECASE)
OLD_PAGE_COPY_NOTES = re.compile(r"copy of an old .+ (contact page|faq)", re.IGNORECASE)


@dataclass(frozen=True)
class PublicSource:
    label: str
    url: str = ""  # a web address the reader may open; "" for anything else


def host_of(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def describe(part: str, body) -> PublicSource:
    """One recorded source, named for the public. `body` is whose entry it is."""
    if SEED_FILE.fullmatch(part):
        if body is not None and body.kind == body.Kind.PLATFORM:
            return PublicSource(_("a web article, not confirmed by the platform"))
        return PublicSource(_("a web article"))
    if part.lower().startswith(("http://", "https://")):
        host = host_of(part)
        if any(marker in part.lower() for marker in COMMUNITY_LISTS):
            return PublicSource(_("a community contact list"), part)
        if body is not None and body.website and host and host == host_of(body.website):
            return PublicSource(_("%(body)s's own website") % {"body": body.name}, part)
        return PublicSource(_("a web page on %(host)s") % {"host": host or part}, part)
    if COMMUNITY_LIST_NOTES.fullmatch(part):
        return PublicSource(_("a community contact list"))
    if SEVERAL_SOURCES_NOTES.fullmatch(part):
        return PublicSource(_("several independent sources"))
    if OLD_PAGE_COPY_NOTES.fullmatch(part):
        return PublicSource(_("a copy of an old page of the platform's"))
    # Anything else was written by a staff member for readers (e.g. the app screen checked).
    return PublicSource(part)


def public_sources(parts: list[str], body) -> list[PublicSource]:
    """Each source named for the public, without repeating a name."""
    named: dict[str, PublicSource] = {}
    for part in parts:
        source = describe(part, body)
        named.setdefault(source.label, source)
    return list(named.values())


def list_separator() -> str:
    """Between the items of a list in running text: "; " in English, "；" in Chinese
    (full-width, no space: GB/T 15834)."""
    return pgettext("between items of a list", "; ")
