"""Who you can be in the demo: the citizen, the duty officer, a staff member; each types in a chat."""

from __future__ import annotations

from dataclasses import dataclass

from emulator import Emulator, EmuUser

CITIZEN_ID = 700001
OFFICER_ID = 800001  # a member of the officer group, so the bot takes the cards' buttons from them
DEMO_STAFF = 800002  # in staff_ids: broadcasts, and the console's link
OFFICER_GROUP = -1001000000001


@dataclass(frozen=True, slots=True)
class Role:
    name: str  # what /as takes
    user: EmuUser
    chat_id: int  # where this person types and presses buttons
    phone: str  # what /contact shares
    place: str  # the chat, as a sentence names it
    mine: str  # the tag of this chat's messages while you are this person
    other: str  # the tag of this chat's messages while you are someone else
    who: str  # the line that says who you are now
    hint: str  # what you can do here, below that line


def cast(emu: Emulator) -> dict[str, Role]:
    """The three people of the demo, by the name /as takes; the officer group is made here too."""
    citizen = emu.user(CITIZEN_ID, first_name="Citizen", language_code="id")
    officer = emu.user(OFFICER_ID, first_name="Officer", language_code="en")
    staff = emu.user(DEMO_STAFF, first_name="Staff", language_code="en")
    emu.create_group(OFFICER_GROUP, "Duty officers (demo)", [officer])
    roles = [
        Role(
            name="citizen", user=citizen, chat_id=CITIZEN_ID, phone="+6281234567890",
            place="the citizen's chat", mine="🤖", other="📱 [citizen's chat]",
            who="the citizen, in a private chat with the bot",
            hint="type to the bot; a number presses a button; /as officer or /as staff: the embassy's side",
        ),
        Role(
            name="officer", user=officer, chat_id=OFFICER_GROUP, phone="+855 12 000 001",
            place="the officer group", mine="👮", other="👮 [officer group]",
            who="the duty officer, in the officer group",
            hint="a number presses one of the buttons shown last; > TEXT answers the newest card's citizen\n"
            "/help lists the officers' commands; a plain line is said to the other officers",
        ),
        Role(
            name="staff", user=staff, chat_id=DEMO_STAFF, phone="+855 12 000 002",
            place="the staff member's chat", mine="💼", other="💼 [staff's chat]",
            who="a staff member of the embassy, in a private chat with the bot",
            hint="/broadcast writes to many citizens at once, /broadcasts follows them, /console logs in",
        ),
    ]  # fmt: skip
    return {role.name: role for role in roles}
