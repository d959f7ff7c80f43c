"""The Bot API methods the emulator implements, by their canonical names."""

from __future__ import annotations

from emulator import methods_chat, methods_edit, methods_send, methods_updates
from emulator.context import Handler

HANDLERS: dict[str, Handler] = {
    "getMe": methods_chat.get_me,
    "getUpdates": methods_updates.get_updates,
    "setWebhook": methods_updates.set_webhook,
    "deleteWebhook": methods_updates.delete_webhook,
    "getWebhookInfo": methods_updates.get_webhook_info,
    "sendMessage": methods_send.send_message,
    "sendLocation": methods_send.send_location,
    "sendDocument": methods_send.send_document,
    "sendPhoto": methods_send.send_photo,
    "sendChatAction": methods_send.send_chat_action,
    "editMessageText": methods_edit.edit_message_text,
    "editMessageReplyMarkup": methods_edit.edit_message_reply_markup,
    "deleteMessage": methods_edit.delete_message,
    "deleteMessages": methods_edit.delete_messages,
    "answerCallbackQuery": methods_edit.answer_callback_query,
    "setMyCommands": methods_chat.set_my_commands,
    "getMyCommands": methods_chat.get_my_commands,
    "deleteMyCommands": methods_chat.delete_my_commands,
    "setChatMenuButton": methods_chat.set_chat_menu_button,
    "getChatMenuButton": methods_chat.get_chat_menu_button,
    "getChatMember": methods_chat.get_chat_member,
    "getChat": methods_chat.get_chat,
    "getFile": methods_chat.get_file,
}
