import datetime as dt
import importlib
import os
import shutil
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import profile_for
from actions.filing import file_complaint
from complaints import evidence_pipeline
from platforms.models import Platform

from .imagegen import image_bytes

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


# The tiers (`make test-fast` runs `-m unit`; `make test` and CI run all three). A test is
# `browser` when it is marked so, `integration` when it starts a process or a real service
# (marked `services`, or its body, its fixtures or the test helpers they call name one of
# PROCESS_STARTERS), and `unit` otherwise. Classified from the code, so a new test that
# starts a worker is never mistaken for a quick one.
PROCESS_STARTERS = frozenset(
    {"subprocess", "Popen", "Worker", "redis_server", "smtp_server", "s3_server", "live_server", "run_django"}
)
PROCESS_FIXTURES = frozenset({"live_server", "page", "browser", "context"})


def _names_used(function, seen: set) -> set[str]:
    """The global names `function` refers to, and those of the test helpers it calls."""
    code = getattr(function, "__code__", None)
    if code is None or code in seen:
        return set()
    seen.add(code)
    names: set[str] = set()
    stack = [code]
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(const for const in current.co_consts if hasattr(const, "co_names"))
    module_globals = getattr(function, "__globals__", {})
    for name in list(names):
        helper = module_globals.get(name)
        if callable(helper) and (getattr(helper, "__module__", None) or "").startswith("tests"):
            names |= _names_used(helper, seen)
    return names


def _starts_processes(item) -> bool:
    if item.get_closest_marker("services") or PROCESS_FIXTURES & set(item.fixturenames):
        return True
    seen: set = set()
    functions = [item.function] + [
        definition.func
        for definitions in item._fixtureinfo.name2fixturedefs.values()
        for definition in definitions
        if (getattr(definition.func, "__module__", None) or "").startswith("tests")
    ]
    return any(PROCESS_STARTERS & _names_used(function, seen) for function in functions)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by these marks
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("browser"):
            continue
        item.add_marker(pytest.mark.integration if _starts_processes(item) else pytest.mark.unit)


def frozen_moment(value) -> dt.datetime:
    """A marker's moment: a datetime, or an ISO string read as Beijing time when it has no offset."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """`@pytest.mark.frozen_at("2026-11-22 12:00")` stops the clock there for the whole
    test, fixtures included: autouse fixtures run before the fixtures a test asks for,
    so its data is built inside the frozen time, not at today's date. A decorator such
    as `@time_machine.travel` would freeze only the test body, after its fixtures ran."""
    marker = request.node.get_closest_marker("frozen_at")
    if marker is None:
        yield None
        return
    with time_machine.travel(frozen_moment(marker.args[0]), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def only_the_actions_layer_writes_complaints():
    """Every write to a complaint, its clocks, filings or timeline must come from the
    actions layer (tests/writers.py): a write from anywhere else fails the test."""
    from django.db import connections

    from .writers import only_actions_write

    wrappers = [connection.execute_wrapper(only_actions_write) for connection in connections.all()]
    for wrapper in wrappers:
        wrapper.__enter__()
    yield
    for wrapper in reversed(wrappers):
        wrapper.__exit__(None, None, None)


def require_service(available: bool, reason: str) -> None:
    """Skip a test whose real service is missing, or fail it when CI demands services."""
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def require_postgresql_and_redis(why: str = "a worker process shares the test database") -> None:
    """For tests that start real processes (workers, webs, redis-server): they share the
    test database, which only PostgreSQL lets other processes see."""
    from django.db import connection

    require_service(connection.vendor == "postgresql", f"{why}: needs PostgreSQL")
    require_service(bool(shutil.which("redis-server")), "needs redis-server on PATH")


def _user(django_user_model, email, *, staff=False, phone="+8613912345678"):
    user = django_user_model.objects.create_user(username=email, email=email, password="pw-Secret-2026", is_staff=staff)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    profile = profile_for(user)
    profile.display_name = email.split("@")[0]
    profile.phone = phone
    profile.save()
    return user


@pytest.fixture
def consumer(django_user_model):
    return _user(django_user_model, "owner@example.com")


@pytest.fixture
def other_consumer(django_user_model):
    return _user(django_user_model, "stranger@example.com", phone="+8613700001111")


@pytest.fixture
def staff_user(django_user_model):
    return _user(django_user_model, "agent@example.com", staff=True, phone="")


def platform(slug):
    """The platform the data migration loads; transactional tests flush it, so recreate it."""
    migration = importlib.import_module("complaints.migrations.0002_load_platforms")
    for row_slug, name_zh, name_en, kind, website, sort_order in migration.PLATFORMS:
        if row_slug == slug:
            return Platform.objects.get_or_create(
                slug=slug,
                defaults={
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "order_number_kind": kind,
                    "website": website,
                    "sort_order": sort_order,
                },
            )[0]
    raise LookupError(slug)


@pytest.fixture
def pinduoduo(db):
    return platform("pinduoduo")


@pytest.fixture
def taobao(db):
    return platform("taobao")


def png_upload(name="shot.png", **kwargs):
    return SimpleUploadedFile(name, image_bytes("PNG", **kwargs), content_type="image/png")


def complaint_data(platform, **overrides):
    data = {
        "platform": platform,
        "category": "quality",
        "order_number": "260305-123456789012345",
        "order_date": dt.date(2026, 3, 5),
        "amount": Decimal("129.90"),
        "shop_name": "好物小店",
        "description": "收到的电饭煲内胆有裂缝,商家拒绝退货退款,已经沟通三天。",
        "desired_outcome": "return_refund",
        "desired_outcome_detail": "",
        "contact_name": "王小明",
        "contact_phone": "+8613912345678",
        "contact_email": "owner@example.com",
    }
    data.update(overrides)
    return data


def process_uploads() -> list[str]:
    """What the Celery worker does once an upload commits (complaints.tasks.process_evidence),
    for every pending upload. Tests run inside a transaction that never commits, so
    they call this where the worker would have run by then."""
    from complaints.models import Evidence

    pending = Evidence.objects.filter(state=Evidence.State.PENDING).order_by("pk").values_list("pk", flat=True)
    from actions.evidence import process_evidence

    return [process_evidence(pk) for pk in pending]


@pytest.fixture
def make_complaint(pinduoduo, request):
    """File a complaint through the real service, with `images` PNG evidence files,
    processed as the worker would. The owner is the `consumer` fixture unless given;
    `platform` is a Platform or a slug."""

    def make(owner=None, images=1, **overrides):
        owner = owner or request.getfixturevalue("consumer")
        chosen = overrides.pop("platform", pinduoduo)
        chosen = platform(chosen) if isinstance(chosen, str) else chosen
        evidence = [evidence_pipeline.stage_evidence(owner, png_upload(f"shot{i}.png")) for i in range(images)]
        complaint = file_complaint(
            owner=owner,
            data=complaint_data(chosen, **overrides),
            evidence=evidence,
            submission_token=uuid.uuid4(),
            language="zh-hans",
        )
        process_uploads()
        return complaint

    return make


@pytest.fixture
def cjk_fonts():
    """The synthetic order pages (tests/screenshotgen.py) are drawn with Debian's WenQuanYi
    fonts, which .ci/run installs; on a machine without them these tests skip (or fail in CI)."""
    from .screenshotgen import FONT_FILES

    require_service(
        all(Path(name).exists() for name in FONT_FILES), "needs Debian's fonts-wqy-zenhei and fonts-wqy-microhei"
    )


@pytest.fixture(autouse=True)
def own_evidence_storage(tmp_path_factory, request):
    """Each test stores evidence in a folder of its own, so tests that count the files on
    disk see only theirs, and `pytest -n 2` workers never share one. The local storage
    object was built once, when the models loaded: point it (and the settings entry that
    tests/services.py hands to worker processes as EVIDENCE_ROOT) at a fresh folder, then back."""
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage, storages

    storage = storages["evidence"]
    if not isinstance(storage, FileSystemStorage):  # an S3 run (EVIDENCE_S3_BUCKET): the bucket is shared
        yield None
        return
    if request.node.get_closest_marker("integration"):
        # Tests whose worker processes open the same files keep the run's one folder:
        # a folder swapped under this process was not always the one a worker was
        # given (uploads refused as missing in the full PostgreSQL run). They do not run
        # under `make test-fast`'s -n 2.
        yield None
        return
    root = str(tmp_path_factory.mktemp("evidence"))
    names = ("_location", "base_location", "location")
    saved = {name: storage.__dict__[name] for name in names if name in storage.__dict__}
    options = settings.STORAGES["evidence"].setdefault("OPTIONS", {})
    saved_option = options.get("location")
    storage.__dict__.update(_location=root, base_location=root, location=root)
    options["location"] = root
    yield Path(root)
    for name in names:
        storage.__dict__.pop(name, None)
    storage.__dict__.update(saved)
    options["location"] = saved_option


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: start every test with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def platform_email_channel(platform_row, level=None, value="complaints@pdd.example", key="complaints-email"):
    """An email address of Pinduoduo's directory entry (body slug "pdd"), at `level`:
    where staff forward a complaint by email."""
    from channels.levels import Level
    from channels.models import Body, Channel

    body = Body.objects.get_or_create(
        slug="pdd",
        defaults={"kind": Body.Kind.PLATFORM, "name_zh": "拼多多", "name_en": "Pinduoduo", "platform": platform_row},
    )[0]
    return Channel.objects.create(
        body=body,
        key=key,
        kind=Channel.Kind.EMAIL,
        value=value,
        level=level or Level.OFFICIAL,
        source="test",
        checked_on="2026-01-05",
    )


@pytest.fixture
def ocr_refused_in_requests(monkeypatch):
    """The OCR engine raises whenever it is asked inside a web request (the test
    client's requests included): a page or download that reads a screenshot in the
    request fails the test. Outside requests (the fixtures' eager ocr tasks) it works."""
    from django.core.signals import request_finished, request_started

    from reading import engine

    in_request = {"depth": 0}
    real_engine = engine.engine

    def started(**_kwargs):
        in_request["depth"] += 1

    def finished(**_kwargs):
        in_request["depth"] -= 1

    def guarded():
        if in_request["depth"]:
            raise AssertionError("OCR was run inside a web request")
        return real_engine()

    request_started.connect(started, weak=False, dispatch_uid="ocr-guard-start")
    request_finished.connect(finished, weak=False, dispatch_uid="ocr-guard-finish")
    monkeypatch.setattr(engine, "engine", guarded)
    yield
    request_started.disconnect(dispatch_uid="ocr-guard-start")
    request_finished.disconnect(dispatch_uid="ocr-guard-finish")
