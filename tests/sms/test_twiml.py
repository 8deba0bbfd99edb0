"""TwiML answers: well-formed XML, escaped text, never a recording."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dispatcher.sms.twiml import message_response, voice_response


def test_empty_response_for_no_reply() -> None:
    root = ET.fromstring(message_response(None))
    assert root.tag == "Response"
    assert list(root) == []


def test_reply_text_is_escaped() -> None:
    text = 'K7Q4 <covered> & "thanks"'
    root = ET.fromstring(message_response(text))
    (message,) = list(root)
    assert message.tag == "Message"
    assert message.text == text
    assert message.attrib == {}


def test_reply_can_report_its_status() -> None:
    root = ET.fromstring(message_response("hello", "https://dispatch.test/sms/status"))
    (message,) = list(root)
    assert message.attrib == {"action": "https://dispatch.test/sms/status", "method": "POST"}
    assert ET.fromstring(message_response(None, "https://x.test/s")).findall("Message") == []


def test_voice_says_and_never_records() -> None:
    xml = voice_response("Please text this number instead.")
    root = ET.fromstring(xml)
    assert [child.tag for child in root] == ["Say"]
    assert root[0].text == "Please text this number instead."
    assert "Record" not in xml and "transcribe" not in xml.lower()
