"""TwiML answers checked against the verbs and attributes Twilio documents.

``check_voice`` parses a voice answer and fails on any verb or attribute the TwiML
reference does not list for it, and on anything that records, transcribes or leaves a
voicemail: the service never keeps a voice.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

# Verbs and nouns the service may use, with the attributes Twilio documents for each.
VOICE_ATTRIBUTES: dict[str, frozenset[str]] = {
    "Response": frozenset(),
    "Say": frozenset({"voice", "language", "loop"}),
    "Gather": frozenset(
        {
            "action",
            "method",
            "numDigits",
            "timeout",
            "input",
            "finishOnKey",
            "language",
            "actionOnEmptyResult",
        }
    ),
    "Hangup": frozenset(),
    "Pause": frozenset({"length"}),
    "Dial": frozenset(
        {"action", "method", "timeout", "answerOnBridge", "callerId", "hangupOnStar", "timeLimit"}
    ),
    "Number": frozenset({"url", "method", "sendDigits", "statusCallback", "statusCallbackEvent"}),
}
# Parents each verb or noun may appear in.
PARENTS = {
    "Say": {"Response", "Gather"},
    "Gather": {"Response"},
    "Hangup": {"Response"},
    "Dial": {"Response"},
    "Number": {"Dial"},
}
NEVER = ("Record", "record", "transcribe", "Transcription", "voicemail")


def check_voice(twiml: str) -> ElementTree.Element:
    """Parse a voice answer; assert it uses only documented verbs and attributes and
    nothing that records. Returns the ``<Response>`` element."""
    root = ElementTree.fromstring(twiml)
    assert root.tag == "Response", root.tag
    for word in NEVER:
        assert word not in twiml, f"{word} in {twiml}"
    _check(root, None)
    return root


def _check(element: ElementTree.Element, parent: str | None) -> None:
    """Check ``element`` and its children."""
    allowed = VOICE_ATTRIBUTES.get(element.tag)
    assert allowed is not None, f"<{element.tag}> is not a verb the service uses"
    assert set(element.attrib) <= allowed, f"<{element.tag}> {set(element.attrib) - allowed}"
    if parent is not None:
        assert parent in PARENTS.get(element.tag, set()), f"<{element.tag}> in <{parent}>"
    if element.tag == "Dial":
        assert element.get("answerOnBridge") == "true" and element.get("action")
        assert len(element) == 1, "one number per <Dial>: a voicemail could win a parallel ring"
    if element.tag == "Number":
        assert element.get("url"), "every leg is screened before it is bridged"
    if element.tag == "Gather":
        assert element.get("numDigits") == "1" and element.get("action")
        assert element.get("method", "POST") == "POST"
    for child in element:
        _check(child, element.tag)


def spoken(twiml: str) -> str:
    """Everything the answer says, in order."""
    return " ".join(e.text or "" for e in ElementTree.fromstring(twiml).iter("Say"))
