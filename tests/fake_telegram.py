"""A stand-in Telegram Bot API on loopback: the real python-telegram-bot talks real HTTP to it.

Why a server and not a mocked request layer: delivery, ingestion and crash safety depend on what
Telegram does on the wire (offset confirmation, held long polls, 429 with retry_after, answers
that come too late), and only real HTTP through PTB exercises that.

Documented Bot API semantics it follows:
- getUpdates: an update is confirmed (dropped for good) once getUpdates is called with a higher
  offset; unconfirmed updates come back; a negative offset keeps only the last -offset updates;
  `limit` (1-100); `allowed_updates` persists between calls; a long poll is held until an update
  arrives or `timeout` passes; a second poll ends the held one with 409; so does an active webhook.
- update_id grows by one (set `next_update_id` to imitate the random jump after a week of silence).
- Message ids are per chat; the bot may only edit its own messages; an edit that changes nothing,
  an empty or over-long text, callback_data over 64 bytes, an unknown message, thread or callback
  query answer 400 with Telegram's descriptions. A chat in `blocked` answers 403.

Behaviours, from the per-call `plan` (sendMessage only, kept for the delivery tests) or from
`fail()` rules (any method): "ok"; "timeout" (performed, answered after `slow_seconds`); "hang"
(not performed, held `hang_seconds`, longer than a client waits); "429:<seconds>"; "502" (the HTML
page Telegram's front end sends); "<code>" or "<code>:<description>" (a JSON error such as "500",
"403", "400:Bad Request: chat not found").

Requests are decoded as PTB sends them: form fields, JSON-encoded except plain strings, so a
String parameter is kept as sent; JSON bodies and query strings are read too. Everything is
meant to be used from the event loop that called start().
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
import time
import zlib
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack

from aiohttp import web

Json = dict[str, Any]
ChatId = int | str

TOKEN = "123456:TEST-token-not-real"
BOT_USER: Json = {
    "id": int(TOKEN.partition(":")[0]),  # Telegram's bot id is the token's number
    "is_bot": True,
    "first_name": "Weerbaar",
    "username": "weerbaar_bot",
}

# Parameters the Bot API types as String. PTB sends them unencoded, so "42" or "true" stays text.
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "inline_message_id",
        "callback_query_id",
        "url",
        "language_code",
        "name",
        "icon_custom_emoji_id",
        "file_id",
        "secret_token",
        "ip_address",
        "action",
        "business_connection_id",
        "message_effect_id",
    }
)
TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)  # the Bot API's allowed set
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MAX_TEXT = 4096  # in UTF-16 code units, as Telegram counts
COMMAND = re.compile(r"[a-z0-9_]{1,32}")
KIND = re.compile(r"ok|timeout|hang|429:\d+|\d{3}(:.+)?")
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same"
    " as a current content and reply markup of the message"
)
DESCRIPTIONS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    504: "Gateway Timeout",
}
GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

# What each kind of media looks like in a Message (besides file_id, file_unique_id, file_size).
MEDIA_FIELDS: dict[str, Json] = {
    "photo": {},  # an array of PhotoSize, built from PHOTO_SIZES
    "video": {"width": 640, "height": 360, "duration": 5, "mime_type": "video/mp4"},
    "document": {"file_name": "bestand.pdf", "mime_type": "application/pdf"},
    "voice": {"duration": 3, "mime_type": "audio/ogg"},
    "sticker": {"type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False},
    "animation": {"width": 320, "height": 240, "duration": 2, "file_name": "a.mp4", "mime_type": "video/mp4"},
    "video_note": {"length": 240, "duration": 4},
}
PHOTO_SIZES = ((90, 90), (320, 320), (1280, 1280))
CAPTIONLESS = frozenset({"sticker", "video_note"})
CONTENT_KEYS = frozenset({"text", "entities", "caption", *MEDIA_FIELDS})


class ApiError(Exception):
    """A Bot API error answer; Telegram uses the HTTP status as error_code."""

    def __init__(self, code: int, description: str | None = None, retry_after: int | None = None) -> None:
        self.code = code
        self.description = description or DESCRIPTIONS.get(code, "Error")
        self.retry_after = retry_after
        super().__init__(self.description)

    def response(self) -> web.Response:
        body: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.code)


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


def fault_response(kind: str) -> web.Response:
    """The answer for a failing behaviour ("429:<s>", "502", "<code>[:<description>]")."""
    if kind == "502":
        return web.Response(status=502, text=GATEWAY_PAGE, content_type="text/html")
    code, _, detail = kind.partition(":")
    if code == "429":
        seconds = int(detail)
        return ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds).response()
    return ApiError(int(code), detail or None).response()


def decode(name: str, raw: str) -> Any:
    """A form value as Telegram reads it: JSON unless the parameter is a String or not JSON at all."""
    if name in STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


async def read_params(request: web.Request) -> Json:
    """All parameters of a call: query string, then a form (PTB) or a JSON body (other clients)."""
    params: Json = {k: decode(k, v) for k, v in request.query.items()}
    if request.content_type == "application/json" and request.body_exists:
        params.update(await request.json())
    elif request.body_exists:
        for key, value in (await request.post()).items():
            params[key] = decode(key, value) if isinstance(value, str) else {"upload": value.filename}
    return params


def text_content(text: str) -> Json:
    """A text as a client sends it: a leading /command carries the bot_command entity PTB's handlers need."""
    content: Json = {"text": text}
    command = text.split(maxsplit=1)[0] if text.startswith("/") else ""
    if len(command) > 1:
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return content


def check_text(text: Any) -> None:
    if not isinstance(text, str) or not text.strip():
        raise bad_request("message text is empty")
    if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
        raise bad_request("message is too long")


def inline_markup(markup: Any) -> Json | None:
    """A reply_markup checked as Telegram does; only an inline keyboard shows up on the Message."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    for button in (b for row in rows or [] for b in row):
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    return markup if rows else None


def chat_id_of(params: Json) -> ChatId:
    raw = params.get("chat_id")
    if raw is None or raw == "":
        raise bad_request("chat_id is empty")
    return int(raw) if isinstance(raw, str) and raw.lstrip("-").isdigit() else raw


class Sender(TypedDict, total=False):
    """Who sends an injected update, and from which kind of chat. Defaults: a Dutch private chat
    whose user id is the chat id, as Telegram's private chats are."""

    user_id: int
    first_name: str
    username: str | None
    language_code: str | None
    chat_type: str


@dataclass
class FailureRule:
    """Every `every`-th call to the matching methods fails, taking `kinds` in turn (at most `times`).

    Deterministic on purpose: "a fifth of all calls" hits the same calls on every run, so a
    failing test replays exactly.
    """

    methods: frozenset[str] | None
    every: int
    kinds: tuple[str, ...]
    times: int | None = None
    first_tries_only: bool = False  # a sendMessage sent before (same chat, same text) never fails
    seen: int = 0
    failed: int = 0

    def next(self, method: str, repeat: bool = False) -> str | None:
        if self.methods is not None and method not in self.methods:
            return None
        if repeat and self.first_tries_only:
            return None
        self.seen += 1
        if self.seen % self.every or (self.times is not None and self.failed >= self.times):
            return None
        kind = self.kinds[self.failed % len(self.kinds)]
        self.failed += 1
        return kind


@dataclass
class _Poll:
    """A getUpdates request being held; woken by a new update, a newer poll, or stop()."""

    wake: asyncio.Event = field(default_factory=asyncio.Event)
    terminated: bool = False


@dataclass
class FakeBotAPI:
    """One bot's view of Telegram: its chats, their messages, the update queue and the failures.

    Public attributes are the record tests assert on (calls, effects, delivered, messages,
    deleted, answers, commands, topics, file_requests) and the switches they flip (plan,
    topics_enabled, forums, blocked, next_update_id, hang_seconds, slow_seconds).
    """

    plan: deque[str] = field(default_factory=deque)  # behaviours for the next sendMessage calls
    delivered: list[Json] = field(default_factory=list)  # sendMessage calls that took effect
    calls: list[tuple[str, Json]] = field(default_factory=list)  # every request, failed ones too
    slow_seconds: float = 2.0  # how late a "timeout" answer comes
    port: int = 0  # 0: a free port on the first start(); kept for a restart
    topics_enabled: bool = True  # whether supergroups are forums (per chat: `forums`)
    hang_seconds: float = 30.0  # how long a "hang" holds (stop() releases it sooner)
    next_update_id: int = 700_000_001
    effects: list[tuple[str, Json]] = field(default_factory=list, init=False)  # calls that took effect
    updates: dict[int, Json] = field(default_factory=dict, init=False)  # every injected update
    messages: dict[tuple[ChatId, int], Json] = field(default_factory=dict, init=False)  # not deleted
    deleted: list[tuple[ChatId, int]] = field(default_factory=list, init=False)
    answers: dict[int, Json] = field(default_factory=dict, init=False)  # callback update_id -> answer
    commands: dict[tuple[str, str], list[Json]] = field(default_factory=dict, init=False)
    topics: list[Json] = field(default_factory=list, init=False)  # created topics, with chat_id
    file_requests: list[Any] = field(default_factory=list, init=False)  # getFile file_ids
    blocked: set[ChatId] = field(default_factory=set, init=False)  # chats whose user blocked the bot
    forums: dict[ChatId, bool] = field(default_factory=dict, init=False)  # per-chat topics_enabled
    failures: list[FailureRule] = field(default_factory=list, init=False)
    webhook: Json | None = field(default=None, init=False)
    allowed_updates: list[str] = field(default_factory=list, init=False)
    _pending: list[Json] = field(default_factory=list, init=False)
    _chats: dict[ChatId, Json] = field(default_factory=dict, init=False)
    _last_message_id: dict[ChatId, int] = field(default_factory=dict, init=False)
    _threads: dict[ChatId, set[int]] = field(default_factory=dict, init=False)
    _queries: dict[str, int] = field(default_factory=dict, init=False)
    _files: dict[str, Json] = field(default_factory=dict, init=False)
    _poll: _Poll | None = field(default=None, init=False)
    _closing: asyncio.Event | None = field(default=None, init=False)
    _runner: web.AppRunner | None = field(default=None, init=False)
    _methods: dict[str, str] = field(default_factory=dict, init=False)
    _sends_seen: set[tuple[str, str]] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        # Telegram matches method names case-insensitively; records use the documented spelling.
        self._methods = {n[4:].lower(): n[4:] for n in dir(self) if n.startswith("api_")}

    # --- serving -------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        """Serve on 127.0.0.1; after a stop() on the same port, so a test can take "Telegram"
        away and bring it back with its state (pending updates, messages) intact."""
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)  # Telegram takes GET and POST
        # No access log: it would write the token into the test's own logs, and Telegram's
        # logs are not ours (the log-leak test scans ours).
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Release held long polls and hanging requests first, or shutdown would wait them out."""
        if self._closing:
            self._closing.set()
        if self._poll:
            self._poll.wake.set()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return ApiError(401, "Unauthorized").response()
        asked = request.match_info["method"]
        method = self._methods.get(asked.lower())
        params = await read_params(request)
        self.calls.append((method or asked, params))
        if method is None:
            return ApiError(404, "Not Found").response()  # as Telegram; PTB reports it as InvalidToken
        behaviour = self._behaviour(method, params)
        if behaviour == "hang":
            await self._hold(self.hang_seconds)
            return ApiError(504).response()
        if behaviour not in ("ok", "timeout"):
            return fault_response(behaviour)
        try:
            if params.get("chat_id") is not None and chat_id_of(params) in self.blocked:
                raise ApiError(403)
            result = await getattr(self, f"api_{method}")(params)
        except ApiError as error:
            return error.response()
        self.effects.append((method, params))
        response = web.json_response({"ok": True, "result": result})  # serialised now, before any later edit
        if behaviour == "timeout":
            await self._hold(self.slow_seconds)
        return response

    def _behaviour(self, method: str, params: Json) -> str:
        if method == "sendMessage" and self.plan:
            return self.plan.popleft()
        send = (str(params.get("chat_id")), str(params.get("text"))) if method == "sendMessage" else None
        repeat = send in self._sends_seen
        if send is not None:
            self._sends_seen.add(send)
        triggered = [kind for rule in self.failures if (kind := rule.next(method, repeat))]
        return triggered[0] if triggered else "ok"

    async def _hold(self, seconds: float) -> None:
        """Sleep, but wake at stop(): a held request must not keep the shutdown waiting."""
        assert self._closing is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    # --- test controls and queries -------------------------------------------------------------

    def fail(
        self,
        method: str | Iterable[str] | None = None,
        *,
        every: int = 1,
        kinds: Iterable[str] = ("500",),
        times: int | None = None,
        first_tries_only: bool = False,
    ) -> FailureRule:
        """Make every `every`-th call of `method` (None: any method) fail with `kinds` in turn.

        Example: fail(every=5, kinds=("429:1", "500", "hang")) is a 429 storm, 500s and hanging
        requests on a fifth of all calls. The sendMessage `plan`, while not empty, goes first.
        `first_tries_only`: a sendMessage the bot sent before (same chat and text: a retry) is
        not counted and never fails, so "a quarter of all messages hang once" replays exactly.
        """
        kinds = tuple(kinds)
        wrong = [k for k in kinds if not KIND.fullmatch(k)]
        if wrong or not kinds or every < 1:
            raise ValueError(f"bad failure rule: every={every}, kinds={kinds}")
        methods = None if method is None else frozenset([method] if isinstance(method, str) else method)
        rule = FailureRule(methods, every, kinds, times, first_tries_only)
        self.failures.append(rule)
        return rule

    def clear_failures(self) -> None:
        self.failures.clear()

    def calls_of(self, method: str) -> list[Json]:
        """Parameters of every request to `method`, failed ones included (e.g. to assert no getFile)."""
        return [params for name, params in self.calls if name == method]

    def effects_of(self, method: str) -> list[Json]:
        """Parameters of the calls to `method` that took effect."""
        return [params for name, params in self.effects if name == method]

    @property
    def pending_ids(self) -> list[int]:
        """update_ids not yet confirmed: what a restarted bot would be given again."""
        return [u["update_id"] for u in self._pending]

    def chat_messages(self, chat_id: ChatId) -> list[Json]:
        """The messages still in a chat (the bot's and the user's), oldest first."""
        return [
            m for (chat, _), m in sorted(self.messages.items(), key=lambda kv: kv[0][1]) if chat == chat_id
        ]

    def commands_for(self, language_code: str = "", scope: Json | None = None) -> list[Json]:
        """The command list set by setMyCommands for this scope and language ("" = all languages)."""
        return self.commands.get(self._commands_key(scope, language_code), [])

    # --- injecting what users do ---------------------------------------------------------------

    def user_message(self, chat_id: ChatId, text: str, **who: Unpack[Sender]) -> int:
        """A user sends text (a leading /command gets its entity). Returns the update_id."""
        return self._from_user(chat_id, text_content(text), who)

    def user_media(
        self, chat_id: ChatId, kind: str, caption: str | None = None, **who: Unpack[Sender]
    ) -> int:
        """A user sends a photo, video, document, voice, sticker, animation or video_note."""
        return self._from_user(chat_id, self._media(kind, caption), who)

    def user_photo(self, chat_id: ChatId, caption: str | None = None, **who: Unpack[Sender]) -> int:
        return self.user_media(chat_id, "photo", caption, **who)

    def user_video(self, chat_id: ChatId, caption: str | None = None, **who: Unpack[Sender]) -> int:
        return self.user_media(chat_id, "video", caption, **who)

    def user_document(self, chat_id: ChatId, caption: str | None = None, **who: Unpack[Sender]) -> int:
        return self.user_media(chat_id, "document", caption, **who)

    def user_voice(self, chat_id: ChatId, caption: str | None = None, **who: Unpack[Sender]) -> int:
        return self.user_media(chat_id, "voice", caption, **who)

    def user_animation(self, chat_id: ChatId, caption: str | None = None, **who: Unpack[Sender]) -> int:
        return self.user_media(chat_id, "animation", caption, **who)

    def user_sticker(self, chat_id: ChatId, **who: Unpack[Sender]) -> int:
        return self.user_media(chat_id, "sticker", **who)

    def user_video_note(self, chat_id: ChatId, **who: Unpack[Sender]) -> int:
        return self.user_media(chat_id, "video_note", **who)

    def raw_update(self, payload: Json) -> int:
        """Any update as JSON, given as-is (malformed ones too: what a newer Bot API, a bug or
        an attacker could send). Returns the update_id it was given."""
        update_id = self.next_update_id
        self.next_update_id += 1
        update = {"update_id": update_id, **copy.deepcopy(payload)}
        self._pending.append(update)
        self.updates[update_id] = update
        if self._poll:
            self._poll.wake.set()
        return update_id

    def edited_message(
        self,
        chat_id: ChatId,
        message_id: int | None = None,
        *,
        text: str | None = None,
        media: str | None = None,
        caption: str | None = None,
    ) -> int:
        """A user edits one of their messages (default: their latest in the chat): new text, new
        media (only in a media message, as in Telegram's apps) or a new caption. Why: media that
        arrive by editing must be refused as firmly as new ones."""
        key = (chat_id, message_id or self._latest(chat_id, from_bot=False))
        original = self.messages.get(key)
        if original is None:
            raise ValueError(f"no message {key} to edit")
        edited = dict(original, edit_date=int(time.time()))
        if text is not None or media is not None:
            if media is not None and not MEDIA_FIELDS.keys() & original.keys():
                raise ValueError("Telegram lets a user replace media only in a media message")
            edited = {k: v for k, v in edited.items() if k not in CONTENT_KEYS}
            edited.update(text_content(text) if text is not None else self._media(str(media), caption))
        elif caption is not None:
            edited["caption"] = caption
        self.messages[key] = edited
        return self._enqueue("edited_message", edited)

    def callback(
        self, chat_id: ChatId, data: str, message_id: int | None = None, **who: Unpack[Sender]
    ) -> int:
        """A user taps an inline button on a bot message (default: the bot's latest one with a
        keyboard in that chat). `data` is whatever the client sends: it can be forged."""
        tapped = (
            message_id
            or self._latest(chat_id, from_bot=True, with_keyboard=True)
            or self._latest(chat_id, from_bot=True)
        )
        key = (chat_id, tapped)
        if key not in self.messages:
            raise ValueError(f"no message {key} to tap on")
        query_id = str(6_000_000_000_000_000_000 + self.next_update_id)
        self._queries[query_id] = self.next_update_id
        query = {
            "id": query_id,
            "from": self._user(chat_id, who),
            "message": self.messages[key],
            "chat_instance": str(zlib.crc32(str(chat_id).encode())),
            "data": data,
        }
        return self._enqueue("callback_query", query)

    def group_message(
        self,
        chat_id: ChatId,
        user_id: int,
        text: str,
        message_thread_id: int | None = None,
        *,
        first_name: str = "Staff",
        username: str | None = None,
        language_code: str | None = "nl",
    ) -> int:
        """A member writes in a supergroup (the staff group), in a forum topic if message_thread_id."""
        if message_thread_id is not None:
            self._threads.setdefault(chat_id, set()).add(message_thread_id)
        who = Sender(
            user_id=user_id,
            first_name=first_name,
            username=username,
            language_code=language_code,
            chat_type="supergroup",
        )
        return self._from_user(chat_id, text_content(text), who, thread=message_thread_id)

    def _from_user(self, chat_id: ChatId, content: Json, who: Sender, thread: int | None = None) -> int:
        user = self._user(chat_id, who)
        chat_type = who.get("chat_type", "private")
        if chat_type == "private":
            self._chats[chat_id] = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if user.get("username"):
                self._chats[chat_id]["username"] = user["username"]
        else:
            self._chats.setdefault(chat_id, {"id": chat_id, "type": chat_type, "title": "Werkgroep"})
        return self._enqueue("message", self._store(chat_id, user, content, thread=thread))

    @staticmethod
    def _user(chat_id: ChatId, who: Sender) -> Json:
        user_id = who.get("user_id", chat_id)
        if not isinstance(user_id, int) or user_id <= 0:
            raise ValueError("a message in a group needs a positive user_id")
        user: Json = {"id": user_id, "is_bot": False, "first_name": who.get("first_name", "Sam")}
        username, language = who.get("username"), who.get("language_code", "nl")
        if username:
            user["username"] = username
        if language:
            user["language_code"] = language
        return user

    def _media(self, kind: str, caption: str | None) -> Json:
        if kind not in MEDIA_FIELDS:
            raise ValueError(f"unknown media kind {kind!r}")
        if caption is not None and kind in CAPTIONLESS:
            raise ValueError(f"a {kind} has no caption in Telegram")
        content: Json
        if kind == "photo":
            content = {"photo": [self._new_file({"width": w, "height": h}) for w, h in PHOTO_SIZES]}
        else:
            content = {kind: self._new_file(MEDIA_FIELDS[kind])}
        if kind == "animation":
            content["document"] = content["animation"]  # Telegram sets both, for older clients
        if caption is not None:
            content["caption"] = caption
        return content

    def _new_file(self, fields: Json) -> Json:
        """A file the bot could fetch with getFile (it must never do so)."""
        number = len(self._files) + 1
        file = {
            "file_id": f"AgACAgQAAxkBAAIfake{number:06d}",
            "file_unique_id": f"AQADfake{number:06d}",
            "file_size": 1000 * number,
            **fields,
        }
        self._files[file["file_id"]] = file
        return file

    def _enqueue(self, kind: str, payload: Json) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        update = {"update_id": update_id, kind: copy.deepcopy(payload)}  # a snapshot, as sent
        self._pending.append(update)
        self.updates[update_id] = update
        if self._poll:
            self._poll.wake.set()
        return update_id

    # --- chats and messages --------------------------------------------------------------------

    def _chat(self, chat_id: ChatId) -> Json:
        """A chat as Telegram shows it; an unknown one is inferred from its id (-100… supergroup)."""
        if chat_id not in self._chats:
            text = str(chat_id)
            kind = "channel" if text.startswith("@") else "private" if not text.startswith("-") else "group"
            kind = "supergroup" if text.startswith("-100") else kind
            chat: Json = {"id": chat_id, "type": kind}
            chat.update({"first_name": "Sam"} if kind == "private" else {"title": "Werkgroep"})
            self._chats[chat_id] = chat
        chat = dict(self._chats[chat_id])
        if self._is_forum(chat_id):
            chat["is_forum"] = True
        return chat

    def _is_forum(self, chat_id: ChatId) -> bool:
        known = self._chats.get(chat_id, {}).get("type") == "supergroup"
        return known and self.forums.get(chat_id, self.topics_enabled)

    def _store(
        self,
        chat_id: ChatId,
        sender: Json,
        content: Json,
        *,
        thread: int | None = None,
        reply_to: int | None = None,
    ) -> Json:
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        message: Json = {
            "message_id": message_id,
            "from": sender,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
        }
        if thread is not None:
            message["message_thread_id"] = thread
            if self._is_forum(chat_id):
                message["is_topic_message"] = True
                # In a topic Telegram shows the topic's opening message as the one replied to.
                reply_to = reply_to or thread
        parent = self.messages.get((chat_id, reply_to)) if reply_to else None
        if parent:
            message["reply_to_message"] = {k: v for k, v in parent.items() if k != "reply_to_message"}
        message.update(content)
        self.messages[(chat_id, message_id)] = message
        return message

    def _latest(self, chat_id: ChatId, *, from_bot: bool, with_keyboard: bool = False) -> int | None:
        found = [
            m["message_id"]
            for m in self.chat_messages(chat_id)
            if (m["from"]["id"] == BOT_USER["id"]) == from_bot and (not with_keyboard or "reply_markup" in m)
        ]
        return found[-1] if found else None

    def _message(self, params: Json, verb: str) -> Json:
        message = self.messages.get((chat_id_of(params), params.get("message_id")))
        if message is None:
            raise bad_request(f"message to {verb} not found")
        return message

    @staticmethod
    def _commands_key(scope: Json | None, language_code: str | None) -> tuple[str, str]:
        return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""

    def _confirm(self, offset: int) -> None:
        """Telegram's offset: updates below a positive offset are confirmed and gone for good; a
        negative offset keeps only the last -offset updates."""
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def _deliverable(self, limit: int) -> list[Json]:
        """The next updates, after dropping kinds allowed_updates leaves out (Telegram never makes them)."""
        self._pending = [u for u in self._pending if self._allowed(u)]
        return self._pending[:limit]

    def _allowed(self, update: Json) -> bool:
        kind = next((key for key in update if key != "update_id"), "")
        return kind in self.allowed_updates if self.allowed_updates else kind not in OPT_IN_UPDATES

    # --- Bot API methods (api_<documented name>) ----------------------------------------------

    async def api_getMe(self, params: Json) -> Json:
        return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False}

    async def api_setWebhook(self, params: Json) -> bool:
        self.webhook = params
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def api_deleteWebhook(self, params: Json) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def api_getWebhookInfo(self, params: Json) -> Json:
        url = (self.webhook or {}).get("url", "")
        return {"url": url, "has_custom_certificate": False, "pending_update_count": len(self._pending)}

    async def api_getUpdates(self, params: Json) -> list[Json]:
        if self.webhook:
            raise ApiError(409, CONFLICT_WEBHOOK)
        self._confirm(int(params.get("offset") or 0))
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        if self._poll:  # one consumer per token: the newer poll wins
            self._poll.terminated = True
            self._poll.wake.set()
        poll = self._poll = _Poll()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout") or 0)
        assert self._closing is not None
        try:
            while (
                not (batch := self._deliverable(limit)) and not poll.terminated and not self._closing.is_set()
            ):
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                poll.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(poll.wake.wait(), remaining)
        finally:
            if self._poll is poll:
                self._poll = None
        if poll.terminated:
            raise ApiError(409, CONFLICT_POLL)
        return batch

    async def api_sendMessage(self, params: Json) -> Json:
        chat_id = chat_id_of(params)
        check_text(params.get("text"))
        markup = inline_markup(params.get("reply_markup"))
        thread = params.get("message_thread_id")
        if thread is not None and thread not in self._threads.get(chat_id, set()):
            raise bad_request("message thread not found")
        reply = params.get("reply_parameters") or {
            "message_id": params.get("reply_to_message_id"),
            "allow_sending_without_reply": params.get("allow_sending_without_reply"),
        }
        reply_to = reply.get("message_id")
        if reply_to and (chat_id, reply_to) not in self.messages:
            if not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
            reply_to = None
        self.delivered.append(params)
        content: Json = {"text": params["text"], **({"reply_markup": markup} if markup else {})}
        return self._store(chat_id, BOT_USER, content, thread=thread, reply_to=reply_to)

    async def api_sendChatAction(self, params: Json) -> bool:
        self._chat(chat_id_of(params))
        return True

    async def api_editMessageText(self, params: Json) -> Json | bool:
        check_text(params.get("text"))
        changes = {"text": params["text"], "reply_markup": inline_markup(params.get("reply_markup"))}
        return self._edit(params, changes, needs_text=True)

    async def api_editMessageReplyMarkup(self, params: Json) -> Json | bool:
        return self._edit(params, {"reply_markup": inline_markup(params.get("reply_markup"))})

    def _edit(self, params: Json, changes: Json, needs_text: bool = False) -> Json | bool:
        """Telegram's edit rules: own messages only, something must change, and a missing
        reply_markup removes the keyboard."""
        if params.get("inline_message_id"):
            return True  # messages sent via inline mode: Telegram answers True
        message = self._message(params, "edit")
        if message["from"]["id"] != BOT_USER["id"]:
            raise bad_request("message can't be edited")
        if needs_text and "text" not in message:
            raise bad_request("there is no text in the message to edit")
        if all(message.get(key) == value for key, value in changes.items()):
            raise bad_request(NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(time.time())
        return message

    async def api_deleteMessage(self, params: Json) -> bool:
        message = self._message(params, "delete")
        key = (message["chat"]["id"], message["message_id"])
        del self.messages[key]
        self.deleted.append(key)
        return True

    async def api_answerCallbackQuery(self, params: Json) -> bool:
        update_id = self._queries.get(str(params.get("callback_query_id")))
        if update_id is None or update_id in self.answers:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        self.answers[update_id] = params
        return True

    async def api_setMyCommands(self, params: Json) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not COMMAND.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params.get("scope"), params.get("language_code"))] = commands
        return True

    async def api_getMyCommands(self, params: Json) -> list[Json]:
        return self.commands_for(params.get("language_code") or "", params.get("scope"))

    async def api_deleteMyCommands(self, params: Json) -> bool:
        self.commands.pop(self._commands_key(params.get("scope"), params.get("language_code")), None)
        return True

    async def api_createForumTopic(self, params: Json) -> Json:
        chat_id = chat_id_of(params)
        self._chat(chat_id)
        if not self._is_forum(chat_id):
            raise bad_request("the chat is not a forum")
        name = params.get("name")
        if not name:
            raise bad_request("name is empty")
        topic: Json = {"name": str(name), "icon_color": params.get("icon_color", TOPIC_COLORS[0])}
        if params.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = params["icon_custom_emoji_id"]
        # A topic's id is the id of the service message that opened it.
        opening = self._store(
            chat_id, BOT_USER, {"forum_topic_created": dict(topic), "is_topic_message": True}
        )
        opening["message_thread_id"] = thread = opening["message_id"]
        self._threads.setdefault(chat_id, set()).add(thread)
        self.topics.append({"chat_id": chat_id, "message_thread_id": thread, **topic})
        return {"message_thread_id": thread, **topic}

    async def api_getFile(self, params: Json) -> Json:
        self.file_requests.append(params.get("file_id"))
        file = self._files.get(str(params.get("file_id")))
        if file is None:
            raise bad_request("invalid file_id")
        keys = ("file_id", "file_unique_id", "file_size")
        return {**{k: file[k] for k in keys}, "file_path": f"files/{file['file_unique_id']}"}
