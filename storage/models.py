"""Tables: citizens, their reports, each report's event trail, and each chat's conversation state."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.types import TypeDecorator

from storage.encrypted import EncryptedDate, EncryptedFloat, EncryptedJSON, EncryptedText, keyring_of


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always hands back an aware datetime (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        date: Date(),
    }


class Citizen(Base):
    __tablename__ = "citizens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    language: Mapped[str | None] = mapped_column(String(8))  # the citizen's own choice, else None
    consent_at: Mapped[datetime | None]
    # "any": the embassy may write first; "on_reply": only answer right after the citizen writes;
    # "unset": not said (yet, or not since an SOS), which is treated as "on_reply" (bot.core.contact)
    contact_pref: Mapped[str] = mapped_column(String(16), default="unset")
    unreachable_at: Mapped[datetime | None]  # the citizen blocked the bot (403): nothing more is sent
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    reports: Mapped[list[Report]] = relationship(back_populates="citizen", lazy="raise")


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), default="new", index=True)
    priority: Mapped[str] = mapped_column(String(2), default="P3", index=True)
    sos: Mapped[bool] = mapped_column(default=False)
    submitted: Mapped[bool] = mapped_column(default=False)  # False while only an SOS with a form to come
    language: Mapped[str] = mapped_column(String(8))
    # What the citizen gave is encrypted at rest (storage.encrypted); `city` stays plain (broadcast
    # audiences filter on it). NIK, passport and phone are looked up by their keyed hashes.
    profile_name: Mapped[str | None] = mapped_column(EncryptedText)

    latitude: Mapped[float | None] = mapped_column(EncryptedFloat)
    longitude: Mapped[float | None] = mapped_column(EncryptedFloat)
    location_at: Mapped[datetime | None]
    city: Mapped[str | None] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(EncryptedText)
    passport_status: Mapped[str | None] = mapped_column(String(24))
    passport_number: Mapped[str | None] = mapped_column(EncryptedText)
    safety: Mapped[str | None] = mapped_column(String(64))  # one or more answers, comma-separated
    full_name: Mapped[str | None] = mapped_column(EncryptedText)
    birth_date: Mapped[date | None] = mapped_column(EncryptedDate)
    nik: Mapped[str | None] = mapped_column(EncryptedText)
    home_province: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    family_contact: Mapped[str | None] = mapped_column(EncryptedText)
    companions: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(EncryptedText)
    # Asked after the report on the full path (issue 18), each optional:
    going_home: Mapped[str | None] = mapped_column(String(12))  # yes, not_yet, unsure
    home_city: Mapped[str | None] = mapped_column(EncryptedText)  # the city or regency at home
    medical: Mapped[str | None] = mapped_column(String(64))  # injury, illness, medicine, pregnant, none
    documents_held: Mapped[str | None] = mapped_column(String(64))  # ktp, kk, birth, passport_copy, none
    sex: Mapped[str | None] = mapped_column(String(8))  # female, male
    children: Mapped[int | None] = mapped_column(Integer)  # how many of those with them are children
    nik_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    passport_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # likely duplicates, searches
    erased_at: Mapped[datetime | None]  # the personal values were erased (the citizen's /delete, retention)

    # The case, as the duty officers work it
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    acknowledged_by: Mapped[int | None] = mapped_column(BigInteger)
    acknowledged_at: Mapped[datetime | None]
    assigned_to: Mapped[int | None] = mapped_column(BigInteger, index=True)
    assigned_name: Mapped[str | None] = mapped_column(String(128))  # officers only; never shown to citizens
    assigned_at: Mapped[datetime | None]
    card_message_id: Mapped[int | None] = mapped_column(Integer)  # the case's card in the officer group
    # The way home (bot.core.stage): where the case stands, since when, and the facts each stage
    # recorded (how the identity was verified, the SPLP's number and date, the clearance, where they
    # arrived); every move is also an event with who and when.
    stage: Mapped[str] = mapped_column(String(24), default="reported", server_default="reported", index=True)
    stage_at: Mapped[datetime | None]
    journey: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)  # None: nothing recorded yet
    flight_id: Mapped[int | None] = mapped_column(
        ForeignKey("flights.id", name="fk_reports_flight_id_flights"), index=True
    )
    # Who is who (issue 19). A case merged into another (the same person reported twice) names the
    # one kept; nothing of it is moved, so the merge can be undone (bot.services.duplicates).
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", name="fk_reports_merged_into_id_reports"), index=True
    )
    # The citizen's answers to the optional screening questions ({question: answer or [answers]}),
    # never shown back to them; the officer's decision is kept apart from the answers.
    screening: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    screening_at: Mapped[datetime | None]  # the last answer given
    screening_decision: Mapped[str | None] = mapped_column(String(24), index=True)
    screening_note: Mapped[str | None] = mapped_column(EncryptedText)
    screening_by: Mapped[int | None] = mapped_column(BigInteger)
    screening_decided_at: Mapped[datetime | None]

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    citizen: Mapped[Citizen] = relationship(back_populates="reports", lazy="raise")
    events: Mapped[list[ReportEvent]] = relationship(
        back_populates="report", lazy="raise", order_by="ReportEvent.id"
    )


class ReportEvent(Base):
    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # "citizen", "officer:<id>", "system"
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)  # may quote the citizen
    at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="events", lazy="raise")


class Conversation(Base):
    """Where a private chat stands in the report conversation, and the draft answers so far."""

    __tablename__ = "conversations"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)  # the draft answers
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    # Ids of the messages in this chat (both sides), for deleting the conversation from the phone
    message_ids: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The chat's recently handled update ids, so that an update delivered twice is handled once
    handled_updates: Mapped[list[int]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SosAlert(Base):
    """One SOS of a case: each is posted in the officer group, repeated and escalated until an
    officer acknowledges it, whatever the case's status (a case may raise many over its life)."""

    __tablename__ = "sos_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    raised_at: Mapped[datetime]
    message_id: Mapped[int | None] = mapped_column(Integer)  # the group message that carries it
    alerted_at: Mapped[datetime | None]  # when it was last posted or repeated in the group
    escalated_at: Mapped[datetime | None]  # when it went to the supervisors
    acknowledged_at: Mapped[datetime | None] = mapped_column(index=True)
    acknowledged_by: Mapped[int | None] = mapped_column(BigInteger)


class CaseMessage(Base):
    """A message in the officer group that belongs to a case: an officer's reply to it reaches the citizen."""

    __tablename__ = "case_messages"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    message_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    # "card" (edited as the case moves), "pin" (a location), "personal" (a text quoting what the
    # citizen gave: taken back when they erase their data), "plain" (names only the case); None:
    # recorded before kinds were kept (a card when it is the report's, else personal)
    kind: Mapped[str | None] = mapped_column(String(12))


class OutboxMessage(Base):
    """Everything the bot starts (alerts, repeats, relays, broadcasts) is a row here first."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_chat_status", "chat_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(24))
    priority: Mapped[int] = mapped_column(Integer, default=5)  # 0 first
    payload: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)  # relays carry texts
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    # pending -> sending -> sent | failed; held: waits for the citizen to write first
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(96), unique=True)
    message_id: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class InboxUpdate(Base):
    """An update Telegram handed over, kept from its receipt until it is handled: Telegram is told it
    was received (the polling offset moves, the webhook answers) only once it is stored here, and
    whatever a stop or a crash left here is handled at the next start (bot.services.inbox)."""

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    body: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)  # the update as Telegram sent it
    received_at: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # handlings that failed (a database outage)


class BroadcastDraft(Base):
    """A broadcast a staff member is composing (one each), kept per step so a restart loses nothing."""

    __tablename__ = "broadcast_drafts"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[str] = mapped_column(String(16))  # audience, text_id, text_en, buttons, when, confirm
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # filters, texts, buttons, send_at, panel
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Broadcast(Base):
    """Instructions from staff to a filtered audience of citizens, each in their own language."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger)  # the staff member's user id
    chat_id: Mapped[int] = mapped_column(BigInteger)  # their private chat: the progress message is there
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the filters, as bot.services.broadcasts
    text_id: Mapped[str | None] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    buttons: Mapped[str] = mapped_column(String(16), default="none")  # an answer-button preset
    # scheduled -> enqueuing -> sending -> done; stopped from any of the first three
    status: Mapped[str] = mapped_column(String(12), default="scheduled", index=True)
    send_at: Mapped[datetime]
    last_citizen_id: Mapped[int] = mapped_column(Integer, default=0)  # citizens up to here, at confirm
    cursor: Mapped[int] = mapped_column(Integer, default=0)  # the last citizen id enqueued
    total: Mapped[int] = mapped_column(Integer, default=0)  # the audience (recipients once enqueued)
    progress_message_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class BroadcastRecipient(Base):
    """One citizen of a broadcast: the outbox row that carries it, and the answer they gave."""

    __tablename__ = "broadcast_recipients"

    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), primary_key=True, index=True)
    language: Mapped[str] = mapped_column(String(8))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), index=True)
    skipped: Mapped[str | None] = mapped_column(String(16))  # "blocked": unreachable, never queued
    answer: Mapped[str | None] = mapped_column(String(16))  # an option of the broadcast's preset
    answered_at: Mapped[datetime | None]  # when the current answer was given (a later press replaces it)


LOOKUPS = (
    ("nik", "nik", "nik_hash"),
    ("passport", "passport_number", "passport_hash"),
    ("phone", "phone", "phone_hash"),
    ("birth", "birth_date", "birth_hash"),
)


def _hash_lookups(report: Report, connection: Connection, changed_only: bool) -> None:
    """Keep the lookup hashes beside the values they stand for, made with the connection's first key."""
    keyring = keyring_of(connection.dialect)
    for kind, field, column in LOOKUPS:
        if not changed_only or get_history(report, field).has_changes():
            value = getattr(report, field)
            if isinstance(value, date):
                value = value.isoformat()
            setattr(report, column, keyring.lookup(kind, value))


def _inserting(_mapper: Mapper[Report], connection: Connection, report: Report) -> None:
    _hash_lookups(report, connection, changed_only=False)


def _updating(_mapper: Mapper[Report], connection: Connection, report: Report) -> None:
    _hash_lookups(report, connection, changed_only=True)


event.listen(Report, "before_insert", _inserting)
event.listen(Report, "before_update", _updating)


class DataKeyUse(Base):
    """The data keys this database holds values under: a start with a keyring missing one stops."""

    __tablename__ = "data_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsoleLink(Base):
    """A one-time login link to the web console, asked for with /console in a private chat: only its
    hash is kept (the link itself went to the person's own chat), valid a few minutes, used once."""

    __tablename__ = "console_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(128), default="")  # their Telegram name, shown in the console
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ConsoleSession(Base):
    """A web console session: the cookie holds the id, the database its hash; ended on logout, after
    an idle while, or once the person is no longer staff, a supervisor or an officer."""

    __tablename__ = "console_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    csrf: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="id")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class Flight(Base):
    """A flight or a convoy home that staff planned: when (UTC; shown in the mission's time zone),
    how, from where to where, the seats, and where and when passengers meet."""

    __tablename__ = "flights"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="flight")  # flight, convoy
    departs_at: Mapped[datetime] = mapped_column(index=True)
    carrier: Mapped[str] = mapped_column(String(64), default="")
    number: Mapped[str] = mapped_column(String(16), default="")
    origin: Mapped[str] = mapped_column(String(64), default="")
    destination: Mapped[str] = mapped_column(String(64), default="")
    seats: Mapped[int] = mapped_column(Integer, default=0)
    meet_at: Mapped[datetime | None]  # when passengers must be at the meeting point
    meet_place: Mapped[str | None] = mapped_column(Text)
    bring: Mapped[str | None] = mapped_column(Text)  # what to bring, in the staff's words
    status: Mapped[str] = mapped_column(String(12), default="planned", index=True)  # departed, cancelled
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    departed_at: Mapped[datetime | None]


class FlightPassenger(Base):
    """A case on a flight: who added it, what the citizen answered to the notice, whether they
    boarded. Removed passengers stay (removed_at) so the flight's history and the told removal are kept.
    The check-in QR carries a signed token naming this row and `token_nonce`; using it clears the
    nonce, so each code opens the check-in once."""

    __tablename__ = "flight_passengers"

    flight_id: Mapped[int] = mapped_column(ForeignKey("flights.id"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True, index=True)
    added_by: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    told_at: Mapped[datetime | None]  # the latest notice (or change) was queued for the citizen
    answer: Mapped[str | None] = mapped_column(String(12))  # coming, cannot
    answered_at: Mapped[datetime | None]
    token_nonce: Mapped[str | None] = mapped_column(String(32))
    boarded_at: Mapped[datetime | None]
    boarded_by: Mapped[int | None] = mapped_column(BigInteger)


class Sitrep(Base):
    """A daily situation report made for one day (mission time zone): posted once, whichever worker
    or restart gets there first."""

    __tablename__ = "sitreps"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None]


class NameKey(Base):
    """A keyed hash of one normalised part of a name (bot.services.names.keys), so that cases and
    searches with a like name are found without decrypting every name: `owner` is "report" or
    "search", `owner_id` its id."""

    __tablename__ = "name_keys"
    __table_args__ = (Index("ix_name_keys_owner", "owner", "owner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(8))
    owner_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(64), index=True)


class DuplicatePair(Base):
    """Two cases that may be one person: found by the same NIK, passport or phone, or a like name with
    the same date of birth. `low_id` < `high_id`. open -> merged (a person said so; undone: open
    again) | distinct ("not the same person": never proposed again)."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = (Index("uq_duplicate_pairs_low_high", "low_id", "high_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    high_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)  # 0-100
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # "nik", "phone", "name_birth", ...
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None]


class Search(Base):
    """A relative looking for someone ("is my son among those who came out?"): what they said, the case
    found, whether the person found let the embassy tell them. Kept `HOTLINE_RETENTION_DAYS`."""

    __tablename__ = "searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    seeker_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    seeker_chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8))
    relation: Mapped[str | None] = mapped_column(String(24))
    sought_name: Mapped[str | None] = mapped_column(EncryptedText)
    sought_birth: Mapped[date | None] = mapped_column(EncryptedDate)
    birth_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    last_place: Mapped[str | None] = mapped_column(EncryptedText)
    seeker_name: Mapped[str | None] = mapped_column(EncryptedText)
    seeker_contact: Mapped[str | None] = mapped_column(EncryptedText)
    # open -> asking (the person found was asked) -> told | declined; closed, expired
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)  # the case asked
    asked_by: Mapped[int | None] = mapped_column(BigInteger)
    asked_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    told_at: Mapped[datetime | None]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SearchMatch(Base):
    """A case that may be the person a search looks for, with its score and reasons."""

    __tablename__ = "search_matches"

    search_id: Mapped[int] = mapped_column(ForeignKey("searches.id"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True, index=True)
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed, asked, rejected
    found_at: Mapped[datetime] = mapped_column(default=utcnow)


class Referral(Base):
    """A case referred to a partner (IOM, an NGO, the police's trafficking unit): asked of the citizen
    first; who referred what to whom and when. asking -> consented -> referred | declined; withdrawn."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    partner: Mapped[str] = mapped_column(String(32))  # the partner's key in the configuration
    partner_name: Mapped[str] = mapped_column(String(128))  # as configured when referred
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # HTCDS ReasonForOutgoingReferral
    details: Mapped[str | None] = mapped_column(EncryptedText)  # the officer's words to the partner
    status: Mapped[str] = mapped_column(String(12), default="asking", index=True)
    asked_by: Mapped[int] = mapped_column(BigInteger)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    referred_by: Mapped[int | None] = mapped_column(BigInteger)
    referred_at: Mapped[datetime | None]


class ScamReport(Base):
    """Someone posing as the embassy, reported by whoever met them (`/verify` → report a scam)."""

    __tablename__ = "scam_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str | None] = mapped_column(String(16))  # telegram, whatsapp, phone, facebook, other
    asked_for: Mapped[str | None] = mapped_column(
        String(64)
    )  # money, documents, data, other (comma-separated)
    who: Mapped[str | None] = mapped_column(EncryptedText)  # the name, number or account they used
    detail: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
